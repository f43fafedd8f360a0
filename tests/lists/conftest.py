"""Fixtures for list-operation tests.

``loaded`` is one store per test session holding the real bundled lists: OFAC SDN 2023-12-28 is
loaded first and then every default snapshot (so OFAC SDN has two versions, 2024-05-03 current).
Tests that change a store use ``fresh_settings`` (an empty store of their own) and small inputs.
"""

from __future__ import annotations

import lzma
from dataclasses import replace
from pathlib import Path

import pytest

from interdict import lists
from interdict.config import Settings
from interdict.sources import bundled_snapshot
from interdict.store import open_store


@pytest.fixture(scope="session")
def loaded(tmp_path_factory) -> Settings:
    home = tmp_path_factory.mktemp("lists-home")
    settings = replace(Settings(), home=home)
    lists.load("us_ofac_sdn", version="2023-12-28", settings=settings)
    lists.load(settings=settings)
    return settings


@pytest.fixture
def store(loaded):
    with open_store(loaded) as s:
        yield s


@pytest.fixture
def fresh_settings(tmp_path) -> Settings:
    return replace(Settings(), home=tmp_path / "home")


def plain_copy(source: str, label: str | None, dest: Path) -> list[Path]:
    """Decompress a bundled snapshot's files into ``dest`` under their official names."""
    dest.mkdir(parents=True, exist_ok=True)
    out = []
    for path in bundled_snapshot(source, label).paths():
        name = path.name.removesuffix(".xz")
        target = dest / name
        if path.suffix == ".xz":
            target.write_bytes(lzma.decompress(path.read_bytes()))
        else:
            target.write_bytes(path.read_bytes())
        out.append(target)
    return out


@pytest.fixture
def plain(tmp_path):
    def make(source: str, label: str | None = None) -> list[Path]:
        return plain_copy(source, label, tmp_path / f"{source}-{label or 'default'}")

    return make

"""Fixtures for the network tests: the bundled sample registry and a small fake screener."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest

import interdict

SAMPLES = Path(interdict.__file__).parent / "data" / "samples"
REGISTRY = SAMPLES / "registry.ftm.jsonl"
SHIPMENTS = SAMPLES / "network-shipments.csv"
AS_OF = date(2026, 11, 22)


@dataclass
class FakeMatch:
    id: str
    caption: str
    score: float
    match: bool
    source: str = "us_ofac_sdn"
    matched_name: str | None = None
    explanations: dict = field(default_factory=dict)
    programs: list = field(default_factory=list)


@dataclass
class FakeResult:
    results: list


class FakeScreener:
    """Answers from a fixed table {lower-case name: [FakeMatch]}; records every call."""

    def __init__(self, table):
        self.table = {k.lower(): v for k, v in table.items()}
        self.calls = []

    def screen(self, query, **kwargs):
        self.calls.append((query, kwargs))
        return FakeResult(list(self.table.get(str(query).lower(), [])))


@pytest.fixture
def write_jsonl(tmp_path):
    def _write(rows, name="input.jsonl"):
        path = tmp_path / name
        with path.open("w", encoding="utf-8") as fh:
            for row in rows:
                fh.write((row if isinstance(row, str) else json.dumps(row, ensure_ascii=False)) + "\n")
        return path

    return _write


@pytest.fixture
def decisions_path(tmp_path):
    return tmp_path / "decisions.jsonl"

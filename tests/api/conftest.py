"""One loaded engine per test session (OFAC SDN + UN SC bundled snapshots in a temporary home)
and keys for the three roles."""

from __future__ import annotations

from dataclasses import replace

import pytest
from fastapi.testclient import TestClient

from interdict import lists
from interdict.api.app import create_app
from interdict.api.engine import Engine
from interdict.audit import keys
from interdict.audit.db import ServiceDB
from interdict.config import get_settings


@pytest.fixture(scope="session")
def api_settings(tmp_path_factory):
    home = tmp_path_factory.mktemp("api-home")
    settings = replace(get_settings(), home=home, key_pepper="api-test-pepper", api_max_body_bytes=64 * 1024,
                       api_max_batch=20)
    lists.load(["us_ofac_sdn", "un_sc"], settings=settings)
    return settings


@pytest.fixture(scope="session")
def engine(api_settings):
    e = Engine(api_settings)
    e.load()
    return e


@pytest.fixture(scope="session")
def app(api_settings, engine):
    return create_app(api_settings, engine, load=False)


@pytest.fixture(scope="session")
def client(app):
    return TestClient(app)


@pytest.fixture(scope="session")
def db(app) -> ServiceDB:
    return app.state.service.db


@pytest.fixture(scope="session")
def tokens(db, api_settings):
    out = {}
    for role in ("screener", "analyst", "admin"):
        _, token = keys.create_key(db, label=f"test {role}", role=role, created_by="test", settings=api_settings)
        out[role] = token
    return out


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"ApiKey {token}"}

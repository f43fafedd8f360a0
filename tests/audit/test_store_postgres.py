"""The store test suite (tests/store/test_store.py) run again with the store in PostgreSQL.

Each test gets a fresh schema in the server named by INTERDICT_TEST_DATABASE_URL (`.ci/postgres.sh`
starts one); without it these tests are skipped. The test functions and fixtures are the store
suite's own; only the ``settings`` fixture differs (``database_url`` set).
"""

from __future__ import annotations

import importlib.util
import os
import uuid
from dataclasses import replace
from pathlib import Path

import pytest

from interdict.config import Settings

PG_URL = os.environ.get("INTERDICT_TEST_DATABASE_URL", "")
pytestmark = [pytest.mark.postgres,
              pytest.mark.skipif(not PG_URL, reason="INTERDICT_TEST_DATABASE_URL is not set (run .ci/postgres.sh)")]

_SUITE = Path(__file__).resolve().parent.parent / "store" / "test_store.py"
_spec = importlib.util.spec_from_file_location("store_suite_for_postgres", _SUITE)
_suite = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_suite)  # type: ignore[union-attr]

for _name in dir(_suite):
    if _name.startswith("test_") or _name in ("two_versions",) or (
        _name != "settings" and hasattr(getattr(_suite, _name), "_pytestfixturefunction")
    ):
        globals()[_name] = getattr(_suite, _name)
for _name, _obj in vars(_suite).items():  # other fixtures the suite defines (pytest marks them)
    if _name != "settings" and type(_obj).__name__ == "FixtureFunctionDefinition":
        globals()[_name] = _obj


@pytest.fixture
def settings(tmp_path):
    import psycopg

    schema = f"s_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    sep = "&" if "?" in PG_URL else "?"
    yield replace(Settings(), home=tmp_path / "home", database_url=f"{PG_URL}{sep}options=-csearch_path%3D{schema}")
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


def test_the_store_really_is_in_postgres(settings):
    from interdict.store import open_store

    with open_store(settings) as store:
        assert store.backend.name == "postgres"
        assert store.current_versions() == {}


def test_bundled_list_in_postgres_serves_the_api(settings):
    """A real bundled list loaded into PostgreSQL, screened, and served by the API engine."""
    from interdict import lists
    from interdict.api.engine import Engine
    from interdict.screening import Screener

    report = lists.load("un_sc", settings=settings)[0]
    assert report.entities > 100
    screener = Screener.open(settings, auto_load=False)
    top = screener.screen("Korea Mining Development Trading Corporation", limit=1).results[0]
    assert top.match and top.source == "un_sc"
    engine = Engine(settings)
    engine.load()
    assert engine.context["lists"]["un_sc"]["sha256"] == report.version.sha256
    assert engine.entity(top.id)["properties"]["name"]
    assert not engine.stale()
    assert lists.status(settings=settings) if hasattr(lists, "status") else True


def test_api_on_postgres_audits_decides_and_rescreens(settings):
    """Everything in one PostgreSQL database: lists, keys, audit, decisions, book."""
    from dataclasses import replace as _replace

    from fastapi.testclient import TestClient

    from interdict import lists
    from interdict.api.app import create_app
    from interdict.api.engine import Engine
    from interdict.audit import keys, trail
    from interdict.audit.db import ServiceDB

    settings = _replace(settings, key_pepper="pg-pepper")
    lists.load("un_sc", settings=settings)
    engine = Engine(settings)
    engine.load()
    app = create_app(settings, engine, load=False)
    db = app.state.service.db
    assert isinstance(db, ServiceDB) and db.kind == "postgres"
    _, token = keys.create_key(db, label="pg", role="admin", created_by="test", settings=settings)
    h = {"Authorization": f"ApiKey {token}"}
    c = TestClient(app)
    q = {"id": "cust-1", "schema": "Company", "properties": {"name": ["Korea Mining Development Trading Corporation"]}}
    res = c.post("/match/default", json={"queries": {"a": q}}, headers=h).json()["responses"]["a"]
    top = res["results"][0]
    assert top["match"] is True
    r = c.post("/decisions", json={"entity_id": top["id"], "status": "false_positive", "reason": "test",
                                   "audit_record": res["audit_record"]}, headers=h)
    assert r.status_code == 201, r.text
    again = c.post("/match/default", json={"queries": {"a": q}}, headers=h).json()["responses"]["a"]["results"][0]
    assert again["decision"]["suppressed"] is True and again["match"] is False
    c.post("/book/customers", content="id,name,schema\nb1,Korea Mining Development Trading Corporation,Company\n",
           headers={**h, "content-type": "text/csv"})
    run = c.post("/book/rescreen", headers=h).json()
    assert [a["customer_id"] for a in run["new_alerts"]] == ["b1"]
    assert c.get("/audit/verify", headers=h).json()["ok"] is True
    assert trail.verify(db).records >= 5

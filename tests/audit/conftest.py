"""Service-database fixtures: every test that takes ``service_db`` runs on SQLite and, when
``INTERDICT_TEST_DATABASE_URL`` names a PostgreSQL server, on PostgreSQL too (in a fresh schema)."""

from __future__ import annotations

import os
import uuid
from dataclasses import replace

import pytest

from interdict.audit.db import ServiceDB
from interdict.config import get_settings

PG_URL = os.environ.get("INTERDICT_TEST_DATABASE_URL", "")


def _pg_schema_url(base: str) -> tuple[str, str]:
    import psycopg

    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options=-csearch_path%3D{schema}", schema


def _drop_schema(base: str, schema: str) -> None:
    import psycopg

    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def service_db(request, tmp_path):
    if request.param == "sqlite":
        db = ServiceDB(sqlite_path=tmp_path / "service.sqlite")
        yield db
        db.close()
        return
    if not PG_URL:
        pytest.skip("INTERDICT_TEST_DATABASE_URL is not set (run .ci/postgres.sh)")
    url, schema = _pg_schema_url(PG_URL)
    db = ServiceDB(postgres_url=url)
    yield db
    db.close()
    _drop_schema(PG_URL, schema)


@pytest.fixture
def settings(tmp_path):
    return replace(get_settings(), home=tmp_path, key_pepper="test-pepper")

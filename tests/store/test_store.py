"""The store API on small FtM inputs: versions, current flag, iteration filters, lookups,
version-specific access, change detection and the fingerprint."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from interdict import lists
from interdict.config import Settings
from interdict.exc import NotFound, StoreError
from interdict.store import content_hash, open_store


def _write(path, entities):
    path.write_text("\n".join(json.dumps(e) for e in entities) + "\n", encoding="utf-8")
    return path


def person(i, name, **props):
    return {"id": f"p{i}", "schema": "Person", "properties": {"name": [name], **props}}


@pytest.fixture
def settings(tmp_path) -> Settings:
    return replace(Settings(), home=tmp_path / "home")


@pytest.fixture
def two_versions(tmp_path, settings):
    v1 = _write(tmp_path / "v1.json", [person(1, "Kim Il"), person(2, "Ri Su", program=["DPRK3"]), person(3, "Pak Un")])
    v2 = _write(
        tmp_path / "v2.json",
        [person(1, "Kim Il"), person(2, "Ri Su Yong", program=["DPRK3"]), person(4, "Jo Myong")],
    )
    lists.load("mini", [v1], settings=settings, label="one")
    lists.load("mini", [v2], settings=settings, label="two", force=True)
    return settings


def test_versions_and_current(two_versions):
    with open_store(two_versions) as store:
        versions = store.versions("mini")
        assert [(v.label, v.is_current, v.entity_count) for v in versions] == [("one", False, 3), ("two", True, 3)]
        assert set(store.current_versions()) == {"mini"}
        assert store.resolve_version("mini", "one").id == versions[0].id
        assert store.resolve_version("mini", "previous").label == "one"
        assert store.resolve_version("mini", str(versions[1].id)).label == "two"
        with pytest.raises(NotFound):
            store.resolve_version("mini", "three")


def test_iterate_current_and_by_version(two_versions):
    with open_store(two_versions) as store:
        current = {e.id for e in store.iter_entities()}
        assert current == {"mini-p1", "mini-p2", "mini-p4"}
        old = store.resolve_version("mini", "one")
        assert {e.id for e in store.iter_entities(version_ids=[old.id])} == {"mini-p1", "mini-p2", "mini-p3"}
        assert {e.id for e in store.iter_entities(dprk_only=True)} == {"mini-p2"}
        assert list(store.iter_entities(sources=["other"])) == []
        assert store.count_entities(sources="mini") == 3


def test_lookup_by_id_and_reference(two_versions):
    with open_store(two_versions) as store:
        assert store.get_entity("mini-p2").get("name") == ["Ri Su Yong"]
        assert store.get_entity("p2").id == "mini-p2"
        assert store.get_entity("p3") is None  # only in the old version
        old = store.resolve_version("mini", "one")
        assert store.get_entity("p3", version_id=old.id).get("name") == ["Pak Un"]


def test_changed_entity_ids_and_diff(two_versions):
    with open_store(two_versions) as store:
        one, two = store.resolve_version("mini", "one"), store.resolve_version("mini", "two")
        changes = store.changed_entity_ids("mini", one.id, two.id)
        assert changes == {"added": {"mini-p4"}, "removed": {"mini-p3"}, "changed": {"mini-p2"}}
        with pytest.raises(StoreError):
            store.changed_entity_ids("other", one.id, two.id)
    d = lists.diff("mini", settings=two_versions)
    assert d["counts"] == {"added": 1, "removed": 1, "changed": 1}
    assert d["changed"][0]["fields"] == {"name": {"added": ["Ri Su Yong"], "removed": ["Ri Su"]}}


def test_fingerprint_tracks_current_versions(two_versions, tmp_path):
    with open_store(two_versions) as store:
        before = store.fingerprint()
    lists.load("mini", [_write(tmp_path / "v3.json", [person(1, "Kim Il"), person(2, "Ri"), person(5, "X")])], settings=two_versions)
    with open_store(two_versions) as store:
        assert store.fingerprint() != before


def test_content_hash_ignores_value_order():
    assert content_hash("Person", {"name": ["a", "b"]}) == content_hash("Person", {"name": ["b", "a"]})
    assert content_hash("Person", {"name": ["a"]}) != content_hash("Company", {"name": ["a"]})


def test_connection_for_other_tables(settings):
    with open_store(settings) as store:
        store.execute("CREATE TABLE IF NOT EXISTS other_part (k VARCHAR, v INTEGER)")
        store.execute("INSERT INTO other_part VALUES (?, ?)", ["a", 1])
        assert store.connection.execute("SELECT v FROM other_part").fetchall() == [(1,)]


def test_unsupported_database_url(settings):
    # PostgreSQL is supported (store/postgres.py); an unreachable server is a clear StoreError
    with pytest.raises(StoreError, match="cannot open the PostgreSQL store"):
        open_store(replace(settings, database_url="postgresql://127.0.0.1:9/x?connect_timeout=2"))
    with pytest.raises(StoreError, match="unsupported"):
        open_store(replace(settings, database_url="mysql://x"))


def test_get_entities_batch(two_versions):
    with open_store(two_versions) as store:
        got = store.get_entities(["mini-p1", "mini-p3", "mini-p4", "nope"])
        assert set(got) == {"mini-p1", "mini-p4"}
        old = store.resolve_version("mini", "one")
        assert set(store.get_entities(["mini-p3", "mini-p4"], version_ids=[old.id])) == {"mini-p3"}
        assert store.get_entities([]) == {}


def test_lock_is_waited_for_then_reported(settings):
    if settings.database_url:
        pytest.skip("DuckDB file locking only")
    import subprocess
    import sys
    import time

    from interdict.store import open_store as _open

    _open(settings).close()  # create the file
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time, duckdb; c = duckdb.connect(sys.argv[1]); print('held', flush=True); time.sleep(2.0)",
         str(settings.db_path)],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(StoreError, match="in use by another interdict process"):
            _open(settings, lock_timeout=0)
        started = time.monotonic()
        with _open(settings, lock_timeout=30) as store:  # waits until the holder exits
            assert store.current_versions() == {}
        assert time.monotonic() - started > 0.3
    finally:
        holder.wait(timeout=30)


def test_read_only_without_store(settings):
    if settings.database_url:
        pytest.skip("DuckDB store file only")
    with pytest.raises(StoreError, match="no store at"):
        open_store(settings, read_only=True)

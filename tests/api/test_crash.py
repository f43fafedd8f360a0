"""SIGKILL the server in the middle of a batch: every screening that got a response has its audit
record (with the query that was sent), the hash chain still verifies, and no batch is half-written.

Slow: starts a real `interdict serve` (2 workers) on loopback with the UN list loaded.
"""

from __future__ import annotations

import sys
import threading
from dataclasses import replace
from pathlib import Path

import httpx
import pytest

from interdict import lists
from interdict.audit import keys, trail
from interdict.audit.db import ServiceDB
from interdict.config import get_settings

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from bench.service.server import Server  # noqa: E402

pytestmark = pytest.mark.slow

BATCH = 20


def test_sigkill_mid_batch_leaves_a_whole_verifiable_trail(tmp_path):
    settings = replace(get_settings(), home=tmp_path)
    lists.load("un_sc", settings=settings)
    db = ServiceDB(sqlite_path=tmp_path / "service.sqlite")
    _, token = keys.create_key(db, label="crash", role="screener", created_by="test", settings=settings)
    db.close()
    server = Server(tmp_path, workers=2).start()
    answered: list[tuple[str, str, str]] = []  # (kind, sent name, audit record)
    lock = threading.Lock()
    stop = threading.Event()
    enough = threading.Event()

    def client(n: int) -> None:
        h = {"Authorization": f"ApiKey {token}"}
        i = 0
        with httpx.Client(base_url=server.url, headers=h, timeout=30) as c:
            while not stop.is_set():
                i += 1
                try:
                    if i % 3 == 0:
                        names = [f"Batch Party {n}-{i}-{k}" for k in range(BATCH)]
                        r = c.post("/screen/default", json={"parties": [{"id": x, "name": x} for x in names]})
                        got = [("batch", x, item["audit_record"]) for x, item in zip(names, r.json()["items"],
                                                                                        strict=True)]
                    else:
                        name = f"Kim Jong {n} {i}"
                        r = c.post("/match/default", json={"queries": {"q": {"schema": "Person",
                                                                             "properties": {"name": [name]}}}})
                        got = [("match", name, r.json()["responses"]["q"]["audit_record"])]
                except (httpx.HTTPError, ValueError, KeyError):
                    return  # the server is gone
                with lock:
                    answered.extend(got)
                    if len(answered) >= 300:
                        enough.set()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    try:
        assert enough.wait(600), "the server answered too few requests"
        server.kill()  # while the client threads still have requests in flight
    finally:
        stop.set()
        for t in threads:
            t.join(60)
        server.kill()

    db = ServiceDB(sqlite_path=tmp_path / "service.sqlite")
    report = trail.verify(db)
    assert report.ok, report
    records = {r.record_id: r for r in trail.iter_records(db)}
    for kind, name, record_id in answered:
        rec = records[record_id]  # every answered screening is in the trail ...
        sent = rec.body["query"]["properties"]["name"]
        assert name in sent, (record_id, name, sent)  # ... with the query that was sent
        assert rec.channel == ("batch" if kind == "batch" else "api")
    batch = [r for r in records.values() if r.channel == "batch"]
    assert len(batch) % BATCH == 0  # a batch is all in or all out, never half-written
    assert len(records) >= len(answered) + 1

"""Serving-process mechanics of `interdict serve`: heap freezing, connection balancing, warm-up."""

from __future__ import annotations

import asyncio
import gc
import os
import subprocess
import sys

from interdict.api import heap
from interdict.api.balance import ConnectionBalance
from interdict.api.engine import Engine


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"ApiKey {token}"}


def test_settle_freezes_the_loaded_heap_and_refreezes_after_full_collections():
    try:
        heap.settle()
        frozen = gc.get_freeze_count()
        assert frozen > 0 and heap.stats()["policy"]
        kept = [[i] for i in range(5000)]  # long-lived objects made after loading (caches)
        gc.collect()  # a full collection: what survives it is frozen too
        assert gc.get_freeze_count() >= frozen + 5000
        assert heap.stats()["refreezes"] >= 1
        cycle: list = []
        cycle.append(cycle)  # cyclic garbage made afterwards is still collected
        del cycle
        assert gc.collect() >= 1
        heap.reclaim()
        assert gc.get_freeze_count() >= frozen
        del kept
    finally:
        heap.uninstall()
    assert gc.get_freeze_count() == 0 and not heap.stats()["policy"]


def test_warm_up_queries_screen_without_error(engine):
    for query in Engine.WARM_QUERIES:
        engine.screener.screen(query, limit=5, dataset="default")


def _other_worker(path, count: int) -> subprocess.Popen:
    """A real second process holding a slot of the shared file with ``count`` connections."""
    code = (
        "import sys, time\n"
        "from interdict.api.balance import ConnectionBalance\n"
        "b = ConnectionBalance(None, sys.argv[1]); b._attach()\n"
        "b._q[b._slot * 2 + 1] = int(sys.argv[2])\n"
        "print('ready', flush=True); time.sleep(60)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", code, str(path), str(count)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "ready"
    return proc


def _serve(balance: ConnectionBalance, client: tuple[str, int]) -> dict[bytes, bytes]:
    sent: list[dict] = []

    async def app(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
        await send({"type": "http.response.body", "body": b"ok"})

    async def send(message):
        sent.append(message)

    balance.app = app
    asyncio.run(balance({"type": "http", "client": client, "headers": []}, None, send))
    return dict(sent[0]["headers"])


def test_crowded_worker_closes_connections_until_even(tmp_path):
    path = tmp_path / "balance"
    other = _other_worker(path, 2)  # the other worker serves 2 connections
    try:
        mine = ConnectionBalance(None, path, min_interval=0.0)
        closed = [port for port in range(10) if _serve(mine, ("127.0.0.1", 40000 + port)).get(b"connection") == b"close"]
        # 10 clients came here: connections beyond the average + slack were told to reconnect
        assert closed and mine.closed == len(closed)
        assert sorted(mine.counts()) == [2, 10 - len(closed)]
        assert 10 - len(closed) - 2 == mine.slack  # closed until no more than slack above the other
        # once even, nothing more is closed
        assert _serve(mine, ("127.0.0.1", 40000)).get(b"connection") is None
    finally:
        other.kill()
        other.wait()


def test_balanced_workers_close_nothing_and_dead_workers_are_forgotten(tmp_path):
    path = tmp_path / "balance"
    other = _other_worker(path, 5)
    mine = ConnectionBalance(None, path, min_interval=0.0)
    try:
        assert all(_serve(mine, ("10.0.0.1", 1000 + p)).get(b"connection") is None for p in range(5))
    finally:
        other.kill()
        other.wait()
    mine._prune(mine._last_prune + 1)  # the other process died: its slot is cleared
    assert mine.counts() == [5]
    fresh = ConnectionBalance(None, path)  # a replacement worker may take a dead worker's slot
    fresh._attach()
    assert os.getpid() in {fresh._q[i * 2] for i in range(4)}


def test_key_revoked_in_another_process_is_refused_on_the_next_request(client, tokens, api_settings):
    kumsan = {"queries": {"a": {"schema": "Company", "properties": {"name": ["Korea Kumsan Trading Corporation"]}}}}
    r = client.post("/admin/keys", json={"label": "elsewhere", "role": "screener"}, headers=auth(tokens["admin"]))
    token, key_id = r.json()["token"], r.json()["key_id"]
    for _ in range(2):  # verified once, then answered from this worker's key cache
        assert client.post("/match/default", json=kumsan, headers=auth(token)).status_code == 200
    exe = os.path.join(os.path.dirname(sys.executable), "interdict")
    cmd = [exe] if os.path.exists(exe) else [sys.executable, "-m", "interdict.cli.main"]
    done = subprocess.run([*cmd, "keys", "revoke", key_id], env={**os.environ, "INTERDICT_HOME": str(api_settings.home)},
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    r = client.post("/match/default", json=kumsan, headers=auth(token))
    assert r.status_code == 401 and "revoked" in r.json()["detail"]
    # other keys keep working (their cache entries are verified again once)
    assert client.post("/match/default", json=kumsan, headers=auth(tokens["screener"])).status_code == 200


def _fastpath(app):
    from interdict.api.fastpath import MatchFastPath

    node = app.middleware_stack
    while node is not None and not isinstance(node, MatchFastPath):
        node = getattr(node, "app", None)
    return node


KUMSAN = {"schema": "Company", "properties": {"name": ["Korea Kumsan Trading Corporation"]}}


def test_plain_match_takes_the_short_path_and_answers_as_the_route_does(client, app, tokens, db):
    from interdict.audit import trail

    body = {"queries": {"a": KUMSAN, "b": {"schema": "Person", "properties": {"name": ["Kim Jong Un"]}}}}
    client.post("/match/default", json=body, headers=auth(tokens["screener"]))  # builds the middleware stack
    fast = _fastpath(app)
    before = fast.answered
    quick = client.post("/match/default?limit=3&threshold=0.5&algorithm=logic-v2", json=body,
                        headers=auth(tokens["screener"]))
    assert fast.answered == before + 1
    # a filter parameter (excluding an id no list has) sends the same request through the route
    routed = client.post("/match/default?limit=3&threshold=0.5&algorithm=logic-v2&exclude_entity_ids=none-such", json=body,
                         headers=auth(tokens["screener"]))
    assert fast.answered == before + 1
    assert quick.status_code == routed.status_code == 200
    assert quick.headers["x-batch-size"] == routed.headers["x-batch-size"] == "2"
    a, b = quick.json(), routed.json()
    for resp in (a, b):
        for answer in resp["responses"].values():
            record = trail.get_record(db, answer.pop("audit_record"))
            assert record.kind == "screening" and record.body["params"]["limit"] == 3
    assert a == b


def test_requests_the_short_path_leaves_alone_get_the_routes_answers(client, app, tokens):
    fast = _fastpath(app) or _fastpath(client.app)
    before = fast.answered if fast else 0
    ok = auth(tokens["screener"])
    cases = [
        ({"queries": {"a": KUMSAN}}, "/match/default", {}, 401),                       # no key
        ({"queries": {"a": KUMSAN}}, "/match/default", auth("idk_nope.nope"), 401),    # wrong key
        ({"queries": {"a": {"schema": "Nope", "properties": {}}}}, "/match/default", ok, 400),  # body replayed
        ({"queries": {"a": KUMSAN}}, "/match/nowhere", ok, 404),
        ({"queries": {"a": KUMSAN}}, "/match/default?limit=0", ok, 422),
        ({"queries": {"a": KUMSAN}}, "/match/default?threshold=nan", ok, 422),
        ({"queries": "not a mapping"}, "/match/default", ok, 422),
        ({"queries": {}}, "/match/default", ok, 400),
    ]
    for body, url, headers, status in cases:
        r = client.post(url, json=body, headers=headers)
        assert r.status_code == status, (url, body, r.text)
        assert "detail" in r.json()
    assert (fast.answered if fast else 0) == before

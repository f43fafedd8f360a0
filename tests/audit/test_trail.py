from __future__ import annotations

import csv
import io
import json
import threading

from interdict.audit import trail
from interdict.audit.trail import NewRecord


def _fill(db, n=5):
    return trail.append_many(
        db,
        [NewRecord("screening", "key:abc", "api", {"query": {"name": f"Person {i}"}, "candidates": []},
                   subject=f"q{i}") for i in range(n)],
    )


def test_append_and_verify_clean_chain(service_db):
    ids = _fill(service_db)
    assert ids == [f"aud-{i:08d}" for i in range(1, 6)]
    report = trail.verify(service_db)
    assert report.ok and report.records == 5
    assert report.head == trail.get_record(service_db, ids[-1]).hash
    assert trail.get_record(service_db, ids[0]).prev_hash == trail.GENESIS


def test_edit_of_body_names_that_record(service_db):
    _fill(service_db)
    body = json.dumps({"query": {"name": "Someone Else"}, "candidates": []})
    service_db.execute("UPDATE audit_records SET body = ? WHERE seq = 3", (body,))
    report = trail.verify(service_db)
    assert not report.ok
    assert report.first_bad == "aud-00000003"
    assert "edited" in report.problem


def test_edit_of_actor_or_time_is_detected(service_db):
    _fill(service_db)
    service_db.execute("UPDATE audit_records SET actor = 'key:other' WHERE seq = 2")
    assert trail.verify(service_db).first_bad == "aud-00000002"


def test_rehashed_edit_breaks_the_next_link(service_db):
    _fill(service_db)
    # An editor who recomputes the edited record's own hash still breaks the link from the next one.
    rec = trail.get_record(service_db, "aud-00000002")
    body = trail.canonical_json({"query": {"name": "forged"}, "candidates": []})
    forged = trail._record_hash(rec.prev_hash, rec.seq, rec.record_id, rec.ts, rec.kind, rec.actor, rec.channel,
                                rec.subject, body)
    service_db.execute("UPDATE audit_records SET body = ?, hash = ? WHERE seq = 2", (body, forged))
    report = trail.verify(service_db)
    assert report.first_bad == "aud-00000003"


def test_deletion_in_the_middle_is_detected(service_db):
    _fill(service_db)
    service_db.execute("DELETE FROM audit_records WHERE seq = 4")
    report = trail.verify(service_db)
    assert not report.ok and report.first_bad == "aud-00000004" and "missing" in report.problem


def test_truncation_is_caught_by_the_anchor_row(service_db):
    _fill(service_db)
    report = trail.verify(service_db)
    assert report.ok and any(c.startswith("anchor row: seq 5") for c in report.checks)
    service_db.execute("DELETE FROM audit_records WHERE seq >= 4")
    report = trail.verify(service_db)  # the chain alone verifies; the anchor names seq 5
    assert not report.ok and report.first_bad == "aud-00000004" and "missing from the end" in report.problem


def test_truncation_with_the_anchor_row_deleted_or_rewound_is_caught(service_db):
    _fill(service_db)
    head = trail.verify(service_db).head
    service_db.execute("DELETE FROM audit_records WHERE seq = 5")
    service_db.execute("DELETE FROM audit_anchor")
    report = trail.verify(service_db)
    assert not report.ok and "anchor row" in report.problem and "missing" in report.problem
    # rewound to the new last record: on SQLite the head file beside the database still knows seq 5
    rec = trail.get_record(service_db, "aud-00000004")
    service_db.execute("INSERT INTO audit_anchor (name, seq, hash, ts) VALUES ('head', 4, ?, ?)", (rec.hash, rec.ts))
    report = trail.verify(service_db)
    if service_db.head_path is not None:
        assert not report.ok and "head file" in report.problem and report.first_bad == "aud-00000005"
        service_db.head_path.unlink()  # ... with the head file gone too, only the head noted elsewhere helps
        assert trail.verify(service_db).ok
    assert not trail.verify(service_db, expect_head=head).ok


def test_head_file_never_goes_backwards_and_lags_at_most(service_db, tmp_path):
    if service_db.head_path is None:
        return  # a PostgreSQL handle made without settings has no head file
    _fill(service_db, 3)
    assert trail.read_head_file(service_db.head_path)["seq"] == 3
    trail._write_head_file(service_db.head_path, 2, "0" * 64, "t")  # a slower writer with an older head
    assert trail.read_head_file(service_db.head_path)["seq"] == 3
    service_db.head_path.write_text("{garbage")
    report = trail.verify(service_db)
    assert not report.ok and "unreadable" in report.problem
    service_db.head_path.unlink()
    assert trail.verify(service_db).ok  # absent (e.g. verifying on another machine): the anchor row still counts
    _fill(service_db, 1)
    assert trail.read_head_file(service_db.head_path)["seq"] == 4


def test_records_appended_behind_interdicts_back_are_caught(service_db):
    _fill(service_db, 2)
    rec = trail.get_record(service_db, "aud-00000002")
    digest = trail._record_hash(rec.hash, 3, "aud-00000003", rec.ts, "screening", "x", "api", None, "{}")
    service_db.execute(f"INSERT INTO audit_records ({trail._COLUMNS}) VALUES (3, 'aud-00000003', ?, 'screening', "
                       "'x', 'api', NULL, '{}', ?, ?)", (rec.ts, rec.hash, digest))
    report = trail.verify(service_db)
    assert not report.ok and report.first_bad == "aud-00000003" and "not appended through interdict" in report.problem


def test_concurrent_appends_form_one_chain(service_db):
    def work():
        for _ in range(10):
            _fill(service_db, 2)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    report = trail.verify(service_db)
    assert report.ok and report.records == 80


def test_export_csv_escapes_formulas_and_filters_by_date(service_db):
    trail.append(service_db, NewRecord("screening", "=HYPERLINK(\"http://x\")", "api",
                                       {"candidates": [{"id": "us_ofac_sdn-1", "score": 0.9, "match": True}]},
                                       subject="@SUM(A1)"))
    text = "".join(trail.export(service_db, "csv"))
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[0]["actor"].startswith("'=")
    assert rows[0]["subject"] == "'@SUM(A1)"
    assert rows[0]["top_entity"] == "us_ofac_sdn-1" and rows[0]["matches"] == "1"
    assert "".join(trail.export(service_db, "csv", end="2000-01-01")).count("\n") == 1  # header only
    lines = "".join(trail.export(service_db, "jsonl", start="2000-01-01")).splitlines()
    assert json.loads(lines[0])["record_id"] == "aud-00000001"


def test_csv_safe():
    assert trail.csv_safe("-1+2") == "'-1+2"
    assert trail.csv_safe("plain") == "plain"
    assert trail.csv_safe(-0.5) == -0.5


def test_group_commit_keeps_each_request_whole_and_the_chain_valid(service_db):
    from concurrent.futures import ThreadPoolExecutor

    def request(i):
        recs = [NewRecord("screening", f"key:{i}", "api", {"n": i, "k": k}, subject=f"s{i}") for k in range(3)]
        return i, trail.append_grouped(service_db, recs)

    with ThreadPoolExecutor(16) as pool:
        results = list(pool.map(request, range(60)))
    for i, ids in results:
        recs = [trail.get_record(service_db, r) for r in ids]
        assert [r.body for r in recs] == [{"n": i, "k": k} for k in range(3)]
        seqs = [r.seq for r in recs]
        assert seqs == list(range(seqs[0], seqs[0] + 3))  # one request's records are contiguous
    assert trail.verify(service_db).records == 180 and trail.verify(service_db).ok


def test_loop_batcher_gives_each_request_its_own_committed_ids(service_db):
    import asyncio

    async def main():
        batcher = trail.loop_batcher(service_db)
        calls = []
        submit = batcher.committer.submit_future

        def counting(records):
            calls.append(len(records))
            return submit(records)

        batcher.committer.submit_future = counting

        async def request(i):
            recs = [NewRecord("screening", "key:a", "api", {"query": {"name": f"P{i}-{k}"}, "candidates": []})
                    for k in range(1 + i % 3)]
            return i, await batcher.submit(recs)

        return calls, await asyncio.gather(*(request(i) for i in range(30)))

    calls, answers = asyncio.run(main())
    assert sum(calls) == sum(1 + i % 3 for i in range(30)) and len(calls) < 30  # batched
    for i, ids in answers:
        assert len(ids) == 1 + i % 3
        for k, rid in enumerate(ids):  # each request's own records, in its order
            assert trail.get_record(service_db, rid).body["query"]["name"] == f"P{i}-{k}"
    assert trail.verify(service_db).ok

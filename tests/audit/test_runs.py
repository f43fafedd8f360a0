"""Trade, network and workers runs from the CLI each append one audit record (kind ``run``)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from types import SimpleNamespace

import pytest
from typer.testing import CliRunner

from interdict.audit import runs, trail
from interdict.audit.db import ServiceDB
from interdict.cli.main import app

SAMPLES = Path(__file__).resolve().parents[2] / "src" / "interdict" / "data" / "samples"
runner = CliRunner()


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("INTERDICT_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def _runs(home: Path) -> list[trail.AuditRecord]:
    db = ServiceDB(sqlite_path=home / "service.sqlite")
    try:
        assert trail.verify(db).ok
        return [r for r in trail.iter_records(db) if r.kind == "run"]
    finally:
        db.close()


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_trade_run_is_one_record_binding_input_output_and_alerts(home, tmp_path):
    out = tmp_path / "alerts.jsonl"
    res = runner.invoke(app, ["trade", "screen", str(SAMPLES / "shipments.csv"), "--no-parties", "-o", str(out)],
                        catch_exceptions=False)
    assert res.exit_code == 0, res.output
    [rec] = _runs(home)
    body = rec.body
    assert rec.channel == "cli" and body["engine"] == "trade" and rec.subject == "trade:shipments.csv"
    assert body["inputs"][0]["sha256"] == _sha(SAMPLES / "shipments.csv")
    assert body["outputs"][0]["sha256"] == _sha(out)
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    flagged = {r["shipment_id"]: r for r in rows if r["level"] != "clear"}
    assert body["counts"]["items"] == len(rows)
    assert {a["id"] for a in body["alerts"]} == set(flagged)  # every shipment at review or block, no clear one
    some = body["alerts"][0]
    assert some["rules"] == sorted({r["rule_id"] for r in flagged[some["id"]]["reasons"]})
    assert body["rules_sha256"] and body["options"]["parties"] is False and body["party_screening"] is False
    assert f"Audit record: {rec.record_id}" in res.output


def test_network_and_workers_runs_are_audited_and_no_audit_writes_nothing(home, tmp_path):
    res = runner.invoke(app, ["network", "analyze", str(SAMPLES / "registry.ftm.jsonl"),
                              str(SAMPLES / "network-shipments.csv"), "--no-lists", "--as-of", "2026-11-22",
                              "-o", str(tmp_path / "net.jsonl")], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    res = runner.invoke(app, ["workers", "screen", "--profiles", str(SAMPLES / "contractors.jsonl"),
                              "--events", str(SAMPLES / "contractor-events.csv"), "--no-screening",
                              "--as-of", "2026-11-22", "--pseudonymise-key", "k" * 32,
                              "--output", str(tmp_path / "workers.jsonl")], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    net, workers = _runs(home)
    assert net.body["engine"] == "network" and len(net.body["inputs"]) == 2
    assert any(a["id"] == "reg-cn-hengyuan" and a["level"] == "block" for a in net.body["alerts"])
    assert workers.body["engine"] == "workers" and workers.body["options"]["pseudonymised"]
    assert workers.body["alerts"]
    listed = {a["id"] for a in workers.body["alerts"]}
    raw_ids = {json.loads(line).get("id") for line in (SAMPLES / "contractors.jsonl").read_text().splitlines()}
    assert not listed & raw_ids  # with a pseudonymisation key the record holds pseudonyms only
    res = runner.invoke(app, ["trade", "screen", str(SAMPLES / "shipments.csv"), "--no-parties", "--no-audit",
                              "-o", str(tmp_path / "again.jsonl")], catch_exceptions=False)
    assert res.exit_code == 0 and len(_runs(home)) == 2


def test_run_audit_lists_only_alerts_and_caps_them(tmp_path, monkeypatch):
    def alert(i, level):
        return SimpleNamespace(subject=f"s{i}", level=SimpleNamespace(value=level), score=0.5,
                               reasons=[SimpleNamespace(rule_id="B"), SimpleNamespace(rule_id="A")])

    monkeypatch.setattr(runs, "MAX_ITEMS", 3)
    audit = runs.RunAudit("trade", inputs=[])
    audit.add_all([alert(0, "clear"), *(alert(i, "review") for i in range(1, 6)), alert(9, "block")])
    body = audit.body(lists_used=False)
    assert body["counts"] == {"items": 7, "block": 1, "clear": 1, "review": 5}
    assert [a["id"] for a in body["alerts"]] == ["s1", "s2", "s3"] and body["alerts_left_out"] == 3
    assert body["alerts"][0]["rules"] == ["A", "B"]

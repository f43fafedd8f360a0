from __future__ import annotations

import csv
import json
import re
from datetime import date

import pytest
from typer.testing import CliRunner

from interdict.cli.main import app
from interdict.exc import InvalidInput
from interdict.reports import csv_safe
from interdict.workers import Pseudonymiser, render_report, screen_contractors, write_results

from .conftest import EVENT_FIELDS, events_at_hours, profile, write_csv, write_jsonl

KEY = "k" * 32


@pytest.fixture
def result(tmp):
    profiles = [
        profile("c-001", name="=HYPERLINK(\"http://evil\")", email="first.last@gmail.com", phone="+1 602 555 0199",
                documents=[{"type": "passport", "number": "X7654321", "country": "US"}],
                payment_accounts=[{"type": "bank", "country": "CN", "account": "ACCT-77", "holder": "Li Wei"}],
                shipping=["99 Oak Ave Apt 1, Dandong, CN"]),
        profile("c-002", name="<script>alert(1)</script>", documents=[{"type": "passport", "number": "X7654321",
                                                                      "country": "US"}]),
    ]
    events = events_at_hours("c-001", [1, 2, 3], ip="175.45.176.77", device_id="dev-secret")
    events += events_at_hours("c-002", [15], device_id="dev-secret")
    events.append({"account_id": "nobody", "timestamp": "2025-03-03T01:00:00Z", "ip": "1.2.3.4"})
    return screen_contractors(write_jsonl(tmp / "p.jsonl", profiles), write_csv(tmp / "e.csv", events, EVENT_FIELDS),
                              as_of=date(2025, 6, 1))


@pytest.mark.parametrize("value", ["=1+1", "+1", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_formula_cells_are_escaped(value):
    assert csv_safe(value) == "'" + value
    assert csv_safe("plain") == "plain" and csv_safe(3) == 3


def test_jsonl_rows(tmp, result):
    path = tmp / "out.jsonl"
    n = write_results(result, path)
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    assert n == len(rows)
    types = {r["type"] for r in rows}
    assert types == {"contractor", "cluster", "problem"}
    c1 = next(r for r in rows if r.get("subject") == "c-001")
    assert c1["engine"] == "workers" and c1["subject_type"] == "contractor"
    assert all("citation" in r and r["citation"]["source_id"] for r in c1["reasons"])
    problem = next(r for r in rows if r["type"] == "problem")
    assert problem["record"] == "nobody" and problem["line"] == 42  # header + 40 events before it


def test_csv_rows_escape_formulas(tmp, result):
    path = tmp / "out.csv"
    write_results(result, path)
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    c1 = next(r for r in rows if r["subject"] == "c-001")
    assert c1["caption"].startswith("'=HYPERLINK")
    assert "HW-02.border" in c1["rules"] and "S32" in c1["citations"]


def test_pseudonymised_outputs_hold_no_identifiers(tmp, result):
    pseudo = Pseudonymiser(KEY)
    path = tmp / "shared.jsonl"
    write_results(result, path, pseudonymiser=pseudo)
    text = path.read_text()
    html = render_report(result, pseudonymiser=pseudo)
    for secret in ["c-001", "c-002", "first.last", "X7654321", "ACCT-77", "acct-77", "Li Wei", "dev-secret",
                   "175.45.176.77", "Dandong, CN", "HYPERLINK", "nobody", "6025550199"]:
        assert secret not in text, secret
        assert secret not in html, secret
    token = pseudo.token("c-001")
    assert re.fullmatch(r"p-[0-9a-f]{16}", token) and token in text
    assert Pseudonymiser(KEY).token("c-001") == token and Pseudonymiser("x" * 32).token("c-001") != token
    rows = [json.loads(line) for line in text.splitlines()]
    c1 = next(r for r in rows if r.get("subject") == token)
    assert {r["rule_id"] for r in c1["reasons"]} >= {"NET-KP-IP", "HW-02.border", "IDN-01.document"}


def test_short_keys_are_refused():
    with pytest.raises(InvalidInput):
        Pseudonymiser("short")


def test_html_report_is_self_contained_and_escaped(result):
    html = render_report(result)
    assert "<svg" in html and "<script>" not in html and "&lt;script&gt;" in html
    assert not re.search(r"""(src|href)=["']?https?:""", html)
    assert "NET-KP-IP" in html and "S70" in html


def test_cli_screen_writes_outputs_and_reports_bad_input(tmp, monkeypatch):
    monkeypatch.setenv("INTERDICT_HOME", str(tmp / "home"))
    ppath = write_jsonl(tmp / "p.jsonl", [profile("a"), profile("b")])
    epath = write_csv(tmp / "e.csv", events_at_hours("a", [1, 2], ip="300.0.0.1") + events_at_hours("b", [3]),
                      EVENT_FIELDS)
    runner = CliRunner()
    out = tmp / "o.csv"
    res = runner.invoke(app, ["workers", "screen", "--profiles", str(ppath), "--events", str(epath), "--output",
                              str(out), "--report", str(tmp / "r.html"), "--no-screening", "--as-of", "2025-06-01"])
    assert res.exit_code == 0, res.output
    assert "malformed IP" in res.output and out.exists() and (tmp / "r.html").exists()
    res = runner.invoke(app, ["workers", "screen", "--profiles", str(tmp / "missing.csv"), "--no-screening"])
    assert res.exit_code != 0 and isinstance(res.exception, InvalidInput)
    res = runner.invoke(app, ["workers", "screen", "--profiles", str(ppath), "--no-screening", "--as-of", "June"])
    assert res.exit_code != 0 and isinstance(res.exception, InvalidInput)


@pytest.mark.parametrize("content", ["", "id,name,email\n"])
def test_cli_empty_profiles_is_an_error_and_empty_events_a_warning(tmp, monkeypatch, content):
    monkeypatch.setenv("INTERDICT_HOME", str(tmp / "home"))
    runner = CliRunner()
    empty = tmp / "empty.csv"
    empty.write_text(content)
    res = runner.invoke(app, ["workers", "screen", "--profiles", str(empty), "--no-screening"])
    assert res.exit_code != 0 and isinstance(res.exception, InvalidInput)
    assert "no contractor profile" in str(res.exception) and str(empty) in str(res.exception)
    ppath = write_jsonl(tmp / "p.jsonl", [profile("a"), profile("b")])
    events = tmp / "events.csv"
    events.write_text(content and ",".join(EVENT_FIELDS) + "\n")
    res = runner.invoke(app, ["workers", "screen", "--profiles", str(ppath), "--events", str(events),
                              "--no-screening", "--as-of", "2025-06-01"])
    assert res.exit_code == 0, res.output
    said = " ".join(res.output.split())  # the console wraps long lines
    assert f"{events}: no events read" in said


def test_no_screening_does_not_claim_org03_used_party_screening(tmp, monkeypatch):
    monkeypatch.setenv("INTERDICT_HOME", str(tmp / "home"))
    ppath = write_jsonl(tmp / "p.jsonl", [profile("a")])
    res = CliRunner().invoke(app, ["workers", "screen", "--profiles", str(ppath), "--no-screening",
                                   "--as-of", "2025-06-01"])
    assert res.exit_code == 0, res.output
    said = " ".join(res.output.split())
    assert "used party screening" not in said
    assert "ORG-03 not evaluated" in said

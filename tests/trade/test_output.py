"""Alert files (JSON lines, CSV with formula escaping), the HTML report and the CLI."""

from __future__ import annotations

import csv
import io
import json
import re

from typer.testing import CliRunner

from interdict.cli.main import app
from interdict.reports import csv_safe
from interdict.trade import AlertWriter, screen_file, screen_shipments

ROWS = (
    "shipment_id,consignee_name,consignee_country,goods_description,hs_code,quantity,unit,value_usd,final_destination\n"
    "S1,Korea Ryonbong,KP,laptop computers,847130,10,pcs,9000,Pyongyang\n"
    "=cmd|' /C calc'!A0,Acme,DE,cotton t-shirts,610910,100,pcs,500,Berlin\n"
    "S3,<script>alert(1)</script>,CN,Graphics card RTX 4090,950300,200,pcs,300000,Dandong\n"
    "S4,broken,CN,laptops,84719,lots,pcs,-,Shenyang\n"
)


def test_csv_safe():
    assert csv_safe("=1+1") == "'=1+1"
    assert csv_safe("+86 10") == "'+86 10"
    assert csv_safe("-5") == "'-5"
    assert csv_safe("@SUM(A1)") == "'@SUM(A1)"
    assert csv_safe("Dandong") == "Dandong"
    assert csv_safe(3) == 3


def test_jsonl_rows_have_contract_fields():
    alerts = list(screen_shipments([{"shipment_id": "S1", "goods_description": "laptops", "consignee_country": "KP"}],
                                   parties=False))
    buf = io.StringIO()
    w = AlertWriter(buf, "jsonl")
    for a in alerts:
        w.write(a)
    row = json.loads(buf.getvalue().splitlines()[0])
    assert {"shipment_id", "score", "level", "reasons"} <= set(row)
    assert row["level"] == "block"
    r = row["reasons"][0]
    assert {"rule_id", "summary", "score", "evidence", "citation"} <= set(r)
    assert "_family" not in r["evidence"]


def test_screen_file_csv_output_report_and_problems(tmp_path):
    src = tmp_path / "in.csv"
    src.write_text(ROWS, encoding="utf-8")
    out = tmp_path / "alerts.csv"
    rep = tmp_path / "report.html"
    result = screen_file(src, output=out, report=rep, parties=False)
    assert result.summary.shipments == 4
    assert result.summary.levels["block"] >= 2
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [r["shipment_id"] for r in rows][1] == "'=cmd|' /C calc'!A0"
    assert rows[0]["level"] == "block" and "dprk-supply-hs84-85" in rows[0]["rule_ids"]
    assert "UNSCR 2397 (2017) OP7" in rows[0]["citations"]
    assert rows[3]["problems"]  # quantity and HS code problems on line 5
    assert {p.line for p in result.problems.problems} == {5}
    page = rep.read_text(encoding="utf-8")
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert not re.search(r"""(src|href)\s*=\s*["']?https?:""", page)  # no network assets
    assert "<svg" in page and "dprk-supply-hs84-85" in page and "S01, grade A" in page


def test_cli_screen_and_tools(tmp_path):
    src = tmp_path / "in.csv"
    src.write_text(ROWS, encoding="utf-8")
    runner = CliRunner()
    out = tmp_path / "a.jsonl"
    res = runner.invoke(app, ["trade", "screen", str(src), "--output", str(out), "--no-parties",
                              "--report", str(tmp_path / "r.html"), "--problems", str(tmp_path / "p.jsonl")])
    assert res.exit_code == 0, res.output
    lines = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == 4 and lines[0]["shipment_id"] == "S1"
    assert json.loads((tmp_path / "p.jsonl").read_text().splitlines()[0])["line"] == 5
    res = runner.invoke(app, ["trade", "hs", "8471.30", "--json"])
    assert res.exit_code == 0 and json.loads(res.output)["valid"] is True
    assert runner.invoke(app, ["trade", "hs", "9988"]).exit_code == 1
    res = runner.invoke(app, ["trade", "classify", "显卡 RTX 4090D", "--json"])
    assert json.loads(res.output)["models"][0]["eccn"] == "3A090"
    res = runner.invoke(app, ["trade", "place", "珲春市", "--json"])
    assert json.loads(res.output)[0]["code"] == "222404"
    res = runner.invoke(app, ["trade", "rules", "--json"])
    assert any(r["id"] == "ear-746-4-licence" for r in json.loads(res.output))


def test_cli_bad_file_is_one_line_error(tmp_path):
    import subprocess
    import sys

    bad = tmp_path / "bad.csv"
    bad.write_text("foo,bar\n1,2\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "interdict.cli.main", "trade", "screen", str(bad), "--no-parties"],
                          capture_output=True, text=True)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr and "no known column" in proc.stderr
    proc = subprocess.run([sys.executable, "-m", "interdict.cli.main", "trade", "screen", str(tmp_path / "nope.csv"),
                           "--no-parties"], capture_output=True, text=True)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr


def test_docs_list_every_rule_and_column():
    from pathlib import Path

    from interdict.rules import load_pack
    from interdict.trade import COLUMNS

    doc = (Path(__file__).resolve().parents[2] / "docs" / "trade.md").read_text(encoding="utf-8")
    missing = [r for r in load_pack("trade") if f"`{r}`" not in doc]
    assert not missing, f"rules not in docs/trade.md: {missing}"
    assert not [c for c in COLUMNS if f"`{c}`" not in doc]


def test_fast_reason_dict_equals_model_dump():
    from interdict.trade.shipments import _reason_dict

    alerts = list(screen_shipments([{"goods_description": "NVIDIA H100 80GB", "consignee_country": "KP",
                                     "vessel_imo": "IMO 9115029"}], parties=False))
    for r in alerts[0].reasons:
        assert _reason_dict(r) == r.model_dump(exclude_none=True, mode="json")
        assert type(r).model_validate(r.model_dump()) == r  # constructed reasons are valid reasons

"""The ``interdict network`` commands, run in-process on the sample registry (no lists needed)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest
from typer.testing import CliRunner

from interdict.cli.main import app

from .conftest import REGISTRY, SHIPMENTS

runner = CliRunner()


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("INTERDICT_HOME", str(tmp_path / "home"))
    return tmp_path


def invoke(*args):
    return runner.invoke(app, ["network", *args], catch_exceptions=False)


def test_analyze_writes_json_lines(home):
    out = home / "alerts.jsonl"
    res = invoke("analyze", str(REGISTRY), str(SHIPMENTS), "--no-lists", "--as-of", "2026-11-22", "-o", str(out))
    assert res.exit_code == 0, res.output
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert {"entity_id", "score", "level", "reasons"} <= set(rows[0])
    by_id = {r["entity_id"]: r for r in rows}
    assert by_id["reg-cn-hengyuan"]["level"] == "block"
    assert any(r["rule_id"] == "ofac-50-percent" and r["path"] for r in by_id["reg-cn-hengyuan"]["reasons"])
    assert "reg-cn-dalian-fish" not in by_id  # no reasons, left out without --all


def test_explain_export_draw_reuse_the_last_inputs(home):
    assert invoke("analyze", str(REGISTRY), str(SHIPMENTS), "--no-lists", "-q", "-o", str(home / "a.jsonl")).exit_code == 0
    res = invoke("explain", "reg-cn-hengyuan", "--no-lists")
    assert res.exit_code == 0, res.output
    assert "OFAC 50% rule: BLOCKED" in res.output and "55% x 35% = 19.25%" in res.output
    res = invoke("export", "--no-lists", "--format", "graphml", "-o", str(home / "n.graphml"))
    assert res.exit_code == 0, res.output
    root = ET.parse(home / "n.graphml").getroot()
    assert root.tag.endswith("graphml")
    res = invoke("export", "--no-lists", "--format", "gexf", "-o", str(home / "n.gexf"))
    assert res.exit_code == 0 and ET.parse(home / "n.gexf").getroot().tag.endswith("gexf")
    res = invoke("export", "--no-lists", "--format", "ftm", "-o", str(home / "n.ftm.jsonl"))
    lines = [json.loads(x) for x in (home / "n.ftm.jsonl").read_text().splitlines()]
    heng = next(x for x in lines if x["id"] == "reg-cn-hengyuan")
    assert "sanction.linked" in heng["properties"]["topics"]
    res = invoke("draw", "reg-cn-hengyuan", "--no-lists", "-o", str(home / "pic" / "heng"))
    assert res.exit_code == 0, res.output
    png = (home / "pic" / "heng.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000
    page = (home / "pic" / "heng.html").read_text()
    assert "<svg" in page and "KOREA RYONBONG GENERAL CORPORATION" in page
    assert "http://" not in page.replace("http://www.w3.org/2000/svg", "") and "https://" not in page.replace(
        "https://ofac.treasury.gov", "")  # no external assets
    assert "<script src" not in page and "<link" not in page


def test_links_and_decide(home):
    dec = home / "dec.jsonl"
    res = invoke("decide", "a-1", "b-2", "accept", "--note", "same USCC", "--decisions", str(dec))
    assert res.exit_code == 0 and json.loads(dec.read_text())["decision"] == "accept"
    res = runner.invoke(app, ["network", "decide", "a-1", "b-2", "maybe", "--decisions", str(dec)])
    assert res.exit_code != 0


def test_errors_are_one_line_not_a_traceback(home):
    res = runner.invoke(app, ["network", "explain", "nope"])
    assert res.exit_code != 0
    assert "Traceback" not in res.output
    res = runner.invoke(app, ["network", "explain", "no-such-entity", str(REGISTRY), "--no-lists"])
    assert res.exit_code != 0 and "Traceback" not in res.output
    res = runner.invoke(app, ["network", "export", str(REGISTRY), "--no-lists", "--format", "pdf"])
    assert res.exit_code != 0 and "Traceback" not in res.output


def test_analyze_bad_file_reports_and_succeeds(home):
    bad = home / "bad.jsonl"
    bad.write_text('{"id": "x", "schema": "Ownership", "properties": {"owner": ["ghost"], "asset": ["x2"]}}\nnot json\n')
    res = invoke("analyze", str(bad), "--no-lists", "-o", str(home / "o.jsonl"))
    assert res.exit_code == 0
    assert "input problem" in res.output and "dangling reference" in res.output


def test_html_script_parses_when_node_is_available(home):
    import shutil
    import subprocess

    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    res = invoke("draw", "reg-cn-jinbo", str(REGISTRY), "--no-lists", "-o", str(home / "jinbo"))
    assert res.exit_code == 0, res.output
    page = (home / "jinbo.html").read_text()
    script = home / "page.js"
    script.write_text(page.split("<script>")[1].split("</script>")[0])
    done = subprocess.run([node, "--check", str(script)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_analyze_missing_file_is_an_error_naming_it(home):
    missing = home / "missing.jsonl"
    res = runner.invoke(app, ["network", "analyze", str(REGISTRY), str(missing), "--no-lists", "-o", str(home / "o.jsonl")])
    assert res.exit_code != 0
    assert "no such file" in str(res.exception) and str(missing) in str(res.exception)
    assert not (home / "o.jsonl").exists()


@pytest.mark.parametrize("content", [b"", b"\x00\xff\xfe\x80garbage\n\x89PNG\r\n", b"not json\n",
                                     b"a,b\n1,2\n"])
def test_analyze_nothing_usable_fails_and_keeps_the_last_inputs(home, content):
    assert invoke("analyze", str(REGISTRY), str(SHIPMENTS), "--no-lists", "-q", "-o", str(home / "a.jsonl")).exit_code == 0
    bad = home / ("bad.csv" if content.startswith(b"a,b") else "bad.jsonl")
    bad.write_bytes(content)
    res = runner.invoke(app, ["network", "analyze", str(bad), "--no-lists", "-o", str(home / "b.jsonl")])
    assert res.exit_code != 0
    assert "no usable entity or trade record" in str(res.exception) and str(bad) in str(res.exception)
    assert not (home / "b.jsonl").exists()
    res = invoke("explain", "reg-cn-hengyuan", "--no-lists")  # the saved inputs are still the good ones
    assert res.exit_code == 0, res.output
    assert "OFAC 50% rule: BLOCKED" in res.output

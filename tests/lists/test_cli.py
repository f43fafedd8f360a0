"""The `lists` and `export` commands on the session store (in-process via CliRunner)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from interdict.cli.main import app
from interdict.sources import read_source


@pytest.fixture
def runner(loaded, monkeypatch):
    monkeypatch.setenv("INTERDICT_HOME", str(loaded.home))
    return CliRunner()


def test_status_json_and_age_warning(runner, monkeypatch):
    res = runner.invoke(app, ["lists", "status", "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    rows = {r["source"]: r for r in data["sources"]}
    assert rows["un_sc"]["entities"] == 1003 and rows["un_sc"]["dprk"] == 155
    assert rows["un_sc"]["published"].startswith("2026-02-27")
    assert rows["us_ofac_sdn"]["versions"] == 2
    assert rows["us_ofac_sdn"]["stale"] is True  # 2024 data is far older than 30 days
    monkeypatch.setenv("INTERDICT_MAX_AGE_DAYS", "100000")
    data = json.loads(runner.invoke(app, ["lists", "status", "--json"]).stdout)
    assert not any(r["stale"] for r in data["sources"])
    res = runner.invoke(app, ["lists", "status"])
    assert res.exit_code == 0 and "un_sc" in res.stdout


def test_show_by_reference_and_id(runner):
    res = runner.invoke(app, ["lists", "show", "KPe.029"])
    assert res.exit_code == 0, res.output
    assert "NATIONAL AEROSPACE TECHNOLOGY ADMINISTRATION" in res.stdout
    assert "listingDate=2016-03-02" in res.stdout and "sha256:66b392a4" in res.stdout
    res = runner.invoke(app, ["lists", "show", "us_ofac_sdn-17069", "--json"])
    data = json.loads(res.stdout)
    assert data[0]["entity"]["properties"]["imoNumber"] == ["IMO7937317"]
    assert [h["label"] for h in data[0]["provenance"]["history"]] == ["2023-12-28", "2024-05-03"]
    res = runner.invoke(app, ["lists", "show", "no-such-thing"])
    assert res.exit_code != 0


def test_export_ftm_roundtrip(runner, loaded, tmp_path):
    out = tmp_path / "un.ftm.json"
    res = runner.invoke(app, ["export", "--format", "ftm", "--source", "un_sc", "--dprk", "--output", str(out)])
    assert res.exit_code == 0, res.output
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == 310  # 155 DPRK entries + their 155 Sanction entities
    assert all({"id", "schema", "properties", "datasets"} <= set(x) for x in lines)
    back = read_source("reexport", [out])
    assert back.records == 155
    # ids and links are valid for FtM tooling (its id alphabet has no '_'), and links hold
    from followthemoney import registry

    ids = {x["id"] for x in lines}
    assert "un-sc-KPe.029" in ids
    refs = [v for x in lines if x["schema"] == "Sanction" for v in x["properties"]["entity"]]
    assert len(refs) == 155 and all(registry.entity.clean(v) == v and v in ids for v in refs)
    res = runner.invoke(app, ["export", "--source", "un_sc", "--dprk", "--keep-ids", "--output", str(out)])
    assert res.exit_code == 0
    assert '"id": "un_sc-KPe.029"' in out.read_text(encoding="utf-8")
    res = runner.invoke(app, ["export", "--format", "csv"])
    assert res.exit_code != 0


def test_load_help_has_example(runner):
    res = runner.invoke(app, ["lists", "load", "--help"])
    assert res.exit_code == 0 and "Example:" in res.stdout

"""End to end on the bundled lists: the CLI ``screen`` and ``compare`` commands and the module API.

The session's store and index are built once (``real_screener``) in the test session's temporary
``INTERDICT_HOME``; every test here reuses them.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import interdict
from interdict.cli.main import app

pytestmark = pytest.mark.slow
runner = CliRunner()
FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "screening" / "sample_parties.csv"


def run_json(args: list[str]) -> dict:
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def ids_and_groups(result: dict) -> set[str]:
    out = set()
    for r in result["results"]:
        if r["match"]:
            out.add(r["id"])
            out.update(a["id"] for a in r["also_on"])
    return out


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["김정은", "--schema", "Person"], "us_ofac_sdn-20157"),
        (["Kim Jong-un"], "us_ofac_sdn-20157"),
        (["丹东鸿祥实业发展有限公司"], "us_ofac_sdn-20564"),
        (["DANDONG HONGXIANG INDUSTRIAL DEVELOPMENT CO., LTD"], "us_ofac_sdn-20564"),
        (["리병철"], "us_ofac_sdn-23215"),
        (["Korea Ryonbong General Corp"], "un_sc-KPe.002"),
        (["Sea Star", "--schema", "Vessel", "--identifier", "IMO 8660313"], "us_ofac_sdn-23729"),
        (["Дерипаска Олег Владимирович", "--birth-date", "1968-01-02"], "us_ofac_sdn-24283"),
    ],
)
def test_screen_finds_listed_party(real_screener, args, expected):
    data = run_json(["screen", *args, "--json"])
    assert expected in ids_and_groups(data), [(r["id"], r["score"]) for r in data["results"][:3]]


@pytest.mark.parametrize("name", ["Jane Smith", "Acme Widgets Ltd", "Samsung Electronics Co., Ltd."])
def test_screen_ordinary_names_do_not_match(real_screener, name):
    data = run_json(["screen", name, "--json"])
    assert not any(r["match"] for r in data["results"])


def test_un_ofac_csl_records_are_one_hit(real_screener):
    data = run_json(["screen", "Korea Ryonbong General Corporation", "--json"])
    top = data["results"][0]
    sources = {top["source"], *(a["source"] for a in top["also_on"])}
    assert {"un_sc", "us_ofac_sdn", "us_csl"} <= sources
    assert len({r["id"] for r in data["results"]} & {a["id"] for a in top["also_on"]}) == 0


def test_screen_dataset_dprk_and_table_output(real_screener):
    result = runner.invoke(app, ["screen", "Kim Jong Un", "--dataset", "dprk", "--limit", "3"])
    assert result.exit_code == 0
    assert "KIM" in result.stdout and "MATCH" in result.stdout


def test_screen_without_name_is_one_red_line(real_screener):
    result = runner.invoke(app, ["screen"])
    assert result.exit_code != 0


def test_compare_json(real_screener):
    data = run_json(["compare", "Kim Jong-un", "김정은", "--schema", "Person", "--json"])
    assert data["match"] and data["explanations"]["name"]["tokens"]
    other = run_json(["compare", "Kim Jong-un", "Kim Yo-jong", "--schema", "Person", "--json"])
    assert other["score"] < data["score"]


def test_screen_file(real_screener, tmp_path):
    out = tmp_path / "results.jsonl"
    result = runner.invoke(app, ["screen", "--input", str(FIXTURE), "--output", str(out), "--no-audit"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    by_id = {line["input_id"]: line for line in lines}
    assert any(r["match"] for r in by_id["p01"]["results"])
    assert any(r["match"] for r in by_id["p10"]["results"])  # the IMO decides
    assert not any(r["match"] for r in by_id["p19"]["results"])
    errors = list(csv.DictReader(open(tmp_path / "results.errors.csv", encoding="utf-8")))
    assert {e["record"] for e in errors} >= {"p26"}
    assert "Screened" in result.stdout


def test_module_api(real_screener):
    result = interdict.screen("Kim Jong Un", birth_date="1984")
    assert result.results[0].match
    batch = interdict.screen_batch(["Kim Jong Un", {"name": "Jane Smith"}, ""])
    assert [bool(r.matched) for r in batch] == [True, False, False]
    assert interdict.compare("KIM, Jong Un", "Kim Jong-un").match

"""End to end on the real bundled lists: list ids resolve in the store, registry parties are screened."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from interdict import lists
from interdict.config import Settings
from interdict.network.analyze import analyze
from interdict.network.resolve import Decisions
from interdict.store import open_store

from .conftest import AS_OF, REGISTRY, SHIPMENTS

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def settings(tmp_path_factory) -> Settings:
    home = tmp_path_factory.mktemp("network-lists-home")
    settings = replace(Settings(), home=home)
    lists.load(["un_sc", "us_ofac_sdn"], settings=settings)
    return settings


@pytest.fixture(scope="module")
def screener(settings):
    from interdict.screening import Screener

    return Screener.open(settings=settings)


def test_sample_against_real_lists(settings, screener, tmp_path):
    with open_store(settings) as store:
        result = analyze([REGISTRY, SHIPMENTS], store=store, screener=screener, as_of=AS_OF,
                         decisions=Decisions(tmp_path / "d.jsonl"))
    des = result.graph.designations
    # the list entities in the sample are confirmed by the store, not only by the input's topic
    assert des["un_sc-KPe.002"].basis == "list-entity"
    assert des["us_ofac_sdn-23171"].basis == "list-entity"
    assert "DPRK4" in des["us_ofac_sdn-23171"].programs
    alert = result.alert_for("un_sc-KPe.002")
    assert [r.rule_id for r in alert.reasons] == ["designated-party"]
    assert alert.reasons[0].citation.instrument.startswith("UN Security Council")
    # fictional people with invented names are not designated by name alone
    assert not any(k.startswith("reg-person-") for k in des)
    assert "ofac-50-percent" in {r.rule_id for r in result.alert_for("reg-cn-hengyuan").reasons}


def test_dangling_reference_to_a_list_entity_is_pulled_from_the_store(settings, screener, write_jsonl, tmp_path):
    rows = [
        {"id": "x-co", "schema": "Company", "properties": {"name": ["Shenyang Example Trading Co"]}},
        {"id": "x-own", "schema": "Ownership",
         "properties": {"owner": ["un_sc-KPe.047"], "asset": ["x-co"], "percentage": ["51"]}},
    ]
    with open_store(settings) as store:
        result = analyze([write_jsonl(rows)], store=store, screener=screener, decisions=Decisions(tmp_path / "d.jsonl"))
    assert "un_sc-KPe.047" in result.graph.index  # Foreign Trade Bank, from the store
    assert result.ownership.ofac_blocked[result.graph.index["x-co"]]
    assert not [p for p in result.problems.problems if "dangling" in p.message]


def test_registry_company_matched_to_sdn_by_screening(settings, screener, write_jsonl, tmp_path):
    rows = [
        {"id": "r-hx", "schema": "Company",
         "properties": {"name": ["Dandong Hongxiang Industrial Development Co Ltd"], "country": ["cn"]}},
        {"id": "r-sub", "schema": "Company", "properties": {"name": ["Hongxiang Subsidiary Example Co"]}},
        {"id": "r-own", "schema": "Ownership",
         "properties": {"owner": ["r-hx"], "asset": ["r-sub"], "percentage": ["50"]}},
    ]
    with open_store(settings) as store:
        result = analyze([write_jsonl(rows)], store=store, screener=screener, decisions=Decisions(tmp_path / "d.jsonl"))
    des = result.graph.designations["r-hx"]
    assert des.basis == "match" and des.list_id == "us_ofac_sdn-20564" and des.score >= 0.8
    reasons = {r.rule_id: r for r in result.alert_for("r-sub").reasons}
    assert "ofac-50-percent" in reasons
    assert reasons["ofac-50-percent"].path == ["r-hx", "r-sub"]
    json.dumps(result.alert_for("r-hx").model_dump(mode="json"))  # evidence is serialisable

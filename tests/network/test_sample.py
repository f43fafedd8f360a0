"""The bundled sample registry: each planted structure raises the rule it was planted for, nothing else does."""

from __future__ import annotations

import pytest

from interdict.network.analyze import analyze, explain
from interdict.network.resolve import Decisions

from .conftest import AS_OF, REGISTRY, SHIPMENTS


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    decisions = Decisions(tmp_path_factory.mktemp("dec") / "decisions.jsonl")
    return analyze([REGISTRY, SHIPMENTS], use_lists=False, as_of=AS_OF, decisions=decisions)


def rules(result, entity_id):
    alert = result.alert_for(entity_id)
    return {r.rule_id for r in alert.reasons} if alert else set()


def test_sample_reads_cleanly_and_reports_its_cycle(sample):
    problems = sample.problems.problems
    assert len(problems) == 1, problems
    assert "ownership cycle among 2 entities" in problems[0].message
    assert problems[0].record == "reg-own-03, reg-own-04"


def test_dandong_company_60_percent_owned_through_chains(sample):
    assert "ofac-50-percent" in rules(sample, "reg-cn-hengyuan")
    alert = sample.alert_for("reg-cn-hengyuan")
    assert alert.level.value == "block"
    reason = next(r for r in alert.reasons if r.rule_id == "ofac-50-percent")
    assert reason.evidence["share"] == pytest.approx(0.60)
    assert reason.path[0].startswith("us_ofac_sdn-") and reason.path[-1] == "reg-cn-hengyuan"
    assert "35% (Liaoning Jinhai Holdings Co., Ltd.) + 25% (Dandong Shunfa Investment Co., Ltd.) = 60%" in reason.summary
    # Shunfa is blocked by two designated owners together (30% + 25%)
    assert "ofac-50-percent" in rules(sample, "reg-cn-shunfa-invest")
    # the cross-held logistics company stays below 50% (30% held by blocked Jinhai Holdings)
    assert "ofac-50-percent" not in rules(sample, "reg-cn-jinhai-logistics")


def test_explain_shows_every_path_and_the_cycle(sample):
    data = explain(sample, "reg-cn-hengyuan")
    paths = data["ownership"]["lookthrough"]["paths"]
    assert {tuple(p["path"]) for p in paths} == {
        ("us_ofac_sdn-23171", "reg-cn-jinhai-holdings", "reg-cn-hengyuan"),
        ("un_sc-KPe.002", "reg-cn-shunfa-invest", "reg-cn-hengyuan"),
        ("us_ofac_sdn-23170", "reg-cn-shunfa-invest", "reg-cn-hengyuan"),
    }
    assert data["ownership"]["lookthrough"]["cycle_contribution"] > 0  # Jinhai Holdings <-> Logistics


def test_joint_venture_with_kpe_entity(sample):
    got = rules(sample, "reg-jv-huarui")
    assert "jv-dprk-party" in got and "ofac-50-percent" not in got and "lookthrough-exposure" in got
    reason = next(r for r in sample.alert_for("reg-jv-huarui").reasons if r.rule_id == "jv-dprk-party")
    assert reason.citation.instrument == "UNSCR 2375 (2017)" and reason.citation.paragraph == "OP18"
    assert reason.path[0] == "un_sc-KPe.002"


def test_it_front_with_nominal_local_management(sample):
    got = rules(sample, "reg-cn-jinbo")
    assert {"nominal-local-management", "it-front-border"} <= got


def test_sister_company_of_yanbian_silverstar(sample):
    got = rules(sample, "reg-cn-yanji-silverstar")
    assert {"sister-successor", "it-front-border"} <= got


def test_building_cluster_and_computers_with_coal(sample):
    got = rules(sample, "reg-cn-xinda")
    assert {"building-cluster", "computers-with-bulk"} <= got
    reason = next(r for r in sample.alert_for("reg-cn-xinda").reasons if r.rule_id == "computers-with-bulk")
    assert reason.score == pytest.approx(0.8)  # DPRK counterparty
    assert set(reason.evidence["computer_shipments"]) == {"S-2025-0001", "S-2025-0003"}


def test_front_sharing_phone_and_email(sample):
    reason = next(r for r in sample.alert_for("reg-cn-jiahe").reasons if r.rule_id == "proximity")
    # Jinxiang -> its Shenyang office (100% owned) -> same phone / e-mail as Jiahe
    assert reason.path[0] == "us_ofac_sdn-23476" and reason.path[-1] == "reg-cn-jiahe"
    assert reason.evidence["hops"][-1]["via"] in ("shared email", "shared phone")


def test_clean_companies_stay_clear(sample):
    for eid in ["reg-cn-dalian-fish", "reg-cn-agent-client-00", "reg-cn-agent-client-kehua-neighbour"]:
        assert sample.alert_for(eid).level.value == "clear", eid
        assert not rules(sample, eid), eid


def test_every_reason_has_a_citation_and_a_path(sample):
    for alert in sample.alerts:
        assert alert.engine == "network"
        for reason in alert.reasons:
            assert reason.citation is not None, reason.rule_id
            assert reason.path and all(isinstance(p, str) for p in reason.path), reason.rule_id


def test_successor_formed_after_designation(tmp_path):
    from interdict.network.analyze import analyze_inputs
    from interdict.network.loader import read_inputs

    plain = analyze_inputs(read_inputs([REGISTRY]), decisions=Decisions(tmp_path / "d.jsonl"), as_of=AS_OF)
    reason = next(r for r in plain.alert_for("reg-cn-yanji-silverstar").reasons if r.rule_id == "sister-successor")
    assert reason.evidence["formed_after_designation"] is False  # the input gives no listing date
    # with the listing date the store gives for the SDN entry (2018-09-13), the 2024 company is a successor
    info = {"us_ofac_sdn-24977": {"listing_date": "2018-09-13", "programs": ["DPRK3", "DPRK4"]}}
    dated = analyze_inputs(read_inputs([REGISTRY]), list_info=info, decisions=Decisions(tmp_path / "d.jsonl"),
                           as_of=AS_OF)
    reason = next(r for r in dated.alert_for("reg-cn-yanji-silverstar").reasons if r.rule_id == "sister-successor")
    assert reason.evidence["formed_after_designation"] is True
    assert "after the designation of 2018-09-13" in reason.summary and reason.score == pytest.approx(0.75)

"""Model-level scoring cases on a small list, asserted against the calibrated threshold."""

from __future__ import annotations

from typing import TypedDict

import pytest

from interdict.matching.calibrate import load_calibration
from interdict.matching.index import build_index
from interdict.matching.query import make_query
from interdict.matching.scorer import Scorer

from .factory import sample_entities


@pytest.fixture(scope="module")
def scorer() -> Scorer:
    return Scorer(build_index(sample_entities()))


class Case(TypedDict, total=False):
    query: str
    schema: str
    birth_date: str
    countries: list[str]
    identifiers: list[str]
    expect_id: str
    match: bool


THRESHOLD = load_calibration().threshold

CASES: list[Case] = [
    {"query": "Kim Jong Un", "expect_id": "us_ofac_sdn-20157", "match": True},
    {"query": "KIM JONG-UN", "schema": "Person", "expect_id": "us_ofac_sdn-20157", "match": True},
    {"query": "김정은", "expect_id": "us_ofac_sdn-20157", "match": True},
    {"query": "Jong Un Kim", "expect_id": "us_ofac_sdn-20157", "match": True},
    {"query": "Kim Jong Un", "birth_date": "1984-01-08", "expect_id": "us_ofac_sdn-20157", "match": True},
    {"query": "丹东鸿祥实业发展有限公司", "expect_id": "us_ofac_sdn-20564", "match": True},
    {"query": "Dandong Hongxiang Industrial Development Co., Ltd.", "expect_id": "us_ofac_sdn-20564", "match": True},
    {"query": "Korea Ryonbong General Corp", "expect_id": "us_ofac_sdn-90003", "match": True},
    {"query": "Kim Jong Sik", "expect_id": "un_sc-KPi.066", "match": True},
    # the listed name inside a longer one (invoices add a place or a unit), and a misspelt legal form
    {"query": "Korea Ryonbong General Corporation, Pyongyang", "expect_id": "us_ofac_sdn-90003", "match": True},
    {"query": "Dandong Hongxiang Industrial Development Co Ltd Liaoning", "expect_id": "us_ofac_sdn-20564",
     "match": True},
    {"query": "KOREA RYONBONG GENERAL COPRORATION", "expect_id": "us_ofac_sdn-90003", "match": True},
    # given-name syllables in another order name another person
    {"query": "KIM UN JONG", "expect_id": "us_ofac_sdn-20157", "match": False},
    # an exact identifier decides, whatever the name
    {"query": "Sea Star", "identifiers": ["IMO 8660313"], "expect_id": "us_ofac_sdn-23729", "match": True},
    {"query": "Pyongyang Trading", "identifiers": ["RB-778899"], "expect_id": "us_ofac_sdn-90003", "match": True},
    # contradictions lower the score below the threshold
    {"query": "John Robert Smith", "birth_date": "1990-01-01", "expect_id": "us_ofac_sdn-90002", "match": False},
    {"query": "Kim Jong Un", "schema": "Company", "expect_id": "us_ofac_sdn-20157", "match": False},
    # look-alikes are not matches
    {"query": "Kim Jong Su", "expect_id": "us_ofac_sdn-20157", "match": False},
    {"query": "Korea Samsong General Corporation", "expect_id": "us_ofac_sdn-90003", "match": False},
    {"query": "Dandong Hongyun Industrial Development", "expect_id": "us_ofac_sdn-20564", "match": False},
]


def score_for(scorer: Scorer, case: Case) -> float:
    q = make_query(case["query"], schema=case.get("schema"), birth_date=case.get("birth_date"),
                   countries=case.get("countries"), identifiers=case.get("identifiers"))
    pq = scorer.prepare(q)
    found = {scorer.index.ids[s.entity]: s.score for s in scorer.score(pq)}
    return found.get(case["expect_id"], 0.0)


@pytest.mark.parametrize("case", CASES, ids=[f"{c['query']}->{c['expect_id']}" for c in CASES])
def test_case(scorer, case):
    score = score_for(scorer, case)
    assert (score >= THRESHOLD) is case["match"], f"score {score:.3f} vs threshold {THRESHOLD}"


def test_missing_evidence_does_not_lower(scorer):
    plain = score_for(scorer, {"query": "Kim Jong Un", "expect_id": "us_ofac_sdn-20157"})
    assert score_for(scorer, {"query": "Kim Jong Un", "countries": [], "expect_id": "us_ofac_sdn-20157"}) == plain


def test_agreeing_evidence_raises_and_contradiction_lowers(scorer):
    base = {"query": "Kim Jong Un", "expect_id": "us_ofac_sdn-20157"}
    plain = score_for(scorer, base)
    assert score_for(scorer, {**base, "birth_date": "1984-01-08"}) > plain
    assert score_for(scorer, {**base, "birth_date": "1950"}) < plain
    assert score_for(scorer, {**base, "countries": ["kp"]}) >= plain
    assert score_for(scorer, {**base, "countries": ["br"]}) < plain


def test_scores_rank_strong_hits(scorer):
    exact = score_for(scorer, {"query": "Kim Jong Un", "birth_date": "1984-01-08", "expect_id": "us_ofac_sdn-20157"})
    variant = score_for(scorer, {"query": "Gim Jeong-eun", "expect_id": "us_ofac_sdn-20157"})
    assert exact > variant
    assert exact < 1.0


def test_surname_first_list_name_without_middle_names_counts_half_the_missing_weight(scorer, monkeypatch):
    import interdict.matching.scorer as scorer_module

    def features(query: str) -> dict[str, float]:
        pq = scorer.prepare(make_query(query, schema="Person"))
        found = {scorer.index.ids[s.entity]: s for s in scorer.score(pq)}
        return found["us_ofac_sdn-90002"].feature_dict()  # SMITH, John Robert

    half = features("John Smith")
    assert half["name_query_covered"] == 1.0
    monkeypatch.setattr(scorer_module, "MIDDLE_NAME_SHARE", 1.0)
    full = features("John Smith")
    assert half["name_unmatched_list"] == pytest.approx(full["name_unmatched_list"] / 2, abs=1e-3)

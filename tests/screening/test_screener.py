"""Screener API on a small list: result shape, grouping across lists, datasets, bad input, alerts."""

from __future__ import annotations

import pytest

from interdict.exc import InvalidInput
from interdict.model import Level


def test_result_shape(small_screener):
    result = small_screener.screen("Kim Jong Sik")
    data = result.to_dict()
    assert set(data) >= {"query", "results", "threshold", "dataset"}
    top = data["results"][0]
    assert set(top) >= {"id", "source", "source_id", "caption", "schema", "score", "match", "matched_name",
                        "explanations", "also_on", "programs"}
    assert top["explanations"]["name"]["list_form"]


def test_same_party_on_three_lists_is_one_hit(small_screener):
    result = small_screener.screen("Kim Jong Sik")
    assert result.results[0].id == "un_sc-KPi.066"  # the designating list leads
    also = {a["id"] for a in result.results[0].also_on}
    assert also == {"us_ofac_sdn-90001", "us_csl-90001"}
    assert all(m.id not in also for m in result.results[1:])
    assert {"DPRK", "DPRK3"} <= set(result.results[0].programs)


@pytest.mark.parametrize(("dataset", "source"), [("un", "un_sc"), ("ofac", "us_ofac_sdn"), ("us_csl", "us_csl")])
def test_dataset_restricts_the_lead(small_screener, dataset, source):
    result = small_screener.screen("Kim Jong Sik", dataset=dataset)
    assert result.results and all(m.source == source for m in result.results)


def test_dprk_dataset(small_screener):
    result = small_screener.screen("John Robert Smith", dataset="dprk")
    assert all(m.dprk for m in result.results)
    assert not any(m.id == "us_ofac_sdn-90002" for m in result.results)


def test_unknown_dataset_is_an_input_error(small_screener):
    with pytest.raises(InvalidInput):
        small_screener.screen("Kim", dataset="nowhere")


BAD = ["", " ", "x", "!!!", "...---...", "\x00\x01\x02", "Kim\x07Jong\x1bUn", "김 Kim Ким 金", "K" * 10_000,
       "Kim Jong Un " * 2000, "\u202eevil\u202c", "🙂🙂", "0", "12345678", "Ω", "a b c d e f g h i j k l m n o p"]


@pytest.mark.parametrize("name", BAD, ids=[repr(b[:20]) for b in BAD])
def test_bad_input_never_crashes(small_screener, name):
    result = small_screener.screen(name, birth_date="2020-02-31x")
    assert isinstance(result.results, list)
    if not any(ch.isalnum() for ch in name):
        assert result.results == [] and result.problems


def test_limit_and_threshold(small_screener):
    result = small_screener.screen("Korea", limit=1, threshold=0.0)
    assert len(result.results) <= 1
    result = small_screener.screen("Kim Jong Un", threshold=1.0)
    assert not result.matched


def test_compare(small_screener):
    same = small_screener.compare("Kim Jong-un", "KIM, Jong Un", schema="Person")
    other = small_screener.compare("Kim Jong-un", "Kim Yo Jong", schema="Person")
    assert same.score > other.score
    assert same.explanations["name"]["tokens"]


def test_compare_excluding_the_alias(small_screener):
    from matching.factory import make

    entity = make("x-1", "Person", name="RI SU YONG", alias="Ri Chol")
    held_out = small_screener.compare("Ri Chol", entity, exclude_names=["Ri Chol"])
    kept = small_screener.compare("Ri Chol", entity)
    assert held_out.score < kept.score


def test_alert_shape(small_screener):
    alert = small_screener.alert("Kim Jong Sik", subject="row-1")
    assert alert.engine == "screening" and alert.subject == "row-1"
    assert alert.level in (Level.REVIEW, Level.BLOCK)
    assert alert.reasons[0].citation.paragraph == "KPi.066"
    clear = small_screener.alert("Completely Ordinary Person")
    assert clear.level == Level.CLEAR and not clear.reasons


def test_algorithm_info_and_versions(small_screener):
    info = small_screener.algorithm_info()
    assert info["name"] == "interdict-v1" and len(info["config_hash"]) == 64
    assert "_index" in small_screener.list_versions()


from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.text(max_size=120), date=st.text(max_size=12), country=st.text(max_size=8))
def test_screen_never_raises_on_arbitrary_text(small_screener, name, date, country):
    result = small_screener.screen(name, birth_date=date, countries=[country])
    assert all(0.0 <= m.score <= 1.0 for m in result.results)
    assert result.to_dict()["results"] == [m.to_dict() for m in result.results]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.sampled_from(["Kim Jong Sik", "KIM JONG SIK", "kim  jong-sik", "Kim, Jong Sik"]))
def test_equivalent_spellings_score_alike(small_screener, name):
    base = small_screener.screen("Kim Jong Sik").results[0]
    other = small_screener.screen(name).results[0]
    assert other.id == base.id
    assert abs(other.score - base.score) < 0.05

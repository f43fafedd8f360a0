"""End to end: the real party screening engine, and a small synthetic population from the bench generator."""

from __future__ import annotations

import json
from datetime import date

import pytest

from interdict.model import Level
from interdict.workers import screen_contractors

from .conftest import profile, write_jsonl


def test_with_the_real_screener_on_inline_list_entities(tmp):
    screening = pytest.importorskip("interdict.screening")
    from followthemoney import model

    person = model.make_entity("Person")
    person.id = "un_sc-KPi.901"  # a DPRK (1718 Committee) listing
    person.add("name", "JONG Song Hwa")
    person.add("country", "kp")
    company = model.make_entity("Company")
    company.id = "us_ofac_sdn-99002"
    company.add("name", "Yanbian Silverstar Network Technology Co., Ltd.")
    screener = screening.Screener.from_entities([person, company])
    profiles = [
        profile("hit", name="Jong Song Hwa", company="Yanbian Silverstar Network Technology"),
        profile("miss", name="Margaret Thompson", company="Thompson Bakery"),
    ]
    result = screen_contractors(write_jsonl(tmp / "p.jsonl", profiles), screener=screener, as_of=date(2025, 6, 1))
    hit = {r.rule_id: r for r in result.alert("hit").reasons}
    person_hit = hit["SCR-PERSON"].evidence["match"]
    assert person_hit["id"] == "un_sc-KPi.901" and person_hit["dprk"]
    assert hit["SCR-PERSON"].score == pytest.approx(min(0.8, person_hit["score"]))
    company_hit = hit["ORG-03"].evidence["match"]
    assert company_hit["id"] == "us_ofac_sdn-99002" and not company_hit["dprk"]
    assert hit["ORG-03"].score == pytest.approx(min(0.8, company_hit["score"]) * 0.5)  # name-only, not DPRK
    assert result.alert("hit").level != Level.CLEAR
    assert result.alert("miss").reasons == []
    assert not any("failed" in n for n in result.notes)


def test_small_synthetic_population_is_screened_well(tmp):
    from bench.workers.generate import generate_population, write_events, write_population

    accounts = generate_population(n_genuine=600, n_ops=12, seed=3)
    write_population(accounts, tmp)
    write_events(accounts, tmp / "events.parquet", 120_000, seed=3, chunk=50_000)
    truth = json.loads((tmp / "truth.json").read_text())
    result = screen_contractors(tmp / "profiles.jsonl", tmp / "events.parquet", as_of=date(2025, 1, 1))
    flagged = {a.subject for a in result.alerts if a.level != Level.CLEAR}
    planted = {k for k, v in truth.items() if v["label"] == 1}
    tp = len(flagged & planted)
    assert tp / len(planted) >= 0.85
    assert tp / max(1, len(flagged)) >= 0.8
    assert result.stats["events_used"] == result.stats["events_read"]


def test_company_flagged_by_the_real_network_analysis(tmp):
    analyze_mod = pytest.importorskip("interdict.network.analyze")
    records = tmp / "registry.ftm.jsonl"
    write_jsonl(records, [
        {"id": "p1", "schema": "Person", "properties": {"name": ["Kim Sang Man"], "topics": ["sanction"]}},
        {"id": "c1", "schema": "Company", "properties": {"name": ["Apex Digital Solutions LLC"]}},
        {"id": "o1", "schema": "Ownership", "properties": {"owner": ["p1"], "asset": ["c1"], "percentage": ["60"]}},
        {"id": "c2", "schema": "Company", "properties": {"name": ["Harmless Widgets Ltd"]}},
    ])
    network = analyze_mod.analyze([records], use_lists=False)
    profiles = [profile("front", company="Apex Digital Solutions, L.L.C."), profile("fine", company="Harmless Widgets")]
    result = screen_contractors(write_jsonl(tmp / "p.jsonl", profiles), network=network, as_of=date(2025, 6, 1))
    org = {r.rule_id: r for r in result.alert("front").reasons}["ORG-03"]
    assert org.evidence["entity"] == "c1" and org.evidence["method"] == "network analysis"
    assert org.path == ["p1", "c1"]
    assert result.alert("fine").reasons == []

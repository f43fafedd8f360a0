"""Delta re-screening across the two bundled OFAC SDN versions (2023-12-28 -> 2024-05-03).

The book mixes customers named after entries that were added or changed in 2024, entries that did
not change, entries that were removed, and ordinary names. After the baseline run on 2023 and the
delta run on 2024, the new alerts must be exactly the (customer, entity) pairs that a full screening
on 2024 matches and a full screening on 2023 did not, among the entities that were added or changed;
the resolved alerts exactly the baseline alerts on removed entries or on changed entries that no
longer match.
"""

from __future__ import annotations

import random
from dataclasses import replace

import pytest

from interdict import lists
from interdict.audit import book, decisions, trail
from interdict.audit.db import ServiceDB
from interdict.audit.facts import facts_of
from interdict.config import get_settings
from interdict.screening import Screener
from interdict.store import open_store

pytestmark = pytest.mark.slow

ORDINARY = ["Jane Smith", "Peter Miller", "Maria Garcia", "Acme Plumbing Ltd", "Li Wei", "Kim Min-jun",
            "Oceanic Freight Services", "Nordic Timber AB", "Ahmed Hassan", "Olga Petrova"]


def _name(entity):
    names = entity.get("name")
    return names[0] if names else None


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    home = tmp_path_factory.mktemp("rescreen-home")
    settings = replace(get_settings(), home=home)
    lists.load("us_ofac_sdn", version="2023-12-28", settings=settings)
    with open_store(settings) as st:
        v2023 = st.current_versions()["us_ofac_sdn"].id
        old_entities = st.version_entities(v2023)
    # the 2024 entries are read from a scratch store so the book can name them before they are loaded
    scratch = replace(get_settings(), home=tmp_path_factory.mktemp("scratch"))
    lists.load("us_ofac_sdn", version="2024-05-03", settings=scratch)
    with open_store(scratch) as st:
        new_entities = st.version_entities(st.current_versions()["us_ofac_sdn"].id)
    return settings, old_entities, new_entities


def _parties(entities):
    return {i: e for i, e in entities.items() if e.schema.name in ("Person", "Company", "Organization", "Vessel")}


def test_delta_rescreen_alerts_are_exactly_those_caused_by_the_changes(world, tmp_path):
    settings, old_entities, new_entities = world
    old_p, new_p = _parties(old_entities), _parties(new_entities)
    added = sorted(set(new_p) - set(old_p))
    removed = sorted(set(old_p) - set(new_p))
    changed = sorted(i for i in set(new_p) & set(old_p)
                     if facts_of(new_p[i]).get("names") != facts_of(old_p[i]).get("names"))
    unchanged = sorted(i for i in set(new_p) & set(old_p) if new_p[i].to_dict() == old_p[i].to_dict())
    rng = random.Random(7)
    rows = []
    for tag, pool, src in [("add", added, new_p), ("chg", changed, new_p), ("same", unchanged, old_p),
                           ("rm", removed, old_p)]:
        for n, eid in enumerate(rng.sample(pool, min(12, len(pool)))):
            ent = src[eid]
            names = list(ent.get("name")) + list(ent.get("alias"))
            # changed entries are named by an alias that is new in 2024 (the change that matters)
            if tag == "chg":
                fresh = [x for x in names if x not in set(old_p[eid].get("name")) | set(old_p[eid].get("alias"))]
                names = fresh or names
            rows.append((f"{tag}-{n}", {"schema": ent.schema.name if ent.schema.name != "Vessel" else "Vessel",
                                         "properties": {"name": [names[0]]}}))
    for n, name in enumerate(ORDINARY):
        rows.append((f"ord-{n}", {"schema": "LegalEntity", "properties": {"name": [name]}}))

    db = ServiceDB(sqlite_path=tmp_path / "service.sqlite")
    report = book.import_rows(db, rows, actor="test")
    assert report.added == len(rows)

    # one read-write store connection for the whole test (DuckDB refuses mixing read-only and
    # read-write connections to one file in one process)
    store = open_store(settings)
    s2023 = Screener.open(settings, store=store)
    base = book.rescreen(db, actor="test", screener=s2023, store=store)
    assert base.mode == "full" and base.customers_screened_full == len(rows)
    baseline = {(a["customer_id"], a["entity_id"]) for a in book.open_alerts(db)}
    assert any(c.startswith("same-") for c, _ in baseline)  # unchanged entries are found by name

    lists.load("us_ofac_sdn", version="2024-05-03", settings=settings, store=store)
    s2024 = Screener.open(settings, store=store)
    delta = book.rescreen(db, actor="test", screener=s2024, store=store)
    assert delta.mode == "delta"
    assert delta.customers_screened_full == 0 and delta.customers_screened_delta == len(rows)
    assert delta.list_changes["us_ofac_sdn"]["added"] > 0

    # ground truth: full screenings on each version
    def full(screener):
        out = set()
        for cid, q in rows:
            for m in screener.screen(q, limit=10).results:
                if m.match:
                    out.add((cid, m.id))
        return out

    f2023, f2024 = full(s2023), full(s2024)
    assert f2023 == baseline
    vs = store.versions("us_ofac_sdn")
    diff = store.changed_entity_ids("us_ofac_sdn", vs[0].id, vs[1].id)
    touched = {book._parent_id(i) for i in diff["added"] | diff["changed"]}
    gone = {i for i in diff["removed"] if book._parent_id(i) == i}

    new = {(a["customer_id"], a["entity_id"]) for a in delta.new_alerts}
    assert new == {p for p in f2024 - f2023 if p[1] in touched}
    assert new, "the 2024 additions must raise alerts for customers named after them"
    assert any(c.startswith("add-") for c, _ in new)
    for a in delta.new_alerts:
        assert ("added" in a["cause"] or "changed" in a["cause"] or "sanction record" in a["cause"]), a
    resolved = {(a["customer_id"], a["entity_id"]) for a in delta.resolved_alerts}
    expected_resolved = {p for p in f2023 if p[1] in gone or (p[1] in touched and p not in f2024)}
    assert resolved == expected_resolved
    assert any(c.startswith("rm-") for c, _ in resolved)
    # nobody named after an unchanged entry gets a new alert from the delta
    assert not any(c.startswith("same-") and e in {x[1] for x in baseline} for c, e in new)

    # a third run with nothing changed screens nobody and changes nothing
    again = book.rescreen(db, actor="test", screener=s2024, store=store)
    assert again.customers_screened_full == 0 and again.customers_screened_delta == 0
    assert again.new_alerts == [] and again.resolved_alerts == []
    assert trail.verify(db).ok
    store.close()


def test_changed_customer_is_screened_in_full_and_false_positive_stays_silent(world, tmp_path):
    settings, old_entities, new_entities = world
    db = ServiceDB(sqlite_path=tmp_path / "service.sqlite")
    store = open_store(settings)
    screener = Screener.open(settings, store=store)
    target = next(e for e in new_entities.values() if e.schema.name == "Person" and e.get("name")
                  and e.id in screener.index.by_id)
    name = _name(target)
    book.import_rows(db, [("c1", {"schema": "Person", "properties": {"name": [name]}}),
                          ("c2", {"schema": "Person", "properties": {"name": ["Jane Smith"]}})], actor="test")
    first = book.rescreen(db, actor="test", screener=screener, store=store)
    hit = next(a for a in first.new_alerts if a["customer_id"] == "c1")
    assert hit["cause"] == "first screening of this customer"
    # the analyst decides it is a false positive (different person)
    decisions.record_decision(db, subject="book:c1", entity_id=hit["entity_id"], status="false_positive",
                              reason="different person: born 1990 in Lyon", analyst="analyst-1",
                              entity_facts=facts_of(store.get_entity(hit["entity_id"])),
                              subject_facts=facts_of({"schema": "Person", "properties": {"name": [name]}}))
    # customer data changes trivially (address): full re-screen, the false positive stays silent
    book.import_rows(db, [("c1", {"schema": "Person", "properties": {"name": [name], "address": ["1 Rue X, Lyon"]}})],
                     actor="test")
    second = book.rescreen(db, actor="test", screener=screener, store=store)
    assert second.customers_screened_full == 1
    assert not any(a["customer_id"] == "c1" and a["entity_id"] == hit["entity_id"] for a in second.new_alerts)
    # a new alias of the customer re-opens it, saying why
    book.import_rows(db, [("c1", {"schema": "Person", "properties": {"name": [name], "address": ["1 Rue X, Lyon"],
                                                                      "alias": ["Jean Dupont"]}})], actor="test")
    third = book.rescreen(db, actor="test", screener=screener, store=store)
    assert second.resolved_alerts == [{"customer_id": "c1", "entity_id": hit["entity_id"],
                                       "why": "false positive decision applies"}]
    reopened = [a for a in third.new_alerts if a["customer_id"] == "c1" and a["entity_id"] == hit["entity_id"]]
    assert reopened and "false positive re-opened" in reopened[0]["cause"]
    assert "customer: new name or alias 'jean dupont'" in reopened[0]["cause"]

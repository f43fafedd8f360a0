from __future__ import annotations

import pytest

from interdict.audit import decisions, trail
from interdict.audit.facts import facts_of, new_facts
from interdict.exc import InvalidInput

LISTED = {"schema": "Person", "properties": {"name": ["KIM Il Sung"], "alias": ["Kim Song Ju"],
                                             "birthDate": ["1912-04-15"], "nationality": ["kp"]}}
CUSTOMER = {"schema": "Person", "properties": {"firstName": ["Il Sung"], "lastName": ["Kim"],
                                               "birthDate": ["1985-02-01"], "country": ["kr"]}}


def test_facts_of_dict_and_proxy():
    from followthemoney import model

    proxy = model.make_entity("Person")
    proxy.id = "x"
    proxy.add("name", "KIM Il Sung")
    proxy.add("alias", "Kim Song Ju")
    proxy.add("birthDate", "1912-04-15")
    proxy.add("nationality", "kp")
    assert facts_of(proxy) == facts_of(LISTED)
    f = facts_of(CUSTOMER)
    assert f["names"] == ["il sung kim"] and f["birth_dates"] == ["1985-02-01"] and f["countries"] == ["kr"]


def test_new_facts_only_counts_additions():
    before = facts_of(LISTED)
    more = {"schema": "Person", "properties": {**LISTED["properties"], "alias": ["Kim Song Ju", "Kim Il"]}}
    less = {"schema": "Person", "properties": {"name": ["KIM Il Sung"], "birthDate": ["1912-04-15"]}}
    assert new_facts(before, facts_of(more), "list entity") == ["list entity: new name or alias 'kim il'"]
    assert new_facts(before, facts_of(less), "list entity") == []


def test_false_positive_suppresses_until_a_new_fact(service_db):
    d = decisions.record_decision(service_db, subject="book:C1", entity_id="us_ofac_sdn-1", status="false_positive",
                                  reason="different person: born 1985 in Seoul", analyst="key:an1",
                                  entity_facts=facts_of(LISTED), subject_facts=facts_of(CUSTOMER))
    applied = decisions.apply_decision(d, facts_of(LISTED), facts_of(CUSTOMER))
    assert applied.suppressed and applied.reopened_because == []
    changed = {"schema": "Person", "properties": {**LISTED["properties"], "birthDate": ["1912-04-15", "1985-02-01"]}}
    applied = decisions.apply_decision(d, facts_of(changed), facts_of(CUSTOMER))
    assert not applied.suppressed
    assert applied.reopened_because == ["list entity: new birth date '1985-02-01'"]
    cust2 = {"schema": "Person", "properties": {**CUSTOMER["properties"], "alias": ["Kim Song Ju"]}}
    applied = decisions.apply_decision(d, facts_of(LISTED), facts_of(cust2))
    assert applied.reopened_because == ["customer: new name or alias 'kim song ju'"]


def test_reversal_is_a_new_decision_and_both_are_audited(service_db):
    kw = dict(subject="book:C1", entity_id="us_ofac_sdn-1", analyst="key:an1", entity_facts={}, subject_facts={})
    first = decisions.record_decision(service_db, status="false_positive", reason="different DOB", **kw)
    second = decisions.record_decision(service_db, status="confirmed_match", reason="passport matches", **kw)
    assert first.decision_id != second.decision_id
    assert decisions.latest_decisions(service_db, "book:C1")["us_ofac_sdn-1"].status == "confirmed_match"
    assert [d.status for d in decisions.history(service_db, subject="book:C1")] == ["false_positive",
                                                                                   "confirmed_match"]
    applied = decisions.apply_decision(second, {}, {})
    assert not applied.suppressed
    kinds = [r.kind for r in trail.iter_records(service_db)]
    assert kinds == ["decision", "decision"]
    assert trail.verify(service_db).ok


def test_decision_validation(service_db):
    with pytest.raises(InvalidInput):
        decisions.record_decision(service_db, subject="s", entity_id="e", status="maybe", reason="r",
                                  analyst="a", entity_facts={}, subject_facts={})
    with pytest.raises(InvalidInput):
        decisions.record_decision(service_db, subject="s", entity_id="e", status="false_positive", reason=" ",
                                  analyst="a", entity_facts={}, subject_facts={})

"""Entity resolution: list matches through an injected screener, registry merges, analyst decisions."""

from __future__ import annotations

from followthemoney import model

from interdict.network.analyze import analyze
from interdict.network.loader import Inputs
from interdict.network.resolve import Decisions, apply_merges, match_lists, propose_merges

from .conftest import FakeMatch, FakeScreener


def company(id, **props):
    proxy = model.make_entity("Company")
    proxy.id = id
    for k, v in props.items():
        for item in v if isinstance(v, list) else [v]:
            proxy.add(k, item, cleaned=True)
    return proxy


def ent(id, schema, **props):
    return {"id": id, "schema": schema, "properties": {k: v if isinstance(v, list) else [v] for k, v in props.items()}}


def test_match_lists_designates_above_threshold_and_caches(decisions_path):
    screener = FakeScreener({
        "Dandong Hongxiang Industrial Development Co Ltd": [
            FakeMatch("us_ofac_sdn-20564", "DANDONG HONGXIANG INDUSTRIAL DEVELOPMENT CO LTD", 0.93, True,
                      programs=["NPWMD"])],
        "Some Bakery": [FakeMatch("us_ofac_sdn-1", "SOME BAKERY GROUP", 0.55, False)],
    })
    a = company("a", name="Dandong Hongxiang Industrial Development Co Ltd", country="cn")
    b = company("b", name="Dandong Hongxiang Industrial Development Co Ltd", country="cn")
    c = company("c", name="Some Bakery")
    des, links, warnings = match_lists([a, b, c], screener, threshold=0.8, decisions=Decisions(decisions_path))
    assert set(des) == {"a", "b"}
    assert des["a"].list_id == "us_ofac_sdn-20564" and des["a"].basis == "match"
    assert des["a"].evidence["query"] == "Dandong Hongxiang Industrial Development Co Ltd"
    assert {link.left for link in links} == {"a", "b", "c"}  # the weak one is proposed, not designated
    assert len(screener.calls) == 2  # a and b share one cached query
    assert screener.calls[0][1]["countries"] == ["cn"]
    assert warnings == []


def test_rejected_match_is_not_used_and_accepted_weak_match_is(decisions_path):
    decisions = Decisions(decisions_path)
    decisions.record("a", "us_ofac_sdn-9", "reject", note="different company")
    decisions.record("c", "us_ofac_sdn-1", "accept")
    screener = FakeScreener({
        "Alpha": [FakeMatch("us_ofac_sdn-9", "ALPHA", 0.95, True)],
        "Some Bakery": [FakeMatch("us_ofac_sdn-1", "SOME BAKERY GROUP", 0.55, False)],
    })
    des, _, _ = match_lists([company("a", name="Alpha"), company("c", name="Some Bakery")], screener,
                            decisions=Decisions(decisions_path))
    assert "a" not in des
    assert des["c"].basis == "decision" and des["c"].score == 1.0


def test_screener_failure_is_a_warning_not_a_crash(decisions_path):
    class Broken:
        def screen(self, query, **kwargs):
            raise RuntimeError("index not built")

    des, links, warnings = match_lists([company("a", name="Alpha")], Broken(), decisions=Decisions(decisions_path))
    assert des == {} and links == [] and "index not built" in warnings[0]


def test_propose_merges_chinese_and_english_names_and_uscc():
    a = company("a", name="丹东鸿祥实业发展有限公司", phone="+86 415 3123456")
    b = company("b", name="Dandong Hongxiang Industrial Development Co., Ltd.", phone="0415 3123456")
    c = company("c", name="Dandong Hongxiang Industrial Development Co., Ltd.", registrationNumber="91210600MA0QX1A11R")
    d = company("d", name="Totally Different Trading", registrationNumber="91210600MA0QX1A11R")
    e = company("e", name="Dandong Other Company")
    links = {(link.left, link.right): link for link in propose_merges([a, b, c, d, e], threshold=0.5)}
    assert ("a", "b") in links
    assert links[("a", "b")].evidence["name"] == ["dandonghongxiang"]
    assert "phone" in links[("a", "b")].evidence
    assert links[("a", "b")].score > links.get(("a", "c"), links[("a", "b")]).score - 1e-9
    assert ("c", "d") in links and "regno" in links[("c", "d")].evidence
    assert not any("e" in pair for pair in links)


def test_apply_merges_rewrites_references():
    inputs = Inputs()
    for proxy in (company("a", name="Alpha"), company("b", name="Alpha Ltd"), company("x", name="X")):
        inputs.entities[proxy.id] = proxy
    own = model.make_entity("Ownership")
    own.id = "o"
    own.add("owner", "b", cleaned=True)
    own.add("asset", "x", cleaned=True)
    inputs.entities["o"] = own
    mapping = apply_merges(inputs, [("a", "b")])
    assert mapping == {"b": "a"}
    assert "b" not in inputs.entities
    assert inputs.entities["o"].get("owner") == ["a"]
    assert set(inputs.entities["a"].get("name")) == {"Alpha", "Alpha Ltd"}


def test_accepted_registry_merge_changes_the_analysis(write_jsonl, decisions_path):
    rows = [
        ent("d", "Company", name="Designated Co", topics="sanction"),
        ent("a", "Company", name="Dandong Shengli Trading Co"),
        ent("b", "Company", name="丹东胜利贸易有限公司"),
        ent("o1", "Ownership", owner="d", asset="a", percentage="30"),
        ent("o2", "Ownership", owner="d", asset="b", percentage="30"),
    ]
    path = write_jsonl(rows)
    before = analyze([path], use_lists=False, decisions=Decisions(decisions_path))
    assert not before.ownership.ofac_blocked[before.graph.index["a"]]
    proposed = [link for link in before.links if link.kind == "same-entity"]
    assert [(p.left, p.right) for p in proposed] == [("a", "b")]
    assert before.alert_for("a").details["proposed_links"][0]["right"] == "b"
    Decisions(decisions_path).record("a", "b", "accept")
    after = analyze([path], use_lists=False, decisions=Decisions(decisions_path))
    assert "b" not in after.graph.index
    assert after.ownership.ofac_blocked[after.graph.index["a"]]  # 30% + 30% on one company
    Decisions(decisions_path).record("a", "b", "reject")
    again = analyze([path], use_lists=False, decisions=Decisions(decisions_path))
    assert "b" in again.graph.index
    assert [link.decision for link in again.links if link.kind == "same-entity"] == ["reject"]
    assert "proposed_links" not in again.alert_for("a").details


def test_decisions_survive_a_torn_line(decisions_path):
    Decisions(decisions_path).record("a", "b", "accept")
    with decisions_path.open("a", encoding="utf-8") as fh:
        fh.write('{"left": "a", "ri')
    assert Decisions(decisions_path).get("b", "a") == "accept"

"""Proximity: decay with distance and with how common a shared attribute is; paths explain scores."""

from __future__ import annotations

from interdict.network.analyze import analyze
from interdict.network.resolve import Decisions


def ent(id, schema, **props):
    return {"id": id, "schema": schema, "properties": {k: v if isinstance(v, list) else [v] for k, v in props.items()}}


def test_common_address_says_little_and_rare_phone_says_much(write_jsonl, decisions_path):
    rows = [ent("d", "Company", name="Designated Co", topics="sanction", country="kp",
                address="No. 1 Huaihe Road, Zhenxing District, Dandong", phone="+86 415 2135588")]
    for i in range(200):
        rows.append(ent(f"agent{i}", "Company", name=f"Client {i}", address="No. 1 Huaihe Road, Zhenxing District, Dandong"))
    rows.append(ent("pair", "Company", name="Pair Co", address="No. 1 Huaihe Road, Zhenxing District, Dandong"))
    rows.append(ent("phone", "Company", name="Phone Co", phone="0415 2135588"))
    rows.append(ent("alone", "Company", name="Alone Co", address="No. 77 Elsewhere Road, Dalian"))
    result = analyze([write_jsonl(rows)], use_lists=False, decisions=Decisions(decisions_path))
    risk = {nid: result.proximity.risk[i] for i, nid in enumerate(result.graph.ids)}
    assert risk["phone"] > 0.5
    assert risk["agent0"] < 0.1
    assert risk["phone"] > 5 * risk["agent0"]
    assert risk["alone"] == 0.0
    alert = result.alert_for("phone")
    reason = next(r for r in alert.reasons if r.rule_id == "proximity")
    assert reason.path == ["d", "phone"]
    assert reason.evidence["hops"][0]["via"] == "shared phone"
    assert reason.evidence["hops"][0]["shared_by"] == 2
    assert reason.citation.source_id == "S97"
    assert not any(r.rule_id == "proximity" for r in result.alert_for("agent0").reasons)


def test_risk_decays_with_distance_and_path_is_the_strongest(write_jsonl, decisions_path):
    rows = [ent("d", "Person", name="Designated Person", topics="sanction")]
    chain = ["c1", "c2", "c3", "c4"]
    for c in chain:
        rows.append(ent(c, "Company", name=c.upper()))
    rows.append(ent("l1", "Directorship", director="d", organization="c1"))
    rows.append(ent("l2", "Ownership", owner="c1", asset="c2", percentage="10"))
    rows.append(ent("l3", "Ownership", owner="c2", asset="c3", percentage="10"))
    rows.append(ent("l4", "Ownership", owner="c3", asset="c4", percentage="10"))
    result = analyze([write_jsonl(rows)], use_lists=False, decisions=Decisions(decisions_path))
    idx = result.graph.index
    r = result.proximity.risk
    assert r[idx["c1"]] > r[idx["c2"]] > r[idx["c3"]] > r[idx["c4"]] > 0
    reason = next(x for x in result.alert_for("c3").reasons if x.rule_id == "proximity")
    assert reason.path == ["d", "c1", "c2", "c3"]
    assert [h["via"] for h in reason.evidence["hops"]] == ["directorship", "ownership", "ownership"]
    # risk equals the product of the edge weights along the path
    product = 1.0
    for hop in reason.evidence["hops"]:
        product *= hop["weight"]
    assert abs(product - r[idx["c3"]]) < 1e-9

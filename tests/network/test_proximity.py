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
    reason = next(x for x in result.alert_for("c2").reasons if x.rule_id == "proximity")
    assert reason.path == ["d", "c1", "c2"]
    assert [h["via"] for h in reason.evidence["hops"]] == ["directorship", "ownership"]
    # below the reporting threshold (0.3) the risk is kept but no reason is given
    assert r[idx["c4"]] < 0.3 and not any(x.rule_id == "proximity" for x in result.alert_for("c4").reasons)
    # risk equals the product of the edge weights along the path
    product = 1.0
    for hop in reason.evidence["hops"]:
        product *= hop["weight"]
    assert abs(product - r[idx["c2"]]) < 1e-9


# --- property test: the vectorised frontier propagation equals plain Bellman-Ford -----------------

import math  # noqa: E402

import numpy as np  # noqa: E402
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from interdict.network.graph import AK, EK, NODE_ORG, Graph  # noqa: E402
from interdict.network.proximity import ProximityParams, _build, propagate  # noqa: E402


@st.composite
def small_graph(draw):
    n = draw(st.integers(2, 7))
    edges = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1), st.sampled_from(
        ["ownership", "directorship", "employment", "family", "trade"])), max_size=12))
    edges = [e for e in edges if e[0] != e[1]]
    attrs = draw(st.lists(st.tuples(st.integers(0, n - 1), st.sampled_from(["phone", "address"]),
                                    st.integers(0, 3)), max_size=8, unique=True))
    designated = draw(st.sets(st.integers(0, n - 1), min_size=1, max_size=2))
    g = Graph.from_arrays(
        n, np.full(n, NODE_ORG), np.array([i in designated for i in range(n)]),
        np.array([e[0] for e in edges], dtype=np.int32), np.array([e[1] for e in edges], dtype=np.int32),
        np.array([EK[e[2]] for e in edges], dtype=np.int8), np.full(len(edges), math.nan),
        np.array([a[0] for a in attrs], dtype=np.int32), np.array([AK[a[1]] for a in attrs], dtype=np.int8),
        np.array([AK[a[1]] * 10 + a[2] for a in attrs], dtype=np.int32),
    )
    g.values = [str(i) for i in range(100)]
    return g


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_graph())
def test_frontier_propagation_equals_plain_bellman_ford(g):
    params = ProximityParams(hub_degree=3)
    result = propagate(g, params)
    # the same weighted edges, relaxed naively: every edge, every round
    p_src, p_dst, p_w, _, total, *_ = _build(g, params)
    start = g.designated.astype(float)
    ent = p_src < g.n
    degree = np.bincount(p_src[ent], minlength=g.n)
    damp = np.sqrt(np.minimum(1.0, params.hub_degree / np.maximum(degree, 1)))
    damp[start > 0] = 1.0
    w = p_w.copy()
    w[ent] *= damp[p_src[ent]]
    risk = np.zeros(total)
    risk[: g.n] = start
    for _ in range(params.rounds):
        new = risk.copy()
        for s, d, wt in zip(p_src.tolist(), p_dst.tolist(), w.tolist(), strict=True):
            new[d] = max(new[d], risk[s] * wt)
        risk = new
    assert np.allclose(result.risk, risk[: g.n], atol=1e-12)


def test_shared_director_is_as_strong_as_a_shared_phone_unless_a_nominee(write_jsonl, decisions_path):
    def row(id, schema, **props):
        return {"id": id, "schema": schema, "properties": {k: [v] for k, v in props.items()}}

    rows = [row("d", "Company", name="Designated Trading", topics="sanction"),
            row("front", "Company", name="Front Co"), row("p", "Person", name="Shared Director"),
            row("l1", "Directorship", director="p", organization="d"),
            row("l2", "Directorship", director="p", organization="front"),
            row("nominee", "Person", name="Nominee Director"),
            row("l3", "Directorship", director="nominee", organization="d")]
    for i in range(300):  # the nominee sits on 300 boards
        rows.append(row(f"c{i}", "Company", name=f"Client {i}"))
        rows.append(row(f"n{i}", "Directorship", director="nominee", organization=f"c{i}"))
    result = analyze([write_jsonl(rows)], use_lists=False, decisions=Decisions(decisions_path))
    assert result.alert_for("front").level.value == "review"
    assert result.alert_for("c0").level.value == "clear"
    assert result.proximity.risk[result.graph.index["c0"]] < 0.3

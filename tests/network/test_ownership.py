"""Ownership arithmetic: OFAC's worked examples, cycles, and property tests against brute force."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interdict.network.graph import EK, NODE_ORG, Graph
from interdict.network.ownership import (
    analyse_ownership,
    explain_ownership,
    lookthrough,
    ofac_blocked,
    ownership_matrix,
    ownership_paths,
)


def make_graph(n: int, edges: list[tuple[int, int, float]], designated: set[int]) -> Graph:
    src = [e[0] for e in edges]
    dst = [e[1] for e in edges]
    pct = [e[2] for e in edges]
    g = Graph.from_arrays(
        n, np.full(n, NODE_ORG), np.array([i in designated for i in range(n)], dtype=bool),
        np.array(src, dtype=np.int32), np.array(dst, dtype=np.int32),
        np.full(len(edges), EK["ownership"], dtype=np.int8), np.array(pct, dtype=float),
    )
    g.e_link = [f"own{i}" for i in range(len(edges))]
    g.e_role = [None] * len(edges)
    return g


# --- OFAC's worked examples (2014 guidance) -----------------------------------------------------

def test_two_sdns_25_percent_each_block_the_company():
    g = make_graph(3, [(0, 2, 0.25), (1, 2, 0.25)], {0, 1})
    res = analyse_ownership(g)
    assert res.ofac_blocked[2]
    assert res.ofac_share[2] == pytest.approx(0.5)
    # EU/UK need more than 50%
    assert not res.eu_owned[2]


def test_blocked_intermediate_counts_in_full():
    # SDN X owns 50% of A; A owns 50% of B: A blocked, so B is 50% owned by a blocked person
    g = make_graph(3, [(0, 1, 0.5), (1, 2, 0.5)], {0})
    res = analyse_ownership(g)
    assert res.ofac_blocked[1] and res.ofac_blocked[2]
    assert res.lookthrough[2] == pytest.approx(0.25)  # multiplicative measure is lower


def test_unblocked_intermediate_does_not_block_but_lookthrough_sees_it():
    # SDN owns 45% of B directly and 45% of A; A owns 20% of B: OFAC 45% (not blocked), look-through 54%
    g = make_graph(3, [(0, 2, 0.45), (0, 1, 0.45), (1, 2, 0.2)], {0})
    res = analyse_ownership(g)
    assert not res.ofac_blocked[2]
    assert res.lookthrough[2] == pytest.approx(0.45 + 0.45 * 0.2)
    paths = ownership_paths(g, 2)
    assert sorted(round(p["product"], 6) for p in paths) == [0.09, 0.45]


def test_chain_split_across_several_designated_owners():
    # three designated owners hold 20% each of three holding companies which each own 100% of one target share
    edges = [(0, 3, 0.2), (1, 3, 0.2), (2, 3, 0.2), (3, 4, 0.6)]
    g = make_graph(5, edges, {0, 1, 2})
    res = analyse_ownership(g)
    assert res.ofac_blocked[3] and res.ofac_blocked[4]
    explanation = explain_ownership(g, res, 4)
    assert explanation["ofac"]["why"]["blocked_owners"][0]["owner"] == "n3"
    assert "60%" in explanation["ofac"]["why"]["arithmetic"]


def test_cycle_without_designated_owner_stays_clear_and_converges():
    g = make_graph(3, [(0, 1, 0.6), (1, 0, 0.6), (1, 2, 0.9)], set())
    res = analyse_ownership(g)
    assert not res.ofac_blocked.any()
    assert (res.lookthrough == 0).all()


def test_cycle_fed_by_designated_owner():
    # D owns 40% of A; A and B hold 50% of each other; B owns 30% of A as well? (A: D 40% + B 50%)
    g = make_graph(3, [(0, 1, 0.4), (2, 1, 0.5), (1, 2, 0.5)], {0})
    res = analyse_ownership(g)
    # walks: D->A (0.4), D->A->B->A (0.4*.5*.5)... x_A = 0.4 / (1 - 0.25)
    assert res.lookthrough[1] == pytest.approx(0.4 / 0.75)
    assert res.lookthrough[2] == pytest.approx(0.5 * 0.4 / 0.75)
    assert not res.ofac_blocked[1]  # only 40% held by blocked persons
    exp = explain_ownership(g, res, 1)
    assert exp["lookthrough"]["cycle_contribution"] == pytest.approx(0.4 / 0.75 - 0.4)


def test_eu_control_through_directorship():
    g = make_graph(2, [], {0})
    g.e_src = np.array([0], dtype=np.int32)
    g.e_dst = np.array([1], dtype=np.int32)
    g.e_kind = np.array([EK["directorship"]], dtype=np.int8)
    g.e_pct = np.array([math.nan])
    g.e_role = ["Chairman"]
    g.e_link = ["dir0"]
    res = analyse_ownership(g)
    assert res.eu_owned[1] and res.eu_controlled[1]
    assert not res.ofac_blocked[1]


# --- property tests against brute force ----------------------------------------------------------

def brute_ofac(n, edges, designated, threshold=0.5):
    blocked = set(designated)
    changed = True
    while changed:
        changed = False
        for t in range(n):
            if t in blocked:
                continue
            share = sum(p for s, d, p in edges if d == t and s in blocked)
            if share >= threshold - 1e-12:
                blocked.add(t)
                changed = True
    return blocked


def brute_lookthrough(n, edges, designated, eps=1e-11):
    """Enumerate every walk from a designated owner through non-designated nodes (pruned below eps)."""
    out = [0.0] * n
    by_src: dict[int, list[tuple[int, float]]] = {}
    for s, d, p in edges:
        by_src.setdefault(s, []).append((d, p))

    def walk(node, product):
        for nxt, p in by_src.get(node, []):
            value = product * p
            if value < eps:
                continue
            out[nxt] += value
            if nxt not in designated:
                walk(nxt, value)

    for d in designated:
        walk(d, 1.0)
    return out


@st.composite
def random_registry(draw):
    n = draw(st.integers(min_value=2, max_value=6))
    pairs = draw(st.lists(
        st.tuples(st.integers(0, n - 1), st.integers(0, n - 1), st.integers(1, 12)),
        min_size=1, max_size=10, unique_by=lambda t: (t[0], t[1]),
    ))
    pairs = [(s, d, k * 0.05) for s, d, k in pairs if s != d]
    # keep each asset's total at most 70% so that walk sums over cycles converge fast
    totals: dict[int, float] = {}
    for _, d, p in pairs:
        totals[d] = totals.get(d, 0.0) + p
    edges = [(s, d, p * min(1.0, 0.7 / totals[d])) for s, d, p in pairs]
    designated = draw(st.sets(st.integers(0, n - 1), min_size=1, max_size=max(1, n - 1)))
    return n, edges, designated


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_registry())
def test_ofac_fixpoint_equals_brute_force(reg):
    n, edges, designated = reg
    g = make_graph(n, edges, designated)
    blocked, _, _ = ofac_blocked(ownership_matrix(g), g.designated)
    assert set(np.nonzero(blocked)[0].tolist()) == brute_ofac(n, edges, designated)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_registry())
def test_lookthrough_equals_walk_enumeration(reg):
    n, edges, designated = reg
    g = make_graph(n, edges, designated)
    x, _, residual = lookthrough(ownership_matrix(g), g.designated)
    ref = brute_lookthrough(n, edges, designated)
    assert residual < 1e-9
    # walk enumeration drops walks worth less than 1e-11 each; many of them can add up to ~1e-6
    assert np.allclose(x, np.clip(ref, 0, 1), atol=1e-5)
    # and an exact dense solve of x = c + M^T x (M: rows of non-designated owners)
    A = np.zeros((n, n))
    for s, d, p in edges:
        A[s, d] += p
    des = np.array([i in designated for i in range(n)])
    c = A.T @ des.astype(float)
    M = A * (~des)[:, None]
    exact = np.linalg.solve(np.eye(n) - M.T, c)
    assert np.allclose(x, np.clip(exact, 0, 1), atol=1e-9)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_registry())
def test_simple_paths_never_exceed_lookthrough(reg):
    n, edges, designated = reg
    g = make_graph(n, edges, designated)
    res = analyse_ownership(g)
    for node in range(n):
        total = sum(p["product"] for p in ownership_paths(g, node))
        assert total <= res.lookthrough[node] + 1e-9 or res.lookthrough[node] == 1.0

"""Proximity: risk flowing from designated nodes through links and shared attributes.

The propagation graph has the entity nodes plus one node per distinct attribute value (a normalised
address, building, phone, e-mail, website, bank account or registration number). Risk starts at 1.0
on designated nodes and moves along edges by **max-product**: a node's risk is the strongest single
path to a designated node, the product of the edge weights along it. That keeps every score
explainable by one path (the back-pointers give it) and makes cycles harmless (weights < 1).

Edge weights:

* a link of kind *k* (ownership, directorship, employment, family, trade...) has weight ``w_k``
  in each direction (``w_k`` may differ by direction: an owner taints its asset more than a
  subsidiary taints its parent), times ``decay`` when it arrives at an organisation: people are
  connectors like shared phones, so company -> shared director -> company decays once;
* an attribute hop entity -> value -> entity has weight ``w_attr * specificity(n)`` (times ``decay``
  when it arrives at an organisation) where
  ``n`` is how many entities share the value and ``specificity(n) = min(1, 2/n) ** 0.5``: a phone
  shared by two companies keeps full weight, an address shared by 500 keeps 6% of it. Values shared
  by more than ``max_share`` entities are dropped (registered-agent addresses, switchboards);
* risk passing *through* an entity with more than ``hub_degree`` links (a nominee director of
  thousands of companies) is damped by ``sqrt(hub_degree / degree)``; a designated hub is not damped.

Everything is numpy: edges are sorted by destination once; each round takes the edges leaving the
nodes whose risk rose in the previous round, gathers ``risk[src] * w`` and takes a segmented maximum
per destination (``np.maximum.reduceat``), so a 1,000,000-company registry costs one sort and a few
vector passes over the frontier, no per-node Python loop.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .graph import AK, ATTR_KINDS, EDGE_KINDS, EK, NODE_PERSON, Graph

__all__ = ["ProximityParams", "ProximityResult", "propagate", "proximity_path"]

DEFAULT_LINK_WEIGHTS: dict[str, tuple[float, float]] = {
    # kind: (forward src->dst, backward dst->src)
    "ownership": (0.9, 0.6),
    "directorship": (0.9, 0.9),
    "employment": (0.6, 0.6),
    "membership": (0.5, 0.5),
    "representation": (0.8, 0.8),
    "family": (0.6, 0.6),
    "associate": (0.5, 0.5),
    "unknown": (0.4, 0.4),
    "trade": (0.45, 0.45),
    "succession": (0.9, 0.8),
    "parent": (0.9, 0.6),
}
DEFAULT_ATTR_WEIGHTS: dict[str, float] = {
    "address": 0.6, "building": 0.35, "phone": 0.8, "email": 0.85, "website": 0.7, "bank": 0.9, "regno": 1.0,
}


@dataclass
class ProximityParams:
    decay: float = 0.7
    rounds: int = 6
    max_share: int = 5000
    hub_degree: int = 25
    link_weights: dict[str, tuple[float, float]] = field(default_factory=lambda: dict(DEFAULT_LINK_WEIGHTS))
    attr_weights: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_ATTR_WEIGHTS))

    @classmethod
    def from_rule(cls, params: dict[str, Any]) -> ProximityParams:
        out = cls()
        out.decay = float(params.get("decay", out.decay))
        out.rounds = int(params.get("rounds", out.rounds))
        out.max_share = int(params.get("max_share", out.max_share))
        out.hub_degree = int(params.get("hub_degree", out.hub_degree))
        for k, v in (params.get("link_weights") or {}).items():
            out.link_weights[k] = (float(v[0]), float(v[1])) if isinstance(v, list | tuple) else (float(v), float(v))
        for k, v in (params.get("attr_weights") or {}).items():
            out.attr_weights[k] = float(v)
        return out


@dataclass
class ProximityResult:
    risk: np.ndarray  # over entity nodes
    pred: np.ndarray  # predecessor edge per node of the propagation graph (-1 none)
    p_src: np.ndarray
    p_dst: np.ndarray
    p_w: np.ndarray
    p_tag: np.ndarray  # >=0: index of graph edge; < 0: -(attribute row + 1)
    n_entities: int
    attr_value_of: np.ndarray  # attribute node -> value index
    attr_kind_of: np.ndarray
    attr_share: np.ndarray  # attribute node -> number of entities sharing it


def specificity(count: np.ndarray) -> np.ndarray:
    return np.sqrt(np.minimum(1.0, 2.0 / np.maximum(count, 1)))


def _build(graph: Graph, params: ProximityParams):
    n = graph.n
    srcs, dsts, ws, tags = [], [], [], []
    eidx = np.arange(len(graph.e_kind), dtype=np.int32)
    fwd = np.zeros(len(EDGE_KINDS))
    bwd = np.zeros(len(EDGE_KINDS))
    for name, (f, b) in params.link_weights.items():
        if name in EK:
            fwd[EK[name]], bwd[EK[name]] = f, b
    if len(graph.e_kind):
        # the decay is paid on arriving at an organisation: a person (a shared director, an owner) is a
        # connector like a shared phone, so company -> director -> company decays once, not twice
        into_org = np.where(graph.node_kind == NODE_PERSON, 1.0, params.decay)
        wf = fwd[graph.e_kind] * into_org[graph.e_dst]
        wb = bwd[graph.e_kind] * into_org[graph.e_src]
        srcs += [graph.e_src, graph.e_dst]
        dsts += [graph.e_dst, graph.e_src]
        ws += [wf, wb]
        tags += [eidx, eidx]
    attr_value_of = np.zeros(0, dtype=np.int64)
    attr_kind_of = np.zeros(0, dtype=np.int8)
    attr_share = np.zeros(0, dtype=np.int64)
    if len(graph.a_node):
        # one propagation node per (kind, value) pair; values are already unique per kind prefix
        key = graph.a_val.astype(np.int64)
        uniq, inv, counts = np.unique(key, return_inverse=True, return_counts=True)
        keep_val = (counts >= 2) & (counts <= params.max_share)
        keep = keep_val[inv]
        rows = np.nonzero(keep)[0]
        # renumber kept attribute nodes
        kept_ids = np.cumsum(keep_val) - 1
        anode = n + kept_ids[inv[rows]]
        n_attr = int(keep_val.sum())
        attr_value_of = uniq[keep_val]
        attr_share = counts[keep_val]
        kinds_first = np.zeros(len(uniq), dtype=np.int8)
        kinds_first[inv] = graph.a_kind
        attr_kind_of = kinds_first[keep_val]
        aw = np.zeros(len(ATTR_KINDS))
        for name, w in params.attr_weights.items():
            if name in AK:
                aw[AK[name]] = w
        into_org = np.where(graph.node_kind == NODE_PERSON, 1.0, params.decay)
        w_in = aw[graph.a_kind[rows]] * specificity(counts[inv[rows]])  # entity -> value
        w_out = into_org[graph.a_node[rows]]  # value -> entity (decay when it is an organisation)
        ent = graph.a_node[rows].astype(np.int32)
        srcs += [ent, anode]
        dsts += [anode, ent]
        ws += [w_in, w_out]
        tag = -(rows.astype(np.int32) + 1)
        tags += [tag, tag]
    else:
        n_attr = 0
    if srcs:
        # int32 indices halve the memory traffic of every round (fine below 2**31 nodes and rows)
        p_src = np.concatenate([np.asarray(s, dtype=np.int32) for s in srcs])
        p_dst = np.concatenate([np.asarray(d, dtype=np.int32) for d in dsts])
        p_w = np.concatenate(ws).astype(np.float64)
        p_tag = np.concatenate([np.asarray(t, dtype=np.int32) for t in tags])
    else:
        p_src = p_dst = p_tag = np.zeros(0, dtype=np.int32)
        p_w = np.zeros(0)
    live = p_w > 0
    p_src, p_dst, p_w, p_tag = p_src[live], p_dst[live], p_w[live], p_tag[live]
    order = np.argsort(p_dst, kind="stable")
    return (p_src[order], p_dst[order], p_w[order], p_tag[order], n + n_attr,
            attr_value_of, attr_kind_of, attr_share)


def propagate(graph: Graph, params: ProximityParams | None = None, seed: np.ndarray | None = None) -> ProximityResult:
    """Max-product risk from designated nodes (``seed`` overrides the starting risk per entity)."""
    params = params or ProximityParams()
    p_src, p_dst, p_w, p_tag, total, a_val_of, a_kind_of, a_share = _build(graph, params)
    risk = np.zeros(total)
    start = graph.designated.astype(np.float64) if seed is None else np.asarray(seed, dtype=np.float64)
    risk[: graph.n] = start
    if params.hub_degree and len(p_src):
        # risk passing *through* a hub (a nominee director of 3,000 companies) is damped like a
        # common address: sqrt(hub_degree / degree); a designated hub passes its risk in full
        ent = p_src < graph.n
        degree = np.bincount(p_src[ent], minlength=graph.n).astype(np.float64)
        damp = np.sqrt(np.minimum(1.0, params.hub_degree / np.maximum(degree, 1.0)))
        damp[start > 0] = 1.0
        p_w = p_w.copy()
        p_w[ent] *= damp[p_src[ent]]
    pred = np.full(total, -1, dtype=np.int64)
    if len(p_dst):
        # Bellman-Ford by rounds over the frontier: only edges leaving a node whose risk rose in the
        # previous round can raise anything; edges are sorted by destination once, and a subset of a
        # sorted array stays sorted, so each round is a segmented maximum over the frontier's edges
        changed = risk > 0
        for _ in range(params.rounds):
            sel = np.flatnonzero(changed[p_src])
            if len(sel) == 0:
                break
            d = p_dst[sel]
            cand = risk[p_src[sel]] * p_w[sel]
            starts = np.flatnonzero(np.r_[True, d[1:] != d[:-1]])
            best = np.maximum.reduceat(cand, starts)
            improve = best > risk[d[starts]] + 1e-12
            if not improve.any():
                break
            seg = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, len(d)]))
            hit = np.flatnonzero((cand >= best[seg] - 1e-15) & improve[seg])
            first = hit[np.r_[True, seg[hit[1:]] != seg[hit[:-1]]]] if len(hit) else hit
            targets = d[first]
            risk[targets] = cand[first]
            pred[targets] = sel[first]
            changed = np.zeros(total, dtype=bool)
            changed[targets] = True
    return ProximityResult(
        risk=risk[: graph.n], pred=pred, p_src=p_src, p_dst=p_dst, p_w=p_w, p_tag=p_tag, n_entities=graph.n,
        attr_value_of=a_val_of, attr_kind_of=a_kind_of, attr_share=a_share,
    )


def proximity_path(graph: Graph, result: ProximityResult, node: int, max_len: int = 20) -> dict[str, Any]:
    """The strongest path from a designated node to ``node``: entity ids and the hops between them."""
    hops: list[dict[str, Any]] = []
    entity_path = [graph.ids[node]]
    current = node
    seen = {node}
    while len(hops) < max_len:
        edge = result.pred[current]
        if edge < 0:
            break
        prev = int(result.p_src[edge])
        tag = int(result.p_tag[edge])
        if prev >= result.n_entities:  # attribute node: describe the shared value, continue to the entity
            a = prev - result.n_entities
            kind = ATTR_KINDS[int(result.attr_kind_of[a])]
            value = graph.values[int(result.attr_value_of[a])] if graph.values else str(int(result.attr_value_of[a]))
            hops.append({"via": f"shared {kind}", "value": value, "shared_by": int(result.attr_share[a]),
                         "weight": float(result.p_w[edge])})
        elif tag >= 0:
            kind = EDGE_KINDS[int(graph.e_kind[tag])]
            link = graph.e_link[tag] if graph.e_link else None
            hop = {"via": kind, "link": link, "weight": float(result.p_w[edge])}
            if kind == "ownership" and not np.isnan(graph.e_pct[tag]):
                hop["share"] = float(graph.e_pct[tag])
            if graph.e_role and graph.e_role[tag]:
                hop["role"] = graph.e_role[tag]
            hops.append(hop)
        elif hops:  # value -> entity half of an attribute hop
            hops[-1]["weight"] *= float(result.p_w[edge])
        if prev < result.n_entities:
            entity_path.append(graph.ids[prev])
        if prev in seen:
            break
        seen.add(prev)
        current = prev
    entity_path.reverse()
    hops.reverse()
    return {"path": entity_path, "hops": hops, "risk": float(result.risk[node])}

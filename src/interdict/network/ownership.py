"""Ownership by designated parties: OFAC's 50% rule, look-through aggregation, EU/UK "owned or controlled".

Three measures, all vectorised over a sparse owner x asset matrix ``A`` (``A[o, a]`` = fraction of
``a`` held by ``o``; shares of one asset adding up to more than 100% were scaled down when the graph
was built):

**OFAC 50% rule** (:func:`ofac_blocked`). An entity owned 50% or more, directly or indirectly, in the
aggregate, by one or more blocked persons is itself blocked. "Indirectly" works through blocked
intermediates: if SDN X owns 50% of A, A is blocked, and A's 50% of B then counts in full for B
(OFAC's worked examples, 2014 guidance). It is the least fixpoint of
``blocked = designated | (A^T · blocked >= 0.5)``, reached by repeated sparse matrix-vector products;
cycles need no special case because the set only grows. BIS's affiliates rule applies the same
arithmetic to Entity List and MEU parties.

**Look-through exposure** (:func:`lookthrough`). The multiplicative measure: the sum, over every
walk from a designated owner to the entity whose intermediate nodes are not designated, of the
product of the shares along it: ``x = c + M^T x`` with ``c = A^T d`` (direct shares of designated
owners) and ``M`` the rows of non-designated owners. Cycles contribute their geometric series; the
system is solved by fixed-point iteration (a contraction whenever every cycle loses some share
outside itself) and the number of iterations and the residual are reported. Stopping walks at
designated nodes avoids counting a designated parent's share twice through a designated child.
This catches exposure that OFAC's rule does not block by operation of law (40% of a company that
owns 100% of another) but that OFAC tells people to be cautious about.

**EU/UK owned or controlled** (:func:`eu_owned_or_controlled`): ownership of *more than* 50% by
designated or owned-or-controlled parties, or control: a designated or controlled party holds a
controlling office (chair, legal representative, general manager, sole or majority of directors).

Explanations (:func:`explain_ownership`) list the arithmetic and the paths for one entity.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp

from .graph import EK, Graph

__all__ = [
    "OwnershipResult", "ownership_matrix", "ofac_blocked", "lookthrough", "eu_owned_or_controlled",
    "analyse_ownership", "explain_ownership", "ownership_paths",
]

CONTROL_ROLES = re.compile(
    r"chair|president|legal rep|法定代表|法人|董事长|general manager|总经理|ceo|chief executive|managing director|"
    r"sole director|owner|beneficial|controller|实际控制|控股|executive director|执行董事|генеральный|директор",
    re.IGNORECASE,
)


@dataclass
class OwnershipResult:
    direct: np.ndarray  # share held directly by designated owners
    lookthrough: np.ndarray  # multiplicative walk sum from designated owners
    ofac_share: np.ndarray  # share held by blocked persons (designated or blocked by the rule)
    ofac_blocked: np.ndarray  # bool: designated or blocked by the 50% rule
    eu_share: np.ndarray
    eu_owned: np.ndarray  # bool: designated or owned (>50%) or controlled
    eu_controlled: np.ndarray  # bool: controlled through a controlling office
    unknown_share_owner: np.ndarray  # bool: a blocked owner holds an unknown share
    iterations: dict[str, int] = field(default_factory=dict)
    residual: float = 0.0


def ownership_matrix(graph: Graph) -> sp.csr_matrix:
    """Sparse owner x asset matrix of known ownership fractions (duplicates summed, capped at 1)."""
    sel = (graph.e_kind == EK["ownership"]) & ~np.isnan(graph.e_pct)
    n = graph.n
    mat = sp.csr_matrix(
        (graph.e_pct[sel].astype(np.float64), (graph.e_src[sel], graph.e_dst[sel])), shape=(n, n)
    )
    mat.sum_duplicates()
    if mat.nnz:
        np.minimum(mat.data, 1.0, out=mat.data)
    return mat


def ofac_blocked(
    A: sp.csr_matrix, designated: np.ndarray, threshold: float = 0.5, strict: bool = False,
    extra: np.ndarray | None = None, max_iter: int = 10_000,
) -> tuple[np.ndarray, np.ndarray, int]:
    """Least fixpoint of ``blocked = designated | share(blocked) >= threshold`` (``>`` when strict).

    ``extra`` marks nodes blocked for another reason (EU control). Returns (blocked, share, iterations).
    """
    AT = A.T.tocsr()
    blocked = designated.copy()
    if extra is not None:
        blocked |= extra
    share = np.zeros(A.shape[0])
    for it in range(1, max_iter + 1):
        share = AT @ blocked.astype(np.float64)
        over = share > threshold + 1e-12 if strict else share >= threshold - 1e-12
        new = blocked | over
        if extra is not None:
            new |= extra
        if (new == blocked).all():
            return blocked, share, it
        blocked = new
    return blocked, share, max_iter


def lookthrough(
    A: sp.csr_matrix, designated: np.ndarray, tol: float = 1e-12, max_iter: int = 2000
) -> tuple[np.ndarray, int, float]:
    """Walk-sum exposure ``x = c + M^T x`` (see module doc). Returns (x clipped to [0, 1], iterations, residual)."""
    d = designated.astype(np.float64)
    AT = A.T.tocsr()
    c = AT @ d
    keep = sp.diags((~designated).astype(np.float64))
    MT = (keep @ A).T.tocsr()  # rows of non-designated owners only
    x = c.copy()
    residual = 0.0
    for it in range(1, max_iter + 1):
        nxt = c + MT @ x
        residual = float(np.max(np.abs(nxt - x))) if len(x) else 0.0
        x = nxt
        if residual <= tol:
            return np.clip(x, 0.0, 1.0), it, residual
    return np.clip(x, 0.0, 1.0), max_iter, residual


def _control_edges(graph: Graph) -> tuple[np.ndarray, np.ndarray]:
    """(controller, organisation) pairs: a controlling role, or the sole / a majority of directors."""
    sel = np.nonzero(graph.e_kind == EK["directorship"])[0]
    if len(sel) == 0:
        return np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.int32)
    orgs = graph.e_dst[sel]
    n_dir = np.bincount(orgs, minlength=graph.n)
    if graph.e_role:
        ctrl = np.array([bool(graph.e_role[i] and CONTROL_ROLES.search(graph.e_role[i])) for i in sel], dtype=bool)
    else:
        ctrl = np.zeros(len(sel), dtype=bool)
    sole = n_dir[orgs] == 1
    return graph.e_src[sel[ctrl | sole]], orgs[ctrl | sole]


def eu_owned_or_controlled(
    graph: Graph, A: sp.csr_matrix, max_iter: int = 10_000
) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """EU/UK test: >50% owned by, or controlled by, designated or owned-or-controlled parties.

    Returns (owned_or_controlled, share held by such parties, controlled-through-office flag, iterations).
    """
    AT = A.T.tocsr()
    ctrl_src, ctrl_dst = _control_edges(graph)
    # majority of directors held by blocked parties
    dsel = np.nonzero(graph.e_kind == EK["directorship"])[0]
    n_dir = np.bincount(graph.e_dst[dsel], minlength=graph.n) if len(dsel) else np.zeros(graph.n)
    state = graph.designated.copy()
    controlled = np.zeros(graph.n, dtype=bool)
    share = np.zeros(graph.n)
    for it in range(1, max_iter + 1):
        share = AT @ state.astype(np.float64)
        owned = share > 0.5 + 1e-12
        ctl = np.zeros(graph.n, dtype=bool)
        if len(ctrl_src):
            ctl[ctrl_dst[state[ctrl_src]]] = True
        if len(dsel):
            held = np.bincount(graph.e_dst[dsel][state[graph.e_src[dsel]]], minlength=graph.n)
            ctl |= (n_dir > 0) & (held * 2 > n_dir)
        new = state | owned | ctl
        controlled |= ctl & ~graph.designated
        if (new == state).all():
            return state, share, controlled & ~owned, it
        state = new
    return state, share, controlled, max_iter


def analyse_ownership(graph: Graph, threshold: float = 0.5) -> OwnershipResult:
    A = ownership_matrix(graph)
    des = graph.designated
    direct = A.T.tocsr() @ des.astype(np.float64)
    look, it_look, residual = lookthrough(A, des)
    blocked, share, it_ofac = ofac_blocked(A, des, threshold=threshold)
    eu, eu_share, eu_ctl, it_eu = eu_owned_or_controlled(graph, A)
    unknown = np.zeros(graph.n, dtype=bool)
    sel = (graph.e_kind == EK["ownership"]) & np.isnan(graph.e_pct)
    if sel.any():
        src, dst = graph.e_src[sel], graph.e_dst[sel]
        hit = blocked[src]
        unknown[dst[hit]] = True
    return OwnershipResult(
        direct=direct, lookthrough=look, ofac_share=share, ofac_blocked=blocked, eu_share=eu_share, eu_owned=eu,
        eu_controlled=eu_ctl, unknown_share_owner=unknown,
        iterations={"ofac": it_ofac, "lookthrough": it_look, "eu": it_eu}, residual=residual,
    )


# --- explanations (one entity at a time, small graphs) --------------------------------------------

def _owners_of(graph: Graph, node: int) -> list[tuple[int, float, int]]:
    """(owner, fraction or NaN, edge index) of the direct owners of ``node``."""
    return graph.owners_of(node)


def ownership_paths(
    graph: Graph, node: int, max_depth: int = 8, max_paths: int = 200, max_steps: int = 20_000
) -> list[dict[str, Any]]:
    """Simple ownership paths from designated owners down to ``node`` with the product of shares.

    Walks upward from ``node`` through non-designated owners and stops at a designated one. Cycles are
    cut (a node appears once per path); their extra contribution shows as the difference between the
    look-through total and the sum of these paths. In dense registries the walk stops after
    ``max_steps`` steps or ``max_paths`` paths (the total still comes from the solved system).
    """
    out: list[dict[str, Any]] = []
    budget = [max_steps]

    def walk(current: int, chain: list[int], shares: list[float]) -> None:
        budget[0] -= 1
        if len(out) >= max_paths or len(chain) > max_depth or budget[0] <= 0:
            return
        for owner, pct, _ in _owners_of(graph, current):
            if owner in chain:
                continue
            path = [owner] + chain
            path_shares = [pct] + shares
            if graph.designated[owner]:
                product = math.prod(path_shares) if not any(math.isnan(s) for s in path_shares) else math.nan
                out.append({
                    "path": [graph.ids[i] for i in path],
                    "shares": [None if math.isnan(s) else round(s, 6) for s in path_shares],
                    "product": None if math.isnan(product) else product,
                })
            else:
                walk(owner, path, path_shares)

    walk(node, [node], [])
    out.sort(key=lambda p: -(p["product"] or 0.0))
    return out


def _fmt_pct(x: float) -> str:
    return "unknown" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x * 100:.2f}".rstrip("0").rstrip(".") + "%"


def explain_blocked(
    graph: Graph, result: OwnershipResult, node: int, depth: int = 0, seen: set[int] | None = None,
    mode: str = "ofac",
) -> dict[str, Any]:
    """Why ``node`` is blocked (OFAC) or owned-or-controlled (EU): its blocked owners and their reasons."""
    seen = set() if seen is None else seen
    seen.add(node)
    flags = result.ofac_blocked if mode == "ofac" else result.eu_owned
    entry: dict[str, Any] = {"id": graph.ids[node], "caption": graph.caption(node)}
    if graph.designated[node]:
        des = graph.designations.get(graph.ids[node])
        entry["designated"] = des.to_dict() if des else True
        return entry
    owners = []
    total = 0.0
    for owner, pct, edge in _owners_of(graph, node):
        if not flags[owner]:
            continue
        item = {"owner": graph.ids[owner], "caption": graph.caption(owner), "share": None if math.isnan(pct) else pct,
                "link": graph.e_link[edge] if graph.e_link else None}
        if not math.isnan(pct):
            total += pct
        if owner not in seen and depth < 6:
            item["because"] = explain_blocked(graph, result, owner, depth + 1, seen, mode)
        owners.append(item)
    entry["blocked_owners"] = owners
    entry["aggregate"] = total
    parts = [f"{_fmt_pct(o['share'])} ({o['caption']})" for o in owners if o["share"] is not None]
    entry["arithmetic"] = " + ".join(parts) + f" = {_fmt_pct(total)}" if parts else None
    return entry


def explain_ownership(graph: Graph, result: OwnershipResult, node: int) -> dict[str, Any]:
    paths = ownership_paths(graph, node)
    path_sum = sum(p["product"] or 0.0 for p in paths)
    look = float(result.lookthrough[node])
    return {
        "entity": graph.ids[node],
        "ofac": {"blocked": bool(result.ofac_blocked[node]), "share": float(result.ofac_share[node]),
                 "why": explain_blocked(graph, result, node, mode="ofac") if result.ofac_blocked[node] else None},
        "eu": {"owned_or_controlled": bool(result.eu_owned[node]), "share": float(result.eu_share[node]),
               "controlled_through_office": bool(result.eu_controlled[node]),
               "why": explain_blocked(graph, result, node, mode="eu") if result.eu_owned[node] else None},
        "lookthrough": {
            "total": look,
            "paths": paths,
            "arithmetic": " + ".join(
                " x ".join(_fmt_pct(s) for s in p["shares"]) for p in paths if p["product"] is not None
            ) + f" = {_fmt_pct(path_sum)}" if paths else None,
            "cycle_contribution": max(0.0, look - path_sum) if look - path_sum > 1e-9 else 0.0,
        },
    }

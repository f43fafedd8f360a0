"""Front-company and joint-venture typologies as rules over the graph (rule pack ``network.yml``).

Each function takes the :class:`~interdict.network.graph.Graph` (built from FtM entities) and returns
``{node: [Hit]}``; :mod:`.analyze` turns hits into reasons with the rule's weight and citation.

* ``jv-dprk-party`` (UNSCR 2375 OP18): a joint venture or cooperative entity with a DPRK party.
* ``nominal-local-management`` (TP-05): non-DPRK directors on paper, DPRK nationals or DPRK-linked
  parties working for or representing the company.
* ``it-front-border`` (TP-04, TP-12): IT-services company formed in the last few years in a Chinese
  border county or DPRK-nexus hub (``interdict.trade.places``), linked to a DPRK party.
* ``building-cluster`` (TP-02): same building or complex as a designated trader.
* ``sister-successor`` (TP-04, ORG-03): similar name to a designated company plus shared officers,
  owners or contacts, or a recorded succession.
* ``computers-with-bulk`` (TP-06): a trader shipping computers alongside coal or ore.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from difflib import SequenceMatcher
from typing import Any

import numpy as np

from interdict.rules import Rule

from .graph import AK, EK, NODE_ORG, NODE_PERSON, Graph
from .normalize import name_key

__all__ = ["Hit", "run_typologies", "dprk_parties", "entity_place"]


@dataclass
class Hit:
    rule_id: str
    summary: str
    path: list[str]
    evidence: dict[str, Any] = field(default_factory=dict)
    score: float | None = None  # overrides the rule weight when set


def _props(graph: Graph, node: int, *props: str) -> list[str]:
    proxy = graph.entities.get(graph.ids[node])
    if proxy is None:
        return []
    out: list[str] = []
    for prop in props:
        out.extend(proxy.get(prop, quiet=True))
    return out


def _is_dprk_country(value: str) -> bool:
    v = value.strip().lower()
    return v in ("kp", "prk", "north korea", "korea, north", "dprk", "democratic people's republic of korea")


def dprk_parties(graph: Graph) -> np.ndarray:
    """Bool per node: designated under a DPRK programme, or a DPRK national / DPRK-registered party."""
    out = np.zeros(graph.n, dtype=bool)
    for nid, des in graph.designations.items():
        if des.dprk:
            out[graph.index[nid]] = True
    for node in range(graph.n):
        if out[node]:
            continue
        values = _props(graph, node, "country", "nationality", "jurisdiction", "citizenship", "mainCountry")
        if any(_is_dprk_country(v) for v in values):
            out[node] = True
    return out


def dprk_nationals(graph: Graph) -> np.ndarray:
    """Bool per node: a DPRK entity or individual (country, nationality or jurisdiction KP)."""
    out = np.zeros(graph.n, dtype=bool)
    for node in range(graph.n):
        values = _props(graph, node, "country", "nationality", "jurisdiction", "citizenship", "mainCountry")
        if any(_is_dprk_country(v) for v in values):
            out[node] = True
    return out


def entity_place(graph: Graph, node: int) -> Any:
    """The border county or hub the entity is registered in: from its USCC, else its address."""
    try:
        from interdict.trade.places import find_places, place_for_uscc
    except ImportError:  # pragma: no cover - the trade package ships with interdict
        return None
    for value in _props(graph, node, "uscCode", "registrationNumber", "taxNumber"):
        place = place_for_uscc(value)
        if place is not None and (place.is_border or place.is_hub):
            return place
    for value in _props(graph, node, "address"):
        for place in find_places(value):
            if place.is_border or place.is_hub:
                return place
    return None


def _neighbours(graph: Graph, kinds: tuple[str, ...], into: bool) -> dict[int, list[int]]:
    """edge indices per node: ``into`` -> edges where the node is the target (owners, directors)."""
    sel = np.isin(graph.e_kind, [EK[k] for k in kinds])
    out: dict[int, list[int]] = defaultdict(list)
    ends = graph.e_dst if into else graph.e_src
    for i in np.nonzero(sel)[0]:
        out[int(ends[i])].append(int(i))
    return out


def _role(graph: Graph, edge: int) -> str:
    return (graph.e_role[edge] or "") if graph.e_role else ""


def _caption(graph: Graph, node: int) -> str:
    return graph.caption(node)


def jv_dprk_party(graph: Graph, rule: Rule, dprk: np.ndarray) -> dict[int, list[Hit]]:
    name_re = re.compile(rule.params.get("name_pattern", "joint venture"), re.IGNORECASE)
    role_re = re.compile(rule.params.get("partner_roles", "partner"), re.IGNORECASE)
    owners_in = _neighbours(graph, ("ownership", "membership", "unknown", "parent"), into=True)
    hits: dict[int, list[Hit]] = defaultdict(list)
    for node, edges in owners_in.items():
        if graph.node_kind[node] != NODE_ORG or graph.designated[node]:
            continue
        partners = []
        for e in edges:
            kind = graph.e_kind[e]
            if kind in (EK["membership"], EK["unknown"]) and not role_re.search(_role(graph, e)):
                continue
            partners.append((int(graph.e_src[e]), e))
        dprk_side = [(p, e) for p, e in partners if dprk[p]]
        if not dprk_side:
            continue
        other_side = [(p, e) for p, e in partners if not dprk[p]]
        names = " ".join(_props(graph, node, "name", "alias", "legalForm", "description"))
        jv_named = bool(name_re.search(names))
        if not other_side and not jv_named:
            continue
        p, e = dprk_side[0]
        share = graph.e_pct[e]
        summary = (f"{_caption(graph, node)} is a joint venture or cooperative entity with DPRK party "
                   f"{_caption(graph, p)}" + (f" ({share * 100:.0f}%)" if not np.isnan(share) else "")
                   + (f" alongside {_caption(graph, other_side[0][0])}" if other_side else ""))
        hits[node].append(Hit(
            "jv-dprk-party", summary, [graph.ids[p], graph.ids[node]] + ([graph.ids[other_side[0][0]]] if other_side else []),
            {"dprk_partners": [graph.ids[q] for q, _ in dprk_side],
             "other_partners": [graph.ids[q] for q, _ in other_side],
             "named_as_jv": jv_named,
             "links": [graph.e_link[e] for _, e in dprk_side + other_side] if graph.e_link else []},
        ))
    return hits


def nominal_local_management(graph: Graph, rule: Rule, dprk: np.ndarray) -> dict[int, list[Hit]]:
    directors = _neighbours(graph, ("directorship",), into=True)
    staff = _neighbours(graph, ("employment", "representation", "membership"), into=True)
    hits: dict[int, list[Hit]] = defaultdict(list)
    for node in set(directors) | set(staff):
        if graph.node_kind[node] != NODE_ORG or graph.designated[node]:
            continue
        dirs = [(int(graph.e_src[e]), e) for e in directors.get(node, [])]
        local = [(d, e) for d, e in dirs if not dprk[d]]
        dprk_dirs = [(d, e) for d, e in dirs if dprk[d]]
        top_local = [d for d, e in local if re.search(r"chair|legal rep|general manager|director|法定|董事|经理",
                                                        _role(graph, e) or "director", re.IGNORECASE)]
        if not top_local:
            continue
        dprk_staff = [(int(graph.e_src[e]), e) for e in staff.get(node, []) if dprk[int(graph.e_src[e])]]
        # a DPRK-linked deputy/officer without a controlling role also counts as staff
        dprk_staff += [(d, e) for d, e in dprk_dirs
                       if not re.search(r"chair|legal rep|general manager|法定|董事长", _role(graph, e), re.IGNORECASE)]
        if not dprk_staff:
            continue
        s, e = dprk_staff[0]
        summary = (f"{_caption(graph, node)} is run on paper by {_caption(graph, top_local[0])} while DPRK-linked "
                   f"{_caption(graph, s)} works for or represents it ({_role(graph, e) or 'staff'})")
        hits[node].append(Hit(
            "nominal-local-management", summary, [graph.ids[s], graph.ids[node], graph.ids[top_local[0]]],
            {"local_directors": [graph.ids[d] for d in top_local],
             "dprk_staff": [{"id": graph.ids[x], "role": _role(graph, y) or None} for x, y in dprk_staff]},
        ))
    return hits


def _parse_date(value: str) -> date | None:
    m = re.match(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", value or "")
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2) or 1), int(m.group(3) or 1))
    except ValueError:
        return None


def it_front_border(
    graph: Graph, rule: Rule, dprk: np.ndarray, dprk_risk: np.ndarray, paths: dict[int, list[str]],
    as_of: date,
) -> dict[int, list[Hit]]:
    it_re = re.compile(rule.params.get("it_pattern", "software"), re.IGNORECASE)
    max_age = float(rule.params.get("max_age_years", 3))
    min_risk = float(rule.params.get("min_link_risk", 0.2))
    hits: dict[int, list[Hit]] = defaultdict(list)
    for node in range(graph.n):
        if graph.node_kind[node] != NODE_ORG or graph.designated[node] or dprk_risk[node] < min_risk:
            continue
        texts = " ".join(_props(graph, node, "name", "alias", "sector", "classification", "description", "summary"))
        if not it_re.search(texts):
            continue
        formed = [d for d in (_parse_date(v) for v in _props(graph, node, "incorporationDate")) if d]
        if not formed:
            continue
        age = (as_of - min(formed)).days / 365.25
        if age < 0 or age > max_age:
            continue
        place = entity_place(graph, node)
        if place is None:
            continue
        where = f"{place.name} ({'border county' if place.is_border else 'DPRK-nexus hub'})"
        summary = (f"{_caption(graph, node)} is an IT-services company formed {min(formed).isoformat()} "
                   f"({age:.1f} years before {as_of.isoformat()}) in {where}, linked to a DPRK party")
        hits[node].append(Hit(
            "it-front-border", summary, paths.get(node, [graph.ids[node]]),
            {"incorporation_date": min(formed).isoformat(), "age_years": round(age, 2),
             "place": place.to_dict() if hasattr(place, "to_dict") else str(place),
             "link_risk": round(float(dprk_risk[node]), 4)},
            score=None if place.is_border else float(rule.weight) * 0.85,
        ))
    return hits


def building_cluster(graph: Graph, rule: Rule) -> dict[int, list[Hit]]:
    max_share = int(rule.params.get("max_share", 50))
    sel = graph.a_kind == AK["building"]
    by_val: dict[int, list[int]] = defaultdict(list)
    for node, val in zip(graph.a_node[sel].tolist(), graph.a_val[sel].tolist(), strict=True):
        by_val[val].append(node)
    hits: dict[int, list[Hit]] = defaultdict(list)
    for val, nodes in by_val.items():
        nodes = sorted(set(nodes))
        if len(nodes) < 2 or len(nodes) > max_share:
            continue
        traders = [n for n in nodes if graph.designated[n] and graph.node_kind[n] == NODE_ORG]
        if not traders:
            continue
        for node in nodes:
            if graph.designated[node] or graph.node_kind[node] != NODE_ORG:
                continue
            d = traders[0]
            hits[node].append(Hit(
                "building-cluster",
                f"{_caption(graph, node)} is registered in the same building as designated "
                f"{_caption(graph, d)} ({graph.values[val]}, {len(nodes)} entities there)",
                [graph.ids[d], graph.ids[node]],
                {"building": graph.values[val], "designated": [graph.ids[t] for t in traders],
                 "entities_in_building": len(nodes)},
            ))
    return hits


def sister_successor(graph: Graph, rule: Rule) -> dict[int, list[Hit]]:
    min_common = int(rule.params.get("min_common_name", 6))
    hits: dict[int, list[Hit]] = defaultdict(list)
    designated_orgs = [n for n in np.nonzero(graph.designated)[0] if graph.node_kind[n] == NODE_ORG]
    if not designated_orgs:
        return hits
    # recorded successions first
    for e in np.nonzero(graph.e_kind == EK["succession"])[0]:
        pred, succ = int(graph.e_src[e]), int(graph.e_dst[e])
        for a, b in ((pred, succ), (succ, pred)):
            if graph.designated[a] and not graph.designated[b]:
                hits[b].append(Hit("sister-successor",
                                   f"{_caption(graph, b)} is recorded as {'successor' if a == pred else 'predecessor'} "
                                   f"of designated {_caption(graph, a)}",
                                   [graph.ids[a], graph.ids[b]], {"link": graph.e_link[e] if graph.e_link else None},
                                   score=0.75))
    # shared people (directors, owners, employees) and contact attributes
    people_of: dict[int, set[int]] = defaultdict(set)
    for e in np.nonzero(np.isin(graph.e_kind, [EK["directorship"], EK["ownership"], EK["employment"],
                                               EK["representation"]]))[0]:
        s, d = int(graph.e_src[e]), int(graph.e_dst[e])
        if graph.node_kind[s] == NODE_PERSON or graph.node_kind[s] == NODE_ORG:
            people_of[d].add(s)
    orgs_of_person: dict[int, set[int]] = defaultdict(set)
    for org, ps in people_of.items():
        for p in ps:
            orgs_of_person[p].add(org)
    contact = np.isin(graph.a_kind, [AK["phone"], AK["email"], AK["website"], AK["address"]])
    val_nodes: dict[int, set[int]] = defaultdict(set)
    node_vals: dict[int, set[int]] = defaultdict(set)
    for node, val in zip(graph.a_node[contact].tolist(), graph.a_val[contact].tolist(), strict=True):
        val_nodes[val].add(node)
        node_vals[node].add(val)
    keys = {}

    def key(node: int) -> str | None:
        if node not in keys:
            names = _props(graph, node, "name", "alias", "previousName")
            keys[node] = [k for k in (name_key(n) for n in names) if k]
        return keys[node]

    for d in designated_orgs:
        candidates: dict[int, list[str]] = defaultdict(list)
        for p in people_of.get(d, ()):  # co-officers / co-owners
            for other in orgs_of_person.get(p, ()):
                if other != d:
                    candidates[other].append(f"shares {_caption(graph, p)}")
        for other in orgs_of_person.get(d, ()):  # d itself owns/directs it
            if other != d:
                candidates[other].append(f"{_caption(graph, d)} holds a stake or office")
        for val in node_vals.get(d, ()):
            if len(val_nodes[val]) <= 20:
                for other in val_nodes[val]:
                    if other != d:
                        candidates[other].append(f"shares {graph.values[val]}")
        dkeys = key(d) or []
        for other, why in candidates.items():
            if graph.designated[other] or graph.node_kind[other] != NODE_ORG:
                continue
            best = 0
            common = ""
            for a in dkeys:
                for b in key(other) or []:
                    m = SequenceMatcher(None, a, b).find_longest_match(0, len(a), 0, len(b))
                    if m.size > best:
                        best, common = m.size, a[m.a : m.a + m.size]
            if best < min_common:
                continue
            # formed after the designation: a successor (Volasys Silver Star after Yanbian Silverstar)
            des = graph.designations.get(graph.ids[d])
            listed = _parse_date(des.listing_date) if des and des.listing_date else None
            formed = [x for x in (_parse_date(v) for v in _props(graph, other, "incorporationDate")) if x]
            successor = bool(listed and formed and min(formed) > listed)
            kind = "successor" if successor else "sister or successor"
            hits[other].append(Hit(
                "sister-successor",
                f"{_caption(graph, other)} looks like a {kind} of designated {_caption(graph, d)}: "
                f"name core '{common}' and {why[0]}"
                + (f"; formed {min(formed).isoformat()}, after the designation of {listed.isoformat()}" if successor else ""),
                [graph.ids[d], graph.ids[other]],
                {"common_name": common, "connections": sorted(set(why))[:10], "formed_after_designation": successor},
                score=min(1.0, float(rule.weight) + 0.1) if successor else None,
            ))
    return hits


def computers_with_bulk(graph: Graph, rule: Rule, dprk: np.ndarray) -> dict[int, list[Hit]]:
    comp_hs = tuple(rule.params.get("computer_hs", ["8471"]))
    bulk_hs = tuple(rule.params.get("bulk_hs", ["2701"]))
    comp_re = re.compile(rule.params.get("computer_words", "computer"), re.IGNORECASE)
    bulk_re = re.compile(rule.params.get("bulk_words", "coal"), re.IGNORECASE)
    comp: dict[str, list] = defaultdict(list)
    bulk: dict[str, list] = defaultdict(list)
    for sh in graph.shipments:
        hs = re.sub(r"\D", "", sh.hs_code or "")
        is_comp = (hs.startswith(comp_hs) if hs else False) or bool(comp_re.search(sh.goods or ""))
        is_bulk = (hs.startswith(bulk_hs) if hs else False) or bool(bulk_re.search(sh.goods or ""))
        for party, other in ((sh.shipper_id, sh.consignee_id), (sh.consignee_id, sh.shipper_id)):
            if is_comp:
                comp[party].append((sh, other))
            if is_bulk:
                bulk[party].append((sh, other))
    hits: dict[int, list[Hit]] = defaultdict(list)
    for party in set(comp) & set(bulk):
        node = graph.index.get(party)
        if node is None:
            continue
        counterparts = {o for _, o in comp[party] + bulk[party]}
        dprk_cp = [o for o in counterparts if o in graph.index and dprk[graph.index[o]]]
        score = float(rule.params.get("dprk_weight", rule.weight)) if dprk_cp or dprk[node] else None
        path = [party] + sorted(counterparts)[:5]
        hits[node].append(Hit(
            "computers-with-bulk",
            f"{_caption(graph, node)} ships computers ({len(comp[party])} shipments) alongside coal or ore "
            f"({len(bulk[party])} shipments)" + (" with a DPRK counterparty" if dprk_cp else ""),
            path,
            {"computer_shipments": [s.id for s, _ in comp[party]][:20],
             "bulk_shipments": [s.id for s, _ in bulk[party]][:20],
             "dprk_counterparties": dprk_cp},
            score=score,
        ))
    return hits


def run_typologies(
    graph: Graph, rules: dict[str, Rule], dprk_risk: np.ndarray, dprk_paths: dict[int, list[str]],
    as_of: date | None = None,
) -> dict[int, list[Hit]]:
    """All typology hits per node. ``dprk_risk`` is proximity to DPRK parties (for it-front-border)."""
    as_of = as_of or date.today()
    dprk = dprk_parties(graph)
    out: dict[int, list[Hit]] = defaultdict(list)
    parts = [
        jv_dprk_party(graph, rules["jv-dprk-party"], dprk_nationals(graph)),
        nominal_local_management(graph, rules["nominal-local-management"], dprk),
        it_front_border(graph, rules["it-front-border"], dprk, dprk_risk, dprk_paths, as_of),
        building_cluster(graph, rules["building-cluster"]),
        sister_successor(graph, rules["sister-successor"]),
        computers_with_bulk(graph, rules["computers-with-bulk"], dprk),
    ]
    for part in parts:
        for node, hits in part.items():
            out[node].extend(hits)
    return out

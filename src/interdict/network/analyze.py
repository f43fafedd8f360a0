"""The whole analysis: read, resolve, build the graph, run ownership, proximity and typologies, alert.

>>> from interdict.network import analyze                                   # doctest: +SKIP
>>> result = analyze(["registry.ftm.jsonl", "shipments.csv"])               # doctest: +SKIP
>>> [(a.subject, a.level.value) for a in result.alerts if a.reasons][:3]    # doctest: +SKIP

Designated means: a list entity itself (its id is in the store, e.g. ``un_sc-KPe.002``), a registry
party matched to a list entity by the screener above the ``designated-party`` threshold (or accepted
by an analyst), or, when no list confirms it, a party the input marks with the FtM topic
``sanction`` (rule ``declared-designated``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
from followthemoney.proxy import EntityProxy

from interdict.exc import InterdictError, ProblemLog
from interdict.model import Alert, Citation, Grade, Reason, combine_scores, level_for
from interdict.rules import Rule, load_pack

from .graph import NODE_OTHER, Designation, Graph, build_graph
from .loader import Inputs, read_inputs
from .ownership import OwnershipResult, analyse_ownership, explain_ownership, ownership_paths
from .proximity import ProximityParams, ProximityResult, propagate, proximity_path
from .resolve import (
    Decisions,
    ResolutionLink,
    Screener,
    apply_merges,
    is_dprk_list_entity,
    link_trade_parties,
    match_lists,
    propose_merges,
)
from .typologies import dprk_parties, run_typologies

__all__ = ["NetworkAnalysis", "analyze", "analyze_inputs", "list_entities_from_store", "explain"]

LIST_CITATIONS = {
    "un_sc": Citation(instrument="UN Security Council Consolidated List (1718 Committee)", grade=Grade.A),
    "us_ofac_sdn": Citation(instrument="OFAC SDN List", source_id="S52", grade=Grade.A),
    "us_ofac_cons": Citation(instrument="OFAC Consolidated (non-SDN) List", grade=Grade.A),
    "us_csl": Citation(instrument="US Consolidated Screening List", grade=Grade.A),
}


@dataclass
class NetworkAnalysis:
    graph: Graph
    alerts: list[Alert]
    ownership: OwnershipResult
    proximity: ProximityResult
    links: list[ResolutionLink] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    rules: dict[str, Rule] = field(default_factory=dict)

    @property
    def problems(self) -> ProblemLog:
        return self.graph.problems

    def alert_for(self, entity_id: str) -> Alert | None:
        for alert in self.alerts:
            if alert.subject == entity_id:
                return alert
        return None


LIST_PREFIXES = ("un_sc-", "us_ofac_sdn-", "us_ofac_cons-", "us_csl-")


def _referenced_ids(inputs: Inputs) -> set[str]:
    ids = set(inputs.entities)
    for proxy in inputs.entities.values():
        for prop in proxy.schema.properties.values():
            if prop.type.name == "entity":
                ids.update(proxy.get(prop, quiet=True))
    return ids


def list_entities_from_store(
    store: Any = None, ids: Iterable[str] | None = None
) -> tuple[dict[str, EntityProxy], dict[str, dict[str, Any]]]:
    """(id -> list entity, id -> {programs, listing_date, source}) for the given ids, from the store.

    Only ids that look like list ids (``un_sc-...``, ``us_ofac_sdn-...``) are looked up, one query
    each, so a large registry does not pay for reading the whole store. ``ids=None`` reads every
    current list entity.
    """
    if store is None:
        from interdict.store import open_store

        with open_store() as opened:
            return list_entities_from_store(opened, ids)
    entities: dict[str, EntityProxy] = {}
    sanctions: dict[str, dict[str, Any]] = {}
    if ids is None:
        candidates = store.iter_entities()
    else:
        wanted = sorted(i for i in ids if i.startswith(LIST_PREFIXES))
        candidates = (e for i in wanted if (e := store.get_entity(i)) is not None and e.id == i)
    for proxy in candidates:
        if proxy.schema.name == "Sanction" or proxy.schema.edge or proxy.schema.name in (
                "Address", "Identification", "Passport"):
            continue
        entities[proxy.id] = proxy
        info = sanctions.setdefault(proxy.id, {"programs": [], "listing_date": None})
        info["programs"] = list(dict.fromkeys(proxy.get("program", quiet=True)))
        info["source"] = next(iter(getattr(proxy, "datasets", None) or []), proxy.id.split("-", 1)[0])
        if ids is not None:
            for sanction in store.find_entities(f"{proxy.id}-sanction-1"):
                dates = sanction.get("listingDate", quiet=True) or sanction.get("startDate", quiet=True)
                if dates:
                    info["listing_date"] = min(dates)
    return entities, sanctions


def _reason(rule: Rule, summary: str, score: float | None = None, evidence: dict | None = None,
            path: list[str] | None = None, citation: Citation | None = None) -> Reason:
    return Reason(
        rule_id=rule.id, summary=summary, score=max(0.0, min(1.0, rule.weight if score is None else score)),
        evidence=evidence or {}, citation=citation or rule.citation, path=path,
    )


def _pct(x: float) -> str:
    return f"{x * 100:.1f}%"


def _blocked_chain(graph: Graph, own: OwnershipResult, node: int, flags: np.ndarray) -> list[str]:
    """A path of blocked owners from a designated party down to ``node`` (largest share first)."""
    from .ownership import _owners_of

    chain = [node]
    seen = {node}
    current = node
    while not graph.designated[current]:
        owners = [(o, p) for o, p, _ in _owners_of(graph, current) if flags[o] and o not in seen]
        if not owners:
            break
        owners.sort(key=lambda t: -(0 if math.isnan(t[1]) else t[1]))
        current = owners[0][0]
        seen.add(current)
        chain.append(current)
    return [graph.ids[i] for i in reversed(chain)]


def _build_alerts(
    graph: Graph, own: OwnershipResult, prox: ProximityResult, hits: dict[int, list], rules: dict[str, Rule],
    pending: dict[str, list[ResolutionLink]], list_info: dict[str, dict[str, Any]],
) -> list[Alert]:
    alerts: list[Alert] = []
    min_risk = float(rules["proximity"].params.get("min_risk", 0.3))
    look_rule = rules["lookthrough-exposure"]
    for node in range(graph.n):
        if graph.node_kind[node] == NODE_OTHER and not graph.designated[node] and node not in hits:
            continue
        nid = graph.ids[node]
        reasons: list[Reason] = []
        des = graph.designations.get(nid)
        if des is not None:
            if des.basis == "input-topic":
                reasons.append(_reason(rules["declared-designated"],
                                       f"{graph.caption(node)} is marked as sanctioned in the input",
                                       evidence=des.to_dict(), path=[nid]))
            else:
                src = (des.source or (des.list_id or "").split("-", 1)[0]) if des.list_id else None
                cit = LIST_CITATIONS.get(src or "", rules["designated-party"].citation)
                what = "is on" if des.basis == "list-entity" else (
                    "was accepted by an analyst as" if des.basis == "decision" else "matches")
                reasons.append(_reason(
                    rules["designated-party"],
                    f"{graph.caption(node)} {what} list entity {des.caption or des.list_id} ({des.list_id})",
                    score=des.score, evidence=des.to_dict(), path=[nid] + ([des.list_id] if des.list_id != nid else []),
                    citation=cit,
                ))
        else:
            if own.ofac_blocked[node]:
                from .ownership import explain_blocked

                why = explain_blocked(graph, own, node, mode="ofac")
                reasons.append(_reason(
                    rules["ofac-50-percent"],
                    f"{graph.caption(node)} is {_pct(own.ofac_share[node])} owned in the aggregate by blocked persons "
                    f"({why.get('arithmetic') or 'see evidence'}): blocked under the 50% rule",
                    evidence={"share": round(float(own.ofac_share[node]), 6), "explanation": why},
                    path=_blocked_chain(graph, own, node, own.ofac_blocked),
                ))
                owners = _designated_roots(why)
                csl = [o for o in owners if o.startswith("us_csl-") or "us_csl" in (list_info.get(o, {}).get("source") or "")]
                if csl:
                    reasons.append(_reason(rules["bis-affiliates-50-percent"],
                                           f"the 50% aggregate includes Consolidated Screening List parties {', '.join(csl)}",
                                           evidence={"csl_owners": csl}, path=[csl[0], nid]))
            if own.eu_owned[node]:
                from .ownership import explain_blocked

                why = explain_blocked(graph, own, node, mode="eu")
                how = ("controlled through a controlling office held by a designated or controlled party"
                       if own.eu_controlled[node] else f"{_pct(own.eu_share[node])} owned")
                reasons.append(_reason(
                    rules["eu-owned-or-controlled"],
                    f"{graph.caption(node)} is owned or controlled by designated parties (EU/UK test): {how}",
                    evidence={"share": round(float(own.eu_share[node]), 6),
                              "controlled_through_office": bool(own.eu_controlled[node]), "explanation": why},
                    path=_blocked_chain(graph, own, node, own.eu_owned),
                ))
            look = float(own.lookthrough[node])
            held = float(own.ofac_share[node])  # share held by blocked persons (designated or blocked)
            exposure = max(look, held)
            if not own.ofac_blocked[node] and exposure >= float(look_rule.params.get("review_share", 0.25)):
                paths = ownership_paths(graph, node)
                high = exposure >= float(look_rule.params.get("high_share", 0.5))
                reasons.append(_reason(
                    look_rule,
                    f"blocked persons hold {_pct(held)} of {graph.caption(node)} directly and designated parties "
                    f"{_pct(look)} through ownership chains (multiplied along each chain, summed over {len(paths)} "
                    f"path(s)); below the 50% rule, so not blocked by operation of law",
                    score=look_rule.weight if high else look_rule.weight * 0.75,
                    evidence={"lookthrough": round(look, 6), "held_by_blocked": round(held, 6), "paths": paths[:20]},
                    path=paths[0]["path"] if paths else _blocked_chain(graph, own, node, own.ofac_blocked),
                ))
            if own.unknown_share_owner[node] and not own.ofac_blocked[node]:
                reasons.append(_reason(rules["blocked-owner-unknown-share"],
                                       f"a blocked person owns part of {graph.caption(node)} but the share is unknown",
                                       path=[nid]))
            risk = float(prox.risk[node])
            if risk >= min_risk:
                explanation = proximity_path(graph, prox, node)
                vias = ", ".join(h["via"] + (f" ({h['value']}, shared by {h['shared_by']})" if "value" in h else "")
                                 for h in explanation["hops"])
                origin = explanation["path"][0]
                reasons.append(_reason(
                    rules["proximity"],
                    f"{graph.caption(node)} is {len(explanation['hops'])} step(s) from designated "
                    f"{graph.caption(origin)} via {vias} (risk {risk:.2f})",
                    score=min(risk, rules["proximity"].weight),
                    evidence=explanation, path=explanation["path"],
                ))
        for hit in hits.get(node, []):
            rule = rules[hit.rule_id]
            reasons.append(_reason(rule, hit.summary, score=hit.score, evidence=hit.evidence, path=hit.path))
        score = combine_scores(reasons)
        details: dict[str, Any] = {"schema": graph.entities[nid].schema.name if nid in graph.entities else None}
        if own.lookthrough[node] > 0 or own.ofac_share[node] > 0:
            details["ownership"] = {"ofac_share": round(float(own.ofac_share[node]), 6),
                                    "lookthrough": round(float(own.lookthrough[node]), 6),
                                    "eu_share": round(float(own.eu_share[node]), 6)}
        if nid in pending:
            details["proposed_links"] = [link.to_dict() for link in pending[nid]]
        alerts.append(Alert(
            subject=nid, subject_type="entity", score=score, level=level_for(score, reasons), reasons=reasons,
            engine="network", caption=graph.caption(node), details=details,
        ))
    alerts.sort(key=lambda a: (-a.score, a.subject))
    return alerts


def _designated_roots(why: dict[str, Any]) -> list[str]:
    out: list[str] = []
    if why.get("designated"):
        return [why["id"]]
    for owner in why.get("blocked_owners", []):
        if "because" in owner:
            out.extend(_designated_roots(owner["because"]))
    return out


def analyze_inputs(
    inputs: Inputs,
    *,
    screener: Screener | None = None,
    list_entities: dict[str, EntityProxy] | None = None,
    list_info: dict[str, dict[str, Any]] | None = None,
    decisions: Decisions | None = None,
    as_of: date | None = None,
    rules: dict[str, Rule] | None = None,
    notes: list[str] | None = None,
) -> NetworkAnalysis:
    """Analyse already-read inputs (see :func:`analyze` for the arguments)."""
    rules = rules or load_pack("network")
    notes = list(notes or [])
    list_entities = list_entities or {}
    list_info = list_info or {}
    decisions = decisions if decisions is not None else Decisions()

    # trade parties named like exactly one registry party are that party; accepted merges apply;
    # what remains similar is proposed to the analyst
    trade_pairs = link_trade_parties(inputs, decisions)
    if trade_pairs:
        notes.append(f"attached {len(trade_pairs)} trade part(y/ies) to registry entities with the same name")
    accepted_pairs = [pair for pair in decisions.accepted() if pair[0] in inputs.entities and pair[1] in inputs.entities]
    merged = apply_merges(inputs, accepted_pairs + trade_pairs)
    if len(merged) > len(trade_pairs):
        notes.append(f"merged {len(merged) - len(trade_pairs)} record(s) by analyst decision")
    proposals = propose_merges(inputs.entities.values(), decisions=decisions)

    designations: dict[str, Designation] = {}
    links: list[ResolutionLink] = list(proposals)
    if screener is not None:
        threshold = float(rules["designated-party"].params.get("match_threshold", 0.8))
        des, list_links, warnings = match_lists(
            inputs.entities.values(), screener, threshold=threshold, decisions=decisions,
            skip_ids=set(list_entities),
            person_threshold=float(rules["designated-party"].params.get("person_match_threshold", 0.92)),
        )
        designations.update(des)
        links.extend(list_links)
        notes.extend(warnings[:20])
    # accepted decisions linking a registry party to a list entity, even without a screener
    for left, right in decisions.accepted():
        for a, b in ((left, right), (right, left)):
            if a in inputs.entities and b in list_entities and a not in designations:
                info = list_info.get(b, {})
                designations[a] = Designation(a, "decision", list_id=b, caption=list_entities[b].caption,
                                              programs=info.get("programs", []), source=info.get("source"),
                                              dprk=is_dprk_list_entity(b, info.get("programs", [])))

    graph = build_graph(inputs, designations=designations, list_entities=list_entities)
    for nid, des in graph.designations.items():
        info = list_info.get(des.list_id or nid)
        if info:
            des.programs = des.programs or info.get("programs", [])
            des.listing_date = des.listing_date or info.get("listing_date")
            des.source = des.source or info.get("source")
            if des.basis == "list-entity":
                des.dprk = is_dprk_list_entity(nid, des.programs)

    own = analyse_ownership(graph, threshold=float(rules["ofac-50-percent"].params.get("threshold", 0.5)))
    if own.residual > 1e-9:
        notes.append(f"look-through ownership did not fully converge (residual {own.residual:.2e})")
    params = ProximityParams.from_rule(rules["proximity"].params)
    prox = propagate(graph, params)
    dprk = dprk_parties(graph)
    dprk_prox = propagate(graph, params, seed=dprk.astype(float))
    dprk_paths = {}
    min_link = float(rules["it-front-border"].params.get("min_link_risk", 0.2))
    for node in np.nonzero(dprk_prox.risk >= min_link)[0]:
        if not dprk[node]:
            dprk_paths[int(node)] = proximity_path(graph, dprk_prox, int(node))["path"]
    hits = run_typologies(graph, rules, dprk_prox.risk, dprk_paths, as_of=as_of)
    pending: dict[str, list[ResolutionLink]] = {}
    for link in links:
        if link.decision is None:
            pending.setdefault(link.left, []).append(link)
            if link.kind == "same-entity":
                pending.setdefault(link.right, []).append(link)
    alerts = _build_alerts(graph, own, prox, hits, rules, pending, list_info)
    return NetworkAnalysis(graph=graph, alerts=alerts, ownership=own, proximity=prox, links=links, notes=notes,
                           rules=rules)


def analyze(
    paths: Iterable[str | Path],
    *,
    mapping: str | Path | dict[str, Any] | None = None,
    screener: Screener | None = None,
    use_lists: bool = True,
    store: Any = None,
    decisions: Decisions | None = None,
    as_of: date | None = None,
) -> NetworkAnalysis:
    """Read files and analyse them against the current lists.

    ``screener`` defaults to ``interdict.screening.Screener.open()`` and the list entities to the
    store's current lists when ``use_lists`` is true; if the lists are not loaded the analysis still
    runs (designations then come only from the input) and says so in ``notes``.
    """
    inputs = read_inputs(paths, mapping=mapping)
    notes: list[str] = []
    list_entities: dict[str, EntityProxy] = {}
    list_info: dict[str, dict[str, Any]] = {}
    if use_lists:
        try:
            list_entities, list_info = list_entities_from_store(store, _referenced_ids(inputs))
        except (InterdictError, ImportError, OSError, RuntimeError) as exc:
            notes.append(f"lists not available ({exc}); designations come from the input only")
        if screener is None and list_entities:
            try:
                from interdict.screening import Screener as _Screener

                screener = _Screener.open(store=store) if store is not None else _Screener.open()
            except (InterdictError, ImportError, OSError, RuntimeError) as exc:
                notes.append(f"screening not available ({exc}); registry parties were not matched to the lists")
    return analyze_inputs(inputs, screener=screener, list_entities=list_entities, list_info=list_info,
                          decisions=decisions, as_of=as_of, notes=notes)


def explain(analysis: NetworkAnalysis, entity_id: str) -> dict[str, Any]:
    """Everything about one entity: its alert, ownership arithmetic and paths, proximity path."""
    from interdict.exc import NotFound

    node = analysis.graph.index.get(entity_id)
    if node is None:
        raise NotFound(f"entity {entity_id} is not in the analysed network")
    alert = analysis.alert_for(entity_id)
    return {
        "entity_id": entity_id,
        "caption": analysis.graph.caption(node),
        "alert": alert.model_dump(mode="json") if alert else None,
        "ownership": explain_ownership(analysis.graph, analysis.ownership, node),
        "proximity": proximity_path(analysis.graph, analysis.proximity, node),
    }

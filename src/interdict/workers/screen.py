"""Screen contractors: profiles + streamed events -> one Alert per contractor and cluster summaries."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from interdict.exc import InputProblem, InvalidInput, ProblemLog
from interdict.model import Alert, Grade, Level, Reason, combine_scores, level_for
from interdict.rules import Rule, load_pack
from interdict.workers.clusters import Cluster, build_clusters
from interdict.workers.events import EventAggregates, aggregate_events
from interdict.workers.profiles import Profile, read_profiles
from interdict.workers.signals import PlaceLookup, ScreenerLike, Signals

__all__ = ["WorkerScreening", "screen_contractors", "default_places", "open_default_screener"]

REVIEW = 0.5
BLOCK = 0.85
#: Rules that describe a shared attribute (the link itself), not independent evidence.
LINK_RULES = frozenset({"PAY-02", "PAY-04", "NET-02.ip", "NET-02.device", "IDN-01.document", "IDN-01.phone",
                        "IDN-01.email", "IDN-02", "HW-03"})


def default_places() -> PlaceLookup | None:
    """Place lookup over the trade engine's Chinese border geography (``interdict.trade.places``)."""
    try:
        from interdict.trade.places import find_places
    except ImportError:  # pragma: no cover - the trade engine ships with the package
        return None

    def lookup(text: str) -> str | None:
        found = find_places(text)
        if any(p.is_dprk for p in found):
            return "dprk"
        if any(p.is_border for p in found):
            return "border"
        if any(p.is_hub for p in found):
            return "hub"
        return None

    return lookup


def open_default_screener() -> tuple[ScreenerLike | None, str | None]:
    """The party screening engine on the local store, or (None, why not)."""
    try:
        from interdict.screening import Screener
    except ImportError as exc:
        return None, f"party screening unavailable ({exc})"
    try:
        return Screener.open(), None
    except Exception as exc:  # noqa: BLE001 - no lists loaded yet, store missing...
        return None, f"party screening skipped: {exc}"


@dataclass
class WorkerScreening:
    """What :func:`screen_contractors` returns."""

    alerts: list[Alert]
    clusters: list[dict[str, Any]]
    problems: list[InputProblem]
    stats: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def flagged(self, level: Level = Level.REVIEW) -> list[Alert]:
        order = {Level.CLEAR: 0, Level.REVIEW: 1, Level.BLOCK: 2}
        return [a for a in self.alerts if order[a.level] >= order[level]]

    def alert(self, subject: str) -> Alert | None:
        for a in self.alerts:
            if a.subject == subject:
                return a
        return None


def _propagate(signals: Signals, own: list[list[Reason]], cluster: Cluster, member: int, rule: Rule) -> list[Reason]:
    """One CLUSTER reason: the strongest other member's own evidence, discounted.

    The score is ``propagation x link weight x`` the best other member's own combined score, so
    a contractor sharing a device with a blocked account is reviewed, while weak evidence spread
    over a group never adds up to more than its strongest member. When the other member's
    evidence is only grade C, the propagated reason is grade C too (it cannot block).
    """
    if not cluster.passes_evidence:
        return []
    factor = float(rule.params.get("propagation", 0.6)) * cluster.member_weight.get(member, 0.5)
    mine = {r.rule_id for r in own[member]}
    best, best_score, best_reasons = None, 0.0, []
    for other in cluster.members:
        if other == member or not own[other]:
            continue
        # the sharing itself (PAY-04, NET-02, IDN-01...) is already on this member: count only the
        # other member's independent evidence, or a couple's joint account would score twice
        # and facts this member already has (a household's shared address) count once
        independent = [r for r in own[other] if r.rule_id not in LINK_RULES and r.rule_id not in mine]
        if not independent:
            continue
        score = combine_scores(independent)
        if score > best_score:
            best, best_score, best_reasons = other, score, independent
    if best is None or best_score * factor < 0.05:
        return []
    strong = [r for r in best_reasons if r.grade != Grade.C]
    citation = rule.citation if strong else rule.citation.model_copy(update={"grade": Grade.C})
    kinds = sorted({link.kind for link in cluster.links if member in link.members})
    others = [signals.profiles[m].id for m in cluster.members if m != member]
    best_id = signals.profiles[best].id
    top = sorted(best_reasons, key=lambda r: -r.score)[:6]
    return [Reason(
        rule_id="CLUSTER",
        summary=f"In cluster {cluster.id} with {len(others)} other account(s) (shared {', '.join(kinds)}); "
        f"linked account {best_id} scores {best_score:.2f} on its own ({', '.join(r.rule_id for r in top)}).",
        score=round(min(1.0, best_score * factor), 4),
        evidence={"cluster": cluster.id, "members": others[:50], "linked_by": kinds, "strongest_member": best_id,
                  "strongest_member_score": round(best_score, 4), "strongest_member_signals": [r.rule_id for r in top],
                  "factor": round(factor, 3)},
        citation=citation,
    )]


def _cluster_summary(signals: Signals, cluster: Cluster, alerts: list[Alert]) -> dict[str, Any]:
    profiles = signals.profiles
    members = [profiles[m].id for m in cluster.members]
    by_id = {a.subject: a for a in alerts}
    levels = Counter(by_id[m].level.value for m in members if m in by_id)
    rules = Counter(r.rule_id for m in members if m in by_id for r in by_id[m].reasons if r.rule_id != "CLUSTER")
    links = [{"kind": link.kind, "value": link.value, "members": [profiles[m].id for m in link.members]}
             for link in cluster.links]
    score = max((by_id[m].score for m in members if m in by_id), default=0.0)
    return {
        "cluster": cluster.id,
        "size": len(members),
        "members": members,
        "score": round(score, 4),
        "levels": dict(levels),
        "signals": dict(rules.most_common()),
        "links": links[:200],
        "link_kinds": dict(Counter(link.kind for link in cluster.links)),
        "evidence_shared": cluster.passes_evidence,
    }


def screen_contractors(
    profiles: str | Path | dict[str, Profile] | list[Profile],
    events: str | Path | None = None,
    *,
    screener: ScreenerLike | None = None,
    places: PlaceLookup | None | bool = True,
    as_of: date | None = None,
    rules: dict[str, Rule] | None = None,
    events_format: str | None = None,
    problems: ProblemLog | None = None,
    share_cluster_evidence: bool = True,
    network: Any = None,
) -> WorkerScreening:
    """Screen contractor profiles (and optionally an event stream): one Alert per contractor.

    ``screener`` is a party screening engine (``interdict.screening.Screener`` or anything with
    its ``screen(name, schema=..., countries=...)``); None skips list screening. ``places`` is a
    text -> "border"/"hub"/"dprk" lookup; True uses the trade engine's geography. ``network`` is an
    ``interdict.network`` analysis of registry/trade records: a contractor's company or agency that
    it flags (owned by, linked to or fronting for designated parties) fires ORG-03 with its path.
    """
    started = time.perf_counter()
    problems = problems if problems is not None else ProblemLog()
    rules = rules or load_pack("workers")
    if places is True:
        places = default_places()
    elif places is False:
        places = None
    if isinstance(profiles, (str, Path)):
        table = read_profiles(profiles, problems)
        if not table:
            raise InvalidInput(f"{profiles}: no contractor profile could be read (the file is empty, has only a "
                               "header or every row is bad)", problems=list(problems.problems))
    elif isinstance(profiles, dict):
        table = profiles
    else:
        table = {p.id: p for p in profiles}
    plist = list(table.values())
    agg: EventAggregates | None = None
    events_seconds = 0.0
    if events is not None:
        t0 = time.perf_counter()
        window = int(rules["NET-01"].params.get("window_minutes", 90))
        agg = aggregate_events(events, [p.id for p in plist], [p.country for p in plist], problems,
                               places=places, fmt=events_format, window_minutes=window)
        events_seconds = time.perf_counter() - t0
        if agg.events_read == 0:
            problems.add("no events read (the file is empty or has only a header): the activity signals were "
                         "not evaluated", file=str(events))
    signals = Signals(rules=rules, profiles=plist, agg=agg, screener=screener, places=places,
                      as_of=as_of or date.today(), network=network)
    own = [signals.for_account(i) for i in range(len(plist))]
    clusters, member_of = build_clusters(len(plist), signals.shared)
    cluster_rule = rules["CLUSTER"]
    alerts: list[Alert] = []
    for i, profile in enumerate(plist):
        reasons = list(own[i])
        cluster = member_of.get(i)
        if cluster is not None and share_cluster_evidence:
            reasons += _propagate(signals, own, cluster, i, cluster_rule)
        reasons.sort(key=lambda r: -r.score)
        score = combine_scores(reasons)
        level = level_for(score, reasons, review=REVIEW, block=BLOCK)
        details: dict[str, Any] = {
            "claimed_country": profile.country,
            "claimed_timezone": profile.timezone,
            "role": profile.role,
            "profile_line": profile.line,
        }
        if cluster is not None:
            details["cluster"] = cluster.id
            details["cluster_size"] = len(cluster.members)
        if agg is not None:
            details["events"] = int(agg.n[i])
            if agg.lines["first"][i] >= 0:
                details["first_event_line"] = int(agg.lines["first"][i])
        alerts.append(Alert(subject=profile.id, subject_type="contractor", score=round(score, 4), level=level,
                            reasons=reasons, engine="workers", caption=profile.name, details=details))
    summaries = [_cluster_summary(signals, c, alerts) for c in clusters]
    stats: dict[str, Any] = {
        "profiles": len(plist),
        "flagged": sum(a.level != Level.CLEAR for a in alerts),
        "blocked": sum(a.level == Level.BLOCK for a in alerts),
        "clusters": len(clusters),
        "seconds": round(time.perf_counter() - started, 3),
    }
    if agg is not None:
        stats.update({
            "events_read": agg.events_read,
            "events_used": agg.events_used,
            "duplicates": agg.duplicates,
            "unknown_accounts": len(agg.unknown_accounts),
            "events_seconds": round(events_seconds, 3),
            "reader": agg.reader,
            "problem_counts": dict(agg.problem_counts),
            "ip_tracking_saturated": agg.ip_table.saturated,
        })
    notes = list(signals.notes)
    if screener is None:
        notes.append("party screening not run (no screener): names, companies and payees were not checked "
                     "against the lists")
    if network is None and screener is not None:
        notes.append("ORG-03 used party screening of the company and agency names only; give a network analysis "
                     "of registry records (--network-records) to find ownership and proximity links")
    elif network is None:
        notes.append("ORG-03 not evaluated: no party screening and no network analysis (--network-records)")
    problem_list = sorted(problems.problems, key=lambda p: (p.file or "", p.line or 0))
    return WorkerScreening(alerts=alerts, clusters=summaries, problems=problem_list, stats=stats, notes=notes)

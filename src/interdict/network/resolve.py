"""Entity resolution: registry entities linked to list entities and to each other, with evidence.

* **Against the lists** (:func:`match_lists`): every party is screened by name (each of its names,
  Chinese and Latin), schema, countries and identifiers through a screener with the
  :mod:`interdict.screening` shape (``screen(query, schema=, countries=, identifiers=) ->
  result.results[Match]``). Screening is cached by normalised name. A match above the threshold
  makes the party designated (basis ``match``), with the screener's explanations as evidence.
* **Within the registry** (:func:`propose_merges`): candidate pairs come from shared blocking keys
  (registration number / USCC, distinctive name core in pinyin or English, phone, e-mail, website,
  address); each pair gets a noisy-OR score over its evidence. Keys shared by too many entities are
  not used to propose pairs.
* **Decisions** (:class:`Decisions`): an analyst accepts or rejects a proposed link; decisions are
  appended to a JSON lines file (``$INTERDICT_HOME/network/decisions.jsonl``), the latest decision
  about a pair wins, and :func:`apply_merges` merges accepted registry pairs before analysis.
  Rejected list matches are not used; accepted ones designate the party whatever its score.
"""

from __future__ import annotations

import itertools
import json
import os
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from followthemoney.proxy import EntityProxy

from interdict.config import data_home
from interdict.exc import InvalidInput

from .graph import Designation
from .loader import Inputs
from .normalize import address_key, name_key, norm_email, norm_identifier, norm_phone, norm_website

__all__ = [
    "Screener", "ResolutionLink", "Decisions", "match_lists", "propose_merges", "apply_merges",
    "party_names", "is_dprk_list_entity",
]

PARTY_SCHEMATA = ("Company", "Organization", "LegalEntity", "Person", "PublicBody")


class Screener(Protocol):
    def screen(self, query: Any, **kwargs: Any) -> Any: ...


@dataclass
class ResolutionLink:
    """A proposed link: the same party in two records, or a registry party on a list."""

    left: str
    right: str
    score: float
    kind: str  # "list-match" or "same-entity"
    evidence: dict[str, Any] = field(default_factory=dict)
    decision: str | None = None  # accept / reject / None (pending)
    right_caption: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}


def _pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a <= b else (b, a)


class Decisions:
    """Accept/reject decisions on proposed links, persisted as JSON lines (latest per pair wins)."""

    def __init__(self, path: str | Path | None = None):
        self.path = Path(path) if path else data_home() / "network" / "decisions.jsonl"
        self._latest: dict[tuple[str, str], dict[str, Any]] = {}
        self._load()

    def _load(self) -> None:
        if not self.path.exists():
            return
        with self.path.open(encoding="utf-8", errors="replace") as fh:
            for line in fh:
                try:
                    rec = json.loads(line)
                    self._latest[_pair(rec["left"], rec["right"])] = rec
                except (json.JSONDecodeError, KeyError, TypeError):
                    continue  # a torn line from an interrupted write is skipped

    def record(self, left: str, right: str, decision: str, by: str | None = None, note: str | None = None) -> dict:
        if decision not in ("accept", "reject"):
            raise InvalidInput(f"decision must be 'accept' or 'reject', not {decision!r}")
        if not left or not right or left == right:
            raise InvalidInput("a decision needs two different entity ids")
        rec = {"left": left, "right": right, "decision": decision, "by": by or os.environ.get("USER") or "analyst",
               "at": datetime.now(UTC).isoformat(timespec="seconds"), "note": note}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
        self._latest[_pair(left, right)] = rec
        return rec

    def get(self, left: str, right: str) -> str | None:
        rec = self._latest.get(_pair(left, right))
        return rec["decision"] if rec else None

    def accepted(self) -> list[tuple[str, str]]:
        return [k for k, v in self._latest.items() if v["decision"] == "accept"]

    def all(self) -> list[dict[str, Any]]:
        return list(self._latest.values())


def party_names(proxy: EntityProxy) -> list[str]:
    names: list[str] = []
    for prop in ("name", "alias", "previousName", "weakAlias"):
        for value in proxy.get(prop, quiet=True):
            if value and value not in names:
                names.append(value)
    return names


def is_dprk_list_entity(entity_id: str, programs: Iterable[str] = ()) -> bool:
    if entity_id.startswith("un_sc-KP"):
        return True
    return any("DPRK" in p.upper() or "KOREA" in p.upper() or "NKSPEA" in p.upper() for p in programs)


def _identifiers(proxy: EntityProxy) -> list[str]:
    out = []
    for prop in ("registrationNumber", "uscCode", "taxNumber", "idNumber", "imoNumber", "passportNumber"):
        out.extend(v for v in proxy.get(prop, quiet=True) if v)
    return out


def match_lists(
    entities: Iterable[EntityProxy],
    screener: Screener,
    threshold: float = 0.8,
    decisions: Decisions | None = None,
    cache: dict[Any, Any] | None = None,
    person_threshold: float = 0.92,
    skip_ids: set[str] | None = None,
) -> tuple[dict[str, Designation], list[ResolutionLink], list[str]]:
    """Screen each party; returns (designations by entity id, every proposed link, warnings)."""
    cache = {} if cache is None else cache
    skip_ids = skip_ids or set()
    designations: dict[str, Designation] = {}
    links: list[ResolutionLink] = []
    warnings: list[str] = []
    for proxy in entities:
        if proxy.id in skip_ids or proxy.schema.name not in PARTY_SCHEMATA:
            continue
        schema = "Person" if proxy.schema.is_a("Person") else "Organization"
        countries = sorted(set(proxy.get("country", quiet=True)) | set(proxy.get("nationality", quiet=True))
                           | set(proxy.get("jurisdiction", quiet=True)))
        identifiers = _identifiers(proxy)
        best: dict[str, ResolutionLink] = {}
        for name in party_names(proxy):
            key = (" ".join(name.lower().split()), schema, tuple(countries), tuple(identifiers))
            if key not in cache:
                try:
                    cache[key] = screener.screen(name, schema=schema, countries=countries or None,
                                                 identifiers=identifiers or None)
                except Exception as exc:  # a screener failure must not stop the analysis
                    warnings.append(f"screening {name!r} failed: {exc}")
                    cache[key] = None
            result = cache[key]
            for match in getattr(result, "results", None) or []:
                score = float(getattr(match, "score", 0.0) or 0.0)
                mid = getattr(match, "id", None)
                if not mid or score < min(threshold, 0.5):
                    continue
                link = ResolutionLink(
                    left=proxy.id, right=mid, score=round(score, 4), kind="list-match",
                    right_caption=getattr(match, "caption", None),
                    evidence={
                        "query": name, "matched_name": getattr(match, "matched_name", None),
                        "explanations": _jsonable(getattr(match, "explanations", None)),
                        "programs": list(getattr(match, "programs", None) or []),
                        "source": getattr(match, "source", None),
                        "screener_match": bool(getattr(match, "match", False)),
                        "dprk": bool(getattr(match, "dprk", False)),
                    },
                )
                if mid not in best or best[mid].score < link.score:
                    best[mid] = link
        for mid, link in best.items():
            link.decision = decisions.get(proxy.id, mid) if decisions else None
            links.append(link)
            # our own thresholds decide, not the screener's match flag: a person's name alone
            # (Wang Lei, Ri Song Il) is common, so persons need a higher score than companies
            needed = person_threshold if proxy.schema.is_a("Person") else threshold
            accepted = link.decision == "accept" or (link.decision != "reject" and link.score >= needed)
            if not accepted:
                continue
            current = designations.get(proxy.id)
            if current is None or current.score < link.score or link.decision == "accept":
                programs = link.evidence.get("programs") or []
                designations[proxy.id] = Designation(
                    entity_id=proxy.id, basis="decision" if link.decision == "accept" else "match",
                    list_id=mid, caption=link.right_caption, score=1.0 if link.decision == "accept" else link.score,
                    programs=programs, source=link.evidence.get("source"), evidence=link.evidence,
                    dprk=bool(link.evidence.get("dprk")) or is_dprk_list_entity(mid, programs),
                )
    return designations, links, warnings


def _jsonable(value: Any) -> Any:
    if value is None:
        return None
    try:
        json.dumps(value, default=str)
        return json.loads(json.dumps(value, default=str))
    except (TypeError, ValueError):
        return str(value)


# --- within the registry ----------------------------------------------------------------------------

_KEY_WEIGHTS = {"regno": 0.95, "name": 0.6, "email": 0.5, "website": 0.45, "phone": 0.4, "address": 0.3}


def _keys(proxy: EntityProxy) -> dict[str, set[str]]:
    keys: dict[str, set[str]] = defaultdict(set)
    for prop in ("registrationNumber", "uscCode", "taxNumber", "innCode", "ogrnCode", "leiCode"):
        for v in proxy.get(prop, quiet=True):
            if (k := norm_identifier(v)):
                keys["regno"].add(k)
    for name in party_names(proxy):
        if (k := name_key(name)):
            keys["name"].add(k)
    for v in proxy.get("email", quiet=True):
        if (k := norm_email(v)):
            keys["email"].add(k)
    for v in proxy.get("website", quiet=True):
        if (k := norm_website(v)):
            keys["website"].add(k)
    for v in proxy.get("phone", quiet=True):
        if (k := norm_phone(v)):
            keys["phone"].add(k)
    for v in proxy.get("address", quiet=True):
        if (k := address_key(v)):
            keys["address"].add(k)
    return keys


def propose_merges(
    entities: Iterable[EntityProxy], threshold: float = 0.55, max_block: int = 30,
    decisions: Decisions | None = None,
) -> list[ResolutionLink]:
    """Pairs of registry records that look like one party (same schema family), with evidence and score.

    A pair needs a distinctive name match or the same registration number; shared contact details
    alone are links for the proximity analysis, not merges.
    """
    parties = [p for p in entities if p.schema.name in PARTY_SCHEMATA]
    keys = {p.id: _keys(p) for p in parties}
    person = {p.id: p.schema.is_a("Person") for p in parties}
    blocks: dict[tuple[str, str], list[str]] = defaultdict(list)
    for pid, kv in keys.items():
        for kind, vals in kv.items():
            for v in vals:
                blocks[(kind, v)].append(pid)
    candidates: set[tuple[str, str]] = set()
    for (kind, _), members in blocks.items():
        if kind not in ("regno", "name") or len(members) < 2 or len(members) > max_block:
            continue
        for a, b in itertools.combinations(sorted(members), 2):
            if person[a] == person[b]:
                candidates.add((a, b))
    out: list[ResolutionLink] = []
    for a, b in sorted(candidates):
        shared = {kind: sorted(keys[a].get(kind, set()) & keys[b].get(kind, set())) for kind in _KEY_WEIGHTS}
        shared = {k: v for k, v in shared.items() if v}
        miss = 1.0
        for kind in shared:
            miss *= 1.0 - _KEY_WEIGHTS[kind]
        score = 1.0 - miss
        # different registration numbers on both sides argue against one company
        if keys[a].get("regno") and keys[b].get("regno") and "regno" not in shared:
            score *= 0.5
            shared["conflict"] = ["different registration numbers"]
        if score < threshold:
            continue
        link = ResolutionLink(left=a, right=b, score=round(score, 4), kind="same-entity", evidence=shared)
        link.decision = decisions.get(a, b) if decisions else None
        out.append(link)
    return out


def link_trade_parties(inputs: Inputs, decisions: Decisions | None = None) -> list[tuple[str, str]]:
    """Pairs (trade party, registry party) with the same distinctive name core and no conflicting country.

    Trade records name companies without ids; when exactly one registry party has the same name core
    the shipments are attached to it (unless an analyst rejected the pair).
    """
    by_key: dict[str, list[EntityProxy]] = defaultdict(list)
    for proxy in inputs.entities.values():
        if proxy.id.startswith("trade-") or proxy.schema.name not in PARTY_SCHEMATA:
            continue
        for name in party_names(proxy):
            if (k := name_key(name)):
                by_key[k].append(proxy)
    pairs = []
    for proxy in list(inputs.entities.values()):
        if not proxy.id.startswith("trade-"):
            continue
        cands = {c.id: c for n in party_names(proxy) if (k := name_key(n)) for c in by_key.get(k, [])}
        if len(cands) != 1:
            continue
        other = next(iter(cands.values()))
        mine, theirs = set(proxy.get("country", quiet=True)), set(other.get("country", quiet=True))
        if mine and theirs and not (mine & theirs):
            continue
        if decisions is not None and decisions.get(proxy.id, other.id) == "reject":
            continue
        pairs.append((proxy.id, other.id))
    return pairs


def apply_merges(inputs: Inputs, pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Merge accepted pairs in place (union-find); references in links are rewritten. Returns old -> kept id."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.get(x, x) != x:
            x = parent[x]
        return x

    for a, b in pairs:
        if a not in inputs.entities or b not in inputs.entities:
            continue
        ra, rb = find(a), find(b)
        if ra != rb:
            keep, drop = sorted((ra, rb), key=lambda x: (x.startswith("trade-"), x))
            parent[drop] = keep
    mapping = {x: find(x) for x in parent}
    if not mapping:
        return {}
    for old, new in mapping.items():
        proxy = inputs.entities.pop(old)
        try:
            inputs.entities[new].merge(proxy)
        except Exception as exc:  # incompatible schemata (a Person and a Company): keep both
            inputs.problems.add(f"cannot merge {old} into {new}: {exc}", record=old)
            inputs.entities[old] = proxy
    for proxy in inputs.entities.values():
        for prop in proxy.schema.properties.values():
            if prop.type.name == "entity":
                vals = proxy.get(prop, quiet=True)
                if any(v in mapping for v in vals):
                    proxy.set(prop, [mapping.get(v, v) for v in vals], cleaned=True, quiet=True)
    for shipment in inputs.shipments:
        shipment.shipper_id = mapping.get(shipment.shipper_id, shipment.shipper_id)
        shipment.consignee_id = mapping.get(shipment.consignee_id, shipment.consignee_id)
    return mapping

"""Parties of a shipment: list screening with a cache, addresses shared with designated parties,
and what a party's name or address says about it (forwarder, free trade zone, residential).

* :class:`PartyScreener` wraps any object with the ``Screener.screen(name, schema=...)`` shape of
  :mod:`interdict.screening` and caches results by normalised name, because trade data repeats the
  same shippers and consignees endlessly. The cache is bounded (LRU), so memory stays flat.
* :class:`AddressIndex` holds the normalised addresses of designated parties (from
  ``interdict.store.open_store().iter_entities()`` or any iterable) and finds a party address that is
  one of them (TP-02: designated Dandong traders share buildings).
"""

from __future__ import annotations

import re
import unicodedata
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Protocol

__all__ = [
    "PartyHit",
    "PartyScreener",
    "AddressIndex",
    "AddressHit",
    "normalize_name",
    "normalize_address",
    "has_keyword",
]


class _ScreenerLike(Protocol):  # pragma: no cover - typing only
    def screen(self, query: Any, **kwargs: Any) -> Any: ...


_NAME_PUNCT = re.compile(r"[\s\.,;:'\"()\[\]{}\-_/\\&]+")
_DIGIT_ALPHA = re.compile(r"(\d)([a-z])")
_ALPHA_DIGIT = re.compile(r"([a-z])(\d)")
_ADDRESS_SPLIT = re.compile(r"[^0-9a-z\u4e00-\u9fff]+")


def normalize_name(name: str) -> str:
    """Cache key for a party name: case-folded, accents and punctuation removed, spaces collapsed."""
    text = unicodedata.normalize("NFKC", name).casefold()
    text = _NAME_PUNCT.sub(" ", text)
    return text.strip()


@dataclass(frozen=True)
class PartyHit:
    """One list match of one party name (a flat copy of the screening ``Match`` fields we use)."""

    id: str
    caption: str
    score: float
    match: bool
    source: str = ""
    schema: str = ""
    matched_name: str | None = None
    programs: tuple[str, ...] = ()
    dprk: bool = False

    def to_dict(self) -> dict[str, Any]:
        out = {"id": self.id, "caption": self.caption, "score": round(self.score, 3), "match": self.match,
               "source": self.source or None, "matched_name": self.matched_name,
               "programs": list(self.programs) or None, "dprk": self.dprk or None}
        return {k: v for k, v in out.items() if v is not None}


class PartyScreener:
    """Screens party names with an injectable screener; results cached by normalised name.

    ``screener`` is anything with ``screen(name, schema=..., ...) -> result`` where ``result.results``
    is a list of objects with ``id, caption, score, match`` (and optionally ``source, schema,
    matched_name, programs, dprk``) — :class:`interdict.screening.Screener` or a test fake.
    """

    def __init__(self, screener: _ScreenerLike, *, min_score: float = 0.5, cache_size: int = 200_000,
                 limit: int = 3) -> None:
        self.screener = screener
        self.min_score = min_score
        self.cache_size = cache_size
        self.limit = limit
        self._cache: OrderedDict[tuple[str, str], tuple[PartyHit, ...]] = OrderedDict()
        self._raw: dict[tuple[str, str], tuple[PartyHit, ...]] = {}  # exact spelling -> hits
        self.calls = 0
        self.hits = 0
        self.errors = 0
        self.last_error: str | None = None

    def screen(self, name: str | None, schema: str = "LegalEntity") -> tuple[PartyHit, ...]:
        """List matches for ``name`` with score >= ``min_score``, best first (empty for junk)."""
        if not name or not isinstance(name, str):
            return ()
        raw = self._raw.get((name, schema))
        if raw is not None:
            self.hits += 1
            return raw
        key = (normalize_name(name[:300]), schema)
        if len(key[0]) < 2:
            return ()
        cached = self._cache.get(key)
        if cached is not None:
            self.hits += 1
            self._cache.move_to_end(key)
            self._remember_raw(name, schema, cached)
            return cached
        self.calls += 1
        try:
            result = self._call(name[:300], schema)
            hits = tuple(self._hits(result))
        except Exception as exc:  # noqa: BLE001 - one bad name must not stop a file of shipments
            self.errors += 1
            self.last_error = f"{type(exc).__name__}: {exc}"
            hits = ()
        self._cache[key] = hits
        if len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)
        self._remember_raw(name, schema, hits)
        return hits

    def _remember_raw(self, name: str, schema: str, hits: tuple[PartyHit, ...]) -> None:
        if len(self._raw) >= self.cache_size:
            self._raw.clear()  # bounded: start again rather than grow
        self._raw[(name, schema)] = hits

    def _call(self, name: str, schema: str) -> Any:
        try:
            return self.screener.screen(name, schema=schema, limit=self.limit, explain_results=False)
        except TypeError:  # a screener without those keywords
            return self.screener.screen(name, schema=schema)

    def _hits(self, result: Any) -> Iterable[PartyHit]:
        for m in getattr(result, "results", None) or []:
            score = float(getattr(m, "score", 0.0) or 0.0)
            if score < self.min_score:
                continue
            yield PartyHit(
                id=str(getattr(m, "id", "")),
                caption=str(getattr(m, "caption", "") or getattr(m, "id", "")),
                score=score,
                match=bool(getattr(m, "match", False)),
                source=str(getattr(m, "source", "") or ""),
                schema=str(getattr(m, "schema", "") or ""),
                matched_name=getattr(m, "matched_name", None),
                programs=tuple(getattr(m, "programs", None) or ()),
                dprk=bool(getattr(m, "dprk", False)),
            )

    def stats(self) -> dict[str, Any]:
        total = self.calls + self.hits
        return {"screened_names": self.calls, "cache_hits": self.hits,
                "cache_hit_rate": round(self.hits / total, 4) if total else None, "errors": self.errors,
                "last_error": self.last_error}


# ------------------------------------------------------------------------------------ addresses

_ABBREV = {
    "rd": "road", "st": "street", "str": "street", "ave": "avenue", "av": "avenue", "bldg": "building",
    "blvd": "boulevard", "no": "", "num": "", "nr": "", "rm": "room", "fl": "floor", "flr": "floor",
    "lu": "road", "jie": "street", "dao": "road", "zhonglu": "middle road", "zhong": "middle", "dist": "district",
    "qu": "district", "shi": "city", "sheng": "province", "prov": "province", "ste": "suite", "apt": "apartment",
}
_STOP = {
    "road", "street", "avenue", "building", "district", "city", "province", "room", "floor", "unit", "suite",
    "china", "prc", "peoples", "republic", "of", "the", "korea", "north", "dprk", "and", "a", "co", "ltd",
    "middle", "east", "west", "south", "town", "county", "village", "area", "zone", "apartment",
    "democratic", "liaoning", "jilin", "tower", "block", "lane", "section",
}


def normalize_address(text: str) -> tuple[str, ...]:
    """Address tokens: case-folded ASCII, abbreviations expanded ("Rd" -> "road"), "99-3" -> "99 3"."""
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.casefold()
    text = _DIGIT_ALPHA.sub(r"\1 \2", text)
    text = _ALPHA_DIGIT.sub(r"\1 \2", text)
    out: list[str] = []
    for tok in _ADDRESS_SPLIT.split(text):
        if not tok:
            continue
        tok = _ABBREV.get(tok, tok)
        if tok:
            out.extend(tok.split())
    return tuple(out)


@dataclass(frozen=True)
class AddressHit:
    entity_id: str
    caption: str
    address: str
    overlap: float

    def to_dict(self) -> dict[str, Any]:
        return {"entity_id": self.entity_id, "caption": self.caption, "listed_address": self.address,
                "overlap": round(self.overlap, 3)}


@dataclass
class AddressIndex:
    """Designated parties' addresses, looked up by shared rare words and then compared token-wise.

    Entries are keyed by their longest number. A party address "is" a listed address when every number of the listed street address appears in it
    and at least ``min_overlap`` of the listed address's distinctive tokens (street words, numbers,
    building names) do too, with at least three distinctive tokens to compare. A city or country alone
    never matches.
    """

    min_overlap: float = 0.85
    _entries: list[tuple[frozenset[str], frozenset[str], str, str, str]] = field(default_factory=list)
    _by_word: dict[str, list[int]] = field(default_factory=dict)
    _cache: OrderedDict[str, AddressHit | None] = field(default_factory=OrderedDict)

    def add(self, address: str, entity_id: str, caption: str) -> None:
        tokens = normalize_address(address)
        distinctive = frozenset(t for t in tokens if t not in _STOP)
        numbers = frozenset(t for t in distinctive if t.isdigit())
        words = [t for t in distinctive if not t.isdigit() and len(t) > 2]
        if len(distinctive) < 3 or not numbers or not words:
            return  # too vague to say two parties share it
        pos = len(self._entries)
        self._entries.append((distinctive, numbers, address, entity_id, caption))
        # keyed by (longest number, word): a query must contain that number and share a street word
        longest = max(numbers, key=len)
        for w in words:
            self._by_word.setdefault(f"{longest}|{w}", []).append(pos)

    def __len__(self) -> int:
        return len(self._entries)

    @classmethod
    def from_entities(cls, entities: Iterable[Any], *, dprk_only: bool = False) -> AddressIndex:
        """Collect addresses of list entities (FtM proxies): their ``address`` values and Address
        entities' ``full`` values, attributed to the entity id (or the owner of an Address entity)."""
        index = cls()
        for ent in entities:
            try:
                schema = getattr(getattr(ent, "schema", None), "name", "") or ""
                if schema in ("Sanction", "Identification", "Passport", "Ownership", "Directorship",
                              "Membership", "Family", "Associate", "UnknownLink", "Occupancy", "Position"):
                    continue
                values: list[str] = []
                for prop in ("address", "full"):
                    try:
                        values.extend(ent.get(prop) or [])
                    except Exception:  # noqa: BLE001 - property not in schema
                        pass
                caption = getattr(ent, "caption", None) or ent.id
                for value in values:
                    index.add(value, str(ent.id), str(caption))
            except Exception:  # noqa: BLE001 - one odd entity must not stop the index
                continue
        return index

    @classmethod
    def from_store(cls, store: Any = None) -> AddressIndex:
        """Addresses of the current list versions in the store (``interdict.store``)."""
        if store is None:
            from interdict.store import open_store

            store = open_store(read_only=True)
        return cls.from_entities(store.iter_entities())

    def lookup(self, address: str | None) -> AddressHit | None:
        if not address or not self._entries:
            return None
        key = address[:500]
        if key in self._cache:
            self._cache.move_to_end(key)
            return self._cache[key]
        hit = self._lookup(set(normalize_address(key)))
        self._cache[key] = hit
        if len(self._cache) > 100_000:
            self._cache.popitem(last=False)
        return hit

    def _lookup(self, tokens: set[str]) -> AddressHit | None:
        candidates: set[int] = set()
        numbers = [t for t in tokens if t.isdigit()]
        if not numbers:
            return None
        words = [t for t in tokens if not t.isdigit() and len(t) > 2 and t not in _STOP]
        for n in numbers:
            for w in words:
                hit = self._by_word.get(f"{n}|{w}")
                if hit:
                    candidates.update(hit)
        best: AddressHit | None = None
        for pos in candidates:
            distinctive, numbers, address, eid, caption = self._entries[pos]
            if not numbers <= tokens:
                continue
            overlap = len(distinctive & tokens) / len(distinctive)
            if overlap >= self.min_overlap and (best is None or overlap > best.overlap):
                best = AddressHit(eid, caption, address, overlap)
        return best


@lru_cache(maxsize=256)
def _keyword_re(keywords: tuple[str, ...]) -> re.Pattern[str] | None:
    latin = sorted({k.casefold() for k in keywords if k and not _HAN.search(k)}, key=len, reverse=True)
    han = sorted({k for k in keywords if k and _HAN.search(k)}, key=len, reverse=True)
    parts = []
    if latin:
        parts.append(r"(?<![a-z0-9])(?:" + "|".join(re.escape(k) for k in latin) + r")(?![a-z0-9])")
    if han:
        parts.append("|".join(re.escape(k) for k in han))
    return re.compile("|".join(parts)) if parts else None


_HAN = re.compile(r"[\u4e00-\u9fff]")


_KW_BY_ID: dict[int, tuple[object, re.Pattern[str] | None]] = {}


def has_keyword(text: str | None, keywords: Iterable[str]) -> str | None:
    """The first keyword found in ``text`` (word-bounded for Latin, substring for Chinese), or None."""
    if not text:
        return None
    known = _KW_BY_ID.get(id(keywords))
    if known is not None and known[0] is keywords:
        pattern = known[1]
    else:
        pattern = _keyword_re(tuple(keywords))
        if isinstance(keywords, list | tuple) and len(_KW_BY_ID) < 1024:
            _KW_BY_ID[id(keywords)] = (keywords, pattern)  # keeps the list alive, so the id stays valid
    if pattern is None:
        return None
    m = pattern.search(text.casefold())
    return m.group(0) if m else None

"""Parts of romanised company names: place prefix, trade name, industry words.

"DANDONG HONGXIANG INDUSTRIAL DEVELOPMENT" -> place "dandong", trade name "hongxiang",
industry "industrial development"; "KOREA KWANGSON BANKING" -> "korea" / "kwangson" / "banking".
The Hanzi and Hangul parsers know the parts from the script; this gives list names written in
Latin letters the same parts, so that a matching trade name can count for more than a matching
city or a matching "Trading" on both sides of a comparison.

Vocabulary: the English and pinyin spellings of the Chinese place table, the place words of the
Korean table (Korea, DPRK, Pyongyang...) with their romanisations (Choson, Chosun, Joson), and the
industry words of both tables plus their common English variants.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from interdict.names.chinese import _read_table
from interdict.names.korean import _org_words_rows, romanize_word
from interdict.names.tokenize import latin_tokens

__all__ = ["OrgParts", "split_org_parts", "place_words", "industry_words"]

_EXTRA_INDUSTRY = """
banking trading trade traders industrial industries industry development developing technology technologies
tech electronics electronic import imports export exports imp exp international intl logistics shipping shpg
marine maritime navigation transport transportation freight forwarding group investment investments holdings
holding energy petroleum oil gas chemical chemicals mining minerals mineral machinery machine equipment
construction engineering steel metal metals materials textile textiles garment food foods fishery fisheries
pharmaceutical pharmaceuticals network information software communication communications agency consulting
consultants management services service commercial economic hardware electric electrical automobile bank
insurance finance financial enterprise enterprises manufacturing general credit joint venture cooperation
products supply supplies resources commerce metallic material metal
""".split()
_EXTRA_PLACES = ["dprk", "choson", "chosun", "joson", "hong kong", "hongkong", "prc", "north korea"]


@dataclass(frozen=True, slots=True)
class OrgParts:
    """Space-joined tokens of each part (each part is made of the name's own tokens)."""

    place: str | None
    trade_name: str | None
    industry: str | None


@lru_cache(maxsize=1)
def place_words() -> frozenset[tuple[str, ...]]:
    """Token tuples that open company names as a place (dandong, hong kong, korea...)."""
    out: set[tuple[str, ...]] = set()
    for _hanzi, english in _read_table("chinese_places.csv"):
        toks = latin_tokens(english)
        if toks:
            out.add(toks)
            out.add(("".join(toks),))
    for hangul, english, _legal, place in _org_words_rows():
        if place:
            out.add(latin_tokens(english))
            for system in ("dprk", "mr", "rr"):
                out.add((romanize_word(hangul, system),))
    for extra in _EXTRA_PLACES:
        out.add(latin_tokens(extra))
    out.discard(())
    return frozenset(out)


def _industry_rows() -> list[dict[str, str]]:
    text = (
        resources.files("interdict.names").joinpath("data/chinese_industry.csv").read_text(encoding="utf-8")
    )
    return list(csv.DictReader(line for line in text.splitlines() if line and not line.startswith("#")))


@lru_cache(maxsize=1)
def industry_words() -> frozenset[str]:
    """Single tokens that are industry or activity words (trading, industrial, shipping, bank...)."""
    out: set[str] = set(_EXTRA_INDUSTRY)
    for row in _industry_rows():
        out.update(latin_tokens(row["english"]))
        out.add(row["pinyin"])  # shiye, fazhan, maoyi (precomputed: no pypinyin for Latin names)
    for hangul, english, _legal, place in _org_words_rows():
        if english and not place:
            out.update(latin_tokens(english))
            for system in ("dprk", "mr", "rr"):
                out.add(romanize_word(hangul, system))  # unhaeng, muyok
    out.discard("and")
    return frozenset(out)


@lru_cache(maxsize=50_000)
def split_org_parts(tokens: tuple[str, ...]) -> OrgParts | None:
    """Place prefix, trade name and industry words of a company name's tokens (legal form removed).

    None when neither a place prefix nor an industry word is found (no parts to tell apart).
    """
    if len(tokens) < 2:
        return None
    places = place_words()
    industries = industry_words()
    i = 0
    place: list[str] = []
    for _ in range(2):
        for size in (3, 2, 1):
            if i + size < len(tokens) and tokens[i : i + size] in places:
                place.extend(tokens[i : i + size])
                i += size
                break
        else:
            break
    j = len(tokens)
    while j > i and (tokens[j - 1] in industries or (tokens[j - 1] == "and" and j < len(tokens))):
        j -= 1
    while j < len(tokens) and tokens[j] == "and":
        j += 1
    industry = tokens[j:]
    trade = tokens[i:j]
    if not place and not industry:
        return None
    return OrgParts(" ".join(place) or None, " ".join(trade) or None, " ".join(industry) or None)

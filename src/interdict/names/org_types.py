"""Legal forms (Co., Ltd., LLC, JSC, 有限公司, 주식회사, ООО...) found, removed and normalised.

Our own table (``data/legal_forms.yml``) gives the canonical forms the lists need ("co ltd",
"llc", "jsc", "corp"...), keeps "Co., Ltd." apart from "Corp." and "Inc." (rigour's generic mode
folds them all into "llc", which loses evidence), and knows the romanised Chinese and Korean forms.
Anything our table lacks (Kft, Oy, Sp. z o.o., ...) falls back to rigour's org-type database
(``rigour.names.org_types``, ISO 20275 based), which does that job well.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml

from interdict.names.tokenize import latin_tokens

__all__ = [
    "LegalForm",
    "legal_forms",
    "strip_legal_form",
    "legal_form_family",
    "cjk_legal_forms",
    "legal_forms_compatible",
    "inner_legal_form",
]


@dataclass(frozen=True)
class LegalForm:
    canonical: str
    family: str
    at_start: bool
    at_end: bool


@lru_cache(maxsize=1)
def _table() -> tuple[dict[tuple[str, ...], LegalForm], dict[str, LegalForm], dict[str, str], int]:
    text = resources.files("interdict.names").joinpath("data/legal_forms.yml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    latin: dict[tuple[str, ...], LegalForm] = {}
    cjk: dict[str, LegalForm] = {}
    families: dict[str, str] = {}
    longest = 1
    for canonical, spec in data.items():
        at = set(spec.get("at", ["end"]))
        form = LegalForm(canonical, spec.get("family", "other"), "start" in at, "end" in at)
        families[canonical] = form.family
        for alias in [canonical, *spec.get("aliases", [])]:
            toks = latin_tokens(alias)
            if toks:
                latin.setdefault(toks, form)
                longest = max(longest, len(toks))
        for alias in spec.get("cjk", []) or []:
            cjk.setdefault(alias, form)
    return latin, cjk, families, longest


def legal_forms() -> dict[str, str]:
    """Canonical legal form -> family ("limited", "stock", "corp", "partnership")."""
    return dict(_table()[2])


def legal_form_family(canonical: str | None) -> str | None:
    """Family of a canonical legal form; "co ltd", "ltd", "llc" and "gmbh" share "limited"."""
    if canonical is None:
        return None
    return _table()[2].get(canonical, "other")


# English-style forms that lists use to translate any company type (有限公司 and 股份有限公司 are
# both "Co., Ltd."; OFAC writes "Company" and "Corporation" for the same party): compatible with
# every other form. Only specific forms of different families contradict each other.
_GENERIC = frozenset({"co", "co ltd", "ltd", "corp", "inc", "pte ltd", "bhd", "sdn bhd"})


def legal_forms_compatible(a: str | None, b: str | None) -> bool:
    """False only when two names carry specific legal forms of different families (LLC vs JSC).

    A missing form, a generic English form (Co., Ltd., Corp., Inc.) or two forms of one family
    (LLC and GmbH) are compatible: lists translate legal forms too loosely for more.
    """
    if a is None or b is None or a == b or a in _GENERIC or b in _GENERIC:
        return True
    return legal_form_family(a) == legal_form_family(b)


def cjk_legal_forms() -> dict[str, str]:
    """CJK spelling -> canonical form, longest first (for the Chinese and Korean parsers)."""
    _, cjk, _, _ = _table()
    return {k: v.canonical for k, v in sorted(cjk.items(), key=lambda kv: -len(kv[0]))}


def _match_end(tokens: tuple[str, ...], table: dict[tuple[str, ...], LegalForm], longest: int) -> int:
    for size in range(min(longest, len(tokens) - 1), 0, -1):
        form = table.get(tokens[-size:])
        if form is not None and form.at_end:
            return size
    return 0


def _match_start(tokens: tuple[str, ...], table: dict[tuple[str, ...], LegalForm], longest: int) -> int:
    for size in range(min(longest, len(tokens) - 1), 0, -1):
        form = table.get(tokens[:size])
        if form is not None and form.at_start:
            return size
    return 0


@lru_cache(maxsize=50_000)
def strip_legal_form(
    tokens: tuple[str, ...] | str, use_rigour: bool = True
) -> tuple[tuple[str, ...], str | None]:
    """Remove the legal form at the end and/or the start (OOO/JSC/PT style) of a name.

    ``tokens`` is a tuple of :func:`~interdict.names.tokenize.latin_tokens` or a string (tokenised
    here). Returns ``(remaining tokens, canonical legal form or None)``. A name made only of a
    legal form ("Company") is left alone; a spelled-out form inside a name is written
    canonically ("Company Limited Nanchang Branch" -> "co ltd nanchang branch"), not removed.
    A misspelt legal-form word ("LMIITED LIABILITY COMPANY", "JOINT STOK COMPANY", "COPANY LTD")
    is read as the form when the corrected word then belongs to a form removed at the start or
    the end (see :func:`_legal_typos`); elsewhere in a name it stays as written.
    """
    if isinstance(tokens, str):
        tokens = latin_tokens(tokens)
    if len(tokens) < 2:
        return tokens, None
    fixed = _legal_typos(tokens)
    if fixed:
        corrected = tuple(fixed.get(i, t) for i, t in enumerate(tokens))
        rest, canonical, start, end = _strip(corrected)
        spans_ok = all(
            (i < start and (len(tokens[i]) >= 6 or start >= 2))
            or (i >= len(tokens) - end and (len(tokens[i]) >= 6 or end >= 2))
            for i in fixed
        )
        if spans_ok:
            return rest, canonical
    rest, canonical, start, end = _strip(tokens)
    if canonical is None and use_rigour and len(rest) >= 2:
        return _rigour_strip(rest)
    return rest, canonical


@lru_cache(maxsize=1)
def _legal_words() -> tuple[tuple[str, ...], frozenset[str]]:
    """The legal-form words of five letters or more, as a sequence (to search) and a set (to skip)."""
    table = _table()[0]
    words = frozenset(t for key in table for t in key if len(t) >= 5 and t.isalpha())
    return tuple(sorted(words)), words


def _legal_typos(tokens: tuple[str, ...]) -> dict[int, str]:
    """Tokens one edit (two from 9 letters) away from a legal-form word: position -> that word.

    Invoices and registries misspell the legal form more than any other part of a company name,
    and a misspelt form left in the name counts as a rare unmatched word. rigour's org-type
    matching is exact, hence this small tolerant look-up (rapidfuzz OSA over ~100 words).
    """
    from rapidfuzz import process
    from rapidfuzz.distance import OSA

    words, known = _legal_words()
    out: dict[int, str] = {}
    for i, tok in enumerate(tokens):
        if len(tok) < 4 or tok in known or not tok.isalpha():
            continue
        budget = 2 if len(tok) >= 9 else 1
        found = process.extractOne(tok, words, scorer=OSA.distance, score_cutoff=budget)
        if found is not None and abs(len(found[0]) - len(tok)) <= budget:
            out[i] = found[0]
    return out


def _strip(tokens: tuple[str, ...]) -> tuple[tuple[str, ...], str | None, int, int]:
    """(rest, canonical form, tokens removed at the start, tokens removed at the end)."""
    table, _, _, longest = _table()
    size = _match_end(tokens, table, longest)
    canonical = None
    rest = tokens
    removed_end = removed_start = 0
    if size:
        canonical = table[tokens[-size:]].canonical
        rest = tokens[:-size]
        removed_end = size
        # One more strip covers "Corporation Limited" and "Ltd Liability Company" style doubles.
        size2 = _match_end(rest, table, longest)
        if size2:
            second = table[rest[-size2:]].canonical
            rest = rest[:-size2]
            removed_end += size2
            canonical = _more_specific(canonical, second)
    # "Public Joint Stock Co. Shipbuilding Plant ... Company": a form at the start as well.
    size = _match_start(rest, table, longest)
    if size:
        canonical = _more_specific(canonical, table[rest[:size]].canonical)
        rest = rest[size:]
        removed_start = size
    return _canonical_inside(rest, table, longest), canonical, removed_start, removed_end


#: single-word legal forms that end a company's name when found inside a longer text
_INNER_SINGLE = frozenset({"co", "ltd", "corp", "inc", "llc", "jsc", "gmbh", "llp", "plc", "company",
                           "limited", "corporation", "incorporated"})


def inner_legal_form(tokens: tuple[str, ...]) -> tuple[tuple[str, ...], str] | None:
    """The name before a legal form followed by one to three more words, and that form.

    Invoices and registries write the company and then a place or unit: "Korea Ryonbong General
    Corporation, Pyongyang", "Dandong Hongxiang ... Co Ltd Liaoning", "X Co Ltd Nanchang Branch".
    The part before the form names the company (or its parent, which a screening wants too).
    ``tokens`` are as :func:`strip_legal_form` returns them (forms inside written canonically).
    """
    if len(tokens) < 3:
        return None
    table, _, _, longest = _table()
    for i in range(1, len(tokens) - 1):
        for size in range(min(longest, len(tokens) - 1 - i), 0, -1):
            piece = tokens[i : i + size]
            form = table.get(piece)
            if form is None or not form.at_end or (size == 1 and piece[0] not in _INNER_SINGLE):
                continue
            tail = tokens[i + size :]
            # "Makro Tim Limited Baikal Company": a second form in the tail makes one long name
            if len(tail) <= 3 and not any(t in _INNER_SINGLE or (t,) in table for t in tail):
                return tokens[:i], form.canonical
            return None
    return None


_SPELLED_OUT = frozenset({"company", "limited", "corporation", "incorporated"})


def _canonical_inside(
    tokens: tuple[str, ...], table: dict[tuple[str, ...], LegalForm], longest: int
) -> tuple[str, ...]:
    """Legal forms left inside a name written canonically ("X Company Limited Nanchang Branch" ->
    "x co ltd nanchang branch"), so both spellings give one text; they are not removed."""
    firsts = _first_tokens()
    if len(tokens) < 3 or not any(t in _SPELLED_OUT or t in firsts for t in tokens[1:-1]):
        return tokens
    out: list[str] = []
    i = 0
    while i < len(tokens):
        for size in range(min(longest, len(tokens) - i), 0, -1):
            piece = tokens[i : i + size]
            form = table.get(piece)
            if (
                form is not None
                and 0 < i
                and i + size < len(tokens)
                and (size > 1 or piece[0] in _SPELLED_OUT)
            ):
                out.extend(form.canonical.split())
                i += size
                break
        else:
            out.append(tokens[i])
            i += 1
    return tuple(out)


@lru_cache(maxsize=1)
def _first_tokens() -> frozenset[str]:
    return frozenset(k[0] for k in _table()[0] if len(k) > 1)


def _more_specific(a: str | None, b: str) -> str:
    """Of two legal forms found on one name, the one that says more ("jsc" over "co")."""
    if a is None:
        return b
    if {a, b} == {"co", "ltd"}:
        return "co ltd"
    if a in ("co", "ltd", "corp") and b not in ("co", "ltd", "corp"):
        return b
    return a


def _rigour_strip(tokens: tuple[str, ...]) -> tuple[tuple[str, ...], str | None]:
    """Fallback on rigour's org-type database for legal forms our table does not know."""
    from rigour.names.org_types import extract_org_types  # imported on first use (~0.3 s)

    text = " ".join(tokens)
    try:
        found = extract_org_types(text)
    except Exception:  # pragma: no cover - defensive
        return tokens, None
    for matched, target in found:
        mtoks = latin_tokens(matched)
        if not mtoks or len(mtoks) >= len(tokens):
            continue
        if len("".join(mtoks)) < 3 and len(tokens) - len(mtoks) < 2:
            # Two-letter forms (KG, EP, AS) leave one word: too likely to be a code (EP-MNQ).
            continue
        canonical = " ".join(latin_tokens(target)) or None
        if tokens[-len(mtoks) :] == mtoks:
            return tokens[: -len(mtoks)], canonical
        if tokens[: len(mtoks)] == mtoks:
            return tokens[len(mtoks) :], canonical
    return tokens, None

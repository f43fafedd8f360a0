"""Name and qualifier features: small functions that compare one query against one list entity.

Names come in as comparable forms from :mod:`interdict.names` (romanisation, pinyin, legal forms
are its job, not ours). Here a form becomes a :class:`Form`: its token keys (``token_key`` collapses
spelling variants, so equal keys mean "same word") and the weight of each token. Token weights are
inverse document frequencies from the index, so common list words (Korea, Trading, General, Bank)
count less than rare ones, and in Chinese company names the trade name counts more than the place.

Every feature returns a number in a fixed range; :data:`FEATURES` documents each one in a sentence
that completes "this fires when...", and the scorer turns the vector into a calibrated probability.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz.distance import OSA, Indel

__all__ = [
    "Form",
    "NameEvidence",
    "FEATURES",
    "make_forms",
    "token_similarity",
    "compare_forms",
    "compare_dates",
    "compare_countries",
]

#: Stable feature ids and the sentence each one's explanation uses.
FEATURES: dict[str, str] = {
    "name_match": "the best pair of names agrees token by token, weighted by how rare each token is",
    "name_info": "the matched tokens are rare on the lists, so the agreement says a lot",
    "name_exact": "a query name equals a list name after normalisation",
    "name_single_token": "one of the compared names has a single token, so agreement says less",
    "name_unmatched_query": "the query name has rare tokens that the list name lacks",
    "name_unmatched_list": "the list name has rare tokens that the query name lacks",
    "name_query_covered": "every token of a query name of two or more tokens is found in the list name "
    "(a name given in part, such as without a middle name)",
    "weak_alias": "the list name is a weak alias (a low-quality a.k.a.)",
    "legal_form_conflict": "both names carry a legal form and they differ",
    "identifier_match": "an identifier (IMO, registration number, passport, USCC, SWIFT...) is equal",
    "identifier_mismatch": "both carry an identifier of the same kind and none is equal",
    "dob_match": "birth dates agree (full date, or year when only a year is known)",
    "dob_mismatch": "both carry birth dates and they are more than a year apart",
    "country_match": "a country or nationality is shared",
    "country_mismatch": "both carry countries and none is shared",
    "schema_mismatch": "the query is a person and the list entry is not (or the reverse)",
}


@dataclass(frozen=True, slots=True)
class Form:
    """One comparable form of a name: text, token keys and their relative weights (part multipliers)."""

    text: str
    keys: tuple[str, ...]
    kind: str
    legal_form: str | None
    boosts: tuple[float, ...]  # per token: >1 trade name, <1 place prefix, 1 otherwise

    @property
    def tokens(self) -> tuple[str, ...]:
        """The written tokens (``text`` split), one per key."""
        return tuple(self.text.split(" "))


def _part_boosts(form, tokens: Sequence[str]) -> tuple[float, ...]:
    """Company parts from :mod:`interdict.names`: trade-name tokens weigh double, place and industry less."""
    place = getattr(form, "place", None)
    trade = getattr(form, "trade_name", None)
    industry = getattr(form, "industry", None)
    if not (place or trade or industry):
        return tuple(1.0 for _ in tokens)
    place_t = set(place.lower().split()) if place else set()
    trade_s = trade.lower().replace(" ", "") if trade else ""
    industry_t = set(industry.lower().split()) if industry else set()
    out = []
    for tok in tokens:
        if trade_s and len(tok) >= 2 and tok in trade_s:
            out.append(2.0)
        elif tok in place_t:
            out.append(0.5)
        elif tok in industry_t:
            out.append(0.7)
        else:
            out.append(1.0)
    return tuple(out)


def make_forms(name: str, schema: str | None = None) -> list[Form]:
    """The comparable forms of a name, with token keys; empty for a name with nothing to compare."""
    from interdict.names import comparable_forms, token_key

    forms: list[Form] = []
    seen: set[tuple[str, ...]] = set()
    try:
        raw_forms = comparable_forms(name, schema)
    except Exception:  # noqa: BLE001 - a normaliser bug on one odd name must not stop a batch
        return []
    for raw in raw_forms:
        tokens = tuple(t for t in raw.tokens if t and " " not in t)
        if not tokens:
            continue
        keys = tuple(token_key(t) or t for t in tokens)
        if keys in seen:
            continue
        seen.add(keys)
        forms.append(Form(" ".join(tokens), keys, raw.kind, raw.legal_form, _part_boosts(raw, tokens)))
    return forms


_VOWELS = frozenset("aeiouy")
#: word endings that make a variant of the same word in company names (English morphology only)
_SUFFIXES = frozenset({"s", "es", "ing", "ings", "al", "ic", "ical", "ed", "er", "ers"})


def _edit_similarity(a: str, b: str) -> float:
    """Typo tolerance: one edit for 5-6 letters, two from 7; else partial credit for long near-misses."""
    la, lb = len(a), len(b)
    shorter = min(la, lb)
    if shorter < 5:  # one letter makes another short name (chen/cheng, kim/kin, jose/jase)
        if la == lb == 4 and sorted(a) == sorted(b) and OSA.distance(a, b) == 1:
            return 0.85  # two neighbours swapped (taha/taah) is a typo, not another name
        return 0.0
    budget = 1 if shorter < 7 else 2
    dist = OSA.distance(a, b, score_cutoff=budget)
    if dist <= budget:
        return 1.0 - 0.8 * dist / max(la, lb) - 0.05 * dist
    if shorter >= 7:
        indel = Indel.normalized_similarity(a, b)
        if indel >= 0.8:
            return 0.5 * indel
    return 0.0


def token_similarity(a: str, b: str, key_a: str | None = None, key_b: str | None = None) -> float:
    """Similarity of two tokens in [0, 1], from their spelling and their ``token_key``.

    Equal spellings score 1; equal keys (a spelling variant: Ri/Lee, Jong/Chong, Mohammed/Muhamad)
    score 0.95 unless a token has no vowel (acronyms such as KKBC/GPC share keys by accident); an
    initial matches a token that starts with it at 0.6; a word and its English inflection
    (bank/banking, industry/industrial) 0.9; otherwise tokens of 4+ letters may differ
    by one edit, 8+ letters by two (insertion, deletion, substitution or swap of neighbours).
    """
    if a == b:
        return 1.0
    if key_a is not None and key_a == key_b and key_a:
        if _VOWELS.intersection(a) and _VOWELS.intersection(b):
            return 0.95
    la, lb = len(a), len(b)
    if la == 1 or lb == 1:
        return 0.6 if a[0] == b[0] else 0.0
    if min(la, lb) >= 4:
        short, long_ = (a, b) if la < lb else (b, a)
        if long_.startswith(short) and long_[len(short):] in _SUFFIXES:
            return 0.9  # bank/banking, trade/trading, industry/industries, group/groups
        stem = short[:-1]
        if short[-1] in "ye" and long_.startswith(stem) and long_[len(stem):] in ("ies", "ial", "ing", "ed", "er", "al"):
            return 0.9  # industry/industrial, company/companies, trade/trading
    best = _edit_similarity(a, b)
    if key_a is not None and key_b is not None and key_a != key_b and best < 0.9:
        best = max(best, 0.95 * _edit_similarity(key_a, key_b))
    return best


@dataclass(slots=True)
class NameEvidence:
    """The comparison of one query form with one list form."""

    score: float
    cov_query: float
    cov_list: float
    string: float
    info: float
    unmatched_query: float
    unmatched_list: float
    pairs: list[tuple[str, str, float]]


def compare_forms(
    q: Form, qw: Sequence[float], c: Form, cw: Sequence[float], cache: dict | None = None
) -> NameEvidence:
    """Align tokens one-to-one (best first) and score coverage of both names by IDF weight.

    ``qw`` and ``cw`` are the tokens' weights (IDF times part boost). The score is the harmonic
    mean of the weighted coverage of the query and of the list name, so that a list name with many
    unmatched rare tokens, or a query with an unmatched rare token, scores lower.
    """
    qk, ck = q.keys, c.keys
    qt, ct = q.tokens, c.tokens
    sims: list[tuple[float, int, int]] = []
    for i, a in enumerate(qt):
        for j, b in enumerate(ct):
            if cache is not None:
                key = (a, b)
                s = cache.get(key)
                if s is None:
                    s = token_similarity(a, b, qk[i], ck[j])
                    cache[key] = s
            else:
                s = token_similarity(a, b, qk[i], ck[j])
            if s > 0.0:
                sims.append((s, i, j))
    sims.sort(reverse=True)
    used_q: set[int] = set()
    used_c: set[int] = set()
    pairs = []
    mq = mc = 0.0
    info = 0.0
    for s, i, j in sims:
        if i in used_q or j in used_c:
            continue
        used_q.add(i)
        used_c.add(j)
        mq += qw[i] * s
        mc += cw[j] * s
        info += min(qw[i], cw[j]) * s
        pairs.append((qt[i], ct[j], round(s, 3)))
    tq = sum(qw) or 1.0
    tc = sum(cw) or 1.0
    cov_q = mq / tq
    cov_c = mc / tc
    score = 0.0 if cov_q + cov_c == 0 else 2 * cov_q * cov_c / (cov_q + cov_c)
    string = Indel.normalized_similarity("".join(qt), "".join(ct))
    if len(qt) > 1 or len(ct) > 1:
        string = max(string, Indel.normalized_similarity("".join(sorted(qt)), "".join(sorted(ct))))
    unmatched = sum(w for i, w in enumerate(qw) if i not in used_q)
    unmatched_list = sum(w for j, w in enumerate(cw) if j not in used_c)
    return NameEvidence(score, cov_q, cov_c, string, info, unmatched, unmatched_list, pairs)


def compare_dates(query: Sequence[str], candidate: Sequence[str]) -> tuple[float, float]:
    """(match, mismatch): 1.0 for an equal full date, 0.7 for an equal year; mismatch when >1 year apart."""
    if not query or not candidate:
        return 0.0, 0.0
    best = 0.0
    close = False
    for q in query:
        for c in candidate:
            if len(q) >= 10 and len(c) >= 10 and q[:10] == c[:10]:
                best = max(best, 1.0)
            elif q[:4] == c[:4]:
                # same year; a full date on both sides that differs is weaker agreement
                best = max(best, 0.4 if (len(q) >= 10 and len(c) >= 10) else 0.7)
            if abs(int(q[:4]) - int(c[:4])) <= 1:
                close = True
    return best, 0.0 if close else 1.0


def compare_countries(query: Sequence[str], candidate: Sequence[str]) -> tuple[float, float]:
    """(match, mismatch): match when a country is shared, mismatch when both have some and none is shared."""
    if not query or not candidate:
        return 0.0, 0.0
    if set(query) & set(candidate):
        return 1.0, 0.0
    return 0.0, 1.0

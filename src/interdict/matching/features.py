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

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz.distance import OSA, Indel

__all__ = [
    "Form",
    "NameEvidence",
    "FEATURES",
    "make_forms",
    "QUERY_ONLY_KINDS",
    "token_similarity",
    "compare_forms",
    "compare_dates",
    "compare_countries",
    "partial_name",
    "contained_name",
    "order_conflict",
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
    "(a name given in part: an organisation's short name, a person without a middle name)",
    "name_list_covered": "every token of a list name of two or more tokens is found in the query name, which "
    "says more (the party's name with a place, a unit or a middle name added)",
    "name_order_conflict": "the names are Korean or Chinese syllables in another order than a moved surname "
    "explains (Kim Un Jong is not Kim Jong Un)",
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


#: Forms that read a query more loosely than a list should be read: a listed "X Co Ltd Nanchang
#: Branch" or "X, Dubai" must not match every query for its parent "X", but a query naming the
#: branch should find a listed parent. The index leaves these out; queries keep them.
QUERY_ONLY_KINDS = frozenset({"before-legal-form", "before-comma"})


_ORG_SCHEMAS = frozenset({"Organization", "Company", "PublicBody", "Vessel", "Airplane"})
#: Russian, Ukrainian and Turkic patronymics (Vladimirovich, Olegovna, Ivanovych, Aliyevich, ogly)
_PATRONYMIC = re.compile(r"(?:ovich|evich|ovych|evych|ovna|evna|ivna|ichna|ogly|oglu|kyzy|qizi)$")
#: A patronymic weighs this share of its IDF: lists give it, customers and invoices often leave it
#: out, and two people of one name and one father's name are the same family, not a rare coincidence.
PATRONYMIC_WEIGHT = 0.4


def _patronymic_boosts(tokens: Sequence[str], boosts: tuple[float, ...]) -> tuple[float, ...]:
    if len(tokens) < 3:
        return boosts
    patronymic = [len(t) >= 7 and _PATRONYMIC.search(t) is not None for t in tokens]
    if not any(patronymic):
        return boosts
    return tuple(b * PATRONYMIC_WEIGHT if p else b for p, b in zip(patronymic, boosts, strict=True))


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
        boosts = _part_boosts(raw, tokens)
        if schema not in _ORG_SCHEMAS:
            boosts = _patronymic_boosts(tokens, boosts)
        forms.append(Form(" ".join(tokens), keys, raw.kind, raw.legal_form, boosts))
    return forms


_VOWELS = frozenset("aeiouy")
#: word endings that make a variant of the same word in company names (English morphology only)
_SUFFIXES = frozenset({"s", "es", "ing", "ings", "al", "ic", "ical", "ed", "er", "ers"})


def _edit_similarity(a: str, b: str, short_typos: bool = False) -> float:
    """Typo tolerance: one edit for 5-6 letters, two from 7; else partial credit for long near-misses."""
    la, lb = len(a), len(b)
    shorter = min(la, lb)
    if shorter < 5:  # one letter makes another short name (chen/cheng, kim/kin, jose/jase)
        if la == lb == 4 and sorted(a) == sorted(b) and OSA.distance(a, b) == 1:
            return 0.85  # two neighbours swapped (taha/taah) is a typo, not another name
        if short_typos and la == lb == 3 and a[0] == b[0] and sorted(a) == sorted(b) and OSA.distance(a, b) == 1:
            return 0.75  # sok/sko: the last two letters swapped, in a word the lists do not have
        if short_typos and shorter == 4 and abs(la - lb) == 1 and a[0] == b[0] and a[-1] == b[-1] and OSA.distance(a, b) == 1:
            # a letter dropped or added inside a five-letter word (matuq/mtuq, kaina/kina, ryong/ryng)
            # is the commonest typo; at the ends it makes another name (chen/cheng), so not there,
            # and not when the caller knows both spellings as words of their own (cohen/chen)
            return 0.8
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


def token_similarity(a: str, b: str, key_a: str | None = None, key_b: str | None = None,
                     short_typos: bool = False) -> float:
    """Similarity of two tokens in [0, 1], from their spelling and their ``token_key``.

    Equal spellings score 1; equal keys (a spelling variant: Ri/Lee, Jong/Chong, Mohammed/Muhamad)
    score 0.95 unless a token has no vowel (acronyms such as KKBC/GPC share keys by accident); an
    initial matches a token that starts with it at 0.6; a word and its English inflection
    (bank/banking, industry/industrial) 0.9; otherwise tokens of 4+ letters may differ
    by one edit, 8+ letters by two (insertion, deletion, substitution or swap of neighbours).
    ``short_typos``: also read a letter dropped inside a five-letter word as a typo (0.8); callers
    pass it only for a query word that is not itself a word on the lists.
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
    best = _edit_similarity(a, b, short_typos)
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
    #: (query position, list position) of each partner pair, in the order of ``pairs``
    positions: tuple[tuple[int, int], ...] = ()


def compare_forms(
    q: Form, qw: Sequence[float], c: Form, cw: Sequence[float], cache: dict | None = None,
    known: frozenset[str] | set[str] = frozenset(),
) -> NameEvidence:
    """Align tokens one-to-one (best first) and score coverage of both names by IDF weight.

    ``qw`` and ``cw`` are the tokens' weights (IDF times part boost); ``known`` holds the query
    keys that are words on the lists themselves (no short-word typo credit for them). The score is the harmonic
    mean of the weighted coverage of the query and of the list name, so that a list name with many
    unmatched rare tokens, or a query with an unmatched rare token, scores lower.
    """
    qk, ck = q.keys, c.keys
    qt, ct = q.tokens, c.tokens
    sims: list[tuple[float, int, int]] = []
    for i, a in enumerate(qt):
        short_typos = qk[i] not in known
        for j, b in enumerate(ct):
            if cache is not None:
                key = (a, b, short_typos)
                s = cache.get(key)
                if s is None:
                    s = token_similarity(a, b, qk[i], ck[j], short_typos)
                    cache[key] = s
            else:
                s = token_similarity(a, b, qk[i], ck[j], short_typos)
            if s > 0.0:
                sims.append((s, i, j))
    sims.sort(reverse=True)
    used_q: set[int] = set()
    used_c: set[int] = set()
    pairs = []
    mq = mc = 0.0
    info = 0.0
    positions = []
    for s, i, j in sims:
        if i in used_q or j in used_c:
            continue
        used_q.add(i)
        used_c.add(j)
        positions.append((i, j))
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
    return NameEvidence(score, cov_q, cov_c, string, info, unmatched, unmatched_list, pairs, tuple(positions))


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


def contained_name(q: Form, c: Form, ev: NameEvidence, person: bool, surname_first: bool = False) -> bool:
    """Whether the list name is found whole inside a longer query name (``name_list_covered``).

    The mirror of :func:`partial_name`: "GROUPE CONGO FUTUR" for "CONGO FUTUR", "BOJIC, Zeljko
    Radoslav" for "BOJIC, Zeljko", with the same rules for persons (the query's extra tokens are
    middle names; no Korean or Chinese syllable names). ``surname_first`` is about the query.
    """
    if len(q.keys) <= len(c.keys):
        return False
    return _found_whole(c, q, {i for i, _ in ev.positions}, ev, person, surname_first)


def partial_name(q: Form, c: Form, ev: NameEvidence, person: bool, surname_first: bool = False) -> bool:
    """Whether the query name is the list name given in part (``name_query_covered``).

    Every token of a query of two or more tokens must have a partner at 0.9 or better (equal, a
    spelling variant, an inflection). For an
    organisation that is enough (a short name). For a person (or a party of unknown kind) the list
    name's extra tokens must be middle names, neither its first nor its last token, and the names
    must not be Korean or Chinese syllables: "Michael Miller" is not "Scott Michael Miller" (another
    first name), "Michael Williams" is not "William Michael Johnson" (another surname), and
    "Li Hao" is not "Li Hao Chen" (a given name one syllable shorter). ``surname_first``: the list
    writes "SURNAME, Given Middle", so its first token (the surname) must be matched and any given
    name may be missing ("MUPENZI, Bernard" for "MUPENZI, General Pierre Bernard").
    """
    return _found_whole(q, c, {j for _, j in ev.positions}, ev, person, surname_first)


def _found_whole(inner: Form, outer: Form, outer_matched: set[int], ev: NameEvidence, person: bool,
                 surname_first: bool) -> bool:
    """Every token of ``inner`` (two or more) has a partner at 0.9 or better in ``outer``; for a
    person, ``outer``'s first and last token (its first only when ``surname_first``) are among
    those partners and neither name is made of Korean or Chinese syllables."""
    if len(inner.keys) < 2 or len(ev.pairs) != len(inner.keys) or min(p[2] for p in ev.pairs) < 0.9:
        return False
    if not person:
        return True
    n = len(outer.keys)
    if any(k not in outer_matched for k in ((0,) if surname_first else (0, n - 1))):
        return False
    from interdict.names import is_syllabic_name

    return not (is_syllabic_name(inner.tokens) or is_syllabic_name(outer.tokens))


def order_conflict(q: Form, c: Form, ev: NameEvidence) -> bool:
    """Korean or Chinese syllable names whose matched syllables are in an order no moved surname explains.

    Lists and invoices write the surname first or last (Kim Jong Un, Jong Un Kim), but the given
    name's syllables keep their order: Kim Un Jong is another person. The list positions, read in
    query order, must be a rotation of an increasing run. Only for names of three or more
    syllables; other names are reordered too freely by lists to read anything into it.
    """
    if len(ev.positions) < 3:
        return False
    from interdict.names import is_syllabic_name

    if not (is_syllabic_name(q.tokens) and is_syllabic_name(c.tokens)):
        return False
    seq = [j for _, j in sorted(ev.positions)]
    drops = sum(1 for a, b in zip(seq, seq[1:], strict=False) if b < a)
    # a rotation of an increasing run has at most one drop, and then wraps around below its start
    return drops > 1 or (drops == 1 and seq[-1] > seq[0])

"""Feature functions: token similarity, name alignment, dates, countries."""

from __future__ import annotations

import pytest

from interdict.matching.features import (
    Form,
    compare_countries,
    compare_dates,
    compare_forms,
    make_forms,
    token_similarity,
)


@pytest.mark.parametrize(
    ("a", "b", "ka", "kb", "low", "high"),
    [
        ("kim", "kim", None, None, 1.0, 1.0),
        ("jong", "chong", "cong", "cong", 0.95, 0.95),  # spelling variant by key
        ("kkbc", "gpc", "kpc", "kpc", 0.0, 0.0),  # acronyms sharing a key by accident
        ("mohammed", "mohamed", None, None, 0.85, 0.95),  # one edit
        ("salek", "salem", None, None, 0.75, 0.9),
        ("kim", "kin", None, None, 0.0, 0.0),  # short tokens must be equal
        ("j", "jong", None, None, 0.6, 0.6),  # initial
        ("j", "kim", None, None, 0.0, 0.0),
        ("hongxiang", "hongxaing", None, None, 0.8, 0.95),  # swap of neighbours
        ("abdulrahman", "abdurahmaan", None, None, 0.7, 0.9),  # two edits on a long token
        ("smith", "jones", None, None, 0.0, 0.0),
        ("bank", "banking", None, None, 0.9, 0.9),
        ("industry", "industrial", None, None, 0.9, 0.9),
        ("trade", "trading", None, None, 0.9, 0.9),
        ("chen", "cheng", None, None, 0.0, 0.0),
        ("taha", "taah", None, None, 0.85, 0.85),
        ("chen", "chan", None, None, 0.0, 0.0),
    ],
)
def test_token_similarity(a, b, ka, kb, low, high):
    s = token_similarity(a, b, ka, kb)
    assert low <= s <= high
    assert s == token_similarity(b, a, kb, ka)


def form(text: str, keys: tuple[str, ...] | None = None, legal: str | None = None) -> Form:
    toks = tuple(text.split())
    return Form(text, keys or toks, "latin", legal, tuple(1.0 for _ in toks))


def test_compare_forms_full_and_partial():
    q = form("kim jong un")
    full = compare_forms(q, (2.0, 3.0, 4.0), form("kim jong un"), (2.0, 3.0, 4.0))
    assert full.score == pytest.approx(1.0)
    partial = compare_forms(q, (2.0, 3.0, 4.0), form("kim jong sik"), (2.0, 3.0, 5.0))
    assert 0.3 < partial.score < 0.7
    assert partial.unmatched_query == pytest.approx(4.0)


def test_compare_forms_weights_rare_tokens():
    q = form("korea tangun trading")
    # sharing the rare trade name beats sharing two common words
    rare = compare_forms(q, (0.5, 6.0, 0.7), form("tangun company"), (6.0, 0.4))
    common = compare_forms(q, (0.5, 6.0, 0.7), form("korea trading ryonbong"), (0.5, 0.7, 6.0))
    assert rare.score > common.score


def test_compare_forms_order_free():
    a = compare_forms(form("jong un kim"), (3.0, 4.0, 2.0), form("kim jong un"), (2.0, 3.0, 4.0))
    assert a.score == pytest.approx(1.0)


def test_make_forms_uses_names_package():
    forms = make_forms("김정은", "Person")
    assert any(f.text == "kim jong un" for f in forms)
    assert all(len(f.keys) == len(f.tokens) == len(f.boosts) for f in forms)
    assert make_forms("!!!", None) == []


def test_make_forms_boosts_trade_name_over_place():
    forms = make_forms("丹东鸿祥实业发展有限公司", "Company")
    pinyin = next(f for f in forms if "hongxiang" in f.tokens)
    boosts = dict(zip(pinyin.tokens, pinyin.boosts, strict=True))
    assert boosts["hongxiang"] > boosts["dandong"]


@pytest.mark.parametrize(
    ("q", "c", "match", "mismatch"),
    [
        (["1984-01-08"], ["1984-01-08"], 1.0, 0.0),
        (["1984"], ["1984-01-08"], 0.7, 0.0),
        (["1985"], ["1984-01-08"], 0.0, 0.0),  # a year off: neither agreement nor contradiction
        (["1960"], ["1984-01-08"], 0.0, 1.0),
        ([], ["1984"], 0.0, 0.0),  # missing evidence costs nothing
        (["1984-02-02"], ["1984-01-08"], 0.4, 0.0),
    ],
)
def test_compare_dates(q, c, match, mismatch):
    assert compare_dates(q, c) == (match, mismatch)


@pytest.mark.parametrize(
    ("q", "c", "expected"),
    [(["kp"], ["kp", "cn"], (1.0, 0.0)), (["us"], ["kp"], (0.0, 1.0)), ([], ["kp"], (0.0, 0.0))],
)
def test_compare_countries(q, c, expected):
    assert compare_countries(q, c) == expected


@pytest.mark.parametrize(
    ("a", "b", "short_typos", "expected"),
    [
        ("mtuq", "matuq", True, 0.8),  # a letter dropped inside a five-letter word
        ("kina", "kaina", True, 0.8),
        ("chen", "cheng", True, 0.0),  # at the end it makes another name
        ("chen", "cohen", True, 0.8),  # the shape of a typo...
        ("chen", "cohen", False, 0.0),  # ...but not when the query word is a word of its own
        ("mtuq", "matuq", False, 0.0),
        ("sko", "sok", True, 0.75),  # three letters: only the last two swapped
        ("ail", "ali", False, 0.0),
    ],
)
def test_short_word_typos(a, b, short_typos, expected):
    assert token_similarity(a, b, short_typos=short_typos) == pytest.approx(expected)


def _evidence(query: str, listed: str, schema: str = "Person"):
    q, c = make_forms(query, schema)[0], make_forms(listed, schema)[0]
    return q, c, compare_forms(q, [1.0] * len(q.keys), c, [1.0] * len(c.keys))


@pytest.mark.parametrize(
    ("query", "listed", "person", "expected"),
    [
        ("Stephen Smith", "Stephen Edward Smith", True, True),  # a middle name left out
        ("Michael Miller", "Scott Michael Miller", True, False),  # another first name
        ("Michael Williams", "William Michael Johnson", True, False),  # another surname
        ("Li Hao", "Li Hao Chen", True, False),  # Chinese syllables: one fewer is another name
        ("Young Kim", "Kim Young Chol", True, False),  # Korean likewise
        ("Congo Futur", "Groupe Congo Futur", False, True),  # an organisation's short name
    ],
)
def test_partial_name(query, listed, person, expected):
    from interdict.matching.features import partial_name

    q, c, ev = _evidence(query, listed, "Person" if person else "Organization")
    assert partial_name(q, c, ev, person) is expected


def test_partial_name_surname_first_list_allows_any_given_name_missing():
    from interdict.matching.features import partial_name

    q, c, ev = _evidence("MUPENZI, Pierre", "MUPENZI, General Pierre Bernard")
    assert partial_name(q, c, ev, True, surname_first=True)
    assert not partial_name(q, c, ev, True, surname_first=False)


@pytest.mark.parametrize(
    ("query", "listed", "person", "expected"),
    [
        ("Groupe Congo Futur", "Congo Futur", False, True),
        ("Bojic Zeljko Radoslav", "Bojic Radoslav", True, True),
        ("Scott Michael Miller", "Michael Miller", True, False),  # the extra token is a first name
        ("Kim Young Chol", "Kim Young", True, False),
        ("Congo", "Congo Futur", False, False),
    ],
)
def test_contained_name(query, listed, person, expected):
    from interdict.matching.features import contained_name

    q, c, ev = _evidence(query, listed, "Person" if person else "Organization")
    assert contained_name(q, c, ev, person) is expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [("KIM UN JONG", True), ("UN JONG KIM", True), ("JONG UN KIM", False), ("KIM JONG UN", False)],
)
def test_order_conflict_korean_given_names(query, expected):
    from interdict.matching.features import order_conflict

    q = next(f for f in make_forms(query, "Person") if len(f.keys) == 3)
    c = next(f for f in make_forms("KIM JONG UN", "Person") if len(f.keys) == 3)
    ev = compare_forms(q, [1.0] * 3, c, [1.0] * 3)
    assert order_conflict(q, c, ev) is expected


def test_order_of_western_names_is_free():
    from interdict.matching.features import order_conflict

    q, c, ev = _evidence("John Paul Smith", "Paul John Smith")
    assert not order_conflict(q, c, ev)

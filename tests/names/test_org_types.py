"""Legal forms normalised across languages; acronyms."""

from __future__ import annotations

import pytest

from interdict.names import (
    acronym,
    initials,
    latin_tokens,
    legal_form_family,
    looks_like_acronym,
    strip_legal_form,
)


@pytest.mark.parametrize(
    "name, rest, legal",
    [
        ("Korea Mirae Shipping Co. Ltd", "korea mirae shipping", "co ltd"),
        ("OCEAN MARITIME MANAGEMENT COMPANY, LIMITED", "ocean maritime management", "co ltd"),
        ("Chongchongang Shipping Co LTD", "chongchongang shipping", "co ltd"),
        ("KOREA SAMMA SHIPPING CO", "korea samma shipping", "co"),
        ("KOREA KWANGSON BANKING CORPORATION", "korea kwangson banking", "corp"),
        ("KOTI CORP", "koti", "corp"),
        ("Acme Inc.", "acme", "inc"),
        ("Romashka LLC", "romashka", "llc"),
        ("OOO Romashka", "romashka", "llc"),
        ("O.O.O. Romashka", "romashka", "llc"),
        ("Sberbank PJSC", "sberbank", "jsc"),
        ("Joint Stock Company Sberbank", "sberbank", "jsc"),
        ("YUK TUNG ENERGY PTE LTD", "yuk tung energy", "pte ltd"),
        ("Siemens Aktiengesellschaft", "siemens", "ag"),
        ("Banco Nacional S.A.", "banco nacional", "sa"),
        ("DCB FINANCE LIMITED", "dcb finance", "ltd"),
        ("Acme Kft", "acme", "kft"),  # rigour fallback
    ],
)
def test_strip_legal_form(name: str, rest: str, legal: str) -> None:
    tokens, found = strip_legal_form(latin_tokens(name))
    assert (" ".join(tokens), found) == (rest, legal)


@pytest.mark.parametrize("name", ["Company", "Limited", "Co Ltd", "Bank of Korea", "Korea Co Operative Bank"])
def test_no_strip(name: str) -> None:
    tokens = latin_tokens(name)
    rest, legal = strip_legal_form(tokens)
    assert rest  # never empties a name
    if name in ("Bank of Korea", "Korea Co Operative Bank"):
        assert (rest, legal) == (tokens, None)


def test_strip_legal_form_takes_a_string() -> None:
    assert strip_legal_form("Korea Mirae Shipping Co., Ltd.") == (("korea", "mirae", "shipping"), "co ltd")


def test_families() -> None:
    assert legal_form_family("co ltd") == legal_form_family("llc") == legal_form_family("gmbh") == "limited"
    assert legal_form_family("jsc") == "stock"
    assert legal_form_family(None) is None


def test_legal_forms_compatible() -> None:
    from interdict.names import legal_forms_compatible

    assert legal_forms_compatible("co ltd", "corp")  # OFAC and UN translate loosely
    assert legal_forms_compatible("llc", "gmbh")
    assert legal_forms_compatible(None, "jsc")
    assert not legal_forms_compatible("llc", "jsc")  # OOO X and AO X are different companies


def test_acronyms() -> None:
    assert acronym("Korea Kwangson Banking Corporation") == "kkbc"
    assert acronym("Ministry of Atomic Energy Industry") == "maei"
    assert acronym("General Bureau of Atomic Energy") == "gbae"
    assert acronym("X") is None
    assert initials("Korea Kwangson Banking Corporation") == "kkbc"
    for token in ("KKBC", "GBAE", "KOMID", "OMM", "dcb"):
        assert looks_like_acronym(token), token
    for token in ("Korea", "KOREA", "bank", "x", "K1"):
        assert not looks_like_acronym(token), token


@pytest.mark.parametrize(
    "a, b",
    [
        # Legal forms inside a name (a branch) are written canonically, not removed.
        (
            "SHENZHEN YASON GENERAL MACHINERY COMPANY LIMITED NANCHANG BRANCH",
            "Shenzhen Yason General Machinery Co., Ltd. Nanchang Branch",
        ),
        # Forms at both ends, partial Russian forms.
        (
            "PUBLIC JOINT STOCK CO. SHIPBUILDING PLANT SEVERNAYA VERF",
            "PJSC SHIPBUILDING PLANT SEVERNAYA VERF",
        ),
        ("LIMITED LIABILITY COMPANY ONSINT", "ONSINT LTD LIABILITY COMPANY"),
        ("OBSHCHESTVO S OGRANICHENNOY OTVETSTVENNOSTYU MASHOIL", "MASHOIL LLC"),
        ("ALPHA IMPEX DIS TICARET LIMITED SIRKETI", "ALPHA IMPEX DIS TICARET LTD"),
    ],
)
def test_equal_after_legal_forms(a: str, b: str) -> None:
    ra, fa = strip_legal_form(latin_tokens(a))
    rb, fb = strip_legal_form(latin_tokens(b))
    assert ra == rb
    assert legal_form_family(fa) == legal_form_family(fb)


@pytest.mark.parametrize(
    ("name", "rest", "legal"),
    [
        ("LMIITED LIABILITY COMPANY ARENDOFF", ("arendoff",), "llc"),
        ("JOINT STOK COMPANY SOVCOMBANK LIFE", ("sovcombank", "life"), "jsc"),
        ("CHINA ELECTRONICS CORPORAiION", ("china", "electronics"), "corp"),
        ("PLUS TECH AUTO SUPPLY COPANY LTD.", ("plus", "tech", "auto", "supply"), "co ltd"),
        # a word near a legal form but not where forms are removed stays as written
        ("Compact Disc Company", ("compact", "disc"), "co"),
    ],
)
def test_misspelt_legal_forms_are_removed(name, rest, legal):
    assert strip_legal_form(name) == (rest, legal)


def test_inner_legal_form():
    from interdict.names.org_types import inner_legal_form

    tokens, _ = strip_legal_form("Korea Ryonbong General Corporation, Pyongyang")
    assert inner_legal_form(tokens) == (("korea", "ryonbong", "general"), "corp")
    # a second form in the tail makes one long name, not a company and a place
    assert inner_legal_form(("makro", "tim", "ltd", "baikal", "co")) is None
    from interdict.names import comparable_forms

    kinds = {f.kind for f in comparable_forms("Makro Tim Limited Baikal Company", "Company")}
    assert "before-legal-form" not in kinds

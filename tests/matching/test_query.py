"""Query cleaning: junk values are dropped with a note, never raised."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from interdict.matching.query import MAX_NAME_CHARS, clean_date, clean_identifier, clean_name, make_query

from .factory import make


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Kim Jong Un", "Kim Jong Un"),
        ("  KIM,\tJong \n Un  ", "KIM, Jong Un"),
        ("", None),
        ("   ", None),
        ("!!!", None),
        ("-- .,;", None),
        ("a", "a"),
        ("Kim\x00Jong\x1fUn", "Kim Jong Un"),
        ("\u200bKim", "Kim"),
        ("김정은", "김정은"),
        ("Kim 김정은 Ким", "Kim 김정은 Ким"),
        (None, None),
    ],
)
def test_clean_name(raw, expected):
    assert clean_name(raw) == expected


def test_clean_name_cuts_very_long_names():
    out = clean_name("Kim Jong Un " * 1000)
    assert out is not None and len(out) <= MAX_NAME_CHARS


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1984-01-08", "1984-01-08"),
        ("1984", "1984"),
        ("1984-1-8", "1984-01-08"),
        ("1984-13-01", "1984"),
        ("1984-02-40", "1984-02"),
        ("0084-01-01", None),
        ("not a date", None),
        ("", None),
        (None, None),
        (1984, "1984"),
    ],
)
def test_clean_date(raw, expected):
    assert clean_date(raw) == expected


@pytest.mark.parametrize(
    ("raw", "kind", "value", "out_kind"),
    [
        ("IMO 8660313", None, "8660313", "imoNumber"),
        ("imo8660313", None, "8660313", "imoNumber"),
        ("91210600MA0Y3XK63R", "uscCode", "91210600MA0Y3XK63R", "uscCode"),
        ("12-34", None, None, None),
        ("ABCDEFG", None, None, None),
    ],
)
def test_clean_identifier(raw, kind, value, out_kind):
    ident = clean_identifier(raw, kind)
    if value is None:
        assert ident is None
    else:
        assert ident is not None and ident.value == value and ident.kind == out_kind


def test_make_query_from_ftm_dict():
    q = make_query({"schema": "Vessel", "properties": {"name": ["CHON MA SAN"], "imoNumber": ["8660313"],
                                                       "flag": ["North Korea"], "unknownProp": ["x"]}})
    assert q.schema == "Vessel"
    assert q.names == ["CHON MA SAN"]
    assert [i.value for i in q.identifiers] == ["8660313"]
    assert q.countries == ["kp"]


def test_make_query_from_entity_and_keywords():
    entity = make("x-1", "Person", name="KIM, Jong Un", birthDate="1984-01-08", nationality="kp")
    q = make_query(entity, countries=["cn"])
    assert q.names == ["KIM, Jong Un"] and q.birth_dates == ["1984-01-08"]
    assert set(q.countries) == {"kp", "cn"}


def test_make_query_notes_junk():
    q = make_query("!!!", birth_date="2020-99-99x", countries=["Atlantis"], schema="Spaceship")
    assert q.names == []
    assert q.birth_dates == ["2020"]
    assert q.countries == []
    assert q.schema is None
    assert len(q.problems) >= 3


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_clean_name_never_raises_and_is_idempotent(text):
    out = clean_name(text)
    if out is not None:
        assert clean_name(out) == out
        assert len(out) <= MAX_NAME_CHARS


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=40))
def test_clean_date_never_raises_and_is_idempotent(text):
    out = clean_date(text)
    if out is not None:
        assert clean_date(out) == out

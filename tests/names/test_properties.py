"""Property tests: the normalisers never raise, are idempotent and stable for equivalent input."""

from __future__ import annotations

import unicodedata

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interdict.names import (
    comparable_forms,
    latin_tokens,
    legal_forms,
    loose_key,
    normalize_name,
    split_korean_given,
    split_syllables,
    strip_legal_form,
    token_key,
)
from interdict.names.forms import _forms

SCHEMAS = st.sampled_from([None, "Person", "Company", "Organization", "LegalEntity", "Vessel", "Thing", ""])
HANGUL = st.text(alphabet=st.characters(min_codepoint=0xAC00, max_codepoint=0xD7A3), min_size=1, max_size=8)
HAN = st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), min_size=1, max_size=10)
LATIN_NAME = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ -.,'’&()", max_size=60)
ANY_TEXT = st.one_of(
    st.text(max_size=80),
    LATIN_NAME,
    HANGUL,
    HAN,
    st.builds(lambda a, b, c: a + " " + b + c, LATIN_NAME, HANGUL, HAN),
)
FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _uncached(name: str, schema: str | None):
    _forms.cache_clear()
    return comparable_forms(name, schema)


@FAST
@given(ANY_TEXT, SCHEMAS)
def test_comparable_forms_never_raise_and_are_well_formed(name: str, schema: str | None) -> None:
    forms = _forms.__wrapped__(name, schema)  # call the builder itself: the public guard must not hide bugs
    for form in forms:
        assert form.text == " ".join(form.tokens)
        assert form.text.isascii() and form.text == form.text.lower()
        assert all(t and " " not in t and t.isalnum() for t in form.tokens)
        assert len(form.text) <= 2000
        for part in (form.place, form.trade_name, form.industry):
            if part is not None:
                assert part and set(part.split()) <= set(form.tokens)
    assert len({f.text for f in forms}) == len(forms)


@FAST
@given(ANY_TEXT)
def test_normalize_name_is_idempotent(name: str) -> None:
    once = normalize_name(name)
    if once is not None:
        assert normalize_name(once) == once
        assert once.isascii() and once == once.lower()


@FAST
@given(ANY_TEXT, SCHEMAS)
def test_equivalent_spellings_give_equal_forms(name: str, schema: str | None) -> None:
    base = {f.text for f in _forms.__wrapped__(name, schema)}
    nfd = unicodedata.normalize("NFD", name)
    spaced = "  " + name.replace(" ", "   ") + "\t"
    assert {f.text for f in _forms.__wrapped__(unicodedata.normalize("NFC", nfd), schema)} == base
    assert {f.text for f in _forms.__wrapped__(spaced, schema)} == base


@FAST
@given(LATIN_NAME, SCHEMAS)
def test_case_does_not_matter_for_latin_names(name: str, schema: str | None) -> None:
    # Acronym detection in brackets looks at case on purpose; compare names without brackets.
    name = name.replace("(", " ").replace(")", " ")
    upper = {f.text for f in _forms.__wrapped__(name.upper(), schema)}
    lower = {f.text for f in _forms.__wrapped__(name.lower(), schema)}
    assert upper == lower


@FAST
@given(st.text(max_size=30))
def test_token_keys_never_raise_and_are_stable(token: str) -> None:
    key = token_key(token)
    assert isinstance(key, str) and key.isascii()
    assert token_key(token.upper()) == token_key(token.lower()) or not token.isascii()
    assert isinstance(loose_key(token), str)


@FAST
@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=14))
def test_split_syllables_round_trips(token: str) -> None:
    parts = split_syllables(token)
    if parts is not None:
        assert "".join(parts) == token
        assert split_korean_given([token]) == parts


@FAST
@given(st.lists(st.text(alphabet="abcdefghijklmnopqrstuvwxyz ", max_size=12), max_size=6))
def test_strip_legal_form_never_empties_a_name(words: list[str]) -> None:
    tokens = latin_tokens(" ".join(words))
    rest, legal = strip_legal_form(tokens)
    if tokens:
        assert rest
    assert len(rest) <= len(tokens)
    # Only legal-form words are changed (removed at the ends, written canonically inside).
    canonical_words = {w for form in legal_forms() for w in form.split()}
    assert set(rest) - set(tokens) <= canonical_words


def test_ten_thousand_characters() -> None:
    for name in ("김" * 10_000, "丹" * 10_000, "a b " * 5_000, "\x00" * 10_000, "x" * 10_000 + "김정은"):
        forms = _uncached(name, None)
        assert all(len(f.text) <= 2000 for f in forms)

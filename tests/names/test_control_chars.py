"""Control characters and terminal escape sequences in names (QA: ``Kim\\x00Jong\\x07Un\\x1b[31m``)."""

from __future__ import annotations

import pytest

from interdict.names import comparable_forms
from interdict.names.tokenize import clean_text, strip_controls


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Kim\x00Jong\x07Un\x1b[31m", "Kim Jong Un"),
        ("\x1b[1;31mKim Jong Un\x1b[0m", "Kim Jong Un"),
        ("Kim Jong Un\x1b]0;title\x07", "Kim Jong Un"),
        ("Kim Jong Un\x9b2J", "Kim Jong Un"),
    ],
)
def test_escape_sequences_are_removed_whole(raw, expected):
    text, changed = strip_controls(raw)
    assert (text, changed) == (expected, True)
    assert "[" not in clean_text(raw) and "31m" not in clean_text(raw)


def test_plain_whitespace_is_not_a_control_problem():
    assert strip_controls("Kim\tJong\nUn") == ("Kim Jong Un", False)
    assert strip_controls("김정은") == ("김정은", False)


def test_comparable_form_has_no_escape_remnant():
    forms = comparable_forms("Kim\x00Jong\x07Un\x1b[31m", "Person")
    assert forms and all("31m" not in f.text and "31" not in f.tokens for f in forms)
    assert forms[0].text == comparable_forms("Kim Jong Un", "Person")[0].text

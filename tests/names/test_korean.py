"""Hangul romanisation (DPRK, MR, RR) and romanised-Korean handling, on list spellings."""

from __future__ import annotations

import pytest

from interdict.names import is_korean_surname, split_korean_given, split_syllables, surname_spellings
from interdict.names.korean import (
    decompose,
    parse_hangul_name,
    romanize_person,
    romanize_syllable,
    romanize_word,
    segment_org_word,
)


def test_decompose_by_unicode_arithmetic() -> None:
    assert decompose("가") == (0, 0, 0)
    assert decompose("김") == (0, 20, 16)  # ㄱ ㅣ ㅁ
    assert decompose("힣") == (18, 20, 27)
    assert decompose("a") is None
    assert decompose("ㄱ") is None  # a bare jamo is not a syllable


@pytest.mark.parametrize(
    "word, dprk, mr, rr",
    [
        ("평양", "phyongyang", "pyongyang", "pyeongyang"),
        ("대동강", "taedonggang", "taedonggang", "daedonggang"),
        ("조선", "joson", "choson", "joseon"),
        ("은행", "unhaeng", "unhaeng", "eunhaeng"),
        ("청진", "chongjin", "chongjin", "cheongjin"),
        ("한국어", "hangugo", "hangugo", "hangugeo"),  # linking of a final into a vowel
        ("련봉", "ryonbong", "ryonbong", "ryeonbong"),
    ],
)
def test_romanize_word(word: str, dprk: str, mr: str, rr: str) -> None:
    assert romanize_word(word, "dprk") == dprk
    assert romanize_word(word, "mr") == mr
    assert romanize_word(word, "rr") == rr


@pytest.mark.parametrize(
    "word, spelt, assimilated",
    [
        ("백마", "paekma", "paengma"),  # nasalisation (UN writes PAEKMA)
        ("금룡", "kumryong", "kumnyong"),  # ㄹ after ㅁ -> n (UN writes KUMRYONG)
        ("압록강", "aprokkang", "amnokkang"),  # UN writes Amnokkang
        ("신라", "sinra", "silla"),  # ㄴㄹ -> ll
    ],
)
def test_mr_assimilation_is_an_extra_spelling(word: str, spelt: str, assimilated: str) -> None:
    assert romanize_word(word, "mr") == spelt
    assert romanize_word(word, "mr", assimilate=True) == assimilated


def test_given_name_syllables_are_word_initial() -> None:
    assert [romanize_syllable(c, "mr") for c in "병철"] == ["pyong", "chol"]
    assert [romanize_syllable(c, "dprk") for c in "정은"] == ["jong", "un"]


@pytest.mark.parametrize(
    "surname, given, system, expected",
    [
        ("리", "병철", "dprk", ("ri", ("pyong", "chol"))),
        ("리", "병철", "rr", ("lee", ("byeong", "cheol"))),
        ("리", "병철", "mr", ("yi", ("pyong", "chol"))),
        ("최", "룡해", "dprk", ("choe", ("ryong", "hae"))),
        ("최", "룡해", "rr", ("choi", ("ryong", "hae"))),
        ("박", "봉주", "rr", ("park", ("bong", "ju"))),
        ("림", "천용", "dprk", ("rim", ("chon", "yong"))),
    ],
)
def test_romanize_person_uses_conventional_surnames(surname: str, given: str, system: str, expected) -> None:
    assert romanize_person(surname, given, system) == expected


def test_parse_hangul_name() -> None:
    assert parse_hangul_name("김정은").surname == "김"
    assert parse_hangul_name("김 정은").given == "정은"
    assert parse_hangul_name("남궁민수").surname == "남궁"  # two-syllable surname
    assert parse_hangul_name("조선광선은행", person=False).surname is None
    assert parse_hangul_name("...") is None


def test_segment_org_word() -> None:
    parts = segment_org_word("조선광선은행")
    assert [p.hangul for p in parts] == ["조선", "광선", "은행"]
    assert [p.english for p in parts] == ["korea", None, "bank"]


@pytest.mark.parametrize(
    "token, syllables",
    [
        ("jongun", ("jong", "un")),
        ("songil", ("song", "il")),
        ("sunam", ("su", "nam")),
        ("chonil", ("chon", "il")),
        ("kwangson", ("kwang", "son")),
        ("myongguk", ("myong", "guk")),
        ("pyongchol", ("pyong", "chol")),
        ("ryonghae", ("ryong", "hae")),
        ("hyokchol", ("hyok", "chol")),
    ],
)
def test_split_syllables(token: str, syllables: tuple[str, ...]) -> None:
    assert split_syllables(token) == syllables


@pytest.mark.parametrize("token", ["development", "xyz", "", "strength", "12"])
def test_split_syllables_rejects_non_korean(token: str) -> None:
    assert split_syllables(token) is None


@pytest.mark.parametrize("given", [["Jong", "Un"], ["Jong-un"], ["Jongun"], ["Jong-Un"], ["JONG UN"]])
def test_split_korean_given(given: list[str]) -> None:
    assert split_korean_given(given) == ("jong", "un")


def test_surnames() -> None:
    # A lone "I" is deliberately not read as the surname 이 (see phonetic.token_key).
    for spelling in ("ri", "Rhee", "LEE", "yi", "li"):
        assert is_korean_surname(spelling)
    assert not is_korean_surname("smith")
    assert "park" in surname_spellings("박") and "bak" in surname_spellings("Pak")
    assert surname_spellings("smith") == ()

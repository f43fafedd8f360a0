"""Hanzi to pinyin, Wade-Giles and Chinese company-name parts."""

from __future__ import annotations

import pytest

from interdict.names import parse_chinese_name, pinyin_to_wade_giles, to_pinyin


def test_to_pinyin_simplified_and_traditional() -> None:
    assert to_pinyin("丹东") == to_pinyin("丹東") == ("dan", "dong")
    assert to_pinyin("abc") == ()
    assert to_pinyin("吕") == ("lu",)  # ü written u, as lists write it


@pytest.mark.parametrize(
    "pinyin, wade_giles",
    [
        ("zhang", "chang"),
        ("xu", "hsu"),
        ("zhou", "chou"),
        ("qian", "chien"),
        ("xiang", "hsiang"),
        ("zi", "tzu"),
        ("si", "szu"),
        ("ren", "jen"),
        ("guo", "kuo"),
        ("dong", "tung"),
        ("xue liang", "hsuehliang"),
        ("zhi", "chih"),
        ("yan", "yen"),
    ],
)
def test_wade_giles(pinyin: str, wade_giles: str) -> None:
    assert pinyin_to_wade_giles(pinyin) == wade_giles


def test_company_parts() -> None:
    p = parse_chinese_name("辽宁省丹东市鸿祥贸易有限公司")
    assert p is not None and not p.person
    assert [e for _, e in p.places] == ["liaoning", "dandong"]  # 省/市 suffixes dropped
    assert p.trade == ("hong", "xiang")
    assert [e for _, e in p.industry] == ["trading"]
    assert p.legal_form == "co ltd"


def test_bracketed_place() -> None:
    p = parse_chinese_name("華信船務(香港)有限公司")
    assert p is not None
    assert [e for _, e in p.trailing_places] == ["hong kong"]
    assert p.trade == ("hua", "xin")


def test_person_and_surname_reading() -> None:
    p = parse_chinese_name("单雄信")
    assert p is not None and p.person and p.surname == ("shan",)  # not "dan"
    p = parse_chinese_name("欧阳修")
    assert p is not None and p.surname == ("ou", "yang")
    assert parse_chinese_name("有限公司") is not None  # a bare legal form is read, not dropped


def test_unreadable_characters_do_not_break() -> None:
    assert parse_chinese_name("𢋉") is None
    assert parse_chinese_name("") is None


def test_korean_reading() -> None:
    from interdict.names.chinese import korean_reading

    assert korean_reading("金正恩") == "김정은"
    assert korean_reading("金鐵三") == korean_reading("金铁三") == "김철삼"  # traditional and simplified
    assert korean_reading("龍") == "룡"  # DPRK spelling keeps the initial ㄹ
    assert korean_reading("习") is None  # not in the table: no reading rather than a wrong one

"""The hand-written tables under src/interdict/names/data are well formed and consistent."""

from __future__ import annotations

import csv
from importlib import resources

import yaml

from interdict.names import latin_tokens, token_key
from interdict.names.chinese import _read_table, to_pinyin
from interdict.names.korean import decompose, is_hangul_syllable, korean_surnames, syllable_variant_groups
from interdict.names.org_types import _table, legal_form_family

DATA = resources.files("interdict.names").joinpath("data")


def _rows(name: str) -> list[dict[str, str]]:
    text = DATA.joinpath(name).read_text(encoding="utf-8")
    return list(csv.DictReader(line for line in text.splitlines() if line and not line.startswith("#")))


def test_korean_surnames_table() -> None:
    rows = _rows("korean_surnames.csv")
    assert len(rows) >= 80
    for row in rows:
        for hangul in row["hangul"].split(";"):
            assert hangul and all(is_hangul_syllable(c) for c in hangul), row
        assert row["dprk"] and row["rok"] and row["mr"], row
    # Every spelling of a surname shares one token key.
    for hangul, spellings in korean_surnames().items():
        assert len({token_key(s) for s in spellings}) == 1, (hangul, spellings)


def test_syllable_groups_share_keys() -> None:
    for group in syllable_variant_groups():
        assert len({token_key(s) for s in group}) == 1, group


def test_legal_forms_yaml() -> None:
    data = yaml.safe_load(DATA.joinpath("legal_forms.yml").read_text(encoding="utf-8"))
    for canonical, spec in data.items():
        assert set(spec) <= {"family", "at", "aliases", "cjk"}, canonical
        assert set(spec.get("at", [])) <= {"start", "end"}, canonical
        assert legal_form_family(canonical) == spec["family"]
    latin, cjk, _, _ = _table()
    assert latin[latin_tokens("Co., Ltd.")].canonical == "co ltd"
    assert cjk["有限公司"].canonical == "co ltd"


def test_chinese_tables_read_in_pinyin() -> None:
    for name in ("chinese_places.csv", "chinese_industry.csv"):
        rows = _read_table(name)
        assert rows
        for hanzi, english in rows:
            assert to_pinyin(hanzi), hanzi  # every entry has a reading, so it can match
            assert english == english.lower() and latin_tokens(english), (hanzi, english)


def test_industry_pinyin_column_matches_pypinyin() -> None:
    for row in _rows("chinese_industry.csv"):
        assert row["pinyin"] == "".join(to_pinyin(row["hanzi"])), row


def test_hanja_readings() -> None:
    for row in _rows("hanja_readings.csv"):
        assert len(row["hangul"]) == 1 and decompose(row["hangul"]) is not None, row
        assert row["chars"] and not any(is_hangul_syllable(c) for c in row["chars"]), row


def test_korean_org_words() -> None:
    for row in _rows("korean_org_words.csv"):
        assert all(is_hangul_syllable(c) for c in row["hangul"]), row
        assert row["place"] in ("", "yes"), row

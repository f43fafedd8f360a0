"""comparable_forms on real list spellings (UN KPi/KPe, OFAC DPRK rows) and their scripts."""

from __future__ import annotations

import pytest

from interdict.names import NameForm, comparable_forms, normalize_name


def texts(name: str, schema: str | None = None) -> set[str]:
    return {f.text for f in comparable_forms(name, schema)}


def shares_form(a: str, b: str, schema_a: str | None = None, schema_b: str | None = None) -> bool:
    return bool(texts(a, schema_a) & texts(b, schema_b))


@pytest.mark.parametrize(
    "query, listed, schema",
    [
        # Hangul query against list spellings with no Hangul form.
        ("김정은", "KIM JONG UN", "Person"),
        ("김정은", "Kim Jong-un", None),
        ("김정은", "KIM, Jong Un", None),
        ("김정은", "Kim Chong-un", None),  # McCune-Reischauer without breves
        ("김정은", "Kim Chŏng-ŭn", None),  # McCune-Reischauer with breves
        ("최룡해", "CHOE RYONG HAE", "Person"),
        ("리병철", "RI PYONG CHOL", "Person"),
        ("리병철", "Ri Pyo’ng-ch’o’l", "Person"),  # UN alias of KPi.076, MR with apostrophes
        ("박봉남", "PAK PONG NAM", "Person"),
        ("전명국", "Cho’n Myo’ng-kuk", "Person"),  # UN alias of KPi.018
        ("조선광선은행", "Korea Kwangson Bank", None),
        ("조선광선은행", "CHOSON KWANGSON UNHAENG", None),
        # Given-name syllables spaced, hyphenated, joined.
        ("Kim Jong Un", "Kim Jongun", "Person"),
        ("Kim Jong-Un", "KIM JONGUN", None),
        ("Choe Chun Sik", "Choe Chun-sik", "Person"),
        ("Chang-Su Han", "HAN CHANG SU", "Person"),  # UN alias of KPi.055, surname last
        ("Yonggil Ri", "RI, Yong Gil", "Person"),  # surname last, given name joined
        ("Jong Un KIM", "KIM JONG UN", None),  # the surname is the word in capitals
        # Hanzi.
        ("丹东鸿祥实业发展有限公司", "DANDONG HONGXIANG INDUSTRIAL DEVELOPMENT CO., LTD.", None),
        ("丹东鸿祥实业发展有限公司", "Dandong Hongxiang Industrial Development Co Ltd", "Company"),
        (
            "丹東鴻祥實業發展有限公司",
            "DANDONG HONGXIANG INDUSTRIAL DEVELOPMENT CO., LTD.",
            None,
        ),  # traditional
        ("金铁三", "Jin Tiesan", None),  # UN alias of KPi.035
        ("金铁三", "KIM CHOL SAM", None),  # ... whose Korean reading is the UN primary name
        ("金正恩", "KIM JONG UN", "Person"),  # Korean name in Chinese characters (Hanja)
        ("崔龙海", "CHOE RYONG HAE", "Person"),
        ("李炳哲", "Ri Pyong Chol", "Person"),
        ("金正恩委员长", "KIM JONG UN", None),  # title after the name
        ("김정은 동지", "KIM JONG UN", None),
        ("Marshal Choe Ryong Hae", "CHOE RYONG HAE", "Person"),
        ("Mr. Kim Jong-un", "KIM JONG UN", "Person"),
        ("리병철 원수님", "RI PYONG CHOL", None),
        ("華信船務(香港)有限公司", "HUAXIN SHIPPING (HONG KONG) LTD", None),  # UN KPe.059 original script
        ("沈忠國際海運有限公司", "SHEN ZHONG INTERNATIONAL SHIPPING", None),  # UN KPe.073 original script
        ("張學良", "Chang Hsueh-liang", "Person"),  # Wade-Giles
        # Legal forms across languages.
        ("KOREA MIRAE SHIPPING CO. LTD", "Korea Mirae Shipping Company Limited", None),
        ("OCEAN MARITIME MANAGEMENT COMPANY, LIMITED (OMM)", "Ocean Maritime Management Co., Ltd.", None),
        ("ООО Ромашка", "Romashka LLC", None),
        ("KOREA KWANGSON BANKING CORPORATION (KKBC)", "Korea Kwangson Banking Corp.", None),
    ],
)
def test_query_and_list_spelling_share_a_form(query: str, listed: str, schema: str | None) -> None:
    assert shares_form(query, listed, schema, schema), (texts(query, schema), texts(listed, schema))


@pytest.mark.parametrize(
    "a, b",
    [
        ("KIM JONG UN", "KIM JONG IL"),
        ("丹东鸿祥实业发展有限公司", "DANDONG HONGYUAN INDUSTRIAL DEVELOPMENT CO., LTD."),
        ("조선광선은행", "Korea Daesong Bank"),
        ("RI PYONG CHOL", "RI PYONG CHUN"),
        ("习近平", "KIM JONG UN"),  # not a Korean surname: no Korean reading
        ("桂荣 兰", "KYE YONG RAN"),  # surname 兰 is last and is not Korean
    ],
)
def test_different_names_share_no_form(a: str, b: str) -> None:
    assert not shares_form(a, b)


def test_form_fields_and_legal_form() -> None:
    forms = comparable_forms("DANDONG HONGXIANG INDUSTRIAL DEVELOPMENT CO., LTD.", "Company")
    assert forms[0] == NameForm(
        "dandong hongxiang industrial development",
        ("dandong", "hongxiang", "industrial", "development"),
        "latin",
        "co ltd",
        place="dandong",
        trade_name="hongxiang",
        industry="industrial development",
    )
    hash(forms[0])  # frozen and hashable


def test_chinese_company_parts() -> None:
    forms = {f.kind: f for f in comparable_forms("丹东鸿祥实业发展有限公司")}
    assert forms["pinyin"].text == "dandong hongxiang shiye fazhan"
    translated = forms["pinyin-translated"]
    assert translated.text == "dandong hongxiang industrial development"
    assert (translated.place, translated.trade_name, translated.industry) == (
        "dandong",
        "hongxiang",
        "industrial development",
    )
    assert translated.legal_form == "co ltd"
    assert forms["wade-giles"].text == "dandong hunghsiang industrial development"


def test_parts_are_written_in_each_forms_own_tokens() -> None:
    for name in (
        "丹东鸿祥实业发展有限公司",
        "조선광선은행",
        "KOREA KWANGSON BANKING CORPORATION",
        "華信船務(香港)有限公司",
    ):
        forms = comparable_forms(name)
        assert any(f.trade_name for f in forms), name
        for form in forms:
            for part in (form.place, form.trade_name, form.industry):
                if part:
                    assert set(part.split()) <= set(form.tokens), (form, part)
    korean = {f.kind: f for f in comparable_forms("조선광선은행")}
    assert korean["hangul-mr"].trade_name == "kwangson" and korean["hangul-mr"].place == "choson"
    assert korean["hangul-rr"].trade_name == "gwangseon"
    # A person name has no company parts.
    assert all(f.place is f.trade_name is f.industry is None for f in comparable_forms("KIM JONG UN"))


def test_hangul_systems() -> None:
    forms = {f.kind: f.text for f in comparable_forms("김정은")}
    assert forms["hangul-dprk"] == "kim jong un"
    assert forms["hangul-mr"] == "kim chong un"
    assert forms["hangul-rr"] == "kim jeong eun"
    assert forms["hangul-dprk-joined"] == "kim jongun"


def test_korean_company_with_legal_form() -> None:
    forms = comparable_forms("조선련봉총회사")
    translated = [f for f in forms if f.kind == "hangul-translated"][0]
    assert translated.text == "korea ryonbong general"
    assert translated.legal_form == "corp"
    assert translated.trade_name == "ryonbong"


def test_person_names_keep_legal_looking_words() -> None:
    # "Han Sa" is a Korean name, not a company "Han S.A.".
    assert "han sa" in texts("HAN SA", "Person")
    assert "han sa" in texts("HAN SA")
    assert "han" in texts("HAN S.A.", "Company")


def test_vessel_names_are_not_stripped() -> None:
    assert texts("PAEKMA CO", "Vessel") >= {"paekma co"}
    assert "paekma" not in texts("PAEKMA CO", "Vessel")
    # Spaced and joined Korean syllables (OFAC CHONG CHON GANG, UN CHONGCHONGANG).
    assert texts("CHONG CHON GANG", "Vessel") == {"chong chon gang", "chongchongang"}


@pytest.mark.parametrize("junk", ["", " ", ".", "...", "()", "-", "\x00\x01", "\u200b", "'", "&"])
def test_junk_gives_no_forms(junk: str) -> None:
    assert comparable_forms(junk) == []


def test_non_string_input() -> None:
    assert comparable_forms(None) == []  # type: ignore[arg-type]
    assert comparable_forms(123) == []  # type: ignore[arg-type]
    assert comparable_forms("Kim", schema=5) != []  # type: ignore[arg-type]


def test_very_long_name_is_bounded() -> None:
    forms = comparable_forms("KOREA " * 2000)
    assert forms and all(len(f.text) <= 400 for f in forms)
    assert comparable_forms("x" * 10_000)


def test_control_characters_and_mixed_scripts() -> None:
    assert texts("KIM\tJONG\nUN\x00") >= {"kim jong un"}
    forms = texts("Kim 정은")
    assert "kim jong un" in forms


def test_normalize_name() -> None:
    assert normalize_name("  CHO'N  Yŏn-KU’N ") == "chon yon kun"
    assert normalize_name("Co., Ltd.") == "co ltd"
    assert normalize_name("김정은") == "kimjongun"
    assert normalize_name("") is None
    assert normalize_name("!!!") is None


@pytest.mark.parametrize(
    "name, expected",
    [
        # Records in Western order put the surname last, spaced (yente's negatives are written so).
        ("桂荣 兰", "lan guirong"),
        ("秀珠 明珠 周", "zhou xiuzhu mingzhu"),
        ("欧阳 修", "ouyang xiu"),
        ("현숙 배", "pae hyon suk"),
        ("배 현숙", "pae hyon suk"),
        ("정은 김", "kim jong un"),
    ],
)
def test_spaced_cjk_names_find_the_surname(name: str, expected: str) -> None:
    assert expected in texts(name)


@pytest.mark.parametrize(
    "name, expected",
    [
        ("Шевченко", "shevchenko"),
        ("Алексей Навальный", "aleksey navalnyy"),
        ("Щукин Юрий", "shchukin yuriy"),
        ("Хабаров", "khabarov"),
        ("Євген", "yevgen"),
        ("Ψαράς", "psaras"),
    ],
)
def test_cyrillic_and_greek(name: str, expected: str) -> None:
    assert texts(name) == {expected}
    assert comparable_forms(name)[0].kind == "icu"


@pytest.mark.parametrize(
    "cyrillic, listed",
    [
        ("Ким Чен Ын", "KIM JONG UN"),  # traditional Russian spelling
        ("Ким Чон Ын", "Kim Jong Un"),  # Kontsevich: final ㅇ written н
        ("Ли Пён Чхоль", "RI PYONG CHOL"),
        ("Чхве Рён Хэ", "CHOE RYONG HAE"),
        ("Пак Бон Джу", "PAK PONG JU"),
        ("Ким Ир Сен", "KIM IL SONG"),
    ],
)
def test_korean_names_in_cyrillic(cyrillic: str, listed: str) -> None:
    from interdict.names import token_key

    def keys(name: str) -> set[tuple[str, ...]]:
        return {tuple(token_key(t) for t in f.tokens) for f in comparable_forms(name, "Person")}

    assert keys(cyrillic) & keys(listed)


def test_russian_names_are_not_read_as_korean() -> None:
    assert {f.kind for f in comparable_forms("Цой Виктор Робертович")} == {"icu"}
    assert {f.kind for f in comparable_forms("Дерипаска Олег Владимирович")} == {"icu"}


def test_query_reading_without_place_for_organisations_only():
    kinds = {f.kind: f.text for f in comparable_forms("LLC Bimeister, Vladivostok", "Company")}
    assert kinds["before-comma"] == "bimeister"
    person = {f.kind for f in comparable_forms("KIM, Jong Un", "Person")}
    assert "before-comma" not in person


def test_is_syllabic_name():
    from interdict.names import is_syllabic_name

    assert is_syllabic_name(("kim", "yong", "chol"))
    assert is_syllabic_name(("li", "hao", "chen"))
    assert not is_syllabic_name(("michael", "johnson"))
    assert not is_syllabic_name(("stephen", "edward", "smith"))

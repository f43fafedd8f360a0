"""Place recognition in English, pinyin, Chinese and Korean, with the ambiguous names kept apart."""

import pytest

from interdict.trade.places import (
    BORDER_CODES,
    PLACES,
    find_places,
    is_dprk_country,
    match_place,
    place_for_region_code,
    place_for_resident_id,
    place_for_uscc,
)


@pytest.mark.parametrize(
    "text,key",
    [
        ("No. 99-3 Binjiang Middle Rd, Zhenxing District, Dandong", "zhenxing"),
        ("辽宁省丹东市振兴区滨江中路99-3号", "zhenxing"),
        ("吉林省延边朝鲜族自治州珲春市", "hunchun"),
        ("Hunchun City, Jilin", "hunchun"),
        ("琿春市", "hunchun"),
        ("Ji'an City, Tonghua, Jilin", "jian"),
        ("集安市", "jian"),
        ("Kuandian County", "kuandian"),
        ("Tumen", "tumen"),
        ("图们市", "tumen"),
        ("Changbai Korean Autonomous County", "changbai"),
        ("长白朝鲜族自治县", "changbai"),
        ("Longjing City, Yanbian", "longjing"),
        ("Helong", "helong"),
        ("和龙市南坪口岸", "port-nanping"),
        ("Quanhe port", "port-quanhe"),
        ("Donggang, Liaoning", "donggang"),
        ("Pyongyang", "pyongyang"),
        ("평양", "pyongyang"),
        ("平壤市", "pyongyang"),
        ("Sinŭiju", "sinuiju"),
        ("新义州", "sinuiju"),
        ("Rajin-Sonbong", "rason"),
        ("Nampho", "nampo"),
        ("Yanji", "yanji"),
        ("Shenyang", "shenyang"),
        ("瀋陽", "shenyang"),
        ("Dalian", "dalian"),
        ("国门湾边民互市贸易区", "guomenwan"),
    ],
)
def test_match_place(text, key):
    place = match_place(text)
    assert place is not None and place.key == key


@pytest.mark.parametrize(
    "text",
    [
        "Ji'an, Jiangxi",  # 吉安 in Jiangxi, same romanisation
        "江西省吉安市",
        "West Lake Longjing tea, Hangzhou",
        "龙井茶",
        "Namyang-eup, Hwaseong, Gyeonggi, South Korea",
        "Donggang District, Rizhao, Shandong",
        "朝鲜族",
        "Zhenxing Road, Harbin",
        "Busan, Korea",
        "",
        None,
        12345,
    ],
)
def test_no_false_place(text):
    assert match_place(text) is None


def test_border_flags():
    assert PLACES["hunchun"].is_border and not PLACES["hunchun"].is_dprk
    assert PLACES["yanji"].is_hub and not PLACES["yanji"].is_border
    assert PLACES["shenyang"].is_hub and not PLACES["shenyang"].is_border
    assert PLACES["pyongyang"].is_dprk and PLACES["pyongyang"].country == "kp"
    assert PLACES["zhenxing"].name_zh == "振兴区" and PLACES["zhenxing"].prefecture == "Dandong"
    assert BORDER_CODES == {"210602", "210603", "210604", "210624", "210681", "220582", "220623", "220681",
                            "222402", "222404", "222405", "222406", "222426"}


def test_region_codes():
    assert place_for_region_code("222401").key == "yanji"
    assert place_for_region_code("210111").key == "shenyang"  # any Shenyang district falls back to the prefecture
    assert place_for_region_code("110105") is None
    assert place_for_region_code("abc") is None
    assert place_for_uscc("91222401MA0Y31E659").key == "yanji"
    assert place_for_uscc("91222401MA0Y31E658") is None  # wrong check character
    assert place_for_resident_id("210603800101123").key == "zhenxing"


def test_dprk_country():
    for v in ["KP", "prk", "North Korea", "Korea, North", "DPRK", "朝鲜", "조선민주주의인민공화국"]:
        assert is_dprk_country(v), v
    for v in ["KR", "South Korea", "Korea, Republic of", "CN", "", None, "朝鲜族"]:
        assert not is_dprk_country(v), v


def test_multiple_places_in_order():
    keys = [p.key for p in find_places("Shenyang via Dandong to Sinuiju")]
    assert keys == ["shenyang", "dandong", "sinuiju"]

"""Identifier checks against the worked examples of section 5.3 and deliberately broken variants."""

import pytest

from interdict.trade.identifiers import (
    imo_company_valid,
    imo_valid,
    mmsi_country,
    mmsi_is_dprk,
    mmsi_mid,
    normalize_imo,
    resident_id_region,
    resident_id_valid,
    uscc_region,
    uscc_valid,
)


@pytest.mark.parametrize("value", ["9115028", "IMO 9115028", "imo9115028", 9115028, "9115028.0"])
def test_imo_worked_example_valid(value):
    assert imo_valid(value)


@pytest.mark.parametrize("value", ["9115029", "9115020", "911502", "IMO 91150281", "", None, "abc", 3.5])
def test_imo_wrong_check_or_junk(value):
    assert not imo_valid(value)


def test_normalize_imo():
    assert normalize_imo(" IMO: 9115028 ") == "9115028"
    assert normalize_imo("IMO 12345") is None


def test_imo_company_number():
    assert imo_company_valid("5857588")
    assert not imo_company_valid("5857581")


def test_mmsi_dprk_and_others():
    assert mmsi_is_dprk("445123456")
    assert mmsi_mid("445 123 456") == "445"
    assert not mmsi_is_dprk("412123456")
    assert mmsi_country("412123456") == "cn"
    assert mmsi_country("477000001") == "hk"
    # coast station 00MIDxxxx and SAR aircraft 111MIDxxx keep the flag
    assert mmsi_mid("004451234") == "445"
    assert mmsi_mid("111445123") == "445"
    for junk in ["44512345", "4451234567", "abcdefghi", None, "", "970123456"]:
        assert mmsi_mid(junk) is None
        assert not mmsi_is_dprk(junk)


def test_uscc_yanbian_silverstar():
    assert uscc_valid("91222401MA0Y31E659")
    assert uscc_region("91222401MA0Y31E659") == "222401"
    assert uscc_valid("91222401ma0y31e659")  # lower case is the same code


def test_uscc_bad_check_or_chars():
    assert not uscc_valid("91222401MA0Y31E658")
    assert uscc_region("91222401MA0Y31E658") is None
    assert uscc_region("91222401MA0Y31E658", require_valid=False) == "222401"
    assert not uscc_valid("91222401MA0Y31E6I9")  # I is not in the USCC alphabet
    assert not uscc_valid("9122240")
    assert not uscc_valid(None)


def _with_rid_check(first17: str) -> str:
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return first17 + "10X98765432"[sum(int(c) * w for c, w in zip(first17, weights, strict=True)) % 11]


def test_resident_id_region():
    # A public GB 11643 example number: 11010519491231002X (Beijing Chaoyang)
    assert resident_id_valid("11010519491231002X")
    assert not resident_id_valid("110105194912310021")
    rid = _with_rid_check("21060319800101123")
    assert resident_id_region(rid) == "210603"
    assert resident_id_region("210603800101123") == "210603"  # old 15-digit form
    assert resident_id_region("2106031980010112") is None

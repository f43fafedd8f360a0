"""Reader details on small real excerpts, plus property tests: value-level parsers never raise."""

from __future__ import annotations

import json
import lzma
import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from interdict.sources import bundled_snapshot, is_dprk, read_source
from interdict.sources.common import clean_text, parse_date, split_programs
from interdict.sources.remarks import parse_remarks, split_segments

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "lists"


def _sdn_excerpt(tmp_path: Path, ent_nums: set[str]) -> Path:
    """A real sdn.csv excerpt, kept byte-for-byte in OFAC's format (CRLF, final Ctrl-Z)."""
    raw = lzma.decompress(bundled_snapshot("us_ofac_sdn").paths()[0].read_bytes())
    lines = [ln for ln in raw.split(b"\r\n") if ln.split(b",", 1)[0].decode() in ent_nums]
    path = tmp_path / "sdn.csv"
    path.write_bytes(b"\r\n".join(lines) + b"\r\n\x1a")
    return path


def test_ofac_excerpt_crlf_ctrl_z(tmp_path):
    path = _sdn_excerpt(tmp_path, {"17069", "25308", "12211"})
    assert path.read_bytes().endswith(b"\r\n\x1a")
    result = read_source("us_ofac_sdn", [path])
    assert result.records == 3
    by_id = {e.id: e for e in result.entities}
    assert by_id["us_ofac_sdn-17069"].get("imoNumber") == ["IMO7937317"]
    assert by_id["us_ofac_sdn-12211"].get("birthDate") == ["1947", "1946"]
    wallets = [e for e in result.entities if e.schema.name == "CryptoWallet"]
    assert len(wallets) == 6 and all(w.get("holder") == ["us_ofac_sdn-25308"] for w in wallets)
    assert all(w.get("currencySymbol") == ["XBT"] for w in wallets)
    sanctions = [e for e in result.entities if e.schema.name == "Sanction"]
    assert {s.id for s in sanctions} >= {"us_ofac_sdn-17069-sanction-1"}
    assert by_id["us_ofac_sdn-17069-sanction-1"].get("program") == ["DPRK"]
    assert is_dprk(by_id["us_ofac_sdn-17069"]) and not is_dprk(by_id["us_ofac_sdn-25308"])


def test_ofac_alt_types_and_weak_alias(tmp_path):
    sdn = _sdn_excerpt(tmp_path, {"17069"})
    alt = tmp_path / "alt.csv"
    alt.write_bytes(
        b'17069,1,"aka","CHONGCHONGANG",-0- \r\n17069,2,"fka","OLD NAME",-0- \r\n'
        b'17069,3,"aka","WEAKLING",weak alias\r\n\x1a'
    )
    add = tmp_path / "add.csv"
    add.write_bytes(b'17069,1,-0- ,"Nampo","Korea, North",-0- \r\n\x1a')
    entity = read_source("us_ofac_sdn", [sdn, alt, add]).entities[0]
    assert entity.get("alias") == ["CHONGCHONGANG"]
    assert entity.get("previousName") == ["OLD NAME"]
    assert entity.get("weakAlias") == ["WEAKLING"]
    assert entity.get("address") == ["Nampo, Korea, North"]
    assert "kp" in entity.get("country")


def test_un_fields():
    result = read_source("un_sc", bundled_snapshot("un_sc").paths())
    by_id = {e.id: e for e in result.entities}
    kim = by_id["un_sc-KPi.066"]
    assert kim.schema.name == "Person"
    assert kim.get("nationality") == ["kp"]
    assert set(kim.get("birthDate")) >= {"1967"}
    sanction = by_id["un_sc-KPi.066-sanction-1"]
    assert sanction.get("entity") == ["un_sc-KPi.066"]
    assert sanction.get("unscId") == ["KPi.066"]
    # an alias with its own date of birth (alias persona's documents): kept, and tied to the alias
    jang = by_id["un_sc-KPi.016"]
    assert "1958-02-22" in jang.get("birthDate")
    assert "Alias Jang Hyon U: born 1958-02-22" in jang.get("notes")
    passports = [e for e in result.entities if e.get("passportNumber", quiet=True)]
    assert len(passports) > 200
    assert result.published.startswith("2026-02-27")


def test_csl_json_form():
    result = read_source("us_csl", [FIXTURES / "csl_sample.json"])
    by_id = {e.id: e for e in result.entities}
    vessel = by_id["us_csl-23156"]
    assert vessel.get("imoNumber") == ["IMO8898831"] and vessel.get("flag") == ["kp"]
    assert is_dprk(vessel)
    bis = by_id["us_csl-4398d33e9e93c7477af39f1e0bfffc13ddd47bcc"]
    assert bis.schema.name == "LegalEntity"
    assert "JSC 140 Repair Plant" in " ".join(bis.get("alias"))
    assert bis.get("country") == ["by"]
    assert any(e.schema.name == "CryptoWallet" for e in result.entities)


def test_csl_csv_and_json_agree_on_a_record(tmp_path):
    import csv
    import gzip
    import io

    raw = gzip.decompress(bundled_snapshot("us_csl").paths()[0].read_bytes()).decode()
    reader = csv.DictReader(io.StringIO(raw))
    rows = [r for r in reader if r["_id"] == "23156"]
    path = tmp_path / "consolidated.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=reader.fieldnames)
        writer.writeheader()
        writer.writerows(rows)
    from_csv = {e.id: e for e in read_source("us_csl", [path]).entities}["us_csl-23156"]
    from_json = {e.id: e for e in read_source("us_csl", [FIXTURES / "csl_sample.json"]).entities}["us_csl-23156"]
    for prop in ("name", "imoNumber", "flag", "program"):
        assert from_csv.get(prop) == from_json.get(prop)


def test_ftm_roundtrip_prefixes_ids(tmp_path):
    path = tmp_path / "mine.ftm.json"
    lines = [
        {"id": "p1", "schema": "Person", "properties": {"name": ["Ri Chol"], "nationality": ["kp"], "program": ["own"]}},
        {"id": "s1", "schema": "Sanction", "properties": {"entity": ["p1"], "program": ["DPRK"]}},
        {"id": "p1", "schema": "Person", "properties": {"alias": ["Ri Cheol"]}},
    ]
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n")
    result = read_source("my_list", [path])
    by_id = {e.id: e for e in result.entities}
    assert set(by_id) == {"my_list-p1", "my_list-s1"}
    assert by_id["my_list-s1"].get("entity") == ["my_list-p1"]
    assert by_id["my_list-p1"].get("alias") == ["Ri Cheol"]  # repeated id merged
    assert by_id["my_list-p1"].datasets == {"my_list"}
    assert result.records == 1


def test_remarks_identifiers():
    facts = parse_remarks(
        "DOB 01 Jan 1970; alt. DOB 1971; POB Pyongyang, North Korea; nationality Korea, North; "
        "Passport 836410035 (Korea, North) expires 01 Jan 2021; National ID No. 123-45 (Korea, North); "
        "SWIFT/BIC KKBCKPPY; Website www.kkbc.example; Email Address info@kkbc.example; "
        "Vessel Registration Identification IMO 8405220; MMSI 445123000; a.k.a. 'KKBC'; "
        "Digital Currency Address - ETH 0x098B716B8Aaf21512996dC57EB0615e2383E2f96"
    )
    p = facts.props
    assert p["birthDate"] == ["1970-01-01", "1971"]
    assert p["passportNumber"] == ["836410035"]
    assert p["idNumber"] == ["123-45"]
    assert p["swiftBic"] == ["KKBCKPPY"]
    assert p["imoNumber"] == ["IMO8405220"]
    assert p["mmsi"] == ["445123000"]
    assert p["weakAlias"] == ["KKBC"]
    assert p["email"] == ["info@kkbc.example"]
    assert facts.wallets == [("ETH", "0x098B716B8Aaf21512996dC57EB0615e2383E2f96")]


def test_parse_date_forms():
    assert parse_date("25 Mar 1977") == ["1977-03-25"]
    assert parse_date("Mar 1977") == ["1977-03"]
    assert parse_date("circa 1946") == ["1946"]
    assert parse_date("1962 to 1964") == ["1962", "1963", "1964"]
    assert parse_date("2016-03-02") == ["2016-03-02"]
    assert parse_date("03/25/1966", us_order=True) == ["1966-03-25"]
    assert parse_date("31 Feb 1990") == []
    assert parse_date("-0-") == []
    assert split_programs("SDGT] [IFSR") == ["SDGT", "IFSR"]
    assert split_programs("DPRK3; DPRK4") == ["DPRK3", "DPRK4"]


_ISO = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_value_parsers_never_raise(text):
    for value in parse_date(text) + parse_date(text, us_order=True):
        assert _ISO.match(value)
    cleaned = clean_text(text)
    assert cleaned is None or (cleaned == cleaned.strip() and "  " not in cleaned)
    split_programs(text)
    split_segments(text)
    facts = parse_remarks(text)
    for values in facts.props.values():
        assert all(isinstance(v, str) and v for v in values)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from([
    "DOB ", "POB ", "a.k.a. '", "'", ";", " ", "Passport ", "(", ")", "Digital Currency Address - XBT ",
    "IMO ", "1977", "Mar", "alt. ", "National ID No. ", "Korea, North", "\x1a", "-0-", "\u200b",
]), max_size=30).map("".join))
def test_remarks_fragments_never_raise(text):
    parse_remarks(text)


def test_excerpts_load_end_to_end(tmp_path):
    from dataclasses import replace

    from interdict import lists
    from interdict.config import Settings
    from interdict.store import open_store

    settings = replace(Settings(), home=tmp_path / "home")
    lists.load("un_sc", [FIXTURES / "un_excerpt.xml"], settings=settings)
    ofac = FIXTURES / "ofac_excerpt"
    lists.load("us_ofac_sdn", [ofac / "sdn.csv", ofac / "add.csv", ofac / "alt.csv"], settings=settings)
    with open_store(settings) as store:
        cur = store.current_versions()
        assert cur["un_sc"].entity_count == 18 and cur["un_sc"].dprk_count == 16
        assert cur["us_ofac_sdn"].entity_count == 28 and cur["us_ofac_sdn"].dprk_count == 25
        vessels = list(store.iter_entities(dprk_only=True, schemata=["Vessel"]))
        assert vessels and all(v.get("imoNumber") for v in vessels)


def test_csl_entity_list_last_alias_loses_its_and(tmp_path):
    # The Entity List writes "Bob Jefferson; ...; and David Lee": the alias is "David Lee".
    header = "_id,source,entity_number,type,programs,name,title,addresses,alt_names,ids"
    row = 'abc,Entity List (EL) - Bureau of Industry and Security,,,,Babak Jafarpour,,,"Sam Lee; and David Lee",'
    path = tmp_path / "consolidated.csv"
    path.write_text(header + "\n" + row + "\n", encoding="utf-8")
    entity = next(e for e in read_source("us_csl", [path]).entities if e.schema.name != "Sanction")
    assert sorted(entity.get("alias")) == ["David Lee", "Sam Lee"]

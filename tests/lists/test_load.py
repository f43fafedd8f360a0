"""Loading the bundled lists: real counts, real fields, the OFAC snapshot choice, and the safety
rules (refused inputs leave the previous version current; a failed write rolls back)."""

from __future__ import annotations

import gzip
import hashlib
import lzma

import pytest

from interdict import lists
from interdict.exc import SourceError
from interdict.sources import BUNDLED, is_dprk
from interdict.store import open_store

# SHA-256 of the official files as recorded in data/PROVENANCE.md.
OFFICIAL_SHA256 = {
    "un_sc/2026-02-27/consolidated.xml.xz": "66b392a4090868d2d39161e8d748efd39138377b0e6e60b7921aa67a4f99c8bf",
    "us_ofac_sdn/2024-05-03/sdn.csv.xz": "210ca6b4a8187a34e0850be69ecc6e918f23ad7778b8b5b2f9c9d5fbbaf4e0cb",
    "us_ofac_sdn/2024-05-03/add.csv.xz": "de04953bc8f4bd2d1fae45cf7ffbb148de2f948d04d4d38942d0d123b359d43d",
    "us_ofac_sdn/2024-05-03/alt.csv.xz": "fda2c60a91e4197938d39bd28744cae2dec5be6c76b90feaf15a62190c91d3cf",
    "us_ofac_sdn/2023-12-28/sdn.csv.xz": "d768d28ee9e3ac7b27f9a956c922bf97dc286ebd39eff63faa4ef231f1ef668b",
    "us_ofac_sdn/2023-12-28/add.csv.xz": "c9706ac0aacaabc8f6a2f8c66e07d0932161354f67772ddc41ed2e1328561ea5",
    "us_ofac_sdn/2023-12-28/alt.csv.xz": "72a3520a9544b965cfa1e3301143a67cdf9d6b1588e55b5273c9d2faa4725957",
    "us_ofac_cons/2025-12-19/cons_prim.csv.xz": "7027f6656b7815e38b1a5517e66d7f00ad7bdae814510cddff11771c439f08b2",
    "us_ofac_cons/2025-12-19/cons_add.csv.xz": "96c5baf0dd9081dab5a904091898ecf8bb60b6f6e7f9c0cee9252e3d31649531",
    "us_ofac_cons/2025-12-19/cons_alt.csv.xz": "27f46913036603cb1003fb167e745863f68513ee5f43c03749be7251bf0848e1",
    "us_ofac_cons/2025-12-19/cons_comments.csv.xz": "ca3e37e4d78952e6d8280ee804bc185a9ebcaa7fa5b7216937f45aaab7f8fce6",
}
CSL_GZ_SHA256 = "f55c580c0eadaeef6f291d5cd3653b147650c2019f227c92a93814aa5dc4364c"


def test_bundled_files_are_the_official_bytes():
    seen = set()
    for snap in BUNDLED:
        for rel, path in zip(snap.files, snap.paths(), strict=True):
            raw = path.read_bytes()
            if rel.endswith(".xz"):
                assert hashlib.sha256(lzma.decompress(raw)).hexdigest() == OFFICIAL_SHA256[rel], rel
            else:
                assert hashlib.sha256(raw).hexdigest() == CSL_GZ_SHA256
                assert gzip.decompress(raw).startswith(b"_id,source,entity_number")
            seen.add(rel)
    assert set(OFFICIAL_SHA256) <= seen


def test_real_counts(store):
    cur = store.current_versions()
    assert set(cur) == {"un_sc", "us_ofac_sdn", "us_ofac_cons", "us_csl"}
    assert cur["un_sc"].entity_count == 1003
    assert cur["un_sc"].dprk_count == 155
    assert cur["un_sc"].published == "2026-02-27T00:00:09.554Z"
    assert cur["un_sc"].sha256 == OFFICIAL_SHA256["un_sc/2026-02-27/consolidated.xml.xz"]
    un = list(store.iter_entities(sources=["un_sc"], schemata=["Person", "Organization"]))
    assert sum(e.schema.name == "Person" for e in un) == 730
    assert sum(e.schema.name == "Organization" for e in un) == 273
    dprk = [e for e in un if is_dprk(e)]
    assert len(dprk) == 155
    assert sum(e.id.startswith("un_sc-KPi.") for e in dprk) == 80
    assert sum(e.id.startswith("un_sc-KPe.") for e in dprk) == 75
    assert cur["us_ofac_sdn"].label == "2024-05-03"
    assert cur["us_ofac_sdn"].entity_count == 14965
    assert cur["us_ofac_sdn"].dprk_count == 484  # rows with a DPRK* program tag (PROVENANCE.md)
    assert cur["us_ofac_cons"].entity_count == 442
    assert cur["us_ofac_cons"].dprk_count == 0
    assert cur["us_csl"].entity_count == 14048  # 14,160 rows, 112 repeat an _id on another sub-list
    assert store.count_entities(dprk_only=True, schemata=["Sanction"]) > 0


def test_dprk_only_iteration_matches_flag(store):
    ids = {e.id for e in store.iter_entities(sources=["un_sc"], dprk_only=True) if e.schema.name != "Sanction"}
    assert len(ids) == 155
    assert "un_sc-KPe.029" in ids


def test_un_entity_fields(store):
    nata = store.get_entity("KPe.029")
    assert nata.id == "un_sc-KPe.029"
    assert nata.get("name") == ["NATIONAL AEROSPACE TECHNOLOGY ADMINISTRATION"]
    assert "NATA" in nata.get("alias")
    assert set(nata.get("previousName")) == {"NATIONAL AEROSPACE DEVELOPMENT ADMINISTRATION", "NADA"}
    assert nata.get("country") == ["kp"]
    assert nata.datasets == {"un_sc"}
    sanction = store.get_entity("un_sc-KPe.029-sanction-1")
    assert sanction.get("listingDate") == ["2016-03-02"]
    assert sanction.get("authority") == ["United Nations Security Council"]
    assert "DPRK" in sanction.get("program")[0]


def test_un_original_script_and_weak_aliases(store):
    people = {e.id: e for e in store.iter_entities(sources=["un_sc"], schemata=["Person"])}
    # NAME_ORIGINAL_SCRIPT is kept as an alias (378 entries carry one in this file).
    assert sum(any(not a.isascii() for a in e.get("alias")) for e in people.values()) >= 300
    assert any("صدام حسين التكريتي" in a for e in people.values() for a in e.get("alias"))
    # QUALITY Low aliases are weak: CDi.003 has "Rumuli" as a Low alias.
    gaston = people["un_sc-CDi.003"]
    assert "Rumuli" in gaston.get("weakAlias")
    assert "Rumuli" not in gaston.get("alias")
    assert "Victor Rumuri" in gaston.get("alias")
    assert gaston.get("birthDate") == ["1948"]


def test_ofac_dprk_vessel_carries_imo(store):
    vessel = store.get_entity("us_ofac_sdn-17069")
    assert vessel.schema.name == "Vessel"
    assert vessel.get("name") == ["CHONG CHON GANG"]
    assert vessel.get("imoNumber") == ["IMO7937317"]
    assert vessel.get("flag") == ["kp"]
    assert is_dprk(vessel)
    vessels = [e for e in store.iter_entities(sources=["us_ofac_sdn"], dprk_only=True, schemata=["Vessel"])]
    assert len(vessels) == 105  # PROVENANCE.md: 105 DPRK-program vessels in 2024-05-03
    with_imo = [v for v in vessels if v.get("imoNumber")]
    assert len(with_imo) >= 100


def test_ofac_remarks_fields(store):
    yan = store.get_entity("us_ofac_sdn-25308")
    assert yan.get("birthDate") == ["1977-03-25"]
    assert yan.get("birthPlace") == ["Wuhan City, Hubei, China"]
    assert yan.get("citizenship") == ["cn"]
    assert set(yan.get("weakAlias")) == {"ZHOU, William", "YAN, Steven"}
    assert "421002197703250019" in yan.get("idNumber")
    wallets = [e for e in store.find_entities("us_ofac_sdn-25308") if e]  # the entity itself
    assert wallets
    shown = lists.show("25308", store=store)
    ofac = [s for s in shown if s["entity"]["id"] == "us_ofac_sdn-25308"][0]
    keys = {w["properties"]["publicKey"][0] for w in ofac["related"] if w["schema"] == "CryptoWallet"}
    assert "12QtD5BFwRsdNsAZY76UVE1xyCGNTojH9h" in keys and len(keys) == 6
    kh = store.get_entity("us_ofac_sdn-26137")
    assert "iranvisacart@yahoo.com" in kh.get("email")
    assert "T14553558" in kh.get("passportNumber")
    assert kh.get("nationality") == ["ir"]


def test_ofac_swift_website_and_comments(store):
    gpb = store.get_entity("us_ofac_cons-17016")
    assert "GAZPRUMM" in gpb.get("swiftBic")
    assert any("gazprombank.ru" in w for w in gpb.get("website"))
    # The comments file continues the remarks: the LEI sits in the continuation.
    assert "253400WSS48YWMBUA688" in gpb.get("leiCode")


def test_ofac_choice_alias_and_address_coverage(store):
    """The 2024-05-03 names joined with the 2026-06-02 add/alt (the chosen snapshot) cover every
    DPRK entry that had aliases or addresses in the consistent 2023-12-28 set."""
    cur = store.current_versions()["us_ofac_sdn"]
    old = store.resolve_version("us_ofac_sdn", "2023-12-28")
    parties = ["Person", "Organization", "Company", "Vessel", "Airplane"]
    new_ents = {e.id: e for e in store.iter_entities(version_ids=[cur.id], dprk_only=True, schemata=parties)}
    old_ents = {e.id: e for e in store.iter_entities(version_ids=[old.id], dprk_only=True, schemata=parties)}
    common = [i for i in old_ents if i in new_ents]
    assert len(common) >= 470
    lost_alias = [i for i in common if old_ents[i].get("alias") and not new_ents[i].get("alias")]
    lost_addr = [i for i in common if old_ents[i].get("address") and not new_ents[i].get("address")]
    assert lost_alias == []
    assert lost_addr == []
    # and the newer set is larger: more DPRK entries and more aliases on them
    assert cur.dprk_count > old.dprk_count
    assert sum(len(e.get("alias")) for e in new_ents.values()) >= sum(len(e.get("alias")) for e in old_ents.values())


def test_csl_fields_and_merge(store):
    vessel = store.get_entity("us_csl-23156")
    assert vessel.schema.name == "Vessel" and vessel.get("imoNumber") == ["IMO8898831"]
    assert is_dprk(vessel)
    merged = lists.show("us_csl-34616", store=store)[0]
    descriptions = {s["properties"]["description"][0] for s in merged["sanctions"]}
    assert len(descriptions) == 2  # CAPTA and SDN rows for the same _id become one entity
    isn = [e for e in store.iter_entities(sources=["us_csl"], dprk_only=True) if "INKSNA" in e.get("program")]
    names = {e.caption for e in isn}
    assert any("Ri Sung Chol" in n for n in names)
    assert all("Hizballah" not in n for n in names)


def test_load_same_input_is_noop(loaded):
    reports = lists.load("un_sc", settings=loaded)
    assert reports[0].status == "unchanged"
    with open_store(loaded) as s:
        assert len(s.versions("un_sc")) == 1


def test_same_input_read_by_a_newer_reader_is_reloaded(fresh_settings, plain, monkeypatch):
    # A reader fix must reach stores that already hold the same bytes read the old way.
    files = plain("us_ofac_cons")
    assert lists.load("us_ofac_cons", files, settings=fresh_settings)[0].status == "loaded"
    assert lists.load("us_ofac_cons", files, settings=fresh_settings)[0].status == "unchanged"
    released = lists.READER_VERSION
    monkeypatch.setattr(lists, "READER_VERSION", "next")
    assert lists.load("us_ofac_cons", files, settings=fresh_settings)[0].status == "loaded"
    with open_store(fresh_settings) as s:
        versions = s.versions("us_ofac_cons")
    assert len(versions) == 2 and {v.meta["reader_version"] for v in versions} == {"next", released}


def test_refuse_big_drop_and_force(fresh_settings, plain, tmp_path):
    files = plain("us_ofac_cons")
    lists.load("us_ofac_cons", files, settings=fresh_settings)
    prim = [f for f in files if f.name == "cons_prim.csv"][0]
    small = tmp_path / "cut" / "cons_prim.csv"
    small.parent.mkdir()
    lines = prim.read_bytes().split(b"\r\n")
    small.write_bytes(b"\r\n".join(lines[:300]) + b"\r\n\x1a")  # 300 of 442 entries: a 32% drop
    with pytest.raises(SourceError, match="drop of 32%"):
        lists.load("us_ofac_cons", [small], settings=fresh_settings)
    with open_store(fresh_settings) as s:
        assert s.current_versions()["us_ofac_cons"].entity_count == 442
        assert len(s.versions("us_ofac_cons")) == 1
    report = lists.load("us_ofac_cons", [small], settings=fresh_settings, force=True)[0]
    assert report.entities == 300
    with open_store(fresh_settings) as s:
        assert s.current_versions()["us_ofac_cons"].entity_count == 300


def test_refuse_empty_and_older(fresh_settings, plain, tmp_path):
    empty = tmp_path / "sdn.csv"
    empty.write_bytes(b"")
    with pytest.raises(SourceError, match=r"sdn\.csv: empty file"):
        lists.load("us_ofac_sdn", [empty], settings=fresh_settings)
    empty.write_bytes(b"\x1a")  # a well-formed OFAC file without rows: refused unless forced
    with pytest.raises(SourceError, match=r"refused: sdn\.csv has no entries"):
        lists.load("us_ofac_sdn", [empty], settings=fresh_settings)
    assert lists.load("us_ofac_sdn", [empty], settings=fresh_settings, force=True)[0].entities == 0
    un = plain("un_sc")[0]
    lists.load("un_sc", [un], settings=fresh_settings)
    older = tmp_path / "older.xml"
    older.write_bytes(un.read_bytes().replace(b'dateGenerated="2026-02-27', b'dateGenerated="2025-01-01', 1))
    with pytest.raises(SourceError, match="published 2025-01-01, before the current version"):
        lists.load("un_sc", [older], settings=fresh_settings)
    header_only = tmp_path / "none.xml"
    header_only.write_text('<?xml version="1.0"?><CONSOLIDATED_LIST dateGenerated="2026-03-01"><INDIVIDUALS/><ENTITIES/></CONSOLIDATED_LIST>')
    with pytest.raises(SourceError, match="none.xml has no entries"):
        lists.load("un_sc", [header_only], settings=fresh_settings)
    with open_store(fresh_settings) as s:
        assert [v.label for v in s.versions("un_sc")] == ["2026-02-27"]


def test_failed_write_rolls_back(fresh_settings, plain, monkeypatch):
    files = plain("us_ofac_cons")
    lists.load("us_ofac_cons", files, settings=fresh_settings)
    from interdict.store.backend import DuckDBBackend

    calls = {"n": 0}
    real = DuckDBBackend.bulk_insert

    def failing(self, table, columns, rows):
        calls["n"] += 1
        real(self, table, columns, rows)
        raise OSError("disk full (simulated after the first batch was written)")

    monkeypatch.setattr(DuckDBBackend, "bulk_insert", failing)
    with pytest.raises(OSError):
        lists.load("us_ofac_cons", files, settings=fresh_settings, force=True)
    monkeypatch.undo()
    assert calls["n"] == 1
    with open_store(fresh_settings) as s:
        versions = s.versions("us_ofac_cons")
        assert len(versions) == 1 and versions[0].is_current
        assert s.count_entities(sources=["us_ofac_cons"]) == versions[0].row_count


def test_fingerprint_changes_with_loads(fresh_settings, plain):
    with open_store(fresh_settings) as s:
        empty = s.fingerprint()
    lists.load("us_ofac_cons", plain("us_ofac_cons"), settings=fresh_settings)
    with open_store(fresh_settings) as s:
        first = s.fingerprint()
        assert first != empty and s.fingerprint() == first

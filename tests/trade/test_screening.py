"""Each trade rule on small records: fires with evidence and citation when it should, stays quiet
when it should not. Party screening uses the fake screener of conftest.py."""

from __future__ import annotations

import shutil

import pytest
import yaml

from interdict.exc import ProblemLog
from interdict.model import Level
from interdict.rules import RULES_DIR
from interdict.trade import AddressIndex, TradeScreener, screen_shipments


def one(rec, **kw):
    return next(iter(screen_shipments([rec], parties=False, **kw)))


def rules_of(alert):
    return {r.rule_id for r in alert.reasons}


def reason(alert, rule_id):
    return next(r for r in alert.reasons if r.rule_id == rule_id)


# ------------------------------------------------------------------------------ DPRK measures


def test_laptops_to_dprk_block_with_citations():
    a = one({"shipment_id": "S1", "goods_description": "laptop computers", "quantity": "5",
             "consignee_address": "Pyongyang", "consignee_country": "KP"})
    assert a.level == Level.BLOCK
    assert {"dprk-supply-hs84-85", "ear-746-4-licence", "route-dprk-destination"} <= rules_of(a)
    r = reason(a, "dprk-supply-hs84-85")
    assert r.citation.instrument == "UNSCR 2397 (2017)" and r.citation.paragraph == "OP7"
    assert r.citation.source_id == "S01" and r.citation.grade.value == "A"
    assert r.evidence["basis"] == "goods description" and r.evidence["hs_scope"] == "chapter 84"


def test_declared_code_decides_the_chapter():
    a = one({"goods_description": "goods", "hs_code": "7308.90", "final_destination": "Nampo, DPRK"})
    assert "dprk-supply-hs72-83" in rules_of(a)
    assert reason(a, "dprk-supply-hs72-83").evidence["basis"] == "declared HS code"


def test_food_to_dprk_is_review_not_block():
    a = one({"goods_description": "rice", "hs_code": "100630", "consignee_country": "North Korea"})
    assert "ear-746-4-licence" not in rules_of(a)  # food is exempt from 746.4
    assert not rules_of(a) & {"dprk-supply-hs84-85", "dprk-supply-hs72-83"}
    assert a.level == Level.REVIEW


def test_imports_from_dprk():
    a = one({"goods_description": "frozen squid", "shipper_country": "KP", "consignee_country": "CN"})
    assert "dprk-import-minerals-seafood" in rules_of(a) and "route-dprk-origin" in rules_of(a)
    b = one({"goods_description": "anthracite coal", "hs_code": "270111", "port_of_loading": "Nampho"})
    assert "dprk-import-minerals-seafood" in rules_of(b)
    assert "dprk-supply-fuel" not in rules_of(b)


def test_luxury_with_thresholds():
    a = one({"goods_description": "Rolex luxury watch", "quantity": "2", "value_usd": "30000", "consignee_country": "KP"})
    assert "dprk-supply-luxury-2270-2321" in rules_of(a)
    cheap = one({"goods_description": "wool rugs", "quantity": "10", "value_usd": "1000", "consignee_country": "KP"})
    assert "dprk-supply-luxury-2270-2321" not in rules_of(cheap)  # USD 100 each, not over 500
    dear = one({"goods_description": "silk rugs", "quantity": "2", "value_usd": "6000", "consignee_country": "KP"})
    assert "dprk-supply-luxury-2270-2321" in rules_of(dear)
    j = one({"goods_description": "diamond jewellery", "consignee_country": "KP"})
    assert "dprk-supply-luxury" in rules_of(j)


def test_ordinary_trade_is_clear():
    for rec in [
        {"goods_description": "Laptop computers", "hs_code": "847130", "quantity": "500", "value_usd": "400000",
         "consignee_name": "Media Markt GmbH", "consignee_country": "DE", "final_destination": "Hamburg"},
        {"goods_description": "Smartphones", "hs_code": "851713", "quantity": "300", "consignee_country": "CN",
         "consignee_name": "Shenyang Digital Retail Co", "final_destination": "Shenyang", "end_user_name": "same"},
        {"goods_description": "Cotton T-shirts", "hs_code": "610910", "consignee_country": "US"},
        {"goods_description": "5 smartphones", "hs_code": "851713", "quantity": "5", "final_destination": "Dandong"},
    ]:
        a = one(rec)
        assert a.level == Level.CLEAR, (rec, [(r.rule_id, r.score) for r in a.reasons])


# ------------------------------------------------------------------------------ goods


def test_gpu_declared_as_toys():
    a = one({"goods_description": "Graphics card RTX 4090 24GB", "hs_code": "950300", "consignee_country": "CN"})
    r = reason(a, "hs-description-mismatch")
    assert r.evidence["hs_code"] == "950300" and r.evidence["classified_as"].startswith("Graphics cards")
    assert "eccn-advanced-computing" in rules_of(a)
    assert a.level == Level.REVIEW
    ok = one({"goods_description": "Graphics card RTX 4090 24GB", "hs_code": "847330", "consignee_country": "CN"})
    assert "hs-description-mismatch" not in rules_of(ok)


def test_chinese_only_description_mismatch():
    a = one({"goods_description": "显卡 二手", "hs_code": "392690"})
    assert "hs-description-mismatch" in rules_of(a)


def test_model_citation_takes_model_grade():
    a = one({"goods_description": "NVIDIA H100 80GB SXM", "consignee_country": "SG"})
    r = reason(a, "eccn-advanced-computing")
    assert r.citation.grade.value == "A" and "3A090.a" in r.citation.paragraph
    b = one({"goods_description": "NVIDIA H200 141GB", "consignee_country": "SG"})
    assert reason(b, "eccn-advanced-computing").citation.grade.value == "B"


def test_invalid_hs_code_reported_with_line():
    log = ProblemLog()
    a = next(iter(screen_shipments([{"shipment_id": "X", "hs_code": "847199", "goods_description": "laptops"}],
                                   parties=False, problems=log)))
    assert "hs-code-invalid" in rules_of(a)
    assert a.details["problems"] and log.problems[0].line == 1 and log.problems[0].field == "hs_code"


def test_vague_description_is_weak():
    a = one({"goods_description": "electronic parts", "hs_code": "847330"})
    assert "goods-vague-description" in rules_of(a) and a.level == Level.CLEAR
    b = one({"goods_description": "electronic parts for laptops", "hs_code": "847330"})
    assert "goods-vague-description" not in rules_of(b)


# ------------------------------------------------------------------------------ routes


def test_border_volume():
    base = {"goods_description": "Graphics cards RTX 4080", "hs_code": "847330", "consignee_country": "CN",
            "consignee_name": "Hunchun Trade Co", "final_destination": "珲春市"}
    big = one({**base, "quantity": "120", "unit": "pcs"})
    assert {"route-border-electronics", "route-border-volume"} <= rules_of(big)
    assert big.level == Level.REVIEW
    ev = reason(big, "route-border-electronics").evidence
    assert ev["county_code"] == "222404"
    small = one({**base, "quantity": "2", "unit": "pcs", "value_usd": "2000"})
    assert "route-border-volume" not in rules_of(small) and small.level == Level.CLEAR
    by_weight = one({**base, "quantity": "500", "unit": "kg"})
    assert "route-border-volume" not in rules_of(by_weight)


def test_advanced_chips_to_border_need_no_volume():
    a = one({"goods_description": "NVIDIA H100 80GB", "quantity": "1", "final_destination": "Ji'an City, Jilin"})
    assert "route-border-volume" in rules_of(a)


def test_hub_transshipment_and_abnormal_route():
    a = one({"goods_description": "laptops", "quantity": "10", "port_of_discharge": "Dalian",
             "final_destination": "Tumen, Jilin", "consignee_country": "VN"})
    assert {"route-hub-transshipment", "route-abnormal"} <= rules_of(a)
    b = one({"goods_description": "laptops", "port_of_discharge": "Dalian", "final_destination": "Dalian",
             "consignee_country": "CN"})
    assert not rules_of(b) & {"route-hub-transshipment", "route-abnormal"}


def test_free_trade_zone_and_border_trade_zone():
    a = one({"goods_description": "smartphones", "consignee_address": "Unit 5, Dalian Bonded Zone, Liaoning"})
    assert "route-free-trade-zone" in rules_of(a)
    b = one({"goods_description": "phones", "final_destination": "国门湾边民互市贸易区"})
    assert "route-border-trade-zone" in rules_of(b)


def test_vessels():
    a = one({"goods_description": "steel", "vessel_name": "RYONG GANG", "vessel_mmsi": "445123456"})
    assert "route-dprk-vessel" in rules_of(a)
    b = one({"goods_description": "steel", "vessel_imo": "IMO 9115029"})
    assert "route-vessel-imo-invalid" in rules_of(b)
    c = one({"goods_description": "steel", "vessel_imo": "IMO 9115028"})
    assert not rules_of(c) & {"route-vessel-imo-invalid", "route-dprk-vessel"}
    d = one({"goods_description": "steel", "vessel_imo": "445000001"})  # MMSI typed in the IMO column
    assert "route-dprk-vessel" in rules_of(d)


# ------------------------------------------------------------------------------ parties


def test_designated_party_with_fake_screener(fake_screener):
    recs = [{"shipment_id": f"S{i}", "consignee_name": "Korea Ryonbong General Corp.", "goods_description": "pumps"}
            for i in range(5)]
    alerts = list(screen_shipments(recs, screener=fake_screener, address_index=AddressIndex()))
    assert all(a.level == Level.BLOCK for a in alerts)
    r = reason(alerts[0], "party-designated")
    assert r.evidence["role"] == "consignee" and r.evidence["id"] == "un_sc-KPe.042"
    # one call per distinct normalised name, not per shipment
    assert sum(1 for q, s in fake_screener.calls if q.startswith("Korea Ryonbong")) == 1


def test_possible_match_and_screener_errors(fake_screener):
    recs = [{"shipment_id": "A", "shipper_name": "Chonsurim Trading", "goods_description": "pumps"},
            {"shipment_id": "B", "consignee_name": "Boom Ltd", "goods_description": "pumps"},
            {"shipment_id": "C", "consignee_name": "Plain Ltd", "goods_description": "pumps"}]
    engine = TradeScreener(screener=fake_screener)
    alerts = list(screen_shipments(recs, engine=engine))
    assert "party-possible-match" in rules_of(alerts[0])
    assert alerts[1].level == Level.CLEAR and alerts[2].level == Level.CLEAR
    assert engine.party.stats()["errors"] == 1


def test_shared_address():
    index = AddressIndex()
    index.add("No 99-3 Binjiang Middle Rd, Zhenxing District, Dandong", "us_ofac_sdn-1", "DANDONG DONGYUAN")
    a = one({"goods_description": "laptops", "consignee_address": "99-3 Binjiang Zhong Lu, Zhenxing Qu, Dandong"},
            engine=TradeScreener(address_index=index))
    r = reason(a, "party-shared-address")
    assert r.evidence["entity_id"] == "us_ofac_sdn-1"
    b = one({"goods_description": "laptops", "consignee_address": "12 Binjiang Road, Dandong"},
            engine=TradeScreener(address_index=index))
    assert "party-shared-address" not in rules_of(b)


def test_uscc_region_code():
    a = one({"goods_description": "laptops", "consignee_name": "Some Co 91222401MA0Y31E659"})
    r = reason(a, "party-region-code-border")
    assert r.evidence["county_code"] == "222401" and r.score < 0.3  # Yanji is a hub, not border: half weight


def test_forwarder_and_missing_end_user():
    a = one({"goods_description": "NVIDIA A100 40GB", "consignee_name": "Dalian Ocean Freight Forwarding Co",
             "end_user_name": ""})
    assert {"party-forwarder-consignee", "party-end-user-missing"} <= rules_of(a)
    b = one({"goods_description": "NVIDIA A100 40GB", "consignee_name": "Acme Forwarding",
             "end_user_name": "Tsinghua University"})
    assert not rules_of(b) & {"party-forwarder-consignee", "party-end-user-missing"}
    c = one({"goods_description": "NVIDIA A100 40GB", "consignee_name": "Acme Labs"})  # no end-user column at all
    assert "party-end-user-missing" not in rules_of(c)


def test_behavioural_red_flags():
    a = one({"goods_description": "GPU cards", "quantity": "8", "unit": "pcs", "value_usd": "40000",
             "payment_terms": "Cash", "consignee_address": "Apt 1203, Block 4, Sunshine Garden residential"})
    assert {"redflag-cash-payment", "redflag-residential-gpu", "redflag-first-time-large"} - rules_of(a) == \
        {"redflag-first-time-large"}  # 8 units is not a large first order
    recs = [{"consignee_name": "Dandong Kehua", "goods_description": "anthracite coal"},
            {"consignee_name": "DANDONG KEHUA", "goods_description": "notebook computers"},
            {"consignee_name": "New Buyer Ltd", "goods_description": "graphics cards", "quantity": "50"}]
    alerts = list(screen_shipments(recs, parties=False))
    assert "redflag-mixed-commodity-trader" in rules_of(alerts[1])
    assert "redflag-first-time-large" in rules_of(alerts[2])


# ------------------------------------------------------------------------------ bad input, grades, YAML


@pytest.mark.parametrize(
    "rec",
    [{}, {"quantity": "lots", "value_usd": "free"}, {"quantity": "-5", "value_usd": "1e20"},
     {"hs_code": ["x"], "goods_description": {"a": 1}}, {"goods_description": "x" * 100_000},
     {"consignee_country": 12, "quantity": float("nan")}, {"unknown_column": "?"}],
)
def test_bad_records_never_crash(rec):
    log = ProblemLog()
    alerts = list(screen_shipments([rec], parties=False, problems=log))
    assert len(alerts) == 1


def test_non_mapping_records_are_reported():
    log = ProblemLog()
    alerts = list(screen_shipments([{"shipment_id": "A"}, "oops", 5], parties=False, problems=log))
    assert len(alerts) == 1 and [p.line for p in log.problems] == [2, 3]


def _pack_with(tmp_path, extra: list[dict]) -> str:
    data = yaml.safe_load((RULES_DIR / "trade.yml").read_text(encoding="utf-8"))
    data["rules"].extend(extra)
    path = tmp_path / "trade-plus.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return str(path)


def test_new_banned_category_is_a_yaml_entry(tmp_path):
    rec = {"goods_description": "fireworks", "hs_code": "360410", "consignee_country": "KP"}
    assert "test-explosives" not in rules_of(one(rec))
    pack = _pack_with(tmp_path, [{
        "id": "test-explosives", "family": "goods", "description": "explosives to the DPRK", "weight": 0.9,
        "check": "hs_ban", "direction": "to_dprk", "hs_chapters": [36],
        "citation": {"instrument": "Test instrument", "paragraph": "OP1", "source_id": "S01", "grade": "A"}}])
    a = one(rec, engine=TradeScreener(pack=pack))
    assert reason(a, "test-explosives").citation.instrument == "Test instrument"


def test_new_red_flag_is_a_yaml_entry_and_grade_c_cannot_block(tmp_path):
    pack = _pack_with(tmp_path, [{
        "id": "test-weak", "family": "redflag", "description": "says urgent", "weight": 1.0, "check": "keyword",
        "fields": ["payment_terms"], "keywords": ["urgent"],
        "citation": {"instrument": "Rumour", "source_id": "S27", "grade": "C"}}])
    a = one({"payment_terms": "URGENT cash", "goods_description": "pencils"}, engine=TradeScreener(pack=pack))
    assert rules_of(a) == {"test-weak"}
    assert a.score <= 0.45 and a.level == Level.CLEAR


def test_every_rule_cites_a_register_source():
    from interdict.rules import load_pack

    for rule in load_pack("trade").values():
        assert rule.citation.source_id and rule.citation.source_id.startswith("S"), rule.id
        assert rule.citation.instrument, rule.id
        assert rule.params.get("check"), rule.id


def test_pack_copy_is_independent(tmp_path):
    shutil.copy(RULES_DIR / "trade.yml", tmp_path / "copy.yml")
    engine = TradeScreener(pack=str(tmp_path / "copy.yml"))
    assert set(engine.rules) == set(TradeScreener().rules)


def test_same_listed_party_in_two_roles_is_one_reason(fake_screener):
    rec = {"consignee_name": "Korea Ryonbong General Corp", "end_user_name": "KOREA RYONBONG GENERAL CORPORATION",
           "goods_description": "pumps"}
    a = one(rec, engine=TradeScreener(screener=fake_screener))
    hits = [r for r in a.reasons if r.rule_id == "party-designated"]
    assert len(hits) == 1 and hits[0].evidence["role"] == "consignee, end user"

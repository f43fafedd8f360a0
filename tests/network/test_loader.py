"""Readers: CSV through a followthemoney mapping, trade records, list ids with underscores."""

from __future__ import annotations

from interdict.network.analyze import analyze
from interdict.network.loader import read_inputs, trade_party_id
from interdict.network.normalize import building_key, name_key, norm_phone
from interdict.network.resolve import Decisions

MAPPING = """
entities:
  company:
    schema: Company
    keys: [uscc]
    properties:
      name: {column: company_name}
      uscCode: {column: uscc}
      address: {column: address}
  shareholder:
    schema: LegalEntity
    keys: [shareholder]
    properties:
      name: {column: shareholder}
      topics: {column: shareholder_topics}
  stake:
    schema: Ownership
    keys: [uscc, shareholder]
    properties:
      owner: {entity: shareholder}
      asset: {entity: company}
      percentage: {column: share_pct}
"""


def test_csv_with_ftm_mapping(tmp_path):
    mapping = tmp_path / "m.yml"
    mapping.write_text(MAPPING, encoding="utf-8")
    data = tmp_path / "companies.csv"
    data.write_text(
        "company_name,uscc,address,shareholder,shareholder_topics,share_pct\n"
        "Dandong Example Trading Co,91210603MA0X13G710,No. 5 Jiefang Road,Designated Holding,sanction,30\n"
        "Dandong Example Trading Co,91210603MA0X13G710,No. 5 Jiefang Road,Second Designated,sanction,25\n"
        "Dalian Other Co,91210202MA0Y14H812,No. 9 Renmin Road,Someone Clean,,100\n",
        encoding="utf-8",
    )
    result = analyze([data], mapping=mapping, use_lists=False, decisions=Decisions(tmp_path / "d.jsonl"))
    companies = [e for e in result.graph.entities.values() if e.schema.name == "Company"]
    assert len(companies) == 2
    target = next(c for c in companies if "Example" in c.caption)
    alert = result.alert_for(target.id)
    assert "ofac-50-percent" in {r.rule_id for r in alert.reasons}  # 30% + 25%


def test_bad_mapping_is_an_input_error(tmp_path):
    import pytest

    from interdict.exc import InvalidInput

    mapping = tmp_path / "m.yml"
    mapping.write_text("entities: {x: {schema: Spaceship, keys: [a]}}\n", encoding="utf-8")
    data = tmp_path / "c.csv"
    data.write_text("a\n1\n", encoding="utf-8")
    with pytest.raises(InvalidInput):
        read_inputs([data], mapping=mapping)


def test_trade_records_become_links_with_stable_ids(tmp_path):
    path = tmp_path / "t.jsonl"
    path.write_text(
        '{"shipment_id": "1", "shipper_name": "ACME Co", "consignee_name": "Beta Ltd", "hs_code": "847130"}\n'
        '{"shipment_id": "2", "shipper_name": "acme  co", "consignee_name": "Beta Ltd"}\n'
        '{"shipment_id": "3", "shipper_name": "", "consignee_name": "Beta Ltd"}\n', encoding="utf-8")
    inputs = read_inputs([path])
    assert len(inputs.shipments) == 2
    assert inputs.shipments[0].shipper_id == inputs.shipments[1].shipper_id == trade_party_id("ACME Co")
    assert any("without shipper_name" in p.message for p in inputs.problems.problems)


def test_list_ids_with_underscores_survive_reading(tmp_path):
    path = tmp_path / "r.jsonl"
    path.write_text('{"id": "o1", "schema": "Ownership", "properties": {"owner": ["un_sc-KPe.002"], '
                    '"asset": ["us_ofac_sdn-23171"], "percentage": ["10"]}}\n', encoding="utf-8")
    inputs = read_inputs([path])
    assert inputs.entities["o1"].get("owner") == ["un_sc-KPe.002"]


def test_normalisers():
    assert building_key("Room 303, Unit 2, Building Number 3, Number 99 Binjiang Lu (Road), Zhenxing District") == "binjiang|99"
    assert building_key("辽宁省丹东市振兴区滨江中路99-3号") == "binjiang|99"
    assert building_key("Dom 113/5, Vokzalnaya St., Artyom") == "vokzalnaya|113"
    assert building_key("somewhere") is None
    assert name_key("延边银星网络科技有限公司") == "yanbianyinxing"
    assert name_key("YANBIAN SILVERSTAR NETWORK TECHNOLOGY CO., LTD.") == "yanbiansilverstar"
    assert name_key("Co Ltd") is None
    assert norm_phone("+86 415 312 3456") == norm_phone("0415-3123456")
    assert norm_phone("123") is None

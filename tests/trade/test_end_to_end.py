"""End to end with the real party-screening engine over the bundled UN consolidated list."""

from __future__ import annotations

import pytest

from interdict.model import Level
from interdict.trade import AddressIndex, TradeScreener, screen_shipments

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def un_entities():
    from interdict.sources import bundled_snapshot, read_source

    return list(read_source("un_sc", bundled_snapshot("un_sc").paths()).entities)


@pytest.fixture(scope="module")
def engine_parts(un_entities):
    from interdict.screening import Screener

    return Screener.from_entities(un_entities), AddressIndex.from_entities(un_entities)


def test_designated_consignee_under_another_spelling(engine_parts):
    screener, addresses = engine_parts
    engine = TradeScreener(screener=screener, address_index=addresses)
    recs = [
        {"shipment_id": "E1", "consignee_name": "KOREA MINING DEVELOPMENT TRADING CORP.", "consignee_country": "CN",
         "goods_description": "CNC machine tools", "hs_code": "845811", "final_destination": "Dalian"},
        {"shipment_id": "E2", "consignee_name": "Korea Ryonbong General Corp", "goods_description": "trucks"},
        {"shipment_id": "E3", "consignee_name": "Siemens AG", "consignee_country": "DE",
         "goods_description": "Laptop computers", "hs_code": "847130", "final_destination": "Munich"},
    ]
    alerts = {a.subject: a for a in screen_shipments(recs, engine=engine)}
    for sid in ("E1", "E2"):
        r = next(r for r in alerts[sid].reasons if r.rule_id == "party-designated")
        assert r.evidence["id"].startswith("un_sc-KPe."), r.evidence
        assert alerts[sid].level == Level.BLOCK
    assert alerts["E3"].level == Level.CLEAR
    assert engine.party.stats()["screened_names"] == 3


def test_address_index_from_list_entities(engine_parts):
    _, addresses = engine_parts
    assert len(addresses) > 0

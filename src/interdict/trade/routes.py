"""Where a shipment starts, passes and ends, read from its address, port and country fields.

:func:`analyse_route` looks every destination-side and origin-side field up with
:func:`interdict.trade.places.find_places` and country codes with ``rigour``, and returns the facts the
route rules use: DPRK at either end, Chinese border counties (G-01), DPRK-nexus hubs (G-02), the
Guomenwan border trade zone (TP-11), and the countries the route claims.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from interdict.trade.places import Place, find_places, is_dprk_country

__all__ = ["RouteFacts", "PlaceSeen", "analyse_route", "country_code", "DEST_FIELDS", "ORIGIN_FIELDS"]

# Fields that say where goods go, strongest first. Names are included: Chinese company names carry
# their city ("Dandong Hongxiang Industrial Development").
DEST_FIELDS = (
    "final_destination", "end_user_address", "consignee_address", "port_of_discharge",
    "consignee_country", "end_user_name", "consignee_name", "notify_party_address",
)
ORIGIN_FIELDS = ("port_of_loading", "shipper_address", "shipper_country", "shipper_name")


@dataclass(frozen=True)
class PlaceSeen:
    field: str
    value: str
    place: Place

    def to_dict(self) -> dict[str, Any]:
        return {"field": self.field, "value": self.value, "place": self.place.label(), "kind": self.place.kind,
                "code": self.place.code, "source_id": self.place.source_id, "grade": self.place.grade}


@dataclass
class RouteFacts:
    dest: list[PlaceSeen] = field(default_factory=list)
    origin: list[PlaceSeen] = field(default_factory=list)
    dprk_dest: list[tuple[str, str]] = field(default_factory=list)  # (field, value)
    dprk_origin: list[tuple[str, str]] = field(default_factory=list)
    consignee_country: str | None = None
    final_country: str | None = None

    @property
    def border(self) -> list[PlaceSeen]:
        return [p for p in self.dest if p.place.is_border and not p.place.is_dprk]

    @property
    def hubs(self) -> list[PlaceSeen]:
        return [p for p in self.dest if p.place.is_hub]

    @property
    def trade_zone(self) -> list[PlaceSeen]:
        return [p for p in self.dest if p.place.kind == "trade_zone"]

    def at(self, field_name: str) -> list[PlaceSeen]:
        return [p for p in self.dest if p.field == field_name]


_COMMON = {
    "kp": "kp", "prk": "kp", "chn": "cn", "china": "cn", "prc": "cn", "中国": "cn", "people's republic of china": "cn",
    "hkg": "hk", "hong kong": "hk", "香港": "hk", "kor": "kr", "south korea": "kr", "korea, south": "kr",
    "republic of korea": "kr", "rus": "ru", "russia": "ru", "usa": "us", "united states": "us", "deu": "de",
    "germany": "de", "jpn": "jp", "japan": "jp", "vnm": "vn", "vietnam": "vn", "viet nam": "vn", "sgp": "sg",
    "singapore": "sg", "are": "ae", "uae": "ae", "mng": "mn", "mongolia": "mn", "nld": "nl", "ind": "in",
    "mys": "my", "tha": "th", "twn": "tw", "taiwan": "tw", "gbr": "gb", "uk": "gb", "united kingdom": "gb",
}


@lru_cache(maxsize=4096)
def country_code(value: str) -> str | None:
    """ISO alpha-2 (lower case) for a country code or name in English or Chinese, or None."""
    text = value.strip()
    if not text or len(text) > 80:
        return None
    low = text.casefold()
    if low in _COMMON:
        return _COMMON[low]
    if len(text) == 2 and text.isascii() and text.isalpha():
        return low
    if is_dprk_country(text):
        return "kp"
    try:
        from rigour.territories import lookup_territory

        territory = lookup_territory(text)
    except Exception:  # noqa: BLE001 - a lookup problem is "unknown country"
        territory = None
    if territory is None:
        return None
    code = str(territory.code).lower()
    return code.split("-")[0] if code else None


def _text(record: dict[str, Any], key: str) -> str | None:
    value = record.get(key)
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def analyse_route(record: dict[str, Any]) -> RouteFacts:
    facts = RouteFacts()
    for name in DEST_FIELDS:
        value = _text(record, name)
        if not value:
            continue
        if name == "consignee_country":
            facts.consignee_country = country_code(value)
            if facts.consignee_country == "kp":
                facts.dprk_dest.append((name, value))
            continue
        for place in find_places(value):
            facts.dest.append(PlaceSeen(name, value, place))
            if place.is_dprk:
                facts.dprk_dest.append((name, value))
    for name in ORIGIN_FIELDS:
        value = _text(record, name)
        if not value:
            continue
        if name == "shipper_country":
            if country_code(value) == "kp":
                facts.dprk_origin.append((name, value))
            continue
        for place in find_places(value):
            facts.origin.append(PlaceSeen(name, value, place))
            if place.is_dprk:
                facts.dprk_origin.append((name, value))
    places = [p.place for p in facts.at("final_destination")]
    facts.final_country = places[0].country if places else None
    return facts

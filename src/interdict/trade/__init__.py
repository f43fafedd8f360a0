"""Trade screening: goods, places, routes and parties of shipments and orders (issue 5).

- :func:`screen_shipments` yields one explained :class:`~interdict.model.Alert` per shipment from a
  file (CSV, JSON lines, Parquet), a DataFrame or dicts; :func:`screen_file` also writes the
  JSON lines / CSV output and the HTML report.
- :mod:`.goods` HS 2022 checks, description classification, product models -> ECCN.
- :mod:`.places` DPRK places and the Chinese border geography; :mod:`.identifiers` IMO, MMSI, USCC.
- Rules with their citations live in ``interdict/rules/trade.yml``.
"""

from interdict.trade.goods import check_hs, classify, detect_models
from interdict.trade.identifiers import imo_valid, mmsi_is_dprk, uscc_region, uscc_valid
from interdict.trade.parties import AddressIndex, PartyScreener
from interdict.trade.places import Place, find_places, match_place, place_for_uscc
from interdict.trade.shipments import (
    COLUMNS,
    AlertWriter,
    RunSummary,
    TradeScreener,
    iter_records,
    screen_file,
    screen_shipments,
)

__all__ = [
    "COLUMNS",
    "AddressIndex",
    "AlertWriter",
    "PartyScreener",
    "Place",
    "RunSummary",
    "TradeScreener",
    "check_hs",
    "classify",
    "detect_models",
    "find_places",
    "imo_valid",
    "iter_records",
    "match_place",
    "mmsi_is_dprk",
    "place_for_uscc",
    "screen_file",
    "screen_shipments",
    "uscc_region",
    "uscc_valid",
]

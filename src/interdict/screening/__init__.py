"""Party screening: is this name or party on a sanctions list, how sure are we, and why.

>>> import interdict
>>> result = interdict.screen("김정은")                       # doctest: +SKIP
>>> result.results[0].caption, result.results[0].score       # doctest: +SKIP
('KIM, Jong Un', 0.97)

- :func:`screen` one name or party; :func:`screen_batch` many (iterable, or a pandas DataFrame);
  :func:`compare` one pair; :func:`screen_alert` the shared :class:`~interdict.model.Alert`.
- :class:`Screener` keeps the index in memory; the module functions share one opened on first use
  (``Screener.open()``), so engines that screen many parties should hold their own.
- :mod:`.io` reads and writes party files (CSV, JSON lines, Parquet, FtM JSON lines).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import Any

from interdict.matching.query import PartyQuery, make_query
from interdict.screening.results import ComparisonResult, Match, ScreeningResult
from interdict.screening.screener import DATASETS, Screener, result_alert

__all__ = [
    "DATASETS",
    "ComparisonResult",
    "Match",
    "PartyQuery",
    "Screener",
    "ScreeningResult",
    "compare",
    "get_screener",
    "make_query",
    "reset",
    "result_alert",
    "screen",
    "screen_alert",
    "screen_batch",
]

_DEFAULT: Screener | None = None
_LOCK = threading.Lock()


def get_screener() -> Screener:
    """The process-wide screener over the store's current lists (opened on first use)."""
    global _DEFAULT
    with _LOCK:
        if _DEFAULT is None:
            _DEFAULT = Screener.open()
        return _DEFAULT


def reset() -> None:
    """Forget the process-wide screener (after the lists change, or between tests)."""
    global _DEFAULT
    with _LOCK:
        _DEFAULT = None


def screen(
    query: Any,
    *,
    schema: str | None = None,
    countries: Any = None,
    birth_date: Any = None,
    identifiers: Any = None,
    threshold: float | None = None,
    limit: int = 10,
    dataset: str = "default",
    screener: Screener | None = None,
) -> ScreeningResult:
    """Screen one name or party against the lists.

    Args:
        query: a name, a :class:`PartyQuery`, an FtM-style dict ``{"schema", "properties"}`` or an
            FtM EntityProxy.
        schema: ``Person``, ``Company``, ``Organization``, ``LegalEntity``, ``Vessel`` or None (any).
        countries: country codes or names (nationality, jurisdiction, flag...).
        birth_date: ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` (or several).
        identifiers: IMO, MMSI, registration number, USCC, passport, SWIFT... (a list, or a dict by
            FtM property name such as ``{"imoNumber": "9123456"}``).
        threshold: score at or above which a result is a match (default: the calibrated threshold).
        limit: at most this many parties returned.
        dataset: ``default`` (all lists), ``dprk``, or one source (``un``, ``ofac``, ``csl``, ``us_ofac_sdn``...).
        screener: a :class:`Screener` to use instead of the shared one.
    """
    screener = screener or get_screener()
    return screener.screen(query, schema=schema, countries=countries, birth_date=birth_date,
                           identifiers=identifiers, threshold=threshold, limit=limit, dataset=dataset)


def screen_alert(query: Any, *, subject: str | None = None, screener: Screener | None = None,
                 **kwargs: Any) -> Any:
    """Screen one party and return the shared Alert shape (engine ``screening``)."""
    return result_alert(screen(query, screener=screener, **kwargs), subject=subject)


def compare(a: Any, b: Any, schema: str | None = None, *, threshold: float | None = None,
            screener: Screener | None = None) -> ComparisonResult:
    """Score whether ``a`` and ``b`` (names, FtM dicts or entities) are the same party, with explanations."""
    screener = screener or get_screener()
    return screener.compare(a, b, schema=schema, threshold=threshold)


def _rows(data: Any) -> Iterable[Any]:
    if hasattr(data, "to_dict") and hasattr(data, "columns"):  # pandas DataFrame
        return data.to_dict("records")
    if hasattr(data, "to_pylist"):  # pyarrow Table
        return data.to_pylist()
    return data


def screen_batch(
    data: Any,
    *,
    threshold: float | None = None,
    limit: int = 5,
    dataset: str = "default",
    screener: Screener | None = None,
    explain: bool = False,
) -> Any:
    """Screen many parties: an iterable of names/dicts/queries, a pandas DataFrame or a pyarrow Table.

    Rows are dicts with ``name`` (or FtM ``properties``) and optional ``schema``, ``birth_date``,
    ``country``, ``identifier``. Returns a list of :class:`ScreeningResult` in input order, or for
    a DataFrame a DataFrame with one row per input row (``match``, ``score``, best ``id``,
    ``caption``, ``source``, ``source_id``, ``also_on``). A row with nothing to screen gets a result
    with no matches and its problems listed; it never stops the batch.
    """
    screener = screener or get_screener()
    is_frame = hasattr(data, "to_dict") and hasattr(data, "columns")
    results = []
    from interdict.screening.io import clean_query_input

    for row in _rows(data):
        row, notes = clean_query_input(row)  # control characters, overlong names: cleaned with a warning
        pq = make_query(row)
        pq.problems[:0] = notes
        results.append(screener.screen_query(pq, threshold=threshold, limit=limit, dataset=dataset,
                                             explain_results=explain))
    if not is_frame:
        return results
    import pandas as pd  # only when the caller passed a DataFrame, so pandas is there

    flat = []
    for r in results:
        best = r.best
        flat.append({
            "match": bool(best and best.match),
            "score": best.score if best else 0.0,
            "id": best.id if best else None,
            "caption": best.caption if best else None,
            "source": best.source if best else None,
            "source_id": best.source_id if best else None,
            "also_on": ";".join(f"{a['source']}:{a['source_id']}" for a in best.also_on) if best else "",
            "problems": "; ".join(r.problems),
        })
    return pd.DataFrame(flat, index=data.index)

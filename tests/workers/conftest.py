"""Small builders for contractor profiles and event files (inline data, nothing from /work/shared)."""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

EVENT_FIELDS = ["account_id", "timestamp", "ip", "country", "city", "vpn", "device_id", "locale", "remote_access",
                "session_seconds", "payout_account", "payout_country", "payout_amount", "payout_method",
                "payout_holder"]


def write_csv(path: Path, rows: list[dict[str, Any]], fields: list[str] | None = None) -> Path:
    fields = fields or sorted({k for r in rows for k in r})
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        for row in rows:
            writer.writerow({k: ("" if row.get(k) is None else row.get(k)) for k in fields})
    return path


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row) + "\n")
    return path


def write_events(folder: Path, rows: list[dict[str, Any]], fmt: str, row_group_size: int | None = None) -> Path:
    """``rows`` as an event file ``e.<fmt>`` (csv, jsonl or parquet) in ``folder``; in Parquet every
    column is a string column and empty values are nulls, as an export would write them."""
    if fmt == "csv":
        return write_csv(folder / "e.csv", rows, EVENT_FIELDS)
    if fmt == "jsonl":
        return write_jsonl(folder / "e.jsonl", rows)
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = folder / "e.parquet"
    table = pa.Table.from_pylist([{k: (None if r.get(k) in (None, "") else str(r[k])) for k in EVENT_FIELDS}
                                  for r in rows], schema=pa.schema([(k, pa.string()) for k in EVENT_FIELDS]))
    pq.write_table(table, path, row_group_size=row_group_size)
    return path


def profile(pid: str, **fields: Any) -> dict[str, Any]:
    base = {"id": pid, "name": f"Person {pid}", "country": "US", "city": "Boston", "timezone": "America/New_York",
            "email": f"{pid}@example.com", "languages": ["en"]}
    base.update(fields)
    return base


def events_at_hours(account: str, hours_utc: list[int], days: int = 10, **fields: Any) -> list[dict[str, Any]]:
    """One event per (day, UTC hour), starting 2025-03-03 (a Monday)."""
    start = datetime(2025, 3, 3, tzinfo=UTC)
    rows = []
    for d in range(days):
        for h in hours_utc:
            ts = start + timedelta(days=d, hours=h, minutes=7)
            row = {"account_id": account, "timestamp": ts.strftime("%Y-%m-%dT%H:%M:%SZ"), "ip": "73.12.40.5",
                   "country": "US", "vpn": "false", "device_id": f"dev-{account}", "locale": "en-US",
                   "session_seconds": 3600}
            row.update(fields)
            rows.append(row)
    return rows


@pytest.fixture
def tmp(tmp_path: Path) -> Path:
    return tmp_path


class FakeScreener:
    """Stands in for interdict.screening.Screener: a fixed list of (name, id) hits; counts calls."""

    def __init__(self, listed: dict[str, str]):
        self.listed = {k.lower(): v for k, v in listed.items()}
        self.calls: list[tuple[str, str | None]] = []

    def screen(self, query: Any, *, schema: str | None = None, countries: Any = None, **kwargs: Any) -> Any:
        self.calls.append((query, schema))

        class Match:
            def __init__(self, mid: str, caption: str, hit_schema: str):
                self.id, self.caption, self.score, self.match = mid, caption, 0.93, True
                self.source, self.programs, self.schema, self.dprk = "un_sc", ["DPRK"], hit_schema, True
                self.matched_name = caption

        class Result:
            def __init__(self, results: list[Any]):
                self.results = results

        hit = self.listed.get(str(query).lower())
        hit_schema = "Company" if schema == "Organization" else "Person"
        return Result([Match(hit, str(query).upper(), hit_schema)] if hit else [])

"""Activity events, streamed in constant memory into per-account aggregates.

Events come from CSV, JSON lines or Parquet. They are read in Arrow record batches (pyarrow's
streaming CSV reader or Parquet row groups; a tolerant line-by-line reader for JSON lines and for
CSV files with unreadable rows) and folded into per-account aggregates with vectorised numpy code:

* hour-of-day histogram in UTC, first/last timestamp, event counts;
* share of VPN/proxy/hosting egress, of Korean UI/keyboard locale, of logins outside the claimed
  country, of logins from Chinese border cities and hubs;
* rapid country switches (different countries within a short window, non-VPN egress) between
  events of one account consecutive in time, whatever their order in the file (see ``_Timelines``);
* longest session; remote-access tools seen; DPRK IP space hits;
* capped sets: countries, IPs and devices per account; accounts per IP, device and payout account
  (a key with more accounts than the cap is marked *common* and stops linking: VPN exits, NAT).

Nothing keeps raw events: memory grows with the number of accounts and of distinct IPs/devices
(each capped), not with the number of events (the 24-byte NET-01 timeline rows go to a temporary
file past ``SWITCH_MEMORY_ROWS``). The raw line number of the first event behind each
signal is kept as evidence. Bad events (malformed IP, timestamp without zone, unknown country,
unknown account, exact duplicates) are reported with their line numbers and handled; the rest of the
stream is still aggregated.
"""

from __future__ import annotations

import csv
import ipaddress
import json
import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from interdict.exc import InvalidInput, ProblemLog
from interdict.textio import LineDecoder, has_utf16_bom, looks_binary, utf16_lines
from interdict.workers.profiles import clean_country

__all__ = ["EventAggregates", "aggregate_events", "EVENT_COLUMNS", "iter_event_batches", "PlaceLookup"]

EVENT_COLUMNS = [
    "account_id",
    "timestamp",
    "ip",
    "asn",
    "country",
    "city",
    "vpn",
    "device_id",
    "os",
    "locale",
    "keyboard_locale",
    "remote_access",
    "session_seconds",
    "payout_amount",
    "payout_account",
    "payout_country",
    "payout_method",
    "payout_holder",
]
_ALIASES = {
    "account": "account_id",
    "contractor_id": "account_id",
    "ts": "timestamp",
    "time": "timestamp",
    "ip_address": "ip",
    "geo_country": "country",
    "geo_city": "city",
    "vpn_proxy_hosting": "vpn",
    "proxy": "vpn",
    "device": "device_id",
    "ui_locale": "locale",
    "remote_software": "remote_access",
    "session_length": "session_seconds",
    "session_length_seconds": "session_seconds",
}
_TRUE = {"1", "true", "t", "yes", "y", "vpn", "proxy", "hosting", "tor", "datacenter"}
_FALSE = {"", "0", "false", "f", "no", "n", "none", "residential", "mobile"}
_NO_TOOL = {"", "none", "no", "-", "null", "false", "0"}

# Caps on what is kept per key (memory bound, and rarity: a key over the cap stops linking).
COUNTRY_CAP = 32
IP_PER_ACCOUNT_CAP = 64
DEVICE_PER_ACCOUNT_CAP = 32
ACCOUNTS_PER_KEY_CAP = 50
DISTINCT_KEY_CAP = 5_000_000
REPORT_PER_KIND = 1_000  # line-level problem reports per kind (all are counted)

KP_NET = ipaddress.ip_network("175.45.176.0/22")

PlaceLookup = Callable[[str], "str | None"]  # city text -> "border", "hub" or None


@dataclass
class _KeyTable:
    """Distinct values of one column (IP, device, payout account) -> code and linked accounts."""

    cap_accounts: int = ACCOUNTS_PER_KEY_CAP
    codes: dict[str, int] = field(default_factory=dict)
    values: list[str] = field(default_factory=list)
    accounts: list[set[int] | None] = field(default_factory=list)  # None once over the cap = common
    counts: list[int] = field(default_factory=list)
    saturated: bool = False

    def code(self, value: str) -> int:
        code = self.codes.get(value)
        if code is None:
            if len(self.values) >= DISTINCT_KEY_CAP:
                self.saturated = True
                return -1
            code = len(self.values)
            self.codes[value] = code
            self.values.append(value)
            self.accounts.append(set())
            self.counts.append(0)
        return code

    def link(self, code: int, account: int) -> None:
        members = self.accounts[code]
        if members is None:
            return
        members.add(account)
        if len(members) > self.cap_accounts:
            self.accounts[code] = None

    def n_accounts(self, code: int) -> int:
        members = self.accounts[code]
        return self.cap_accounts + 1 if members is None else len(members)


@dataclass
class EventAggregates:
    """Per-account aggregates of an event stream (index = position in ``account_ids``)."""

    account_ids: list[str]
    claimed_country: list[str | None]
    window_seconds: int = 90 * 60
    n: np.ndarray = field(init=False)
    n_timed: np.ndarray = field(init=False)
    hours: np.ndarray = field(init=False)
    vpn: np.ndarray = field(init=False)
    korean: np.ndarray = field(init=False)
    abroad: np.ndarray = field(init=False)
    nexus: np.ndarray = field(init=False)
    switches: np.ndarray = field(init=False)
    max_session: np.ndarray = field(init=False)
    long_sessions: np.ndarray = field(init=False)
    first_ts: np.ndarray = field(init=False)
    last_ts: np.ndarray = field(init=False)
    kp_hits: np.ndarray = field(init=False)
    kp_weak_hits: np.ndarray = field(init=False)
    lines: dict[str, np.ndarray] = field(init=False)
    countries: list[set[str]] = field(init=False)
    ips: list[set[int]] = field(init=False)
    ip_overflow: np.ndarray = field(init=False)
    devices: list[set[int]] = field(init=False)
    tools: list[set[str]] = field(init=False)
    locales: list[set[str]] = field(init=False)
    nexus_cities: list[set[str]] = field(init=False)
    kp_ips: list[set[str]] = field(init=False)
    payouts: list[dict[str, dict[str, Any]]] = field(init=False)
    ip_table: _KeyTable = field(default_factory=_KeyTable)
    device_table: _KeyTable = field(default_factory=_KeyTable)
    payout_table: _KeyTable = field(default_factory=_KeyTable)
    unknown_accounts: dict[str, list[int]] = field(default_factory=dict)  # id -> [count, first line]
    problem_counts: dict[str, int] = field(default_factory=dict)
    events_read: int = 0
    events_used: int = 0
    duplicates: int = 0
    reader: str = ""

    def __post_init__(self) -> None:
        size = len(self.account_ids)
        self.index = {aid: i for i, aid in enumerate(self.account_ids)}
        self.n = np.zeros(size, np.int64)
        self.n_timed = np.zeros(size, np.int64)
        self.hours = np.zeros((size, 24), np.int64)
        self.vpn = np.zeros(size, np.int64)
        self.korean = np.zeros(size, np.int64)
        self.abroad = np.zeros(size, np.int64)
        self.nexus = np.zeros(size, np.int64)
        self.switches = np.zeros(size, np.int64)
        self.max_session = np.zeros(size, np.float64)
        self.long_sessions = np.zeros(size, np.int64)
        self.first_ts = np.full(size, np.iinfo(np.int64).max, np.int64)
        self.last_ts = np.full(size, np.iinfo(np.int64).min, np.int64)
        self.kp_hits = np.zeros(size, np.int64)
        self.kp_weak_hits = np.zeros(size, np.int64)
        self.ip_overflow = np.zeros(size, np.int64)
        names = ["first", "kp", "kp_weak", "switch", "session", "korean", "remote", "nexus", "vpn", "abroad"]
        self.lines = {name: np.full(size, -1, np.int64) for name in names}
        self.countries = [set() for _ in range(size)]
        self.ips = [set() for _ in range(size)]
        self.devices = [set() for _ in range(size)]
        self.tools = [set() for _ in range(size)]
        self.locales = [set() for _ in range(size)]
        self.nexus_cities = [set() for _ in range(size)]
        self.kp_ips = [set() for _ in range(size)]
        self.payouts = [dict() for _ in range(size)]
        self._claimed = np.array([self._country_code(c) if c else -1 for c in self.claimed_country], np.int64)
        self._recent_keys: np.ndarray | None = None
        self.ip_kind = np.zeros(1024, np.int8)  # per IP code: 0 normal, 1 DPRK space, 2 weak range
        self.ip_vpn = np.zeros(1024, bool)  # per IP code: seen as a VPN/proxy/hosting exit
        self.ip_common = np.zeros(1024, bool)  # per IP code: used by more accounts than the cap
        self._seen: dict[str, set[int]] = {}

    # ------------------------------------------------------------------ code tables
    def _country_code(self, iso: str) -> int:
        if not hasattr(self, "_ccodes"):
            self._ccodes: dict[str, int] = {}
            self._clist: list[str] = []
        code = self._ccodes.get(iso)
        if code is None:
            code = len(self._clist)
            self._ccodes[iso] = code
            self._clist.append(iso)
        return code

    def country_name(self, code: int) -> str:
        return self._clist[code]


# ============================================================================ helpers


def _problem(agg: EventAggregates, problems: ProblemLog, kind: str, message: str, line: int, file: str | None, **extra: Any) -> None:
    count = agg.problem_counts.get(kind, 0)
    agg.problem_counts[kind] = count + 1
    if count < REPORT_PER_KIND:
        problems.add(message, file=file, line=int(line), **extra)


def _encode(column: pa.Array | pa.ChunkedArray, mapper: Callable[[str], int], cache: dict[str, int], null_code: int) -> np.ndarray:
    """Map each row's string to an int code, calling ``mapper`` once per distinct value ever seen."""
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    if not pa.types.is_string(column.type) and not pa.types.is_large_string(column.type):
        column = pc.cast(column, pa.string())
    encoded = pc.dictionary_encode(column)
    dictionary = encoded.dictionary.to_pylist()
    lookup = np.empty(len(dictionary) + 1, np.int64)
    for i, value in enumerate(dictionary):
        code = cache.get(value)
        if code is None:
            code = mapper(value)
            cache[value] = code
        lookup[i] = code
    lookup[len(dictionary)] = null_code
    indices = pc.fill_null(encoded.indices, len(dictionary)).to_numpy(zero_copy_only=False)
    return lookup[indices]


def _to_float(column: pa.Array) -> np.ndarray:
    if pa.types.is_floating(column.type) or pa.types.is_integer(column.type):
        return pc.fill_null(pc.cast(column, pa.float64()), np.nan).to_numpy(zero_copy_only=False)
    col = pc.cast(column, pa.string()) if not pa.types.is_string(column.type) else column
    try:
        out = pc.cast(col, pa.float64())
    except pa.ArrowInvalid:
        ok = pc.match_substring_regex(col, r"^\s*[-+]?\d+(\.\d*)?([eE][-+]?\d+)?\s*$")
        out = pc.cast(pc.utf8_trim_whitespace(pc.if_else(ok, col, pa.scalar(None, pa.string()))), pa.float64())
    return pc.fill_null(out, np.nan).to_numpy(zero_copy_only=False)


_NO_TS = np.iinfo(np.int64).min


def _strptime_np(col: pa.Array, fmt: str) -> np.ndarray:
    parsed = pc.strptime(col, format=fmt, unit="s", error_is_null=True)
    return pc.fill_null(parsed.cast(pa.int64()), _NO_TS).to_numpy(zero_copy_only=False).astype(np.int64)


def _timestamps(column: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Seconds since the epoch (UTC) and a per-row status: 0 ok, 1 no zone (assumed UTC), 2 bad, 3 missing.

    Vectorised: ISO 8601 with ``T`` or space and a zone (``Z``, ``+09:00``, ``+0900``) parse in one
    pass; only rows that fail are normalised (fractions, missing seconds) and tried without zone.
    """
    n = len(column)
    status = np.zeros(n, np.int8)
    if pa.types.is_timestamp(column.type):
        if column.type.tz is None:
            status[:] = 1
        secs = pc.cast(column, pa.timestamp("s", tz=column.type.tz)).cast(pa.int64())
        null = pc.is_null(secs).to_numpy(zero_copy_only=False)
        out = pc.fill_null(secs, _NO_TS).to_numpy(zero_copy_only=False).astype(np.int64)
        status[null] = 3
        return out, status
    col = pc.cast(column, pa.string()) if not pa.types.is_string(column.type) else column
    out = _strptime_np(col, "%Y-%m-%dT%H:%M:%S%z")
    bad = np.nonzero(out == _NO_TS)[0]
    if not len(bad):
        return out, status
    sub = col.take(pa.array(bad))
    missing = pc.is_null(sub).to_numpy(zero_copy_only=False)
    norm = pc.replace_substring_regex(
        pc.utf8_trim_whitespace(sub), r"^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(?::\d{2})?)(?:[.,]\d+)?\s*", r"\1T\2"
    )
    norm = pc.replace_substring_regex(norm, r"^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2})($|[+Z-])", r"\1:00\2")
    zoned = _strptime_np(norm, "%Y-%m-%dT%H:%M:%S%z")
    naive = _strptime_np(norm, "%Y-%m-%dT%H:%M:%S")
    sub_status = np.where(missing, 3, np.where(zoned != _NO_TS, 0, np.where(naive != _NO_TS, 1, 2))).astype(np.int8)
    out[bad] = np.where(zoned != _NO_TS, zoned, np.where(naive != _NO_TS, naive, _NO_TS))
    status[bad] = sub_status
    return out, status


def _classify_ip(value: str) -> tuple[int, int]:
    """(kind, valid): kind 0 normal, 1 in DPRK space, 2 in a weak (grade C) range."""
    try:
        address = ipaddress.ip_address(value.strip())
    except ValueError:
        return 0, 0
    if address.version == 4:
        if address in KP_NET:
            return 1, 1
        if address in _WEAK_NETS[0] or address in _WEAK_NETS[1]:
            return 2, 1
    elif address.ipv4_mapped is not None and address.ipv4_mapped in KP_NET:
        return 1, 1
    return 0, 1


_WEAK_NETS = (ipaddress.ip_network("210.52.109.0/24"), ipaddress.ip_network("77.94.35.0/24"))


def _normalise_tool(value: str) -> str:
    text = value.strip().lower()
    return "" if text in _NO_TOOL else text


def _is_korean_locale(value: str) -> bool:
    text = value.strip().lower().replace("_", "-")
    return text.startswith("ko") or "korean" in text or "hangul" in text or "2-set" in text


# ============================================================================ aggregation


SWITCH_MEMORY_ROWS = 1 << 18  # NET-01 timeline rows kept in memory; beyond, in a temporary file

_TIMELINE = np.dtype([("acct", "<i4"), ("country", "<i4"), ("ts", "<i8"), ("line", "<i8")])  # 24 bytes


class _Timelines:
    """(account, time, country, line) of the non-VPN events with a time and a country, for NET-01.

    A country switch is two events of one account that are consecutive *in time*, so switches can
    only be counted once every event is known: an account's events may come in any order and be cut
    into batches anywhere (comparing each batch with a carried "latest event" missed every event
    older than the carry: the result depended on where blocks were cut). Batches are kept as they
    come; past ``budget`` rows in memory they are sorted by account (stable: file order kept) and
    appended to an anonymous temporary file as one run. At the end accounts are taken in groups of
    at most ``budget`` rows (one account with more is a group of its own), their slices gathered
    from every run in file order, stably sorted by (account, time) - ties stay in file order - and
    each event compared with its predecessor. Memory: a few times ``budget`` x 24 bytes.
    """

    def __init__(self, size: int, budget: int | None = None) -> None:
        self.size = size
        self.budget = budget or SWITCH_MEMORY_ROWS
        self.counts = np.zeros(size, np.int64)
        self.memory: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []
        self.in_memory = 0
        self.runs: list[tuple[int, int]] = []  # (first row, rows) of each run in the file
        self.rows_on_disk = 0
        self.file: IO[bytes] | None = None

    def add(self, acct: np.ndarray, ts: np.ndarray, country: np.ndarray, line: np.ndarray) -> None:
        self.memory.append((acct.astype(np.int32), country.astype(np.int32), ts, line))
        self.counts += np.bincount(acct, minlength=self.size)
        self.in_memory += len(acct)
        if self.in_memory > self.budget:
            self._spill()

    def _columns(self) -> list[np.ndarray]:
        return [np.concatenate(column) for column in zip(*self.memory, strict=True)]

    def _spill(self) -> None:
        acct, country, ts, line = self._columns()
        order = np.argsort(acct, kind="stable")
        run = np.empty(len(order), _TIMELINE)
        run["acct"], run["country"], run["ts"], run["line"] = acct[order], country[order], ts[order], line[order]
        if self.file is None:
            self.file = tempfile.TemporaryFile(prefix="interdict-net01-")
        self.file.write(run.tobytes())
        self.runs.append((self.rows_on_disk, len(run)))
        self.rows_on_disk += len(run)
        self.memory, self.in_memory = [], 0

    def switches(self, window_seconds: int) -> tuple[np.ndarray, np.ndarray]:
        """Switches per account and the lowest line number of a switching event (-1 if none)."""
        counts = np.zeros(self.size, np.int64)
        first = np.full(self.size, np.iinfo(np.int64).max, np.int64)
        if self.file is None:
            if self.memory:
                self._count(*self._columns(), window_seconds, counts, first)
        else:
            if self.memory:
                self._spill()
            self.file.flush()
            total = np.cumsum(self.counts)
            lo, bounds = 0, [0] * len(self.runs)  # each run is read front to back, one account group at a time
            while lo < self.size:
                before = int(total[lo - 1]) if lo else 0
                hi = max(lo + 1, int(np.searchsorted(total, before + self.budget, side="right")))
                parts = []
                for k, (start, n) in enumerate(self.runs):
                    end = self._lower_bound(start, n, hi)
                    if end > bounds[k]:
                        parts.append(self._read(start + bounds[k], end - bounds[k]))
                    bounds[k] = end
                if parts:
                    rows = np.concatenate(parts)
                    self._count(rows["acct"], rows["country"], rows["ts"], rows["line"], window_seconds, counts, first)
                lo = hi
        first[first == np.iinfo(np.int64).max] = -1
        return counts, first

    def _read(self, row: int, n: int) -> np.ndarray:
        # explicit reads, not a memory map: mapped pages would count in the process's resident memory
        data = os.pread(self.file.fileno(), n * _TIMELINE.itemsize, row * _TIMELINE.itemsize)  # type: ignore[union-attr]
        return np.frombuffer(data, _TIMELINE)

    def _lower_bound(self, start: int, n: int, account: int) -> int:
        """First row of the run (``start``, ``n`` rows, sorted by account) whose account is >= ``account``."""
        lo, hi = 0, n
        while lo < hi:
            mid = (lo + hi) // 2
            if int(self._read(start + mid, 1)["acct"][0]) < account:
                lo = mid + 1
            else:
                hi = mid
        return lo

    @staticmethod
    def _count(acct: np.ndarray, country: np.ndarray, ts: np.ndarray, line: np.ndarray, window_seconds: int,
               counts: np.ndarray, first: np.ndarray) -> None:
        span = int(ts.max()) - int(ts.min()) + 1
        if (int(acct.max()) + 1) * span < 1 << 62:  # one stable sort of a combined key
            order = np.argsort(acct.astype(np.int64) * span + (ts - ts.min()), kind="stable")
        else:
            order = np.lexsort((ts, acct))
        a, c, t = acct[order], country[order], ts[order]
        hit = (a[1:] == a[:-1]) & (c[1:] != c[:-1]) & (t[1:] - t[:-1] <= window_seconds)
        if hit.any():
            who = a[1:][hit].astype(np.int64)
            counts += np.bincount(who, minlength=len(counts))
            np.minimum.at(first, who, line[order][1:][hit])

    def close(self) -> None:
        self.memory, self.in_memory = [], 0
        if self.file is not None:
            self.file.close()
            self.file = None


class _Folder:
    """Folds record batches into an :class:`EventAggregates`."""

    def __init__(self, agg: EventAggregates, problems: ProblemLog, file: str | None, places: PlaceLookup | None):
        self.agg = agg
        self.problems = problems
        self.file = file
        self.places = places
        self.account_cache: dict[str, int] = {}
        self.country_cache: dict[str, int] = {}
        self.ip_cache: dict[str, int] = {}
        self.device_cache: dict[str, int] = {}
        self.bool_cache: dict[str, int] = {}
        self.tool_cache: dict[str, int] = {}
        self.tool_names: list[str] = []
        self.locale_cache: dict[str, int] = {}
        self.locale_names: list[str] = []
        self.city_cache: dict[str, int] = {}
        self.city_names: list[str] = []
        self.timelines = _Timelines(len(agg.account_ids))

    def finish(self) -> None:
        """Compute what needs the whole stream: country switches (NET-01)."""
        agg = self.agg
        agg.switches, agg.lines["switch"] = self.timelines.switches(agg.window_seconds)

    # -- mappers (called once per distinct value)
    def _account(self, value: str) -> int:
        return self.agg.index.get(value.strip(), -2)

    def _country(self, value: str) -> int:
        iso = clean_country(value)
        return self.agg._country_code(iso) if iso else -2

    def _ip(self, value: str) -> int:
        kind, valid = _classify_ip(value)
        if not valid:
            return -2
        agg = self.agg
        code = agg.ip_table.code(value.strip())
        if code >= len(agg.ip_kind):
            grow = max(code + 1, 2 * len(agg.ip_kind))
            agg.ip_kind = np.concatenate([agg.ip_kind, np.zeros(grow - len(agg.ip_kind), np.int8)])
            agg.ip_vpn = np.concatenate([agg.ip_vpn, np.zeros(grow - len(agg.ip_vpn), bool)])
            agg.ip_common = np.concatenate([agg.ip_common, np.zeros(grow - len(agg.ip_common), bool)])
        if code >= 0:
            agg.ip_kind[code] = kind
        return code

    def _device(self, value: str) -> int:
        value = value.strip()
        return self.agg.device_table.code(value) if value else -1

    def _bool(self, value: str) -> int:
        text = value.strip().lower()
        if text in _TRUE:
            return 1
        if text in _FALSE:
            return 0
        return -2

    def _tool(self, value: str) -> int:
        tool = _normalise_tool(value)
        if not tool:
            return -1
        self.tool_names.append(tool)
        return len(self.tool_names) - 1

    def _locale(self, value: str) -> int:
        text = value.strip()
        if not text:
            return -1
        self.locale_names.append(text)
        # even codes: not Korean; odd: Korean
        return (len(self.locale_names) - 1) * 2 + (1 if _is_korean_locale(text) else 0)

    def _city(self, value: str) -> int:
        text = value.strip()
        if not text or self.places is None:
            return -1
        kind = self.places(text)
        if kind is None:
            return -1
        self.city_names.append(f"{text} ({kind})")
        return len(self.city_names) - 1

    def _col(self, batch: pa.RecordBatch, name: str) -> pa.Array | None:
        idx = batch.schema.get_field_index(name)
        if idx < 0:
            return None
        return batch.column(idx)

    def fold(self, batch: pa.RecordBatch, lines: np.ndarray) -> None:
        agg = self.agg
        n = batch.num_rows
        if n == 0:
            return
        agg.events_read += n
        file = self.file
        col = self._col(batch, "account_id")
        if col is None:
            raise InvalidInput("events have no account_id column", [])
        acct = _encode(col, self._account, self.account_cache, -1)
        bad_acct = acct < 0
        if bad_acct.any():
            values = col.to_pylist() if bad_acct.sum() > 0 else []
            for row in np.nonzero(bad_acct)[0]:
                value = values[row]
                if value is None or not str(value).strip():
                    _problem(agg, self.problems, "no_account", "event without an account id, skipped", lines[row], file)
                    continue
                entry = agg.unknown_accounts.get(value)
                if entry is None:
                    if len(agg.unknown_accounts) < 100_000:
                        agg.unknown_accounts[value] = [1, int(lines[row])]
                    _problem(agg, self.problems, "unknown_account", f"event for unknown account {value!r}, skipped", lines[row], file, record=str(value))
                else:
                    entry[0] += 1
                    agg.problem_counts["unknown_account"] = agg.problem_counts.get("unknown_account", 0) + 1

        # timestamps
        tcol = self._col(batch, "timestamp")
        if tcol is None:
            ts = np.full(n, _NO_TS, np.int64)
            tstatus = np.full(n, 3, np.int8)
        else:
            ts, tstatus = _timestamps(tcol)
        for row in np.nonzero((tstatus > 0) & ~bad_acct)[0]:
            status = tstatus[row]
            if status == 1:
                _problem(agg, self.problems, "timestamp_no_zone", "timestamp without a time zone, assumed UTC", lines[row], file, field="timestamp")
            elif status == 2:
                _problem(agg, self.problems, "timestamp_bad", f"unreadable timestamp {tcol[row].as_py()!r}, time ignored", lines[row], file, field="timestamp")
            else:
                _problem(agg, self.problems, "timestamp_missing", "event without a timestamp, time ignored", lines[row], file, field="timestamp")

        # IP
        ipcol = self._col(batch, "ip")
        ip = _encode(ipcol, self._ip, self.ip_cache, -1) if ipcol is not None else np.full(n, -1, np.int64)
        bad_ip = (ip == -2) & ~bad_acct
        if bad_ip.any():
            for row in np.nonzero(bad_ip)[0]:
                _problem(agg, self.problems, "ip_bad", f"malformed IP address {ipcol[row].as_py()!r}, ignored", lines[row], file, field="ip")
        # devices, flags, country, locale, tool, city
        dcol = self._col(batch, "device_id")
        dev = _encode(dcol, self._device, self.device_cache, -1) if dcol is not None else np.full(n, -1, np.int64)
        vcol = self._col(batch, "vpn")
        if vcol is None:
            vpn = np.zeros(n, np.int64)
        elif pa.types.is_boolean(vcol.type):
            vpn = pc.fill_null(vcol, False).to_numpy(zero_copy_only=False).astype(np.int64)
        else:
            vpn = _encode(vcol, self._bool, self.bool_cache, 0)
            badv = (vpn == -2) & ~bad_acct
            for row in np.nonzero(badv)[0]:
                _problem(agg, self.problems, "vpn_bad", f"unreadable VPN flag {vcol[row].as_py()!r}, read as no", lines[row], file, field="vpn")
            vpn = np.where(vpn == 1, 1, 0)
        ccol = self._col(batch, "country")
        cty = _encode(ccol, self._country, self.country_cache, -1) if ccol is not None else np.full(n, -1, np.int64)
        badc = (cty == -2) & ~bad_acct
        for row in np.nonzero(badc)[0]:
            _problem(agg, self.problems, "country_unknown", f"unknown country {ccol[row].as_py()!r}, ignored", lines[row], file, field="country")
        loc = np.full(n, -1, np.int64)
        for name in ("locale", "keyboard_locale"):
            lcol = self._col(batch, name)
            if lcol is not None:
                codes = _encode(lcol, self._locale, self.locale_cache, -1)
                # a Korean keyboard wins over a non-Korean UI locale on the same event
                loc = np.where((codes >= 0) & ((loc < 0) | (codes % 2 == 1)), codes, loc)
        rcol = self._col(batch, "remote_access")
        tool = _encode(rcol, self._tool, self.tool_cache, -1) if rcol is not None else np.full(n, -1, np.int64)
        citycol = self._col(batch, "city")
        city = _encode(citycol, self._city, self.city_cache, -1) if citycol is not None else np.full(n, -1, np.int64)
        scol = self._col(batch, "session_seconds")
        session = _to_float(scol) if scol is not None else np.full(n, np.nan)

        # duplicates: same account, time, IP, device and session length as an event seen recently
        key = (acct.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)) ^ (ts.astype(np.uint64) * np.uint64(0xC2B2AE3D27D4EB4F))
        key ^= (ip.astype(np.uint64) + np.uint64(7)) * np.uint64(0x165667B19E3779F9)
        key ^= (dev.astype(np.uint64) + np.uint64(11)) * np.uint64(0x27D4EB2F165667C5)
        key ^= np.nan_to_num(session, nan=-1.0).astype(np.int64).astype(np.uint64) * np.uint64(0x94D049BB133111EB)
        order = np.argsort(key, kind="stable")
        sorted_key = key[order]
        dup = np.zeros(n, bool)
        dup[order[1:]] = sorted_key[1:] == sorted_key[:-1]  # later copies within the batch
        prev = self.agg._recent_keys
        if prev is not None and len(prev):
            pos = np.searchsorted(prev, key)
            pos[pos >= len(prev)] = len(prev) - 1
            dup |= prev[pos] == key
        dup &= ~bad_acct & (ts != _NO_TS)
        if dup.any():
            agg.duplicates += int(dup.sum())
            for row in np.nonzero(dup)[0]:
                _problem(agg, self.problems, "duplicate", "duplicate event (same account, time, IP, device, session), skipped", lines[row], file)
        self.agg._recent_keys = sorted_key

        keep = ~bad_acct & ~dup
        if not keep.all():
            idx = np.nonzero(keep)[0]
            acct, ts, tstatus, ip, dev, vpn, cty, loc, tool, city, session, lines_k = (
                a[idx] for a in (acct, ts, tstatus, ip, dev, vpn, cty, loc, tool, city, session, lines)
            )
            payout_rows = idx
        else:
            lines_k = lines
            payout_rows = None
        m = len(acct)
        if m == 0:
            return
        agg.events_used += m
        size = len(agg.account_ids)
        agg.n += np.bincount(acct, minlength=size)
        self._first_line(agg.lines["first"], acct, lines_k, np.ones(m, bool))

        # time
        timed = ts != _NO_TS
        if timed.any():
            ta, tt = acct[timed], ts[timed]
            agg.n_timed += np.bincount(ta, minlength=size)
            hour = (tt // 3600) % 24
            agg.hours += np.bincount(ta * 24 + hour, minlength=size * 24).reshape(size, 24)
            np.minimum.at(agg.first_ts, ta, tt)
            np.maximum.at(agg.last_ts, ta, tt)

        # VPN / abroad / Korean / nexus counts
        agg.vpn += np.bincount(acct, weights=vpn, minlength=size).astype(np.int64)
        self._first_line(agg.lines["vpn"], acct, lines_k, vpn == 1)
        claimed = agg._claimed[acct]
        abroad = (cty >= 0) & (claimed >= 0) & (cty != claimed) & (vpn == 0)
        agg.abroad += np.bincount(acct, weights=abroad, minlength=size).astype(np.int64)
        self._first_line(agg.lines["abroad"], acct, lines_k, abroad)
        korean = (loc >= 0) & (loc % 2 == 1)
        agg.korean += np.bincount(acct, weights=korean, minlength=size).astype(np.int64)
        self._first_line(agg.lines["korean"], acct, lines_k, korean)
        nexus = city >= 0
        if nexus.any():
            agg.nexus += np.bincount(acct, weights=nexus, minlength=size).astype(np.int64)
            self._first_line(agg.lines["nexus"], acct, lines_k, nexus)
            for a, c in self._new_pairs("city", acct[nexus], city[nexus]):
                if len(agg.nexus_cities[a]) < 8:
                    agg.nexus_cities[a].add(self.city_names[c])

        # sessions
        has_session = ~np.isnan(session)
        if has_session.any():
            np.maximum.at(agg.max_session, acct[has_session], session[has_session])
            long_rows = np.nan_to_num(session, nan=0.0) >= 86400
            if long_rows.any():
                agg.long_sessions += np.bincount(acct, weights=long_rows, minlength=size).astype(np.int64)
                self._first_line(agg.lines["session"], acct, lines_k, long_rows)

        # IPs: DPRK space, per-account sets, accounts per IP
        has_ip = ip >= 0
        if has_ip.any():
            ia, ic = acct[has_ip], ip[has_ip]
            kinds = agg.ip_kind[ic]
            special = kinds > 0
            if special.any():
                agg.kp_hits += np.bincount(ia, weights=kinds == 1, minlength=size).astype(np.int64)
                agg.kp_weak_hits += np.bincount(ia, weights=kinds == 2, minlength=size).astype(np.int64)
                rows = np.nonzero(has_ip)[0]
                kp_rows = np.zeros(m, bool)
                kp_rows[rows[kinds == 1]] = True
                weak_rows = np.zeros(m, bool)
                weak_rows[rows[kinds == 2]] = True
                self._first_line(agg.lines["kp"], acct, lines_k, kp_rows)
                self._first_line(agg.lines["kp_weak"], acct, lines_k, weak_rows)
                for a, code in self._new_pairs("kp_ip", ia[special], ic[special]):
                    if len(agg.kp_ips[a]) < 5:
                        agg.kp_ips[a].add(agg.ip_table.values[code])
            vpn_ips = ic[vpn[has_ip] == 1]
            if len(vpn_ips):
                agg.ip_vpn[vpn_ips] = True
            table, ip_sets = agg.ip_table, agg.ips
            live = ~agg.ip_common[ic]  # a common IP (VPN exit, NAT) links nobody: stop tracking it
            for a, code in self._new_pairs("ip", ia[live], ic[live]):
                table.link(code, a)
                if table.accounts[code] is None:
                    agg.ip_common[code] = True
                s_ = ip_sets[a]
                if len(s_) < IP_PER_ACCOUNT_CAP:
                    s_.add(code)
                else:
                    agg.ip_overflow[a] += 1
        # devices
        has_dev = dev >= 0
        if has_dev.any():
            table = agg.device_table
            for a, code in self._new_pairs("device", acct[has_dev], dev[has_dev]):
                table.link(code, a)
                if len(agg.devices[a]) < DEVICE_PER_ACCOUNT_CAP:
                    agg.devices[a].add(code)
        # countries
        has_c = cty >= 0
        if has_c.any():
            for a, c in self._new_pairs("country", acct[has_c], cty[has_c]):
                if len(agg.countries[a]) < COUNTRY_CAP:
                    agg.countries[a].add(agg.country_name(c))
        # locales and remote tools
        has_l = loc >= 0
        if has_l.any():
            for a, c in self._new_pairs("locale", acct[has_l], loc[has_l]):
                if len(agg.locales[a]) < 8:
                    agg.locales[a].add(self.locale_names[c // 2])
        has_t = tool >= 0
        if has_t.any():
            self._first_line(agg.lines["remote"], acct, lines_k, has_t)
            for a, c in self._new_pairs("tool", acct[has_t], tool[has_t]):
                if len(agg.tools[a]) < 8:
                    agg.tools[a].add(self.tool_names[c])

        # rapid country switches (NET-01): kept as a timeline, compared in time order at the end
        sw = timed & has_c & (vpn == 0)
        if sw.any():
            self.timelines.add(acct[sw], ts[sw], cty[sw], lines_k[sw])

        # payouts
        self._payouts(batch, payout_rows, acct, lines_k)

    def _payouts(self, batch: pa.RecordBatch, rows: np.ndarray | None, acct: np.ndarray, lines: np.ndarray) -> None:
        pcol = self._col(batch, "payout_account")
        if pcol is None:
            return
        if rows is not None:
            pcol = pcol.take(pa.array(rows))
        valid = pc.and_(pc.is_valid(pcol), pc.not_equal(pc.utf8_length(pc.cast(pcol, pa.string())), 0))
        where = np.nonzero(pc.fill_null(valid, False).to_numpy(zero_copy_only=False))[0]
        if not len(where):
            return
        take = pa.array(where if rows is None else rows[where])
        cols = {}
        for name in ("payout_account", "payout_amount", "payout_country", "payout_method", "payout_holder"):
            c = self._col(batch, name)
            cols[name] = c.take(take).to_pylist() if c is not None else [None] * len(where)
        agg = self.agg
        for j, row in enumerate(where.tolist()):
            a = int(acct[row])
            account = str(cols["payout_account"][j]).strip()
            key = account.lower()
            code = agg.payout_table.code(key)
            if code >= 0:
                agg.payout_table.link(code, a)
            entry = agg.payouts[a].get(key)
            if entry is None:
                if len(agg.payouts[a]) >= 32:
                    continue
                raw_country = cols["payout_country"][j]
                country = clean_country(raw_country)
                if raw_country and not country:
                    _problem(agg, self.problems, "country_unknown", f"unknown payout country {raw_country!r}, ignored", lines[row], self.file, field="payout_country")
                entry = {
                    "account": account,
                    "country": country,
                    "method": (str(cols["payout_method"][j]).strip().lower() if cols["payout_method"][j] else None),
                    "holder": (str(cols["payout_holder"][j]).strip() if cols["payout_holder"][j] else None),
                    "count": 0,
                    "amount": 0.0,
                    "first_line": int(lines[row]),
                }
                agg.payouts[a][key] = entry
            entry["count"] += 1
            try:
                entry["amount"] += float(cols["payout_amount"][j] or 0)
            except (TypeError, ValueError):
                _problem(agg, self.problems, "amount_bad", f"unreadable payout amount {cols['payout_amount'][j]!r}, ignored", lines[row], self.file, field="payout_amount")

    _RADIX = 1 << 32

    def _new_pairs(self, name: str, accounts: np.ndarray, codes: np.ndarray) -> list[tuple[int, int]]:
        """(account, code) pairs of this batch never seen before (each pair is processed once)."""
        keys = np.unique(accounts.astype(np.int64) * self._RADIX + codes.astype(np.int64))
        seen = self.agg._seen.setdefault(name, set())
        fresh = [k for k in keys.tolist() if k not in seen]
        if not fresh:
            return []
        seen.update(fresh)
        return [(k // self._RADIX, k % self._RADIX) for k in fresh]

    @staticmethod
    def _first_line(target: np.ndarray, acct: np.ndarray, lines: np.ndarray, mask: np.ndarray) -> None:
        if not mask.any():
            return
        a, ln = acct[mask], lines[mask]
        uniq, first = np.unique(a, return_index=True)
        unset = target[uniq] < 0
        target[uniq[unset]] = ln[first[unset]]


# ============================================================================ readers


class _TolerantNeeded(Exception):
    pass


def _normalise_names(names: list[str]) -> list[str]:
    out = []
    for name in names:
        key = (name or "").strip().lower()
        out.append(_ALIASES.get(key, key))
    return out


CSV_CHUNK_BYTES = 1 << 23


def _preview(header: list[str]) -> str:
    return ascii([str(h)[:30] for h in header[:6]])[:200]


_CUT = " (the last line has no line end: the file looks cut short)"


class _TextLines:
    """Decoded physical lines as :mod:`interdict.textio` reads them: UTF-16 with a byte-order mark,
    else each line UTF-8, else GB18030, else Latin-1 (reported with its file and line), NUL bytes
    replaced (reported). ``cut`` tells whether the last line given had no line end (only the last
    line of a file can lack one)."""

    def __init__(self, raw: IO[bytes], problems: ProblemLog, file: str, first_line: int = 1) -> None:
        head = raw.peek(4)[:4] if hasattr(raw, "peek") else b""
        if first_line == 1 and has_utf16_bom(head):
            self.lines: Iterator[str] = utf16_lines(raw)
        else:
            decoder = LineDecoder(raw, problems, file)
            decoder.line = first_line - 1
            self.lines = iter(decoder)
        self.cut = False

    def __iter__(self) -> Iterator[str]:
        for text in self.lines:
            self.cut = not text.endswith(("\n", "\r"))
            yield text


def _text_head(path: Path) -> bytes:
    """The first bytes of a text events file; a short :class:`InvalidInput` if it is binary."""
    with path.open("rb") as raw:
        head = raw.read(4096)
    if looks_binary(head):
        raise InvalidInput(f"{path} is not a text file (binary data at the start); expected CSV, JSON lines or "
                           "Parquet (UTF-16 needs a byte-order mark)")
    return head


def _whole_line_chunks(raw: IO[bytes], size: int | None = None) -> Iterator[bytes]:
    """Blocks of about ``size`` bytes (default ``CSV_CHUNK_BYTES``) that each end at a line end
    (the last one may not)."""
    size = size or CSV_CHUNK_BYTES
    carry = b""
    while True:
        block = raw.read(size)
        data = carry + block
        if not data:
            return
        if block:
            cut = data.rfind(b"\n")
            if cut < 0:
                carry = data
                continue
            chunk, carry = data[: cut + 1], data[cut + 1 :]
        else:
            chunk, carry = data, b""
        yield chunk


def _csv_fast(path: Path, batch_rows: int) -> Iterator[tuple[pa.RecordBatch, np.ndarray]]:
    """Arrow's CSV parser on chunks of whole lines that we read ourselves.

    Reading the chunks here (instead of ``pyarrow.csv.open_csv``, which reads ahead as far as it
    likes) bounds memory by one chunk whatever the file size. Any row Arrow cannot split (wrong
    number of fields, empty line, a quoted newline cut by a chunk boundary) hands the file to the
    tolerant reader, which keeps exact line numbers.
    """
    import io

    import pyarrow.csv as pacsv

    if has_utf16_bom(_text_head(path)):
        raise _TolerantNeeded()
    with path.open("r", encoding="utf-8-sig", errors="replace", newline="") as handle:
        header = next(csv.reader(handle), None)
    if not header:
        return
    names = _normalise_names(header)
    if "account_id" not in names:
        raise InvalidInput(f"{path}: the events header has no account_id column (found: {_preview(header)})")
    if len(set(names)) != len(names):
        raise _TolerantNeeded()
    wanted = [n for n in names if n in EVENT_COLUMNS]
    invalid: list[int] = []

    def on_invalid(row: Any) -> str:
        invalid.append(1)
        return "skip"

    read_options = pacsv.ReadOptions(column_names=names, block_size=CSV_CHUNK_BYTES * 2, use_threads=False)
    parse_options = pacsv.ParseOptions(invalid_row_handler=on_invalid, ignore_empty_lines=False)
    convert_options = pacsv.ConvertOptions(
        column_types={n: pa.string() for n in names}, include_columns=wanted, strings_can_be_null=True
    )
    line = 2
    with path.open("rb") as raw:
        first = raw.readline()  # header (with BOM if any)
        if not first:
            return
        for chunk in _whole_line_chunks(raw):
            if not _is_utf8(chunk):  # lines in other encodings: decoded line by line (textio)
                raise _TolerantNeeded()
            table = pacsv.read_csv(io.BytesIO(chunk), read_options=read_options, parse_options=parse_options,
                                   convert_options=convert_options)
            if invalid:
                raise _TolerantNeeded()
            for batch in table.to_batches(max_chunksize=max(batch_rows, 1 << 18)):
                n = batch.num_rows
                yield batch, np.arange(line, line + n, dtype=np.int64)
                line += n
            del table


def _rows_to_batch(columns: dict[str, list[Any]]) -> pa.RecordBatch:
    arrays = {}
    for name, values in columns.items():
        arrays[name] = pa.array([None if v is None or v == "" else str(v) for v in values], pa.string())
    return pa.RecordBatch.from_pydict(arrays)


def _csv_tolerant(path: Path, problems: ProblemLog, batch_rows: int) -> Iterator[tuple[pa.RecordBatch, np.ndarray]]:
    _text_head(path)
    with path.open("rb") as raw:
        text = _TextLines(raw, problems, str(path))
        reader = csv.reader(text)
        header = next(reader, None)
        if not header:
            return
        names = _normalise_names(header)
        if "account_id" not in names:
            raise InvalidInput(f"{path}: the events header has no account_id column")
        wanted = [(i, n) for i, n in enumerate(names) if n in EVENT_COLUMNS]
        seen: set[str] = set()
        wanted = [(i, n) for i, n in wanted if not (n in seen or seen.add(n))]
        columns: dict[str, list[Any]] = {n: [] for _, n in wanted}
        lines: list[int] = []
        while True:
            start = reader.line_num + 1
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                problems.add(f"unreadable CSV row: {exc}{_CUT if text.cut else ''}", file=str(path), line=start)
                continue
            if not row or not any(cell.strip() for cell in row):
                continue
            if len(row) != len(names):
                problems.add(f"expected {len(names)} fields, found {len(row)}; row skipped{_CUT if text.cut else ''}",
                             file=str(path), line=start)
                continue
            for i, n in wanted:
                columns[n].append(row[i])
            lines.append(start)
            if len(lines) >= batch_rows:
                yield _rows_to_batch(columns), np.asarray(lines, np.int64)
                columns = {n: [] for _, n in wanted}
                lines = []
        if lines:
            yield _rows_to_batch(columns), np.asarray(lines, np.int64)


def _jsonl_rows(
    pairs: Iterator[tuple[int, str]], problems: ProblemLog, path: Path, batch_rows: int
) -> Iterator[tuple[pa.RecordBatch, np.ndarray]]:
    """Tolerant JSON-lines reading: one object per decoded line, bad lines reported and skipped."""
    try:
        import orjson

        loads: Callable[[Any], Any] = orjson.loads
    except ImportError:  # pragma: no cover
        loads = json.loads
    columns: dict[str, list[Any]] = {n: [] for n in EVENT_COLUMNS}
    lines: list[int] = []
    for lineno, raw in pairs:
        if not raw.strip():
            continue
        try:
            data = loads(raw)
        except ValueError as exc:
            cut = _CUT if not raw.endswith(("\n", "\r")) else ""
            problems.add(f"not valid JSON: {exc}{cut}", file=str(path), line=lineno)
            continue
        if not isinstance(data, dict):
            problems.add("JSON line is not an object", file=str(path), line=lineno)
            continue
        if any(k not in columns for k in data):
            data = {_ALIASES.get(str(k).lower(), str(k).lower()): v for k, v in data.items()}
        for name, values in columns.items():
            value = data.get(name)
            if isinstance(value, bool):
                value = "true" if value else "false"
            values.append(value)
        lines.append(lineno)
        if len(lines) >= batch_rows:
            yield _rows_to_batch(columns), np.asarray(lines, np.int64)
            columns = {n: [] for n in EVENT_COLUMNS}
            lines = []
    if lines:
        yield _rows_to_batch(columns), np.asarray(lines, np.int64)


_JSON_TEXT = pa.schema([(name, pa.string()) for name in ("timestamp", "ts", "time", "account_id", "ip", "device_id",
                                                          "payout_account")])


def _is_utf8(data: bytes) -> bool:
    if data.isascii():
        return True
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _empty_as_null(table: pa.Table | pa.RecordBatch) -> pa.Table | pa.RecordBatch:
    """Empty strings become nulls, as in the CSV readers and the tolerant JSON-lines reader."""
    columns = [pc.if_else(pc.equal(c, ""), None, c) if pa.types.is_string(c.type) else c for c in table.columns]
    return type(table).from_arrays(columns, schema=table.schema)


def _jsonl(path: Path, problems: ProblemLog, batch_rows: int) -> Iterator[tuple[pa.RecordBatch, np.ndarray]]:
    """JSON lines in 8 MB chunks of whole lines: Arrow's JSON parser when the chunk is clean (one
    object per line, no blank lines, stable types), the tolerant line reader for that chunk if not."""
    import io

    import pyarrow.json as pajson

    if has_utf16_bom(_text_head(path)):
        with path.open("rb") as raw:
            yield from _jsonl_rows(enumerate(_TextLines(raw, problems, str(path)), start=1), problems, path, batch_rows)
        return
    line = 1
    with path.open("rb") as raw:
        for chunk in _whole_line_chunks(raw):
            n_lines = chunk.count(b"\n") + (0 if chunk.endswith(b"\n") else 1)
            table = None
            if (not chunk.startswith((b"\n", b"\r")) and b"\n\n" not in chunk and b"\n\r\n" not in chunk
                    and _is_utf8(chunk)):  # Arrow's JSON parser does not check UTF-8 in strings
                try:
                    table = pajson.read_json(
                        io.BytesIO(chunk),
                        read_options=pajson.ReadOptions(use_threads=False, block_size=len(chunk) + 1),
                        # timestamps stay text: Arrow would drop their zone; we parse them ourselves
                        parse_options=pajson.ParseOptions(explicit_schema=_JSON_TEXT, unexpected_field_behavior="infer"),
                    )
                except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
                    table = None
                if table is not None and (table.num_rows != n_lines or any(
                        pa.types.is_nested(f.type) for f in table.schema)):
                    table = None
            if table is None:
                text = _TextLines(io.BytesIO(chunk), problems, str(path), first_line=line)
                yield from _jsonl_rows(enumerate(text, start=line), problems, path, batch_rows)
            else:
                names = _normalise_names(table.schema.names)
                keep = [i for i, n in enumerate(names) if n in EVENT_COLUMNS and n not in names[:i]]
                table = _empty_as_null(table.select(keep).rename_columns([names[i] for i in keep]))
                row = line
                for batch in table.to_batches(max_chunksize=max(batch_rows, 1 << 18)):
                    yield batch, np.arange(row, row + batch.num_rows, dtype=np.int64)
                    row += batch.num_rows
            del table
            line += n_lines


def _parquet(path: Path, batch_rows: int) -> Iterator[tuple[pa.RecordBatch, np.ndarray]]:
    import pyarrow.parquet as pq

    try:
        # no pre-buffering: with it Arrow keeps the pre-read column chunks of the whole file
        parquet = pq.ParquetFile(path, pre_buffer=False, buffer_size=1 << 20)
    except (pa.ArrowInvalid, OSError) as exc:
        raise InvalidInput(f"{path}: not a readable Parquet file: {exc}") from exc
    names = parquet.schema_arrow.names
    mapping = dict(zip(names, _normalise_names(names), strict=True))
    wanted = [n for n in names if mapping[n] in EVENT_COLUMNS]
    row = 1
    for batch in parquet.iter_batches(batch_size=batch_rows, columns=wanted, use_threads=False):
        batch = _empty_as_null(batch.rename_columns([mapping[n] for n in batch.schema.names]))
        yield batch, np.arange(row, row + batch.num_rows, dtype=np.int64)
        row += batch.num_rows


def detect_format(path: Path) -> str:
    name = path.name.lower()
    if name.endswith((".parquet", ".pq")):
        return "parquet"
    if name.endswith((".jsonl", ".ndjson", ".json")):
        return "jsonl"
    return "csv"


def iter_event_batches(
    path: Path, problems: ProblemLog, *, fmt: str | None = None, batch_rows: int = 65_536, tolerant: bool = False
) -> Iterator[tuple[pa.RecordBatch, np.ndarray]]:
    """Record batches of string-or-typed event columns with the source line (or Parquet row) numbers."""
    fmt = fmt or detect_format(path)
    if fmt == "parquet":
        yield from _parquet(path, batch_rows)
    elif fmt == "jsonl":
        yield from _jsonl(path, problems, batch_rows)
    elif tolerant:
        yield from _csv_tolerant(path, problems, batch_rows)
    else:
        yield from _csv_fast(path, batch_rows)


def aggregate_events(
    source: str | Path,
    account_ids: list[str],
    claimed_country: list[str | None],
    problems: ProblemLog | None = None,
    *,
    places: PlaceLookup | None = None,
    fmt: str | None = None,
    window_minutes: int = 90,
    batch_rows: int = 65_536,
) -> EventAggregates:
    """Stream an event file into per-account aggregates (constant memory in the number of events)."""
    problems = problems if problems is not None else ProblemLog()
    path = Path(source)
    if not path.exists():
        raise InvalidInput(f"events file not found: {path}")
    if path.is_dir():
        raise InvalidInput(f"events path is a directory: {path}")
    fmt = fmt or detect_format(path)

    def run(tolerant: bool) -> EventAggregates:
        agg = EventAggregates(list(account_ids), list(claimed_country), window_seconds=window_minutes * 60)
        agg.reader = f"{fmt}-{'tolerant' if tolerant else 'arrow'}"
        folder = _Folder(agg, problems, str(path), places)
        try:
            for batch, lines in iter_event_batches(path, problems, fmt=fmt, batch_rows=batch_rows, tolerant=tolerant):
                folder.fold(batch, lines)
            folder.finish()
        finally:
            folder.timelines.close()
        return agg

    if fmt != "csv":
        try:
            return run(False)
        except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
            raise InvalidInput(f"{path}: cannot read events: {exc}") from exc
    mark = len(problems.problems)
    try:
        return run(False)
    except (_TolerantNeeded, pa.ArrowInvalid):
        # A row pyarrow cannot split (wrong field count, quoted newline, empty line): read again
        # with the tolerant reader, which keeps exact line numbers and reports each bad row.
        del problems.problems[mark:]
        return run(True)

"""Property: reading an event file in blocks (and batches, and NET-01 spills) of any size gives the same
aggregates, problems and alerts as reading it whole.

Files mix encodings, bytes that are no text and a last line cut short. Generated files stay under the per-account caps (few accounts, IPs and countries) and hold no exact
duplicate events: which members a capped set keeps once full, and duplicates further apart than the
previous batch, are documented bounded-memory limits, not block-size bugs.
"""

from __future__ import annotations

import functools
import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interdict.exc import ProblemLog
from interdict.workers import events as events_mod
from interdict.workers import screen as screen_mod
from interdict.workers.events import aggregate_events

from .conftest import profile, write_events, write_jsonl

ACCOUNTS = ["a", "b", "c"]
CLAIMED = ["US", "DE", "CN"]
START = datetime(2025, 3, 3, tzinfo=UTC)


@st.composite
def event_files(draw):
    """Events of three accounts in any order: close times (switch windows and ties), a few countries,
    VPN or not, Korean locales, remote tools, long sessions, payouts, and some bad values."""
    n = draw(st.integers(0, 40))
    ips = ["8.8.8.8", "73.12.40.5", "175.45.178.9", "1.1.1.1", "300.1.1.1", ""]
    slots = draw(st.lists(st.tuples(st.sampled_from(ACCOUNTS + ["ghost"]), st.integers(0, 300), st.sampled_from(ips)),
                          min_size=n, max_size=n, unique=True))  # no exact duplicates; ties in time do occur
    rows = []
    for account, minute, ip in slots:
        ts = (START + timedelta(minutes=minute)).strftime("%Y-%m-%dT%H:%M:%SZ")
        rows.append({
            "account_id": account,
            "timestamp": draw(st.sampled_from([ts] * 6 + ["", "soon", ts.replace("Z", "")])),
            "ip": ip,
            "country": draw(st.sampled_from(["US", "DE", "CN", "FR", "", "Atlantis"])),
            "city": draw(st.sampled_from(["", "Dandong", "Boston", "丹东", "Bo@ston"])),  # @: an invalid byte
            "vpn": draw(st.sampled_from(["false", "false", "true", "maybe"])),
            "device_id": draw(st.sampled_from(["d1", "d2", ""])),
            "locale": draw(st.sampled_from(["en-US", "ko-KR", ""])),
            "remote_access": draw(st.sampled_from(["", "", "AnyDesk"])),
            "session_seconds": draw(st.sampled_from([3600, 100000, "", "long"])),
            "payout_account": draw(st.sampled_from(["", "", "ACCT-1", "ACCT-2"])),
            "payout_country": draw(st.sampled_from(["CN", "US", "Narnia"])),
            "payout_amount": draw(st.sampled_from(["10", "2.5", "x"])),
        })
    return rows


def _snapshot(agg, problems: ProblemLog):
    ips, devices = agg.ip_table.values, agg.device_table.values
    return {
        "arrays": {name: getattr(agg, name).tolist() for name in (
            "n", "n_timed", "hours", "vpn", "korean", "abroad", "nexus", "switches", "max_session", "long_sessions",
            "first_ts", "last_ts", "kp_hits", "kp_weak_hits", "ip_overflow")},
        "lines": {k: v.tolist() for k, v in agg.lines.items()},
        "sets": [(c, {ips[i] for i in ip}, {devices[d] for d in dev}, t, lo, nx, kp)
                 for c, ip, dev, t, lo, nx, kp in zip(agg.countries, agg.ips, agg.devices, agg.tools, agg.locales,
                                                      agg.nexus_cities, agg.kp_ips, strict=True)],
        "payouts": agg.payouts,
        "links": sorted((ips[i], sorted(m) if m is not None else None) for i, m in enumerate(agg.ip_table.accounts)),
        "counts": (agg.events_read, agg.events_used, agg.duplicates, agg.unknown_accounts, agg.problem_counts),
        "problems": sorted((p.line or 0, p.field or "", p.message) for p in problems.problems),
    }


def _alerts(folder: Path, events: Path):
    result = screen_mod.screen_contractors(folder / "p.jsonl", events, screener=None, as_of=date(2025, 6, 1))
    return [(a.subject, round(a.score, 9), a.level, sorted((r.rule_id, r.summary, repr(r.evidence)) for r in a.reasons))
            for a in result.alerts]


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet"])
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=event_files(), block=st.integers(1, 600), batch_rows=st.integers(1, 8), spill=st.integers(1, 10),
       gb18030=st.booleans(), cut=st.integers(0, 40))
def test_any_block_size_gives_what_the_whole_file_gives(fmt, rows, block, batch_rows, spill, gb18030, cut):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        write_jsonl(folder / "p.jsonl", [profile(a, country=c) for a, c in zip(ACCOUNTS, CLAIMED, strict=True)])
        path = write_events(folder, rows, fmt, row_group_size=max(1, block // 50))
        if fmt != "parquet":  # some lines in GB18030, bytes that are no text, a last line cut short
            lines = path.read_bytes().decode("utf-8").splitlines(keepends=True)
            data = b"".join(line.encode("gb18030" if gb18030 and "丹东" in line else "utf-8") for line in lines)
            path.write_bytes(data.replace(b"@", b"\xff")[:len(data) - cut])
        whole_problems = ProblemLog()
        whole = _snapshot(aggregate_events(path, ACCOUNTS, ["us", "de", "cn"], whole_problems), whole_problems)
        whole_alerts = _alerts(folder, path)
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(events_mod, "CSV_CHUNK_BYTES", block)  # CSV and JSON-lines blocks
            mp.setattr(events_mod, "SWITCH_MEMORY_ROWS", spill)
            mp.setattr(screen_mod, "aggregate_events", functools.partial(aggregate_events, batch_rows=batch_rows))
            cut_problems = ProblemLog()
            cut = _snapshot(aggregate_events(path, ACCOUNTS, ["us", "de", "cn"], cut_problems,
                                             batch_rows=batch_rows), cut_problems)
            cut_alerts = _alerts(folder, path)
        assert cut == whole
        assert cut_alerts == whole_alerts

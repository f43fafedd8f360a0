from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from interdict.exc import InvalidInput, ProblemLog
from interdict.workers import events as events_mod
from interdict.workers.events import aggregate_events

from .conftest import EVENT_FIELDS, events_at_hours, write_csv, write_events, write_jsonl


def _rows():
    rows = events_at_hours("a", [1, 2, 3], days=2)
    rows += events_at_hours("b", [14, 15], days=2, ip="175.45.178.9", device_id="dev-a", locale="ko_KR")
    rows[0]["remote_access"] = "AnyDesk"
    rows[1]["session_seconds"] = 100000
    rows[2].update(payout_account="ACCT-1", payout_country="CN", payout_amount="250.5", payout_method="bank",
                   payout_holder="Li Wei")
    return rows


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet"])
def test_all_formats_give_the_same_aggregates(tmp, fmt):
    rows = _rows()
    path = write_events(tmp, rows, fmt)
    problems = ProblemLog()
    agg = aggregate_events(path, ["a", "b"], ["us", "us"], problems)
    assert not problems, problems.problems
    assert agg.n.tolist() == [6, 4]
    assert agg.hours[0, 1] == 2 and agg.hours[1, 14] == 2 and agg.hours.sum() == 10
    assert agg.kp_hits.tolist() == [0, 4] and agg.kp_ips[1] == {"175.45.178.9"}
    assert agg.korean.tolist() == [0, 4]
    assert agg.tools[0] == {"anydesk"} and agg.max_session[0] == 100000
    assert agg.long_sessions.tolist() == [1, 0]
    # device dev-a is used by both accounts; the first event behind each signal is kept as evidence
    code = agg.device_table.codes["dev-a"]
    assert agg.device_table.accounts[code] == {0, 1}
    line_base = 2 if fmt == "csv" else 1
    assert agg.lines["remote"][0] == line_base and agg.lines["kp"][1] == line_base + 6
    payout = agg.payouts[0]["acct-1"]
    assert payout["country"] == "cn" and payout["amount"] == 250.5 and payout["holder"] == "Li Wei"


def test_bad_events_are_reported_by_line_and_the_rest_is_used(tmp):
    rows = events_at_hours("a", [1, 2], days=2)
    rows[0]["ip"] = "300.1.2.3"
    rows[1]["timestamp"] = "2025-03-03 04:00:00"  # no zone
    rows[2]["country"] = "Atlantis"
    rows[3]["timestamp"] = "last tuesday"
    rows.append(dict(rows[2]))  # exact duplicate of line 4
    rows.append({**rows[2], "account_id": "ghost"})
    path = write_csv(tmp / "e.csv", rows, EVENT_FIELDS)
    problems = ProblemLog()
    agg = aggregate_events(path, ["a"], ["us"], problems)
    found = {(p.line, p.field or "", p.message.split(" ")[0]) for p in problems.problems}
    assert (2, "ip", "malformed") in found
    assert (3, "timestamp", "timestamp") in found
    assert (4, "country", "unknown") in found
    assert (5, "timestamp", "unreadable") in found
    assert (6, "", "duplicate") in found
    assert any(p.line == 7 and "unknown account" in p.message for p in problems.problems)
    assert agg.n.tolist() == [4]  # 4 good-enough events; the duplicate and the ghost are skipped
    assert agg.n_timed.tolist() == [3]  # the unreadable timestamp keeps its IP/device but no hour
    assert agg.hours[0, 4] == 1  # the zone-less timestamp was read as UTC
    assert agg.duplicates == 1 and agg.unknown_accounts["ghost"][0] == 1


def test_unreadable_csv_rows_switch_to_the_tolerant_reader_with_exact_lines(tmp):
    path = write_csv(tmp / "e.csv", events_at_hours("a", [1, 2, 3], days=1), EVENT_FIELDS)
    lines = path.read_text().splitlines()
    lines.insert(2, "a,too,few")
    lines.insert(3, "")
    path.write_text("\n".join(lines) + "\n")
    problems = ProblemLog()
    agg = aggregate_events(path, ["a"], ["us"], problems)
    assert agg.reader == "csv-tolerant"
    assert agg.n.tolist() == [3]
    assert [p.line for p in problems.problems] == [3]
    assert agg.lines["first"][0] == 2


def test_rapid_country_switches_carry_across_batches(tmp):
    rows = []
    for k, country in enumerate(["US", "DE", "US", "DE"]):
        rows.append({"account_id": "a", "timestamp": f"2025-03-03T10:{10 * k:02d}:00Z", "ip": f"8.8.8.{k}",
                     "country": country, "vpn": "false"})
    rows.append({"account_id": "a", "timestamp": "2025-03-04T10:00:00Z", "ip": "8.8.8.9", "country": "FR",
                 "vpn": "false"})  # a day later: travel, not a switch
    rows.append({"account_id": "a", "timestamp": "2025-03-04T10:05:00Z", "ip": "1.1.1.1", "country": "JP",
                 "vpn": "true"})  # VPN egress does not count
    path = write_csv(tmp / "e.csv", rows, EVENT_FIELDS)
    for batch_rows in (1, 2, 100):
        agg = aggregate_events(path, ["a"], ["us"], batch_rows=batch_rows)
        assert agg.switches.tolist() == [3], batch_rows
        assert agg.countries[0] == {"us", "de", "fr", "jp"}


def test_keys_shared_by_too_many_accounts_become_common(tmp):
    n = events_mod.ACCOUNTS_PER_KEY_CAP + 10
    rows = [{"account_id": f"u{i}", "timestamp": "2025-03-03T10:00:00Z", "ip": "9.9.9.9", "vpn": "true"}
            for i in range(n)]
    rows.append({"account_id": "u0", "timestamp": "2025-03-03T11:00:00Z", "ip": "9.9.9.8", "vpn": "false"})
    path = write_csv(tmp / "e.csv", rows, EVENT_FIELDS)
    agg = aggregate_events(path, [f"u{i}" for i in range(n)], ["us"] * n)
    common = agg.ip_table.codes["9.9.9.9"]
    assert agg.ip_table.accounts[common] is None
    assert agg.ip_table.n_accounts(common) == events_mod.ACCOUNTS_PER_KEY_CAP + 1
    assert bool(agg.ip_vpn[common])
    rare = agg.ip_table.codes["9.9.9.8"]
    assert agg.ip_table.accounts[rare] == {0} and not agg.ip_vpn[rare]


def test_memory_is_per_account_not_per_event(tmp):
    """Ten times more events for the same accounts, IPs and devices adds no per-key state."""
    small = write_csv(tmp / "s.csv", events_at_hours("a", [1, 2], days=3) + events_at_hours("b", [5], days=3),
                      EVENT_FIELDS)
    large = write_csv(tmp / "l.csv", events_at_hours("a", [1, 2], days=30) + events_at_hours("b", [5], days=30),
                      EVENT_FIELDS)
    a1 = aggregate_events(small, ["a", "b"], ["us", "us"])
    a2 = aggregate_events(large, ["a", "b"], ["us", "us"])
    assert a2.events_used == 10 * a1.events_used
    assert len(a2.ip_table.values) == len(a1.ip_table.values)
    assert len(a2.device_table.values) == len(a1.device_table.values)
    assert {k: len(v) for k, v in a2._seen.items()} == {k: len(v) for k, v in a1._seen.items()}
    assert isinstance(a2.hours, np.ndarray) and a2.hours.shape == (2, 24)


def test_missing_or_directory_events_path(tmp):
    with pytest.raises(InvalidInput):
        aggregate_events(tmp / "none.csv", ["a"], ["us"])
    with pytest.raises(InvalidInput):
        aggregate_events(tmp, ["a"], ["us"])


def test_events_without_account_column_is_an_input_error(tmp):
    path = write_csv(tmp / "e.csv", [{"timestamp": "2025-03-03T10:00:00Z", "ip": "1.2.3.4"}])
    with pytest.raises(InvalidInput):
        aggregate_events(path, ["a"], ["us"])


def test_jsonl_bad_lines_fall_back_per_chunk_with_exact_lines(tmp):
    path = write_jsonl(tmp / "e.jsonl", events_at_hours("a", [1, 2, 3], days=2))
    clean = aggregate_events(path, ["a"], ["us"])
    assert clean.reader == "jsonl-arrow" and clean.n.tolist() == [6]
    lines = path.read_text().splitlines()
    lines.insert(2, "{not json")
    lines.insert(4, "")
    lines.insert(5, '{"account_id": 7, "timestamp": "2025-03-03T01:00:00Z"}')  # a number where text was
    path.write_text("\n".join(lines) + "\n")
    problems = ProblemLog()
    agg = aggregate_events(path, ["a", "7"], ["us", "us"], problems)
    assert agg.n.tolist() == [6, 1]
    assert [p.line for p in problems.problems] == [3]
    assert agg.lines["first"].tolist() == [1, 6]


def _alerts_at_block_sizes(tmp_path, monkeypatch, fmt):
    """Alerts for the demo population read whole, then read in 4 KB blocks of whole lines."""
    import csv as _csv
    import json as _json

    from interdict.demo import sample_path
    from interdict.workers.screen import screen_contractors

    source = sample_path("contractor-events.csv")
    if fmt == "jsonl":
        path = tmp_path / "events.jsonl"
        with open(source, encoding="utf-8") as fh, open(path, "w", encoding="utf-8") as out:
            for row in _csv.DictReader(fh):
                out.write(_json.dumps(row) + "\n")
        source = path

    def run():
        result = screen_contractors(sample_path("contractors.jsonl"), source, screener=None)
        return [(a.subject, round(a.score, 6), a.level, sorted(r.rule_id for r in a.reasons),
                 sorted((r.rule_id, r.summary, repr(r.evidence)) for r in a.reasons)) for a in result.alerts]

    whole = run()
    monkeypatch.setattr(events_mod, "CSV_CHUNK_BYTES", 4096)
    return whole, run()


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_block_boundaries_do_not_change_the_levels(tmp_path, monkeypatch, fmt):
    whole, small = _alerts_at_block_sizes(tmp_path, monkeypatch, fmt)
    assert [(s, lvl) for s, _, lvl, _, _ in small] == [(s, lvl) for s, _, lvl, _, _ in whole]
    assert any(level != "clear" for _, _, level, _, _ in whole)


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_block_boundaries_do_not_change_the_reasons(tmp_path, monkeypatch, fmt):
    """Was a strict xfail: NET-01 switches were counted against a one-event carry, so events older
    than the carry in a later block were lost (test_country_switches_do_not_depend_on_file_order...)."""
    whole, small = _alerts_at_block_sizes(tmp_path, monkeypatch, fmt)
    assert [(s, rules) for s, _, _, rules, _ in small] == [(s, rules) for s, _, _, rules, _ in whole]
    assert small == whole  # scores, summaries and evidence (line numbers) too
    assert any("NET-01" in rules for _, _, _, rules, _ in whole)


def test_country_switches_do_not_depend_on_file_order_or_batch_cuts(tmp, monkeypatch):
    """Minimal reproduction of the block-boundary bug: out-of-order events in a later batch were never
    compared with their neighbours in time (the carry only held each account's latest event)."""
    rows = [{"account_id": "a", "timestamp": ts, "ip": "8.8.8.8", "country": c, "vpn": "false"}
            for ts, c in [("2025-03-03T10:30:00Z", "DE"), ("2025-03-03T10:00:00Z", "US"),
                          ("2025-03-03T11:00:00Z", "US")]]
    path = write_csv(tmp / "e.csv", rows, EVENT_FIELDS)
    # in time order: US 10:00, DE 10:30 (line 2), US 11:00 (line 4) -> two switches, the first on line 2
    for block in (1, 64, 1 << 20):  # one line per block, two lines, the whole file
        monkeypatch.setattr(events_mod, "CSV_CHUNK_BYTES", block)
        agg = aggregate_events(path, ["a"], ["us"])
        assert agg.switches.tolist() == [2], block
        assert agg.lines["switch"].tolist() == [2], block


def _places(text):
    return "border" if text in ("丹东", "Dandong") else None


ENCODED_LINES = {
    "csv": [b"account_id,timestamp,ip,country,city\n",
            b"a,2025-03-03T10:00:00Z,8.8.8.8,US,Boston\n",
            b"a,2025-03-03T11:00:00Z,8.8.8.8,US,Bo\xffston\n",  # invalid UTF-8 (nor GB18030)
            "a,2025-03-03T12:00:00Z,8.8.8.8,CN,丹东\n".encode("gb18030"),
            b"a,2025-03-03T14:00:00Z,8.8.8.8,US,Boston\n"],
    "jsonl": [b'{"account_id": "a", "timestamp": "2025-03-03T10:00:00Z", "country": "US", "city": "Boston"}\n',
              b'{"account_id": "a", "timestamp": "2025-03-03T11:00:00Z", "country": "US", "city": "Bo\xffston"}\n',
              '{"account_id": "a", "timestamp": "2025-03-03T12:00:00Z", "country": "CN", "city": "丹东"}\n'
              .encode("gb18030"),
              b'{"account_id": "a", "timestamp": "2025-03-03T14:00:00Z", "country": "US", "city": "Boston"}\n'],
}


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_undecodable_bytes_are_a_problem_of_their_line_and_the_rest_is_read(tmp, fmt):
    """Lines are decoded by interdict.textio: UTF-8, else GB18030, else Latin-1 reported with file and line."""
    data = ENCODED_LINES[fmt]
    path = tmp / f"e.{fmt}"
    path.write_bytes(b"".join(data))
    problems = ProblemLog()
    agg = aggregate_events(path, ["a"], ["us"], problems, places=_places)
    bad_line = 3 if fmt == "csv" else 2
    assert [(p.file, p.line) for p in problems.problems] == [(str(path), bad_line)]
    assert "neither UTF-8 nor GB18030" in problems.problems[0].message
    assert agg.n.tolist() == [4] and agg.hours[0].nonzero()[0].tolist() == [10, 11, 12, 14]
    assert agg.countries[0] == {"us", "cn"}
    assert agg.nexus_cities[0] == {"丹东 (border)"}  # the GB18030 line was read as GB18030
    assert agg.lines["nexus"].tolist() == [bad_line + 1]


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_a_truncated_last_line_is_reported_as_cut_short(tmp, fmt):
    data = ENCODED_LINES[fmt]
    good = [data[0], data[1], data[4]] if fmt == "csv" else [data[0], data[3]]
    path = tmp / f"e.{fmt}"
    path.write_bytes(b"".join(good) + good[-1][:30])  # the last line cut mid-record, no line end
    problems = ProblemLog()
    agg = aggregate_events(path, ["a"], ["us"], problems)
    last = len(good) + 1
    assert [(p.file, p.line) for p in problems.problems] == [(str(path), last)]
    assert "cut short" in problems.problems[0].message
    assert agg.n.tolist() == [2]


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_utf16_with_a_bom_is_read_and_binary_files_are_refused(tmp, fmt):
    rows = events_at_hours("a", [1, 2], days=2, city="丹东")
    path = write_csv(tmp / "e.csv", rows, EVENT_FIELDS) if fmt == "csv" else write_jsonl(tmp / "e.jsonl", rows)
    path.write_bytes(path.read_text(encoding="utf-8").encode("utf-16"))
    problems = ProblemLog()
    agg = aggregate_events(path, ["a"], ["us"], problems, places=_places)
    assert not problems, problems.problems
    assert agg.n.tolist() == [4] and agg.nexus.tolist() == [4]
    path.write_bytes(bytes(range(256)) * 8)
    with pytest.raises(InvalidInput, match="not a text file"):
        aggregate_events(path, ["a"], ["us"])


@pytest.mark.parametrize("fmt", ["jsonl", "parquet"])
def test_empty_strings_are_missing_values_in_every_format(tmp, fmt):
    """As in CSV: an empty IP, country or timestamp is missing, not malformed."""
    rows = events_at_hours("a", [1, 2], days=1)
    rows[0].update(ip="", country="", timestamp="")
    if fmt == "jsonl":
        path = write_jsonl(tmp / "e.jsonl", rows)
    else:
        path = tmp / "e.parquet"
        pq.write_table(pa.Table.from_pylist([{k: str(r.get(k, "")) for k in EVENT_FIELDS} for r in rows]), path)
    problems = ProblemLog()
    agg = aggregate_events(path, ["a"], ["us"], problems)
    assert [(p.line, p.message) for p in problems.problems] == [(1, "event without a timestamp, time ignored")]
    assert agg.n.tolist() == [2] and agg.n_timed.tolist() == [1]

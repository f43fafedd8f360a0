"""Bad party files (QA pass of 2026-11-22): never a traceback, never a silently lost row.

Each case names the file, line or field in a one-line error or in the errors file, and the good
rows around the bad one are still screened.
"""

from __future__ import annotations

import codecs
import csv

import pytest
from typer.testing import CliRunner

import interdict.screening as screening
from interdict.cli.main import app
from interdict.exc import InvalidInput
from interdict.screening.batch import BatchSummary, screen_file
from interdict.screening.io import MAX_RECORD_LINES, detect_format, read_parties

HEADER = "id,name,schema,birth_date,country,identifier,address\n"
GOOD = [
    "r1,Kim Jong Un,Person,1984-01-08,KP,,\n",
    "r2,Jane Smith,Person,,GB,,\n",
    "r3,Acme Widgets Ltd,Company,,US,,\n",
    "r4,Ri Su Yong,Person,,KP,,\n",
]
AFTER = [
    "r6,김정은,Person,,,,\n",
    "r7,丹东鸿祥实业发展有限公司,Company,,CN,,\n",
    "r8,John Doe,Person,,,,\n",
    "r9,Korea Ryonbong General Corporation,Company,,KP,,\n",
    "r10,Mary Major,Person,,,,\n",
]


def write(path, text, encoding="utf-8"):
    path.write_bytes(text.encode(encoding))
    return path


def errors_of(path):
    with open(path, encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


# --- 1. an unclosed quote must not swallow the rows after it ------------------------------------

def test_unclosed_quote_does_not_swallow_later_rows(tmp_path, small_screener):
    path = write(tmp_path / "p.csv", HEADER + "".join(GOOD) + 'r5,"Unclosed quote,Person,,,,,\n' + "".join(AFTER))
    rows = list(read_parties(path))
    assert [r.row_id for r in rows if r.ok] == ["r1", "r2", "r3", "r4", "r6", "r7", "r8", "r9", "r10"]
    assert [r.line for r in rows if r.row_id in ("r6", "r10")] == [7, 11]
    bad = [r for r in rows if not r.ok]
    assert len(bad) == 1 and bad[0].line == 6 and "unclosed quote" in bad[0].problems[0].message

    out = tmp_path / "out.jsonl"
    summary = screen_file(path, out, screener=small_screener)
    assert (summary.rows, summary.screened, summary.skipped) == (10, 9, 1)
    errors = errors_of(tmp_path / "out.errors.csv")
    assert [e["line"] for e in errors] == ["6"] and "unclosed quote" in errors[0]["message"]
    assert errors[0]["record"] == "r5"  # the id, read without quote handling
    assert len(out.read_text(encoding="utf-8").splitlines()) == 9


def test_quote_closed_by_a_later_stray_quote_is_still_caught(tmp_path):
    text = HEADER + GOOD[0] + 'r5,"Unclosed quote,Person,,,,,\n' + "".join(AFTER[:3]) + 'r9,"Pak" Ho,Person,,,,\n'
    rows = list(read_parties(write(tmp_path / "p.csv", text)))
    assert {"r1", "r6", "r7", "r8"} <= {r.row_id for r in rows if r.ok}
    assert any(not r.ok and r.line == 3 for r in rows)


def test_quote_running_over_many_lines_is_resynchronised(tmp_path):
    many = [f"x{i},Name Number {i},Person,,,,\n" for i in range(MAX_RECORD_LINES + 5)]
    text = HEADER + 'r5,"Unclosed quote,Person,,,,,\n' + "".join(many)
    rows = list(read_parties(write(tmp_path / "p.csv", text)))
    assert sum(r.ok for r in rows) == len(many)
    assert not rows[0].ok and rows[0].line == 2


def test_multiline_quoted_address_is_one_row(tmp_path):
    text = HEADER + 'a1,"Kim, Jong Un",Person,,KP,,"12 Main St\nPyongyang"\n' + GOOD[1]
    rows = list(read_parties(write(tmp_path / "p.csv", text)))
    assert [(r.row_id, r.line, r.ok) for r in rows] == [("a1", 2, True), ("r2", 4, True)]
    assert rows[0].query.names == ["Kim, Jong Un"] and not rows[0].problems


def test_escaped_quotes_are_not_unclosed(tmp_path):
    text = HEADER + 'q1,"Pak ""Junior"" Ho",Person,,,,\n' + "q2,O\"Brien,Person,,,,\n" + GOOD[1]
    rows = list(read_parties(write(tmp_path / "p.csv", text)))
    assert [r.row_id for r in rows if r.ok] == ["q1", "q2", "r2"]
    assert rows[0].query.names == ['Pak "Junior" Ho']


# --- 2. encodings ------------------------------------------------------------------------------

def test_gb18030_file_is_decoded_with_a_warning(tmp_path):
    path = write(tmp_path / "p.csv", "id,name\nc1,丹东鸿祥实业发展有限公司\nc2,Jane Smith\n", encoding="gb18030")
    rows = list(read_parties(path))
    assert rows[0].query.names == ["丹东鸿祥实业发展有限公司"]
    assert any("GB18030" in p.message and p.line == 2 for p in rows[0].problems)
    assert rows[1].ok and not rows[1].problems


def test_gb18030_jsonl_is_decoded(tmp_path):
    path = write(tmp_path / "p.jsonl", '{"id": "c1", "name": "丹东鸿祥实业发展有限公司"}\n', encoding="gb18030")
    rows = list(read_parties(path))
    assert rows[0].query.names == ["丹东鸿祥实业发展有限公司"]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16"])
def test_bom_files(tmp_path, encoding):
    path = write(tmp_path / "p.csv", "id,name\nk1,김정은\n", encoding=encoding)
    rows = list(read_parties(path))
    assert rows[0].query.names == ["김정은"] and not rows[0].problems


def test_undecodable_line_is_reported(tmp_path):
    path = tmp_path / "p.csv"
    path.write_bytes(b"id,name\nb1,Jane Smith\nb2,\x80\x80 Smith\n" + codecs.BOM_UTF8[:0])
    rows = list(read_parties(path))
    assert any("Latin-1" in p.message and p.line == 3 for p in rows[1].problems)


# --- 3. missing, empty, header-only ---------------------------------------------------------------

def test_missing_file_is_invalid_input(tmp_path, small_screener):
    with pytest.raises(InvalidInput, match="no such file: .*missing.csv"):
        screen_file(tmp_path / "missing.csv", tmp_path / "o.jsonl", screener=small_screener)
    assert not (tmp_path / "o.jsonl").exists()


@pytest.mark.parametrize(("text", "message"), [
    ("", "the file is empty"),
    ("\n  \n", "the file is empty"),
    ("id,name,schema\n", "a header row but no data rows"),
    ("id,name,schema\n\n\n", "a header row but no data rows"),
])
def test_empty_and_header_only_files_fail_clearly(tmp_path, small_screener, text, message):
    path = write(tmp_path / "p.csv", text)
    with pytest.raises(InvalidInput, match=message) as info:
        screen_file(path, tmp_path / "o.jsonl", screener=small_screener)
    assert str(path) in str(info.value)
    assert not (tmp_path / "o.jsonl").exists()


def test_empty_jsonl_fails_clearly(tmp_path):
    with pytest.raises(InvalidInput, match="no rows"):
        list(read_parties(write(tmp_path / "p.jsonl", "\n")))


# --- 4. binary garbage, long echoes, option names -------------------------------------------------

def test_binary_file_is_refused_briefly(tmp_path):
    path = tmp_path / "garbage.csv"
    path.write_bytes(bytes(range(256)) * 40)
    with pytest.raises(InvalidInput, match="not a text file") as info:
        list(read_parties(path))
    assert len(str(info.value)) < 200


def test_long_header_is_not_echoed_whole(tmp_path):
    path = write(tmp_path / "p.csv", "d" * 5000 + "\n1\n")
    with pytest.raises(InvalidInput, match="no 'name' column") as info:
        list(read_parties(path))
    # The file's own path is named in full; only the echoed header must be short.
    assert len(str(info.value).replace(str(path), "")) < 200


def test_unknown_extension_names_the_real_option(tmp_path):
    with pytest.raises(InvalidInput, match="--input-format") as info:
        detect_format(tmp_path / "garbage.bin")
    assert "--format " not in str(info.value)


# --- 5./6. control characters and overlong names --------------------------------------------------

def test_control_characters_are_stripped_with_a_warning(tmp_path):
    path = write(tmp_path / "p.csv", "id,name\nk1,Kim\x00Jong\x07Un\x1b[31m\n")
    rows = list(read_parties(path))
    assert rows[0].ok and rows[0].query.names == ["Kim Jong Un"]
    assert any("control characters" in p.message and p.field == "name" for p in rows[0].problems)


def test_control_characters_in_ftm_names(tmp_path):
    path = write(tmp_path / "p.ftm.json",
                 '{"id": "f1", "schema": "Person", "properties": {"name": ["Kim\\u001b[31mJong Un\\u001b[0m"]}}\n')
    rows = list(read_parties(path))
    assert rows[0].query.names == ["KimJong Un"]
    assert any("control characters" in p.message for p in rows[0].problems)


def test_overlong_name_is_cut_with_a_warning(tmp_path, small_screener):
    path = write(tmp_path / "p.csv", "id,name\nlong," + "A" * 10_000 + "\nok,Jane Smith\n")
    rows = list(read_parties(path))
    assert rows[0].ok and len(rows[0].query.names[0]) <= 300
    assert any("10,000 characters cut" in p.message for p in rows[0].problems)
    assert all(len(p.message) < 200 for p in rows[0].problems)
    summary = screen_file(path, tmp_path / "o.csv", screener=small_screener)
    assert summary.screened == 2 and summary.warnings >= 1
    assert any("cut" in e["message"] and e["field"] == "name" for e in errors_of(tmp_path / "o.errors.csv"))


# --- 7. the rate in the summary --------------------------------------------------------------------

@pytest.mark.parametrize(("screened", "seconds", "text"), [
    (7, 21.3, "3.0 s/row"), (9, 3.0, "3.0 rows/s"), (5000, 2.0, "2,500 rows/s"), (0, 1.0, ""), (3, 0.0, ""),
])
def test_rate_text_is_never_a_rounded_zero(screened, seconds, text):
    summary = BatchSummary("in", "out", None, screened=screened, seconds=seconds)
    assert summary.rate_text() == text


# --- the CLI: one red line, no traceback -----------------------------------------------------------

@pytest.fixture()
def cli(small_screener, monkeypatch):
    monkeypatch.setattr(screening, "_DEFAULT", small_screener)
    return CliRunner()


def test_cli_missing_file_is_one_line(cli, tmp_path):
    result = cli.invoke(app, ["screen", "--input", str(tmp_path / "missing.csv"), "--output",
                              str(tmp_path / "o.jsonl"), "--no-audit"])
    assert isinstance(result.exception, InvalidInput), result.exception
    assert "no such file" in str(result.exception) and "missing.csv" in str(result.exception)


def test_cli_unclosed_quote_summary_counts_every_row(cli, tmp_path):
    path = write(tmp_path / "p.csv", HEADER + "".join(GOOD) + 'r5,"Unclosed quote,Person,,,,,\n' + "".join(AFTER))
    result = cli.invoke(app, ["screen", "--input", str(path), "--output", str(tmp_path / "o.jsonl"), "--no-audit"])
    assert result.exit_code == 0, result.output
    out = " ".join(result.stdout.split())
    assert "Screened 9 of 10 rows" in out and "1 unreadable" in out
    assert "(0 rows/s)" not in out


def test_gzipped_jsonl_is_read_and_counted(tmp_path):
    import gzip

    from interdict.screening.io import count_rows

    path = tmp_path / "p.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        fh.write('{"id": "g1", "name": "Kim Jong Un"}\n{"id": "g2", "name": "Jane Smith"}\n')
    assert [r.row_id for r in read_parties(path) if r.ok] == ["g1", "g2"]
    assert count_rows(path) == 2


def test_single_name_with_controls_or_overlong_gets_problems(small_screener):
    result = small_screener.screen("Kim\x00Jong\x07Un\x1b[31m")
    assert result.query["properties"]["name"] == ["Kim Jong Un"]
    assert any("control characters" in p for p in result.problems)
    result = small_screener.screen("A" * 10_000)
    assert any("10,000 characters cut" in p for p in result.problems)
    assert small_screener.screen("Kim Jong Un").problems == []


def test_ftm_query_with_controls_gets_problems(small_screener):
    result = small_screener.screen({"schema": "Person", "properties": {"name": ["Kim\x1b[31m Jong Un"]}})
    assert result.query["properties"]["name"] == ["Kim Jong Un"]
    assert any("control characters" in p for p in result.problems)


def test_shared_line_decoder_mixed_encodings_and_binary_sniffing():
    import io

    from interdict.exc import ProblemLog
    from interdict.textio import LineDecoder, looks_binary
    from interdict.trade import shipments

    assert shipments._LineDecoder is LineDecoder  # one copy for trade and party files
    raw = io.BytesIO(codecs.BOM_UTF8 + "a,김정은\n".encode() + "b,丹东\n".encode("gb18030") + b"c,\xff\xff\n"
                     + b"d,Kim\x00Jong\n")
    log = ProblemLog()
    decoder = LineDecoder(raw, log, "f.csv")
    assert list(decoder) == ["a,김정은\n", "b,丹东\n", "c,ÿÿ\n", "d,Kim Jong\n"]
    assert (decoder.gb18030_lines, decoder.bad_lines) == (1, 1)
    assert [p.line for p in log.problems] == [3, 4]
    assert looks_binary(bytes(range(256)) * 4) and not looks_binary(b"id,name\nk1,Kim\x00Jong\n")
    assert not looks_binary("id,name\n".encode("utf-16"))


def test_screen_batch_rows_get_the_same_cleaning(small_screener):
    from interdict.screening import screen_batch

    results = screen_batch(["Kim\x1b[31m Jong Un", {"name": "B" * 5000}, {"name": "Jane Smith"}],
                           screener=small_screener)
    assert results[0].query["properties"]["name"] == ["Kim Jong Un"]
    assert any("control characters" in p for p in results[0].problems)
    assert any("5,000 characters cut" in p for p in results[1].problems)
    assert results[2].problems == []

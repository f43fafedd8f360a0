"""Party files in and results out: CSV, JSON lines, Parquet, FtM JSON lines; problems by line."""

from __future__ import annotations

import csv
import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from interdict.exc import InvalidInput
from interdict.screening.batch import screen_file
from interdict.screening.io import detect_format, read_parties


def write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def test_csv_names_in_several_columns_and_cells(tmp_path):
    path = write(tmp_path / "p.csv", "id,name,name,schema,birth_date,country,identifier\n"
                 "a,Kim Jong Un,김정은;KIM JONG-UN,Person,1984-01-08,KP,\n"
                 "b,,,,,,IMO 8660313\n")
    rows = list(read_parties(path))
    assert rows[0].query.names == ["Kim Jong Un", "김정은", "KIM JONG-UN"]
    assert rows[0].query.countries == ["kp"] and rows[0].line == 2
    assert rows[1].query.identifiers[0].value == "8660313"


def test_csv_bad_rows_are_reported_with_line_numbers(tmp_path):
    path = write(tmp_path / "p.csv", "id,name,birth_date\n1,Kim Jong Un,1984\n2,!!!,\n3,Ri Su Yong,31-31-31\n"
                 "4,too,many,fields,here\n")
    rows = list(read_parties(path))
    bad = {r.line: r for r in rows if not r.ok}
    assert set(bad) == {3, 5}
    assert "no usable name" in bad[3].problems[-1].message
    warned = next(r for r in rows if r.line == 4)
    assert warned.ok and warned.problems and warned.problems[0].line == 4


def test_csv_without_name_column_is_an_error(tmp_path):
    path = write(tmp_path / "p.csv", "foo,bar\n1,2\n")
    with pytest.raises(InvalidInput):
        list(read_parties(path))


def test_jsonl_and_ftm_lines(tmp_path):
    path = write(tmp_path / "p.jsonl", json.dumps({"id": "x", "name": "Kim Jong Un"}) + "\n{broken\n"
                 + json.dumps({"id": "v", "schema": "Vessel", "properties": {"name": ["CHON MA SAN"],
                                                                          "imoNumber": ["8660313"]}}) + "\n[1,2]\n")
    rows = list(read_parties(path))
    assert [r.ok for r in rows] == [True, False, True, False]
    assert rows[1].problems[0].line == 2
    assert rows[2].query.schema == "Vessel"


def test_parquet_in(tmp_path):
    path = tmp_path / "p.parquet"
    pq.write_table(pa.table({"id": ["1", "2"], "name": ["Kim Jong Un", None]}), path)
    rows = list(read_parties(path))
    assert rows[0].ok and not rows[1].ok


@pytest.mark.parametrize(("name", "fmt"), [("a.csv", "csv"), ("a.jsonl", "jsonl"), ("a.parquet", "parquet"),
                                           ("a.ftm.json", "ftm"), ("a.json", "jsonl")])
def test_detect_format(name, fmt):
    assert detect_format(name) == fmt


@pytest.mark.parametrize("out_name", ["out.csv", "out.jsonl", "out.parquet"])
def test_screen_file_writes_results_errors_and_summary(tmp_path, small_screener, out_name):
    src = write(tmp_path / "in.csv", "id,name,schema\nr1,Kim Jong Sik,Person\nr2,???,\nr3,Jane Ordinary,Person\n"
                "r4,Kim Jong Sik,Person\n")
    out = tmp_path / out_name
    summary = screen_file(src, out, screener=small_screener)
    assert summary.rows == 4 and summary.screened == 3 and summary.skipped == 1
    assert summary.rows_matched == 2
    errors = list(csv.DictReader(open(summary.errors_file, encoding="utf-8")))
    assert errors[0]["line"] == "3"
    if out_name.endswith(".csv"):
        rows = list(csv.DictReader(open(out, encoding="utf-8")))
        assert rows[0]["input_id"] == "r1" and rows[0]["match"] == "True"
    elif out_name.endswith(".jsonl"):
        lines = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
        assert lines[0]["input_id"] == "r1" and lines[0]["results"][0]["also_on"]
    else:
        table = pq.read_table(out).to_pylist()
        assert table[0]["input_id"] == "r1"


def test_csv_output_neutralises_spreadsheet_formulas(tmp_path, small_screener):
    src = write(tmp_path / "in.csv", 'id,name,schema\n=cmd|x,"=HYPERLINK(""http://x"",""Kim Jong Sik"")",Person\n')
    out = tmp_path / "out.csv"
    screen_file(src, out, screener=small_screener)
    row = next(csv.DictReader(open(out, encoding="utf-8")))
    assert row["input_id"] == "'=cmd|x"
    assert row["input_name"].startswith("'=HYPERLINK")

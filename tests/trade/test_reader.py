"""Reading shipment files: formats, encodings, bad lines with line numbers, never a traceback."""

import gzip
import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from interdict.exc import InvalidInput, ProblemLog
from interdict.trade.shipments import detect_format, iter_records, parse_number

HEADER = "shipment_id,consignee_name,consignee_country,goods_description,hs_code,quantity,value_usd\n"


def test_csv_utf8_with_bom(tmp_path):
    p = tmp_path / "s.csv"
    p.write_bytes(b"\xef\xbb\xbf" + (HEADER + "S1,丹东贸易,CN,显卡,847330,10,5000\n").encode("utf-8"))
    rows = list(iter_records(p))
    assert rows == [(2, {"shipment_id": "S1", "consignee_name": "丹东贸易", "consignee_country": "CN",
                         "goods_description": "显卡", "hs_code": "847330", "quantity": "10", "value_usd": "5000"})]


def test_csv_gb18030_and_mixed_lines(tmp_path):
    p = tmp_path / "s.csv"
    data = HEADER.encode() + "S1,丹东贸易有限公司,CN,显卡,847330,10,5000\n".encode("gb18030")
    data += "S2,珲春物流,CN,笔记本电脑,847130,5,3000\n".encode()
    data += b"S3,\xff\xfe\xfd broken,CN,x,847130,1,1\n"
    p.write_bytes(data)
    log = ProblemLog()
    rows = list(iter_records(p, log))
    assert rows[0][1]["consignee_name"] == "丹东贸易有限公司"
    assert rows[1][1]["consignee_name"] == "珲春物流"
    assert rows[2][0] == 4  # still read, as Latin-1
    assert [pr.line for pr in log.problems if "columns missing" not in pr.message] == [4]


def test_csv_wrong_field_counts_and_multiline(tmp_path):
    p = tmp_path / "s.csv"
    p.write_text(HEADER + 'S1,"Multi\nline name",CN,laptops,847130,1,1\nS2,too,few\n'
                 "S3,A,CN,x,1,2,3,extra\n\nS4,B,CN,y,847130,1,1\n", encoding="utf-8")
    log = ProblemLog()
    rows = list(iter_records(p, log))
    assert [r[1]["shipment_id"] for r in rows] == ["S1", "S2", "S3", "S4"]
    assert [r[0] for r in rows] == [2, 4, 5, 7]
    assert [pr.line for pr in log.problems if "columns missing" not in pr.message] == [4, 5]
    assert rows[1][1]["hs_code"] == ""


def test_semicolon_and_tab_delimiters(tmp_path):
    p = tmp_path / "s.csv"
    p.write_text(HEADER.replace(",", ";") + "S1;A;CN;laptops;847130;1;1\n", encoding="utf-8")
    assert list(iter_records(p))[0][1]["goods_description"] == "laptops"
    t = tmp_path / "s.tsv"
    t.write_text(HEADER.replace(",", "\t") + "S1\tA\tCN\tlaptops\t847130\t1\t1\n", encoding="utf-8")
    assert list(iter_records(t))[0][1]["hs_code"] == "847130"


def test_header_aliases_and_missing_columns(tmp_path):
    p = tmp_path / "s.csv"
    p.write_text("ID,Consignee,商品名称,HS Code\nS1,A,显卡,847330\n", encoding="utf-8")
    log = ProblemLog()
    rows = list(iter_records(p, log))
    assert rows[0][1] == {"shipment_id": "S1", "consignee_name": "A", "goods_description": "显卡", "hs_code": "847330"}
    assert "columns missing" in log.problems[0].message


def test_jsonl_bad_lines(tmp_path):
    p = tmp_path / "s.jsonl"
    p.write_text('{"shipment_id": "S1", "hs_code": 847130}\nnot json\n[1,2]\n\n{"shipment_id": "S2"}\n',
                 encoding="utf-8")
    log = ProblemLog()
    rows = list(iter_records(p, log))
    assert [r[0] for r in rows] == [1, 5]
    assert [pr.line for pr in log.problems] == [2, 3]


def test_gzip_and_parquet(tmp_path):
    g = tmp_path / "s.jsonl.gz"
    with gzip.open(g, "wt", encoding="utf-8") as fh:
        fh.write(json.dumps({"shipment_id": "G1", "goods_description": "laptops"}) + "\n")
    assert list(iter_records(g))[0][1]["shipment_id"] == "G1"
    pqf = tmp_path / "s.parquet"
    pq.write_table(pa.table({"shipment_id": ["P1", "P2"], "quantity": [3, None], "HS Code": ["847130", "x"]}), pqf)
    rows = list(iter_records(pqf))
    assert rows == [(1, {"shipment_id": "P1", "quantity": 3, "hs_code": "847130"}),
                    (2, {"shipment_id": "P2", "quantity": None, "hs_code": "x"})]


@pytest.mark.parametrize(
    "content,message",
    [(b"", "empty"), (b"foo,bar\n1,2\n", "no known column"), (b'[{"a": 1}]\n', "JSON array")],
)
def test_unusable_files_raise_invalid_input(tmp_path, content, message):
    p = tmp_path / ("x.jsonl" if content.startswith(b"[") else "x.csv")
    p.write_bytes(content)
    with pytest.raises(InvalidInput, match=message):
        list(iter_records(p))


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(InvalidInput):
        list(iter_records(tmp_path / "nope.csv"))
    with pytest.raises(InvalidInput):
        list(iter_records(tmp_path))


def test_not_parquet(tmp_path):
    p = tmp_path / "x.parquet"
    p.write_bytes(b"PAR1 garbage")
    with pytest.raises(InvalidInput):
        list(iter_records(p))


def test_detect_format(tmp_path):
    assert detect_format("a.CSV") == "csv"
    assert detect_format("a.ndjson") == "jsonl"
    assert detect_format("a.csv.gz") == "csv"
    assert detect_format("x", "parquet") == "parquet"
    with pytest.raises(InvalidInput):
        detect_format("x", "xlsx")


@pytest.mark.parametrize(
    "raw,number,ok",
    [("1,200", 1200.0, True), ("USD 1,200.50", 1200.5, True), ("$300", 300.0, True), ("12 pcs", 12.0, True),
     ("200台", 200.0, True), (7, 7.0, True), ("", None, True), (None, None, True), ("lots", None, False),
     ("12/5", None, False), ("1e400", None, False), (float("inf"), None, False)],
)
def test_parse_number(raw, number, ok):
    got, _, good = parse_number(raw)
    assert (got, good) == (number, ok)


def test_unbalanced_quote_does_not_swallow_the_next_rows(tmp_path):
    p = tmp_path / "s.csv"
    p.write_text(HEADER + "S1,A Ltd,CN,x,847130,1,1\n"
                 'S2,"Unclosed Ltd,CN,x,847130,1,1\n'
                 "S3,Dandong Trading,CN,laptops,847130,5,3000\n"
                 'S4,"Quoted, Ltd",CN,"two\nlines",847130,2,2\n'
                 'S5,"Unclosed again\n'
                 "S6,Last Ltd,CN,x,847130,1,1\n")
    log = ProblemLog()
    rows = list(iter_records(p, log))
    assert [(line, r["shipment_id"]) for line, r in rows] == [(2, "S1"), (3, "S2"), (4, "S3"), (5, "S4"), (8, "S6")]
    assert rows[1][1]["consignee_name"] == "Unclosed Ltd"
    assert rows[3][1]["goods_description"] == "two\nlines"  # a well-formed multi-line field stays one row
    found = {(p.line, p.record) for p in log.problems if "unbalanced quote" in p.message}
    assert found == {(3, "S2"), (7, "S5")}


def test_garbage_header_is_not_echoed_in_full(tmp_path):
    p = tmp_path / "garbage.csv"
    p.write_bytes(b"D" * 20_000 + b"\n" + b"x" * 100 + b"\n")
    with pytest.raises(InvalidInput, match="no known column") as info:
        list(iter_records(p))
    assert len(str(info.value)) < 800 and "D" * 101 not in str(info.value)

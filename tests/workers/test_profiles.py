from __future__ import annotations

import pytest

from interdict.exc import InvalidInput, ProblemLog
from interdict.workers.profiles import parse_utc_offset, read_profiles

from .conftest import write_csv, write_jsonl


def test_csv_nested_fields_as_lists_and_json(tmp):
    path = write_csv(tmp / "p.csv", [
        {"id": "c1", "name": "Ann Lee", "country": "United States", "timezone": "UTC-05:00", "languages": "en;ko",
         "documents": "passport|X123 4567|US|2019-04-01",
         "payment_accounts": "bank|Bank of China|CN|acct-1|Li Wei;crypto|USDT||0xabc|",
         "linked_accounts": "github|annlee|Ann Lee", "shipping": "1 Elm St Apt 2, Phoenix, AZ, US; Zhenxing, Dandong, CN",
         "company_registered": "2024-02-01"},
        {"id": "c2", "documents": '[{"type": "national_id", "number": "99", "country": "PL"}]',
         "payment_accounts": '{"type": "paypal", "account": "PP-9", "holder": "Bob"}'},
    ])
    problems = ProblemLog()
    profiles = read_profiles(path, problems)
    assert not problems, problems.problems
    p = profiles["c1"]
    assert p.country == "us" and p.utc_offset == -5 and p.languages == ["en", "ko"]
    assert p.documents[0].number == "X123 4567" and p.documents[0].key() == "passport|X1234567|us"
    assert [a.type for a in p.payment_accounts] == ["bank", "crypto"]
    assert p.payment_accounts[0].country == "cn" and p.payment_accounts[0].holder == "Li Wei"
    assert p.payment_accounts[1].is_crypto and p.payment_accounts[1].account == "0xabc"
    assert [a.city for a in p.shipping] == ["Phoenix", "Dandong"] and p.shipping[1].country == "cn"
    assert p.linked_accounts[0].site == "github"
    assert str(p.company_registered) == "2024-02-01"
    q = profiles["c2"]
    assert q.documents[0].country == "pl" and q.payment_accounts[0].key() == "pp-9"


def test_bad_fields_are_reported_with_line_numbers_and_the_rest_is_kept(tmp):
    path = write_csv(tmp / "p.csv", [
        {"id": "ok", "country": "DE"},
        {"id": "bad", "country": "Narnia", "timezone": "Mars/Olympus", "documents": "[not json",
         "domain_registered": "yesterday"},
        {"id": "", "country": "FR"},
        {"id": "ok", "country": "FR"},
    ], ["id", "country", "timezone", "documents", "domain_registered"])
    problems = ProblemLog()
    profiles = read_profiles(path, problems)
    assert set(profiles) == {"ok", "bad"}
    assert profiles["ok"].country == "de"  # the first of two duplicates is kept
    by_field = {(p.line, p.field): p.message for p in problems.problems}
    assert (3, "country") in by_field and (3, "timezone") in by_field
    assert (3, "documents") in by_field and (3, "domain_registered") in by_field
    lines = {p.line for p in problems.problems if p.field is None}
    assert lines == {4, 5}  # no id; duplicate id
    assert profiles["bad"].country is None and profiles["bad"].documents == []


def test_jsonl_profiles_skip_broken_lines(tmp):
    path = tmp / "p.jsonl"
    write_jsonl(path, [{"id": "a", "name": "A"}])
    with path.open("a") as handle:
        handle.write("{broken\n[1, 2]\n\n")
        handle.write('{"id": "b", "payment_accounts": [{"type": "bank", "country": "CN", "account": "x"}]}\n')
    problems = ProblemLog()
    profiles = read_profiles(path, problems)
    assert set(profiles) == {"a", "b"}
    assert sorted(p.line for p in problems.problems) == [2, 3]


def test_missing_file_is_an_input_error(tmp):
    with pytest.raises(InvalidInput):
        read_profiles(tmp / "nope.csv")


@pytest.mark.parametrize(("text", "hours"), [("Asia/Seoul", 9), ("UTC+9", 9), ("+05:30", 5.5), ("GMT-3", -3),
                                               ("UTC", 0), ("Europe/Nowhere", None), ("UTC+19", None)])
def test_utc_offsets(text, hours):
    assert parse_utc_offset(text) == hours


@pytest.mark.parametrize("encoding", ["gb18030", "utf-16", "utf-8-sig"])
def test_profiles_in_chinese_encodings_are_decoded_not_mojibake(tmp, encoding):
    path = tmp / "p.csv"
    path.write_bytes("id,name,email\nc1,丹东鸿祥实业发展有限公司,a@example.com\nc2,Jane Smith,j@example.com\n"
                     .encode(encoding))
    problems = ProblemLog()
    profiles = read_profiles(path, problems)
    assert profiles["c1"].name == "丹东鸿祥实业发展有限公司"
    assert profiles["c2"].name == "Jane Smith"
    jsonl = tmp / "p.jsonl"
    jsonl.write_bytes('{"id": "c3", "name": "丹东鸿祥实业发展有限公司"}\n'.encode(encoding))
    assert read_profiles(jsonl, problems)["c3"].name == "丹东鸿祥实业发展有限公司"
    assert not [p for p in problems.problems if "Latin-1" in p.message]

"""The bundled shipment sample and the benchmark generator use HS 2022 codes (the product's own check)."""

from __future__ import annotations

from pathlib import Path

import pytest

from interdict.exc import ProblemLog
from interdict.trade.goods import check_hs
from interdict.trade.shipments import iter_records

SAMPLE = Path(__file__).resolve().parents[2] / "src" / "interdict" / "data" / "samples" / "shipments.csv"


def test_sample_hs_codes_are_hs_2022():
    problems = ProblemLog()
    bad = [(line, rec["hs_code"], check_hs(rec["hs_code"]).problem)
           for line, rec in iter_records(SAMPLE, problems) if rec.get("hs_code") and not check_hs(rec["hs_code"]).valid]
    assert bad == []
    assert problems.problems == []


def test_generator_hs_codes_are_hs_2022():
    generate = pytest.importorskip("bench.trade.generate")
    codes = {item[2] for table in (generate.ELECTRONICS, generate.ADVANCED, generate.OTHER)
             for item in table} | set(generate.MISDECLARE_HS)
    assert len(codes) > 10
    assert sorted(c for c in codes if not check_hs(c).valid) == []

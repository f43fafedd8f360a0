from __future__ import annotations

import pytest

from interdict.model import Alert, Citation, Grade, Level, Reason, combine_scores, level_for


def reason(score: float, grade: Grade = Grade.A) -> Reason:
    return Reason(
        rule_id="r", summary="s", score=score, citation=Citation(instrument="UNSCR 2397 (2017)", grade=grade)
    )


@pytest.mark.parametrize(
    ("scores", "expected"),
    [
        ([], 0.0),
        ([0.5], 0.5),
        ([0.5, 0.5], 0.75),
        ([1.0, 0.1], 1.0),
        ([0.0, 0.0], 0.0),
    ],
)
def test_combine_scores_is_noisy_or(scores, expected):
    assert combine_scores([reason(s) for s in scores]) == pytest.approx(expected)


def test_grade_c_reasons_are_capped_and_cannot_block():
    weak = [reason(0.9, Grade.C), reason(0.9, Grade.C), reason(0.9, Grade.C)]
    score = combine_scores(weak)
    assert score == pytest.approx(0.45)
    assert level_for(score, weak) == Level.CLEAR
    # Even a weak score pushed high by a threshold override cannot block without a strong reason.
    assert level_for(0.99, weak) == Level.REVIEW


def test_strong_reason_blocks():
    reasons = [reason(0.9)]
    assert level_for(combine_scores(reasons), reasons) == Level.BLOCK


def test_weak_reasons_add_to_strong_ones():
    # The weak part is capped at 0.45 before it joins: 1 - 0.5 * (1 - 0.45).
    assert combine_scores([reason(0.5), reason(0.5, Grade.C)]) == pytest.approx(0.725)


def test_alert_row_is_json_ready():
    alert = Alert(subject="s1", score=0.91234, level=Level.BLOCK, reasons=[reason(0.9)], engine="trade")
    row = alert.to_row()
    assert row["level"] == "block"
    assert row["score"] == 0.9123
    assert row["reasons"][0]["citation"]["instrument"] == "UNSCR 2397 (2017)"


def test_citation_short_form():
    cit = Citation(instrument="UNSCR 2397 (2017)", paragraph="OP7", source_id="S01", grade=Grade.A)
    assert cit.short() == "UNSCR 2397 (2017) OP7 [S01, grade A]"

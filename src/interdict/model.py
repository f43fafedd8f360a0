"""The one Alert shape every engine leaves: subject, score, level, reasons.

A :class:`Reason` says which rule or feature fired (a stable id), the evidence (values compared,
path walked, events seen) and a :class:`Citation` (instrument, paragraph, source document id from
the domain register, confidence grade). Grade C facts are weak signals: :func:`combine_scores`
caps what they can contribute so that they never block on their own.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field

__all__ = ["Citation", "Reason", "Alert", "Level", "Grade", "combine_scores", "level_for"]


class Grade(StrEnum):
    """Confidence grade of the fact a rule rests on (A: official text; B: official advisory; C: weak)."""

    A = "A"
    B = "B"
    C = "C"


class Level(StrEnum):
    CLEAR = "clear"
    REVIEW = "review"
    BLOCK = "block"


class Citation(BaseModel):
    """Where a rule's authority comes from."""

    instrument: str = Field(description="Law, resolution or advisory, e.g. 'UNSCR 2397 (2017)'.")
    paragraph: str | None = Field(default=None, description="Operative paragraph or section, e.g. 'OP7'.")
    source_id: str | None = Field(default=None, description="Id in the domain source register, e.g. 'S01'.")
    grade: Grade = Field(default=Grade.B, description="Confidence grade of the underlying fact.")
    url: str | None = None

    def short(self) -> str:
        parts = [self.instrument]
        if self.paragraph:
            parts.append(self.paragraph)
        text = " ".join(parts)
        if self.source_id:
            text += f" [{self.source_id}, grade {self.grade.value}]"
        return text


class Reason(BaseModel):
    """One reason an alert fired: the rule or feature, its weight in the score, evidence, citation."""

    rule_id: str = Field(description="Stable id of the rule or feature, e.g. 'dprk-hs-ch84-89-supply'.")
    summary: str = Field(description="One readable sentence saying what was found.")
    score: float = Field(ge=0.0, le=1.0, description="Strength of this reason on its own, in [0, 1].")
    evidence: dict[str, Any] = Field(default_factory=dict)
    citation: Citation | None = None
    path: list[str] | None = Field(default=None, description="FtM entity ids along a network path.")

    @property
    def grade(self) -> Grade:
        return self.citation.grade if self.citation else Grade.B


class Alert(BaseModel):
    """What every engine returns for one subject (a party, shipment, entity or contractor)."""

    subject: str = Field(description="Id of what was screened (query id, shipment id, entity id...).")
    subject_type: str = Field(default="party", description="party, shipment, entity, contractor, cluster.")
    score: float = Field(ge=0.0, le=1.0)
    level: Level
    reasons: list[Reason] = Field(default_factory=list)
    engine: str = Field(default="", description="Which engine produced it: screening, trade, network, workers.")
    caption: str | None = None
    details: dict[str, Any] = Field(default_factory=dict)

    def to_row(self) -> dict[str, Any]:
        """Flat form for JSON lines: shipment_id/entity_id style outputs build on this."""
        return {
            "subject": self.subject,
            "score": round(self.score, 4),
            "level": self.level.value,
            "reasons": [r.model_dump(exclude_none=True, mode="json") for r in self.reasons],
        }


# Weak (grade C) evidence can raise attention but never reach a block by itself.
WEAK_SIGNAL_CAP = 0.45


def combine_scores(reasons: list[Reason]) -> float:
    """Noisy-OR of the reasons' scores; grade-C reasons are capped at ``WEAK_SIGNAL_CAP`` together.

    Noisy-OR treats reasons as independent pieces of evidence: two 0.5 signals give 0.75, never
    more than 1, and one decisive reason (1.0) decides.
    """
    strong = 1.0
    weak = 1.0
    for reason in reasons:
        if reason.grade == Grade.C:
            weak *= 1.0 - reason.score
        else:
            strong *= 1.0 - reason.score
    weak_part = min(1.0 - weak, WEAK_SIGNAL_CAP)
    return 1.0 - strong * (1.0 - weak_part)


def level_for(score: float, reasons: list[Reason], review: float = 0.5, block: float = 0.85) -> Level:
    """Map a score to a level; a block needs at least one reason that is not grade C."""
    if score >= block and any(r.grade != Grade.C for r in reasons):
        return Level.BLOCK
    if score >= review:
        return Level.REVIEW
    return Level.CLEAR

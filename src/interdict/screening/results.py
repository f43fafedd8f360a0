"""What a screening returns: one :class:`Match` per designated party, inside a :class:`ScreeningResult`.

A match is one party even when it is on several lists: the best-scoring record leads (``id``,
``source``, ``source_id``) and ``also_on`` lists the other lists' records of the same party with
their references. ``explanations`` says which query name met which list name, in which normalised
form, the feature values and what each contributed, and the qualifiers that moved the score.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["Match", "ScreeningResult", "ComparisonResult"]


@dataclass
class Match:
    """One designated party that the query may be."""

    id: str
    source: str
    source_id: str
    caption: str
    schema: str
    score: float
    match: bool
    matched_name: str | None
    explanations: dict[str, Any] = field(default_factory=dict)
    also_on: list[dict[str, Any]] = field(default_factory=list)
    programs: list[str] = field(default_factory=list)
    dprk: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "source": self.source,
            "source_id": self.source_id,
            "caption": self.caption,
            "schema": self.schema,
            "score": round(self.score, 4),
            "match": self.match,
            "matched_name": self.matched_name,
            "programs": list(self.programs),
            "dprk": self.dprk,
            "also_on": list(self.also_on),
            "explanations": self.explanations,
        }


@dataclass
class ScreeningResult:
    """The answer for one query: the cleaned query, matches best first, and any input problems."""

    query: dict[str, Any]
    results: list[Match]
    threshold: float
    dataset: str
    problems: list[str] = field(default_factory=list)

    @property
    def matched(self) -> list[Match]:
        return [m for m in self.results if m.match]

    @property
    def best(self) -> Match | None:
        return self.results[0] if self.results else None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "query": self.query,
            "dataset": self.dataset,
            "threshold": self.threshold,
            "results": [m.to_dict() for m in self.results],
        }
        if self.problems:
            out["problems"] = list(self.problems)
        return out


@dataclass
class ComparisonResult:
    """One pair scored: the probability they are the same party, and why."""

    score: float
    match: bool
    threshold: float
    explanations: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {"score": round(self.score, 4), "match": self.match, "threshold": self.threshold,
                "explanations": self.explanations}

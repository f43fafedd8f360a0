"""Explanations: turn a :class:`~interdict.matching.scorer.Scored` into words and numbers a reviewer reads.

Built only for the results that are returned (the scorer keeps raw values until then): which query
name met which list name, the normalised forms and their kind (``latin``, ``hangul-rr``,
``pinyin``...), the token pairs aligned and their similarity, every feature value, its share of
the logit, and the qualifiers (identifiers, birth dates, countries, schema) that moved the score.
"""

from __future__ import annotations

from typing import Any

from interdict.matching.calibrate import Calibration
from interdict.matching.features import FEATURES
from interdict.matching.index import Index
from interdict.matching.scorer import IDENTIFIER_FLOOR, Scored

__all__ = ["explain", "QUALIFIERS"]

QUALIFIERS = (
    "identifier_match", "identifier_mismatch", "dob_match", "dob_mismatch", "country_match",
    "country_mismatch", "schema_mismatch", "weak_alias", "legal_form_conflict",
)


def explain(scored: Scored, index: Index, calibration: Calibration) -> dict[str, Any]:
    """A JSON-able explanation of one scored candidate."""
    x = scored.features
    contributions = calibration.contributions(x)
    out: dict[str, Any] = {}
    if scored.list_form is not None and scored.query_form is not None and scored.evidence is not None:
        ev = scored.evidence
        out["name"] = {
            "query_name": scored.query_name,
            "query_form": scored.query_form.text,
            "query_form_kind": scored.query_form.kind,
            "list_name": scored.list_name,
            "list_form": scored.list_form.text,
            "list_form_kind": scored.list_form.kind,
            "tokens": [{"query": a, "list": b, "similarity": s} for a, b, s in ev.pairs],
            "coverage_query": round(ev.cov_query, 3),
            "coverage_list": round(ev.cov_list, 3),
        }
    out["features"] = {k: v for k, v in scored.feature_dict().items() if v}
    out["contributions"] = contributions
    qualifiers = []
    for name in QUALIFIERS:
        if name in contributions:
            qualifiers.append({"feature": name, "effect": contributions[name], "summary": FEATURES[name]})
    if scored.matched_identifiers:
        qualifiers.append({
            "feature": "identifier_match",
            "effect": "decides",
            "summary": f"equal identifier {', '.join(scored.matched_identifiers)}: score at least {IDENTIFIER_FLOOR}",
        })
    out["qualifiers"] = qualifiers
    e = scored.entity
    if index.birth_dates[e]:
        out["list_birth_dates"] = list(index.birth_dates[e])
    if index.countries[e]:
        out["list_countries"] = list(index.countries[e])
    return out

"""Analyst decisions on hits: confirmed match, false positive, needs review.

A decision belongs to the pair (subject, list entity) and to the analyst who made it. The subject is
the stable id of what was screened: ``book:<customer id>`` for the customer book, the ``id`` of a
yente query example when the client sends one, else the audit record of that screening. Decisions
are append-only (each also appends an audit record): a reversal is a new decision, the newest one
applies, and the full history stays readable.

A false positive stops a hit from alerting until the list entity or the subject gains a fact that
matters (see :mod:`interdict.audit.facts`); then the hit alerts again and says why.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from interdict.audit.db import ServiceDB
from interdict.audit.facts import Facts, new_facts
from interdict.audit.trail import NewRecord, append, now_iso
from interdict.exc import InvalidInput

__all__ = ["Status", "Decision", "Applied", "record_decision", "latest_decisions", "history", "apply_decision"]


class Status(StrEnum):
    CONFIRMED = "confirmed_match"
    FALSE_POSITIVE = "false_positive"
    NEEDS_REVIEW = "needs_review"


@dataclass(frozen=True)
class Decision:
    decision_id: str
    subject: str
    entity_id: str
    status: str
    reason: str
    analyst: str
    created_at: str
    entity_facts: Facts
    subject_facts: Facts
    audit_record: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class Applied:
    """A decision as it applies to a hit now."""

    decision: Decision
    suppressed: bool
    reopened_because: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        d = self.decision
        return {
            "decision_id": d.decision_id,
            "status": d.status,
            "reason": d.reason,
            "analyst": d.analyst,
            "decided_at": d.created_at,
            "suppressed": self.suppressed,
            "reopened_because": self.reopened_because,
        }


_COLS = ("decision_id, subject, entity_id, status, reason, analyst, created_at, entity_facts, subject_facts, "
         "audit_record")


def _row(row: tuple[Any, ...]) -> Decision:
    return Decision(row[0], row[1], row[2], row[3], row[4], row[5], row[6], json.loads(row[7]), json.loads(row[8]),
                    row[9])


def record_decision(db: ServiceDB, *, subject: str, entity_id: str, status: str, reason: str, analyst: str,
                    entity_facts: Facts, subject_facts: Facts, channel: str = "api",
                    audit_record: str | None = None) -> Decision:
    """Append a decision (never overwrites) and its audit record."""
    try:
        status = Status(status).value
    except ValueError as exc:
        raise InvalidInput(f"unknown decision {status!r}: use confirmed_match, false_positive or needs_review") from exc
    if not (reason or "").strip():
        raise InvalidInput("a decision needs a reason")
    if not subject or not entity_id:
        raise InvalidInput("a decision needs a subject and a list entity id")
    with db.write():
        last = db.fetchone("SELECT seq FROM decisions ORDER BY seq DESC LIMIT 1")
        seq = (int(last[0]) if last else 0) + 1
        decision = Decision(f"dec-{seq:08d}", subject, entity_id, status, reason.strip(), analyst, now_iso(),
                            entity_facts, subject_facts, audit_record)
        db.execute(
            f"INSERT INTO decisions (seq, {_COLS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (seq, decision.decision_id, subject, entity_id, status, decision.reason, analyst, decision.created_at,
             json.dumps(entity_facts, sort_keys=True, ensure_ascii=False),
             json.dumps(subject_facts, sort_keys=True, ensure_ascii=False), audit_record),
        )
    append(db, NewRecord("decision", analyst, channel, {"decision": decision.to_dict()}, subject=subject))
    return decision


def latest_decisions(db: ServiceDB, subject: str, entity_ids: list[str] | None = None) -> dict[str, Decision]:
    """The decision in force per list entity for this subject (newest wins)."""
    if entity_ids is not None and not entity_ids:
        return {}
    sql = f"SELECT {_COLS} FROM decisions WHERE subject = ?"
    params: list[Any] = [subject]
    if entity_ids is not None:
        sql += f" AND entity_id IN ({', '.join('?' for _ in entity_ids)})"
        params.extend(entity_ids)
    out: dict[str, Decision] = {}
    for row in db.fetchall(sql + " ORDER BY seq", params):
        d = _row(row)
        out[d.entity_id] = d
    return out


def history(db: ServiceDB, *, subject: str | None = None, entity_id: str | None = None,
            limit: int = 1000) -> list[Decision]:
    where, params = [], []
    if subject:
        where.append("subject = ?")
        params.append(subject)
    if entity_id:
        where.append("entity_id = ?")
        params.append(entity_id)
    sql = f"SELECT {_COLS} FROM decisions"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += f" ORDER BY seq LIMIT {int(limit)}"
    return [_row(r) for r in db.fetchall(sql, params)]


def apply_decision(decision: Decision, entity_facts_now: Facts | None, subject_facts_now: Facts | None) -> Applied:
    """Does this decision still silence the hit? Only a false positive with no new facts on either side does."""
    if decision.status != Status.FALSE_POSITIVE:
        return Applied(decision, suppressed=False)
    why: list[str] = []
    if entity_facts_now is not None:
        why += new_facts(decision.entity_facts, entity_facts_now, "list entity")
    if subject_facts_now is not None:
        why += new_facts(decision.subject_facts, subject_facts_now, "customer")
    return Applied(decision, suppressed=not why, reopened_because=why)

"""Audit records for the file-screening engines: trade (shipments), network (registry and trade
records) and workers (contractors). One record per run, written when the run has finished.

Why per run and not per screened item: a trade file is screened at thousands of shipments per CPU
second and can hold millions of rows; one hash-chained record per row would cost about as much as
screening the row's goods and routes, and most rows are clear. A run record instead binds the run
to exactly what went in and what came out:

* every input file by path, size and sha256 (so the clear items are identified: they are the
  input's rows not listed as alerts), and every output file (alerts, report) by sha256;
* the list versions with their sha256 and the party-screening algorithm configuration (when party
  screening ran), the rule pack's sha256, the interdict version and the options given;
* the counts per level, and each item at review or block: its id, level, score and rule ids
  (capped at :data:`MAX_ITEMS`; past it the record says so and the output file's sha256 covers them).

Party screening (``interdict screen``) stays one record per screened party.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from interdict.audit.db import ServiceDB, open_service_db
from interdict.audit.trail import NewRecord, append

__all__ = ["RunAudit", "file_fingerprint", "MAX_ITEMS"]

#: Items at review or block listed in one run record.
MAX_ITEMS = 50_000


def file_fingerprint(path: str | Path) -> dict[str, Any]:
    """Path, size and sha256 of a file (read in 1 MiB blocks)."""
    p = Path(path)
    h = hashlib.sha256()
    size = 0
    with open(p, "rb") as fh:
        while block := fh.read(1 << 20):
            h.update(block)
            size += len(block)
    return {"path": str(p), "bytes": size, "sha256": h.hexdigest()}


def _rules_sha256(engine: str) -> str | None:
    from interdict.rules import RULES_DIR

    path = Path(RULES_DIR) / f"{engine}.yml"
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


class RunAudit:
    """Collect a run's alerts as they stream (``add``), then ``record`` one audit record.

    ``subject_of`` maps an alert to the id recorded for it (e.g. a pseudonym)."""

    def __init__(self, engine: str, *, inputs: Iterable[str | Path], options: Mapping[str, Any] | None = None,
                 subject_of: Callable[[Any], str] | None = None) -> None:
        self.engine = engine
        self.inputs = [Path(p) for p in inputs]
        self.options = dict(options or {})
        self.subject_of = subject_of or (lambda alert: alert.subject)
        self.levels: Counter = Counter()
        self.items: list[dict[str, Any]] = []
        self.items_left_out = 0

    def add(self, alert: Any) -> None:
        level = alert.level.value if hasattr(alert.level, "value") else str(alert.level)
        self.levels[level] += 1
        if level == "clear":
            return
        if len(self.items) >= MAX_ITEMS:
            self.items_left_out += 1
            return
        self.items.append({"id": self.subject_of(alert), "level": level, "score": round(float(alert.score), 4),
                           "rules": sorted({r.rule_id for r in alert.reasons})})

    def add_all(self, alerts: Iterable[Any]) -> RunAudit:
        for alert in alerts:
            self.add(alert)
        return self

    def body(self, *, outputs: Iterable[str | Path | None] = (), screener: Any = None,
             lists_used: bool = True, extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
        import interdict
        from interdict.audit.screening import screening_context

        context: dict[str, Any] = {"lists": {}, "algorithm": {}}
        if lists_used:
            try:
                context = screening_context(screener)
            except Exception as exc:  # noqa: BLE001 - no lists loaded: say so in the record
                context = {"lists": {}, "algorithm": {}, "lists_error": f"{type(exc).__name__}: {exc}"}
        body: dict[str, Any] = {
            "engine": self.engine,
            "interdict_version": interdict.__version__,
            "inputs": [file_fingerprint(p) for p in self.inputs if p.is_file()],
            "outputs": [file_fingerprint(p) for p in outputs if p is not None and Path(p).is_file()],
            "options": self.options,
            "rules_sha256": _rules_sha256(self.engine),
            "party_screening": bool(screener is not None),
            **context,
            "counts": {"items": sum(self.levels.values()), **dict(sorted(self.levels.items()))},
            "alerts": self.items,
        }
        if self.items_left_out:
            body["alerts_left_out"] = self.items_left_out
        if extra:
            body.update(extra)
        return body

    def record(self, *, actor: str, outputs: Iterable[str | Path | None] = (), screener: Any = None,
               lists_used: bool = True, extra: Mapping[str, Any] | None = None,
               db: ServiceDB | None = None) -> str:
        """Append the run record; returns its record id."""
        body = self.body(outputs=outputs, screener=screener, lists_used=lists_used, extra=extra)
        subject = self.inputs[0].name if self.inputs else None
        return append(db or open_service_db(), NewRecord("run", actor, "cli", body, subject=f"{self.engine}:{subject}"))

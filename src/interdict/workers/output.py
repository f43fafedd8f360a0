"""Write worker-screening results: JSON lines (contractors, clusters, problems) or CSV."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from typing import IO, Any

from interdict.reports import csv_safe
from interdict.workers.pseudonymise import Pseudonymiser
from interdict.workers.screen import WorkerScreening

__all__ = ["write_results", "result_rows"]

def result_rows(result: WorkerScreening, pseudonymiser: Pseudonymiser | None = None) -> list[dict[str, Any]]:
    """Rows with a ``type`` of contractor, cluster or problem (identifiers pseudonymised if asked)."""
    rows: list[dict[str, Any]] = []
    for alert in result.alerts:
        row = {"type": "contractor", **alert.model_dump(mode="json", exclude_none=True)}
        rows.append(pseudonymiser.row(row) if pseudonymiser else row)
    for cluster in result.clusters:
        row = {"type": "cluster", **cluster}
        if pseudonymiser:
            row = pseudonymiser.row(row)
        rows.append(row)
    for problem in result.problems:
        row = {"type": "problem", **problem.to_dict()}
        rows.append(pseudonymiser.problem(row) if pseudonymiser else row)
    return rows


def _csv_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for row in rows:
        if row["type"] == "contractor":
            details = row.get("details", {})
            out.append({
                "type": "contractor",
                "subject": row["subject"],
                "caption": row.get("caption", ""),
                "level": row["level"],
                "score": row["score"],
                "rules": " ".join(r["rule_id"] for r in row.get("reasons", [])),
                "reasons": " | ".join(r["summary"] for r in row.get("reasons", [])),
                "citations": " | ".join(
                    f"{r['rule_id']}: {r['citation']['instrument']} [{r['citation'].get('source_id', '')}, "
                    f"grade {r['citation'].get('grade', '')}]"
                    for r in row.get("reasons", []) if r.get("citation")
                ),
                "cluster": details.get("cluster", ""),
                "claimed_country": details.get("claimed_country", ""),
                "events": details.get("events", ""),
                "line": "",
            })
        elif row["type"] == "cluster":
            out.append({
                "type": "cluster",
                "subject": row["cluster"],
                "caption": " ".join(row["members"]),
                "level": ",".join(f"{k}:{v}" for k, v in sorted(row["levels"].items())),
                "score": row["score"],
                "rules": " ".join(row["signals"]),
                "reasons": "shared " + ", ".join(f"{k} x{v}" for k, v in row["link_kinds"].items()),
                "citations": "",
                "cluster": row["cluster"],
                "claimed_country": "",
                "events": "",
                "line": "",
            })
        else:
            out.append({"type": "problem", "subject": row.get("record", ""), "caption": row.get("field", ""),
                        "level": "", "score": "", "rules": "", "reasons": row.get("message", ""), "citations": "",
                        "cluster": "", "claimed_country": "", "events": "", "line": row.get("line", "")})
    return out


def write_results(result: WorkerScreening, path: str | Path | None = None, *, fmt: str | None = None,
                  pseudonymiser: Pseudonymiser | None = None, stream: IO[str] | None = None) -> int:
    """Write results to ``path`` (``.csv`` -> CSV, otherwise JSON lines) or ``stream``; returns rows written."""
    rows = result_rows(result, pseudonymiser)
    if fmt is None:
        fmt = "csv" if path is not None and str(path).lower().endswith(".csv") else "jsonl"
    handle: IO[str]
    close = False
    if path is not None:
        handle = Path(path).open("w", encoding="utf-8", newline="")
        close = True
    else:
        handle = stream or sys.stdout
    try:
        if fmt == "csv":
            flat = _csv_rows(rows)
            fields = ["type", "subject", "caption", "level", "score", "rules", "reasons", "citations", "cluster",
                      "claimed_country", "events", "line"]
            writer = csv.DictWriter(handle, fieldnames=fields)
            writer.writeheader()
            for row in flat:
                writer.writerow({k: csv_safe(v) for k, v in row.items()})
        else:
            for row in rows:
                handle.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")
    finally:
        if close:
            handle.close()
    return len(rows)

"""The monitored customer book and delta re-screening.

``import_book`` keeps customers (the screening CSV/JSON-lines format, with a stable ``id`` per row)
in the service database. ``rescreen`` then screens

* every customer that is new or whose own data changed (its facts hash differs from the one last
  screened) against all current list entities, and
* every other customer only against the list entities added or changed since the last run
  (``Store.changed_entity_ids`` between the versions the last run used and the current ones),

and reports new alerts (with their cause: entity added, entity changed and how, customer data
changed, false positive re-opened) and resolved alerts (entity removed from the list, entity changed
and no longer matches, customer data changed). The delta screening uses the full current index,
restricted to the changed entities, so scores are exactly those a full screening would give.
Analyst decisions for ``book:<customer id>`` apply: a false positive stays silent until new facts.
Every screened customer gets an audit record (channel ``book``) and the run a ``rescreen`` record.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from interdict.audit.db import ServiceDB
from interdict.audit.decisions import apply_decision, latest_decisions
from interdict.audit.facts import facts_hash, facts_of, new_facts
from interdict.audit.screening import list_versions_of, record_screenings, screening_context
from interdict.audit.trail import NewRecord, append, now_iso
from interdict.exc import InputProblem

__all__ = ["ImportReport", "import_book", "import_rows", "list_customers", "rescreen", "RescreenReport",
           "open_alerts", "subject_of"]


def subject_of(customer_id: str) -> str:
    return f"book:{customer_id}"


@dataclass
class ImportReport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    deactivated: int = 0
    problems: list[InputProblem] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"added": self.added, "updated": self.updated, "unchanged": self.unchanged,
                "deactivated": self.deactivated, "problems": [p.to_dict() for p in self.problems]}


def import_book(db: ServiceDB, path: str | Path, *, actor: str, fmt: str | None = None, replace: bool = False,
                max_bytes: int | None = None) -> ImportReport:
    """Import a party file; rows need a stable ``id``. ``replace``: customers absent from the file are
    deactivated (no longer monitored; their open alerts are resolved at the next rescreen)."""
    from interdict.screening.io import read_parties

    rows = []
    problems: list[InputProblem] = []
    for row in read_parties(path, fmt, max_bytes=max_bytes):
        if row.query is None:
            problems.extend(row.problems)
            continue
        if row.row_id.startswith("line-"):
            problems.append(InputProblem("the book needs a stable id per row (an 'id' column)", file=str(path),
                                         line=row.line))
            continue
        rows.append((row.row_id, row.query.to_dict()))
    report = import_rows(db, rows, actor=actor, replace=replace, source=str(path))
    report.problems = problems + report.problems
    return report


def import_rows(db: ServiceDB, rows: Iterable[tuple[str, Mapping[str, Any]]], *, actor: str, replace: bool = False,
                source: str = "api", channel: str = "cli") -> ImportReport:
    """Upsert customers given as (id, FtM-style dict); see :func:`import_book`."""
    report = ImportReport()
    seen: set[str] = set()
    now = now_iso()
    with db.write():
        existing = {r[0]: (r[1], bool(r[2])) for r in db.fetchall(
            "SELECT customer_id, facts_hash, active FROM book_customers")}
        for cid, data in rows:
            cid = str(cid).strip()
            if not cid:
                report.problems.append(InputProblem("empty customer id", file=source))
                continue
            if cid in seen:
                report.problems.append(InputProblem("duplicate customer id; the later row wins", file=source,
                                                    record=cid))
            seen.add(cid)
            schema = data.get("schema") or "LegalEntity"
            props = {k: list(v) for k, v in (data.get("properties") or {}).items() if v}
            fhash = facts_hash(facts_of({"schema": schema, "properties": props}))
            text = json.dumps(props, sort_keys=True, ensure_ascii=False)
            if cid not in existing:
                db.execute(
                    "INSERT INTO book_customers (customer_id, schema_name, properties, facts_hash, imported_at, "
                    "updated_at, screened_hash, active) VALUES (?, ?, ?, ?, ?, ?, NULL, 1)",
                    (cid, schema, text, fhash, now, now),
                )
                report.added += 1
            elif existing[cid][0] != fhash or not existing[cid][1]:
                db.execute(
                    "UPDATE book_customers SET schema_name = ?, properties = ?, facts_hash = ?, updated_at = ?, "
                    "active = 1 WHERE customer_id = ?",
                    (schema, text, fhash, now, cid),
                )
                report.updated += 1
            else:
                report.unchanged += 1
        if replace:
            for cid, (_, active) in existing.items():
                if active and cid not in seen:
                    db.execute("UPDATE book_customers SET active = 0, updated_at = ? WHERE customer_id = ?", (now, cid))
                    report.deactivated += 1
    append(db, NewRecord("book-import", actor, channel, {"source": source, **report.to_dict()}, subject="book"))
    return report


@dataclass
class Customer:
    customer_id: str
    schema: str
    properties: dict[str, list[str]]
    facts_hash: str
    screened_hash: str | None
    active: bool

    @property
    def query(self) -> dict[str, Any]:
        return {"id": self.customer_id, "schema": self.schema, "properties": self.properties}


def list_customers(db: ServiceDB, active_only: bool = True) -> list[Customer]:
    sql = "SELECT customer_id, schema_name, properties, facts_hash, screened_hash, active FROM book_customers"
    if active_only:
        sql += " WHERE active = 1"
    return [Customer(r[0], r[1], json.loads(r[2]), r[3], r[4], bool(r[5])) for r in db.fetchall(sql + " ORDER BY customer_id")]


def open_alerts(db: ServiceDB, customer_id: str | None = None) -> list[dict[str, Any]]:
    sql = ("SELECT customer_id, entity_id, score, caption, cause, opened_run, last_run FROM book_alerts "
           "WHERE status = 'open'")
    params: list[Any] = []
    if customer_id:
        sql += " AND customer_id = ?"
        params.append(customer_id)
    return [{"customer_id": r[0], "entity_id": r[1], "score": r[2], "caption": r[3], "cause": r[4],
             "opened_run": r[5], "last_run": r[6]} for r in db.fetchall(sql + " ORDER BY customer_id, entity_id", params)]


@dataclass
class RescreenReport:
    run_id: int
    mode: str
    list_changes: dict[str, Any]
    customers_screened_full: int
    customers_screened_delta: int
    entities_changed: int
    new_alerts: list[dict[str, Any]]
    resolved_alerts: list[dict[str, Any]]
    open_alerts: int
    audit_records: int

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _parent_id(entity_id: str) -> str:
    """Sanction entities are ``<entity id>-sanction-<n>``: a changed sanction changes its entity."""
    head, sep, _ = entity_id.rpartition("-sanction-")
    return head if sep else entity_id


def _version_ids(versions: Mapping[str, Any]) -> dict[str, int]:
    out = {}
    for source, info in versions.items():
        v = info.get("version") if isinstance(info, Mapping) else None
        if v is not None and not source.startswith("_"):
            out[source] = int(v)
    return out


def rescreen(db: ServiceDB, *, actor: str, screener: Any = None, store: Any = None, channel: str = "cli",
             threshold: float | None = None, limit: int = 10, full: bool = False) -> RescreenReport:
    """Re-screen the book; see the module docstring. ``full`` screens everyone against everything."""
    from interdict.screening import Screener

    if screener is None:
        screener = Screener.open(store=store) if store is not None else Screener.open()
    store = store if store is not None else screener.store
    context = screening_context(screener, store)
    current = _version_ids(list_versions_of(store))
    last = db.fetchone("SELECT run_id, list_versions FROM rescreen_runs ORDER BY run_id DESC LIMIT 1")
    run_id = (int(last[0]) + 1) if last else 1
    previous = {k: int(v) for k, v in json.loads(last[1]).items()} if last else None
    started = now_iso()

    # -- what changed on the lists ----------------------------------------------------------
    changed: dict[str, str] = {}  # entity id -> cause
    removed: dict[str, str] = {}
    list_changes: dict[str, Any] = {}
    if previous is not None and not full:
        for source in sorted(set(previous) | set(current)):
            old, new = previous.get(source), current.get(source)
            if old == new:
                continue
            if old is None:
                ids = {"added": {e.id for e in store.iter_entities(version_ids=[new])}, "removed": set(), "changed": set()}
            elif new is None:
                ids = {"added": set(), "changed": set(), "removed": {e.id for e in store.iter_entities(version_ids=[old])}}
            else:
                ids = store.changed_entity_ids(source, old, new)
            list_changes[source] = {"from_version": old, "to_version": new,
                                    **{k: len(v) for k, v in ids.items()}}
            label = f"{source} version {new}"
            old_entities = store.version_entities(old, {_parent_id(i) for i in ids["changed"]}) if old else {}
            new_entities = store.version_entities(new, {_parent_id(i) for i in ids["changed"]}) if new else {}
            for eid in ids["added"]:
                parent = _parent_id(eid)
                if parent == eid:
                    changed[parent] = f"list entity added in {label}"
                else:
                    changed.setdefault(parent, f"new sanction record in {label}")
            for eid in ids["changed"]:
                parent = _parent_id(eid)
                if parent in old_entities and parent in new_entities:
                    why = new_facts(facts_of(old_entities[parent]), facts_of(new_entities[parent]), "list entity")
                    cause = f"list entity changed in {label}" + (f": {'; '.join(why)}" if why else "")
                else:
                    cause = f"sanction record changed in {label}"
                if parent not in changed or "added" not in changed[parent]:
                    changed[parent] = cause
            for eid in ids["removed"]:
                if _parent_id(eid) == eid:
                    removed[eid] = f"removed from {source} in version {new}"
        for eid in removed:
            changed.pop(eid, None)
    mode = "full" if (previous is None or full) else "delta"

    # -- who is screened against what -------------------------------------------------------
    customers = list_customers(db, active_only=False)
    active = [c for c in customers if c.active]
    full_set = [c for c in active if mode == "full" or c.screened_hash != c.facts_hash]
    full_ids = {c.customer_id for c in full_set}
    delta_set = [c for c in active if c.customer_id not in full_ids] if changed else []
    delta_dataset = _restrict(screener, set(changed)) if delta_set else None

    existing = {}
    for r in db.fetchall("SELECT customer_id, entity_id, status FROM book_alerts"):
        existing[(r[0], r[1])] = r[2]
    by_customer_open: dict[str, set[str]] = {}
    for (cid, eid), status in existing.items():
        if status == "open":
            by_customer_open.setdefault(cid, set()).add(eid)

    new_alerts: list[dict[str, Any]] = []
    resolved: list[dict[str, Any]] = []
    audit_items: list[dict[str, Any]] = []
    upserts: list[tuple[str, str, float, str, str]] = []  # (cid, eid, score, caption, cause)
    resolves: list[tuple[str, str, str]] = []

    def screen(c: Customer, dataset: str) -> tuple[dict[str, Any], Any]:
        result = screener.screen({"schema": c.schema, "properties": c.properties}, threshold=threshold,
                                 limit=limit, dataset=dataset)
        return c.query, result

    for c, dataset, kind in [(c, "default", "full") for c in full_set] + [(c, delta_dataset, "delta") for c in delta_set]:
        query, result = screen(c, dataset)  # type: ignore[arg-type]
        subject = subject_of(c.customer_id)
        decided = latest_decisions(db, subject, [m.id for m in result.results])
        cfacts = facts_of(query)
        applied_all: dict[str, Any] = {}
        hits: dict[str, tuple[Any, str | None]] = {}
        for mt in result.results:
            if not mt.match:
                continue
            reopened = None
            dec = decided.get(mt.id)
            if dec is not None:
                ent = store.get_entity(mt.id)
                applied = apply_decision(dec, facts_of(ent) if ent is not None else None, cfacts)
                applied_all[mt.id] = applied.to_dict()
                if applied.suppressed:
                    continue
                if applied.reopened_because:
                    reopened = "false positive re-opened: " + "; ".join(applied.reopened_because)
            hits[mt.id] = (mt, reopened)
        audit_items.append({"query": query, "result": result, "dataset": "default" if kind == "full" else
                            f"delta:{len(changed)} entities", "params": {"rescreen_run": run_id, "mode": kind, "screen_limit": limit},
                            "decisions": applied_all, "subject": subject})
        was_open = by_customer_open.get(c.customer_id, set())
        for eid, (mt, reopened) in hits.items():
            if kind == "full":
                cause = reopened or ("first screening of this customer" if c.screened_hash is None
                                     else "customer data changed")
            else:
                cause = reopened or changed.get(eid, "list entity changed")
            upserts.append((c.customer_id, eid, float(mt.score), mt.caption, cause))
            if eid not in was_open:
                new_alerts.append({"customer_id": c.customer_id, "entity_id": eid, "caption": mt.caption,
                                   "score": round(float(mt.score), 4), "cause": cause})
        # open alerts that this screening no longer supports
        for eid in sorted(was_open):
            if eid in hits:
                continue
            if kind == "full":
                why = "customer data changed; no longer matches" if c.screened_hash is not None else "no longer matches"
            elif eid in changed:
                why = f"{changed[eid]}; no longer matches"
            else:
                continue  # untouched entity, untouched customer: the alert stands
            if eid in {m.id for m in result.results if m.match}:
                why = "false positive decision applies"
            resolves.append((c.customer_id, eid, why))
    # removed entities and customers no longer monitored
    for (cid, eid), status in existing.items():
        if status != "open":
            continue
        if eid in removed and not any(r[0] == cid and r[1] == eid for r in resolves):
            resolves.append((cid, eid, removed[eid]))
        elif cid not in {c.customer_id for c in active}:
            resolves.append((cid, eid, "customer no longer in the book"))
    resolved = [{"customer_id": cid, "entity_id": eid, "why": why} for cid, eid, why in resolves]

    record_ids = record_screenings(audit_items, actor=actor, channel="book", context=context, db=db) if audit_items else []
    finished = now_iso()
    with db.write():
        for cid, eid, score, caption, cause in upserts:
            if (cid, eid) in existing:
                if existing[(cid, eid)] == "open":
                    db.execute("UPDATE book_alerts SET score = ?, last_run = ? WHERE customer_id = ? AND entity_id = ?",
                               (score, run_id, cid, eid))
                else:
                    db.execute("UPDATE book_alerts SET status = 'open', score = ?, caption = ?, cause = ?, opened_run = ?, "
                               "last_run = ?, resolved_run = NULL, resolved_why = NULL "
                               "WHERE customer_id = ? AND entity_id = ?", (score, caption, cause, run_id, run_id, cid, eid))
            else:
                db.execute("INSERT INTO book_alerts (customer_id, entity_id, status, score, caption, cause, opened_run, "
                           "last_run, resolved_run, resolved_why) VALUES (?, ?, 'open', ?, ?, ?, ?, ?, NULL, NULL)",
                           (cid, eid, score, caption, cause, run_id, run_id))
        for cid, eid, why in resolves:
            db.execute("UPDATE book_alerts SET status = 'resolved', resolved_run = ?, resolved_why = ? "
                       "WHERE customer_id = ? AND entity_id = ?", (run_id, why, cid, eid))
        for c in full_set:
            db.execute("UPDATE book_customers SET screened_hash = ? WHERE customer_id = ?", (c.facts_hash, c.customer_id))
        open_count = db.fetchone("SELECT COUNT(*) FROM book_alerts WHERE status = 'open'")
        summary = {"mode": mode, "list_changes": list_changes, "full": len(full_set), "delta": len(delta_set),
                   "entities_changed": len(changed), "entities_removed": len(removed), "new_alerts": len(new_alerts),
                   "resolved_alerts": len(resolved), "open_alerts": int(open_count[0]) if open_count else 0,
                   "audit_records": [record_ids[0], record_ids[-1]] if record_ids else []}
        db.execute("INSERT INTO rescreen_runs (run_id, started_at, finished_at, actor, list_versions, summary) "
                   "VALUES (?, ?, ?, ?, ?, ?)", (run_id, started, finished, actor, json.dumps(current), json.dumps(summary)))
    append(db, NewRecord("rescreen", actor, channel, {"run_id": run_id, **summary, "list_versions": current,
                                                      "new_alerts": new_alerts, "resolved_alerts": resolved},
                         subject="book"))
    _unrestrict(screener, delta_dataset)
    return RescreenReport(run_id, mode, list_changes, len(full_set), len(delta_set), len(changed), new_alerts,
                          resolved, summary["open_alerts"], len(record_ids))


def _restrict(screener: Any, ids: set[str]) -> str:
    """A dataset name that restricts retrieval to ``ids`` on the screener's full index."""
    import hashlib

    import numpy as np

    fn = getattr(screener, "restrict", None)
    if callable(fn):
        return fn(ids)
    name = "_delta_" + hashlib.sha256("\n".join(sorted(ids)).encode()).hexdigest()[:16]
    index_ids = np.array(screener.index.ids, dtype=object)
    mask = np.fromiter((i in ids for i in index_ids), dtype=bool, count=len(index_ids))
    screener._masks[name] = mask  # the screener's dataset-mask cache (no public hook yet)
    return name


def _unrestrict(screener: Any, name: str | None) -> None:
    if name and name.startswith("_delta_") and hasattr(screener, "_masks"):
        screener._masks.pop(name, None)

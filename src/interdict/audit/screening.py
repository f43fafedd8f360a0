"""The audit hook every screening calls (API, CLI, batch, book): one record per screened party.

The record holds what an examiner asks for: when (the record's timestamp), who (``actor``), through
which channel, the query as given and as normalised by the screener, the list versions screened
against with their sha256, the algorithm name/version/configuration hash, every candidate with score,
match flag and explanations, and the analyst decisions that applied to those candidates.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Mapping
from typing import Any

from interdict.audit.db import ServiceDB, open_service_db
from interdict.audit.trail import NewRecord, append_grouped, append_many

__all__ = ["screening_context", "screening_body", "record_screening", "record_screenings", "algorithm_info"]

log = logging.getLogger(__name__)


def _version_entry(v: Any) -> tuple[str, dict[str, Any]]:
    """Normalise one entry of ``store.current_versions()`` (object or mapping) to (source, info)."""
    get = v.get if isinstance(v, Mapping) else (lambda k, d=None: getattr(v, k, d))
    source = get("source") or get("name")
    info = {
        "version": get("version_id") or get("version") or get("id"),
        "label": get("label"),
        "sha256": get("sha256") or get("hash"),
        "published": str(get("published") or get("publication_date") or get("date") or "") or None,
        "loaded_at": str(get("loaded_at") or "") or None,
    }
    return str(source), {k: val for k, val in info.items() if val is not None}


def list_versions_of(store: Any) -> dict[str, dict[str, Any]]:
    versions = store.current_versions()
    if isinstance(versions, Mapping):
        versions = list(versions.values())
    out = {}
    for v in versions:
        source, info = _version_entry(v)
        out[source] = info
    return dict(sorted(out.items()))


def algorithm_info(screener: Any) -> dict[str, Any]:
    """Name, version and configuration hash of the screener's algorithm."""
    fn = getattr(screener, "algorithm_info", None)
    if callable(fn):
        info = dict(fn())
    else:
        import interdict

        config = getattr(screener, "config", None) or {}
        if hasattr(config, "to_dict"):
            config = config.to_dict()
        info = {"name": getattr(screener, "algorithm", "interdict"), "version": interdict.__version__,
                "config": config}
    if "config_hash" not in info:
        info["config_hash"] = hashlib.sha256(
            json.dumps(info.get("config", {}), sort_keys=True, default=str).encode()
        ).hexdigest()
    info.pop("config", None)
    return info


def screening_context(screener: Any = None, store: Any = None) -> dict[str, Any]:
    """List versions and algorithm of a screener (computed once per screener by callers)."""
    ctx: dict[str, Any] = {}
    store = store if store is not None else getattr(screener, "store", None)
    lists: dict[str, Any] = {}
    if store is not None:
        lists = list_versions_of(store)
    fn = getattr(screener, "list_versions", None)
    if callable(fn):
        for source, info in fn().items():  # the screener adds what only it knows (its index version)
            if source not in lists and info:
                lists[source] = info
    if not lists and screener is None:
        from interdict.store import open_store

        lists = list_versions_of(open_store())
    ctx["lists"] = lists
    ctx["algorithm"] = algorithm_info(screener) if screener is not None else {}
    return ctx


def _candidate(m: Any) -> dict[str, Any]:
    d = m.to_dict() if hasattr(m, "to_dict") else dict(m)
    keep = ("id", "caption", "schema", "score", "match", "matched_name", "programs", "explanations")
    return {k: d.get(k) for k in keep if k in d}


def screening_body(query: Any, result: Any, *, context: Mapping[str, Any], dataset: str = "default",
                   params: Mapping[str, Any] | None = None,
                   decisions: Mapping[str, Any] | None = None, query_key: str | None = None) -> dict[str, Any]:
    given = query if isinstance(query, (str, Mapping)) else (query.to_dict() if hasattr(query, "to_dict") else str(query))
    normalised = getattr(result, "query", None)
    candidates = []
    for m in getattr(result, "results", []) or []:
        cand = _candidate(m)
        if decisions and cand.get("id") in decisions:
            cand["decision"] = decisions[cand["id"]]
        candidates.append(cand)
    body: dict[str, Any] = {
        "query": given,
        "normalised": normalised,
        "dataset": dataset,
        "params": dict(params or {}),
        "threshold": getattr(result, "threshold", None),
        "lists": context.get("lists", {}),
        "algorithm": context.get("algorithm", {}),
        "candidates": candidates,
        "decisions_applied": {k: v for k, v in (decisions or {}).items()},
    }
    if query_key is not None:
        body["query_key"] = query_key
    problems = getattr(result, "problems", None)
    if problems:
        body["problems"] = list(problems)
    return body


def record_screenings(items: list[dict[str, Any]], *, actor: str, channel: str, context: Mapping[str, Any],
                      db: ServiceDB | None = None, grouped: bool = False) -> list[str]:
    """Append one record per item (``query``, ``result``, optional ``subject``, ``dataset``, ``params``,
    ``decisions``, ``query_key``) in one transaction; returns the record ids. ``grouped``: commit
    through the process's group committer (server request threads)."""
    db = db or open_service_db()
    records = screening_records(items, actor=actor, channel=channel, context=context)
    return append_grouped(db, records) if grouped else append_many(db, records)


def screening_records(items: list[dict[str, Any]], *, actor: str, channel: str,
                      context: Mapping[str, Any]) -> list[NewRecord]:
    """The audit records for :func:`record_screenings` (async callers hand them to the group committer)."""
    records = []
    for it in items:
        body = screening_body(it["query"], it["result"], context=context, dataset=it.get("dataset", "default"),
                              params=it.get("params"), decisions=it.get("decisions"), query_key=it.get("query_key"))
        records.append(NewRecord("screening", actor, channel, body, subject=it.get("subject")))
    return records


def record_screening(query: Any, result: Any, *, actor: str, channel: str = "cli", screener: Any = None,
                     dataset: str = "default", params: Mapping[str, Any] | None = None, subject: str | None = None,
                     context: Mapping[str, Any] | None = None, db: ServiceDB | None = None) -> str:
    """Library hook for the CLI ``screen`` command and the engines: audit one screening, return its record id."""
    ctx = context if context is not None else screening_context(screener)
    return record_screenings(
        [{"query": query, "result": result, "dataset": dataset, "params": params, "subject": subject}],
        actor=actor, channel=channel, context=ctx, db=db,
    )[0]

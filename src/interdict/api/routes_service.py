"""interdict's own routes: batch screening, decisions, customer book, audit trail, API keys."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from fastapi.responses import StreamingResponse

from interdict.api import models as m
from interdict.api.auth import require
from interdict.api.engine import Engine
from interdict.api.routes_match import ERRORS, PATH_DATASET, _dataset, ready_engine, scored_results
from interdict.audit import book, decisions, keys, trail
from interdict.audit.facts import facts_of
from interdict.audit.keys import ApiKey
from interdict.audit.screening import record_screenings
from interdict.exc import InvalidInput, NotFound

router = APIRouter()


def _state(request: Request) -> Any:
    return request.app.state.service


# -- batch screening -----------------------------------------------------------------------------


@router.post("/screen/{dataset}", response_model=m.BatchResponse, response_model_by_alias=True, tags=["Screening"],
             summary="Screen a batch of parties with stable ids (audited, decisions applied)", responses=ERRORS)
def screen_batch(request: Request, body: m.BatchRequest, dataset: str = PATH_DATASET,
                 engine: Engine = Depends(ready_engine), key: ApiKey = Depends(require("screener"))) -> Any:
    """Each party is screened and audited (channel `batch`); `alert` is true when a hit matches and
    no false-positive decision silences it. Decisions for the party's `id` apply."""
    state = _state(request)
    ds = _dataset(engine, dataset)
    if len(body.parties) > state.settings.api_max_batch:
        raise HTTPException(422, detail=f"Too many parties in one batch: {len(body.parties)}, the limit is "
                                        f"{state.settings.api_max_batch} (INTERDICT_API_MAX_BATCH)")
    if not body.parties:
        raise HTTPException(422, detail="No parties provided.")
    work = []
    refused: dict[int, str] = {}  # position -> why; one bad party does not block the batch
    for position, party in enumerate(body.parties):
        props = {k: ([str(x) for x in v] if isinstance(v, list) else [str(v)]) for k, v in party.properties.items()}
        props = {k: [x for x in v if x.strip()] for k, v in props.items()}
        props = {k: v for k, v in props.items() if v}
        if party.name and party.name.strip():
            props.setdefault("name", []).insert(0, party.name)
        if not props:
            refused[position] = f"party {party.id!r} has nothing to screen: give a name or properties"
            continue
        query = {"id": party.id, "schema": party.schema_ or "LegalEntity", "properties": props}
        result = engine.screener.screen({"schema": query["schema"], "properties": props}, threshold=body.threshold,
                                        limit=body.limit, dataset=ds)
        results, applied = scored_results(engine, result, subject=party.id, subject_facts=facts_of(query),
                                          db=state.db)
        work.append((party.id, query, result, results, applied))
    ids = [] if not work else record_screenings(
        [{"query": q, "result": r, "dataset": ds, "params": {"threshold": body.threshold, "limit": body.limit, "screen_limit": body.limit},
          "decisions": a, "subject": pid} for pid, q, r, _, a in work],
        actor=key.actor, channel="batch", context=engine.context, db=state.db, grouped=True,
    )
    screened = iter([{"id": pid, "audit_record": rid, "alert": any(x["match"] for x in results), "results": results}
                     for (pid, _, _, results, _), rid in zip(work, ids, strict=True)])
    # refused parties are not screened, so they have no audit record; their error says why
    items = [{"id": party.id, "audit_record": None, "alert": False, "results": [], "error": refused[position]}
             if position in refused else next(screened) for position, party in enumerate(body.parties)]
    return {"dataset": ds, "items": items, "alerts": sum(1 for i in items if i["alert"])}


# -- decisions -----------------------------------------------------------------------------------


@router.post("/decisions", response_model=m.DecisionResponse, tags=["Decisions"], status_code=201,
             summary="Record an analyst decision on a hit (append-only; a reversal is a new decision)",
             responses=ERRORS)
def create_decision(request: Request, body: m.DecisionRequest, engine: Engine = Depends(ready_engine),
                    key: ApiKey = Depends(require("analyst"))) -> Any:
    state = _state(request)
    subject = body.subject
    subject_facts = None
    if body.audit_record:
        rec = trail.get_record(state.db, body.audit_record)
        if rec.kind != "screening":
            raise InvalidInput(f"{body.audit_record} is a {rec.kind} record, not a screening")
        rb = rec.body
        if body.query_key and rb.get("query_key") not in (None, body.query_key):
            raise InvalidInput(f"{body.audit_record} is query {rb.get('query_key')!r}, not {body.query_key!r}")
        if body.entity_id not in {c.get("id") for c in rb.get("candidates", [])}:
            raise InvalidInput(f"{body.entity_id} is not a candidate of screening {body.audit_record}")
        query = rb.get("query")
        if isinstance(query, str):
            query = {"schema": "LegalEntity", "properties": {"name": [query]}}
        subject_facts = facts_of(query or {})
        subject = subject or rec.subject or rec.record_id
    if subject is None:
        raise InvalidInput("give a subject (e.g. book:<customer id> or your query id) or an audit_record")
    if subject_facts is None:
        if subject.startswith("book:"):
            found = [c for c in book.list_customers(state.db, active_only=False)
                     if c.customer_id == subject.removeprefix("book:")]
            if not found:
                raise NotFound(f"no customer {subject.removeprefix('book:')!r} in the book")
            subject_facts = facts_of(found[0].query)
        elif body.subject_properties is not None:
            subject_facts = facts_of({"schema": body.subject_schema or "LegalEntity",
                                      "properties": body.subject_properties})
        else:
            raise InvalidInput("give audit_record, a book:<id> subject, or subject_properties, so the decision "
                               "records the customer's data it was made on")
    entity = engine.brief(body.entity_id)
    if entity is None:
        raise NotFound(f"no list entity {body.entity_id!r}")
    d = decisions.record_decision(state.db, subject=subject, entity_id=body.entity_id, status=body.status,
                                  reason=body.reason, analyst=key.actor, entity_facts=facts_of(entity),
                                  subject_facts=subject_facts, audit_record=body.audit_record)
    return d.to_dict()


@router.get("/decisions", response_model=list[m.DecisionResponse], tags=["Decisions"],
            summary="Decision history (oldest first) for a subject and/or list entity", responses=ERRORS)
def list_decisions(request: Request, subject: str | None = Query(None, max_length=300),
                   entity_id: str | None = Query(None, max_length=300), limit: int = Query(100, ge=1, le=1000),
                   key: ApiKey = Depends(require("analyst"))) -> Any:
    return [d.to_dict() for d in decisions.history(_state(request).db, subject=subject, entity_id=entity_id,
                                                   limit=limit)]


# -- book ----------------------------------------------------------------------------------------

BOOK_EXAMPLE = "id,name,schema,birth_date,country\ncust-0001,Korea Kumsan Trading Corporation,Company,,kp\n"


@router.post("/book/customers", response_model=m.BookImportResponse, tags=["Book"],
             summary="Import customers: CSV (text/csv, the screening CSV format with an id column) or JSON",
             responses=ERRORS)
async def import_customers(request: Request, replace: bool = Query(False, title="Deactivate customers not in this upload"),
                           key: ApiKey = Depends(require("analyst"))) -> Any:
    """Send `text/csv` with header `id,name,schema,birth_date,country,...`, or JSON
    `{"customers": [{"id": ..., "schema": ..., "properties": {...}}]}`."""
    import tempfile
    from pathlib import Path as _P

    state = _state(request)
    raw = await request.body()
    ctype = request.headers.get("content-type", "")
    if "json" in ctype:
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise InvalidInput(f"not JSON: {exc.msg}") from exc
        customers = data.get("customers") if isinstance(data, dict) else None
        if not isinstance(customers, list):
            raise InvalidInput('JSON body must be {"customers": [...]}')
        with tempfile.TemporaryDirectory() as tmp:
            path = _P(tmp) / "book.jsonl"
            path.write_text("\n".join(json.dumps(c) for c in customers), encoding="utf-8")
            report = book.import_book(state.db, path, actor=key.actor, replace=replace)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            path = _P(tmp) / "book.csv"
            path.write_bytes(raw)
            report = book.import_book(state.db, path, actor=key.actor, replace=replace)
    return report.to_dict()


@router.get("/book/customers", tags=["Book"], summary="Customers in the book", responses=ERRORS)
def get_customers(request: Request, key: ApiKey = Depends(require("analyst"))) -> Any:
    return [{"id": c.customer_id, "schema": c.schema, "properties": c.properties,
             "screened": c.screened_hash == c.facts_hash}
            for c in book.list_customers(_state(request).db)]


@router.post("/book/rescreen", response_model=m.RescreenResponse, tags=["Book"],
             summary="Re-screen the book: changed list entities and changed customers only", responses=ERRORS)
def post_rescreen(request: Request, full: bool = Query(False, title="Screen everyone against everything"),
                  engine: Engine = Depends(ready_engine), key: ApiKey = Depends(require("analyst"))) -> Any:
    if engine.stale():  # lists loaded since this worker started: screen with the current index
        engine.reload()
    with engine.open_store() as store:
        report = book.rescreen(_state(request).db, actor=key.actor, screener=engine.screener, store=store,
                               channel="api", full=full)
    return report.to_dict()


@router.get("/book/alerts", tags=["Book"], summary="Open alerts of the book", responses=ERRORS)
def get_alerts(request: Request, customer_id: str | None = Query(None, max_length=300),
               key: ApiKey = Depends(require("analyst"))) -> Any:
    return book.open_alerts(_state(request).db, customer_id)


# -- audit ---------------------------------------------------------------------------------------


@router.get("/audit/records", response_model=list[m.AuditRecordModel], tags=["Audit"],
            summary="Audit records in chain order", responses=ERRORS)
def audit_records(request: Request, from_: str | None = Query(None, alias="from", examples=["2026-11-01"]),
                  to: str | None = Query(None, examples=["2026-11-30"]), kind: str | None = Query(None),
                  subject: str | None = Query(None, max_length=300), after_seq: int = Query(0, ge=0),
                  limit: int = Query(100, ge=1, le=1000), key: ApiKey = Depends(require("analyst"))) -> Any:
    return [r.to_dict() for r in trail.iter_records(_state(request).db, start=from_, end=to, kind=kind, subject=subject,
                                                    after_seq=after_seq, limit=limit)]


@router.get("/audit/records/{record_id}", response_model=m.AuditRecordModel, tags=["Audit"],
            summary="One audit record", responses=ERRORS)
def audit_record(request: Request, record_id: str = Path(..., max_length=40, examples=["aud-00000001"]),
                 key: ApiKey = Depends(require("analyst"))) -> Any:
    return trail.get_record(_state(request).db, record_id).to_dict()


@router.get("/audit/verify", response_model=m.VerifyResponse, tags=["Audit"],
            summary="Verify the hash chain; names the first bad record", responses=ERRORS)
def audit_verify(request: Request, expect_head: str | None = Query(None, max_length=64),
                 key: ApiKey = Depends(require("analyst"))) -> Any:
    return trail.verify(_state(request).db, expect_head=expect_head).to_dict()


@router.get("/audit/export", tags=["Audit"], summary="Export for an examiner: JSON lines or CSV (formulas escaped)",
            responses={200: {"content": {"text/csv": {}, "application/x-ndjson": {}}}, **ERRORS})
def audit_export(request: Request, format: str = Query("jsonl", pattern="^(jsonl|csv)$"),
                 from_: str | None = Query(None, alias="from"), to: str | None = Query(None),
                 kind: str | None = Query(None), key: ApiKey = Depends(require("analyst"))) -> Any:
    db = _state(request).db
    # Read here, in this request's thread (its own connection); streaming a live cursor would resume
    # it from other threads. Large exports belong to `interdict audit export` (streams to a file).
    chunks = list(trail.export(db, format, start=from_, end=to, kind=kind))
    media = "text/csv" if format == "csv" else "application/x-ndjson"
    return StreamingResponse(iter(chunks), media_type=media,
                             headers={"Content-Disposition": f'attachment; filename="interdict-audit.{format}"'})


@router.post("/audit/records/{record_id}/replay", response_model=m.ReplayResponse, tags=["Audit"],
             summary="Re-run a recorded screening against the recorded list versions", responses=ERRORS)
def audit_replay(request: Request, record_id: str = Path(..., max_length=40),
                 engine: Engine = Depends(ready_engine), key: ApiKey = Depends(require("analyst"))) -> Any:
    from interdict.audit.replay import replay

    with engine.open_store() as store:
        current = None if engine.stale() else engine.screener
        return replay(_state(request).db, record_id, store=store, current=current).to_dict()


# -- keys ----------------------------------------------------------------------------------------


@router.get("/admin/keys", response_model=list[m.KeyModel], tags=["Admin"], summary="API keys (no secrets)",
            responses=ERRORS)
def get_keys(request: Request, key: ApiKey = Depends(require("admin"))) -> Any:
    return [k.to_dict() for k in keys.list_keys(_state(request).db)]


@router.post("/admin/keys", response_model=m.KeyCreated, status_code=201, tags=["Admin"],
             summary="Create a key (the token is shown once)", responses=ERRORS)
def post_key(request: Request, body: m.KeyCreateRequest, key: ApiKey = Depends(require("admin"))) -> Any:
    state = _state(request)
    created, token = keys.create_key(state.db, label=body.label, role=body.role, created_by=key.actor,
                                     settings=state.settings)
    return {**created.to_dict(), "token": token}


@router.delete("/admin/keys/{key_id}", response_model=m.KeyModel, tags=["Admin"], summary="Revoke a key",
               responses=ERRORS)
def delete_key(request: Request, key_id: str = Path(..., max_length=80), key: ApiKey = Depends(require("admin"))) -> Any:
    from interdict.api.auth import forget_key

    revoked = keys.revoke_key(_state(request).db, key_id, revoked_by=key.actor)
    forget_key(revoked.key_id)
    return revoked.to_dict()


# -- list updates (admin) ------------------------------------------------------------------------


@router.post("/admin/lists/update", tags=["Admin"],
             responses={**ERRORS, 502: {"model": m.ErrorResponse,
                                        "description": "A list could not be downloaded or failed its checks; "
                                                       "the current versions stay"}},
             summary="Download the official lists and load new versions (then reload the index)")
def admin_lists_update(request: Request, source: list[str] = Query([], title="Sources (default: all)"),
                       engine: Engine = Depends(ready_engine), key: ApiKey = Depends(require("admin"))) -> Any:
    """Same checks as `interdict lists update`: a failed download or a suspicious file (empty, large
    drop, older publication) leaves the current version in place. Other workers pick the new
    version up within a minute (they watch the store's fingerprint)."""
    from interdict import lists

    reports = lists.update(source or None, settings=engine.settings or _state(request).settings)
    return _after_load(request, engine, key, "update", reports)


@router.post("/admin/lists/load", tags=["Admin"], responses=ERRORS,
             summary="Load a bundled list snapshot (e.g. an older OFAC version for tests)")
def admin_lists_load(request: Request, source: list[str] = Query([], title="Sources (default: all bundled)"),
                     version: str | None = Query(None, title="Bundled snapshot label, e.g. 2024-05-03"),
                     engine: Engine = Depends(ready_engine), key: ApiKey = Depends(require("admin"))) -> Any:
    from interdict import lists
    from interdict.sources import BUNDLED

    known = {(snap.source, snap.label) for snap in BUNDLED}
    for name in source or []:
        if name not in {s for s, _ in known}:
            raise NotFound(f"no bundled snapshot for source {name!r}; bundled: {', '.join(sorted({s for s, _ in known}))}")
    if version is not None and not any(label == version and (not source or src in source) for src, label in known):
        raise NotFound(f"no bundled snapshot {version!r}; bundled: "
                       f"{', '.join(sorted(f'{s}/{lab}' for s, lab in known))}")
    reports = lists.load(source or None, version=version, settings=engine.settings or _state(request).settings)
    return _after_load(request, engine, key, "load", reports)


def _after_load(request: Request, engine: Engine, key: ApiKey, action: str, reports: list[Any]) -> Any:
    from interdict.audit.trail import NewRecord, append

    out = [r.to_dict() for r in reports]
    append(_state(request).db, NewRecord("lists", key.actor, "api", {"action": action, "reports": out},
                                         subject="lists"))
    reloaded = engine.stale()
    if reloaded:
        engine.reload()
    return {"reports": out, "reloaded": reloaded}

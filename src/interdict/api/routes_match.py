"""yente-compatible routes: /match, /search, /entities, /catalog, /algorithms, /healthz, /readyz."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request, Response
from fastapi.responses import JSONResponse

from interdict.api import models as m
from interdict.api.auth import require
from interdict.api.engine import Engine, to_yente_explanations, yente_features
from interdict.audit.decisions import apply_decision, latest_decisions
from interdict.audit.facts import facts_of
from interdict.audit.keys import ApiKey
from interdict.audit.screening import screening_records
from interdict.audit.trail import loop_batcher
from interdict.exc import InvalidInput, NotFound

router = APIRouter()

#: Most results one query may ask for (yente: MAX_MATCHES).
MAX_LIMIT = 50
TS_PATTERN = r"^\d{4}-\d{2}-\d{2}(T\d{2}(:\d{2}(:\d{2})?)?)?$"
PATH_DATASET = Path(description="`default`, `dprk`, or a source (`un_sc`, `us_ofac_sdn`, `us_ofac_cons`, "
                    "`us_csl`; short forms `un`, `ofac`, `csl`).", examples=["default"])
ERRORS = {
    400: {"model": m.ErrorResponse, "description": "Invalid query"},
    401: {"model": m.ErrorResponse, "description": "Missing or wrong API key"},
    403: {"model": m.ErrorResponse, "description": "The key's role is too low"},
    404: {"model": m.ErrorResponse, "description": "Unknown dataset or entity"},
    413: {"model": m.ErrorResponse, "description": "Request body too large"},
    422: {"model": m.ErrorResponse, "description": "Invalid request or too many queries"},
    503: {"model": m.ErrorResponse, "description": "Lists still loading"},
}


async def ready_engine(request: Request) -> Engine:
    engine: Engine = request.app.state.service.engine
    if not engine.ready:
        detail = f"lists not loaded: {engine.error}" if engine.error else "lists still loading, retry shortly"
        raise HTTPException(503, detail=detail, headers={"Retry-After": "5"})
    return engine


def _dataset(engine: Engine, dataset: str) -> str:
    try:
        return engine.check_dataset(dataset)
    except InvalidInput as exc:
        raise NotFound(str(exc)) from exc


# -- system --------------------------------------------------------------------------------------


@router.get("/healthz", response_model=m.StatusResponse, tags=["System information"],
            summary="The process answers (no key needed)")
def healthz() -> m.StatusResponse:
    return m.StatusResponse(status="ok")


@router.get("/readyz", response_model=m.ReadyResponse, tags=["System information"],
            summary="Ready to screen: 200 only once the lists and index are loaded (no key needed)",
            responses={503: {"model": m.ReadyResponse, "description": "Still loading or failed"}})
def readyz(request: Request) -> Any:
    engine: Engine = request.app.state.service.engine
    if engine.ready:
        return m.ReadyResponse(status="ok", ready=True, entities=len(engine.screener.index.ids))
    body = m.ReadyResponse(status="loading" if not engine.error else "error", ready=False, detail=engine.error)
    return JSONResponse(body.model_dump(), status_code=503)


@router.get("/algorithms", response_model=m.AlgorithmResponse, tags=["System information"],
            summary="The matching algorithm and its features", responses=ERRORS)
def algorithms(engine: Engine = Depends(ready_engine), key: ApiKey = Depends(require("screener"))) -> Any:
    from interdict.matching.features import FEATURES

    info = engine.context["algorithm"]
    docs = {name: m.FeatureDoc(description=desc, coefficient=_coefficient(engine, name)) for name, desc in FEATURES.items()}
    algo = m.Algorithm(
        name=info["name"],
        description=f"interdict {info['name']} v{info.get('version')}: calibrated logistic score over name, "
                    f"identifier, date and country features (config {info['config_hash'][:12]}); "
                    f"default threshold {info.get('threshold')}",
        features=docs,
        docs=m.AlgorithmDocs(name=info["name"], description=None, config={}, features=docs),
    )
    return m.AlgorithmResponse(algorithms=[algo], default=info["name"], best=info["name"])


def _coefficient(engine: Engine, feature: str) -> float:
    cal = getattr(engine.screener, "calibration", None)
    try:
        return float(dict(zip(cal.names, cal.vector(), strict=False)).get(feature, 1.0))  # type: ignore[union-attr]
    except Exception:  # noqa: BLE001 - documentation only
        return 1.0


# -- matching ------------------------------------------------------------------------------------


def _example_dict(example: m.EntityExample) -> dict[str, Any]:
    props: dict[str, list[Any]] = {}
    for k, v in example.properties.items():
        vals = v if isinstance(v, list) else [v]
        props[k] = [x for x in vals if isinstance(x, (str, int, float)) and not isinstance(x, bool)]
        props[k] = [str(x) for x in props[k]]
    return {"id": example.id, "schema": example.schema_, "properties": props}


def scored_results(engine: Engine, result: Any, *, subject: str | None, subject_facts: dict[str, list[str]] | None,
                   db: Any, keep: Any = None) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Match objects -> yente ScoredEntityResponse dicts, with any decision applied; and the decisions."""
    matches = [x for x in result.results if keep is None or keep(x)]
    decided = latest_decisions(db, subject, [x.id for x in matches]) if subject else {}
    out, applied_all = [], {}
    for x in matches:
        d = engine.brief(x.id) or {"id": x.id, "caption": x.caption, "schema": x.schema, "properties": {},
                                   "datasets": [x.source], "referents": [], "target": True}
        item = dict(d)
        item.update(
            score=round(float(x.score), 4),
            match=bool(x.match),
            explanations=to_yente_explanations(x.explanations or {}),
            features=yente_features(x.explanations or {}),
            programs=list(x.programs),
            also_on=[a["id"] for a in x.also_on],
            # one party on several lists is one result, as in yente: every list and record id it merges
            datasets=sorted(set(d["datasets"]) | {a["source"] for a in x.also_on}),
            referents=sorted(set(d["referents"]) | {a["id"] for a in x.also_on}),
            explanation=x.explanations or {},
        )
        dec = decided.get(x.id)
        if dec is not None:
            applied = apply_decision(dec, facts_of(d), subject_facts)
            info = applied.to_dict()
            item["decision"] = info
            applied_all[x.id] = info
            if applied.suppressed:
                item["match"] = False
        out.append(item)
    return out, applied_all


def _keep_filter(engine: Engine, *, exclude_ids: set[str], include_dataset: list[str], exclude_dataset: list[str],
                 exclude_schema: list[str], topics: list[str], changed_since: str | None) -> Any:
    def keep(x: Any) -> bool:
        if x.id in exclude_ids or any(a["id"] in exclude_ids for a in x.also_on):
            return False
        d = engine.brief(x.id) or {}
        datasets = set(d.get("datasets") or [x.source])
        if include_dataset and not datasets & set(include_dataset):
            return False
        if exclude_dataset and datasets & set(exclude_dataset):
            return False
        if exclude_schema and x.schema in exclude_schema:
            return False
        if topics:
            ent_topics = set((d.get("properties") or {}).get("topics") or ["sanction"])
            if not ent_topics & set(topics):
                return False
        if changed_since:
            last = d.get("last_change")
            if not last or str(last)[: len(changed_since)] < changed_since:
                return False
        return True

    return keep


@router.post("/match/{dataset}", response_model=m.EntityMatchResponse, response_model_by_alias=True,
             tags=["Matching"], summary="Query by example matcher (yente-compatible)", responses=ERRORS)
async def match(
    request: Request,
    response: Response,
    body: m.EntityMatchQuery,
    dataset: str = PATH_DATASET,
    limit: int = Query(5, ge=1, le=MAX_LIMIT, title="Number of results to return"),
    threshold: float | None = Query(None, ge=0.0, le=1.0, title="Score threshold for results to be considered "
                                    "matches (default: the calibrated threshold)"),
    cutoff: float = Query(0.0, ge=0.0, le=1.0, deprecated=True,
                          title="Lower bound of score for results to be returned at all"),
    algorithm: str | None = Query(None, title="Scoring algorithm (interdict runs one; yente names are accepted)"),
    include_dataset: list[str] = Query([], title="Only include the given datasets in results"),
    exclude_schema: list[str] = Query([], title="Remove the given types of entities from results"),
    exclude_dataset: list[str] = Query([], title="Remove the given datasets from results"),
    topics: list[str] = Query([], title="Only return results that match any of the given topics"),
    changed_since: str | None = Query(None, pattern=TS_PATTERN,
                                      title="Match against entities that were updated since the given date"),
    exclude_entity_ids: list[str] = Query([], max_length=50, title="Entity ids to exclude from matching"),
    engine: Engine = Depends(ready_engine),
    key: ApiKey = Depends(require("screener")),
) -> Any:
    """Match entities on name, birth date, nationality, identifiers. Submit a batch of examples keyed
    by an id of your choice; each answer comes back under the same key, with an `audit_record`.

    Give each example a stable `id` (your customer id): analyst decisions on its hits then apply to
    later screenings of it (a false positive stops alerting until the list entry or the customer
    gains a new name, birth date, country or identifier)."""
    return await run_match(
        request.app.state.service, engine, body, dataset, key, limit=limit, threshold=threshold, cutoff=cutoff,
        algorithm=algorithm, include_dataset=include_dataset, exclude_schema=exclude_schema,
        exclude_dataset=exclude_dataset, topics=topics, changed_since=changed_since,
        exclude_entity_ids=exclude_entity_ids)


async def run_match(state: Any, engine: Engine, body: m.EntityMatchQuery, dataset: str, key: ApiKey, *,
                    limit: int = 5, threshold: float | None = None, cutoff: float = 0.0, algorithm: str | None = None,
                    include_dataset: list[str] = (), exclude_schema: list[str] = (),  # type: ignore[assignment]
                    exclude_dataset: list[str] = (), topics: list[str] = (),  # type: ignore[assignment]
                    changed_since: str | None = None,
                    exclude_entity_ids: list[str] = ()) -> JSONResponse:  # type: ignore[assignment]
    """The body of ``POST /match`` once the request is parsed and authorised (also called by
    :mod:`.fastpath`, which parses plain requests without FastAPI's parameter machinery)."""
    include_dataset, exclude_schema = list(include_dataset), list(exclude_schema)
    exclude_dataset, topics, exclude_entity_ids = list(exclude_dataset), list(topics), list(exclude_entity_ids)
    ds = _dataset(engine, dataset)
    algo = engine.check_algorithm(algorithm)
    if body.config:
        raise HTTPException(400, detail=f"Invalid configuration parameter: {sorted(body.config)[0]} for algorithm {algo}")
    if not body.queries:
        raise HTTPException(400, detail="No queries provided.")
    if len(body.queries) > state.settings.api_max_batch:
        raise HTTPException(422, detail=f"Too many queries in one batch: {len(body.queries)}, the limit is "
                                        f"{state.settings.api_max_batch} (INTERDICT_API_MAX_BATCH)")
    for example in body.queries.values():  # every example is checked before anything is screened
        if _model().get(example.schema_) is None:
            raise HTTPException(400, detail=f"Cannot parse example entity: invalid schema {example.schema_!r}")
    filtered = bool(exclude_entity_ids or include_dataset or exclude_dataset or exclude_schema or topics
                    or changed_since)
    keep = _keep_filter(engine, exclude_ids=set(exclude_entity_ids), include_dataset=include_dataset,
                        exclude_dataset=exclude_dataset, exclude_schema=exclude_schema, topics=topics,
                        changed_since=changed_since) if filtered else None
    extra = len(exclude_entity_ids) + (10 if (include_dataset or exclude_dataset or exclude_schema or topics
                                               or changed_since) else 0)
    params = {"limit": limit, "threshold": threshold, "cutoff": cutoff, "algorithm": algo,
              "exclude_entity_ids": exclude_entity_ids, "include_dataset": include_dataset,
              "exclude_dataset": exclude_dataset, "exclude_schema": exclude_schema, "topics": topics,
              "changed_since": changed_since, "screen_limit": limit + extra}
    work = []
    for name, example in body.queries.items():
        ex = _example_dict(example)
        result = engine.screener.screen({"schema": ex["schema"], "properties": ex["properties"]},
                                        threshold=threshold, limit=limit + extra, dataset=ds)
        subject = example.id or None
        sfacts = facts_of(ex)
        results, applied = scored_results(engine, result, subject=subject, subject_facts=sfacts, db=state.db,
                                          keep=keep)
        results = [r for r in results if r["score"] >= cutoff][:limit]
        work.append((name, ex, result, results, applied, subject))
    # Screening runs on the event loop (CPU-bound, about a millisecond: a thread hop would cost as
    # much); the audit commit is awaited, so the answer leaves only once its record is on disk.
    records = screening_records(
        [{"query": ex, "result": result, "dataset": ds, "params": params, "decisions": applied, "query_key": name,
          "subject": subject or None} for name, ex, result, _, applied, subject in work],
        actor=key.actor, channel="api", context=engine.context,
    )
    ids = await loop_batcher(state.db).submit(records)
    responses = {}
    for (name, ex, _result, results, _applied, _subject), record_id in zip(work, ids, strict=True):
        responses[name] = {
            "status": 200,
            "results": results,
            "total": {"value": len(results), "relation": "eq"},
            "query": ex,
            "audit_record": record_id,
        }
    # Built here to the documented model's shape (tests validate it); returning the response directly
    # skips FastAPI's re-validation of every nested result, a large share of a request's CPU.
    return FastJSONResponse({"responses": responses, "matcher": _matcher_docs(), "limit": limit},
                            headers={"x-batch-size": str(len(responses))})


class FastJSONResponse(JSONResponse):
    """JSON rendered by orjson (about three times faster than ``json`` for a /match answer)."""

    def render(self, content: Any) -> bytes:
        try:
            import orjson

            return orjson.dumps(content, option=orjson.OPT_NON_STR_KEYS | orjson.OPT_SERIALIZE_NUMPY)
        except (ImportError, TypeError):
            return super().render(content)


def _model() -> Any:
    from followthemoney import model

    return model


_MATCHER: dict[str, Any] | None = None


def _matcher_docs() -> dict[str, Any]:
    global _MATCHER
    if _MATCHER is None:
        from interdict.matching.features import FEATURES

        _MATCHER = {k: {"description": v, "coefficient": 1.0, "url": ""} for k, v in FEATURES.items()}
    return _MATCHER


# -- data access ---------------------------------------------------------------------------------


@router.get("/search/{dataset}", response_model=m.SearchResponse, response_model_by_alias=True,
            tags=["Data access"], summary="Free-text name search with filters (yente-compatible)", responses=ERRORS)
def search(
    dataset: str = PATH_DATASET,
    q: str = Query("", max_length=500, title="Query text (a name)", examples=["korea kumsan"]),
    schema: str | None = Query(None, title="Only entities of this schema (or a descendant)", examples=["Company"]),
    countries: list[str] = Query([], title="Only entities linked to these countries (ISO codes)"),
    programs: list[str] = Query([], title="Only entities under these sanctions programs", examples=[["DPRK3"]]),
    limit: int = Query(10, ge=0, le=MAX_LIMIT),
    offset: int = Query(0, ge=0, le=200),
    engine: Engine = Depends(ready_engine),
    key: ApiKey = Depends(require("screener")),
) -> Any:
    ds = _dataset(engine, dataset)
    if not q.strip():
        raise HTTPException(400, detail="give a query text: ?q=<name>")
    page, total, facets = engine.search(q, ds, schema=schema, countries=countries, programs=programs,
                                        limit=limit, offset=offset)
    labels = {"schema": "Types", "countries": "Countries", "datasets": "Data sources", "programs": "Programs"}
    return {
        "limit": limit,
        "offset": offset,
        "total": {"value": total, "relation": "eq"},
        "results": page,
        "facets": {k: {"label": labels[k], "values": [{"name": n, "label": n, "count": c}
                                                      for n, c in v.most_common(30)]}
                   for k, v in facets.items()},
    }


@router.get("/entities/{entity_id}", response_model=m.EntityResponse, response_model_by_alias=True,
            tags=["Data access"], summary="One list entity with its sanctions and linked entities", responses=ERRORS)
def get_entity(
    entity_id: str = Path(..., max_length=200, examples=["us_ofac_sdn-12345"]),
    nested: bool = Query(True, title="Nest sanctions and linked entities"),
    engine: Engine = Depends(ready_engine),
    key: ApiKey = Depends(require("screener")),
) -> Any:
    return engine.entity(entity_id, nested=nested)


@router.get("/catalog", response_model=m.DataCatalogModel, tags=["Data access"],
            summary="Datasets, list versions, publication dates and freshness (yente-compatible)", responses=ERRORS)
def catalog(request: Request, engine: Engine = Depends(ready_engine),
            key: ApiKey = Depends(require("screener"))) -> Any:
    from interdict.screening.screener import LIST_TITLES

    settings = request.app.state.service.settings
    cat = engine.catalog()
    now = datetime.now(UTC)
    datasets, current, outdated = [], [], []
    fresh_sources = []
    for v in cat["versions"]:
        source = v["source"]
        published = v.get("published") or v.get("loaded_at")
        age = None
        if published:
            try:
                when = datetime.fromisoformat(str(published)[:19])
                age = (now.replace(tzinfo=None) - when).days
            except ValueError:
                age = None
        stale = age is not None and age > settings.max_age_days
        (outdated if stale else current).append(source)
        if not stale:
            fresh_sources.append(source)
        datasets.append(m.DatasetModel(
            name=source, title=LIST_TITLES.get(source, source), version=str(v.get("version") or ""),
            index_version=engine.screener.index.fingerprint, children=[],
            entity_count=cat["sources"].get(source), summary=f"published {published}; age {age} days" if published else None,
            versions=[{**v, "age_days": age, "stale": stale}],
        ))
    sources = [v["source"] for v in cat["versions"]]
    version = "-".join(str(v.get("version") or "") for v in cat["versions"])[:200] or engine.screener.index.fingerprint
    datasets.append(m.DatasetModel(name="dprk", title="DPRK-related entries (DPRK programs, UN 1718 regime)",
                                   version=version, children=sources, entity_count=cat["dprk"],
                                   index_version=engine.screener.index.fingerprint))
    datasets.append(m.DatasetModel(name="default", title="All lists", version=version, children=sources + ["dprk"],
                                   entity_count=cat["total"], index_version=engine.screener.index.fingerprint))
    all_current = not outdated
    return m.DataCatalogModel(datasets=datasets, current=current + (["dprk", "default"] if all_current else []),
                              outdated=outdated + ([] if all_current else ["dprk", "default"]), index_stale=False)

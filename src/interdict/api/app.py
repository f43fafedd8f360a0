"""The FastAPI application: ``create_app()`` (uvicorn factory: ``interdict.api.app:create_app``).

Routers: :mod:`.routes_match` (yente-compatible matching, search, entities, catalog, algorithms,
health) and :mod:`.routes_service` (batch screening, decisions, customer book, audit trail, keys).
Errors from the ``interdict.exc`` hierarchy map to their declared HTTP status with a JSON ``detail``.
"""

from __future__ import annotations

from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

import interdict
from interdict.api.engine import Engine
from interdict.api.limits import BodySizeLimit
from interdict.audit.db import ServiceDB, open_service_db
from interdict.config import Settings, get_settings
from interdict.exc import InterdictError, InvalidInput

__all__ = ["create_app", "create_server_app", "ServiceState"]

DESCRIPTION = """
Screen parties against the official sanctions lists (UN Security Council, OFAC SDN and non-SDN,
US Consolidated Screening List), DPRK typologies first.

* **yente-compatible**: `POST /match/{dataset}`, `GET /search/{dataset}`, `GET /entities/{id}`,
  `GET /catalog`, `GET /algorithms` answer in OpenSanctions yente's shapes, so a yente client works
  unchanged (send the key as `Authorization: ApiKey <key>`, `Bearer <key>` or `X-API-Key`).
* **Datasets**: `default` (every list), one per source (`un_sc`, `us_ofac_sdn`, `us_ofac_cons`,
  `us_csl`, or `un`, `ofac`, `csl`), and `dprk` (entries under DPRK programs or the UN 1718 regime).
* **Audit**: every screening appends a hash-chained audit record (who, when, query, list versions
  with sha256, algorithm and configuration hash, candidates, decisions); its id comes back as
  `audit_record`.
* **Decisions**: analysts mark hits `confirmed_match`, `false_positive` or `needs_review`; a false
  positive stops alerting (`match: false`, `decision.suppressed: true`) until the list entity or
  the customer gains a new name, birth date, country or identifier.
* **Roles**: `screener` (match, search, entities), `analyst` (+ decisions, book, audit),
  `admin` (+ keys). Missing or wrong key: 401; role too low: 403; body too large: 413;
  too many queries in one request: 422.
"""

TAGS = [
    {"name": "Matching", "description": "yente-compatible query-by-example matching."},
    {"name": "Data access", "description": "Search, entities, catalog (yente-compatible)."},
    {"name": "System information", "description": "Health, readiness, algorithms."},
    {"name": "Screening", "description": "interdict batch screening."},
    {"name": "Decisions", "description": "Analyst decisions on hits."},
    {"name": "Book", "description": "The monitored customer book and re-screening."},
    {"name": "Audit", "description": "The hash-chained audit trail."},
    {"name": "Admin", "description": "API keys."},
]


@dataclass
class ServiceState:
    settings: Settings
    db: ServiceDB
    engine: Engine


def create_app(settings: Settings | None = None, engine: Engine | None = None, *, load: bool = True,
               watch_seconds: float = 60.0, settle_heap: bool = False) -> FastAPI:
    """Build the app; the engine loads in the background unless one is given already loaded.

    ``settle_heap``: once loaded, freeze the heap and tune the garbage collector (:mod:`.heap`);
    for a serving process only (``interdict serve`` uses :func:`create_server_app`)."""
    settings = settings or get_settings()
    engine = engine or Engine(settings)
    engine.settle_heap = settle_heap
    state = ServiceState(settings, open_service_db(settings), engine)

    @asynccontextmanager
    async def lifespan(app: FastAPI):  # noqa: ANN202
        if load and not engine.ready:
            engine.start()
        if load and watch_seconds:
            engine.watch(watch_seconds)
        yield

    app = FastAPI(
        title="interdict",
        version=interdict.__version__,
        description=DESCRIPTION,
        openapi_tags=TAGS,
        lifespan=lifespan,
    )
    app.state.service = state

    @app.exception_handler(InterdictError)
    async def _interdict_error(request: Request, exc: InterdictError) -> JSONResponse:
        content: dict[str, Any] = {"detail": str(exc)}
        if isinstance(exc, InvalidInput) and exc.problems:
            content["problems"] = [p.to_dict() for p in exc.problems]
        headers = {"WWW-Authenticate": "Bearer"} if exc.status_code == 401 else None
        return JSONResponse(content, status_code=exc.status_code, headers=headers)

    from interdict.api import routes_match, routes_service

    app.include_router(routes_match.router)
    app.include_router(routes_service.router)
    from interdict.api.fastpath import MatchFastPath

    app.add_middleware(MatchFastPath)  # inside the body limit (middleware added later wraps it)
    app.add_middleware(BodySizeLimit, max_bytes=settings.api_max_body_bytes)
    return app


#: Set by ``interdict serve --workers N`` (N > 1): the file where workers share connection counts.
BALANCE_ENV = "INTERDICT_SERVE_BALANCE_FILE"


def create_server_app() -> FastAPI:
    """The uvicorn factory of ``interdict serve`` (one call per worker process): the app with the
    serving process's heap settings (:mod:`.heap`) and, with several workers, keep-alive
    connections evened out across them (:mod:`.balance`)."""
    import os

    app = create_app(settle_heap=True)
    path = os.environ.get(BALANCE_ENV)
    if path:
        from interdict.api.balance import ConnectionBalance

        app.add_middleware(ConnectionBalance, path=path)
    return app

"""A short path for plain ``POST /match/{dataset}`` requests, in front of FastAPI's routing.

FastAPI resolves every declared parameter of ``/match`` on each request (twelve query parameters,
the body model, the key and the engine dependencies); measured with py-spy under load, that
parameter machinery and the routing around it took about a quarter of a worker's CPU per request,
more than half as much as screening the name. This middleware answers the common request itself:

* path ``/match/<dataset>``, method POST, JSON body of at most the body limit;
* a query string that is empty or holds only ``limit``, ``threshold``, ``cutoff`` and ``algorithm``
  with values FastAPI would accept;
* a valid key with the screener role, and a loaded engine.

It validates the body with the same pydantic model and runs the same code as the route
(:func:`.routes_match.run_match`), so the answer, its audit record and its headers are the same.
Anything else, and any request the short path cannot answer exactly as the route would (invalid
body, missing or wrong key, an error raised before screening), goes on to FastAPI unchanged, with
the body replayed, so error answers keep their documented shapes.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl

from pydantic import ValidationError

__all__ = ["MatchFastPath"]

_PATH = re.compile(r"^/match/([^/]+)$")
_TS = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}(:\d{2}(:\d{2})?)?)?$")


def _params(query_string: bytes) -> dict[str, Any] | None:
    """The simple query parameters, validated as the route declares them; None to fall through."""
    out: dict[str, Any] = {}
    if not query_string:
        return out
    try:
        pairs = parse_qsl(query_string.decode("latin-1"), keep_blank_values=True, strict_parsing=True)
    except (ValueError, UnicodeDecodeError):
        return None
    for name, value in pairs:
        if name in out:
            return None
        try:
            if name == "limit":
                if not value.strip().lstrip("+-").isdigit():
                    return None
                number = int(value)
                if not 1 <= number <= 50:
                    return None
                out[name] = number
            elif name in ("threshold", "cutoff"):
                fraction = float(value)
                if not 0.0 <= fraction <= 1.0:  # also refuses nan
                    return None
                out[name] = fraction
            elif name == "algorithm":
                out[name] = value
            else:
                return None
        except ValueError:
            return None
    return out


class MatchFastPath:
    """Pure ASGI middleware (install inside the body-size limit)."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.answered = 0

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        found = _PATH.match(scope["path"])
        params = _params(scope.get("query_string", b"")) if found else None
        if found is None or params is None:
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":  # client went away: let the route see it
                return await self.app(scope, _replay(chunks, message, receive), send)
            chunks.append(message.get("body", b""))
            more = message.get("more_body", False)
        body = b"".join(chunks)
        response = await self._answer(scope, found.group(1), params, body)
        if response is None:
            await self.app(scope, _replay([body], None, receive), send)
            return
        self.answered += 1
        await response(scope, _replay([body], None, receive), send)

    async def _answer(self, scope: dict, dataset: str, params: dict[str, Any], body: bytes) -> Any:
        from fastapi import HTTPException

        from interdict.api import models as m
        from interdict.api.auth import authorised_key
        from interdict.api.routes_match import run_match
        from interdict.exc import InterdictError

        app = scope.get("app")
        state = getattr(getattr(app, "state", None), "service", None)
        if state is None or not state.engine.ready:
            return None
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        if "json" not in headers.get("content-type", ""):
            return None
        key = authorised_key(state, headers, "screener")
        if key is None:
            return None
        try:
            query = m.EntityMatchQuery.model_validate_json(body)
        except ValidationError:
            return None
        try:
            return await run_match(state, state.engine, query, dataset, key, **params)
        except (HTTPException, InterdictError):
            return None  # raised before anything was screened or committed: the route answers it


def _replay(chunks: list[bytes], last: dict | None, receive: Any) -> Any:
    """A ``receive`` that gives the body already read, then defers to the real one."""
    pending = [{"type": "http.request", "body": b"".join(chunks), "more_body": False}] if last is None else [
        {"type": "http.request", "body": b"".join(chunks), "more_body": False}, last]

    async def replay() -> dict:
        if pending:
            return pending.pop(0)
        return await receive()

    return replay

"""API-key authentication and role checks as FastAPI dependencies.

Keys are accepted as ``Authorization: Bearer <key>``, ``Authorization: ApiKey <key>`` (the scheme the
OpenSanctions hosted API uses, so yente clients configured with a key work) or ``X-API-Key: <key>``.
Missing or wrong key: 401; a valid key whose role is too low: 403.

The dependencies are ``async``: the checks are indexed reads (microseconds), and running them on
the event loop saves a thread-pool hop per request. A revoked key is refused from the next request
on, in every worker (see ``keys_generation``).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Mapping
from typing import Any

from fastapi import Depends, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from interdict.audit.keys import ApiKey, authenticate, keys_generation, role_allows
from interdict.exc import Forbidden, Unauthorized

_bearer = HTTPBearer(auto_error=False, description="API key as 'Bearer <key>' (or 'ApiKey <key>').")
_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="API key.")


async def current_key(
    request: Request,
    bearer: HTTPAuthorizationCredentials | None = Depends(_bearer),
    header: str | None = Depends(_header),
) -> ApiKey:
    token = header
    if not token:
        raw = request.headers.get("authorization", "")
        scheme, _, value = raw.partition(" ")
        if scheme.lower() in {"bearer", "apikey"}:
            token = value.strip()
        elif bearer is not None:
            token = bearer.credentials
    state = request.app.state.service
    generation = keys_generation(state.db)
    key = _cached(token, generation)
    if key is None:
        key = authenticate(state.db, token, state.settings)
        _remember(token, key, generation)
    request.state.key = key
    return key


# A verified key is remembered per worker (saves the key row read and the HMAC on each request), but
# only while the service database's keys generation is unchanged: a revocation anywhere (CLI, another
# worker, another machine on PostgreSQL) bumps it in the revoking transaction, and the next request in
# every worker reads the new value (one indexed read) and verifies again. AUTH_CACHE_SECONDS only
# bounds how long an unused entry lives. Failures are never cached.
AUTH_CACHE_SECONDS = 300.0
_CACHE: dict[str, tuple[float, int, ApiKey]] = {}


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _cached(token: str | None, generation: int) -> ApiKey | None:
    if not token:
        return None
    hit = _CACHE.get(_digest(token))
    if hit is None or hit[0] < time.monotonic() or hit[1] != generation:
        return None
    return hit[2]


def _remember(token: str | None, key: ApiKey, generation: int) -> None:
    if token:
        if len(_CACHE) > 10_000:
            _CACHE.clear()
        _CACHE[_digest(token)] = (time.monotonic() + AUTH_CACHE_SECONDS, generation, key)


def forget_key(key_id: str) -> None:
    """Drop cached verifications of a key (called when it is revoked)."""
    for digest, (_, _, key) in list(_CACHE.items()):
        if key.key_id == key_id:
            _CACHE.pop(digest, None)


def authorised_key(state: Any, headers: Mapping[str, str], role: str) -> ApiKey | None:
    """The valid key of these (lower-cased) headers if its role allows ``role``, else None: the same
    token forms, cache and checks as :func:`current_key`, for :mod:`.fastpath` (which leaves every
    refusal to the route, so 401/403 answers keep one shape)."""
    token = headers.get("x-api-key") or None
    if not token:
        scheme, _, value = headers.get("authorization", "").partition(" ")
        if scheme.lower() in {"bearer", "apikey"}:
            token = value.strip()
    if not token:
        return None
    generation = keys_generation(state.db)
    key = _cached(token, generation)
    if key is None:
        try:
            key = authenticate(state.db, token, state.settings)
        except Unauthorized:
            return None
        _remember(token, key, generation)
    return key if role_allows(key.role, role) else None


def require(role: str) -> Callable[..., ApiKey]:
    async def dependency(key: ApiKey = Depends(current_key)) -> ApiKey:
        if not role_allows(key.role, role):
            raise Forbidden(f"this needs the {role} role; key {key.key_id} has {key.role}")
        return key

    dependency.__name__ = f"require_{role}"
    return dependency

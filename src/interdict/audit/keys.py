"""API keys: created once (the secret is shown only then), stored as a salted, peppered HMAC-SHA256.

A key looks like ``idk_<key_id>.<secret>``. ``key_id`` is public (it names the key in lists, logs and
the audit trail); the secret has 256 bits of entropy, so one keyed hash is the right cost (a slow
password hash buys nothing against a random 256-bit secret and would cost every request).
The pepper comes from ``INTERDICT_KEY_PEPPER`` (set it when several machines share PostgreSQL) or
else a random value kept in ``$INTERDICT_HOME/key-pepper``: a stolen database alone cannot be used
to test guesses.

Roles nest: ``screener`` (match, search) < ``analyst`` (+ decisions, book, audit reading)
< ``admin`` (+ keys, list updates).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from interdict.audit.db import ServiceDB
from interdict.audit.trail import NewRecord, append, now_iso
from interdict.config import Settings, get_settings
from interdict.exc import InvalidInput, NotFound, Unauthorized

__all__ = ["Role", "ApiKey", "create_key", "list_keys", "revoke_key", "authenticate", "role_allows",
           "keys_generation"]

PREFIX = "idk_"


class Role(StrEnum):
    SCREENER = "screener"
    ANALYST = "analyst"
    ADMIN = "admin"


_RANK = {Role.SCREENER: 1, Role.ANALYST: 2, Role.ADMIN: 3}


def role_allows(have: str, need: str) -> bool:
    return _RANK[Role(have)] >= _RANK[Role(need)]


@dataclass(frozen=True)
class ApiKey:
    key_id: str
    label: str
    role: str
    created_at: str
    created_by: str
    revoked_at: str | None = None

    @property
    def actor(self) -> str:
        return f"key:{self.key_id}"

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


_PEPPERS: dict[str, bytes] = {}


def _pepper(settings: Settings) -> bytes:
    if settings.key_pepper:
        return settings.key_pepper.encode("utf-8")
    path = settings.home / "key-pepper"
    cached = _PEPPERS.get(str(path))
    if cached:
        return cached
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_hex(32))
        except FileExistsError:
            pass  # another process made it first
    value = path.read_text().strip().encode("ascii")
    _PEPPERS[str(path)] = value
    return value


def _hash(pepper: bytes, salt: str, secret: str) -> str:
    return hmac.new(pepper, f"{salt}:{secret}".encode(), hashlib.sha256).hexdigest()


def create_key(db: ServiceDB, *, label: str, role: str, created_by: str,
               settings: Settings | None = None) -> tuple[ApiKey, str]:
    """Create a key; returns it and the full secret token (shown once, never stored)."""
    settings = settings or get_settings()
    try:
        role = Role(role).value
    except ValueError as exc:
        raise InvalidInput(f"unknown role {role!r}: use screener, analyst or admin") from exc
    label = (label or "").strip()
    if not label:
        raise InvalidInput("a key needs a label (who or what uses it)")
    key_id = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    salt = secrets.token_hex(16)
    created = now_iso()
    key = ApiKey(key_id, label, role, created, created_by)
    with db.write():
        db.execute(
            "INSERT INTO api_keys (key_id, label, role, salt, secret_hash, created_at, created_by, revoked_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, NULL)",
            (key_id, label, role, salt, _hash(_pepper(settings), salt, secret), created, created_by),
        )
    append(db, NewRecord("key", created_by, "admin", {"action": "create", "key_id": key_id, "label": label,
                                                      "role": role}, subject=f"key:{key_id}"))
    return key, f"{PREFIX}{key_id}.{secret}"


def list_keys(db: ServiceDB, include_revoked: bool = True) -> list[ApiKey]:
    rows = db.fetchall(
        "SELECT key_id, label, role, created_at, created_by, revoked_at FROM api_keys ORDER BY created_at"
    )
    keys = [ApiKey(*row) for row in rows]
    return [k for k in keys if include_revoked or k.revoked_at is None]


def revoke_key(db: ServiceDB, key_id: str, *, revoked_by: str) -> ApiKey:
    key_id = key_id.removeprefix(PREFIX).split(".", 1)[0]
    with db.write():
        row = db.fetchone("SELECT revoked_at FROM api_keys WHERE key_id = ?", (key_id,))
        if row is None:
            raise NotFound(f"no API key {key_id!r}")
        if row[0] is None:
            db.execute("UPDATE api_keys SET revoked_at = ? WHERE key_id = ?", (now_iso(), key_id))
            # in the same transaction: every worker's key cache sees the change on its next request
            db.execute("INSERT INTO service_state (name, value) VALUES ('keys_generation', 1) "
                       "ON CONFLICT (name) DO UPDATE SET value = service_state.value + 1")
    append(db, NewRecord("key", revoked_by, "admin", {"action": "revoke", "key_id": key_id},
                         subject=f"key:{key_id}"))
    return next(k for k in list_keys(db) if k.key_id == key_id)


def keys_generation(db: ServiceDB) -> int:
    """A counter that changes whenever a key is revoked (0 before the first revocation): one indexed
    read, cheap enough for every request, so caches of verified keys can be trusted only while it holds."""
    row = db.fetchone("SELECT value FROM service_state WHERE name = 'keys_generation'")
    return int(row[0]) if row else 0


def authenticate(db: ServiceDB, token: str | None, settings: Settings | None = None) -> ApiKey:
    """The key a token belongs to, or :class:`Unauthorized` (missing, malformed, unknown, revoked, wrong)."""
    if not token:
        raise Unauthorized("missing API key: send 'Authorization: ApiKey <key>', 'Authorization: Bearer <key>' "
                           "or 'X-API-Key: <key>'")
    token = token.strip()
    if not token.startswith(PREFIX) or "." not in token:
        raise Unauthorized("invalid API key")
    key_id, secret = token[len(PREFIX):].split(".", 1)
    row = db.fetchone(
        "SELECT key_id, label, role, created_at, created_by, revoked_at, salt, secret_hash FROM api_keys "
        "WHERE key_id = ?",
        (key_id,),
    )
    settings = settings or get_settings()
    if row is None:
        _hash(_pepper(settings), "0" * 32, secret)  # same work whether or not the id exists
        raise Unauthorized("invalid API key")
    if not hmac.compare_digest(_hash(_pepper(settings), row[6], secret), row[7]):
        raise Unauthorized("invalid API key")
    if row[5] is not None:
        raise Unauthorized("API key revoked")
    return ApiKey(*row[:6])

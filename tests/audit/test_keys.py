from __future__ import annotations

import pytest

from interdict.audit import keys, trail
from interdict.exc import InvalidInput, NotFound, Unauthorized


def test_create_authenticate_revoke(service_db, settings):
    key, token = keys.create_key(service_db, label="core banking", role="screener", created_by="cli:ops",
                                 settings=settings)
    assert token.startswith("idk_" + key.key_id + ".")
    assert keys.authenticate(service_db, token, settings).role == "screener"
    # only a hash is stored: the secret appears nowhere in the database
    secret = token.split(".", 1)[1]
    stored = service_db.fetchall("SELECT * FROM api_keys")
    assert all(secret not in str(v) for row in stored for v in row)
    with pytest.raises(Unauthorized):
        keys.authenticate(service_db, token[:-1] + ("A" if token[-1] != "A" else "B"), settings)
    with pytest.raises(Unauthorized):
        keys.authenticate(service_db, None, settings)
    keys.revoke_key(service_db, key.key_id, revoked_by="cli:ops")
    with pytest.raises(Unauthorized, match="revoked"):
        keys.authenticate(service_db, token, settings)
    assert keys.list_keys(service_db)[0].revoked_at is not None
    assert [r.kind for r in trail.iter_records(service_db)] == ["key", "key"]


def test_pepper_matters(service_db, settings):
    from dataclasses import replace

    _, token = keys.create_key(service_db, label="x", role="admin", created_by="t", settings=settings)
    with pytest.raises(Unauthorized):
        keys.authenticate(service_db, token, replace(settings, key_pepper="another-pepper"))


def test_bad_role_and_unknown_key(service_db, settings):
    with pytest.raises(InvalidInput):
        keys.create_key(service_db, label="x", role="root", created_by="t", settings=settings)
    with pytest.raises(NotFound):
        keys.revoke_key(service_db, "nope", revoked_by="t")


def test_roles_nest():
    assert keys.role_allows("admin", "screener")
    assert keys.role_allows("analyst", "analyst")
    assert not keys.role_allows("screener", "analyst")


def test_missing_key_message_names_every_accepted_header(service_db, settings):
    with pytest.raises(Unauthorized) as info:
        keys.authenticate(service_db, None, settings)
    for form in ("Authorization: ApiKey <key>", "Authorization: Bearer <key>", "X-API-Key: <key>"):
        assert form in str(info.value)


def test_revocation_bumps_the_keys_generation(service_db, settings):
    assert keys.keys_generation(service_db) == 0
    a, _ = keys.create_key(service_db, label="a", role="screener", created_by="t", settings=settings)
    b, _ = keys.create_key(service_db, label="b", role="screener", created_by="t", settings=settings)
    assert keys.keys_generation(service_db) == 0  # creating a key invalidates no cache
    keys.revoke_key(service_db, a.key_id, revoked_by="t")
    assert keys.keys_generation(service_db) == 1
    keys.revoke_key(service_db, b.key_id, revoked_by="t")
    keys.revoke_key(service_db, b.key_id, revoked_by="t")  # already revoked: nothing changes
    assert keys.keys_generation(service_db) == 2

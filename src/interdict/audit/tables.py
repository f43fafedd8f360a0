"""Tables of the service database (portable SQL: runs on SQLite and PostgreSQL unchanged).

JSON documents are stored as TEXT exactly as hashed, so the audit chain can be re-verified from the
stored bytes without re-serialising anything.
"""

from __future__ import annotations

DDL: list[str] = [
    # API keys: only a salted, peppered HMAC of the secret is kept; key_id is the public prefix.
    """CREATE TABLE IF NOT EXISTS api_keys (
        key_id TEXT PRIMARY KEY,
        label TEXT NOT NULL,
        role TEXT NOT NULL,
        salt TEXT NOT NULL,
        secret_hash TEXT NOT NULL,
        created_at TEXT NOT NULL,
        created_by TEXT NOT NULL,
        revoked_at TEXT
    )""",
    # The audit trail: seq is contiguous from 1; hash = sha256(prev_hash || canonical record).
    """CREATE TABLE IF NOT EXISTS audit_records (
        seq BIGINT PRIMARY KEY,
        record_id TEXT NOT NULL UNIQUE,
        ts TEXT NOT NULL,
        kind TEXT NOT NULL,
        actor TEXT NOT NULL,
        channel TEXT NOT NULL,
        subject TEXT,
        body TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
    )""",
    # The newest record's seq and hash, written in the same transaction as each append but kept apart
    # from the chain table: deleting the newest records from audit_records leaves it pointing past them.
    """CREATE TABLE IF NOT EXISTS audit_anchor (
        name TEXT PRIMARY KEY,
        seq BIGINT NOT NULL,
        hash TEXT NOT NULL,
        ts TEXT NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS audit_records_ts ON audit_records (ts)",
    "CREATE INDEX IF NOT EXISTS audit_records_subject ON audit_records (subject)",
    # Analyst decisions: append-only; the latest per (subject, entity_id) applies.
    """CREATE TABLE IF NOT EXISTS decisions (
        seq BIGINT PRIMARY KEY,
        decision_id TEXT NOT NULL UNIQUE,
        subject TEXT NOT NULL,
        entity_id TEXT NOT NULL,
        status TEXT NOT NULL,
        reason TEXT NOT NULL,
        analyst TEXT NOT NULL,
        created_at TEXT NOT NULL,
        entity_facts TEXT NOT NULL,
        subject_facts TEXT NOT NULL,
        audit_record TEXT
    )""",
    "CREATE INDEX IF NOT EXISTS decisions_pair ON decisions (subject, entity_id)",
    # The customer book: one row per stable customer id; facts = the fields that matter for matching.
    """CREATE TABLE IF NOT EXISTS book_customers (
        customer_id TEXT PRIMARY KEY,
        schema_name TEXT NOT NULL,
        properties TEXT NOT NULL,
        facts_hash TEXT NOT NULL,
        imported_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        screened_hash TEXT,
        active BIGINT NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS book_alerts (
        customer_id TEXT NOT NULL,
        entity_id TEXT NOT NULL,
        status TEXT NOT NULL,
        score DOUBLE PRECISION NOT NULL,
        caption TEXT,
        cause TEXT,
        opened_run BIGINT NOT NULL,
        last_run BIGINT NOT NULL,
        resolved_run BIGINT,
        resolved_why TEXT,
        PRIMARY KEY (customer_id, entity_id)
    )""",
    # Small counters shared by every process: ``keys_generation`` goes up with each key revocation, so
    # a worker's cache of verified keys knows at once that it must check again.
    """CREATE TABLE IF NOT EXISTS service_state (
        name TEXT PRIMARY KEY,
        value BIGINT NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS rescreen_runs (
        run_id BIGINT PRIMARY KEY,
        started_at TEXT NOT NULL,
        finished_at TEXT NOT NULL,
        actor TEXT NOT NULL,
        list_versions TEXT NOT NULL,
        summary TEXT NOT NULL
    )""",
]

"""The service database: API keys, audit trail, decisions, customer book.

Two backends behind one tiny interface (``?`` placeholders, rows as tuples, a ``write()``
transaction that serialises writers):

* **SQLite** (embedded default): ``$INTERDICT_HOME/service.sqlite`` in WAL mode. Unlike a DuckDB
  file, an SQLite file can be written by several processes at once (``BEGIN IMMEDIATE`` takes a
  cross-process write lock), which is what several API workers appending to one hash chain need.
  ``synchronous=FULL`` so a committed audit record survives a crash of the process or the machine.
* **PostgreSQL** when ``INTERDICT_DATABASE_URL`` is a ``postgresql://`` URL (psycopg 3, the
  ``postgres`` extra). Writers serialise on a transaction-scoped advisory lock.

Connections are per thread (FastAPI runs sync endpoints in a thread pool) and per process.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from interdict.config import Settings, get_settings
from interdict.exc import StoreError

__all__ = ["ServiceDB", "open_service_db", "is_postgres_url"]

# Advisory lock id for the single writer section (any constant, same in every process).
_PG_LOCK = 7_246_021_113


def is_postgres_url(url: str | None) -> bool:
    return bool(url) and url.split(":", 1)[0] in {"postgres", "postgresql", "postgresql+psycopg"}


class ServiceDB:
    """A thread-safe handle; ``kind`` is ``"sqlite"`` or ``"postgres"``."""

    def __init__(self, *, sqlite_path: Path | None = None, postgres_url: str | None = None):
        if (sqlite_path is None) == (postgres_url is None):
            raise ValueError("give exactly one of sqlite_path or postgres_url")
        self.kind = "postgres" if postgres_url else "sqlite"
        self.sqlite_path = sqlite_path
        self.postgres_url = postgres_url.replace("postgresql+psycopg", "postgresql") if postgres_url else None
        self._local = threading.local()
        self._all: list[Any] = []
        self._lock = threading.Lock()
        self._schema_done = False
        self._thread_write_lock = threading.RLock()
        self._lock_fd: int | None = None
        self._lock_pid: int | None = None
        #: where this machine notes the newest audit record it committed (see ``audit.trail``); beside
        #: the SQLite file, or in INTERDICT_HOME for PostgreSQL (set by ``open_service_db``)
        self.head_path: Path | None = (sqlite_path.with_name(sqlite_path.name + ".head")
                                       if sqlite_path is not None else None)
        if self.kind == "sqlite":
            assert sqlite_path is not None
            sqlite_path.parent.mkdir(parents=True, exist_ok=True)

    # -- connections -------------------------------------------------------------------------
    def describe(self) -> str:
        if self.kind == "sqlite":
            return f"sqlite:{self.sqlite_path}"
        url = self.postgres_url or ""
        if "@" in url:  # never show a password
            scheme, rest = url.split("://", 1)
            url = f"{scheme}://***@{rest.split('@', 1)[1]}"
        return url

    def _connect(self) -> Any:
        if self.kind == "sqlite":
            conn = sqlite3.connect(str(self.sqlite_path), timeout=60, isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute("PRAGMA busy_timeout=60000")
            return conn
        try:
            import psycopg
        except ImportError as exc:  # pragma: no cover - depends on the extra
            raise StoreError("INTERDICT_DATABASE_URL names PostgreSQL: pip install 'interdict[postgres]'") from exc
        try:
            return psycopg.connect(self.postgres_url, autocommit=True)
        except psycopg.Error as exc:
            raise StoreError(f"cannot connect to {self.describe()}: {exc}") from exc

    @property
    def conn(self) -> Any:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._connect()
            self._local.conn = conn
            with self._lock:
                self._all.append(conn)
            if not self._schema_done:
                self._ensure_schema(conn)
        return conn

    def close(self) -> None:
        with self._lock:
            for conn in self._all:
                try:
                    conn.close()
                except Exception:  # noqa: BLE001 - closing is best effort
                    pass
            self._all.clear()
        self._local = threading.local()

    def _ensure_schema(self, conn: Any) -> None:
        from interdict.audit.tables import DDL

        with self._lock:
            if self._schema_done:
                return
            if self.kind == "sqlite":
                conn.execute("BEGIN IMMEDIATE")
                try:
                    for stmt in DDL:
                        conn.execute(stmt)
                    conn.execute("COMMIT")
                except Exception:
                    conn.execute("ROLLBACK")
                    raise
            else:
                with conn.transaction():
                    conn.execute("SELECT pg_advisory_xact_lock(%s)", (_PG_LOCK,))
                    for stmt in DDL:
                        conn.execute(stmt)
            self._schema_done = True

    # -- queries -----------------------------------------------------------------------------
    def _sql(self, sql: str) -> str:
        return sql.replace("?", "%s") if self.kind == "postgres" else sql

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        self.conn.execute(self._sql(sql), tuple(params))

    def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        cur = self.conn.execute(self._sql(sql), tuple(params))
        return [tuple(r) for r in cur.fetchall()]

    def fetchone(self, sql: str, params: Sequence[Any] = ()) -> tuple[Any, ...] | None:
        cur = self.conn.execute(self._sql(sql), tuple(params))
        row = cur.fetchone()
        return tuple(row) if row is not None else None

    def iterate(self, sql: str, params: Sequence[Any] = (), batch: int = 1000) -> Iterator[tuple[Any, ...]]:
        cur = self.conn.execute(self._sql(sql), tuple(params))
        while True:
            rows = cur.fetchmany(batch)
            if not rows:
                return
            for r in rows:
                yield tuple(r)

    @contextmanager
    def _writer_lock(self) -> Iterator[None]:
        import fcntl
        import os

        with self._thread_write_lock:  # flock does not exclude threads sharing one file description
            if self._lock_fd is None or self._lock_pid != os.getpid():
                assert self.sqlite_path is not None
                self._lock_fd = os.open(str(self.sqlite_path) + ".lock", os.O_RDWR | os.O_CREAT, 0o600)
                self._lock_pid = os.getpid()
            fcntl.flock(self._lock_fd, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(self._lock_fd, fcntl.LOCK_UN)

    @contextmanager
    def write(self) -> Iterator[ServiceDB]:
        """One transaction holding the database-wide write lock (all processes)."""
        conn = self.conn
        if self.kind == "sqlite":
            # Writers queue on a kernel file lock (woken the moment it is free) rather than on SQLite's
            # busy handler, which sleeps and retries (up to 100 ms a try) and starves a busy server.
            with self._writer_lock():
                conn.execute("BEGIN IMMEDIATE")
                try:
                    yield self
                except BaseException:
                    conn.execute("ROLLBACK")
                    raise
                conn.execute("COMMIT")
        else:
            with conn.transaction():
                conn.execute("SELECT pg_advisory_xact_lock(%s)", (_PG_LOCK,))
                yield self


_DBS: dict[str, ServiceDB] = {}
_DBS_LOCK = threading.Lock()


def open_service_db(settings: Settings | None = None, *, url: str | None = None) -> ServiceDB:
    """The service database for these settings (cached per location in this process)."""
    settings = settings or get_settings()
    url = url if url is not None else settings.database_url
    key = url if is_postgres_url(url) else str(settings.home / "service.sqlite")
    with _DBS_LOCK:
        db = _DBS.get(key)
        if db is None:
            if is_postgres_url(url):
                db = ServiceDB(postgres_url=url)
                db.head_path = settings.home / "audit-head.json"
            else:
                db = ServiceDB(sqlite_path=settings.home / "service.sqlite")
            _DBS[key] = db
        return db


def reset_cache() -> None:
    """Forget cached handles (tests that switch ``INTERDICT_HOME``; after ``fork``)."""
    with _DBS_LOCK:
        for db in _DBS.values():
            db.close()
        _DBS.clear()

"""The SQL backend behind :class:`~interdict.store.Store`: a small interface so that a PostgreSQL
backend can be added next to DuckDB (``INTERDICT_DATABASE_URL``) without touching callers.

SQL sent through :meth:`Backend.execute` uses ``?`` placeholders and portable syntax (standard
types, ``CREATE TABLE IF NOT EXISTS``, no DuckDB-only functions); a backend translates the
placeholder style if its driver needs it. Only :meth:`Backend.bulk_insert` is backend-specific
(DuckDB inserts an Arrow table in one statement; the generic path is ``executemany``).
"""

from __future__ import annotations

import re
import time
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from interdict.exc import StoreError

__all__ = ["Backend", "DuckDBBackend", "open_backend"]


class Backend(ABC):
    """Minimal SQL access: execute, fetch, transactions, bulk insert."""

    name = "abstract"

    @property
    @abstractmethod
    def connection(self) -> Any:
        """The DB-API connection, for tables owned by other parts (audit, decisions...)."""

    @abstractmethod
    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        """Run one statement; returns a cursor-like object with fetchone/fetchall/fetchmany."""

    def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return list(self.execute(sql, params).fetchall())

    def fetchone(self, sql: str, params: Sequence[Any] = ()) -> tuple[Any, ...] | None:
        return self.execute(sql, params).fetchone()

    #: The statement that opens a transaction in this backend's dialect.
    begin_sql = "BEGIN"

    def cursor_iter(self, sql: str, params: Sequence[Any] = (), batch: int = 2000) -> Iterator[tuple[Any, ...]]:
        """Stream rows of a query on its own cursor (safe while other statements run)."""
        cur = self.connection.cursor()
        try:
            self._execute_on(cur, sql, list(params))
            while True:
                rows = cur.fetchmany(batch)
                if not rows:
                    break
                yield from rows
        finally:
            cur.close()

    def _execute_on(self, cursor: Any, sql: str, params: list[Any]) -> None:
        """Run ``sql`` on ``cursor``; a backend whose driver wants another placeholder style overrides this."""
        cursor.execute(sql, params)

    def begin(self) -> None:
        self.connection.execute(self.begin_sql)

    def commit(self) -> None:
        self.connection.execute("COMMIT")

    def rollback(self) -> None:
        try:
            self.connection.execute("ROLLBACK")
        except Exception:  # noqa: BLE001 - nothing to roll back
            pass

    @contextmanager
    def transaction(self) -> Iterator[None]:
        self.begin()
        try:
            yield
        except BaseException:
            self.rollback()
            raise
        else:
            self.commit()

    def bulk_insert(self, table: str, columns: list[str], rows: dict[str, list[Any]]) -> None:
        """Insert many rows given column-wise; generic path: executemany."""
        marks = ", ".join("?" for _ in columns)
        data = list(zip(*(rows[c] for c in columns), strict=True))
        self.connection.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", data)

    @abstractmethod
    def close(self) -> None: ...


class DuckDBBackend(Backend):
    """Embedded DuckDB file (one writer process at a time; DuckDB's own file lock)."""

    begin_sql = "BEGIN TRANSACTION"

    name = "duckdb"

    def __init__(self, path: Path | str, read_only: bool = False, lock_timeout: float = 5.0):
        import duckdb

        self.path = Path(path)
        if str(path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        if read_only and str(path) != ":memory:" and not self.path.exists():
            raise StoreError(f"no store at {path} yet; load the lists first (interdict lists load)")
        deadline = time.monotonic() + max(0.0, lock_timeout)
        while True:
            try:
                self._conn = duckdb.connect(str(path), read_only=read_only)
                break
            except duckdb.IOException as exc:
                message = str(exc)
                if "lock" not in message.lower():
                    raise StoreError(f"cannot open the store {path}: {message}") from None
                if time.monotonic() >= deadline:
                    raise StoreError(
                        f"the store {path} is in use by another interdict process (DuckDB allows one "
                        "writer, or several readers); wait for it to finish or stop it"
                    ) from None
                time.sleep(0.1)  # another process holds the file briefly (a read, a short load)
            except duckdb.Error as exc:
                raise StoreError(f"cannot open the store {path}: {exc}") from None

    @property
    def connection(self) -> Any:
        return self._conn

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self._conn.execute(sql, list(params))

    def bulk_insert(self, table: str, columns: list[str], rows: dict[str, list[Any]]) -> None:
        import pyarrow as pa

        arrow = pa.table({c: rows[c] for c in columns})
        view = f"_bulk_{re.sub(r'[^a-z0-9_]', '_', table.lower())}"
        self._conn.register(view, arrow)
        try:
            self._conn.execute(f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(columns)} FROM {view}")
        finally:
            self._conn.unregister(view)

    def close(self) -> None:
        try:
            self._conn.close()
        except Exception:  # noqa: BLE001
            pass


def open_backend(
    database_url: str | None, db_path: Path, read_only: bool = False, lock_timeout: float = 5.0
) -> Backend:
    """DuckDB at ``db_path`` unless ``database_url`` names another backend. While another process
    holds DuckDB's file lock, opening is retried for ``lock_timeout`` seconds."""
    if database_url:
        if database_url.startswith(("duckdb:", "duckdb://")):
            target = database_url.split(":", 1)[1].removeprefix("//")
            return DuckDBBackend(target or db_path, read_only=read_only, lock_timeout=lock_timeout)
        if database_url.startswith(("postgres://", "postgresql://")):
            from interdict.store.postgres import PostgresBackend

            return PostgresBackend(database_url, read_only=read_only)
        raise StoreError(f"unsupported INTERDICT_DATABASE_URL scheme: {database_url.split(':', 1)[0]!r}")
    return DuckDBBackend(db_path, read_only=read_only, lock_timeout=lock_timeout)

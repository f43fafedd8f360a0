"""PostgreSQL backend for the list store (psycopg 3, the ``postgres`` extra).

Selected when ``INTERDICT_DATABASE_URL`` is a ``postgresql://`` URL: list versions and entities then
live in PostgreSQL, next to the service tables (keys, audit, decisions, book; see
:mod:`interdict.audit.db`), so several API workers and machines share one store.

The store's SQL is portable and uses ``?`` placeholders; they become ``%s`` here (outside quoted
strings; literal ``%`` are doubled). Bulk inserts use ``COPY``. Sessions run in UTC so naive
``TIMESTAMP`` values read back as they were written. A read-only backend sets
``default_transaction_read_only`` so a reader can never write by mistake.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from interdict.exc import StoreError
from interdict.store.backend import Backend

__all__ = ["PostgresBackend", "translate"]


def translate(sql: str) -> str:
    """``?`` placeholders -> ``%s`` (not inside '...' or "..."), ``%`` -> ``%%``."""
    out: list[str] = []
    quote: str | None = None
    for ch in sql:
        if quote:
            if ch == quote:
                quote = None
            out.append("%%" if ch == "%" else ch)
            continue
        if ch in ("'", '"'):
            quote = ch
            out.append(ch)
        elif ch == "?":
            out.append("%s")
        elif ch == "%":
            out.append("%%")
        else:
            out.append(ch)
    return "".join(out)


class PostgresBackend(Backend):
    name = "postgres"

    def __init__(self, url: str, read_only: bool = False):
        try:
            import psycopg
        except ImportError as exc:  # pragma: no cover - depends on the extra
            raise StoreError("INTERDICT_DATABASE_URL names PostgreSQL: pip install 'interdict[postgres]'") from exc
        self.url = url
        self.read_only = read_only
        try:
            self._conn = psycopg.connect(url, autocommit=True)
            self._conn.execute("SET TIME ZONE 'UTC'")
            if read_only:
                self._conn.execute("SET default_transaction_read_only = on")
        except psycopg.Error as exc:
            raise StoreError(f"cannot open the PostgreSQL store: {_safe(url)}: {exc}") from None
        self._depth = 0

    @property
    def connection(self) -> Any:
        return self._conn

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        params = list(params)
        if params:
            return self._conn.execute(translate(sql), params)
        return self._conn.execute(sql)

    def _execute_on(self, cursor: Any, sql: str, params: list[Any]) -> None:
        # psycopg's default cursor is client-side: it holds the whole result once executed, so
        # cursor_iter can be consumed while other statements run on the connection.
        if params:
            cursor.execute(translate(sql), params)
        else:
            cursor.execute(sql)

    def bulk_insert(self, table: str, columns: list[str], rows: dict[str, list[Any]]) -> None:
        data = zip(*(rows[c] for c in columns), strict=True)
        with self._conn.cursor() as cur:
            with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in data:
                    copy.write_row(row)

    def close(self) -> None:
        try:
            self._conn.close()
        except Exception:  # noqa: BLE001
            pass


def _safe(url: str) -> str:
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        return f"{scheme}://***@{rest.split('@', 1)[1]}"
    return url

"""The list store: every loaded version of every list, with its entities, in an embedded DuckDB
file under ``$INTERDICT_HOME`` (``Settings.db_path``).

Tables (portable SQL; see :mod:`.backend`):

``list_versions``
    one row per loaded publication: source, version label, publication date (from inside the
    file where it has one), load time, SHA-256 of the input files, entity counts, current flag.
``list_entities``
    the entities of each version: id, source, reference, schema, caption, DPRK flag, a content
    hash (for change detection) and the FtM JSON.

Old versions are kept (for diffs and audit replay). A load is one transaction: the new version
only becomes current when all its rows are in, so a crash leaves the previous version current.

Public API: :func:`open_store`, :meth:`Store.iter_entities`, :meth:`Store.get_entity`,
:meth:`Store.current_versions`, :meth:`Store.changed_entity_ids`, :meth:`Store.fingerprint`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from followthemoney.entity import ValueEntity

from interdict.config import Settings, get_settings
from interdict.exc import NotFound, StoreError
from interdict.store.backend import Backend, DuckDBBackend, open_backend

__all__ = ["open_store", "Store", "ListVersion", "Backend", "DuckDBBackend", "content_hash", "SCHEMA_VERSION"]

SCHEMA_VERSION = 1

DDL = [
    """CREATE TABLE IF NOT EXISTS interdict_meta (
        key VARCHAR(64) PRIMARY KEY,
        value VARCHAR(256) NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS list_versions (
        id INTEGER PRIMARY KEY,
        source VARCHAR(64) NOT NULL,
        label VARCHAR(128) NOT NULL,
        published VARCHAR(40),
        loaded_at TIMESTAMP NOT NULL,
        sha256 VARCHAR(64) NOT NULL,
        files TEXT NOT NULL,
        entity_count INTEGER NOT NULL,
        row_count INTEGER NOT NULL,
        dprk_count INTEGER NOT NULL,
        is_current BOOLEAN NOT NULL,
        origin TEXT,
        meta TEXT
    )""",
    """CREATE TABLE IF NOT EXISTS list_entities (
        version_id INTEGER NOT NULL,
        id VARCHAR(512) NOT NULL,
        source VARCHAR(64) NOT NULL,
        reference VARCHAR(512) NOT NULL,
        schema VARCHAR(64) NOT NULL,
        caption TEXT,
        is_dprk BOOLEAN NOT NULL,
        is_primary BOOLEAN NOT NULL,
        content_hash VARCHAR(40) NOT NULL,
        data TEXT NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS list_entities_version_id ON list_entities (version_id, id)",
    "CREATE INDEX IF NOT EXISTS list_entities_reference ON list_entities (reference)",
    "CREATE INDEX IF NOT EXISTS list_entities_id ON list_entities (id)",
]

ENTITY_COLUMNS = [
    "version_id", "id", "source", "reference", "schema", "caption", "is_dprk", "is_primary", "content_hash", "data",
]  # fmt: skip


@dataclass
class ListVersion:
    """One loaded publication of a list."""

    id: int
    source: str
    label: str
    published: str | None
    loaded_at: datetime
    sha256: str
    files: list[dict[str, Any]]
    entity_count: int
    row_count: int
    dprk_count: int
    is_current: bool
    origin: str | None
    meta: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["loaded_at"] = self.loaded_at.isoformat()
        return data


_VERSION_COLS = (
    "id, source, label, published, loaded_at, sha256, files, entity_count, row_count, dprk_count, is_current, origin, meta"
)


def _version(row: Sequence[Any]) -> ListVersion:
    loaded = row[4]
    if isinstance(loaded, str):
        loaded = datetime.fromisoformat(loaded)
    if loaded.tzinfo is None:
        loaded = loaded.replace(tzinfo=UTC)
    return ListVersion(
        id=int(row[0]),
        source=row[1],
        label=row[2],
        published=row[3],
        loaded_at=loaded,
        sha256=row[5],
        files=json.loads(row[6] or "[]"),
        entity_count=int(row[7]),
        row_count=int(row[8]),
        dprk_count=int(row[9]),
        is_current=bool(row[10]),
        origin=row[11],
        meta=json.loads(row[12] or "{}"),
    )


def content_hash(schema: str, properties: dict[str, list[str]]) -> str:
    """Order-independent hash of an entity's schema and property values (change detection)."""
    parts = [schema]
    for key in sorted(properties):
        values = properties[key]
        if values:
            parts.append(key + "\x1f" + "\x1f".join(sorted(set(values))))
    return hashlib.sha1("\x1e".join(parts).encode("utf-8")).hexdigest()


def entity_from_json(data: str) -> ValueEntity:
    return ValueEntity.from_dict(json.loads(data))


class Store:
    """Access to list versions and entities. Use :func:`open_store` to get one; close when done
    (or use it as a context manager)."""

    def __init__(self, backend: Backend, settings: Settings | None = None, read_only: bool = False):
        self.backend = backend
        self.settings = settings or get_settings()
        self.read_only = read_only
        if not read_only:
            self._init_schema()

    # -- plumbing -----------------------------------------------------------------------------
    @property
    def connection(self) -> Any:
        """The DB-API connection, for tables other parts add (audit, decisions, book...)."""
        return self.backend.connection

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self.backend.execute(sql, params)

    def transaction(self):  # noqa: ANN201 - context manager
        return self.backend.transaction()

    def close(self) -> None:
        self.backend.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _init_schema(self) -> None:
        try:
            for statement in DDL:
                self.backend.execute(statement)
            row = self.backend.fetchone("SELECT value FROM interdict_meta WHERE key = ?", ["schema_version"])
            if row is None:
                self.backend.execute(
                    "INSERT INTO interdict_meta (key, value) VALUES (?, ?)", ["schema_version", str(SCHEMA_VERSION)]
                )
            elif int(row[0]) > SCHEMA_VERSION:
                raise StoreError(
                    f"the store was written by a newer interdict (schema {row[0]} > {SCHEMA_VERSION}); upgrade interdict"
                )
        except StoreError:
            raise
        except Exception as exc:  # noqa: BLE001 - driver errors vary by backend
            raise StoreError(f"cannot prepare the store: {exc}") from None

    # -- versions -----------------------------------------------------------------------------
    def current_versions(self) -> dict[str, ListVersion]:
        """The current version of each source, keyed by source name."""
        rows = self.backend.fetchall(
            f"SELECT {_VERSION_COLS} FROM list_versions WHERE is_current ORDER BY source"
        )
        return {r[1]: _version(r) for r in rows}

    def versions(self, source: str | None = None) -> list[ListVersion]:
        """All versions (oldest first), optionally of one source."""
        if source:
            rows = self.backend.fetchall(
                f"SELECT {_VERSION_COLS} FROM list_versions WHERE source = ? ORDER BY id", [source]
            )
        else:
            rows = self.backend.fetchall(f"SELECT {_VERSION_COLS} FROM list_versions ORDER BY id")
        return [_version(r) for r in rows]

    def get_version(self, version_id: int) -> ListVersion:
        row = self.backend.fetchone(f"SELECT {_VERSION_COLS} FROM list_versions WHERE id = ?", [int(version_id)])
        if row is None:
            raise NotFound(f"no list version with id {version_id}")
        return _version(row)

    def resolve_version(self, source: str, ref: str | int | None) -> ListVersion:
        """A version of ``source`` by id, label, or ``current`` / ``previous`` (None = current)."""
        versions = self.versions(source)
        if not versions:
            raise NotFound(f"no versions of {source} loaded (run: interdict lists load --source {source})")
        current = [v for v in versions if v.is_current]
        if ref is None or str(ref) == "current":
            if not current:
                raise NotFound(f"{source} has no current version")
            return current[0]
        if str(ref) == "previous":
            if not current:
                raise NotFound(f"{source} has no current version")
            older = [v for v in versions if v.id < current[0].id]
            if not older:
                raise NotFound(f"{source} has only one version loaded; nothing to compare with")
            return older[-1]
        text = str(ref)
        if text.isdigit():
            for v in versions:
                if v.id == int(text):
                    return v
        matches = [v for v in versions if v.label == text]
        if matches:
            return matches[-1]
        labels = ", ".join(f"{v.id} ({v.label})" for v in versions)
        raise NotFound(f"{source} has no version {text!r}; loaded versions: {labels}")

    def fingerprint(self) -> str:
        """A cheap hash of the current versions (ids and SHA-256): changes whenever a load commits."""
        rows = self.backend.fetchall(
            "SELECT source, id, sha256 FROM list_versions WHERE is_current ORDER BY source"
        )
        text = "\n".join(f"{s}:{i}:{h}" for s, i, h in rows)
        return hashlib.sha256(text.encode()).hexdigest()

    # -- entities -----------------------------------------------------------------------------
    def iter_entities(
        self,
        sources: Iterable[str] | None = None,
        dprk_only: bool = False,
        *,
        version_ids: Iterable[int] | None = None,
        schemata: Iterable[str] | None = None,
    ) -> Iterator[ValueEntity]:
        """Yield entities (FtM proxies, Sanctions and wallets included) of the current versions, or
        of the given ``version_ids``; filter by source, DPRK flag and schema."""
        where, params = self._entity_filter(sources, dprk_only, version_ids, schemata)
        sql = f"SELECT e.data FROM list_entities e JOIN list_versions v ON e.version_id = v.id WHERE {where} ORDER BY e.id"
        for (data,) in self.backend.cursor_iter(sql, params):
            yield entity_from_json(data)

    def count_entities(
        self,
        sources: Iterable[str] | None = None,
        dprk_only: bool = False,
        *,
        version_ids: Iterable[int] | None = None,
        schemata: Iterable[str] | None = None,
    ) -> int:
        where, params = self._entity_filter(sources, dprk_only, version_ids, schemata)
        row = self.backend.fetchone(
            f"SELECT COUNT(*) FROM list_entities e JOIN list_versions v ON e.version_id = v.id WHERE {where}", params
        )
        return int(row[0]) if row else 0

    @staticmethod
    def _entity_filter(
        sources: Iterable[str] | None,
        dprk_only: bool,
        version_ids: Iterable[int] | None,
        schemata: Iterable[str] | None,
    ) -> tuple[str, list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []
        if version_ids is not None:
            ids = [int(v) for v in version_ids]
            if not ids:
                return "1 = 0", []
            clauses.append(f"e.version_id IN ({', '.join('?' for _ in ids)})")
            params.extend(ids)
        else:
            clauses.append("v.is_current")
        if sources is not None:
            names = [str(s) for s in ([sources] if isinstance(sources, str) else sources)]
            if not names:
                return "1 = 0", []
            clauses.append(f"e.source IN ({', '.join('?' for _ in names)})")
            params.extend(names)
        if dprk_only:
            clauses.append("e.is_dprk")
        if schemata is not None:
            names = [str(s) for s in ([schemata] if isinstance(schemata, str) else schemata)]
            clauses.append(f"e.schema IN ({', '.join('?' for _ in names)})")
            params.extend(names)
        return " AND ".join(clauses), params

    def get_entity(self, id_or_reference: str, *, version_id: int | None = None) -> ValueEntity | None:
        """An entity of the current versions by id (``un_sc-KPe.029``) or source reference
        (``KPe.029``, an OFAC ent_num...). Returns None when nothing matches."""
        found = self.find_entities(id_or_reference, version_id=version_id)
        return found[0] if found else None

    def find_entities(self, id_or_reference: str, *, version_id: int | None = None) -> list[ValueEntity]:
        """All current entities whose id or reference is ``id_or_reference`` (a bare reference
        such as an OFAC ent_num can exist on several lists)."""
        key = (id_or_reference or "").strip()
        if not key:
            return []
        scope = "e.version_id = ?" if version_id is not None else "v.is_current"
        scope_params: list[Any] = [int(version_id)] if version_id is not None else []
        for column in ("e.id", "e.reference"):
            rows = self.backend.fetchall(
                f"SELECT e.data FROM list_entities e JOIN list_versions v ON e.version_id = v.id "
                f"WHERE {scope} AND {column} = ? ORDER BY e.is_primary DESC, e.source, e.id",
                [*scope_params, key],
            )
            if rows:
                return [entity_from_json(r[0]) for r in rows]
        return []

    def get_entities(self, ids: Iterable[str], *, version_ids: Iterable[int] | None = None) -> dict[str, ValueEntity]:
        """Many entities by id at once (current versions, or the given versions), keyed by id;
        ids not found are absent from the result."""
        wanted = sorted({i for i in ids if i})
        scope = "v.is_current"
        scope_params: list[Any] = []
        if version_ids is not None:
            vids = [int(v) for v in version_ids]
            if not vids:
                return {}
            scope = f"e.version_id IN ({', '.join('?' for _ in vids)})"
            scope_params = vids
        out: dict[str, ValueEntity] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            rows = self.backend.fetchall(
                f"SELECT e.id, e.data FROM list_entities e JOIN list_versions v ON e.version_id = v.id "
                f"WHERE {scope} AND e.id IN ({', '.join('?' for _ in chunk)}) ORDER BY v.id",
                [*scope_params, *chunk],
            )
            out.update({i: entity_from_json(d) for i, d in rows})
        return out

    def entity_versions(self, entity_id: str) -> list[tuple[ListVersion, str]]:
        """Every version holding ``entity_id`` with that version's content hash (provenance)."""
        rows = self.backend.fetchall(
            f"SELECT {', '.join('v.' + c.strip() for c in _VERSION_COLS.split(','))}, e.content_hash "
            "FROM list_entities e JOIN list_versions v ON e.version_id = v.id WHERE e.id = ? ORDER BY v.id",
            [entity_id],
        )
        return [(_version(r[:-1]), r[-1]) for r in rows]

    def changed_entity_ids(self, source: str, old_version: int, new_version: int) -> dict[str, set[str]]:
        """Ids ``added``, ``removed`` and ``changed`` (content hash differs) between two versions
        of a source (all schemata, so Sanction and wallet entities count too)."""
        old_v = self.get_version(old_version)
        new_v = self.get_version(new_version)
        for v in (old_v, new_v):
            if v.source != source:
                raise StoreError(f"version {v.id} belongs to {v.source}, not {source}")
        old = dict(self.backend.fetchall("SELECT id, content_hash FROM list_entities WHERE version_id = ?", [old_v.id]))
        new = dict(self.backend.fetchall("SELECT id, content_hash FROM list_entities WHERE version_id = ?", [new_v.id]))
        return {
            "added": set(new) - set(old),
            "removed": set(old) - set(new),
            "changed": {i for i, h in new.items() if i in old and old[i] != h},
        }

    def version_entities(self, version_id: int, ids: Iterable[str] | None = None) -> dict[str, ValueEntity]:
        """Entities of one version, optionally only ``ids``, keyed by id."""
        if ids is None:
            rows = self.backend.fetchall("SELECT id, data FROM list_entities WHERE version_id = ?", [int(version_id)])
            return {i: entity_from_json(d) for i, d in rows}
        wanted = sorted(set(ids))
        out: dict[str, ValueEntity] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            rows = self.backend.fetchall(
                f"SELECT id, data FROM list_entities WHERE version_id = ? AND id IN ({', '.join('?' for _ in chunk)})",
                [int(version_id), *chunk],
            )
            out.update({i: entity_from_json(d) for i, d in rows})
        return out

    def primary_ids(self, version_id: int) -> set[str]:
        rows = self.backend.fetchall(
            "SELECT id FROM list_entities WHERE version_id = ? AND is_primary", [int(version_id)]
        )
        return {r[0] for r in rows}

    # -- writing ------------------------------------------------------------------------------
    def add_version(
        self,
        *,
        source: str,
        label: str,
        published: str | None,
        sha256: str,
        files: list[dict[str, Any]],
        rows: dict[str, list[Any]],
        entity_count: int,
        dprk_count: int,
        origin: str | None = None,
        meta: dict[str, Any] | None = None,
        make_current: bool = True,
        progress: Any = None,
        batch: int = 20000,
    ) -> ListVersion:
        """Insert a whole version in one transaction and (by default) make it current.

        ``rows`` is column-wise (see :data:`ENTITY_COLUMNS`, without ``version_id``). Nothing is
        visible to other readers until the transaction commits; on any error it rolls back."""
        n = len(rows["id"])
        loaded_at = datetime.now(UTC).replace(tzinfo=None)
        with self.backend.transaction():
            row = self.backend.fetchone("SELECT COALESCE(MAX(id), 0) + 1 FROM list_versions")
            version_id = int(row[0]) if row else 1
            self.backend.execute(
                f"INSERT INTO list_versions ({_VERSION_COLS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    version_id, source, label, published, loaded_at, sha256, json.dumps(files),
                    entity_count, n, dprk_count, False, origin, json.dumps(meta or {}, default=str),
                ],
            )  # fmt: skip
            for start in range(0, n, batch):
                chunk = {c: rows[c][start : start + batch] for c in ENTITY_COLUMNS if c != "version_id"}
                chunk["version_id"] = [version_id] * len(chunk["id"])
                self.backend.bulk_insert("list_entities", ENTITY_COLUMNS, chunk)
                if progress:
                    progress(f"{source}: wrote {min(start + batch, n):,}/{n:,} rows")
            if make_current:
                self.backend.execute("UPDATE list_versions SET is_current = FALSE WHERE source = ? AND is_current", [source])
                self.backend.execute("UPDATE list_versions SET is_current = TRUE WHERE id = ?", [version_id])
        return self.get_version(version_id)


def open_store(settings: Settings | None = None, *, read_only: bool = False, lock_timeout: float = 5.0) -> Store:
    """Open (creating if needed) the store at ``settings.db_path`` or ``INTERDICT_DATABASE_URL``.

    DuckDB allows one writing process or several reading ones; while another process holds the
    file, opening is retried for ``lock_timeout`` seconds, then fails with a StoreError."""
    settings = settings or get_settings()
    backend = open_backend(settings.database_url, settings.db_path, read_only=read_only, lock_timeout=lock_timeout)
    return Store(backend, settings, read_only=read_only)

"""List operations as plain functions: :func:`load`, :func:`update`, :func:`status`, :func:`diff`,
:func:`show`, :func:`export_ftm`. The ``interdict lists`` and ``interdict export`` commands call
these and only render the results.

Safety rules of a load (see docs/lists.md):

* the input is read and validated completely before anything is written;
* the new version is written in one transaction and only then made current;
* an input with no entries, or one that drops more than ``Settings.max_drop_share`` (default 20%)
  of the current version's entries, or one published before the current version, is refused
  unless ``force=True``; the previous version stays current;
* loading the exact same input (same SHA-256) as the current version is a no-op.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import IO, Any

from interdict.config import Settings, get_settings
from interdict.exc import NotFound, SourceError
from interdict.sources import (
    BUNDLED,
    HELPER_SCHEMATA,
    READER_VERSION,
    SOURCES,
    ReadResult,
    bundled_snapshot,
    input_sha256,
    is_dprk,
    read_source,
)
from interdict.store import ListVersion, Store, content_hash, open_store

__all__ = [
    "LoadReport",
    "LoadFailed",
    "load",
    "load_result",
    "update",
    "status",
    "diff",
    "show",
    "export_ftm",
    "default_sources",
]

Progress = Callable[[str], None] | None


@dataclass
class LoadReport:
    """What happened to one source in a load."""

    source: str
    status: str  # loaded | unchanged
    version: ListVersion | None
    previous: ListVersion | None
    entities: int = 0
    rows: int = 0
    dprk: int = 0
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)
    message: str = ""
    read_seconds: float = 0.0  # reading + row building, wall, in the process that read it
    read_cpu_seconds: float = 0.0
    reader_pid: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "status": self.status,
            "version": self.version.to_dict() if self.version else None,
            "previous_version": self.previous.id if self.previous else None,
            "entities": self.entities,
            "rows": self.rows,
            "dprk": self.dprk,
            "seconds": round(self.seconds, 3),
            "problems": self.problems,
            "message": self.message,
            "read_seconds": round(self.read_seconds, 3),
            "read_cpu_seconds": round(self.read_cpu_seconds, 3),
        }


class LoadFailed(SourceError):
    """Some sources failed to load; ``reports`` holds the ones that succeeded, ``errors`` the rest."""

    def __init__(self, errors: dict[str, str], reports: list[LoadReport]):
        self.errors = errors
        self.reports = reports
        lines = [f"{source}: {message}" for source, message in errors.items()]
        super().__init__("; ".join(lines) if len(lines) == 1 else "\n  " + "\n  ".join(lines))


def default_sources() -> list[str]:
    """Sources loaded by default: one per bundled snapshot source, in a stable order."""
    out: list[str] = []
    for snap in BUNDLED:
        if snap.source not in out:
            out.append(snap.source)
    return out


def _rows_for(result: ReadResult) -> tuple[dict[str, list[Any]], int, int]:
    cols: dict[str, list[Any]] = {
        "id": [], "source": [], "reference": [], "schema": [], "caption": [],
        "is_dprk": [], "is_primary": [], "content_hash": [], "data": [],
    }  # fmt: skip
    prefix = result.source + "-"
    primary = dprk = 0
    for entity in result.entities:
        ident = entity.id or ""
        data = entity.to_dict()
        data.pop("referents", None)
        props = data.get("properties", {})
        schema = entity.schema.name
        flag = is_dprk(entity)
        is_primary = schema not in HELPER_SCHEMATA
        primary += is_primary
        dprk += flag and is_primary
        cols["id"].append(ident)
        cols["source"].append(result.source)
        cols["reference"].append(ident[len(prefix) :] if ident.startswith(prefix) else ident)
        cols["schema"].append(schema)
        cols["caption"].append(entity.caption)
        cols["is_dprk"].append(flag)
        cols["is_primary"].append(is_primary)
        cols["content_hash"].append(content_hash(schema, props))
        cols["data"].append(json.dumps(data, ensure_ascii=False, separators=(",", ":")))
    return cols, primary, dprk


@dataclass
class Prepared:
    """A read publication turned into store rows (picklable: no entity objects)."""

    result: ReadResult  # with ``entities`` emptied once rows are built
    rows: dict[str, list[Any]]
    primary: int
    dprk: int
    seconds: float = 0.0
    cpu_seconds: float = 0.0
    pid: int = 0


def prepare(result: ReadResult) -> Prepared:
    started = time.perf_counter()
    rows, primary, dprk = _rows_for(result)
    result.entities = []
    return Prepared(result, rows, primary, dprk, time.perf_counter() - started)


def _read_and_prepare(name: str, paths: Any, fmt: str | None, max_bytes: int) -> Prepared:
    """Worker body (may run in a child process): read and validate one source, build rows."""
    started, cpu = time.perf_counter(), time.process_time()
    prepared = prepare(read_source(name, paths, fmt=fmt, max_bytes=max_bytes))
    prepared.seconds = time.perf_counter() - started
    prepared.cpu_seconds = time.process_time() - cpu
    prepared.pid = os.getpid()
    return prepared


def load_result(
    store: Store,
    result: ReadResult | Prepared,
    *,
    label: str | None = None,
    published: str | None = None,
    origin: str | None = None,
    force: bool = False,
    settings: Settings | None = None,
    progress: Progress = None,
) -> LoadReport:
    """Validate a read publication against the current version and write it as the new current."""
    settings = settings or store.settings
    started = time.perf_counter()
    prepared = result if isinstance(result, Prepared) else None
    if isinstance(result, Prepared):
        result = result.result
    source = result.source
    current = store.current_versions().get(source)
    published = result.published or published
    label = label or result.label or (published[:10] if published else datetime.now(UTC).strftime("%Y-%m-%d"))
    problems = [str(p) for p in result.problems.problems[:50]]
    if current is not None and _same_input(current, result.sha256) and not force:
        return LoadReport(
            source, "unchanged", current, current, current.entity_count, current.row_count, current.dprk_count,
            time.perf_counter() - started, problems, f"{source}: input identical to current version {current.id} ({current.label}); nothing to do",
        )  # fmt: skip
    if prepared is None:
        prepared = prepare(result)
    rows, primary, dprk = prepared.rows, prepared.primary, prepared.dprk
    if primary == 0 and not force:
        names = ", ".join(f.name for f in result.files)
        raise SourceError(f"{source}: refused: {names} has no entries (use --force to load an empty list)")
    if current is not None and not force:
        if current.entity_count and primary < current.entity_count * (1.0 - settings.max_drop_share):
            drop = 1.0 - primary / current.entity_count
            raise SourceError(
                f"{source}: refused: {primary:,} entries would replace {current.entity_count:,} in the current "
                f"version {current.id} ({current.label}), a drop of {drop:.0%} (limit {settings.max_drop_share:.0%}, "
                "INTERDICT_MAX_DROP_SHARE); check the input or use --force"
            )
        if published and current.published and published[:10] < current.published[:10]:
            raise SourceError(
                f"{source}: refused: the input was published {published[:10]}, before the current version "
                f"{current.id} ({current.label}, published {current.published[:10]}); use --force to load it anyway"
            )
    if progress:
        progress(f"{source}: writing {len(rows['id']):,} rows ({primary:,} entries) as version {label}")
    meta = dict(result.meta)
    meta["reader_version"] = READER_VERSION
    if result.problems:
        meta["problems"] = len(result.problems)
    version = store.add_version(
        source=source,
        label=label,
        published=published,
        sha256=result.sha256,
        files=[f.to_dict() for f in result.files],
        rows=rows,
        entity_count=primary,
        dprk_count=dprk,
        origin=origin,
        meta=meta,
        progress=progress,
    )
    if progress:
        progress(f"{source}: committed version {version.id} ({version.label}), now current")
    return LoadReport(
        source, "loaded", version, current, primary, len(rows["id"]), dprk, time.perf_counter() - started, problems,
        f"{source}: loaded version {version.id} ({version.label}): {primary:,} entries, {dprk:,} DPRK",
    )  # fmt: skip


def load(
    sources: Iterable[str] | str | None = None,
    files: Iterable[str | Path] | None = None,
    *,
    version: str | None = None,
    label: str | None = None,
    fmt: str | None = None,
    force: bool = False,
    settings: Settings | None = None,
    store: Store | None = None,
    progress: Progress = None,
    origin: str | None = None,
    workers: int | None = None,
) -> list[LoadReport]:
    """Load lists into the store.

    Without ``files``: the bundled snapshot of each source (all bundled sources by default;
    ``version`` picks another bundled snapshot, e.g. ``"2023-12-28"`` for OFAC SDN).
    With ``files``: exactly one source, read from those files (an OFAC set takes its sdn/add/alt/
    comments files together). Each source is atomic on its own; if any fails, the others still
    load and :class:`LoadFailed` is raised at the end with the details.

    Several sources are read in parallel worker processes (``workers``, default: up to 2 or the
    CPU count); the store is written by this process only, one source transaction at a time.
    """
    settings = settings or (store.settings if store else get_settings())
    names = [sources] if isinstance(sources, str) else list(sources or [])
    file_list = [Path(f) for f in files or []]
    if file_list:
        if len(names) != 1:
            raise SourceError("give exactly one --source with --file (e.g. --source un_sc --file consolidated.xml)")
        jobs: list[tuple[str, Any, str | None, str | None, str]] = [
            (names[0], file_list, label, None, origin or "file:" + ",".join(str(p) for p in file_list))
        ]
    else:
        names = names or default_sources()
        jobs = []
        for name in names:
            snap = bundled_snapshot(name, version)
            jobs.append((name, snap.inputs(), label or snap.label, snap.published, origin or f"bundled:{snap.source}/{snap.label}"))
    own_store = store is None
    reports: list[LoadReport] = []
    errors: dict[str, str] = {}
    if not force:
        jobs = _skip_unchanged(jobs, fmt, settings, store, reports, errors, progress)
        if not jobs:
            if errors and len(errors) == 1 and not reports:
                raise SourceError(next(iter(errors.values())))
            if errors:
                raise LoadFailed(errors, reports)
            return reports
    n_workers = _worker_count(workers, len(jobs))
    executor = None
    futures: list[Any] = []
    if n_workers > 1:
        _warm_up()
        executor = _executor(n_workers)
        for name, paths, *_ in jobs:
            if progress:
                progress(f"{name}: reading {_names(paths)}")
            futures.append(executor.submit(_read_and_prepare, name, paths, fmt, settings.max_file_bytes))
    try:
        store = store or open_store(settings)
        for pos, (name, paths, lab, published, orig) in enumerate(jobs):
            try:
                if executor is not None:
                    prepared = futures[pos].result()
                else:
                    if progress:
                        progress(f"{name}: reading {_names(paths)}")
                    prepared = _read_and_prepare(name, paths, fmt, settings.max_file_bytes)
                if progress:
                    progress(f"{name}: parsed {prepared.result.records:,} records into {len(prepared.rows['id']):,} entities")
                report = load_result(
                    store, prepared, label=lab, published=published, origin=orig, force=force,
                    settings=settings, progress=progress,
                )  # fmt: skip
                report.read_seconds, report.read_cpu_seconds = prepared.seconds, prepared.cpu_seconds
                report.reader_pid = prepared.pid
                reports.append(report)
            except SourceError as exc:
                errors[name] = str(exc)
            except BrokenProcessPool:
                errors[name] = "the reader process died (out of memory?); nothing was loaded for this source"
    finally:
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)
        if own_store and store is not None:
            store.close()
    if errors:
        if len(errors) == 1 and not reports:
            raise SourceError(next(iter(errors.values())))
        raise LoadFailed(errors, reports)
    return reports


def _same_input(version: ListVersion, sha256: str) -> bool:
    """The version was read from these bytes by the readers of this release (nothing to reload)."""
    return version.sha256 == sha256 and version.meta.get("reader_version") == READER_VERSION


def _skip_unchanged(
    jobs: list[tuple[str, Any, str | None, str | None, str]],
    fmt: str | None,
    settings: Settings,
    store: Store | None,
    reports: list[LoadReport],
    errors: dict[str, str],
    progress: Progress,
) -> list[tuple[str, Any, str | None, str | None, str]]:
    """Drop jobs whose inputs hash to the current version (no parsing needed); report them."""
    if not settings.database_url and not settings.db_path.exists() and store is None:
        return jobs
    opened = store or open_store(settings)
    try:
        current = opened.current_versions()
        todo = []
        for job in jobs:
            name, paths = job[0], job[1]
            version = current.get(name)
            if version is None:
                todo.append(job)
                continue
            try:
                digest = input_sha256(name, paths, fmt=fmt, max_bytes=settings.max_file_bytes)
            except SourceError as exc:
                errors[name] = str(exc)
                continue
            if not _same_input(version, digest):
                todo.append(job)
                continue
            reports.append(
                LoadReport(
                    name, "unchanged", version, version, version.entity_count, version.row_count, version.dprk_count,
                    0.0, [], f"{name}: input identical to current version {version.id} ({version.label}); nothing to do",
                )
            )  # fmt: skip
        return todo
    finally:
        if store is None:
            opened.close()


# ---------------------------------------------------------------------------------------------
# helpers for parallel reading


def _names(paths: Any) -> str:
    items = paths.values() if isinstance(paths, dict) else paths
    return ", ".join(Path(p).name for p in items)


def _worker_count(workers: int | None, jobs: int) -> int:
    if jobs <= 1:
        return 1
    if workers is None:
        workers = min(2, os.cpu_count() or 1)
    return max(1, min(workers, jobs))


def _warm_up() -> None:
    """Load shared lookup tables once, before forking, so the workers inherit them."""
    from interdict.sources.countries import country_table

    country_table()


def _executor(n: int) -> Any:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    return ProcessPoolExecutor(max_workers=n, mp_context=ctx)


# ---------------------------------------------------------------------------------------------
# update: download from the official URLs and load


def _urls_for(source: str, settings: Settings, urls: dict[str, str] | None) -> list[tuple[str, str]]:
    spec = SOURCES.get(source)
    override = (urls or {}).get(source) or settings.source_urls.get(source)
    if spec is None and not override:
        raise SourceError(
            f"no download URL for source {source!r}: official sources are {', '.join(SOURCES)}; "
            f"for another list (FtM JSON lines) set INTERDICT_URL_{source.upper()} or pass --url {source}=URL"
        )
    if not override:
        return list(spec.urls)
    if override.endswith("/") and spec is not None:
        return [(fname, override + fname) for fname, _ in spec.urls]
    parts = [u.strip() for u in override.split(",") if u.strip()]
    out = []
    for url in parts:
        fname = url.rstrip("/").rsplit("/", 1)[-1].split("?", 1)[0] or f"{source}.dat"
        out.append((fname.lower(), url))
    return out


def _download(url: str, dest: Path, max_bytes: int, timeout: float) -> None:
    import httpx

    try:
        with httpx.stream("GET", url, timeout=timeout, follow_redirects=True) as resp:
            if resp.status_code != 200:
                raise SourceError(f"{url}: HTTP {resp.status_code}")
            declared = resp.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                raise SourceError(f"{url}: {int(declared):,} bytes is over the limit of {max_bytes:,}")
            total = 0
            with open(dest, "wb") as fh:
                for chunk in resp.iter_bytes():
                    total += len(chunk)
                    if total > max_bytes:
                        raise SourceError(f"{url}: larger than the limit of {max_bytes:,} bytes")
                    fh.write(chunk)
            if total == 0:
                raise SourceError(f"{url}: empty response")
    except httpx.HTTPError as exc:
        raise SourceError(f"{url}: download failed: {exc}") from None


def update(
    sources: Iterable[str] | str | None = None,
    *,
    urls: dict[str, str] | None = None,
    force: bool = False,
    settings: Settings | None = None,
    store: Store | None = None,
    progress: Progress = None,
    timeout: float = 120.0,
) -> list[LoadReport]:
    """Download each source from its official URL (or ``INTERDICT_URL_<SOURCE>`` / ``urls``),
    then load it with the same checks as :func:`load`. Files land in a temporary folder and are
    removed afterwards; a failed download leaves the store untouched."""
    settings = settings or (store.settings if store else get_settings())
    names = [sources] if isinstance(sources, str) else list(sources or SOURCES)
    own_store = store is None
    store = store or open_store(settings)
    reports: list[LoadReport] = []
    errors: dict[str, str] = {}
    try:
        for name in names:
            tmp = Path(tempfile.mkdtemp(prefix=f"interdict-update-{name}-"))
            try:
                targets = _urls_for(name, settings, urls)
                paths = []
                for fname, url in targets:
                    if progress:
                        progress(f"{name}: downloading {url}")
                    dest = tmp / fname
                    try:
                        _download(url, dest, settings.max_file_bytes, timeout)
                    except SourceError:
                        # OFAC's comments file is optional: a missing one does not fail the set.
                        if fname.endswith("comments.csv"):
                            continue
                        raise
                    paths.append(dest)
                reports.extend(
                    load(
                        [name], paths, force=force, settings=settings, store=store, progress=progress,
                        origin="url:" + ",".join(u for _, u in targets),
                    )
                )  # fmt: skip
            except SourceError as exc:
                errors[name] = str(exc)
            finally:
                shutil.rmtree(tmp, ignore_errors=True)
    finally:
        if own_store:
            store.close()
    if errors:
        if len(names) == 1:
            raise SourceError(next(iter(errors.values())))
        raise LoadFailed(errors, reports)
    return reports


# ---------------------------------------------------------------------------------------------
# status, diff, show, export


def _age_days(version: ListVersion, today: date | None = None) -> int:
    today = today or datetime.now(UTC).date()
    ref = version.published[:10] if version.published else version.loaded_at.date().isoformat()
    try:
        return (today - date.fromisoformat(ref[:10])).days
    except ValueError:
        return (today - version.loaded_at.date()).days


def status(settings: Settings | None = None, store: Store | None = None) -> dict[str, Any]:
    """Each source's current version, publication date, age, counts, hash, and staleness."""
    settings = settings or (store.settings if store else get_settings())
    own_store = store is None
    store = store or open_store(settings)
    try:
        current = store.current_versions()
        counts: dict[str, int] = {}
        for v in store.versions():
            counts[v.source] = counts.get(v.source, 0) + 1
        out = []
        for name in sorted(set(default_sources()) | set(current)):
            v = current.get(name)
            if v is None:
                out.append({"source": name, "title": SOURCES[name].title if name in SOURCES else name, "loaded": False,
                            "stale": True, "warning": f"{name} is not loaded (run: interdict lists load --source {name})"})  # fmt: skip
                continue
            age = _age_days(v)
            stale = age > settings.max_age_days
            out.append(
                {
                    "source": name,
                    "title": SOURCES[name].title if name in SOURCES else name,
                    "loaded": True,
                    "version_id": v.id,
                    "label": v.label,
                    "published": v.published,
                    "loaded_at": v.loaded_at.isoformat(),
                    "age_days": age,
                    "entities": v.entity_count,
                    "dprk": v.dprk_count,
                    "rows": v.row_count,
                    "sha256": v.sha256,
                    "versions": counts.get(name, 0),
                    "origin": v.origin,
                    "stale": stale,
                    "warning": (
                        f"{name} is {age} days old (limit {settings.max_age_days}, INTERDICT_MAX_AGE_DAYS); "
                        "run: interdict lists update"
                    )
                    if stale
                    else None,
                }
            )
        return {"max_age_days": settings.max_age_days, "fingerprint": store.fingerprint(), "sources": out}
    finally:
        if own_store:
            store.close()


def _changed_fields(old: dict[str, list[str]], new: dict[str, list[str]]) -> dict[str, dict[str, list[str]]]:
    out: dict[str, dict[str, list[str]]] = {}
    for prop in sorted(set(old) | set(new)):
        a, b = set(old.get(prop, [])), set(new.get(prop, []))
        if a != b:
            out[prop] = {"added": sorted(b - a), "removed": sorted(a - b)}
    return out


def diff(
    source: str,
    old: str | int | None = None,
    new: str | int | None = None,
    *,
    settings: Settings | None = None,
    store: Store | None = None,
    with_fields: bool = True,
) -> dict[str, Any]:
    """Entries added, removed and changed (with the changed fields) between two versions of a
    source; defaults: the previous version against the current one. Counts are of listed
    entries (Sanction and wallet helper entities are reported separately under ``helpers``)."""
    settings = settings or (store.settings if store else get_settings())
    own_store = store is None
    store = store or open_store(settings)
    try:
        new_v = store.resolve_version(source, new)
        if old is None:
            older = [v for v in store.versions(source) if v.id < new_v.id]
            if not older:
                raise NotFound(f"{source} has no version before {new_v.id} ({new_v.label}); load another version first")
            old_v = older[-1]
        else:
            old_v = store.resolve_version(source, old)
        ids = store.changed_entity_ids(source, old_v.id, new_v.id)
        old_primary = store.primary_ids(old_v.id)
        new_primary = store.primary_ids(new_v.id)
        added = sorted(i for i in ids["added"] if i in new_primary)
        removed = sorted(i for i in ids["removed"] if i in old_primary)
        changed = sorted(i for i in ids["changed"] if i in new_primary)
        new_ents = store.version_entities(new_v.id, added + changed)
        old_ents = store.version_entities(old_v.id, removed + changed)

        def brief(e: Any) -> dict[str, Any]:
            return {"id": e.id, "schema": e.schema.name, "caption": e.caption, "dprk": is_dprk(e)}

        changed_out = []
        for i in changed:
            entry = brief(new_ents[i])
            if with_fields:
                entry["fields"] = _changed_fields(old_ents[i].to_dict()["properties"], new_ents[i].to_dict()["properties"])
            changed_out.append(entry)
        helpers = {k: len(v) - len({i for i in v if i in old_primary or i in new_primary}) for k, v in ids.items()}
        return {
            "source": source,
            "old": old_v.to_dict(),
            "new": new_v.to_dict(),
            "counts": {"added": len(added), "removed": len(removed), "changed": len(changed)},
            "added": [brief(new_ents[i]) for i in added],
            "removed": [brief(old_ents[i]) for i in removed],
            "changed": changed_out,
            "helpers": helpers,
        }
    finally:
        if own_store:
            store.close()


def show(id_or_reference: str, *, settings: Settings | None = None, store: Store | None = None) -> list[dict[str, Any]]:
    """Every current entity matching an id or source reference, with all fields, its sanctions,
    wallets and provenance (version, publication date, input file hashes, version history)."""
    settings = settings or (store.settings if store else get_settings())
    own_store = store is None
    store = store or open_store(settings)
    try:
        found = store.find_entities(id_or_reference)
        if not found:
            raise NotFound(f"no entity with id or reference {id_or_reference!r} in the current lists")
        current = store.current_versions()
        out = []
        for entity in found:
            source = sorted(entity.datasets)[0] if entity.datasets else None
            version = current.get(source) if source else None
            related = []
            if version is not None:
                rows = store.backend.fetchall(
                    "SELECT data FROM list_entities WHERE version_id = ? AND (id LIKE ? OR id LIKE ?) ORDER BY id",
                    [version.id, f"{entity.id}-sanction-%", f"{entity.id}-wallet-%"],
                )
                related = [json.loads(r[0]) for r in rows]
            history = [
                {"version_id": v.id, "label": v.label, "content_hash": h} for v, h in store.entity_versions(entity.id)
            ]
            data = entity.to_dict()
            data.pop("referents", None)
            out.append(
                {
                    "entity": data,
                    "dprk": is_dprk(entity),
                    "sanctions": [r for r in related if r.get("schema") == "Sanction"],
                    "related": [r for r in related if r.get("schema") != "Sanction"],
                    "provenance": {
                        "source": source,
                        "title": SOURCES[source].title if source in SOURCES else source,
                        "version": version.to_dict() if version else None,
                        "history": history,
                    },
                }
            )
        return out
    finally:
        if own_store:
            store.close()


def export_ftm(
    output: str | Path | IO[str] | None = None,
    *,
    sources: Iterable[str] | None = None,
    dprk_only: bool = False,
    keep_ids: bool = False,
    settings: Settings | None = None,
    store: Store | None = None,
) -> int:
    """Write the current entities as FtM JSON lines (readable by yente, nomenklatura, Aleph).

    Ids and entity references are made FtM-valid (``_`` becomes ``-``, see :func:`ftm_id``)
    unless ``keep_ids``; ``output`` is a path (written atomically via a temporary file), an open
    text stream, or None for stdout. Returns the number of entities written."""
    import sys

    settings = settings or (store.settings if store else get_settings())
    own_store = store is None
    store = store or open_store(settings)
    try:
        if not store.current_versions():
            raise NotFound("no lists loaded; run: interdict lists load")
        if output is None or hasattr(output, "write"):
            stream = output if output is not None else sys.stdout
            return _write_ftm(store, stream, sources, dprk_only, keep_ids)  # type: ignore[arg-type]
        path = Path(output)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".partial")
        try:
            with open(tmp, "w", encoding="utf-8") as fh:
                n = _write_ftm(store, fh, sources, dprk_only, keep_ids)
            tmp.replace(path)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise SourceError(f"{path}: cannot write: {exc.strerror or exc}") from None
        return n
    finally:
        if own_store:
            store.close()


_FTM_ID_UNSAFE = re.compile(r"[^0-9A-Za-z.\-]+")


def ftm_id(ident: str) -> str:
    """An id FtM tooling accepts (``[0-9a-zA-Z][0-9a-zA-Z.-]*``): ``un_sc-KPe.029`` -> ``un-sc-KPe.029``.

    followthemoney's entity type rejects ``_``, so ids and entity references that carry a source
    name (``us_ofac_sdn-...``) would be dropped as links by ``ftm validate``, Aleph or yente."""
    return _FTM_ID_UNSAFE.sub("-", ident).strip(".-") or "x"


def _write_ftm(
    store: Store, stream: IO[str], sources: Iterable[str] | None, dprk_only: bool, keep_ids: bool = False
) -> int:
    n = 0
    for entity in store.iter_entities(sources=list(sources) if sources else None, dprk_only=dprk_only):
        data = entity.to_dict()
        data.pop("referents", None)
        if not keep_ids:
            data["id"] = ftm_id(data["id"])
            for prop_name, values in data["properties"].items():
                prop = entity.schema.get(prop_name)
                if prop is not None and prop.type.name == "entity":
                    data["properties"][prop_name] = [ftm_id(v) for v in values]
        stream.write(json.dumps(data, ensure_ascii=False, sort_keys=True) + "\n")
        n += 1
    return n

"""List readers: official publications in, FollowTheMoney entities out.

One module per format: :mod:`.un_sc` (UN SC consolidated XML), :mod:`.ofac` (OFAC legacy CSV
sets, SDN and non-SDN), :mod:`.csl` (US Consolidated Screening List CSV/JSON) and :mod:`.ftm`
(FtM JSON lines, e.g. any OpenSanctions export). :func:`read_source` picks the reader for a source
name; :data:`BUNDLED` lists the snapshots shipped inside the package (see ``data/PROVENANCE.md``).

``is_dprk(entity)`` says whether a list entity falls under a DPRK (North Korea) regime: OFAC
``DPRK*``/``NKSPEA`` programs, UN ``UN_LIST_TYPE`` DPRK (references ``KPi.``/``KPe.``), CSL
programs with DPRK, or INKSNA entries that name North Korea.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from followthemoney.proxy import EntityProxy

from interdict.exc import SourceError
from interdict.sources.common import DEFAULT_MAX_BYTES, HELPER_SCHEMATA, FileInfo, ReadResult
from interdict.sources.errors import ListFormatError

__all__ = [
    "SOURCES",
    "BUNDLED",
    "Snapshot",
    "SourceSpec",
    "ReadResult",
    "FileInfo",
    "ListFormatError",
    "HELPER_SCHEMATA",
    "read_source",
    "is_dprk",
    "bundled_snapshot",
    "reference_of",
    "source_of",
    "input_sha256",
    "READER_VERSION",
]

#: Bump when a reader change alters the entities it makes from the same input bytes: a load then
#: writes a new version even though the files' hashes are unchanged, so the fix reaches existing stores.
READER_VERSION = "2026-11-22.2"


@dataclass(frozen=True)
class SourceSpec:
    name: str
    title: str
    fmt: str  # un_xml, ofac_csv, csl, ftm
    url_env: str | None = None
    urls: tuple[tuple[str, str], ...] = ()  # (file name, official URL)


SOURCES: dict[str, SourceSpec] = {
    "un_sc": SourceSpec(
        "un_sc",
        "UN Security Council Consolidated List",
        "un_xml",
        "INTERDICT_URL_UN_SC",
        (("consolidated.xml", "https://scsanctions.un.org/resources/xml/en/consolidated.xml"),),
    ),
    "us_ofac_sdn": SourceSpec(
        "us_ofac_sdn",
        "OFAC Specially Designated Nationals (SDN) List",
        "ofac_csv",
        "INTERDICT_URL_US_OFAC_SDN",
        (
            ("sdn.csv", "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/SDN.CSV"),
            ("add.csv", "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/ADD.CSV"),
            ("alt.csv", "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/ALT.CSV"),
            ("sdn_comments.csv", "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/SDN_COMMENTS.CSV"),
        ),
    ),
    "us_ofac_cons": SourceSpec(
        "us_ofac_cons",
        "OFAC Consolidated (non-SDN) Sanctions List",
        "ofac_csv",
        "INTERDICT_URL_US_OFAC_CONS",
        (
            ("cons_prim.csv", "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/CONS_PRIM.CSV"),
            ("cons_add.csv", "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/CONS_ADD.CSV"),
            ("cons_alt.csv", "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/CONS_ALT.CSV"),
            ("cons_comments.csv", "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/CONS_COMMENTS.CSV"),
        ),
    ),
    "us_csl": SourceSpec(
        "us_csl",
        "US Consolidated Screening List (trade.gov)",
        "csl",
        "INTERDICT_URL_US_CSL",
        (("consolidated.csv", "https://data.trade.gov/downloadable_consolidated_screening_list/v1/consolidated.csv"),),
    ),
}


@dataclass(frozen=True)
class Snapshot:
    """A list publication bundled inside the package."""

    source: str
    label: str
    files: tuple[str, ...]  # paths relative to data/lists/
    published: str | None
    note: str
    default: bool = True
    roles: tuple[str, ...] = ()  # OFAC: role of each file (main/add/alt/comments/add_fallback/alt_fallback)

    def paths(self) -> list[Path]:
        base = Path(str(resources.files("interdict") / "data" / "lists"))
        return [base / f for f in self.files]

    def inputs(self) -> list[Path] | dict[str, Path]:
        """What :func:`read_source` takes: paths, or role -> path when roles are given."""
        if self.roles:
            return dict(zip(self.roles, self.paths(), strict=True))
        return self.paths()


BUNDLED: list[Snapshot] = [
    Snapshot(
        "un_sc",
        "2026-02-27",
        ("un_sc/2026-02-27/consolidated.xml.xz",),
        None,  # the file carries dateGenerated
        "UN SC consolidated list, dateGenerated 2026-02-27",
    ),
    Snapshot(
        "us_ofac_sdn",
        "2023-12-28",
        ("us_ofac_sdn/2023-12-28/sdn.csv.xz", "us_ofac_sdn/2023-12-28/add.csv.xz", "us_ofac_sdn/2023-12-28/alt.csv.xz"),
        "2023-12-28",
        "OFAC SDN, internally consistent sdn+add+alt set (scrape 2023-12-28)",
        default=False,
    ),
    Snapshot(
        "us_ofac_sdn",
        "2024-05-03",
        (
            "us_ofac_sdn/2024-05-03/sdn.csv.xz",
            "us_ofac_sdn/2024-05-03/add.csv.xz",
            "us_ofac_sdn/2024-05-03/alt.csv.xz",
            "us_ofac_sdn/2023-12-28/add.csv.xz",
            "us_ofac_sdn/2023-12-28/alt.csv.xz",
        ),
        "2024-05-03",
        "OFAC SDN sdn.csv of 2024-05-03 with the aliases/addresses of the 2026-06-02 add/alt files, and "
        "of the 2023-12-28 add/alt for entries the 2026 files no longer carry (joined on OFAC's stable "
        "ent_num; see PROVENANCE.md)",
        roles=("main", "add", "alt", "add_fallback", "alt_fallback"),
    ),
    Snapshot(
        "us_ofac_cons",
        "2025-12-19",
        (
            "us_ofac_cons/2025-12-19/cons_prim.csv.xz",
            "us_ofac_cons/2025-12-19/cons_add.csv.xz",
            "us_ofac_cons/2025-12-19/cons_alt.csv.xz",
            "us_ofac_cons/2025-12-19/cons_comments.csv.xz",
        ),
        "2025-12-19",
        "OFAC non-SDN consolidated list (committed 2025-12-19)",
    ),
    Snapshot(
        "us_csl",
        "2022-05",
        ("us_csl/2022-05/consolidated.csv.gz",),
        "2022-05-16",
        "US Consolidated Screening List as published (gzip), ~2022-05",
    ),
]


def bundled_snapshot(source: str, label: str | None = None) -> Snapshot:
    """The bundled snapshot of a source: the default one, or the one with ``label``."""
    candidates = [s for s in BUNDLED if s.source == source]
    if not candidates:
        known = ", ".join(sorted({s.source for s in BUNDLED}))
        raise SourceError(f"no bundled snapshot for source {source!r} (bundled: {known})")
    if label is None:
        for snap in candidates:
            if snap.default:
                return snap
        return candidates[-1]
    for snap in candidates:
        if snap.label == label:
            return snap
    labels = ", ".join(s.label for s in candidates)
    raise SourceError(f"no bundled snapshot {label!r} for {source} (bundled: {labels})")


def _reader_for(source: str, fmt: str | None = None) -> Callable[..., ReadResult]:
    fmt = fmt or (SOURCES[source].fmt if source in SOURCES else "ftm")
    if fmt == "un_xml":
        from interdict.sources.un_sc import read_un_sc

        return lambda paths, **kw: read_un_sc(_one(paths, source), source, **kw)
    if fmt == "ofac_csv":
        from interdict.sources.ofac import read_ofac

        return lambda paths, **kw: read_ofac(paths, source, **kw)
    if fmt == "csl":
        from interdict.sources.csl import read_csl

        return lambda paths, **kw: read_csl(_one(paths, source), source, **kw)
    if fmt == "ftm":
        from interdict.sources.ftm import read_ftm

        def read_many(paths: list[Path], **kw: Any) -> ReadResult:
            results = [read_ftm(p, source, **kw) for p in paths]
            first = results[0]
            for other in results[1:]:
                first.entities.extend(other.entities)
                first.files.extend(other.files)
                first.records += other.records
                first.problems.problems.extend(other.problems.problems)
            return first

        return read_many
    raise SourceError(f"unknown list format {fmt!r} (known: un_xml, ofac_csv, csl, ftm)")


def _one(paths: list[Path] | dict[str, Path], source: str) -> Path:
    if isinstance(paths, dict):
        paths = list(paths.values())
    if len(paths) != 1:
        raise SourceError(f"source {source} takes exactly one file, got {len(paths)}")
    return paths[0]


_SOURCE_NAME = re.compile(r"^[a-z][a-z0-9_]{1,40}$")


def read_source(
    source: str,
    paths: list[str | Path] | dict[str, str | Path],
    *,
    fmt: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> ReadResult:
    """Read one publication of ``source`` from ``paths`` with the matching reader.

    ``paths`` may be a role -> path mapping for OFAC sets (see :class:`Snapshot`). Unknown
    source names are read as FtM JSON lines (the name becomes the dataset)."""
    if not _SOURCE_NAME.match(source):
        raise SourceError(
            f"invalid source name {source!r}: use lower-case letters, digits and underscores (e.g. my_list)"
        )
    if not paths:
        raise SourceError(f"no files given for source {source}")
    reader = _reader_for(source, fmt)
    if isinstance(paths, dict):
        return reader({role: Path(p) for role, p in paths.items()}, max_bytes=max_bytes)
    return reader([Path(p) for p in paths], max_bytes=max_bytes)


def input_sha256(
    source: str, paths: list[str | Path] | dict[str, str | Path], *, fmt: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> str:
    """The SHA-256 a read of these inputs would record (:attr:`ReadResult.sha256`), without
    parsing them: lets a load skip an input identical to the current version cheaply."""
    from interdict.sources.common import read_bytes

    kind = fmt or (SOURCES[source].fmt if source in SOURCES else "ftm")
    if isinstance(paths, dict):
        roles = {role: Path(p) for role, p in paths.items()}
    elif kind == "ofac_csv":
        from interdict.sources.ofac import ofac_roles

        roles = ofac_roles([Path(p) for p in paths])
    else:
        roles = {f"main{i}": Path(p) for i, p in enumerate(paths)}
    infos = []
    for role, path in roles.items():
        _data, info = read_bytes(path, max_bytes=max_bytes)
        infos.append(FileInfo(info.name, info.sha256, info.size, "main" if role.startswith("main") else role))
    return ReadResult(source=source, entities=[], files=infos).sha256


# ---------------------------------------------------------------------------------------------
# DPRK regime membership

_DPRK_PROGRAM = re.compile(r"(^|[^A-Z])(DPRK|NKSPEA|NORTH KOREA|NK-)", re.I)
_NK_TEXT = re.compile(r"\b(DPRK|North Korea|North Korean|Korea, North|Democratic People's Republic of Korea)\b", re.I)


def source_of(entity: EntityProxy) -> str | None:
    datasets = getattr(entity, "datasets", None)
    if datasets:
        return sorted(datasets)[0]
    ident = entity.id or ""
    for name in SOURCES:
        if ident.startswith(name + "-"):
            return name
    return None


def reference_of(entity: EntityProxy) -> str | None:
    """The source's own reference: ``un_sc-KPe.029`` -> ``KPe.029``."""
    source = source_of(entity)
    ident = entity.id or ""
    if source and ident.startswith(source + "-"):
        return ident[len(source) + 1 :]
    return ident or None


def is_dprk(entity: EntityProxy) -> bool:
    """True if the entity is listed under a DPRK (North Korea) sanctions regime."""
    programs = entity.get("program", quiet=True) + entity.get("programId", quiet=True)
    inksna = False
    for program in programs:
        if _DPRK_PROGRAM.search(program):
            return True
        if "INKSNA" in program.upper():
            inksna = True
    ident = entity.id or ""
    if ident.startswith(("un_sc-KPi.", "un_sc-KPe.")):
        return True
    if inksna:
        texts = entity.get("name", quiet=True) + entity.get("notes", quiet=True)
        if "kp" in entity.get("country", quiet=True) or any(_NK_TEXT.search(t) for t in texts):
            return True
    return False

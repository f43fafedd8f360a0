"""Shared pieces of the list readers: reading (compressed) files safely, entity construction,
value parsing (dates, identifiers in free-text remarks) and the :class:`ReadResult` they return.

Value-level helpers never raise on junk; they return ``None`` (or an empty list). File-level
problems that make the whole input unusable raise :class:`~interdict.exc.SourceError` naming the
file and, where possible, the line or record.
"""

from __future__ import annotations

import bz2
import gzip
import hashlib
import lzma
import re
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from followthemoney import model
from followthemoney.entity import ValueEntity

from interdict.exc import InputProblem, ProblemLog, SourceError

__all__ = [
    "FileInfo",
    "ReadResult",
    "read_bytes",
    "decode_text",
    "make_entity",
    "make_sanction",
    "parse_date",
    "clean_text",
    "split_programs",
    "DEFAULT_MAX_BYTES",
]

DEFAULT_MAX_BYTES = 512 * 1024 * 1024
_CHUNK = 1 << 20


@dataclass(frozen=True)
class FileInfo:
    """One input file: where it came from, SHA-256 of its (decompressed) content, size."""

    name: str
    sha256: str
    size: int
    role: str = "main"

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "sha256": self.sha256, "size": self.size, "role": self.role}


@dataclass
class ReadResult:
    """What a reader produced from one publication."""

    source: str
    entities: list[ValueEntity]
    files: list[FileInfo]
    published: str | None = None
    label: str | None = None
    records: int = 0
    problems: ProblemLog = field(default_factory=ProblemLog)
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def sha256(self) -> str:
        """One hash for the whole input set (order-independent on roles)."""
        if len(self.files) == 1:
            return self.files[0].sha256
        digest = hashlib.sha256()
        for info in sorted(self.files, key=lambda f: (f.role, f.sha256)):
            digest.update(f"{info.role}:{info.sha256}\n".encode())
        return digest.hexdigest()

    @property
    def primary(self) -> list[ValueEntity]:
        """The listed parties themselves (no Sanction or wallet helper entities)."""
        return [e for e in self.entities if e.schema.name not in HELPER_SCHEMATA]


HELPER_SCHEMATA = frozenset({"Sanction", "CryptoWallet", "Address", "Identification", "Passport"})


def read_bytes(path: str | Path, max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[bytes, FileInfo]:
    """Read a file, transparently decompressing gzip/xz/bz2 (by magic bytes), with a size cap.

    The cap applies to the decompressed size as well, so a decompression bomb is refused.
    The SHA-256 is taken over the decompressed content, so a snapshot hashes the same whether it
    is stored plain or compressed (and matches the official file's checksum).
    """
    p = Path(path)
    try:
        with open(p, "rb") as fh:
            head = fh.read(6)
    except FileNotFoundError:
        raise SourceError(f"{p}: file not found") from None
    except IsADirectoryError:
        raise SourceError(f"{p}: is a directory, expected a file") from None
    except OSError as exc:
        raise SourceError(f"{p}: cannot read: {exc.strerror or exc}") from None
    opener: Any = None
    if head[:2] == b"\x1f\x8b":
        opener = gzip.open
    elif head[:6] == b"\xfd7zXZ\x00":
        opener = lzma.open
    elif head[:3] == b"BZh":
        opener = bz2.open
    chunks: list[bytes] = []
    total = 0
    digest = hashlib.sha256()
    try:
        with (opener(p, "rb") if opener else open(p, "rb")) as fh:
            while True:
                chunk = fh.read(_CHUNK)
                if not chunk:
                    break
                total += len(chunk)
                if total > max_bytes:
                    raise SourceError(
                        f"{p}: larger than the limit of {max_bytes:,} bytes (INTERDICT_MAX_FILE_BYTES)"
                    )
                digest.update(chunk)
                chunks.append(chunk)
    except (OSError, EOFError, lzma.LZMAError, zlib.error) as exc:
        raise SourceError(f"{p}: cannot decompress or read: {exc}") from None
    data = b"".join(chunks)
    return data, FileInfo(name=p.name, sha256=digest.hexdigest(), size=total)


def decode_text(data: bytes, name: str, *, strict_utf8: bool = False) -> str:
    """Decode list bytes to text; refuse binary/UTF-16 input with a located message.

    ``strict_utf8`` (CSL, JSON): invalid UTF-8 is an error naming the line. Otherwise UTF-8 is
    tried first and cp1252/latin-1 used as fallback (OFAC legacy files are ASCII/cp1252).
    """
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data[:4096]:
        raise SourceError(f"{name}: wrong encoding: looks like UTF-16 or binary data, expected a text file")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if strict_utf8:
            line = data.count(b"\n", 0, exc.start) + 1
            raise SourceError(
                f"{name}: line {line}: wrong encoding: byte 0x{data[exc.start]:02x} is not valid UTF-8"
            ) from None
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


_UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b\ufeff]")


_NULLS = frozenset({"", "-0-", "-0- ", " -0- ", " -0-"})


def clean_text(value: Any) -> str | None:
    """Collapse whitespace, drop control characters; None for empty values and OFAC's ``-0-``."""
    if value is None:
        return None
    text = value if isinstance(value, str) else str(value)
    if text in _NULLS:
        return None
    # Fast path: most list values are already clean (printable, single-spaced, trimmed).
    if not (text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " "):
        if _UNSAFE.search(text):
            text = _UNSAFE.sub("", text)
        text = " ".join(text.split())
    if not text or text == "-0-":
        return None
    return text


# Property types whose FtM cleaning is only text sanitising, which clean_text already did.
_PLAIN_TYPES = frozenset({"name", "string", "text", "identifier"})
# Types whose cleaning depends on the value alone: cleaned once per distinct value (memoised).
_MEMO_TYPES = frozenset({"country", "date", "gender", "topic", "language"})


@lru_cache(maxsize=65536)
def _clean_typed(type_name: str, value: str) -> str | None:
    if type_name == "country":
        from interdict.sources.countries import clean_country

        return clean_country(value)
    from followthemoney import registry

    return registry.get(type_name).clean_text(value)


def make_entity(schema: str, source: str, reference: str) -> ValueEntity:
    """A new entity with the stable id ``<source>-<reference>`` and the source as dataset."""
    entity = ValueEntity(model.get(schema), {"id": f"{source}-{reference}", "datasets": [source]})
    return entity


@lru_cache(maxsize=8192)
def _clean_repeated(value: Any) -> str | None:
    """clean_text for values that repeat a lot (authorities, programs, URLs, provisions)."""
    return clean_text(value)


def make_sanction(entity: ValueEntity, n: int, **props: Any) -> ValueEntity:
    """Sanction ``<entity id>-sanction-<n>`` linked to ``entity``; ``props`` are FtM properties.

    Values must already be clean strings (readers pass constants, list text and ISO dates from
    :func:`parse_date`); whitespace is collapsed here and the entity is built in one step without
    FtM re-cleaning, which matters with tens of thousands of Sanction entities per list."""
    schema = model.get("Sanction")
    properties: dict[str, list[str]] = {"entity": [entity.id or ""]}
    for prop, value in props.items():
        if value is None or prop not in schema.properties:
            continue
        values = value if isinstance(value, (list, tuple)) else [value]
        cleaned = [t for t in (_clean_repeated(v) for v in values) if t]
        if cleaned:
            properties[prop] = cleaned
    return ValueEntity(
        schema,
        {"id": f"{entity.id}-sanction-{n}", "datasets": sorted(entity.datasets), "properties": properties},
        cleaned=True,
    )


def add(entity: ValueEntity, prop: str, value: Any) -> None:
    """Add values to a property if the schema has it; silently skip empty values."""
    if value is None or prop not in entity.schema.properties:
        return
    if isinstance(value, (list, tuple, set)):
        for item in value:
            add(entity, prop, item)
        return
    text = clean_text(value)
    if text is None:
        return
    prop_obj = entity.schema.properties[prop]
    type_name = prop_obj.type.name
    if type_name in _PLAIN_TYPES:
        entity.unsafe_add(prop_obj, text, cleaned=True)
    elif type_name in _MEMO_TYPES:
        cleaned = _clean_typed(type_name, text)
        if cleaned is not None:
            entity.unsafe_add(prop_obj, cleaned, cleaned=True)
    else:
        entity.add(prop_obj, text, quiet=True)


_MONTHS = {
    m: i + 1
    for i, m in enumerate(["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"])
}
_D_M_Y = re.compile(r"^(\d{1,2})\s+([A-Za-z]{3})[a-z]*\.?\s+(\d{4})$")
_M_Y = re.compile(r"^([A-Za-z]{3})[a-z]*\.?\s+(\d{4})$")
_ISO = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?(?:[T ].*)?$")
_DMY_NUM = re.compile(r"^(\d{1,2})[./](\d{1,2})[./](\d{4})$")
_MDY_SLASH = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_YEAR_RANGE = re.compile(r"^(\d{4})\s*(?:to|-|–)\s*(\d{4})$")


def _iso(year: int, month: int | None = None, day: int | None = None) -> str | None:
    if not 1000 <= year <= 2100:
        return None
    if month is None:
        return f"{year:04d}"
    if not 1 <= month <= 12:
        return None
    if day is None:
        return f"{year:04d}-{month:02d}"
    try:
        date(year, month, day)
    except ValueError:
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def parse_date(value: Any, *, us_order: bool = False) -> list[str]:
    """Turn list date text into ISO prefixes: '25 Mar 1977' -> ['1977-03-25'], 'circa 1946' ->
    ['1946'], '1962 to 1964' -> ['1962', '1963', '1964'] (at most 10 years). Junk gives []."""
    text = clean_text(value)
    if text is None:
        return []
    text = re.sub(r"^(circa|approximately|approx\.?|about|c\.)\s+", "", text, flags=re.I).strip()
    m = _YEAR_RANGE.match(text)
    if m:
        a, b = int(m.group(1)), int(m.group(2))
        if a <= b and b - a <= 10:
            return [y for y in (_iso(x) for x in range(a, b + 1)) if y]
        return [y for y in (_iso(a), _iso(b)) if y]
    m = _D_M_Y.match(text)
    if m and m.group(2).lower() in _MONTHS:
        out = _iso(int(m.group(3)), _MONTHS[m.group(2).lower()], int(m.group(1)))
        return [out] if out else []
    m = _M_Y.match(text)
    if m and m.group(1).lower() in _MONTHS:
        out = _iso(int(m.group(2)), _MONTHS[m.group(1).lower()])
        return [out] if out else []
    m = _ISO.match(text)
    if m:
        out = _iso(
            int(m.group(1)),
            int(m.group(2)) if m.group(2) else None,
            int(m.group(3)) if m.group(3) else None,
        )
        return [out] if out else []
    m = _DMY_NUM.match(text)
    if m:
        first, second, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
        out = _iso(year, first, second) if us_order else _iso(year, second, first)
        return [out] if out else []
    return []


def split_programs(value: Any) -> list[str]:
    """OFAC program cells: 'SDGT] [IFSR' -> ['SDGT', 'IFSR']; CSL: 'DPRK3; DPRK4'."""
    text = clean_text(value)
    if text is None:
        return []
    parts = re.split(r"\]\s*\[|;", text)
    out: list[str] = []
    for part in parts:
        part = part.strip(" []")
        if part and part not in out:
            out.append(part)
    return out


def located(file: str, message: str, line: int | None = None, record: str | None = None) -> SourceError:
    """A SourceError whose message names the file and line/record."""
    problem = InputProblem(message, file=file, line=line, record=record)
    return SourceError(str(problem))


def count_by(items: Iterable[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for item in items:
        out[item] = out.get(item, 0) + 1
    return out

"""FollowTheMoney entity JSON lines: any OpenSanctions export (``entities.ftm.json``) or a user's
own list. One JSON object per line with ``id``, ``schema`` and ``properties``.

Ids are kept as given when they already start with ``<source>-``; otherwise they are prefixed so
that every id in the store is ``<source>-<reference>`` and the reference is the original id.
References inside properties (``entity``, ``holder``...) are prefixed the same way so links hold.
"""

from __future__ import annotations

import json
from pathlib import Path

from followthemoney import model
from followthemoney.entity import ValueEntity
from followthemoney.exc import InvalidData

from interdict.exc import InputProblem, ProblemLog
from interdict.sources.common import DEFAULT_MAX_BYTES, ReadResult, decode_text, read_bytes
from interdict.sources.errors import ListFormatError

__all__ = ["read_ftm"]


def _prefixed(source: str, ident: str) -> str:
    return ident if ident.startswith(f"{source}-") else f"{source}-{ident}"


def read_ftm(path: str | Path, source: str = "ftm", *, max_bytes: int = DEFAULT_MAX_BYTES) -> ReadResult:
    """Read FtM JSON lines; malformed lines are errors naming the line (nothing is half-read)."""
    path = Path(path)
    data, info = read_bytes(path, max_bytes=max_bytes)
    text = decode_text(data, str(path), strict_utf8=True)
    if not text.strip():
        raise ListFormatError(f"{path}: empty file, no records")
    entities: list[ValueEntity] = []
    errors: list[InputProblem] = []
    seen: dict[str, int] = {}
    problems = ProblemLog()
    for lineno, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as exc:
            errors.append(InputProblem(f"malformed JSON: {exc.msg}", file=str(path), line=lineno))
            if len(errors) >= 20:
                break
            continue
        if not isinstance(raw, dict) or not raw.get("id") or not raw.get("schema"):
            errors.append(InputProblem("not an FtM entity (needs 'id' and 'schema')", file=str(path), line=lineno))
            if len(errors) >= 20:
                break
            continue
        schema = model.get(raw["schema"])
        if schema is None:
            errors.append(InputProblem(f"unknown FtM schema {raw['schema']!r}", file=str(path), line=lineno))
            continue
        ident = _prefixed(source, str(raw["id"]))
        props = raw.get("properties") or {}
        if not isinstance(props, dict):
            errors.append(InputProblem("'properties' is not an object", file=str(path), line=lineno))
            continue
        entity = ValueEntity(schema, {"id": ident, "datasets": [source]})
        try:
            for prop_name, values in props.items():
                prop = schema.get(prop_name)
                if prop is None:
                    continue
                if not isinstance(values, list):
                    values = [values]
                for value in values:
                    if not isinstance(value, str):
                        value = str(value)
                    if prop.type.name == "entity":
                        # FtM's entity-id cleaner rejects '_' (used in source names): add as cleaned.
                        value = value.strip()
                        if value:
                            entity.add(prop, _prefixed(source, value), cleaned=True, quiet=True)
                        continue
                    entity.add(prop, value, quiet=True)
        except InvalidData as exc:
            errors.append(InputProblem(f"invalid entity: {exc}", file=str(path), line=lineno))
            continue
        if ident in seen:
            entities[seen[ident]].merge(entity)
            problems.add(f"entity {raw['id']} repeated; merged", file=str(path), line=lineno)
            continue
        seen[ident] = len(entities)
        entities.append(entity)
    if errors:
        raise ListFormatError(f"{path}: not a valid FtM JSON lines file", errors)
    if not entities:
        raise ListFormatError(f"{path}: no entities")
    from interdict.sources.common import HELPER_SCHEMATA

    records = sum(1 for e in entities if e.schema.name not in HELPER_SCHEMATA)
    return ReadResult(source=source, entities=entities, files=[info], records=records, problems=problems)

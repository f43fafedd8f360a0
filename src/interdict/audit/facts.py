"""The facts of a party that matter for matching, and what changed between two snapshots of them.

A false-positive decision stores the facts of both sides (the customer or query, and the list entity)
as they were when the analyst looked. Later, the decision keeps suppressing the hit only while
neither side gained a fact that could change the analyst's mind: a new name or alias, a new birth
date, a new nationality or country, a new identifier. Removed facts do not re-open a false positive
(less information cannot make a false match true). :func:`new_facts` says which facts are new, in
words an analyst can read ("list entity: new alias 'KIM IL'").
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any

from followthemoney import model

__all__ = ["Facts", "facts_of", "facts_hash", "new_facts", "KINDS", "MATTERS"]

# fact kind -> readable noun; which FtM property types feed each kind.
KINDS: dict[str, str] = {
    "names": "name or alias",
    "birth_dates": "birth date",
    "countries": "country or nationality",
    "identifiers": "identifier",
    "addresses": "address",
}
#: The kinds whose new values re-open a false positive (an address alone does not make a false match true).
MATTERS = ("names", "birth_dates", "countries", "identifiers")
_TYPE_KIND = {"name": "names", "date": None, "country": "countries", "identifier": "identifiers",
              "address": "addresses"}
_BIRTH_PROPS = {"birthDate", "incorporationDate", "buildDate"}
_NAME_PARTS = {"firstName", "lastName", "middleName", "fatherName", "secondName"}

Facts = dict[str, list[str]]


def _norm(value: str) -> str:
    value = unicodedata.normalize("NFKC", str(value)).casefold()
    return " ".join(value.split())


def facts_of(entity: Any) -> Facts:
    """Facts from an FtM proxy, an FtM-style dict ``{"schema", "properties"}`` or a flat dict of lists."""
    if hasattr(entity, "schema") and hasattr(entity, "properties") and not isinstance(entity, Mapping):
        schema_name = entity.schema.name
        props: Mapping[str, Iterable[str]] = entity.properties
    else:
        schema_name = entity.get("schema") or "LegalEntity"
        props = entity.get("properties") or {}
    schema = model.get(schema_name) or model.get("LegalEntity")
    out: dict[str, set[str]] = {k: set() for k in KINDS}
    parts: dict[str, list[str]] = {}
    for prop_name, values in props.items():
        if isinstance(values, str):
            values = [values]
        prop = schema.get(prop_name) if schema is not None else None
        if prop is None:
            continue
        values = [v for v in values if isinstance(v, str) and v.strip()]
        if prop_name in _NAME_PARTS:
            parts[prop_name] = values
            continue
        if prop_name in _BIRTH_PROPS:
            out["birth_dates"].update(_norm(v) for v in values)
            continue
        if prop.type.name == "entity":
            continue
        kind = _TYPE_KIND.get(prop.type.name)
        if kind:
            out[kind].update(_norm(v) for v in values)
    if parts and not out["names"]:
        name = " ".join(v[0] for k in ("firstName", "middleName", "fatherName", "lastName") if (v := parts.get(k)))
        if name:
            out["names"].add(_norm(name))
    return {k: sorted(v) for k, v in out.items() if v}


def facts_hash(facts: Facts) -> str:
    return hashlib.sha256(json.dumps(facts, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


def new_facts(before: Facts, after: Facts, side: str) -> list[str]:
    """Readable list of facts present in ``after`` but not in ``before`` (``side`` names whose facts)."""
    reasons = []
    for kind, noun in KINDS.items():
        if kind not in MATTERS:
            continue
        added = sorted(set(after.get(kind, [])) - set(before.get(kind, [])))
        for value in added[:5]:
            reasons.append(f"{side}: new {noun} {value!r}")
        if len(added) > 5:
            reasons.append(f"{side}: {len(added) - 5} more new {noun} values")
    return reasons

"""What is screened: a name alone or a party, in the shape of an FtM entity.

A :class:`PartyQuery` holds a schema (``Person``, ``Company``, ``Organization``, ``LegalEntity``,
``Vessel`` or ``None`` for unknown), one or more names, birth dates, countries, identifiers and
addresses. It is built from a plain string, keyword arguments, an FtM-style dict
``{"schema": ..., "properties": {...}}`` (the yente ``/match`` shape) or an FtM ``EntityProxy``.

Values are cleaned on the way in and junk is dropped, never raised: a name that has no letter or
digit left after cleaning is not a name; an unparseable date is not a date. :func:`query_problems`
says what was dropped, so batch readers can report it per row.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "PartyQuery",
    "Identifier",
    "clean_name",
    "clean_date",
    "clean_country",
    "clean_identifier",
    "make_query",
    "MAX_NAME_CHARS",
    "SCHEMAS",
]

#: Names longer than this are cut (a real party name is far shorter; a 10,000-character cell is junk).
MAX_NAME_CHARS = 300
#: The schemata a query may name; anything else is treated as unknown.
SCHEMAS = ("Person", "Company", "Organization", "LegalEntity", "Vessel", "Airplane", "Thing")

# FtM properties whose values are names of the thing, and how much each counts as evidence.
NAME_PROPS = {"name": 1.0, "alias": 1.0, "previousName": 0.95, "abbreviation": 0.9, "weakAlias": 0.6}
# FtM identifier properties that decide a match when equal (strong) or only help (weak).
STRONG_ID_PROPS = {
    "imoNumber", "registrationNumber", "uscCode", "swiftBic", "leiCode", "innCode", "ogrnCode",
    "passportNumber", "idNumber", "taxNumber", "mmsi", "vatCode", "dunsCode", "callSign",
}

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]")
_SPACE = re.compile(r"\s+")
_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")


@dataclass(frozen=True)
class Identifier:
    """A cleaned identifier: ``value`` is upper-case letters and digits only; ``kind`` the FtM property."""

    value: str
    kind: str | None = None

    @property
    def strong(self) -> bool:
        return self.kind is None or self.kind in STRONG_ID_PROPS


def clean_name(value: Any) -> str | None:
    """Strip control characters, collapse spaces, cut to ``MAX_NAME_CHARS``; ``None`` if no letter or digit."""
    if value is None:
        return None
    text = unicodedata.normalize("NFC", str(value))
    text = _CONTROL.sub(" ", text)
    text = _SPACE.sub(" ", text).strip()
    if len(text) > MAX_NAME_CHARS:
        text = text[:MAX_NAME_CHARS].rsplit(" ", 1)[0] if " " in text[:MAX_NAME_CHARS] else text[:MAX_NAME_CHARS]
    if not any(ch.isalnum() for ch in text):
        return None
    return text


def clean_date(value: Any) -> str | None:
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` with a plausible year and month/day; else ``None``."""
    if value is None:
        return None
    text = str(value).strip()
    m = _DATE.match(text)
    if m is None:
        return None
    year = int(m.group(1))
    if not 1800 <= year <= 2100:
        return None
    out = f"{year:04d}"
    if m.group(2):
        month = int(m.group(2))
        if not 1 <= month <= 12:
            return out
        out += f"-{month:02d}"
        if m.group(3):
            day = int(m.group(3))
            if not 1 <= day <= 31:
                return out
            out += f"-{day:02d}"
    return out


def clean_country(value: Any) -> str | None:
    """An ISO-style country code (``kp``, ``cn``) from a code or a country name; else ``None``."""
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    from followthemoney import registry

    return registry.country.clean(text)


def clean_identifier(value: Any, kind: str | None = None) -> Identifier | None:
    """Upper-case alphanumerics of an identifier (``IMO 9123456`` -> ``9123456``); ``None`` if too short."""
    if value is None:
        return None
    text = "".join(ch for ch in str(value).upper() if ch.isalnum())
    if kind in (None, "imoNumber") and text.startswith("IMO") and text[3:].isdigit():
        text = text[3:]
        kind = kind or "imoNumber"
    if len(text) < 5 or not any(ch.isdigit() for ch in text):
        return None
    return Identifier(text, kind)


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, Mapping):
        return [value]
    if isinstance(value, Iterable):
        return [v for v in value if v is not None]
    return [value]


@dataclass
class PartyQuery:
    """A party to screen; every field but ``names`` may be empty, and missing evidence costs nothing."""

    names: list[str]
    schema: str | None = None
    birth_dates: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    identifiers: list[Identifier] = field(default_factory=list)
    addresses: list[str] = field(default_factory=list)
    id: str | None = None
    weak_names: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def caption(self) -> str:
        return self.names[0] if self.names else (self.weak_names[0] if self.weak_names else "")

    def normalised(self) -> dict[str, Any]:
        """The cleaned query as a JSON-able dict (what the audit trail stores), with its problems."""
        data = self.to_dict()
        if self.problems:
            data["problems"] = list(self.problems)
        return data

    def to_dict(self) -> dict[str, Any]:
        """FtM-style dict (``schema`` + ``properties``), the shape results echo back."""
        props: dict[str, list[str]] = {"name": list(self.names)}
        if self.weak_names:
            props["weakAlias"] = list(self.weak_names)
        if self.birth_dates:
            props["birthDate"] = list(self.birth_dates)
        if self.countries:
            props["country"] = list(self.countries)
        if self.identifiers:
            for ident in self.identifiers:
                props.setdefault(ident.kind or "idNumber", []).append(ident.value)
        if self.addresses:
            props["address"] = list(self.addresses)
        out: dict[str, Any] = {"schema": self.schema or "LegalEntity", "properties": props}
        if self.id:
            out["id"] = self.id
        return out


def _clean_schema(schema: Any, problems: list[str]) -> str | None:
    if schema is None or str(schema).strip() == "":
        return None
    text = str(schema).strip()
    lowered = {s.lower(): s for s in SCHEMAS}
    aliases = {"individual": "Person", "entity": "LegalEntity", "organisation": "Organization",
               "ship": "Vessel", "aircraft": "Airplane", "unknown": None}
    key = text.lower()
    if key in lowered:
        return lowered[key]
    if key in aliases:
        return aliases[key]
    from followthemoney import model

    found = model.get(text)
    if found is not None and found.is_a("Thing"):
        return found.name
    problems.append(f"unknown schema {text!r}; screened as any schema")
    return None


def make_query(
    query: Any = None,
    *,
    schema: str | None = None,
    names: Iterable[str] | None = None,
    countries: Iterable[str] | str | None = None,
    birth_date: Iterable[str] | str | None = None,
    identifiers: Iterable[Any] | Mapping[str, Any] | str | None = None,
    addresses: Iterable[str] | str | None = None,
    id: str | None = None,
) -> PartyQuery:
    """Build a :class:`PartyQuery` from a string, a dict (FtM shape or flat), an EntityProxy or a PartyQuery.

    Keyword arguments add to what ``query`` carries. Junk values are dropped and noted in
    ``problems``; the query may end with no usable name (check ``names``).
    """
    problems: list[str] = []
    raw_names: list[Any] = []
    raw_weak: list[Any] = []
    raw_dates: list[Any] = []
    raw_countries: list[Any] = []
    raw_ids: list[tuple[Any, str | None]] = []
    raw_addresses: list[Any] = []
    q_schema: Any = None
    q_id = id

    if isinstance(query, PartyQuery):
        raw_names += query.names
        raw_weak += query.weak_names
        raw_dates += query.birth_dates
        raw_countries += query.countries
        raw_ids += [(i.value, i.kind) for i in query.identifiers]
        raw_addresses += query.addresses
        q_schema = query.schema
        q_id = q_id or query.id
        problems += query.problems
    elif isinstance(query, str):
        raw_names.append(query)
    elif isinstance(query, Mapping):
        q_id = q_id or query.get("id")
        q_schema = query.get("schema")
        props = query.get("properties")
        if isinstance(props, Mapping):
            for prop, values in props.items():
                _take_prop(str(prop), _as_list(values), raw_names, raw_weak, raw_dates, raw_countries,
                           raw_ids, raw_addresses)
        else:
            for key in ("name", "names"):
                raw_names += _as_list(query.get(key))
            for key in ("birth_date", "birthDate", "dob"):
                raw_dates += _as_list(query.get(key))
            for key in ("country", "countries", "nationality"):
                raw_countries += _as_list(query.get(key))
            for key in ("identifier", "identifiers"):
                raw_ids += [(v, None) for v in _as_list(query.get(key))]
            raw_addresses += _as_list(query.get("address"))
    elif query is not None and hasattr(query, "schema") and hasattr(query, "iterprops"):
        q_id = q_id or query.id
        q_schema = query.schema.name
        for prop in query.iterprops():
            _take_prop(prop.name, query.get(prop), raw_names, raw_weak, raw_dates, raw_countries,
                       raw_ids, raw_addresses)
    elif query is not None:
        raw_names.append(query)

    if names:
        raw_names += list(names)
    raw_dates += _as_list(birth_date)
    raw_countries += _as_list(countries)
    if isinstance(identifiers, Mapping):
        raw_ids += [(v, str(k)) for k, vs in identifiers.items() for v in _as_list(vs)]
    else:
        raw_ids += [(v, None) for v in _as_list(identifiers)]
    raw_addresses += _as_list(addresses)

    out = PartyQuery(names=[], schema=_clean_schema(schema or q_schema, problems), id=q_id)
    for raw, target in ((raw_names, out.names), (raw_weak, out.weak_names)):
        for value in raw:
            parts = [value] if not isinstance(value, str) else [value]
            for part in parts:
                name = clean_name(part)
                if name is None:
                    problems.append(f"name {str(part)[:40]!r} has no letters or digits")
                elif name not in target:
                    target.append(name)
    for value in raw_dates:
        date = clean_date(value)
        if date is None:
            problems.append(f"birth date {str(value)[:40]!r} is not a date")
        elif date not in out.birth_dates:
            out.birth_dates.append(date)
    for value in raw_countries:
        code = clean_country(value)
        if code is None:
            problems.append(f"country {str(value)[:40]!r} is not a known country")
        elif code not in out.countries:
            out.countries.append(code)
    for value, kind in raw_ids:
        ident = clean_identifier(value, kind)
        if ident is None:
            problems.append(f"identifier {str(value)[:40]!r} is too short to use")
        elif ident not in out.identifiers:
            out.identifiers.append(ident)
    for value in raw_addresses:
        text = clean_name(value)
        if text and text not in out.addresses:
            out.addresses.append(text)
    out.problems = problems
    return out


def _take_prop(prop, values, names, weak, dates, countries, ids, addresses) -> None:
    if prop in ("name", "alias", "previousName", "abbreviation"):
        names += values
    elif prop == "weakAlias":
        weak += values
    elif prop in ("birthDate", "incorporationDate", "buildDate"):
        dates += values
    elif prop in ("country", "nationality", "citizenship", "jurisdiction", "flag", "mainCountry"):
        countries += values
    elif prop in ("address", "addressFull"):
        addresses += [v for v in values if isinstance(v, str)]
    else:
        # Any FtM identifier-typed property; unknown keys are ignored quietly (FtM ``quiet=True``).
        from followthemoney import model, registry

        for schema_name in ("Vessel", "Company", "Person", "LegalEntity"):
            p = model.get(schema_name).get(prop)  # type: ignore[union-attr]
            if p is not None:
                if p.type == registry.identifier:
                    ids.extend((v, prop) for v in values)
                return

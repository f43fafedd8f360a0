"""US Consolidated Screening List (trade.gov / ITA): the CSV download (``consolidated.csv``, gzip
allowed) and its JSON form (the API's ``{"results": [...]}`` or a plain list of records).

One CSL record per sub-list entry; ids are ``us_csl-<_id>`` (falling back to ``entity_number``).
When the same ``_id`` appears on several sub-lists (an SDN entry that is also on SSI or CAPTA),
the rows are merged into one entity with one Sanction per sub-list.
Multi-valued cells are ``; ``-separated; ``ids`` entries are ``[country, ]value, type`` and are
mapped with the same identifier table as OFAC remarks (IMO, passport, SWIFT/BIC, wallets...).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from pathlib import Path
from typing import Any

from followthemoney.entity import ValueEntity

from interdict.exc import InputProblem, ProblemLog
from interdict.sources.common import (
    DEFAULT_MAX_BYTES,
    ReadResult,
    add,
    clean_text,
    decode_text,
    make_entity,
    make_sanction,
    parse_date,
    read_bytes,
    split_programs,
)
from interdict.sources.errors import ListFormatError
from interdict.sources.remarks import classify_identifier, parse_remarks

__all__ = ["read_csl", "CSL_COLUMNS"]

CSL_COLUMNS = [
    "_id", "source", "entity_number", "type", "programs", "name", "title", "addresses",
    "federal_register_notice", "start_date", "end_date", "standard_order", "license_requirement",
    "license_policy", "call_sign", "vessel_type", "gross_tonnage", "gross_registered_tonnage",
    "vessel_flag", "vessel_owner", "remarks", "source_list_url", "alt_names", "citizenships",
    "dates_of_birth", "nationalities", "places_of_birth", "source_information_url", "ids",
]  # fmt: skip
REQUIRED = {"_id", "source", "name", "type", "programs", "alt_names", "addresses", "ids"}
_SCHEMA = {"individual": "Person", "entity": "Organization", "vessel": "Vessel", "aircraft": "Airplane"}
_AUTHORITY = {
    "Treasury": "Office of Foreign Assets Control (OFAC), US Department of the Treasury",
    "Bureau of Industry and Security": "Bureau of Industry and Security (BIS), US Department of Commerce",
    "State Department": "US Department of State",
}
_SUBLIST = re.compile(r"\(([^()]+)\)")
# Labels of the CSL ids column that name an identifier (not dates, directives or notes).
_ID_LABEL = re.compile(r"\b(number|no\.?|id|identification|registration|licen[cs]e|code|card|#)(\b|$)", re.I)


def _split(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [t for t in (clean_text(v) for v in value if not isinstance(v, dict)) if t]
    return [t for t in (clean_text(v) for v in str(value).split(";")) if t]


_LIST_CONJUNCTION = re.compile(r"^(?:and|or)\s+", re.IGNORECASE)


def _aliases(value: Any) -> list[str]:
    """Alias list; the Entity List writes its last alias as "...; and David Lee": drop that "and"."""
    return [t for t in (_LIST_CONJUNCTION.sub("", a) for a in _split(value)) if t]


def _records_from_csv(text: str, name: str) -> list[tuple[int, dict[str, Any]]]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = reader.fieldnames or []
    missing = REQUIRED - set(header)
    if missing:
        hint = ""
        if header and header[0].strip().isdigit():
            hint = " (this looks like an OFAC legacy CSV without header, not the CSL)"
        elif header and header[0].startswith("<"):
            hint = " (this looks like XML, not the CSL CSV)"
        raise ListFormatError(
            f"{name}: line 1: wrong columns for the US Consolidated Screening List: missing "
            f"{', '.join(sorted(missing))}{hint}"
        )
    out: list[tuple[int, dict[str, Any]]] = []
    problems: list[InputProblem] = []
    try:
        for row in reader:
            if None in row:  # more cells than header columns
                problems.append(InputProblem(f"{len(header) + len(row[None])} cells for {len(header)} columns", file=name, line=reader.line_num))
                if len(problems) >= 20:
                    break
                continue
            out.append((reader.line_num, row))
    except csv.Error as exc:
        problems.append(InputProblem(f"malformed CSV: {exc}", file=name, line=reader.line_num))
    if problems:
        raise ListFormatError(f"{name}: not a valid CSL CSV file", problems)
    return out


def _records_from_json(text: str, name: str) -> list[tuple[int, dict[str, Any]]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ListFormatError(f"{name}: line {exc.lineno}, column {exc.colno}: malformed JSON: {exc.msg}") from None
    if isinstance(data, dict):
        data = data.get("results")
    if not isinstance(data, list):
        raise ListFormatError(f"{name}: JSON is not a CSL export (expected a list or an object with 'results')")
    out = []
    for pos, rec in enumerate(data, start=1):
        if not isinstance(rec, dict) or "name" not in rec:
            raise ListFormatError(f"{name}: record {pos}: not a CSL record (no 'name')")
        rec = dict(rec)
        rec.setdefault("_id", rec.get("id"))
        out.append((pos, rec))
    return out


def read_csl(path: str | Path, source: str = "us_csl", *, max_bytes: int = DEFAULT_MAX_BYTES) -> ReadResult:
    """Read the CSL (CSV or JSON, optionally compressed) into FtM entities."""
    path = Path(path)
    data, info = read_bytes(path, max_bytes=max_bytes)
    text = decode_text(data, str(path), strict_utf8=True)
    if not text.strip():
        raise ListFormatError(f"{path}: empty file, no records")
    stripped = text.lstrip()
    if stripped.startswith(("{", "[")):
        rows = _records_from_json(text, str(path))
    else:
        rows = _records_from_csv(text, str(path))
    problems = ProblemLog()
    grouped: dict[str, list[tuple[int, dict[str, Any]]]] = {}
    for line, rec in rows:
        ref = clean_text(rec.get("_id")) or clean_text(rec.get("entity_number"))
        if not ref or not clean_text(rec.get("name")):
            problems.add("record without id or name skipped", file=str(path), line=line)
            continue
        grouped.setdefault(ref, []).append((line, rec))
    entities: list[ValueEntity] = []
    newest: str | None = None
    for ref, recs in grouped.items():
        entities.extend(_build(source, ref, [r for _, r in recs]))
        for _, rec in recs:
            for d in parse_date(rec.get("start_date")):
                if newest is None or d > newest:
                    newest = d
    return ReadResult(
        source=source,
        entities=entities,
        files=[info],
        published=None,
        label=None,
        records=len(grouped),
        problems=problems,
        meta={"rows": len(rows), "newest_start_date": newest},
    )


def _addresses(value: Any) -> list[tuple[str, str | None]]:
    """CSV: 'street, city, postal, CC; ...'; JSON: [{address, city, state, postal_code, country}]."""
    out: list[tuple[str, str | None]] = []
    if isinstance(value, list):
        for item in value:
            if isinstance(item, dict):
                fields = [clean_text(item.get(k)) for k in ("address", "city", "state", "postal_code", "country")]
                full = ", ".join(f for f in fields if f)
                if full:
                    out.append((full, fields[-1]))
            elif clean_text(item):
                out.append((clean_text(item), None))  # type: ignore[arg-type]
        return out
    for part in _split(value):
        country = part.rsplit(",", 1)[-1].strip() if "," in part else part.strip()
        out.append((part, country if len(country) == 2 and country.isalpha() else None))
    return out


def _ids(value: Any) -> list[tuple[str, str]]:
    """Yield (label, value) pairs from the CSL ids cell or JSON list."""
    out: list[tuple[str, str]] = []
    if isinstance(value, list):
        for item in value:
            if isinstance(item, dict) and clean_text(item.get("number")) and clean_text(item.get("type")):
                out.append((clean_text(item["type"]), clean_text(item["number"])))  # type: ignore[arg-type]
        return out
    for part in _split(value):
        bits = [b.strip() for b in part.split(", ")]
        if len(bits) < 2:
            continue
        label = bits[-1]
        rest = bits[:-1]
        # "[country code, ]value, type": a leading two-letter code is the issuing country; values
        # may themselves contain ", " ("Korea, North, Nationality of Registration").
        if len(rest) >= 2 and len(rest[0]) == 2 and rest[0].isalpha() and rest[0].isupper():
            rest = rest[1:]
        out.append((label, ", ".join(rest)))
    return out


def _build(source: str, ref: str, recs: list[dict[str, Any]]) -> list[ValueEntity]:
    first = recs[0]
    csl_type = (clean_text(first.get("type")) or "").lower()
    schema = _SCHEMA.get(csl_type, "LegalEntity")
    entity = make_entity(schema, source, ref)
    sanctions: list[ValueEntity] = []
    wallets: list[ValueEntity] = []
    for n, rec in enumerate(recs, start=1):
        entity.add("name", clean_text(rec.get("name")), quiet=True)
        programs = split_programs("; ".join(rec["programs"]) if isinstance(rec.get("programs"), list) else rec.get("programs"))
        sublist = clean_text(rec.get("source")) or ""
        m = _SUBLIST.search(sublist)
        sublist_code = m.group(1) if m else sublist
        add(entity, "program", programs)
        add(entity, "programId", programs)
        add(entity, "topics", "sanction" if "Treasury" in sublist or "Nonproliferation" in sublist else "export.control")
        add(entity, "alias", _aliases(rec.get("alt_names")))
        add(entity, "position" if schema == "Person" else "notes", rec.get("title"))
        for full, country in _addresses(rec.get("addresses")):
            add(entity, "address", full)
            add(entity, "country", country)
        if schema == "Person":
            add(entity, "nationality", _split(rec.get("nationalities")))
            add(entity, "citizenship", _split(rec.get("citizenships")))
            add(entity, "birthPlace", _split(rec.get("places_of_birth")))
            for dob in _split(rec.get("dates_of_birth")):
                for d in parse_date(dob, us_order=True):
                    entity.add("birthDate", d)
        else:
            add(entity, "country", _split(rec.get("nationalities")) + _split(rec.get("citizenships")))
        if schema in ("Vessel", "Airplane"):
            add(entity, "callSign", rec.get("call_sign"))
            add(entity, "type", rec.get("vessel_type"))
            add(entity, "tonnage", rec.get("gross_tonnage"))
            add(entity, "grossRegisteredTonnage", rec.get("gross_registered_tonnage"))
            add(entity, "flag", rec.get("vessel_flag"))
            add(entity, "country", rec.get("vessel_flag"))
            if clean_text(rec.get("vessel_owner")):
                add(entity, "notes", f"Owner: {clean_text(rec.get('vessel_owner'))}")
        remarks = clean_text(rec.get("remarks"))
        add(entity, "notes", remarks)
        facts = parse_remarks(remarks)
        for prop, values in facts.props.items():
            add(entity, prop, values)
        provisions: list[str] = []
        for label, number in _ids(rec.get("ids")):
            low = label.lower()
            if low.startswith("digital currency address"):
                currency = label.rsplit("-", 1)[-1].strip().upper()
                wid = hashlib.sha1(f"{currency}:{number}".encode()).hexdigest()[:12]
                wallet = make_entity("CryptoWallet", source, f"{ref}-wallet-{wid}")
                wallet.add("publicKey", number)
                wallet.add("currencySymbol", currency)
                wallet.add("holder", entity.id, cleaned=True)
                add(wallet, "program", programs)
                wallets.append(wallet)
                continue
            if "secondary sanctions risk" in low or "transactions prohibited" in low:
                provisions.append(f"{label} {number}")
                continue
            ident = classify_identifier(label, number)
            if ident:
                prop, value, _country = ident
                if prop == "imoNumber":
                    digits = re.sub(r"\D", "", value)
                    value = f"IMO{digits}" if len(digits) == 7 else value
                    if "imoNumber" not in entity.schema.properties:
                        prop = "registrationNumber"
                add(entity, prop, value)
            elif low in ("gender",):
                add(entity, "gender", number)
            elif low.startswith("nationality of registration"):
                add(entity, "jurisdiction" if "jurisdiction" in entity.schema.properties else "country", number)
            elif low.startswith("nationality"):
                add(entity, "nationality" if schema == "Person" else "country", number)
            elif (
                _ID_LABEL.search(label)
                and any(ch.isdigit() for ch in number)
                and len(number) <= 64
                and not parse_date(number)
            ):
                add(entity, "idNumber" if "idNumber" in entity.schema.properties else "registrationNumber", number)
        authority = next((v for k, v in _AUTHORITY.items() if k in sublist), sublist or None)
        sanctions.append(
            make_sanction(
                entity,
                n,
                authority=authority,
                authorityId=clean_text(rec.get("entity_number")) or ref,
                program=programs or sublist_code or None,
                programId=programs or None,
                country="us",
                listingDate=parse_date(rec.get("start_date")) or None,
                endDate=parse_date(rec.get("end_date")) or None,
                provisions=(provisions or None),
                reason=clean_text(rec.get("license_policy")),
                summary=clean_text(rec.get("license_requirement")),
                description=sublist or None,
                sourceUrl=[u for u in (clean_text(rec.get("source_list_url")), clean_text(rec.get("source_information_url"))) if u] or None,
                recordId=ref,
            )
        )
        for key, title in (("federal_register_notice", "Federal Register"), ("standard_order", "Standard order")):
            value = clean_text(rec.get(key))
            if value:
                add(entity, "notes", f"{title}: {value}")
    return [entity, *sanctions, *wallets]

"""UN Security Council Consolidated List XML (``scsanctions.un.org/resources/xml/en/consolidated.xml``).

Parsed with :mod:`defusedxml`: DTDs, entity declarations and external references are refused, so
a billion-laughs or XXE file fails with a clear message and nothing is fetched from the network.

Mapping: ``INDIVIDUAL`` -> Person, ``ENTITY`` -> Organization; id ``un_sc-<REFERENCE_NUMBER>``.
Alias ``QUALITY`` Good / a.k.a. -> ``alias``, Low -> ``weakAlias``, f.k.a. -> ``previousName``;
``NAME_ORIGINAL_SCRIPT`` is kept as an ``alias`` (original script, e.g. Korean or Arabic). One
Sanction per entry carries the regime (``UN_LIST_TYPE``), listing date and the narrative reason.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from followthemoney.entity import ValueEntity

from interdict.exc import ProblemLog
from interdict.sources.common import (
    DEFAULT_MAX_BYTES,
    ReadResult,
    add,
    clean_text,
    make_entity,
    make_sanction,
    parse_date,
    read_bytes,
)
from interdict.sources.errors import ListFormatError

__all__ = ["read_un_sc", "UN_AUTHORITY"]

UN_AUTHORITY = "United Nations Security Council"
SOURCE_URL = "https://scsanctions.un.org/resources/xml/en/consolidated.xml"
_REGIMES = {
    "DPRK": "UNSC 1718 (DPRK)",
    "Al-Qaida": "UNSC 1267/1989/2253 (ISIL (Da'esh) and Al-Qaida)",
    "Taliban": "UNSC 1988 (Taliban)",
}


def _text(node: ET.Element | None, tag: str) -> str | None:
    if node is None:
        return None
    child = node.find(tag)
    return clean_text(child.text) if child is not None else None


def _values(node: ET.Element, tag: str) -> list[str]:
    out = []
    for child in node.findall(tag):
        for value in child.findall("VALUE"):
            text = clean_text(value.text)
            if text:
                out.append(text)
    return out


def parse_xml(data: bytes, name: str) -> ET.Element:
    """Parse XML bytes safely, turning every failure into a located ListFormatError."""
    if not data.strip():
        raise ListFormatError(f"{name}: empty file, no records")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data[:200]:
        raise ListFormatError(f"{name}: wrong encoding: looks like UTF-16 or binary data; the UN list is UTF-8 XML")
    declared = re.match(rb"<\?xml[^>]*encoding=[\"']([A-Za-z0-9._-]+)", data[:200])
    if declared is None or declared.group(1).lower() in (b"utf-8", b"utf8"):
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            raise ListFormatError(
                f"{name}: line {line}: wrong encoding: byte 0x{data[exc.start]:02x} is not valid UTF-8"
            ) from None
    try:
        return fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise ListFormatError(
            f"{name}: refused: the XML declares a DTD or entities ({type(exc).__name__}); "
            "official lists never do, and such files can expand without bound (billion laughs) "
            "or read local files / the network (XXE)"
        ) from None
    except ET.ParseError as exc:
        line, col = getattr(exc, "position", (None, None))
        where = f"line {line}, column {col}: " if line else ""
        head = data.lstrip()[:1]
        hint = ""
        if head and head not in (b"<", b"\xef"):
            hint = " (this is not XML: is it a CSV or JSON list given for the UN source?)"
        raise ListFormatError(f"{name}: {where}malformed or truncated XML ({exc}){hint}") from None
    except (ValueError, UnicodeError) as exc:
        raise ListFormatError(f"{name}: wrong encoding or invalid XML: {exc}") from None


def read_un_sc(path: str | Path, source: str = "un_sc", *, max_bytes: int = DEFAULT_MAX_BYTES) -> ReadResult:
    """Read the UN consolidated list into Person/Organization + Sanction entities."""
    path = Path(path)
    data, info = read_bytes(path, max_bytes=max_bytes)
    root = parse_xml(data, str(path))
    if root.tag != "CONSOLIDATED_LIST":
        raise ListFormatError(
            f"{path}: not a UN Security Council consolidated list (root element <{root.tag}>, "
            "expected <CONSOLIDATED_LIST>)"
        )
    problems = ProblemLog()
    entities: list[ValueEntity] = []
    seen: set[str] = set()
    records = 0
    for kind, tag in (("Person", "INDIVIDUAL"), ("Organization", "ENTITY")):
        for pos, node in enumerate(root.iter(tag), start=1):
            ref = _text(node, "REFERENCE_NUMBER")
            dataid = _text(node, "DATAID")
            if not ref:
                problems.add("entry without REFERENCE_NUMBER skipped", file=str(path), record=f"{tag} #{pos} DATAID {dataid}")
                continue
            if ref in seen:
                problems.add("duplicate REFERENCE_NUMBER skipped", file=str(path), record=ref)
                continue
            seen.add(ref)
            records += 1
            entities.extend(_build(kind, tag, node, ref, source))
    published = root.get("dateGenerated")
    return ReadResult(
        source=source,
        entities=entities,
        files=[info],
        published=published,
        label=(published or "")[:10] or None,
        records=records,
        problems=problems,
    )


def _build(schema: str, tag: str, node: ET.Element, ref: str, source: str) -> list[ValueEntity]:
    entity = make_entity(schema, source, ref)
    parts = [_text(node, t) for t in ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")]
    name = " ".join(p for p in parts if p)
    entity.add("name", name or ref)
    if schema == "Person":
        # FIRST_NAME..FOURTH_NAME are positional, not given/family names (KIM JONG SIK has
        # FIRST_NAME KIM), so they are not mapped to firstName/lastName.
        add(entity, "gender", _text(node, "GENDER"))
        add(entity, "title", _values(node, "TITLE"))
        add(entity, "position", _values(node, "DESIGNATION"))
        add(entity, "nationality", _values(node, "NATIONALITY"))
    original = _text(node, "NAME_ORIGINAL_SCRIPT")
    if original:
        entity.add("alias", original)
    regime = _text(node, "UN_LIST_TYPE")
    add(entity, "program", regime)
    add(entity, "programId", f"UN-{regime}" if regime else None)
    add(entity, "topics", "sanction")
    add(entity, "unscId", ref)  # only kept where the schema has it; the id carries the reference
    comments = _text(node, "COMMENTS1")
    add(entity, "notes", comments)
    for alias in node.findall(f"{tag}_ALIAS"):
        alias_name = _text(alias, "ALIAS_NAME")
        if not alias_name:
            continue
        quality = (_text(alias, "QUALITY") or "").lower()
        if quality == "low":
            prop = "weakAlias"
        elif quality.startswith("f.k.a"):
            prop = "previousName"
        else:
            prop = "alias"
        add(entity, prop, alias_name)
        # DPRK entries give some aliases their own date/place of birth (the alias persona's
        # documents): keep them as birth facts of the entity and record which alias they go with.
        alias_facts = []
        for value in parse_date(_text(alias, "DATE_OF_BIRTH")):
            if schema == "Person":
                entity.add("birthDate", value, quiet=True)
            alias_facts.append(f"born {value}")
        place = ", ".join(p for p in (_text(alias, "CITY_OF_BIRTH"), _text(alias, "COUNTRY_OF_BIRTH")) if p)
        if place:
            add(entity, "birthPlace", place)
            alias_facts.append(f"born in {place}")
        note = _text(alias, "NOTE")
        if note:
            alias_facts.append(note)
        if alias_facts:
            add(entity, "notes", f"Alias {alias_name}: " + "; ".join(alias_facts))
    for addr in node.findall(f"{tag}_ADDRESS"):
        fields = [_text(addr, t) for t in ("STREET", "CITY", "STATE_PROVINCE", "ZIP_CODE", "COUNTRY")]
        full = ", ".join(f for f in fields if f)
        add(entity, "address", full)
        add(entity, "country", fields[-1])
        note = _text(addr, "NOTE")
        if note and full:
            add(entity, "notes", f"Address {full}: {note}")
    if schema == "Person":
        for dob in node.findall("INDIVIDUAL_DATE_OF_BIRTH"):
            for tag_ in ("DATE", "YEAR"):
                for value in parse_date(_text(dob, tag_)):
                    entity.add("birthDate", value)
            start, end = _text(dob, "FROM_YEAR"), _text(dob, "TO_YEAR")
            if start and end:
                for value in parse_date(f"{start} to {end}"):
                    entity.add("birthDate", value)
        for pob in node.findall("INDIVIDUAL_PLACE_OF_BIRTH"):
            fields = [_text(pob, t) for t in ("STREET", "CITY", "STATE_PROVINCE", "COUNTRY")]
            place = ", ".join(f for f in fields if f)
            add(entity, "birthPlace", place)
            add(entity, "birthCountry", fields[-1])
        for doc in node.findall("INDIVIDUAL_DOCUMENT"):
            number = _text(doc, "NUMBER")
            if not number:
                continue
            doc_type = " ".join(filter(None, [_text(doc, "TYPE_OF_DOCUMENT"), _text(doc, "TYPE_OF_DOCUMENT2")])).lower()
            prop = "passportNumber" if ("passport" in doc_type or "pasaporte" in doc_type or "passeport" in doc_type) else "idNumber"
            add(entity, prop, number)
            details = [d for d in (doc_type, _text(doc, "ISSUING_COUNTRY"), _text(doc, "DATE_OF_ISSUE"), _text(doc, "NOTE")) if d]
            if len(details) > 1 or _text(doc, "NOTE"):
                add(entity, "notes", f"Document {number}: " + "; ".join(details))
    sanction = make_sanction(
        entity,
        1,
        authority=UN_AUTHORITY,
        authorityId=ref,
        unscId=ref,
        program=_REGIMES.get(regime or "", regime),
        programId=f"UN-{regime}" if regime else None,
        listingDate=parse_date(_text(node, "LISTED_ON")) or None,
        reason=comments,
        summary=comments,
        sourceUrl=SOURCE_URL,
        recordId=_text(node, "DATAID"),
        modifiedAt=[d for v in _values(node, "LAST_DAY_UPDATED") for d in parse_date(v)] or None,
    )
    return [entity, sanction]

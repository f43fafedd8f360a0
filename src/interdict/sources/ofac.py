"""OFAC legacy CSV sets: ``sdn.csv`` + ``add.csv`` + ``alt.csv`` + ``sdn_comments.csv`` (SDN list)
and ``cons_prim.csv`` + ``cons_add.csv`` + ``cons_alt.csv`` + ``cons_comments.csv`` (non-SDN
consolidated list).

Layout (no header, ``-0-`` is null, CRLF, a final Ctrl-Z byte)::

    primary   ent_num, SDN_Name, SDN_Type, Program, Title, Call_Sign, Vess_type, Tonnage, GRT,
              Vess_flag, Vess_owner, Remarks                                       (12 columns)
    add       ent_num, add_num, Address, City/State/Province/Postal Code, Country, Add_remarks (6)
    alt       ent_num, alt_num, alt_type (aka/fka/nka), alt_name, alt_remarks      (5)
    comments  ent_num, Remarks continuation                                        (2)

The comments file continues the primary Remarks text (OFAC cuts long remarks), so the two are
concatenated before parsing. Aliases of ``alt.csv`` are strong aliases (``alias``, ``previousName``
for f.k.a.); quoted ``a.k.a. 'X'`` inside remarks are OFAC's *weak* aliases (``weakAlias``).
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from pathlib import Path

from followthemoney.entity import ValueEntity

from interdict.exc import InputProblem, ProblemLog
from interdict.sources.common import (
    DEFAULT_MAX_BYTES,
    FileInfo,
    ReadResult,
    add,
    clean_text,
    decode_text,
    make_entity,
    make_sanction,
    read_bytes,
    split_programs,
)
from interdict.sources.errors import ListFormatError
from interdict.sources.remarks import parse_remarks

__all__ = ["read_ofac", "ofac_roles", "OFAC_AUTHORITY"]

OFAC_AUTHORITY = "Office of Foreign Assets Control (OFAC), US Department of the Treasury"
SOURCE_URLS = {
    "us_ofac_sdn": "https://ofac.treasury.gov/specially-designated-nationals-and-blocked-persons-list-sdn-human-readable-lists",
    "us_ofac_cons": "https://ofac.treasury.gov/consolidated-sanctions-list-non-sdn-lists",
}
COLUMNS = {"main": 12, "add": 6, "alt": 5, "comments": 2, "add_fallback": 6, "alt_fallback": 5}
_COMPANY = re.compile(
    r"\b(LLC|L\.L\.C\.?|LTD\.?|LIMITED|CO\.|COMPANY|CORP\.?|CORPORATION|INC\.?|INCORPORATED|JSC|OJSC|PJSC|CJSC|"
    r"GMBH|S\.A\.|SA|S\.A\.S\.|SARL|S\.R\.L\.|LLP|PLC|AG|B\.V\.|BV|OOO|ZAO|OAO|AO|PAO|PTE|SDN BHD|BHD|FZE|FZCO|"
    r"FZ-LLC|DMCC|TRADING|SHIPPING|HOLDINGS?|ENTERPRISES?|INDUSTRIES|GROUP)\b",
    re.I,
)
_SCHEMA = {"individual": "Person", "vessel": "Vessel", "aircraft": "Airplane"}


def ofac_roles(paths: list[Path]) -> dict[str, Path]:
    """Assign each given file a role (main/add/alt/comments) from its name."""
    roles: dict[str, Path] = {}
    for path in paths:
        stem = path.name.lower()
        for suffix in (".gz", ".xz", ".bz2"):
            stem = stem.removesuffix(suffix)
        stem = stem.removesuffix(".csv")
        stem = stem.removeprefix("cons_")
        role = {"sdn": "main", "prim": "main", "add": "add", "alt": "alt", "comments": "comments",
                "sdn_comments": "comments"}.get(stem, "main")
        if role in roles:
            raise ListFormatError(f"{path}: two files given for the OFAC '{role}' part ({roles[role].name} and {path.name})")
        roles[role] = path
    if "main" not in roles:
        raise ListFormatError(
            "OFAC set has no primary file (sdn.csv or cons_prim.csv); given: " + ", ".join(p.name for p in paths)
        )
    return roles


def _rows(data: bytes, name: str, role: str) -> list[tuple[int, list[str]]]:
    """Parse an OFAC legacy CSV into (line number, row) pairs, validating the column count."""
    if not data.strip():
        raise ListFormatError(f"{name}: empty file, no records")
    text = decode_text(data, name)
    text = text.rstrip("\x1a\r\n\t ")  # OFAC's Ctrl-Z EOF marker and final line end
    expected = COLUMNS[role]
    rows: list[tuple[int, list[str]]] = []
    problems: list[InputProblem] = []
    if not text.strip():
        return rows  # only the EOF marker: a publication with no rows (refused by the load unless forced)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        for row in reader:
            line = reader.line_num
            if not row or (len(row) == 1 and not row[0].strip("\x1a \t")):
                continue
            if len(row) != expected:
                hint = _guess_role(row)
                msg = f"expected {expected} columns for an OFAC {role} file, found {len(row)}"
                if hint and hint != role:
                    msg += f" (this looks like an OFAC {hint} file or another list)"
                elif row and row[0].startswith(("_id", "<?xml", "{", "[")):
                    msg += " (this does not look like an OFAC legacy CSV file)"
                problems.append(InputProblem(msg, file=name, line=line))
            elif not row[0].strip().isdigit():
                problems.append(InputProblem(f"ent_num {row[0][:30]!r} is not a number", file=name, line=line))
            else:
                rows.append((line, row))
            if len(problems) >= 20:
                break
    except csv.Error as exc:
        problems.append(InputProblem(f"malformed CSV: {exc}", file=name, line=reader.line_num))
    if problems:
        raise ListFormatError(f"{name}: not a valid OFAC {role} file", problems)
    return rows


def _guess_role(row: list[str]) -> str | None:
    return {12: "main", 6: "add", 5: "alt", 2: "comments"}.get(len(row))


def _company_or_org(name: str) -> str:
    return "Company" if _COMPANY.search(name) else "Organization"


def read_ofac(
    paths: list[str | Path] | dict[str, str | Path],
    source: str = "us_ofac_sdn",
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> ReadResult:
    """Read an OFAC legacy CSV set into FtM entities (Person/Organization/Company/Vessel/Airplane
    plus one Sanction per program and CryptoWallet entities for digital-currency addresses)."""
    if isinstance(paths, dict):
        roles = {role: Path(p) for role, p in paths.items()}
        if "main" not in roles:
            raise ListFormatError("OFAC set has no primary file (role 'main')")
    else:
        roles = ofac_roles([Path(p) for p in paths])
    main_name = roles["main"].name.lower()
    if source == "us_ofac_sdn" and main_name.startswith("cons_"):
        raise ListFormatError(f"{roles['main']}: this is the OFAC non-SDN consolidated list, not the SDN list (use source us_ofac_cons)")
    if source == "us_ofac_cons" and main_name.startswith("sdn"):
        raise ListFormatError(f"{roles['main']}: this is the OFAC SDN list, not the non-SDN consolidated list (use source us_ofac_sdn)")

    files: list[FileInfo] = []
    parsed: dict[str, list[tuple[int, list[str]]]] = {}
    for role in ("main", "add", "alt", "comments", "add_fallback", "alt_fallback"):
        if role not in roles:
            continue
        data, info = read_bytes(roles[role], max_bytes=max_bytes)
        files.append(FileInfo(info.name, info.sha256, info.size, role))
        parsed[role] = _rows(data, str(roles[role]), role.removesuffix("_fallback"))

    problems = ProblemLog()
    main_file = str(roles["main"])
    records: dict[str, list[str]] = {}
    lines: dict[str, int] = {}
    for line, row in parsed["main"]:
        ent_num = row[0].strip()
        if ent_num in records:
            problems.add(f"duplicate ent_num {ent_num}; the later row is ignored", file=main_file, line=line)
            continue
        records[ent_num] = row
        lines[ent_num] = line

    comments: dict[str, list[str]] = {}
    for line, row in parsed.get("comments", []):
        ent_num = row[0].strip()
        if ent_num not in records:
            problems.add(f"comment for unknown ent_num {ent_num}", file=str(roles["comments"]), line=line)
            continue
        comments.setdefault(ent_num, []).append(row[1])
    addresses: dict[str, list[list[str]]] = {}
    orphans = {"add": 0, "alt": 0}
    for _line, row in parsed.get("add", []):
        ent_num = row[0].strip()
        if ent_num not in records:
            orphans["add"] += 1
            continue
        addresses.setdefault(ent_num, []).append(row)
    aliases: dict[str, list[list[str]]] = {}
    for _line, row in parsed.get("alt", []):
        ent_num = row[0].strip()
        if ent_num not in records:
            orphans["alt"] += 1
            continue
        aliases.setdefault(ent_num, []).append(row)

    # Fallback add/alt (an older, consistent publication) fill in entries that the newer add/alt
    # files do not cover at all (every listed entry has at least one add.csv row, so an ent_num
    # missing from add.csv is missing from that publication, not an entry without addresses).
    covered = {row[0].strip() for _line, row in parsed.get("add", [])}
    fallback_used: set[str] = set()
    if "add" in parsed:
        for role, target in (("add_fallback", addresses), ("alt_fallback", aliases)):
            for _line, row in parsed.get(role, []):
                ent_num = row[0].strip()
                if ent_num in records and ent_num not in covered:
                    target.setdefault(ent_num, []).append(row)
                    fallback_used.add(ent_num)

    entities: list[ValueEntity] = []
    for ent_num, row in records.items():
        remarks = row[11] if row[11].strip() != "-0-" else ""
        if ent_num in comments:
            remarks = (remarks.rstrip() if not remarks.endswith(" ") else remarks) + "".join(comments[ent_num])
        entities.extend(
            _build(source, ent_num, row, remarks, addresses.get(ent_num, []), aliases.get(ent_num, []))
        )
    meta = {
        "orphan_address_rows": orphans["add"],
        "orphan_alias_rows": orphans["alt"],
        "fallback_entries": len(fallback_used),
    }
    return ReadResult(
        source=source,
        entities=entities,
        files=files,
        records=len(records),
        problems=problems,
        meta=meta,
    )


def _build(
    source: str, ent_num: str, row: list[str], remarks: str, adds: list[list[str]], alts: list[list[str]]
) -> list[ValueEntity]:
    name = clean_text(row[1]) or f"OFAC entry {ent_num}"
    sdn_type = (clean_text(row[2]) or "").lower()
    schema = _SCHEMA.get(sdn_type) or _company_or_org(name)
    entity = make_entity(schema, source, ent_num)
    entity.add("name", name)
    if schema == "Person" and "," in name:
        last, first = name.split(",", 1)
        add(entity, "lastName", last)
        add(entity, "firstName", first)
    programs = split_programs(row[3])
    add(entity, "program", programs)
    add(entity, "programId", programs)
    add(entity, "topics", "sanction")
    title = clean_text(row[4])
    if title:
        add(entity, "position" if schema == "Person" else "notes", title)
    if schema in ("Vessel", "Airplane"):
        add(entity, "callSign", row[5])
        add(entity, "type", row[6])
        add(entity, "tonnage", row[7])
        add(entity, "grossRegisteredTonnage", row[8])
        add(entity, "flag", row[9])
        add(entity, "country", row[9])
        owner = clean_text(row[10])
        if owner:
            add(entity, "notes", f"Owner: {owner}")
    else:
        add(entity, "notes", f"Call sign: {clean_text(row[5])}" if clean_text(row[5]) else None)
    remarks_text = clean_text(remarks)
    if remarks_text:
        entity.add("notes", remarks_text, quiet=True)
    facts = parse_remarks(remarks_text)
    for prop, values in facts.props.items():
        target = prop
        if prop in ("nationality", "citizenship", "jurisdiction") and prop not in entity.schema.properties:
            target = "country"
        if prop == "imoNumber" and prop not in entity.schema.properties:
            target = "registrationNumber"
        add(entity, target, values)
    for alt in alts:
        alt_type = (clean_text(alt[2]) or "aka").lower()
        alt_name = clean_text(alt[3])
        if not alt_name:
            continue
        alt_remarks = (clean_text(alt[4]) or "").lower()
        if "weak" in alt_type or "weak" in alt_remarks:
            prop = "weakAlias"
        elif alt_type == "fka":
            prop = "previousName"
        else:
            prop = "alias"
        add(entity, prop, alt_name)
    for addr in adds:
        parts = [clean_text(addr[2]), clean_text(addr[3]), clean_text(addr[4])]
        full = ", ".join(p for p in parts if p)
        if full:
            add(entity, "address", full)
        add(entity, "country", addr[4])
        if clean_text(addr[5]):
            add(entity, "notes", f"Address remark: {clean_text(addr[5])}")
    out = [entity]
    for n, program in enumerate(programs or [None], start=1):
        out.append(
            make_sanction(
                entity,
                n,
                authority=OFAC_AUTHORITY,
                authorityId=ent_num,
                program=program,
                programId=program,
                country="us",
                provisions=facts.provisions or None,
                sourceUrl=SOURCE_URLS.get(source),
                recordId=ent_num,
            )
        )
    for currency, address in facts.wallets:
        wid = hashlib.sha1(f"{currency}:{address}".encode()).hexdigest()[:12]
        wallet = make_entity("CryptoWallet", source, f"{ent_num}-wallet-{wid}")
        wallet.add("publicKey", address)
        wallet.add("currencySymbol", currency)
        wallet.add("holder", entity.id, cleaned=True)
        add(wallet, "program", programs)
        add(wallet, "topics", "sanction")
        out.append(wallet)
    return out

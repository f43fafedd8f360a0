"""Parse the structured facts OFAC packs into the free-text Remarks of its legacy CSV files
(and that the US CSL spreads over its ``ids`` column): birth dates and places, nationality,
citizenship, gender, passports, national ids, registration numbers, IMO/MMSI, SWIFT/BIC, e-mail,
websites, digital-currency addresses and weak aliases (OFAC's quoted ``a.k.a. 'X'`` in remarks).

``parse_remarks`` never raises; unknown segments are kept only in the entity's ``notes``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from interdict.sources.common import clean_text, parse_date

__all__ = ["RemarkFacts", "parse_remarks", "classify_identifier", "split_segments"]

# (label prefix, FtM property). Longest labels first so "National ID No." wins over "ID No.".
_ID_LABELS: list[tuple[str, str]] = [
    ("vessel registration identification imo", "imoNumber"),
    ("vessel registration identification", "imoNumber"),
    ("imo", "imoNumber"),
    ("mmsi", "mmsi"),
    ("vessel call sign", "callSign"),
    ("call sign", "callSign"),
    ("swift/bic", "swiftBic"),
    ("swift", "swiftBic"),
    ("bic", "swiftBic"),
    ("email address", "email"),
    ("e-mail address", "email"),
    ("email", "email"),
    ("website", "website"),
    ("web site", "website"),
    ("phone number", "phone"),
    ("telephone", "phone"),
    ("passport", "passportNumber"),
    ("diplomatic passport", "passportNumber"),
    ("national id no.", "idNumber"),
    ("national id number", "idNumber"),
    ("national identification number", "idNumber"),
    ("national id", "idNumber"),
    ("identification number", "idNumber"),
    ("cedula no.", "idNumber"),
    ("c.u.r.p.", "idNumber"),
    ("curp", "idNumber"),
    ("citizen's card number", "idNumber"),
    ("personal id card", "idNumber"),
    ("id no.", "idNumber"),
    ("d.n.i.", "idNumber"),
    ("residency number", "idNumber"),
    ("driver's license no.", "idNumber"),
    ("tax id no.", "taxNumber"),
    ("r.f.c.", "taxNumber"),
    ("nit #", "taxNumber"),
    ("ruc #", "taxNumber"),
    ("inn", "innCode"),
    ("legal entity number", "leiCode"),
    ("registration number", "registrationNumber"),
    ("registration id", "registrationNumber"),
    ("business registration number", "registrationNumber"),
    ("business registration document #", "registrationNumber"),
    ("commercial registry number", "registrationNumber"),
    ("company number", "registrationNumber"),
    ("certificate of incorporation number", "registrationNumber"),
    ("unified social credit code (uscc)", "registrationNumber"),
    ("government gazette number", "registrationNumber"),
    ("enterprise number", "registrationNumber"),
    ("ogrn", "ogrnCode"),
    ("aircraft manufacturer's serial number (msn)", "serialNumber"),
    ("aircraft tail number", "registrationNumber"),
    ("aircraft model", "model"),
    ("aircraft construction number (also called l/n or s/n or f/n)", "serialNumber"),
    ("v.a.t. number", "vatCode"),
    ("electoral registry no.", "idNumber"),
    ("birth certificate number", "idNumber"),
    ("folio mercantil no.", "registrationNumber"),
    ("c.r. no.", "registrationNumber"),
    ("trade license no.", "registrationNumber"),
    ("chamber of commerce number", "registrationNumber"),
    ("economic register number", "registrationNumber"),
    ("central registration system number", "registrationNumber"),
    ("business number", "registrationNumber"),
]
# Any other "<label> No./Number/ID <value>" segment is kept as a generic identifier.
_GENERIC_ID = re.compile(r"^(?:alt\.\s+)?([A-Za-z][A-Za-z'.()/ -]{1,60}?\s(?:No\.|Number|ID|#))\s+(\S.*)$")
_ID_LABELS.sort(key=lambda kv: -len(kv[0]))

_TRAIL = re.compile(r"\s*(\(([^()]*)\))?\s*(issued .*|expires .*)?$", re.I)
_DIGITAL = re.compile(r"^(?:alt\.\s+)?digital currency address\s*-\s*([A-Z0-9]{2,6})\s+(\S+)$", re.I)
_ALIAS = re.compile(r"^(a\.k\.a\.|f\.k\.a\.|n\.k\.a\.)\s*['\"‘’](.+?)['\"‘’]$", re.I)


@dataclass
class RemarkFacts:
    """Facts pulled out of one remarks text."""

    props: dict[str, list[str]] = field(default_factory=dict)
    wallets: list[tuple[str, str]] = field(default_factory=list)  # (currency, address)
    provisions: list[str] = field(default_factory=list)
    linked_to: list[str] = field(default_factory=list)

    def add(self, prop: str, value: str | None) -> None:
        value = clean_text(value)
        if value is None:
            return
        values = self.props.setdefault(prop, [])
        if value not in values:
            values.append(value)


_QUOTED_ALIAS = re.compile(r"(?:a\.k\.a\.|f\.k\.a\.|n\.k\.a\.)\s*'.*?'(?=\s*(?:;|\.?\s*$))", re.I)


def split_segments(text: str) -> list[str]:
    """Split remarks on ';' outside quoted aliases; trailing periods dropped."""
    if "'" not in text:
        out = text.split(";")
    elif ".k.a." in text.lower():
        # Quoted aliases may contain ';': take them out whole, then split the rest.
        out = [m.group(0) for m in _QUOTED_ALIAS.finditer(text)]
        out += _QUOTED_ALIAS.sub(";", text).split(";")
    else:
        out = text.split(";")
    segments = []
    for seg in out:
        seg = seg.strip()
        if seg.endswith(".") and not seg.endswith(("a.k.a.", "No.", "Ltd.", "Co.", "Inc.")):
            seg = seg[:-1].strip()
        if seg:
            segments.append(seg)
    return segments


def classify_identifier(label: str, value: str) -> tuple[str, str, str | None] | None:
    """('Passport', 'T14553558 (Iran) issued ...') -> ('passportNumber', 'T14553558', 'Iran')."""
    low = label.strip().lower().rstrip(":")
    low = re.sub(r"^alt\.\s+", "", low)
    for prefix, prop in _ID_LABELS:
        if low == prefix:
            m = _TRAIL.search(value)
            country = None
            core = value
            if m and m.group(0).strip():
                country = m.group(2)
                core = value[: m.start()]
            core = clean_text(core)
            if not core:
                return None
            return prop, core, clean_text(country)
    return None


_LABEL_RE = re.compile(
    r"^(?:alt\.\s+)?(" + "|".join(re.escape(label) for label, _ in _ID_LABELS) + r"):?\s+(\S.*)$", re.I
)


def _split_label(segment: str) -> tuple[str, str] | None:
    """'Passport T14553558 (Iran)' -> ('Passport', 'T14553558 (Iran)') using the label table."""
    m = _LABEL_RE.match(segment)
    if m is None:
        return None
    return m.group(1), m.group(2).lstrip(": ").strip()


def parse_remarks(text: str | None) -> RemarkFacts:
    """Parse OFAC remarks into FtM properties (never raises)."""
    facts = RemarkFacts()
    text = clean_text(text)
    if not text:
        return facts
    for segment in split_segments(text):
        try:
            _parse_segment(segment, facts)
        except Exception:  # pragma: no cover - defensive: remarks are free text
            continue
    return facts


def _parse_segment(segment: str, facts: RemarkFacts) -> None:
    low = segment.lower()
    body = segment[5:].strip() if low.startswith("alt. ") else segment
    lbody = body.lower()
    m = _ALIAS.match(body)
    if m:
        kind = m.group(1).lower()
        facts.add("weakAlias" if kind == "a.k.a." else "previousName" if kind == "f.k.a." else "weakAlias", m.group(2))
        return
    m = _DIGITAL.match(segment)
    if m:
        facts.wallets.append((m.group(1).upper(), m.group(2)))
        return
    if lbody.startswith("dob "):
        for d in parse_date(body[4:]):
            facts.add("birthDate", d)
        return
    if lbody.startswith("pob "):
        facts.add("birthPlace", body[4:])
        return
    if lbody.startswith("nationality of registration "):
        facts.add("jurisdiction", body[28:])
        return
    if lbody.startswith("nationality "):
        facts.add("nationality", body[12:])
        return
    if lbody.startswith("citizen "):
        facts.add("citizenship", body[8:])
        return
    if lbody.startswith("gender "):
        facts.add("gender", body[7:])
        return
    if lbody.startswith("title "):
        facts.add("position", body[6:])
        return
    if lbody.startswith("organization established date "):
        for d in parse_date(body[30:]):
            facts.add("incorporationDate", d)
        return
    if lbody.startswith("secondary sanctions risk") or lbody.startswith("transactions prohibited"):
        facts.provisions.append(body)
        return
    if lbody.startswith("(linked to:") or lbody.startswith("linked to:"):
        facts.linked_to.append(body.strip("()").split(":", 1)[1].strip())
        return
    split = _split_label(segment)
    if split:
        label, rest = split
        ident = classify_identifier(label, rest)
        if ident:
            prop, value, _country = ident
            if prop == "imoNumber":
                digits = re.sub(r"\D", "", value)
                if len(digits) == 7:
                    value = f"IMO{digits}"
            facts.add(prop, value)
        return
    m = _GENERIC_ID.match(segment)
    if m and any(ch.isdigit() for ch in m.group(2)):
        core = clean_text(_TRAIL.sub("", m.group(2)))
        if core:
            facts.add("idNumber", core)

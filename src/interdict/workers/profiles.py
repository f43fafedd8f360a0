"""Contractor profiles: read from CSV or JSON lines, validated field by field.

One profile per contractor (or client) account. Nested fields (identity documents, payment
accounts, linked accounts, shipping addresses, languages) are JSON in JSON lines; in CSV a cell
holds either JSON (starting with ``[`` or ``{``) or a ``;``-separated list whose items have
``|``-separated positional fields::

    documents         passport|X1234567|US|2019-04-01        (type|number|issuing country|issue date)
    payment_accounts  bank|Bank of China|CN|acct-9f2c|Li Wei  (type|provider|country|account|holder)
                      crypto|USDT-TRC20||TXa9...|              (crypto: address in the account field)
    linked_accounts   github|jdoe-dev|John Doe                (site|handle|display name)
    shipping          "12 Elm St, Phoenix, AZ, US; Room 3, Zhenxing District, Dandong, CN"
    languages         en;ko

A bad field is reported with its line number (:class:`~interdict.exc.ProblemLog`) and left out;
the rest of the profile is still screened. A row without an id is skipped and reported.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from followthemoney.types import registry

from interdict.exc import InvalidInput, ProblemLog
from interdict.textio import LineDecoder, has_utf16_bom, utf16_lines

__all__ = [
    "Profile",
    "Document",
    "PaymentAccount",
    "LinkedAccount",
    "Address",
    "read_profiles",
    "parse_profile",
    "clean_country",
    "parse_utc_offset",
]

csv.field_size_limit(10_000_000)


@dataclass
class Document:
    type: str
    number: str
    country: str | None = None
    issued: date | None = None

    def key(self) -> str:
        number = re.sub(r"[^0-9A-Z]", "", self.number.upper())
        return f"{self.type.lower()}|{number}|{self.country or ''}"


@dataclass
class PaymentAccount:
    type: str  # bank, paypal, wise, payoneer, crypto, card...
    provider: str | None = None
    country: str | None = None
    account: str | None = None  # account hash, IBAN hash or crypto address
    holder: str | None = None

    @property
    def is_crypto(self) -> bool:
        return self.type.lower() in {"crypto", "cryptocurrency", "btc", "eth", "usdt", "wallet"}

    def key(self) -> str | None:
        if not self.account:
            return None
        return self.account.strip().lower()


@dataclass
class LinkedAccount:
    site: str
    handle: str | None = None
    name: str | None = None


@dataclass
class Address:
    text: str
    city: str | None = None
    country: str | None = None

    def key(self) -> str:
        return re.sub(r"[^0-9a-z]+", " ", self.text.lower()).strip()


@dataclass
class Profile:
    id: str
    line: int | None = None
    role: str = "developer"  # developer or client
    name: str | None = None
    country: str | None = None  # ISO 3166-1 alpha-2, lower case (FtM convention)
    city: str | None = None
    timezone: str | None = None
    utc_offset: float | None = None  # hours, from timezone
    languages: list[str] = field(default_factory=list)
    email: str | None = None
    phone: str | None = None
    photo_hash: str | None = None
    documents: list[Document] = field(default_factory=list)
    payment_accounts: list[PaymentAccount] = field(default_factory=list)
    shipping: list[Address] = field(default_factory=list)
    agency: str | None = None
    company: str | None = None
    company_country: str | None = None
    company_registered: date | None = None
    company_industry: str | None = None
    website: str | None = None
    domain_registered: date | None = None
    linked_accounts: list[LinkedAccount] = field(default_factory=list)

    @property
    def is_client(self) -> bool:
        return self.role == "client"


# ----------------------------------------------------------------------------- value cleaners


def clean_country(value: Any) -> str | None:
    """ISO alpha-2 (lower case) from a code or an English name; None when unknown."""
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    return registry.country.clean(text)


_OFFSET_RE = re.compile(r"^(?:utc|gmt)?\s*([+-])(\d{1,2})(?::?(\d{2}))?$", re.I)


def parse_utc_offset(value: str | None, when: datetime | None = None) -> float | None:
    """Hours east of UTC for an IANA zone (``Asia/Seoul``) or an offset (``UTC+9``, ``+05:30``)."""
    if not value:
        return None
    text = str(value).strip()
    if text.upper() in {"UTC", "GMT", "Z"}:
        return 0.0
    match = _OFFSET_RE.match(text)
    if match:
        sign = -1 if match.group(1) == "-" else 1
        hours, minutes = int(match.group(2)), int(match.group(3) or 0)
        if hours > 14 or minutes >= 60:
            return None
        return sign * (hours + minutes / 60)
    return _zone_offset(text, when or datetime(2025, 1, 15, tzinfo=UTC))


@lru_cache(maxsize=4096)
def _zone_offset(name: str, when: datetime) -> float | None:
    try:
        zone = ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None
    offset = zone.utcoffset(when) or timedelta(0)
    return offset.total_seconds() / 3600


def normalise_phone(value: str | None) -> str | None:
    """Digits only, compared on the last ten (with or without country code, ``+`` or ``00``)."""
    if not value:
        return None
    digits = re.sub(r"\D", "", value)
    if len(digits) < 6:
        return None
    return digits[-10:]


def parse_date(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


# ----------------------------------------------------------------------------- nested fields


def _split_list(value: Any) -> list[Any]:
    """A JSON list, a JSON object (one item) or a ``;``-separated string."""
    if value is None or value == "":
        return []
    if isinstance(value, list):
        return value
    if isinstance(value, dict):
        return [value]
    text = str(value).strip()
    if text.startswith("[") or text.startswith("{"):
        data = json.loads(text)  # ValueError reported by the caller
        return data if isinstance(data, list) else [data]
    return [part.strip() for part in text.split(";") if part.strip()]


def _positional(item: Any, names: list[str]) -> dict[str, Any]:
    if isinstance(item, dict):
        return item
    parts = [p.strip() for p in str(item).split("|")]
    return {name: (parts[i] if i < len(parts) and parts[i] else None) for i, name in enumerate(names)}


def _documents(value: Any) -> list[Document]:
    out = []
    for item in _split_list(value):
        data = _positional(item, ["type", "number", "country", "issued"])
        number = _text(data.get("number"))
        if not number:
            raise ValueError(f"identity document without a number: {item!r}")
        out.append(
            Document(
                type=(_text(data.get("type")) or "document").lower(),
                number=number,
                country=clean_country(data.get("country")),
                issued=parse_date(data.get("issued") or data.get("issue_date")),
            )
        )
    return out


def _payments(value: Any) -> list[PaymentAccount]:
    out = []
    for item in _split_list(value):
        data = _positional(item, ["type", "provider", "country", "account", "holder"])
        account = _text(data.get("account") or data.get("account_hash") or data.get("address"))
        out.append(
            PaymentAccount(
                type=(_text(data.get("type")) or "bank").lower(),
                provider=_text(data.get("provider") or data.get("bank")),
                country=clean_country(data.get("country")),
                account=account,
                holder=_text(data.get("holder") or data.get("holder_name")),
            )
        )
    return out


def _linked(value: Any) -> list[LinkedAccount]:
    out = []
    for item in _split_list(value):
        data = _positional(item, ["site", "handle", "name"])
        site = _text(data.get("site")) or "unknown"
        out.append(LinkedAccount(site=site.lower(), handle=_text(data.get("handle")), name=_text(data.get("name"))))
    return out


def _addresses(value: Any) -> list[Address]:
    out = []
    for item in _split_list(value):
        if isinstance(item, dict):
            parts = [_text(item.get(k)) for k in ("street", "line", "city", "region", "postcode", "country")]
            text = ", ".join(p for p in parts if p)
            city = _text(item.get("city"))
            country = clean_country(item.get("country"))
        else:
            text = str(item).strip()
            pieces = [p.strip() for p in text.split(",") if p.strip()]
            country = clean_country(pieces[-1]) if pieces else None
            city = None
            if len(pieces) >= 2:
                # "..., City, [Region,] Country": the city is the first piece before the country
                # that is not a postcode or a two-letter state.
                for piece in reversed(pieces[:-1] if country else pieces):
                    if not re.fullmatch(r"[A-Z]{2}|[\d\s-]+", piece):
                        city = piece
                        break
        if text:
            out.append(Address(text=text, city=city, country=country))
    return out


def _languages(value: Any) -> list[str]:
    langs = []
    for item in _split_list(value if not isinstance(value, str) else value.replace(",", ";")):
        code = str(item).strip().lower().replace("_", "-")
        if code:
            langs.append(code)
    return langs


# ----------------------------------------------------------------------------- one profile

_ALIASES = {
    "account_id": "id",
    "contractor_id": "id",
    "claimed_name": "name",
    "full_name": "name",
    "claimed_country": "country",
    "claimed_city": "city",
    "time_zone": "timezone",
    "tz": "timezone",
    "photo": "photo_hash",
    "payments": "payment_accounts",
    "shipping_address": "shipping",
    "shipping_addresses": "shipping",
    "employer": "agency",
    "company_name": "company",
    "domain_registration": "domain_registered",
    "domain_registration_date": "domain_registered",
    "social_accounts": "linked_accounts",
}


def parse_profile(record: dict[str, Any], *, line: int | None, problems: ProblemLog, file: str | None = None) -> Profile | None:
    """One profile from a flat or nested record; bad fields reported and dropped."""
    data = {}
    for key, value in record.items():
        if key is None:
            continue
        name = str(key).strip().lower()
        data[_ALIASES.get(name, name)] = value
    pid = _text(data.get("id"))
    if not pid:
        problems.add("profile without an id, skipped", file=file, line=line)
        return None
    profile = Profile(id=pid, line=line)
    role = (_text(data.get("role")) or "developer").lower()
    profile.role = "client" if role.startswith("client") else "developer"
    profile.name = _text(data.get("name"))
    raw_country = _text(data.get("country"))
    profile.country = clean_country(raw_country)
    if raw_country and not profile.country:
        problems.add(f"unknown country {raw_country!r}, ignored", file=file, line=line, field="country", record=pid)
    profile.city = _text(data.get("city"))
    profile.timezone = _text(data.get("timezone"))
    if profile.timezone:
        profile.utc_offset = parse_utc_offset(profile.timezone)
        if profile.utc_offset is None:
            problems.add(f"unknown time zone {profile.timezone!r}, ignored", file=file, line=line, field="timezone", record=pid)
    profile.email = (_text(data.get("email")) or "").lower() or None
    phone = _text(data.get("phone"))
    profile.phone = normalise_phone(phone)
    profile.photo_hash = (_text(data.get("photo_hash")) or "").lower() or None
    profile.agency = _text(data.get("agency"))
    profile.company = _text(data.get("company"))
    profile.company_country = clean_country(data.get("company_country"))
    profile.company_industry = _text(data.get("company_industry") or data.get("industry"))
    profile.website = _text(data.get("website"))
    for name in ("company_registered", "domain_registered"):
        raw = _text(data.get(name))
        value = parse_date(raw)
        if raw and value is None:
            problems.add(f"not a date: {raw!r}, ignored", file=file, line=line, field=name, record=pid)
        setattr(profile, name, value)
    nested = {
        "languages": _languages,
        "documents": _documents,
        "payment_accounts": _payments,
        "shipping": _addresses,
        "linked_accounts": _linked,
    }
    for name, parser in nested.items():
        raw = data.get(name)
        if raw is None or raw == "":
            continue
        try:
            setattr(profile, name, parser(raw))
        except (ValueError, TypeError, AttributeError) as exc:
            problems.add(f"cannot read {name}: {exc}", file=file, line=line, field=name, record=pid)
    for pay in profile.payment_accounts:
        if pay.country is None and pay.type in {"bank", "wire"} and pay.provider:
            pay.country = None  # unknown: never guessed from the bank name
    return profile


# ----------------------------------------------------------------------------- files


def _lines(raw: Any, problems: ProblemLog, path: Path) -> Iterator[str]:
    """Decoded lines: UTF-16 with a BOM, else each line UTF-8, GB18030 or Latin-1 (reported), never mojibake."""
    head = raw.peek(4)[:4] if hasattr(raw, "peek") else b""
    if has_utf16_bom(head):
        return utf16_lines(raw)
    return iter(LineDecoder(raw, problems, str(path)))


def _iter_records(path: Path, problems: ProblemLog) -> Iterator[tuple[int, dict[str, Any]]]:
    name = path.name.lower()
    if name.endswith((".jsonl", ".ndjson", ".json")):
        with path.open("rb") as raw:
            for lineno, text in enumerate(_lines(raw, problems, path), start=1):
                text = text.strip()
                if not text:
                    continue
                try:
                    data = json.loads(text)
                except ValueError as exc:
                    problems.add(f"not valid JSON: {exc}", file=str(path), line=lineno)
                    continue
                if not isinstance(data, dict):
                    problems.add("JSON line is not an object", file=str(path), line=lineno)
                    continue
                yield lineno, data
        return
    with path.open("rb") as raw:
        reader = csv.DictReader(_lines(raw, problems, path))
        if not reader.fieldnames:
            return
        columns = {_ALIASES.get(str(f).strip().lower(), str(f).strip().lower()) for f in reader.fieldnames}
        if "id" not in columns:
            raise InvalidInput(f"{path}: the profiles header has no id column (found: "
                               f"{ascii([str(f)[:30] for f in reader.fieldnames[:6]])[:200]})")
        while True:
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                problems.add(f"unreadable CSV row: {exc}", file=str(path), line=reader.line_num)
                continue
            yield reader.line_num, row


def read_profiles(source: str | Path | io.TextIOBase, problems: ProblemLog | None = None) -> dict[str, Profile]:
    """Profiles keyed by id, from a CSV or JSON-lines file; duplicates keep the first, reported."""
    problems = problems if problems is not None else ProblemLog()
    path = Path(source)  # type: ignore[arg-type]
    if not path.exists():
        raise InvalidInput(f"profiles file not found: {path}")
    if path.is_dir():
        raise InvalidInput(f"profiles path is a directory: {path}")
    profiles: dict[str, Profile] = {}
    for lineno, record in _iter_records(path, problems):
        profile = parse_profile(record, line=lineno, problems=problems, file=str(path))
        if profile is None:
            continue
        if profile.id in profiles:
            problems.add(
                f"duplicate profile id {profile.id!r} (first on line {profiles[profile.id].line}), skipped",
                file=str(path),
                line=lineno,
                record=profile.id,
            )
            continue
        profiles[profile.id] = profile
    return profiles

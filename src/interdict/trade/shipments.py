"""Shipment screening: read records (CSV, JSON lines, Parquet; UTF-8 or GB18030), apply the trade
rule pack, and write one explained :class:`~interdict.model.Alert` per shipment.

>>> from interdict.trade import screen_shipments
>>> for alert in screen_shipments([{"shipment_id": "S1", "goods_description": "laptops",
...                                  "consignee_country": "KP"}], parties=False):
...     print(alert.level.value, [r.rule_id for r in alert.reasons][:2])
block ['dprk-supply-hs84-85', 'ear-746-4-licence']

Input is streamed: CSV through the ``csv`` module line by line, JSON lines line by line, Parquet in
record batches, so memory does not grow with the file. Each physical line is decoded on its own
(UTF-8 first, then GB18030), so a file with mixed encodings is still read; a line that is neither is
read as Latin-1 and reported. Per-line problems (bad JSON, wrong field count, non-numeric values,
absurd quantities, unknown HS codes) go to a :class:`~interdict.exc.ProblemLog` with line numbers
and into the shipment's alert; the rest of the file is still screened.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import heapq
import io
import json
import math
import re
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from interdict.exc import InvalidInput, ProblemLog
from interdict.model import Alert, Citation, Grade, Level, Reason, combine_scores, level_for
from interdict.reports import csv_safe
from interdict.rules import Rule, load_pack
from interdict.textio import LineDecoder, open_binary, utf16_lines
from interdict.trade.goods import Category, Classification, HSCode, categories, check_hs, classify
from interdict.trade.identifiers import (
    imo_valid,
    mmsi_is_dprk,
    normalize_imo,
    resident_id_region,
    uscc_region,
)
from interdict.trade.parties import AddressIndex, PartyHit, PartyScreener, has_keyword, normalize_name
from interdict.trade.places import BORDER_CODES, HUB_CODES, place_for_region_code
from interdict.trade.routes import RouteFacts, analyse_route, country_code

__all__ = [
    "COLUMNS",
    "TradeScreener",
    "RunSummary",
    "AlertWriter",
    "iter_records",
    "detect_format",
    "screen_shipments",
    "screen_file",
]

COLUMNS = (
    "shipment_id", "date", "shipper_name", "shipper_address", "shipper_country", "consignee_name",
    "consignee_address", "consignee_country", "notify_party_name", "end_user_name", "end_user_address",
    "goods_description", "hs_code", "quantity", "unit", "value_usd", "port_of_loading", "port_of_discharge",
    "final_destination", "transport_mode", "vessel_name", "vessel_imo", "payment_terms", "incoterms",
)
OPTIONAL_COLUMNS = (
    "vessel_mmsi", "vessel_flag", "shipper_uscc", "consignee_uscc", "end_user_uscc", "notify_party_address",
)

# Header spellings seen in customs extracts and bills of lading -> our column names.
_ALIASES = {
    "id": "shipment_id", "shipment": "shipment_id", "order_id": "shipment_id", "bl_number": "shipment_id",
    "bill_of_lading": "shipment_id", "declaration_no": "shipment_id",
    "shipper": "shipper_name", "exporter": "shipper_name", "seller": "shipper_name",
    "consignee": "consignee_name", "buyer": "consignee_name", "importer": "consignee_name",
    "notify_party": "notify_party_name", "notify": "notify_party_name",
    "end_user": "end_user_name", "ultimate_consignee": "end_user_name",
    "description": "goods_description", "goods": "goods_description", "product": "goods_description",
    "commodity": "goods_description", "hs": "hs_code", "hscode": "hs_code", "hts": "hs_code",
    "tariff_code": "hs_code", "qty": "quantity", "value": "value_usd", "amount_usd": "value_usd",
    "pol": "port_of_loading", "pod": "port_of_discharge", "destination": "final_destination",
    "mode": "transport_mode", "vessel": "vessel_name", "imo": "vessel_imo", "mmsi": "vessel_mmsi",
    "payment": "payment_terms", "incoterm": "incoterms",
    "发货人": "shipper_name", "境内发货人": "shipper_name", "收货人": "consignee_name", "境外收货人": "consignee_name",
    "通知人": "notify_party_name", "最终用户": "end_user_name", "商品名称": "goods_description",
    "货物描述": "goods_description", "品名": "goods_description", "商品编码": "hs_code", "hs编码": "hs_code",
    "数量": "quantity", "单位": "unit", "金额": "value_usd", "美元金额": "value_usd", "起运港": "port_of_loading",
    "装货港": "port_of_loading", "目的港": "port_of_discharge", "卸货港": "port_of_discharge",
    "最终目的地": "final_destination", "运抵国": "consignee_country", "运输方式": "transport_mode",
    "船名": "vessel_name", "付款方式": "payment_terms", "成交方式": "incoterms", "日期": "date",
}
_ID_FIELDS = ("shipper_uscc", "consignee_uscc", "end_user_uscc")
_SCAN_ID_FIELDS = ("consignee_name", "consignee_address", "end_user_name", "end_user_address",
                   "shipper_name", "shipper_address", "notify_party_name")
_USCC_RE = re.compile(r"(?<![0-9A-Z])([0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10})(?![0-9A-Z])")
_SIX_DIGITS = re.compile(r"\d{6}")
_RID_RE = re.compile(r"(?<!\d)(\d{17}[\dXx])(?![\dXx])")
_PIECE_UNITS = {
    "", "pcs", "pc", "piece", "pieces", "unit", "units", "set", "sets", "ea", "each", "nos", "no", "nr", "pce",
    "台", "个", "件", "套", "部", "块", "只", "片", "张", "u", "qty",
}
_PARTY_ROLES = (("shipper", "shipper_name"), ("consignee", "consignee_name"),
                ("notify party", "notify_party_name"), ("end user", "end_user_name"))
_ELECTRONIC_HEADINGS = ("8471", "8473", "8517", "8542", "8523", "8525", "8528", "8529", "8543", "8486")
MAX_QUANTITY = 1e8
MAX_VALUE_USD = 1e10


def normalize_column(name: str) -> str:
    key = re.sub(r"[\s\-/.]+", "_", name.strip().lstrip("\ufeff").casefold()).strip("_")
    return _ALIASES.get(key, key)


# ------------------------------------------------------------------------------------ reading


def detect_format(path: str | Path, fmt: str | None = None) -> str:
    """``csv``, ``tsv``, ``jsonl`` or ``parquet`` from ``fmt``, the file name, or the first bytes."""
    if fmt:
        f = fmt.lower().strip(".")
        aliases = {"ndjson": "jsonl", "json": "jsonl", "jsonlines": "jsonl", "pq": "parquet", "txt": "csv"}
        f = aliases.get(f, f)
        if f not in ("csv", "tsv", "jsonl", "parquet"):
            raise InvalidInput(f"unknown input format {fmt!r}: use csv, tsv, jsonl or parquet")
        return f
    p = Path(path)
    suffixes = [s.lower() for s in p.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    ext = suffixes[-1] if suffixes else ""
    if ext in (".parquet", ".pq"):
        return "parquet"
    if ext in (".jsonl", ".ndjson", ".json"):
        return "jsonl"
    if ext == ".tsv":
        return "tsv"
    if ext in (".csv", ".txt"):
        return "csv"
    try:
        with open(p, "rb") as fh:
            head = fh.read(4)
    except OSError as exc:
        raise InvalidInput(f"cannot read {path}: {exc.strerror or exc}") from exc
    if head == b"PAR1":
        return "parquet"
    if head[:1] in (b"{", b"["):
        return "jsonl"
    return "csv"


# The per-line decoding (UTF-8, else GB18030, else Latin-1 reported; UTF-16 with a BOM) is shared
# with the party-file reader: interdict.textio.
_open_binary = open_binary
_LineDecoder = LineDecoder


def _excerpt(text: str, limit: int = 100) -> str:
    """User input echoed in a message, cut to ``limit`` characters."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


_utf16_lines = utf16_lines


def _records_csv(raw: IO[bytes], problems: ProblemLog, file: str, delimiter: str | None) -> Iterator[tuple[int, dict]]:
    head = raw.peek(4)[:4] if hasattr(raw, "peek") else b""
    if head[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        lines: Iterable[str] = _utf16_lines(raw)
        decoder = None
    else:
        decoder = _LineDecoder(raw, problems, file)
        lines = decoder
    csv.field_size_limit(16 * 1024 * 1024)
    it = iter(lines)
    header_line = None
    for text in it:
        if text.strip():
            header_line = text
            break
    if header_line is None:
        raise InvalidInput(f"{file}: the file is empty (no header row)")
    if delimiter is None:
        counts = {d: header_line.count(d) for d in (",", ";", "\t", "|")}
        delimiter = max(counts, key=lambda d: counts[d]) if max(counts.values()) > 0 else ","
    header = next(csv.reader([header_line], delimiter=delimiter))
    columns = [normalize_column(h) for h in header]
    header_offset = decoder.line if decoder else 1
    known = [c for c in columns if c in COLUMNS]
    if not known:
        raise InvalidInput(
            f"{file}: no known column in the header ({_excerpt(', '.join(h[:40] for h in header[:8]))}); "
            "expected some of: "
            + ", ".join(COLUMNS)
        )
    missing = [c for c in ("goods_description", "hs_code", "consignee_name", "consignee_country",
                           "final_destination") if c not in columns]
    if missing:
        problems.add("columns missing (rules that need them are skipped): " + ", ".join(missing),
                     file=file, line=header_offset)
    ncols = len(columns)
    source = _PushbackLines(it, header_offset + 1)
    reader = csv.reader(source, delimiter=delimiter)
    id_col = columns.index("shipment_id") if "shipment_id" in columns else None
    while True:
        source.taken = []
        try:
            row: list[str] | None = next(reader)
            error = None
        except StopIteration:
            return
        except csv.Error as exc:
            row, error = None, exc
        taken = source.taken
        if not taken:
            return
        start = taken[0][0]
        if len(taken) > 1 and (row is None or len(row) != ncols):
            # an unbalanced quote ran into the following lines: read its own line without quote
            # handling, then read the swallowed lines again as rows of their own
            source.push_back(taken[1:])
            yield from _unbalanced_row(taken[0][1], start, columns, delimiter, id_col, problems, file)
            continue
        if row is None:
            problems.add(f"unreadable CSV row: {error}", file=file, line=start)
            continue
        if not row or not any(cell.strip() for cell in row):
            continue
        if len(row) != ncols:
            problems.add(f"row has {len(row)} fields, the header has {ncols}", file=file, line=start)
            row = (row + [""] * ncols)[:ncols]
        yield start, dict(zip(columns, row, strict=True))


class _PushbackLines:
    """Physical lines with their numbers; lines given back are read again (resynchronising after a bad quote)."""

    def __init__(self, lines: Iterator[str], first: int) -> None:
        self.lines = lines
        self.next_number = first
        self.pending: list[tuple[int, str]] = []
        self.taken: list[tuple[int, str]] = []

    def __iter__(self) -> _PushbackLines:
        return self

    def __next__(self) -> str:
        if self.pending:
            item = self.pending.pop()
        else:
            item = (self.next_number, next(self.lines))
            self.next_number += 1
        self.taken.append(item)
        return item[1]

    def push_back(self, items: list[tuple[int, str]]) -> None:
        self.pending.extend(reversed(items))


def _unbalanced_row(text: str, line: int, columns: list[str], delimiter: str, id_col: int | None,
                    problems: ProblemLog, file: str) -> Iterator[tuple[int, dict]]:
    cells = next(csv.reader([text.rstrip("\r\n")], delimiter=delimiter, quoting=csv.QUOTE_NONE), [])
    sid = cells[id_col].strip().strip('"') if id_col is not None and id_col < len(cells) else None
    if len(cells) == len(columns):
        problems.add("unbalanced quote: the row was read without quote handling (check its fields)",
                     file=file, line=line, record=sid or None)
        yield line, dict(zip(columns, (c.strip('"') for c in cells), strict=True))
    else:
        problems.add(f"unbalanced quote: row skipped ({len(cells)} fields without quote handling, the header "
                     f"has {len(columns)}); the lines after it were read on their own", file=file, line=line,
                     record=sid or None)


def _records_jsonl(raw: IO[bytes], problems: ProblemLog, file: str) -> Iterator[tuple[int, dict]]:
    decoder = _LineDecoder(raw, problems, file)
    for text in decoder:
        line = decoder.line
        text = text.strip()
        if not text:
            continue
        if line == 1 and text.startswith("["):
            raise InvalidInput(f"{file}: a JSON array is not streamed; write one JSON object per line (JSON lines)")
        try:
            obj = json.loads(text)
        except ValueError as exc:
            problems.add(f"invalid JSON: {exc}", file=file, line=line)
            continue
        if not isinstance(obj, dict):
            problems.add("a JSON line must be an object", file=file, line=line)
            continue
        yield line, {normalize_column(str(k)): v for k, v in obj.items()}


def _records_parquet(path: Path, problems: ProblemLog, file: str) -> Iterator[tuple[int, dict]]:
    try:
        import pyarrow.parquet as pq

        pf = pq.ParquetFile(path)
    except Exception as exc:  # noqa: BLE001 - pyarrow raises several types for a bad file
        raise InvalidInput(f"{file}: not a readable Parquet file: {exc}") from exc
    columns = [normalize_column(c) for c in pf.schema_arrow.names]
    if not any(c in COLUMNS for c in columns):
        raise InvalidInput(f"{file}: no known column in the Parquet schema")
    row = 0
    for batch in pf.iter_batches(batch_size=8192):
        names = [normalize_column(c) for c in batch.schema.names]
        cols = [batch.column(i).to_pylist() for i in range(batch.num_columns)]
        for i in range(batch.num_rows):
            row += 1
            yield row, {n: c[i] for n, c in zip(names, cols, strict=True)}


def iter_records(source: str | Path, problems: ProblemLog | None = None, *, fmt: str | None = None,
                 delimiter: str | None = None) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield ``(line, record)`` from a CSV/TSV, JSON lines or Parquet file (``.gz`` allowed for text)."""
    problems = problems if problems is not None else ProblemLog()
    path = Path(source)
    if not path.exists():
        raise InvalidInput(f"no such file: {path}")
    if path.is_dir():
        raise InvalidInput(f"{path} is a directory, not a shipment file")
    kind = detect_format(path, fmt)
    file = str(path)
    if kind == "parquet":
        yield from _records_parquet(path, problems, file)
        return
    raw = _open_binary(path)
    buffered = raw if hasattr(raw, "peek") else io.BufferedReader(raw)  # type: ignore[arg-type]
    try:
        if kind == "jsonl":
            yield from _records_jsonl(buffered, problems, file)
        else:
            yield from _records_csv(buffered, problems, file, "\t" if kind == "tsv" else delimiter)
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise InvalidInput(f"{file}: read failed: {exc}") from exc
    finally:
        raw.close()


# ------------------------------------------------------------------------------------ values

_CURRENCY_RE = re.compile(r"^(usd|us\$|\$|rmb|cny|¥|￥|eur|€)\s*", re.IGNORECASE)
_UNIT_RE = re.compile(r"[A-Za-z\u4e00-\u9fff$.]{1,12}")
_NUM_RE = re.compile(r"[-+]?\d[\d,\s]*(?:\.\d+)?(?:[eE][-+]?\d+)?|[-+]?\.\d+")


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    text = str(value).strip()
    return text or None


def parse_number(value: Any) -> tuple[float | None, str | None, bool]:
    """(number, trailing unit text, ok). Accepts "1,200", "USD 1200.50", "$3k"? no: only plain numbers
    with thousands separators and an optional currency or unit around them."""
    if value is None or isinstance(value, bool):
        return None, None, True
    if isinstance(value, int | float):
        if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
            return None, None, not math.isinf(value)
        return float(value), None, True
    text = str(value).strip()
    if not text or text.lower() in ("nan", "none", "null", "n/a", "-"):
        return None, None, True
    cleaned = _CURRENCY_RE.sub("", text)
    m = _NUM_RE.match(cleaned)
    if not m:
        return None, None, False
    digits = m.group(0).replace(",", "").replace(" ", "")
    rest = cleaned[m.end():].strip()
    try:
        number = float(digits)
    except ValueError:
        return None, None, False
    if math.isinf(number) or math.isnan(number):
        return None, None, False
    if rest and not _UNIT_RE.fullmatch(rest):
        return None, None, False
    return number, rest or None, True


# ------------------------------------------------------------------------------------ summary


@dataclass
class RunSummary:
    """Counts for a screening run and the riskiest shipments (a bounded heap: memory stays flat)."""

    top_n: int = 50
    shipments: int = 0
    levels: Counter = field(default_factory=Counter)
    rules: Counter = field(default_factory=Counter)
    families: Counter = field(default_factory=Counter)
    rule_levels: dict[str, Counter] = field(default_factory=dict)
    score_bins: list[int] = field(default_factory=lambda: [0] * 10)
    problem_count: int = 0
    rule_family: dict[str, str] = field(default_factory=dict)
    _top: list[tuple[float, int, dict[str, Any]]] = field(default_factory=list)

    def add(self, alert: Alert) -> None:
        self.shipments += 1
        self.levels[alert.level.value] += 1
        self.score_bins[min(9, int(alert.score * 10))] += 1
        seen_families: set[str] = set()
        for r in alert.reasons:
            self.rules[r.rule_id] += 1
            self.rule_levels.setdefault(r.rule_id, Counter())[alert.level.value] += 1
            fam = self.rule_family.get(r.rule_id) or r.rule_id.split("-")[0]
            if fam not in seen_families:
                seen_families.add(fam)
                self.families[fam] += 1
        if alert.reasons:
            item = (alert.score, -self.shipments, _row(alert))
            if len(self._top) < self.top_n:
                heapq.heappush(self._top, item)
            elif item[:2] > self._top[0][:2]:
                heapq.heapreplace(self._top, item)

    @property
    def top(self) -> list[dict[str, Any]]:
        return [row for _, _, row in sorted(self._top, key=lambda t: (-t[0], -t[1]))]

    def to_dict(self) -> dict[str, Any]:
        return {"shipments": self.shipments, "levels": dict(self.levels), "rules": dict(self.rules),
                "families": dict(self.families), "problems": self.problem_count}


def _reason_dict(r: Reason) -> dict[str, Any]:
    """The JSON form of a reason (same as ``model_dump(exclude_none=True, mode="json")``, faster)."""
    out: dict[str, Any] = {"rule_id": r.rule_id, "summary": r.summary, "score": r.score, "evidence": r.evidence}
    c = r.citation
    if c is not None:
        cit: dict[str, Any] = {"instrument": c.instrument}
        if c.paragraph is not None:
            cit["paragraph"] = c.paragraph
        if c.source_id is not None:
            cit["source_id"] = c.source_id
        cit["grade"] = c.grade.value
        if c.url is not None:
            cit["url"] = c.url
        out["citation"] = cit
    if r.path is not None:
        out["path"] = list(r.path)
    return out


def _row(alert: Alert) -> dict[str, Any]:
    row: dict[str, Any] = {"shipment_id": alert.subject, "score": round(alert.score, 4), "level": alert.level.value}
    line = alert.details.get("line")
    if line is not None:
        row["line"] = line
    row["reasons"] = [_reason_dict(r) for r in alert.reasons]
    if alert.details.get("problems"):
        row["problems"] = alert.details["problems"]
    if alert.caption:
        row["caption"] = alert.caption
    return row


# ------------------------------------------------------------------------------------ writer


class AlertWriter:
    """Writes alerts as JSON lines (one object per shipment) or CSV (formula cells escaped)."""

    CSV_COLUMNS = ("shipment_id", "line", "score", "level", "rule_ids", "reasons", "citations", "problems")

    def __init__(self, path: str | Path | IO[str], fmt: str | None = None) -> None:
        if isinstance(path, str | Path):
            p = Path(path)
            self.fmt = (fmt or ("csv" if p.suffix.lower() in (".csv", ".tsv") else "jsonl")).lower()
            try:
                self._fh: IO[str] = open(p, "w", encoding="utf-8", newline="")
            except OSError as exc:
                raise InvalidInput(f"cannot write {p}: {exc.strerror or exc}") from exc
            self._own = True
        else:
            self.fmt = (fmt or "jsonl").lower()
            self._fh = path
            self._own = False
        if self.fmt not in ("jsonl", "csv"):
            raise InvalidInput(f"unknown output format {self.fmt!r}: use jsonl or csv")
        self._csv = None
        if self.fmt == "csv":
            self._csv = csv.writer(self._fh)
            self._csv.writerow(self.CSV_COLUMNS)

    def write(self, alert: Alert) -> None:
        row = _row(alert)
        row.pop("caption", None)
        if self._csv is None:
            self._fh.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")
            return
        reasons = alert.reasons
        cells = [
            alert.subject, row.get("line", ""), f"{alert.score:.4f}", alert.level.value,
            ";".join(r.rule_id for r in reasons),
            " | ".join(r.summary for r in reasons),
            " | ".join(r.citation.short() for r in reasons if r.citation),
            " | ".join(str(p) for p in row.get("problems", [])),
        ]
        self._csv.writerow([csv_safe(c) for c in cells])

    def close(self) -> None:
        if self._own:
            self._fh.close()

    def __enter__(self) -> AlertWriter:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


# ------------------------------------------------------------------------------------ engine


def _cite(rule: Rule, **override: Any) -> Citation:
    data = rule.citation.model_dump()
    data.update({k: v for k, v in override.items() if v is not None})
    return Citation(**data)


class TradeScreener:
    """Applies the trade rule pack to shipment records; one instance per run (it keeps bounded
    per-consignee memory for the first-time-buyer and mixed-commodity red flags).

    Args:
        screener: a party screener (``interdict.screening.Screener`` or any object with its
            ``screen(name, schema=...)`` shape); None turns party screening off.
        address_index: designated parties' addresses (:class:`AddressIndex`); None turns the
            shared-address rule off.
        pack: rule pack name or path (default ``"trade"``).
    """

    def __init__(self, *, screener: Any = None, address_index: AddressIndex | None = None,
                 pack: str = "trade", memory: int = 200_000) -> None:
        self.rules: dict[str, Rule] = load_pack(pack)
        self.by_check: dict[str, list[Rule]] = {}
        for rule in self.rules.values():
            self.by_check.setdefault(str(rule.params.get("check", "")), []).append(rule)
        self.party = (screener if isinstance(screener, PartyScreener) else PartyScreener(screener)) \
            if screener is not None else None
        self.addresses = address_index if address_index is not None and len(address_index) else None
        self.categories = categories()
        self.memory = memory
        self._seen: OrderedDict[str, set[str]] = OrderedDict()

    # -- helpers --------------------------------------------------------------------------------
    def _rules(self, check: str) -> list[Rule]:
        return self.by_check.get(check, [])

    def _reason(self, rule: Rule, summary: str, evidence: dict[str, Any], score: float | None = None,
                citation: Citation | None = None) -> Reason:
        ev = dict(evidence)
        # model_construct: every field is built here from validated rules, so skip re-validation (hot path)
        return Reason.model_construct(
            rule_id=rule.id, summary=summary, evidence=ev, citation=citation or rule.citation, path=None,
            score=round(min(1.0, max(0.0, rule.weight if score is None else score)), 4))

    def _remember(self, consignee: str | None, tags: set[str]) -> set[str] | None:
        """Tags seen before for this consignee (None if first time); then remember the new ones."""
        if not consignee:
            return set()
        key = normalize_name(consignee)
        before = self._seen.get(key)
        if before is None:
            self._seen[key] = set(tags)
            if len(self._seen) > self.memory:
                self._seen.popitem(last=False)
            return None
        self._seen.move_to_end(key)
        prior = set(before)
        before.update(tags)
        return prior

    # -- one record -----------------------------------------------------------------------------
    def screen(self, record: dict[str, Any], line: int | None = None, *, file: str | None = None,
               problems: ProblemLog | None = None) -> Alert:
        rec: dict[str, Any] = {}
        for k, v in record.items():
            if v.__class__ is str:
                v = v.strip()
                if v:
                    rec[k] = v
            elif v is not None:
                t = _text(v)
                if t:
                    rec[k] = t
        columns = record.keys()
        local: list[str] = []

        def problem(message: str, field_name: str | None = None) -> None:
            local.append(f"{field_name}: {message}" if field_name else message)
            if problems is not None:
                problems.add(message, file=file, line=line, field=field_name, record=sid)

        sid = rec.get("shipment_id") or (f"line-{line}" if line is not None else "shipment")
        desc = rec.get("goods_description") or ""
        reasons: list[Reason] = []

        # values --------------------------------------------------------------------------------
        qty, qty_unit, ok = parse_number(record.get("quantity"))
        if not ok:
            problem(f"quantity {str(record.get('quantity'))[:40]!r} is not a number", "quantity")
        elif qty is not None and (qty < 0 or qty > MAX_QUANTITY):
            problem(f"absurd quantity {qty:g} ignored", "quantity")
            qty = None
        value, _, ok = parse_number(record.get("value_usd"))
        if not ok:
            problem(f"value {str(record.get('value_usd'))[:40]!r} is not a number", "value_usd")
        elif value is not None and (value < 0 or value > MAX_VALUE_USD):
            problem(f"absurd value USD {value:g} ignored", "value_usd")
            value = None
        unit = (rec.get("unit") or qty_unit or "").casefold().strip(".")
        pieces = qty if (qty is not None and unit in _PIECE_UNITS) else None
        unit_value = (value / qty) if (value is not None and qty) else value

        # goods ---------------------------------------------------------------------------------
        hs = check_hs(record.get("hs_code"))
        if hs is not None and not hs.valid:
            problem(hs.problem or "unknown HS code", "hs_code")
        cls = classify(desc)
        goods_ids = cls.ids
        chapters: dict[int, str] = {}  # chapter -> how we know
        headings: list[tuple[str, str]] = []  # (code, how we know)
        if hs is not None and hs.chapter is not None:
            chapters[hs.chapter] = "declared"
            if hs.code:
                headings.append((hs.code, "declared"))
        for cat in cls.categories:
            ch = int(cat.classify_to[:2])
            chapters.setdefault(ch, "described")
            headings.append((cat.classify_to, "described"))
        electronic = bool(goods_ids & {"computers", "computer_parts", "gpu", "processors", "servers", "phones",
                                      "network", "storage", "consumer_electronics"})
        if not electronic and hs is not None and hs.code and hs.code.startswith(_ELECTRONIC_HEADINGS):
            electronic = True

        route = analyse_route(rec)
        to_dprk = bool(route.dprk_dest)
        from_dprk = bool(route.dprk_origin)
        goods_ev = self._goods_evidence(desc, hs, cls)

        if to_dprk or from_dprk:
            reasons.extend(self._hs_bans(to_dprk, from_dprk, hs, cls, chapters, headings, goods_ev, route))
        if to_dprk:
            reasons.extend(self._luxury(hs, cls, unit_value, goods_ev))
            reasons.extend(self._ear(chapters, goods_ev, route))
        reasons.extend(self._models(cls))
        reasons.extend(self._mismatch(hs, cls, desc))
        if hs is not None and not hs.valid:
            for rule in self._rules("hs_invalid"):
                reasons.append(self._reason(rule, f"Declared HS code {hs.raw!r} is not in HS 2022: {hs.problem}.",
                                            {"hs_code": hs.raw, "problem": hs.problem}))
        reasons.extend(self._keywords(rec, chapters, goods_ids, value))

        # routes --------------------------------------------------------------------------------
        reasons.extend(self._routes(rec, route, cls, goods_ids, electronic, pieces, value))
        reasons.extend(self._vessel(rec, problem))

        # parties -------------------------------------------------------------------------------
        reasons.extend(self._parties(rec, route, goods_ids, electronic, pieces, value, cls, "end_user_name" in columns))

        # behaviour over the file ----------------------------------------------------------------
        reasons.extend(self._history(rec, goods_ids, pieces))

        score = combine_scores(reasons)
        level = level_for(score, reasons) if reasons else Level.CLEAR
        details: dict[str, Any] = {"line": line}
        if local:
            details["problems"] = local
        if hs is not None:
            details["hs"] = hs.to_dict()
        if cls.categories:
            details["categories"] = [c.id for c in cls.categories]
            if hs is None:
                details["suggested_hs"] = cls.suggested_hs
        reasons.sort(key=lambda r: -r.score)
        caption = desc[:100] if desc else None
        return Alert(subject=sid, subject_type="shipment", score=score, level=level, reasons=reasons,
                     engine="trade", caption=caption, details=details)

    # -- goods ----------------------------------------------------------------------------------
    @staticmethod
    def _goods_evidence(desc: str, hs: HSCode | None, cls: Classification) -> dict[str, Any]:
        ev: dict[str, Any] = {}
        if desc:
            ev["goods_description"] = desc[:200]
        if hs is not None:
            ev["hs_code"] = hs.raw
            if hs.description:
                ev["hs_description"] = hs.description[:160]
        if cls.categories:
            ev["classified_as"] = cls.categories[0].label
            ev["keyword"] = cls.keywords[0]
            if hs is None:
                ev["suggested_hs"] = cls.suggested_hs
        return ev

    def _hs_bans(self, to_dprk: bool, from_dprk: bool, hs: HSCode | None, cls: Classification,
                 chapters: dict[int, str], headings: list[tuple[str, str]], goods_ev: dict[str, Any],
                 route: RouteFacts) -> list[Reason]:
        out: list[Reason] = []
        for rule in self._rules("hs_ban"):
            direction = rule.params.get("direction", "to_dprk")
            if (direction == "to_dprk" and not to_dprk) or (direction == "from_dprk" and not from_dprk):
                continue
            banned_ch = {int(c) for c in rule.params.get("hs_chapters") or []}
            banned_hd = [str(h) for h in rule.params.get("hs_headings") or []]
            how = None
            for ch, source in chapters.items():
                if ch in banned_ch:
                    how = (f"chapter {ch:02d}", source)
                    break
            if how is None:
                for code, source in headings:
                    hit = next((h for h in banned_hd if code.startswith(h)), None)
                    if hit:
                        how = (f"heading {hit}", source)
                        break
            if how is None:
                continue
            where = route.dprk_dest if direction == "to_dprk" else route.dprk_origin
            field_name, val = where[0]
            verb = "consigned to" if direction == "to_dprk" else "shipped from"
            basis = "declared HS code" if how[1] == "declared" else "goods description"
            cit = rule.citation
            summary = (f"Goods in HS {how[0]} (by the {basis}) {verb} the DPRK ({field_name} {val!r}): "
                       f"banned by {cit.instrument}{' ' + cit.paragraph if cit.paragraph else ''}.")
            ev = {**goods_ev, "hs_scope": how[0], "basis": basis, "dprk_field": field_name, "dprk_value": val}
            out.append(self._reason(rule, summary, ev))
        return out

    def _luxury(self, hs: HSCode | None, cls: Classification, unit_value: float | None,
                goods_ev: dict[str, Any]) -> list[Reason]:
        out: list[Reason] = []
        for rule in self._rules("luxury"):
            mins = rule.params.get("min_value_usd") or {}
            for cid in rule.params.get("categories") or []:
                cat = self.categories.get(cid)
                if cat is None:
                    continue
                by_desc = cid in cls.ids
                by_code = bool(hs and hs.code and any(hs.code.startswith(p) for p in cat.hs if len(p) >= 4))
                if not (by_desc or by_code):
                    continue
                floor = mins.get(cid) if isinstance(mins, dict) else None
                if floor and unit_value is not None and unit_value <= float(floor):
                    continue
                summary = f"{cat.label} consigned to the DPRK: luxury goods under {rule.citation.instrument}."
                ev = {**goods_ev, "luxury_category": cat.label, "basis": "description" if by_desc else "declared HS code"}
                if floor:
                    ev["threshold_usd"] = floor
                    ev["unit_value_usd"] = round(unit_value, 2) if unit_value is not None else None
                out.append(self._reason(rule, summary, ev))
                break
        return out

    def _ear(self, chapters: dict[int, str], goods_ev: dict[str, Any], route: RouteFacts) -> list[Reason]:
        out: list[Reason] = []
        for rule in self._rules("ear_embargo"):
            exempt = {int(c) for c in rule.params.get("exempt_chapters") or []}
            if chapters and all(ch in exempt for ch in chapters):
                continue
            what = "goods not identified" if not chapters else "HS chapter(s) " + ", ".join(
                f"{c:02d}" for c in sorted(chapters))
            field_name, val = route.dprk_dest[0]
            out.append(self._reason(
                rule, f"Export or reexport to the DPRK ({field_name} {val!r}) of items other than food or medicine "
                      f"({what}) needs a BIS licence, with a policy of denial.",
                {**goods_ev, "dprk_field": field_name, "dprk_value": val, "chapters": sorted(chapters)}))
        return out

    def _models(self, cls: Classification) -> list[Reason]:
        if not cls.models:
            return []
        out: list[Reason] = []
        for rule in self._rules("product_model"):
            grades = sorted(m.model.grade for m in cls.models)
            best = min(cls.models, key=lambda m: m.model.grade)
            names = ", ".join(f"{m.model.label} ({m.eccn})" for m in cls.models)
            cit = _cite(rule, source_id=best.model.source_id, grade=Grade(grades[0]),
                        paragraph=", ".join(sorted({m.eccn for m in cls.models})))
            factor = float((rule.params.get("grade_factor") or {}).get(grades[0], 1.0))
            out.append(self._reason(
                rule, f"Description names controlled accelerator/GPU model(s): {names}.",
                {"models": [m.to_dict() for m in cls.models]}, score=rule.weight * factor, citation=cit))
        return out

    def _mismatch(self, hs: HSCode | None, cls: Classification, desc: str) -> list[Reason]:
        primary = cls.primary
        if hs is None or hs.code is None or primary is None or not primary.mismatch:
            return []
        if any(self._fits(cat, hs) for cat in cls.categories):
            return []
        out = []
        for rule in self._rules("hs_mismatch"):
            declared = hs.description or "unknown heading"
            short = declared if len(declared) <= 70 else declared[:70].rsplit(" ", 1)[0] + "…"
            out.append(self._reason(
                rule, f"Declared HS {hs.raw} ({short}) does not fit the description "
                      f"({primary.label}: {cls.keywords[0]!r}); expected HS {', '.join(primary.hs[:3])}...",
                {"hs_code": hs.raw, "hs_description": declared[:160], "goods_description": desc[:200],
                 "classified_as": primary.label, "keyword": cls.keywords[0], "expected_hs": list(primary.hs)}))
        return out

    @staticmethod
    def _fits(cat: Category, hs: HSCode) -> bool:
        from interdict.trade.goods import hs_fits

        return hs_fits(cat, hs)

    def _keywords(self, rec: dict[str, Any], chapters: dict[int, str], goods_ids: frozenset[str],
                  value: float | None) -> list[Reason]:
        out: list[Reason] = []
        for rule in self._rules("keyword"):
            p = rule.params
            if p.get("hs_chapters") and not any(int(c) in chapters for c in p["hs_chapters"]):
                # vague descriptions have no category, so chapters come from the declared code only
                continue
            if p.get("categories") and not (goods_ids & set(p["categories"])):
                continue
            if p.get("min_value_usd") and (value is None or value < float(p["min_value_usd"])):
                continue
            for fname in p.get("fields") or ["goods_description"]:
                text = rec.get(fname)
                if not text:
                    continue
                kw = has_keyword(text, p.get("keywords") or [])
                if not kw:
                    continue
                if p.get("whole"):
                    rest = re.sub(r"[\d\s,.;:/()\-x×*#]+", " ", text.casefold().replace(kw.casefold(), " "))
                    rest = re.sub(r"\b(pcs|units?|sets?|lot|of|and|various|misc|assorted|new|used)\b", " ", rest)
                    others = [w for w in rest.split() if w]
                    if any(has_keyword(w, p["keywords"]) is None for w in others):
                        continue
                out.append(self._reason(rule, f"{fname.replace('_', ' ').capitalize()} {text[:80]!r}: "
                                              f"{rule.description}.", {fname: text[:200], "keyword": kw}))
                break
        return out

    # -- routes ---------------------------------------------------------------------------------
    def _routes(self, rec: dict[str, Any], route: RouteFacts, cls: Classification, goods_ids: frozenset[str],
                electronic: bool, pieces: float | None, value: float | None) -> list[Reason]:
        out: list[Reason] = []
        if route.dprk_dest:
            for rule in self._rules("dprk_destination"):
                f, v = route.dprk_dest[0]
                out.append(self._reason(rule, f"Destination in the DPRK: {f} {v!r}.",
                                        {"fields": [{"field": a, "value": b} for a, b in route.dprk_dest[:4]]}))
        if route.dprk_origin:
            for rule in self._rules("dprk_origin"):
                f, v = route.dprk_origin[0]
                out.append(self._reason(rule, f"Origin in the DPRK: {f} {v!r}.",
                                        {"fields": [{"field": a, "value": b} for a, b in route.dprk_origin[:4]]}))
        border = route.border
        if border and not route.dprk_dest:
            first = border[0]
            place_ev = {"place": first.place.label(), "field": first.field, "value": first.value[:160],
                        "county_code": first.place.code, "opposite": first.place.opposite,
                        "place_source": f"{first.place.source_id} grade {first.place.grade}"}
            cats_hit = goods_ids
            for rule in self._rules("border_place"):
                wanted = set(rule.params.get("categories") or [])
                if (cats_hit & wanted) or (electronic and not cats_hit):
                    out.append(self._reason(
                        rule, f"Electronics to {first.place.label()}, a DPRK-border county "
                              f"(opposite {first.place.opposite or 'the DPRK'}), via {first.field}.",
                        {**place_ev, "goods": sorted(cats_hit) or ["HS electronics"]}))
            for rule in self._rules("border_volume"):
                vol = rule.params.get("volume") or {}
                advanced = [m for m in cls.models if m.eccn.startswith(("3A090.a", "4A090.a", "GP10"))]
                why = None
                if advanced:
                    why = f"advanced computing items ({', '.join(m.model.label for m in advanced)})"
                else:
                    for cid in sorted(cats_hit & set(vol)):
                        units, usd = vol[cid]
                        if pieces is not None and pieces >= float(units):
                            why = f"{pieces:g} units of {self.categories[cid].label.lower()} (threshold {units})"
                            break
                        if value is not None and value >= float(usd):
                            why = f"USD {value:,.0f} of {self.categories[cid].label.lower()} (threshold {usd:,})"
                            break
                if why:
                    out.append(self._reason(
                        rule, f"{why[0].upper()}{why[1:]} for {first.place.label()} on the DPRK border: no plausible "
                              f"local use at that volume.", {**place_ev, "why": why}))
            if not electronic:
                for rule in self._rules("border_place_other"):
                    out.append(self._reason(rule, f"Consigned to {first.place.label()} on the DPRK border.", place_ev))
        if route.trade_zone:
            for rule in self._rules("border_trade_zone"):
                tz = route.trade_zone[0]
                out.append(self._reason(rule, f"Destination is the {tz.place.name} ({tz.field}).",
                                        {"field": tz.field, "value": tz.value[:160]}))
        hubs = route.hubs
        if hubs and (electronic or goods_ids):
            for rule in self._rules("hub_transshipment"):
                wanted = set(rule.params.get("categories") or [])
                if not (goods_ids & wanted or electronic):
                    continue
                finals = route.at("final_destination")
                final_far = [p for p in finals if (p.place.is_border or p.place.is_dprk)
                             and p.place.key not in {h.place.key for h in hubs}]
                hub = hubs[0]
                if final_far and any(h.field in ("port_of_discharge", "consignee_address", "consignee_name")
                                     for h in hubs):
                    out.append(self._reason(
                        rule, f"Transshipment through {hub.place.label()} ({hub.field}) to "
                              f"{final_far[0].place.label()} on the DPRK border.",
                        {"hub": hub.place.label(), "hub_field": hub.field, "final_destination": final_far[0].value}))
                elif any(m.eccn.startswith(("3A090.a", "4A090.a", "GP10")) for m in cls.models):
                    out.append(self._reason(
                        rule, f"Advanced computing items consigned in {hub.place.label()}, a DPRK-nexus hub.",
                        {"hub": hub.place.label(), "hub_field": hub.field}, score=rule.weight * 0.5))
        for rule in self._rules("route_abnormal"):
            far = [p for p in route.dest if (p.place.is_border or p.place.is_dprk)
                   and p.field in ("final_destination", "end_user_address")]
            if not far:
                continue
            cc = route.consignee_country
            pod = rec.get("port_of_discharge")
            pod_cc = None
            if pod:
                pod_places = route.at("port_of_discharge")
                pod_cc = pod_places[0].place.country if pod_places else country_code(pod.split(",")[-1])
            third = [(n, c) for n, c in (("consignee_country", cc), ("port_of_discharge", pod_cc))
                     if c and c not in ("cn", "kp")]
            if third:
                n, c = third[0]
                out.append(self._reason(
                    rule, f"Final destination {far[0].value!r} is on the DPRK border but the {n.replace('_', ' ')} "
                          f"is in {c.upper()}: an abnormal route for the destination.",
                    {"final_destination": far[0].value, n: rec.get(n), "country": c}))
        for rule in self._rules("free_trade_zone"):
            for fname in ("consignee_address", "end_user_address", "final_destination"):
                kw = has_keyword(rec.get(fname), rule.params.get("keywords") or [])
                if kw:
                    out.append(self._reason(rule, f"{fname.replace('_', ' ').capitalize()} is in a free trade "
                                                  f"zone ({kw!r}).", {fname: rec.get(fname), "keyword": kw}))
                    break
        return out

    def _vessel(self, rec: dict[str, Any], problem: Any) -> list[Reason]:
        out: list[Reason] = []
        imo_raw = rec.get("vessel_imo")
        mmsi_raw = rec.get("vessel_mmsi")
        if imo_raw and sum(c.isdigit() for c in imo_raw) == 9 and not mmsi_raw:
            mmsi_raw, imo_raw = imo_raw, None  # an MMSI in the IMO column
        flag = rec.get("vessel_flag")
        if (mmsi_raw and mmsi_is_dprk(mmsi_raw)) or (flag and country_code(flag) == "kp"):
            for rule in self._rules("dprk_vessel"):
                what = f"MMSI {mmsi_raw} (MID 445)" if mmsi_raw and mmsi_is_dprk(mmsi_raw) else f"flag {flag!r}"
                out.append(self._reason(rule, f"Vessel {rec.get('vessel_name') or ''} is DPRK-flagged: {what}.",
                                        {"vessel_name": rec.get("vessel_name"), "mmsi": mmsi_raw, "flag": flag}))
        if imo_raw:
            digits = normalize_imo(imo_raw)
            if digits is None:
                problem(f"vessel IMO {imo_raw[:30]!r} is not 'IMO' + 7 digits", "vessel_imo")
            elif not imo_valid(digits):
                for rule in self._rules("imo_invalid"):
                    out.append(self._reason(rule, f"Vessel IMO {imo_raw} fails its check digit.",
                                            {"vessel_imo": imo_raw, "vessel_name": rec.get("vessel_name")}))
        if self.party is not None and rec.get("vessel_name"):
            hits = self.party.screen(rec.get("vessel_name"), "Vessel")
            out.extend(self._party_hits("vessel", rec.get("vessel_name") or "", hits))
        return out

    # -- parties --------------------------------------------------------------------------------
    def _party_hits(self, role: str, name: str, hits: tuple[PartyHit, ...]) -> list[Reason]:
        out: list[Reason] = []
        matched = [h for h in hits if h.match]
        if matched:
            h = matched[0]
            for rule in self._rules("designated_party"):
                progs = f" ({', '.join(h.programs[:4])})" if h.programs else ""
                out.append(self._reason(
                    rule, f"The {role} {name!r} matches listed party {h.caption!r}{progs}, score {h.score:.2f}.",
                    {"role": role, "name": name, **h.to_dict()}, score=rule.weight * min(1.0, max(h.score, 0.9))))
            return out
        for rule in self._rules("possible_party_match"):
            thr = float(rule.params.get("threshold", 0.7))
            near = [h for h in hits if h.score >= thr]
            if near:
                h = near[0]
                out.append(self._reason(
                    rule, f"The {role} {name!r} is similar to listed party {h.caption!r} (score {h.score:.2f}, "
                          f"below the match threshold).", {"role": role, "name": name, **h.to_dict()}))
        return out

    def _parties(self, rec: dict[str, Any], route: RouteFacts, goods_ids: frozenset[str], electronic: bool,
                 pieces: float | None, value: float | None, cls: Classification,
                 has_end_user_column: bool = True) -> list[Reason]:
        out: list[Reason] = []
        if self.party is not None:
            by_entity: dict[tuple[str, str], Reason] = {}  # one reason per listed party, roles merged
            for role, fname in _PARTY_ROLES:
                name = rec.get(fname)
                if not name:
                    continue
                for reason in self._party_hits(role, name, self.party.screen(name)):
                    key = (reason.rule_id, str(reason.evidence.get("id")))
                    first = by_entity.get(key)
                    if first is None:
                        by_entity[key] = reason
                        out.append(reason)
                    else:
                        first.evidence["role"] = f"{first.evidence['role']}, {role}"
        if self.addresses is not None:
            for rule in self._rules("shared_address"):
                for role, fname in (("consignee", "consignee_address"), ("end user", "end_user_address"),
                                    ("shipper", "shipper_address"), ("notify party", "notify_party_address")):
                    hit = self.addresses.lookup(rec.get(fname))
                    if hit:
                        out.append(self._reason(
                            rule, f"The {role} address {rec.get(fname)!r} is the listed address of {hit.caption!r}.",
                            {"role": role, "address": rec.get(fname), **hit.to_dict()}))
                        break
        for rule in self._rules("region_code_border"):
            found = self._region_codes(rec)
            if found:
                fname, code, kind, place = found
                hub = place.code not in BORDER_CODES
                out.append(self._reason(
                    rule, f"{kind} {code} in {fname} was issued in {place.label()} "
                          f"({'a DPRK-nexus hub' if hub else 'a DPRK-border county'}).",
                    {"field": fname, "identifier": code, "kind": kind, "region": place.label(),
                     "county_code": place.code}, score=rule.weight * (0.5 if hub else 1.0)))
        end_user = rec.get("end_user_name")
        consignee = rec.get("consignee_name")
        for rule in self._rules("end_user_missing"):
            if not has_end_user_column:
                continue
            placeholders = {p.casefold() for p in rule.params.get("placeholders") or []}
            missing = end_user is None or end_user.casefold() in placeholders
            if missing and goods_ids & set(rule.params.get("categories") or []):
                out.append(self._reason(rule, f"No end user named ({end_user or 'empty'!r}) for "
                                              f"{', '.join(sorted(goods_ids))}.", {"end_user_name": end_user}))
        for rule in self._rules("forwarder_consignee"):
            kw = has_keyword(consignee, rule.params.get("keywords") or [])
            factor = 1.0
            if not kw:
                kw = has_keyword(consignee, rule.params.get("weak_keywords") or [])
                factor = float(rule.params.get("weak_factor", 0.5))
            if not kw:
                continue
            eu_missing = end_user is None or normalize_name(end_user) == normalize_name(consignee or "") or \
                end_user.casefold() in {"n/a", "unknown", "tba", "same as consignee", "-", "none"}
            if eu_missing:
                out.append(self._reason(rule, f"Final consignee {consignee!r} is a forwarding/trading/logistics "
                                              f"company ({kw!r}) and no separate end user is named.",
                                        {"consignee_name": consignee, "keyword": kw, "end_user_name": end_user},
                                        score=rule.weight * factor))
        for rule in self._rules("cash_payment"):
            terms = rec.get("payment_terms")
            kw = has_keyword(terms, rule.params.get("keywords") or [])
            floor = float(rule.params.get("min_value_usd", 0))
            if kw and value is not None and value >= floor:
                out.append(self._reason(rule, f"Cash payment ({terms!r}) for goods worth USD {value:,.0f}.",
                                        {"payment_terms": terms, "value_usd": value}))
        for rule in self._rules("residential_volume"):
            if not (goods_ids & set(rule.params.get("categories") or [])):
                continue
            if pieces is None or pieces < float(rule.params.get("min_quantity", 1)):
                continue
            for fname in ("end_user_address", "consignee_address"):
                kw = has_keyword(rec.get(fname), rule.params.get("keywords") or [])
                if kw:
                    out.append(self._reason(rule, f"Residential address ({kw!r} in {fname}) ordering {pieces:g} "
                                                  f"units of {', '.join(sorted(goods_ids))}.",
                                            {fname: rec.get(fname), "keyword": kw, "quantity": pieces}))
                    break
        return out

    @staticmethod
    def _region_codes(rec: dict[str, Any]) -> tuple[str, str, str, Any] | None:
        for fname in _ID_FIELDS:
            code = rec.get(fname)
            if code:
                region = uscc_region(code)
                place = place_for_region_code(region) if region else None
                if place and (place.code in BORDER_CODES or place.code in HUB_CODES or place.is_hub):
                    return fname, code, "USCC", place
        for fname in _SCAN_ID_FIELDS:
            text = rec.get(fname)
            if not text or len(text) < 18 or not _SIX_DIGITS.search(text):
                continue
            for m in _USCC_RE.finditer(text.upper()):
                region = uscc_region(m.group(1))
                place = place_for_region_code(region) if region else None
                if place and (place.code in BORDER_CODES or place.is_hub):
                    return fname, m.group(1), "USCC", place
            for m in _RID_RE.finditer(text):
                region = resident_id_region(m.group(1))
                place = place_for_region_code(region) if region else None
                if place and (place.code in BORDER_CODES or place.is_hub):
                    return fname, m.group(1), "Resident ID", place
        return None

    def _history(self, rec: dict[str, Any], goods_ids: frozenset[str], pieces: float | None) -> list[Reason]:
        out: list[Reason] = []
        consignee = rec.get("consignee_name")
        if not consignee:
            return out
        tags = set(goods_ids)
        prior = self._remember(consignee, tags)
        for rule in self._rules("first_time_large"):
            if prior is None and pieces is not None and pieces >= float(rule.params.get("min_quantity", 1)) \
                    and goods_ids & set(rule.params.get("categories") or []):
                out.append(self._reason(rule, f"First shipment to {consignee!r} in this file and already "
                                              f"{pieces:g} units of {', '.join(sorted(goods_ids))}.",
                                        {"consignee_name": consignee, "quantity": pieces}))
        for rule in self._rules("mixed_commodity"):
            elec = set(rule.params.get("electronics") or [])
            bulk = set(rule.params.get("bulk") or [])
            if prior and ((goods_ids & elec and prior & bulk) or (goods_ids & bulk and prior & elec)):
                out.append(self._reason(rule, f"{consignee!r} receives both electronics and bulk commodities "
                                              f"({', '.join(sorted((prior | goods_ids) & (elec | bulk)))}).",
                                        {"consignee_name": consignee,
                                         "goods_seen": sorted((prior | goods_ids) & (elec | bulk))}))
        return out


# ------------------------------------------------------------------------------------ entry points


def _iter_input(source: Any, problems: ProblemLog, fmt: str | None) -> Iterator[tuple[int | None, dict, str | None]]:
    if isinstance(source, str | Path):
        file = str(source)
        for line, rec in iter_records(source, problems, fmt=fmt):
            yield line, rec, file
        return
    if hasattr(source, "itertuples") and hasattr(source, "columns"):  # a pandas DataFrame
        cols = [normalize_column(str(c)) for c in source.columns]
        for i, row in enumerate(source.itertuples(index=False, name=None), start=1):
            yield i, dict(zip(cols, row, strict=True)), None
        return
    if isinstance(source, dict):
        source = [source]
    try:
        iterator = iter(source)
    except TypeError as exc:
        raise InvalidInput("screen_shipments needs a file path, a DataFrame or an iterable of dicts") from exc
    for i, rec in enumerate(iterator, start=1):
        if not isinstance(rec, dict):
            problems.add(f"record is a {type(rec).__name__}, not a mapping", line=i)
            continue
        yield i, {normalize_column(str(k)): v for k, v in rec.items()}, None


def screen_shipments(
    source: Any,
    *,
    screener: Any = None,
    parties: bool = True,
    address_index: AddressIndex | None = None,
    problems: ProblemLog | None = None,
    fmt: str | None = None,
    pack: str = "trade",
    engine: TradeScreener | None = None,
) -> Iterator[Alert]:
    """Screen shipments and yield one :class:`Alert` per record, in input order.

    Args:
        source: a path (CSV, TSV, JSON lines, Parquet; ``.gz`` for text), a pandas DataFrame, or an
            iterable of dicts with the columns of :data:`COLUMNS` (any may be missing).
        screener: party screener to use; when None and ``parties`` is true the store's screener is
            opened (``interdict.screening.Screener.open()``); if that fails, party screening is off
            and a problem says so.
        parties: False to skip party and shared-address screening.
        address_index: designated addresses; when None and ``parties`` is true, built from the store.
        problems: a :class:`ProblemLog` that collects per-line problems (line numbers included).
    """
    problems = problems if problems is not None else ProblemLog()
    if engine is None:
        if parties and screener is None:
            try:
                from interdict.screening import get_screener

                screener = get_screener()
            except Exception as exc:  # noqa: BLE001 - no store yet: screen goods and routes anyway
                problems.add(f"party screening is off: cannot open the list screener ({exc})")
                screener = None
        if parties and address_index is None:
            try:
                store = getattr(screener, "store", None)
                address_index = AddressIndex.from_store(store) if store is not None else None
            except Exception as exc:  # noqa: BLE001
                problems.add(f"shared-address check is off: cannot read list addresses ({exc})")
        engine = TradeScreener(screener=screener if parties else None,
                               address_index=address_index if parties else None, pack=pack)
    for line, rec, file in _iter_input(source, problems, fmt):
        try:
            yield engine.screen(rec, line, file=file, problems=problems)
        except Exception as exc:  # noqa: BLE001 - one record must never stop the file
            problems.add(f"record could not be screened: {type(exc).__name__}: {exc}", file=file, line=line)


@dataclass
class RunResult:
    summary: RunSummary
    problems: ProblemLog
    party_stats: dict[str, Any] | None
    output: str | None = None
    report: str | None = None


def screen_file(
    path: str | Path,
    *,
    output: str | Path | IO[str] | None = None,
    output_format: str | None = None,
    report: str | Path | None = None,
    screener: Any = None,
    parties: bool = True,
    address_index: AddressIndex | None = None,
    fmt: str | None = None,
    top_n: int = 50,
    title: str | None = None,
    on_alert: Callable[[Alert], None] | None = None,
) -> RunResult:
    """Screen a file, write alerts (JSON lines or CSV) and optionally an HTML report; return counts.
    ``on_alert`` sees every alert as it streams (the CLI's audit record collects them)."""
    problems = ProblemLog()
    summary = RunSummary(top_n=top_n)
    engine = None
    if not Path(path).exists():
        raise InvalidInput(f"no such file: {path}")
    writer = AlertWriter(output, output_format) if output is not None else None
    try:
        # open the screener once here so its stats can be reported
        if parties and screener is None:
            try:
                from interdict.screening import get_screener

                screener = get_screener()
            except Exception as exc:  # noqa: BLE001
                problems.add(f"party screening is off: cannot open the list screener ({exc})")
        if parties and screener is not None and address_index is None:
            try:
                store = getattr(screener, "store", None)
                address_index = AddressIndex.from_store(store) if store is not None else None
            except Exception as exc:  # noqa: BLE001
                problems.add(f"shared-address check is off: cannot read list addresses ({exc})")
        engine = TradeScreener(screener=screener if parties else None,
                               address_index=address_index if parties else None)
        summary.rule_family = {rid: rule.family for rid, rule in engine.rules.items()}
        for alert in screen_shipments(path, problems=problems, fmt=fmt, engine=engine):
            summary.add(alert)
            if writer is not None:
                writer.write(alert)
            if on_alert is not None:
                on_alert(alert)
    finally:
        if writer is not None:
            writer.close()
    summary.problem_count = len(problems)
    party_stats = engine.party.stats() if engine is not None and engine.party is not None else None
    result = RunResult(summary, problems, party_stats, str(output) if isinstance(output, str | Path) else None)
    if report is not None:
        from interdict.trade.report import write_report

        write_report(report, summary, problems=problems, rules=engine.rules if engine else None,
                     source=str(path), party_stats=party_stats, title=title)
        result.report = str(report)
    return result

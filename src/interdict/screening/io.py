"""Read party files and write screening results: CSV, JSON lines, Parquet and FtM JSON lines.

Input rows become :class:`~interdict.matching.query.PartyQuery` objects. CSV columns are ``id,
name, schema, birth_date, country, nationality, identifier, address``; further names go in more
``name`` columns (``name``, ``name_2``, ``alias``...) or in one cell separated by ``;``; several
identifiers or countries are ``;``-separated too. JSON lines and Parquet rows use the same keys, or
the FtM shape (``{"id", "schema", "properties": {...}}``), which is what FtM JSON lines are.

A row that cannot be read (bad JSON, no usable name or identifier) is not screened: it is
reported as a :class:`~interdict.exc.InputProblem` with its line number and reason, and the batch
goes on. Values that are junk inside a good row (an invalid date) are dropped with a warning.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from interdict.exc import InputProblem, InvalidInput, ProblemLog
from interdict.matching.query import MAX_NAME_CHARS, PartyQuery, make_query
from interdict.names.tokenize import strip_controls
from interdict.reports import csv_safe
from interdict.screening.results import ScreeningResult
from interdict.textio import LineDecoder, excerpt, has_utf16_bom, looks_binary, open_binary, utf16_lines

__all__ = ["FORMATS", "PartyRow", "check_input", "validate_input", "detect_format", "read_parties", "ResultWriter", "count_rows"]

FORMATS = ("csv", "jsonl", "parquet", "ftm")
_NAME_COLUMNS = ("name", "names", "full_name", "alias", "aliases", "other_name")
_LIST_SPLIT = ";"


@dataclass
class PartyRow:
    """One input row: its line (1-based, header = line 1 in CSV), the query, and the problems found."""

    line: int
    row_id: str
    query: PartyQuery | None
    problems: list[InputProblem]

    @property
    def ok(self) -> bool:
        return self.query is not None


def detect_format(path: str | Path, fmt: str | None = None, option: str = "--input-format") -> str:
    """The format named, or guessed from the extension (``.csv``, ``.jsonl``/``.json``, ``.parquet``, ``.ftm.json``).

    ``option`` is the CLI option the error message tells the user to pass.
    """
    if fmt:
        fmt = fmt.lower()
        if fmt in ("json", "ndjson"):
            fmt = "jsonl"
        if fmt not in FORMATS:
            raise InvalidInput(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
        return fmt
    name = str(path).lower()
    if name.endswith((".ftm.json", ".ftm.jsonl", ".ftm")):
        return "ftm"
    if name.endswith((".jsonl", ".ndjson", ".json", ".jsonl.gz")):
        return "jsonl"
    if name.endswith((".parquet", ".pq")):
        return "parquet"
    if name.endswith((".csv", ".tsv", ".txt")):
        return "csv"
    raise InvalidInput(f"cannot tell the format of {excerpt(path)} from its extension; "
                       f"pass {option} ({', '.join(FORMATS)})")


def _split(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        out = []
        for v in value:
            out.extend(_split(v))
        return out
    text = str(value)
    return [p.strip() for p in text.split(_LIST_SPLIT) if p.strip()]


def clean_name_text(text: str, field: str = "name") -> tuple[str, list[str]]:
    """A name as typed or read: control characters removed (terminal escape sequences whole) and
    cut to ``MAX_NAME_CHARS``; with a warning for each change (``Kim\\x1b[31m`` -> ``Kim``)."""
    notes: list[str] = []
    cleaned, changed = strip_controls(text)
    if changed:
        notes.append(f"control characters removed from {field} (now {excerpt(cleaned, 60)!r})")
    if len(cleaned) > MAX_NAME_CHARS:
        notes.append(f"{field} of {len(cleaned):,} characters cut to {MAX_NAME_CHARS}")
        cleaned = cleaned[:MAX_NAME_CHARS]
    return cleaned, notes


def clean_query_input(query: Any) -> tuple[Any, list[str]]:
    """A name string, flat dict or FtM-shaped dict (``{"properties": {...}}``) with its names cleaned as
    :func:`clean_name_text` does, and the warnings; anything else is returned unchanged."""
    if isinstance(query, str):
        return clean_name_text(query)
    if isinstance(query, dict) and isinstance(query.get("properties"), dict):
        pairs: list[tuple[str, str]] = []
        props = {k: _clean_value(v, str(k), k in _FTM_NAME_PROPS, pairs) for k, v in query["properties"].items()}
        return {**query, "properties": props}, [msg for _, msg in pairs]
    if isinstance(query, dict):  # a flat row: {"name": ..., "country": ...}
        pairs = []
        flat = {k: _clean_value(v, str(k), _is_name_key(str(k).strip().lower()), pairs) for k, v in query.items()}
        return flat, [msg for _, msg in pairs]
    return query, []


def _clean_value(value: Any, field: str, is_name: bool, notes: list[tuple[str, str]]) -> Any:
    """A cell with control characters removed (escape sequences whole) and, for a name, cut to
    ``MAX_NAME_CHARS``; what was done goes to ``notes`` as ``(field, message)``."""
    if isinstance(value, (list, tuple)):
        return [_clean_value(v, field, is_name, notes) for v in value]
    if not isinstance(value, str):
        return value
    text, changed = strip_controls(value)
    if changed:
        notes.append((field, f"control characters removed from {field} (now {excerpt(text, 60)!r})"))
    if is_name:
        parts = []
        for part in text.split(_LIST_SPLIT):
            if len(part.strip()) > MAX_NAME_CHARS:
                notes.append((field, f"name of {len(part.strip()):,} characters cut to {MAX_NAME_CHARS}"))
                part = part.strip()[:MAX_NAME_CHARS]
            parts.append(part)
        text = _LIST_SPLIT.join(parts)
    return text


def _is_name_key(key: str) -> bool:
    base = key.split("_")[0] if key.startswith("name_") else key
    return key in _NAME_COLUMNS or base == "name"


def _flat_row(row: dict[str, Any], line: int, file: str) -> PartyRow:
    """A flat row (CSV, JSON lines, Parquet) with the documented column names."""
    lower = {str(k).strip().lower(): v for k, v in row.items() if k is not None}
    if "properties" in lower and isinstance(lower["properties"], dict):
        return _ftm_row(row, line, file)
    notes: list[tuple[str, str]] = []
    lower = {k: _clean_value(v, k, _is_name_key(k), notes) for k, v in lower.items()}
    names: list[str] = []
    for key, value in lower.items():
        if _is_name_key(key):
            names.extend(_split(value))
    row_id = str(lower.get("id") or "").strip() or f"line-{line}"
    countries = _split(lower.get("country")) + _split(lower.get("nationality")) + _split(lower.get("countries"))
    identifiers = _split(lower.get("identifier")) + _split(lower.get("identifiers"))
    for kind in ("imo", "imonumber", "mmsi", "registration_number", "passport", "uscc", "swift"):
        identifiers.extend(_split(lower.get(kind)))
    query = make_query(
        None,
        names=names,
        schema=(str(lower.get("schema")).strip() or None) if lower.get("schema") else None,
        birth_date=_split(lower.get("birth_date") or lower.get("date_of_birth") or lower.get("dob")),
        countries=countries,
        identifiers=identifiers,
        addresses=_split(lower.get("address")),
        id=row_id,
    )
    return _finish(query, line, row_id, file, notes)


_FTM_NAME_PROPS = ("name", "alias", "weakAlias", "previousName", "firstName", "lastName", "middleName",
                   "fatherName", "secondName")


def _ftm_row(data: dict[str, Any], line: int, file: str) -> PartyRow:
    row_id = str(data.get("id") or f"line-{line}")
    notes: list[tuple[str, str]] = []
    props = data.get("properties")
    if isinstance(props, dict):
        data = {**data, "properties": {k: _clean_value(v, str(k), k in _FTM_NAME_PROPS, notes)
                                       for k, v in props.items()}}
    query = make_query(data, id=row_id)
    return _finish(query, line, row_id, file, notes)


def _finish(query: PartyQuery, line: int, row_id: str, file: str,
            notes: list[tuple[str, str]] | None = None) -> PartyRow:
    record = excerpt(row_id)
    problems = [InputProblem(msg, file=file, line=line, field=field, record=record) for field, msg in notes or []]
    problems += [InputProblem(p, file=file, line=line, record=record) for p in query.problems]
    if not query.names and not query.weak_names and not query.identifiers:
        problems.append(InputProblem("no usable name or identifier", file=file, line=line, record=record))
        return PartyRow(line, row_id, None, problems)
    return PartyRow(line, row_id, query, problems)


def check_input(path: str | Path) -> Path:
    """The input path, or a one-line :class:`InvalidInput` naming it (missing, a directory, unreadable)."""
    path = Path(path)
    if not path.exists():
        raise InvalidInput(f"no such file: {path}")
    if path.is_dir():
        raise InvalidInput(f"{path} is a directory, not a party file")
    try:
        with open(path, "rb") as fh:
            fh.read(1)
    except OSError as exc:
        raise InvalidInput(f"cannot read {path}: {exc.strerror or exc}") from exc
    return path


def validate_input(path: str | Path, fmt: str | None = None, max_bytes: int | None = None) -> None:
    """Raise the one-line :class:`InvalidInput` a bad file would give (missing, binary, empty, no
    rows, unknown format) by reading up to its first row, so a caller can fail before costly setup."""
    for _row in read_parties(path, fmt, max_bytes=max_bytes):
        break


def count_rows(path: str | Path, fmt: str | None = None) -> int | None:
    """Rows in the file (for a progress bar); ``None`` when counting would mean reading it twice."""
    path = check_input(path)
    fmt = detect_format(path, fmt)
    try:
        if fmt == "parquet":
            import pyarrow.parquet as pq

            return pq.ParquetFile(path).metadata.num_rows
        with open_binary(path) as fh:  # .gz decompressed, as read_parties reads it
            lines = sum(1 for _ in fh)
    except Exception:  # noqa: BLE001 - only a progress-bar hint; read_parties reports the real problem
        return None
    return max(lines - 1, 0) if fmt == "csv" else lines


def read_parties(path: str | Path, fmt: str | None = None, max_bytes: int | None = None) -> Iterator[PartyRow]:
    """Yield one :class:`PartyRow` per input row; unreadable rows come with problems and no query.

    Raises :class:`InvalidInput` (one line, naming the file) for a missing, unreadable, binary or
    empty file, or a file with no rows to screen.
    """
    path = check_input(path)
    fmt = detect_format(path, fmt)
    if max_bytes is not None and path.stat().st_size > max_bytes:
        raise InvalidInput(f"input file {path} is larger than the limit of {max_bytes} bytes "
                           "(INTERDICT_MAX_FILE_BYTES)")
    file = str(path)
    if fmt == "csv":
        rows = _read_csv(path, file)
    elif fmt in ("jsonl", "ftm"):
        rows = _read_jsonl(path, file)
    else:
        rows = _read_parquet(path, file)
    count = 0
    for row in rows:
        count += 1
        yield row
    if count == 0:
        what = "a header row but no data rows" if fmt == "csv" else "no rows"
        raise InvalidInput(f"{file}: nothing to screen (the file has {what})")


def _read_parquet(path: Path, file: str) -> Iterator[PartyRow]:
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path)
    except Exception as exc:  # noqa: BLE001 - pyarrow raises many types for a bad file
        raise InvalidInput(f"cannot read Parquet file {path}: {excerpt(exc)}") from exc
    for n, row in enumerate(table.to_pylist(), start=1):
        yield _flat_row(row, n, file)


def _text_lines(path: Path, file: str, log: ProblemLog) -> Iterator[tuple[int, str]]:
    """``(line number, text)`` of each physical line, decoded as :mod:`interdict.textio` does
    (UTF-8, else GB18030, per line; UTF-16 with a BOM); decoding problems go to ``log``."""
    raw = open_binary(path)
    try:
        buffered = raw if hasattr(raw, "peek") else io.BufferedReader(raw)  # type: ignore[arg-type,type-var]
        head = buffered.peek(4096)[:4096]
        if looks_binary(head):
            raise InvalidInput(f"{file} is not a text file (binary data at the start); "
                               f"expected {', '.join(FORMATS)} (UTF-16 needs a byte-order mark)")
        if has_utf16_bom(head):
            for n, text in enumerate(utf16_lines(buffered), start=1):  # type: ignore[arg-type]
                yield n, text
            return
        decoder = LineDecoder(buffered, log, file)  # type: ignore[arg-type]
        warned = False
        for text in decoder:
            if decoder.gb18030_lines and not warned:
                warned = True
                log.add("not UTF-8: read as GB18030 (so are any later lines that are not UTF-8)",
                        file=file, line=decoder.line)
            yield decoder.line, text
    except (OSError, EOFError) as exc:
        raise InvalidInput(f"{file}: read failed: {excerpt(exc)}") from exc
    finally:
        raw.close()


def _take_problems(log: ProblemLog, upto: int | None) -> list[InputProblem]:
    """Problems logged for lines up to ``upto`` (all when ``None``), removed from the log."""
    taken = [p for p in log.problems if upto is None or p.line is None or p.line <= upto]
    if taken:
        log.problems = [p for p in log.problems if p not in taken]
    return taken


def _read_jsonl(path: Path, file: str) -> Iterator[PartyRow]:
    log = ProblemLog()
    for n, raw in _text_lines(path, file, log):
        text = raw.strip()
        if not text:
            continue
        early = _take_problems(log, n)
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            yield PartyRow(n, f"line-{n}", None, early + [InputProblem(f"not JSON: {exc.msg}", file=file, line=n)])
            continue
        if isinstance(data, str):
            data = {"name": data}
        if not isinstance(data, dict):
            yield PartyRow(n, f"line-{n}", None,
                           early + [InputProblem("a line must be a JSON object", file=file, line=n)])
            continue
        row = _ftm_row(data, n, file) if "properties" in data else _flat_row(data, n, file)
        row.problems[:0] = early
        yield row
    rest = _take_problems(log, None)
    if rest:
        yield PartyRow(rest[0].line or 0, f"line-{rest[0].line}", None, rest)


#: A quoted CSV field may hold line breaks (an address), but a record running over more physical
#: lines than this is an unclosed quote swallowing the rows after it.
MAX_RECORD_LINES = 20


def _quote_open_after(text: str, delimiter: str, in_quote: bool) -> bool:
    """Whether a quoted field is still open at the end of ``text`` (the csv module's default rules:
    a quote opens a field only at its start, ``""`` inside is a quote character)."""
    if '"' not in text:
        return in_quote
    at_start = not in_quote
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if in_quote:
            if c == '"':
                if i + 1 < n and text[i + 1] == '"':
                    i += 2
                    continue
                in_quote = False
        elif c == delimiter:
            at_start = True
        elif c == '"' and at_start:
            in_quote = True
            at_start = False
        else:
            at_start = False
        i += 1
    return in_quote


def _parse_csv(lines: list[str], delimiter: str) -> tuple[list[str] | None, str | None]:
    try:
        rows = list(csv.reader(lines, delimiter=delimiter))
    except csv.Error as exc:
        return None, f"bad CSV: {excerpt(exc)}"
    if len(rows) > 1:
        return None, "bad CSV: the quoting does not make one row"
    return (rows[0] if rows else []), None


def _looks_like_row(text: str, delimiter: str, ncols: int) -> bool:
    if ncols < 2:
        return False
    try:
        cells = next(csv.reader([text.rstrip("\r\n")], delimiter=delimiter), [])
    except csv.Error:
        return False
    return len(cells) >= ncols


def _csv_records(lines: Iterator[tuple[int, str]], delimiter: str,
                 ncols: int) -> Iterator[tuple[int, int, list[str] | None, str | None, str]]:
    """``(first line, last line, values, problem, first line's text)`` per CSV record, resynchronising
    after an unclosed quote.

    A record whose quoted field does not close within :data:`MAX_RECORD_LINES` lines (or before the
    end of the file), or whose continuation lines are themselves whole rows, is reported on its
    first line and not read; the lines after it are read again as rows of their own.
    """
    pushed: list[tuple[int, str]] = []

    def take() -> tuple[int, str] | None:
        return pushed.pop() if pushed else next(lines, None)

    while True:
        item = take()
        if item is None:
            return
        first, text = item
        if not _quote_open_after(text, delimiter, False):
            yield first, first, *_parse_csv([text], delimiter), text
            continue
        taken = [item]
        closed = False
        while len(taken) < MAX_RECORD_LINES:
            nxt = take()
            if nxt is None:
                break
            taken.append(nxt)
            if not _quote_open_after(nxt[1], delimiter, True):
                closed = True
                break
        if closed and not any(_looks_like_row(t, delimiter, ncols) for _, t in taken[1:]):
            yield first, taken[-1][0], *_parse_csv([t for _, t in taken], delimiter), text
            continue
        if closed:
            how = f"swallowing the next {len(taken) - 1} line(s)"
        elif len(taken) >= MAX_RECORD_LINES:
            how = f"over more than {MAX_RECORD_LINES} lines"
        else:
            how = "to the end of the file"
        pushed.extend(reversed(taken[1:]))
        yield first, first, None, (f"unclosed quote: the row runs on {how}; it was not screened, "
                                   "the lines after it were read as rows of their own"), text


def _read_csv(path: Path, file: str) -> Iterator[PartyRow]:
    log = ProblemLog()
    lines = _text_lines(path, file, log)
    head: tuple[int, str] | None = None
    for item in lines:
        if item[1].strip():
            head = item
            break
    if head is None:
        raise InvalidInput(f"{file}: the file is empty (no header row)")
    delimiter = "\t" if head[1].count("\t") > head[1].count(",") else ","
    records = _csv_records(itertools.chain([head], lines), delimiter, 0)
    header_line, _, header, error, _text = next(records)
    if header is None:
        raise InvalidInput(f"{file}: cannot read the CSV header (line {header_line}): {error}")
    columns = [h.strip().lower() for h in header]
    if not any(c in _NAME_COLUMNS or c.startswith("name") for c in columns) and "identifier" not in columns:
        raise InvalidInput(f"{file}: the header has no 'name' column "
                           f"(found: {excerpt(', '.join(columns))})")
    records = _csv_records(lines, delimiter, len(columns))
    id_col = columns.index("id") if "id" in columns else None

    def record_id(values: list[str] | None, text: str) -> str | None:
        """The row's id for the errors file, read without quote handling when the row is unreadable."""
        if id_col is None:
            return None
        if values is None:
            try:
                values = next(csv.reader([text.rstrip("\r\n")], delimiter=delimiter, quoting=csv.QUOTE_NONE), [])
            except csv.Error:
                return None
        value = values[id_col].strip().strip('"') if id_col < len(values) else ""
        return excerpt(value) if value else None

    for line, last, values, error, text in records:
        if values is None:
            early = _take_problems(log, line)
            yield PartyRow(line, f"line-{line}", None, early + [InputProblem(
                error or "bad CSV", file=file, line=line, record=record_id(None, text))])
            continue
        if not any(v.strip() for v in values):
            continue
        early = _take_problems(log, last)
        row: dict[str, Any] = {}
        for col, value in zip(columns, values, strict=False):
            if col in row:  # repeated 'name' columns collect into a list
                prev = row[col]
                row[col] = (prev if isinstance(prev, list) else [prev]) + [value]
            else:
                row[col] = value
        if len(values) > len(columns):
            extra = values[len(columns):]
            if any(v.strip() for v in extra):
                yield PartyRow(line, f"line-{line}", None, early + [InputProblem(
                    f"{len(values)} fields where the header has {len(columns)}", file=file, line=line,
                    record=record_id(values, text))])
                continue
        party = _flat_row(row, line, file)
        party.problems[:0] = early
        yield party
    rest = _take_problems(log, None)
    if rest:
        yield PartyRow(rest[0].line or 0, f"line-{rest[0].line}", None, rest)


class ResultWriter:
    """Writes results as rows (CSV, Parquet: one row per input × returned party) or JSON lines."""

    COLUMNS = ("input_id", "input_name", "rank", "match", "score", "id", "source", "source_id", "caption",
               "schema", "matched_name", "also_on", "programs", "dprk")

    def __init__(self, path: str | Path, fmt: str | None = None) -> None:
        self.path = Path(path)
        self.fmt = detect_format(self.path, fmt, option="--output-format")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._rows: list[dict[str, Any]] = []
        self._fh: io.TextIOBase | None = None
        self._csv: Any = None
        if self.fmt == "csv":
            self._fh = open(self.path, "w", encoding="utf-8", newline="")
            self._csv = csv.DictWriter(self._fh, fieldnames=list(self.COLUMNS))
            self._csv.writeheader()
        elif self.fmt in ("jsonl", "ftm"):
            self._fh = open(self.path, "w", encoding="utf-8")

    def flat_rows(self, row_id: str, result: ScreeningResult) -> list[dict[str, Any]]:
        names = result.query.get("properties", {}).get("name") or [""]
        base = {"input_id": row_id, "input_name": names[0]}
        if not result.results:
            return [{**base, "rank": 0, "match": False, "score": 0.0}]
        out = []
        for rank, m in enumerate(result.results, start=1):
            out.append({
                **base, "rank": rank, "match": m.match, "score": round(m.score, 4), "id": m.id,
                "source": m.source, "source_id": m.source_id, "caption": m.caption, "schema": m.schema,
                "matched_name": m.matched_name,
                "also_on": ";".join(f"{a['source']}:{a['source_id']}" for a in m.also_on),
                "programs": ";".join(m.programs), "dprk": m.dprk,
            })
        return out

    def write(self, row_id: str, result: ScreeningResult) -> None:
        if self.fmt in ("jsonl", "ftm"):
            assert self._fh is not None
            self._fh.write(json.dumps({"input_id": row_id, **result.to_dict()}, ensure_ascii=False,
                                      default=str) + "\n")
        elif self.fmt == "csv":
            for row in self.flat_rows(row_id, result):
                self._csv.writerow({k: csv_safe(v) for k, v in row.items()})
        else:
            self._rows.extend(self.flat_rows(row_id, result))

    def close(self) -> None:
        if self.fmt == "parquet":
            import pyarrow as pa
            import pyarrow.parquet as pq

            columns = {c: [r.get(c) for r in self._rows] for c in self.COLUMNS}
            pq.write_table(pa.table(columns), self.path)
        if self._fh is not None:
            self._fh.close()

    def __enter__(self) -> ResultWriter:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def write_errors(path: str | Path, problems: list[InputProblem]) -> None:
    """The problems file: CSV ``line, record, field, message``."""
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["line", "record", "field", "message"])
        for p in problems:
            writer.writerow([p.line if p.line is not None else "", csv_safe(p.record or ""), csv_safe(p.field or ""),
                             csv_safe(p.message)])

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
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from interdict.exc import InputProblem, InvalidInput
from interdict.matching.query import PartyQuery, make_query
from interdict.reports import csv_safe
from interdict.screening.results import ScreeningResult

__all__ = ["FORMATS", "PartyRow", "detect_format", "read_parties", "ResultWriter", "count_rows"]

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


def detect_format(path: str | Path, fmt: str | None = None) -> str:
    """The format named, or guessed from the extension (``.csv``, ``.jsonl``/``.json``, ``.parquet``, ``.ftm.json``)."""
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
    raise InvalidInput(f"cannot tell the format of {path}; pass --format ({', '.join(FORMATS)})")


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


def _flat_row(row: dict[str, Any], line: int, file: str) -> PartyRow:
    """A flat row (CSV, JSON lines, Parquet) with the documented column names."""
    lower = {str(k).strip().lower(): v for k, v in row.items() if k is not None}
    if "properties" in lower and isinstance(lower["properties"], dict):
        return _ftm_row(row, line, file)
    names: list[str] = []
    for key, value in lower.items():
        base = key.split("_")[0] if key.startswith("name_") else key
        if key in _NAME_COLUMNS or base == "name":
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
    return _finish(query, line, row_id, file)


def _ftm_row(data: dict[str, Any], line: int, file: str) -> PartyRow:
    row_id = str(data.get("id") or f"line-{line}")
    query = make_query(data, id=row_id)
    return _finish(query, line, row_id, file)


def _finish(query: PartyQuery, line: int, row_id: str, file: str) -> PartyRow:
    problems = [InputProblem(p, file=file, line=line, record=row_id) for p in query.problems]
    if not query.names and not query.weak_names and not query.identifiers:
        problems.append(InputProblem("no usable name or identifier", file=file, line=line, record=row_id))
        return PartyRow(line, row_id, None, problems)
    return PartyRow(line, row_id, query, problems)


def count_rows(path: str | Path, fmt: str | None = None) -> int | None:
    """Rows in the file (for a progress bar); ``None`` when counting would mean reading it twice."""
    fmt = detect_format(path, fmt)
    if fmt == "parquet":
        import pyarrow.parquet as pq

        return pq.ParquetFile(path).metadata.num_rows
    with open(path, "rb") as fh:
        lines = sum(1 for _ in fh)
    return max(lines - 1, 0) if fmt == "csv" else lines


def read_parties(path: str | Path, fmt: str | None = None, max_bytes: int | None = None) -> Iterator[PartyRow]:
    """Yield one :class:`PartyRow` per input row; unreadable rows come with problems and no query."""
    path = Path(path)
    fmt = detect_format(path, fmt)
    if not path.exists():
        raise InvalidInput(f"input file {path} does not exist")
    if max_bytes is not None and path.stat().st_size > max_bytes:
        raise InvalidInput(f"input file {path} is larger than the limit of {max_bytes} bytes "
                           "(INTERDICT_MAX_FILE_BYTES)")
    file = str(path)
    if fmt == "csv":
        yield from _read_csv(path, file)
    elif fmt in ("jsonl", "ftm"):
        with open(path, encoding="utf-8", errors="replace") as fh:
            for n, raw in enumerate(fh, start=1):
                text = raw.strip()
                if not text:
                    continue
                try:
                    data = json.loads(text)
                except json.JSONDecodeError as exc:
                    yield PartyRow(n, f"line-{n}", None, [InputProblem(f"not JSON: {exc.msg}", file=file, line=n)])
                    continue
                if isinstance(data, str):
                    data = {"name": data}
                if not isinstance(data, dict):
                    yield PartyRow(n, f"line-{n}", None,
                                   [InputProblem("a line must be a JSON object", file=file, line=n)])
                    continue
                yield _ftm_row(data, n, file) if "properties" in data else _flat_row(data, n, file)
    else:
        import pyarrow.parquet as pq

        try:
            table = pq.read_table(path)
        except Exception as exc:  # noqa: BLE001 - pyarrow raises many types for a bad file
            raise InvalidInput(f"cannot read Parquet file {path}: {exc}") from exc
        for n, row in enumerate(table.to_pylist(), start=1):
            yield _flat_row(row, n, file)


def _read_csv(path: Path, file: str) -> Iterator[PartyRow]:
    with open(path, encoding="utf-8-sig", errors="replace", newline="") as fh:
        sample = fh.read(4096)
        fh.seek(0)
        delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
        reader = csv.reader(fh, delimiter=delimiter)
        try:
            header = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise InvalidInput(f"cannot read CSV header of {path}: {exc}") from exc
        columns = [h.strip().lower() for h in header]
        if not any(c in _NAME_COLUMNS or c.startswith("name") for c in columns) and "identifier" not in columns:
            raise InvalidInput(f"{path}: the header has no 'name' column (found: {', '.join(columns)})")
        while True:
            try:
                values = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                line = reader.line_num
                yield PartyRow(line, f"line-{line}", None, [InputProblem(f"bad CSV: {exc}", file=file, line=line)])
                continue
            line = reader.line_num
            if not any(v.strip() for v in values):
                continue
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
                    yield PartyRow(line, f"line-{line}", None, [InputProblem(
                        f"{len(values)} fields where the header has {len(columns)}", file=file, line=line)])
                    continue
            yield _flat_row(row, line, file)


class ResultWriter:
    """Writes results as rows (CSV, Parquet: one row per input × returned party) or JSON lines."""

    COLUMNS = ("input_id", "input_name", "rank", "match", "score", "id", "source", "source_id", "caption",
               "schema", "matched_name", "also_on", "programs", "dprk")

    def __init__(self, path: str | Path, fmt: str | None = None) -> None:
        self.path = Path(path)
        self.fmt = detect_format(self.path, fmt)
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
        writer.writerow(["line", "record", "message"])
        for p in problems:
            writer.writerow([p.line if p.line is not None else "", csv_safe(p.record or ""), csv_safe(p.message)])

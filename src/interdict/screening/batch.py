"""Screen a file of parties into a results file, with an errors file and a summary.

:func:`screen_file` reads rows with :func:`interdict.screening.io.read_parties`, screens the good
ones with one :class:`~interdict.screening.screener.Screener`, writes results with
:class:`~interdict.screening.io.ResultWriter`, and writes every problem (unreadable rows, dropped
values) with its line number to the errors file. Identical queries in one file are screened once.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from interdict.exc import InputProblem
from interdict.screening.io import ResultWriter, check_input, count_rows, read_parties, write_errors
from interdict.screening.screener import Screener

__all__ = ["BatchSummary", "screen_file", "errors_path_for"]


@dataclass
class BatchSummary:
    """What a batch did: rows read, screened, skipped, matched, and where the files went."""

    input: str
    output: str
    errors_file: str | None
    rows: int = 0
    screened: int = 0
    skipped: int = 0
    warnings: int = 0
    rows_matched: int = 0
    rows_matched_dprk: int = 0
    seconds: float = 0.0
    problems: list[InputProblem] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.screened / self.seconds if self.seconds > 0 else 0.0

    def rate_text(self) -> str:
        """The rate for people: ``"1,234 rows/s"``, ``"2.5 rows/s"``, ``"4.0 s/row"``; "" when there is none to show."""
        if self.screened == 0 or self.seconds <= 0:
            return ""
        rate = self.rate
        if rate >= 10:
            return f"{rate:,.0f} rows/s"
        if rate >= 1:
            return f"{rate:.1f} rows/s"
        return f"{1 / rate:.1f} s/row"

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("problems")
        data["rows_per_second"] = round(self.rate, 1 if self.rate >= 1 else 4)
        data["seconds"] = round(self.seconds, 3)
        return data


def errors_path_for(output: str | Path) -> Path:
    out = Path(output)
    return out.with_name(out.name.split(".")[0] + ".errors.csv")


def screen_file(
    input_path: str | Path,
    output_path: str | Path,
    *,
    input_format: str | None = None,
    output_format: str | None = None,
    errors_path: str | Path | None = None,
    threshold: float | None = None,
    limit: int = 5,
    dataset: str = "default",
    screener: Screener | None = None,
    max_bytes: int | None = None,
    on_total: Callable[[int | None], None] | None = None,
    on_row: Callable[[], None] | None = None,
    on_result: Callable[[Any, Any], None] | None = None,
) -> BatchSummary:
    """Screen every row of ``input_path`` into ``output_path``; returns a :class:`BatchSummary`.

    ``on_total(n)`` is called once with the row count (for a progress bar), ``on_row()`` after
    each row, ``on_result(query, result)`` after each screened row (e.g. the audit hook).
    """
    from interdict.screening import get_screener

    check_input(input_path)
    rows = read_parties(input_path, input_format, max_bytes=max_bytes)
    first = next(rows)  # a file that cannot be read or has no rows fails here, before any output is written
    screener = screener or get_screener()
    errors_file = Path(errors_path) if errors_path else errors_path_for(output_path)
    summary = BatchSummary(str(input_path), str(output_path), None)
    if on_total is not None:
        on_total(count_rows(input_path, input_format))
    started = time.perf_counter()
    cache: dict[str, Any] = {}
    with ResultWriter(output_path, output_format) as writer:
        for row in itertools.chain([first], rows):
            summary.rows += 1
            if row.query is None:
                summary.skipped += 1
                summary.problems.extend(row.problems)
            else:
                summary.warnings += len(row.problems)
                summary.problems.extend(row.problems)
                q = row.query
                key = repr((q.names, q.weak_names, q.schema, q.birth_dates, q.countries, q.identifiers))
                result = cache.get(key)
                if result is None:
                    result = screener.screen_query(q, threshold=threshold, limit=limit, dataset=dataset)
                    if len(cache) < 100_000:
                        cache[key] = result
                writer.write(row.row_id, result)
                summary.screened += 1
                if result.matched:
                    summary.rows_matched += 1
                    if any(m.dprk for m in result.matched):
                        summary.rows_matched_dprk += 1
                if on_result is not None:
                    on_result(q, result)
            if on_row is not None:
                on_row()
    summary.seconds = time.perf_counter() - started
    if summary.problems:
        write_errors(errors_file, summary.problems)
        summary.errors_file = str(errors_file)
    return summary

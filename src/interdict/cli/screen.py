"""Top-level commands ``interdict screen`` and ``interdict compare``: parse, call the library, render."""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from interdict.cli.common import console, err_console, print_json
from interdict.exc import InvalidInput


def _audit(query: Any, result: Any, screener: Any, channel: str, dataset: str) -> None:
    """Record the screening in the audit trail when the audit module is installed."""
    try:
        from interdict.audit.screening import record_screening
    except ImportError:
        return
    record_screening(query, result, actor=getpass.getuser(), channel=channel, screener=screener, dataset=dataset)


def _why(m: Any) -> str:
    ex = m.explanations or {}
    name = ex.get("name") or {}
    parts = []
    if name:
        parts.append(f"{name.get('query_form')} ({name.get('query_form_kind')}) ~ {name.get('list_form')}")
    for q in ex.get("qualifiers", []):
        effect = q.get("effect")
        sign = effect if isinstance(effect, str) else f"{effect:+.1f}"
        parts.append(f"{q['feature']} {sign}")
    return "; ".join(parts)


def _render(result: Any) -> None:
    names = result.query.get("properties", {}).get("name") or ["(no name)"]
    for p in result.problems:
        err_console.print(f"[yellow]Note:[/] {p}")
    if not result.results:
        console.print(f"No candidates for [bold]{names[0]}[/] (dataset {result.dataset}).")
        return
    table = Table(title=f"Screening {names[0]!r} (threshold {result.threshold:.2f}, dataset {result.dataset})")
    table.add_column("Score", justify="right")
    table.add_column("Match")
    table.add_column("Party")
    table.add_column("Schema")
    table.add_column("Lists")
    table.add_column("Matched name")
    table.add_column("Why")
    for m in result.results:
        lists = [f"{m.source}:{m.source_id}"] + [f"{a['source']}:{a['source_id']}" for a in m.also_on]
        table.add_row(
            f"{m.score:.3f}",
            "[bold red]MATCH[/]" if m.match else "",
            m.caption + (" [magenta](DPRK)[/]" if m.dprk else ""),
            m.schema,
            "\n".join(lists),
            m.matched_name or "",
            _why(m),
        )
    console.print(table)


def screen_command(
    name: str = typer.Argument(None, help="Name to screen (any script). Omit with --input."),
    schema: str = typer.Option(None, "--schema", help="Person, Company, Organization, LegalEntity, Vessel."),
    country: list[str] = typer.Option(None, "--country", help="Country or nationality (code or name); repeatable."),
    birth_date: str = typer.Option(None, "--birth-date", help="YYYY, YYYY-MM or YYYY-MM-DD."),
    identifier: list[str] = typer.Option(None, "--identifier", help="IMO, registration number, USCC, passport...; repeatable."),
    threshold: float = typer.Option(None, "--threshold", min=0.0, max=1.0, help="Match threshold (default: calibrated)."),
    limit: int = typer.Option(10, "--limit", min=1, max=100, help="Most parties to show."),
    dataset: str = typer.Option("default", "--dataset", help="default (all lists), dprk, un, ofac, csl or a source name."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON {query, results}."),
    input_path: Path = typer.Option(None, "--input", help="Screen a file: CSV, JSON lines, Parquet or FtM JSON lines."),
    output_path: Path = typer.Option(None, "--output", help="Results file for --input (format from extension)."),
    input_format: str = typer.Option(None, "--input-format", help="csv, jsonl, parquet or ftm (default: from extension)."),
    output_format: str = typer.Option(None, "--output-format", help="csv, jsonl, parquet or ftm (default: from extension)."),
    errors_path: Path = typer.Option(None, "--errors", help="Where unreadable rows go (default: <output>.errors.csv)."),
    no_audit: bool = typer.Option(False, "--no-audit", help="Do not record the screening in the audit trail."),
) -> None:
    """Screen a name or party, or a file of parties, against the sanctions lists.

    Scores are calibrated probabilities that the party is the listed one; each result says which
    query name met which list name and which qualifiers (birth date, country, identifier) moved it.
    Records of one party on several lists are grouped (``also_on``).

    Example: interdict screen "김정은" --schema Person

    Example: interdict screen --input parties.csv --output results.jsonl
    """
    from interdict.screening import get_screener

    if input_path is None and not name:
        raise InvalidInput("give a NAME to screen, or --input FILE --output FILE")
    if input_path is not None and name:
        raise InvalidInput("give either a NAME or --input, not both")
    if input_path is not None:
        from interdict.config import get_settings
        from interdict.screening.io import validate_input

        if output_path is None:
            raise InvalidInput("--input needs --output FILE")
        validate_input(input_path, input_format, get_settings().max_file_bytes)  # before the index is loaded
    screener = get_screener()
    if input_path is None:
        result = screener.screen(name, schema=schema, countries=country or None, birth_date=birth_date,
                                 identifiers=identifier or None, threshold=threshold, limit=limit, dataset=dataset)
        if not no_audit:
            _audit(name, result, screener, "cli", dataset)
        if as_json:
            print_json(result.to_dict())
        else:
            _render(result)
        return
    if output_path is None:
        raise InvalidInput("--input needs --output FILE")
    _screen_file(screener, input_path, output_path, input_format, output_format, errors_path, threshold,
                 limit, dataset, as_json, no_audit)


def _screen_file(screener, input_path, output_path, input_format, output_format, errors_path, threshold,
                 limit, dataset, as_json, no_audit) -> None:
    from interdict.config import get_settings
    from interdict.screening.batch import screen_file

    on_result = None
    pending: list[dict[str, Any]] = []
    context: dict[str, Any] = {}
    if not no_audit:
        try:
            from interdict.audit.screening import record_screenings, screening_context
        except ImportError:
            record_screenings = None
        if record_screenings is not None:
            context = screening_context(screener)

            def on_result(query, result):
                pending.append({"query": query.to_dict(), "result": result, "dataset": dataset,
                                "subject": query.id})
                if len(pending) >= 500:
                    record_screenings(pending, actor=getpass.getuser(), channel="batch", context=context)
                    pending.clear()

    progress = Progress(TextColumn("[bold]screening"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                        console=err_console, transient=True)
    task = None
    with progress:
        def on_total(n):
            nonlocal task
            task = progress.add_task("rows", total=n)

        def on_row():
            progress.advance(task)

        summary = screen_file(input_path, output_path, input_format=input_format, output_format=output_format,
                              errors_path=errors_path, threshold=threshold, limit=limit, dataset=dataset,
                              screener=screener, max_bytes=get_settings().max_file_bytes,
                              on_total=on_total, on_row=on_row, on_result=on_result)
    if pending:
        record_screenings(pending, actor=getpass.getuser(), channel="batch", context=context)
    if as_json:
        print_json(summary.to_dict())
        return
    console.print(
        f"Screened [bold]{summary.screened}[/] of {summary.rows} rows in {summary.seconds:.1f}s"
        + (f" ({summary.rate_text()})" if summary.rate_text() else "")
        + f": [bold red]{summary.rows_matched}[/] with a match "
        f"({summary.rows_matched_dprk} DPRK-related), {summary.skipped} unreadable, {summary.warnings} warnings."
    )
    console.print(f"Results: {summary.output}")
    if summary.errors_file:
        console.print(f"Problems (line numbers and reasons): {summary.errors_file}")


def compare_command(
    name_a: str = typer.Argument(..., help="First name (the query)."),
    name_b: str = typer.Argument(..., help="Second name (the list side)."),
    schema: str = typer.Option(None, "--schema", help="Person, Company, Organization, LegalEntity, Vessel."),
    threshold: float = typer.Option(None, "--threshold", min=0.0, max=1.0, help="Match threshold (default: calibrated)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Score whether two names are the same party, with the explanation.

    Token weights come from the loaded lists, so common list words (Korea, Trading) count less.

    Example: interdict compare "Kim Jong-un" "김정은" --schema Person
    """
    from interdict.screening import get_screener

    result = get_screener().compare(name_a, name_b, schema=schema, threshold=threshold)
    if as_json:
        print_json({"a": name_a, "b": name_b, **result.to_dict()})
        return
    ex = result.explanations
    verdict = "[bold red]MATCH[/]" if result.match else "no match"
    console.print(f"{name_a!r} vs {name_b!r}: score [bold]{result.score:.3f}[/] ({verdict} at {result.threshold:.2f})")
    name = ex.get("name")
    if name:
        console.print(f"  forms: {name['query_form']} ({name['query_form_kind']}) ~ {name['list_form']} "
                      f"({name['list_form_kind']})")
        console.print("  tokens: " + ", ".join(f"{t['query']}={t['list']} ({t['similarity']})" for t in name["tokens"]))
    for feature, value in ex.get("contributions", {}).items():
        console.print(f"  {feature}: {value:+.2f}")


def register(app: typer.Typer) -> None:
    app.command("screen")(screen_command)
    app.command("compare")(compare_command)

"""``interdict audit``: verify the hash chain, export for an examiner, show and replay records."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from interdict.cli.common import console, err_console, print_json

app = typer.Typer(help="The tamper-evident audit trail: verify, export, show, replay.", no_args_is_help=True)


def _db():
    from interdict.audit.db import open_service_db

    return open_service_db()


@app.command("verify")
def verify(
    expect_head: str = typer.Option(None, "--expect-head", help="Head hash noted earlier (detects truncation)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Check the hash chain from the first record, then the newest record against the anchor row and
    this machine's head file (truncation); name the first bad record (exit 1 if any).

    Example: interdict audit verify
    """
    from interdict.audit.trail import verify as run

    report = run(_db(), expect_head=expect_head)
    if as_json:
        print_json(report.to_dict())
    elif report.ok:
        console.print(f"[green]OK[/]: {report.records:,} records, chain head {report.head}")
        for check in report.checks or []:
            console.print(f"  newest record matches the {check}")
    else:
        where = f"first bad record: [bold]{report.first_bad}[/] (seq {report.first_bad_seq}): " if report.first_bad else ""
        err_console.print(f"[bold red]BROKEN[/]: {where}{report.problem}")
        err_console.print(f"{report.records:,} records verified before it.")
    if not report.ok:
        raise typer.Exit(1)


@app.command("export")
def export(
    from_: str = typer.Option(None, "--from", help="First day or timestamp (ISO, UTC)."),
    to: str = typer.Option(None, "--to", help="Last day (inclusive) or timestamp (exclusive)."),
    fmt: str = typer.Option("jsonl", "--format", "-f", help="jsonl or csv (spreadsheet formulas escaped)."),
    kind: str = typer.Option(None, "--kind", help="Only screening, decision, rescreen, book-import or key records."),
    output: Path = typer.Option(None, "--output", "-o", help="Write here instead of stdout."),
) -> None:
    """Export audit records for an examiner.

    Example: interdict audit export --from 2026-11-01 --to 2026-11-30 --format csv -o audit-nov.csv
    """
    from interdict.audit.trail import export as run

    chunks = run(_db(), fmt, start=from_, end=to, kind=kind)
    if output:
        with open(output, "w", encoding="utf-8", newline="") as fh:
            n = 0
            for chunk in chunks:
                fh.write(chunk)
                n += 1
        err_console.print(f"wrote {max(n - (1 if fmt == 'csv' else 0), 0):,} records to {output}")
    else:
        for chunk in chunks:
            sys.stdout.write(chunk)


@app.command("show")
def show(record_id: str = typer.Argument(..., help="e.g. aud-00000012")) -> None:
    """Print one audit record as JSON.

    Example: interdict audit show aud-00000012
    """
    from interdict.audit.trail import get_record

    print_json(get_record(_db(), record_id).to_dict())


@app.command("replay")
def replay(
    record_id: str = typer.Argument(..., help="The screening record to re-run."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Re-run a recorded screening against the list versions it recorded and show any difference (exit 1 if any).

    Example: interdict audit replay aud-00000012
    """
    from interdict.audit.replay import replay as run
    from interdict.screening import Screener
    from interdict.store import open_store

    with open_store() as store:
        # the saved index of the current lists serves replays of screenings made on them
        current = Screener.open(store=store, auto_load=False)
        report = run(_db(), record_id, store=store, current=current)
    if as_json:
        print_json(report.to_dict())
    else:
        versions = ", ".join(f"{s} v{i.get('version')} ({i.get('label')})" for s, i in report.list_versions.items())
        console.print(f"Replayed {record_id} against {versions}.")
        if report.same:
            console.print(f"[green]Same result[/]: {len(report.replayed)} candidates, same scores and match flags.")
        for d in report.differences:
            console.print(f"[yellow]difference[/]: {d}")
    if not report.same:
        raise typer.Exit(1)

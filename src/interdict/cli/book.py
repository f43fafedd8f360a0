"""``interdict book``: the monitored customer book (import, list, alerts). Re-screen with ``interdict rescreen``."""

from __future__ import annotations

import getpass
from pathlib import Path

import typer
from rich.table import Table

from interdict.cli.common import console, err_console, print_json

app = typer.Typer(help="The monitored customer book: import customers, list them, show open alerts.",
                  no_args_is_help=True)


def _db():
    from interdict.audit.db import open_service_db

    return open_service_db()


@app.command("import")
def import_(
    path: Path = typer.Argument(..., help="CSV (id,name,schema,birth_date,country,...), JSON lines or Parquet."),
    fmt: str = typer.Option(None, "--format", help="csv, jsonl, parquet, ftm (default: from the extension)."),
    replace: bool = typer.Option(False, "--replace", help="Stop monitoring customers absent from this file."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Add or update customers (stable id per row); changed customers are fully re-screened next run.

    Example: interdict book import customers.csv
    """
    from interdict.audit.book import import_book
    from interdict.config import get_settings

    report = import_book(_db(), path, actor=f"cli:{getpass.getuser()}", fmt=fmt, replace=replace,
                         max_bytes=get_settings().max_file_bytes)
    if as_json:
        print_json(report.to_dict())
        return
    console.print(f"Book: {report.added:,} added, {report.updated:,} updated, {report.unchanged:,} unchanged, "
                  f"{report.deactivated:,} no longer monitored.")
    for p in report.problems[:20]:
        err_console.print(f"[yellow]skipped[/]: {p}")
    if len(report.problems) > 20:
        err_console.print(f"... and {len(report.problems) - 20} more problems")


@app.command("list")
def list_(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """List the customers in the book.

    Example: interdict book list --json
    """
    from interdict.audit.book import list_customers

    customers = list_customers(_db())
    if as_json:
        print_json([{"id": c.customer_id, "schema": c.schema, "properties": c.properties,
                     "screened": c.screened_hash == c.facts_hash} for c in customers])
        return
    table = Table(title=f"{len(customers):,} customers")
    for col in ("id", "schema", "name", "screened"):
        table.add_column(col)
    for c in customers[:200]:
        table.add_row(c.customer_id, c.schema, "; ".join(c.properties.get("name", [])[:2]),
                      "yes" if c.screened_hash == c.facts_hash else "no")
    console.print(table)


@app.command("alerts")
def alerts(customer: str = typer.Option(None, "--customer", help="Only this customer id."),
           as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Show the open alerts of the book, with the cause of each.

    Example: interdict book alerts --customer cust-0042
    """
    from interdict.audit.book import open_alerts

    found = open_alerts(_db(), customer)
    if as_json:
        print_json(found)
        return
    table = Table(title=f"{len(found):,} open alerts")
    for col in ("customer", "entity", "caption", "score", "cause", "since run"):
        table.add_column(col)
    for a in found:
        table.add_row(a["customer_id"], a["entity_id"], a["caption"] or "", f"{a['score']:.2f}", a["cause"] or "",
                      str(a["opened_run"]))
    console.print(table)

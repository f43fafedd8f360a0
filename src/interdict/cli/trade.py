"""``interdict trade ...``: screen shipment files, check HS codes, classify goods, look up places."""

from __future__ import annotations

import sys
from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from interdict.cli.common import console, err_console, print_json

app = typer.Typer(help="Screen shipments and orders: goods, routes and parties against the DPRK measures "
                       "and export controls.", no_args_is_help=True)


@app.command("screen")
def screen_cmd(
    path: Path = typer.Argument(..., help="Shipment file: CSV/TSV, JSON lines or Parquet (.gz for text)."),
    output: Path = typer.Option(None, "--output", "-o", help="Alerts file: .jsonl (default) or .csv. '-' for stdout."),
    output_format: str = typer.Option(None, "--format", help="jsonl or csv (default: from the --output extension)."),
    report: Path = typer.Option(None, "--report", help="Write a self-contained HTML report here."),
    input_format: str = typer.Option(None, "--input-format", help="csv, tsv, jsonl or parquet (default: from extension)."),
    no_parties: bool = typer.Option(False, "--no-parties", help="Skip list screening of parties and shared addresses."),
    top: int = typer.Option(50, "--top", min=1, max=1000, help="Riskiest shipments listed in the report."),
    problems_path: Path = typer.Option(None, "--problems", help="Write input problems (with line numbers) as JSON lines."),
    no_audit: bool = typer.Option(False, "--no-audit", help="Do not write the run's record to the audit trail."),
) -> None:
    """Screen a file of shipments or orders; write one explained alert per shipment.

    Each alert has a score, a level (clear, review, block) and reasons with the rule id, the evidence
    from the record and the citation (instrument, paragraph, source id, grade). Bad lines are reported
    with their line numbers and the rest of the file is still screened.

    Example: interdict trade screen shipments.csv --output alerts.jsonl --report report.html
    """
    from interdict.trade.shipments import screen_file

    out: object = output
    if output is not None and str(output) == "-":
        out = sys.stdout
    elif output is None:
        out = None
    audit = None
    if not no_audit:
        from interdict.audit.runs import RunAudit

        audit = RunAudit("trade", inputs=[path], options={"parties": not no_parties, "input_format": input_format,
                                                          "output_format": output_format})
    result = screen_file(path, output=out, output_format=output_format, report=report,  # type: ignore[arg-type]
                         parties=not no_parties, fmt=input_format, top_n=top, title=f"Trade screening: {path.name}",
                         on_alert=audit.add if audit is not None else None)
    s = result.summary
    if audit is not None:
        record_id = audit.record(actor=_user(), outputs=[output if out is output else None, report],
                                 screener=_screener_if_open() if not no_parties else None, lists_used=not no_parties,
                                 extra={"input_problems": len(result.problems)})
        err_console.print(f"Audit record: {record_id}")
    msg = (f"Screened {s.shipments:,} shipments: [red]{s.levels.get('block', 0):,} block[/], "
           f"[yellow]{s.levels.get('review', 0):,} review[/], [green]{s.levels.get('clear', 0):,} clear[/].")
    err_console.print(msg)
    if result.party_stats:
        ps = result.party_stats
        err_console.print(f"Party screening: {ps['screened_names']:,} distinct names, cache hit rate "
                          f"{ps['cache_hit_rate'] or 0:.0%}" + (f", {ps['errors']} errors" if ps["errors"] else ""))
    if result.problems:
        err_console.print(f"[yellow]{len(result.problems):,} input problem(s)[/]; first ones:")
        for p in result.problems.problems[:5]:
            err_console.print(f"  {p}", highlight=False, soft_wrap=True)
        if problems_path is not None:
            import json

            with open(problems_path, "w", encoding="utf-8") as fh:
                for p in result.problems.problems:
                    fh.write(json.dumps(p.to_dict(), ensure_ascii=False) + "\n")
    if output is not None and str(output) != "-":
        err_console.print(f"Alerts: {output}")
    if report is not None:
        err_console.print(f"Report: {report}")
    if output is None and report is None:
        table = Table(title="Riskiest shipments")
        for col in ("Shipment", "Line", "Score", "Level", "Rules"):
            table.add_column(col)
        for row in s.top[:20]:
            table.add_row(str(row["shipment_id"]), str(row.get("line", "")), f"{row['score']:.3f}", row["level"],
                          ", ".join(r["rule_id"] for r in row["reasons"]))
        console.print(table)


def _user() -> str:
    import getpass

    return getpass.getuser()


def _screener_if_open() -> object | None:
    """The process-wide party screener the run used (None when it could not be opened)."""
    try:
        from interdict.screening import get_screener

        return get_screener()
    except Exception:  # noqa: BLE001 - the run already said why party screening was off
        return None


@app.command("hs")
def hs_cmd(code: str = typer.Argument(..., help="HS code: 2 to 10 digits, dots allowed (8471.30, 84713000)."),
           as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Check an HS code against the bundled HS 2022 nomenclature (national codes by their 6-digit root).

    Example: interdict trade hs 8471.30
    """
    from interdict.trade.goods import check_hs

    hs = check_hs(code)
    if hs is None:
        err_console.print("[red]No code given.[/]")
        raise typer.Exit(1)
    if as_json:
        print_json(hs.to_dict())
        return
    status = "[green]valid[/]" if hs.valid else "[red]not in HS 2022[/]"
    console.print(f"{hs.raw}: {status}" + (f" — {hs.description}" if hs.description else ""))
    if hs.problem:
        console.print(f"[yellow]{hs.problem}[/]")
    if not hs.valid:
        raise typer.Exit(1)


@app.command("classify")
def classify_cmd(description: str = typer.Argument(..., help="Goods description in English and/or Chinese."),
                 as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Classify a goods description to categories and an HS heading, and name controlled chip models.

    Example: interdict trade classify "显卡 RTX 4090D 24GB"
    """
    from interdict.trade.goods import classify

    c = classify(description)
    data = {
        "categories": [{"id": cat.id, "label": cat.label, "hs": cat.classify_to} for cat in c.categories],
        "keywords": list(c.keywords),
        "suggested_hs": c.suggested_hs,
        "models": [m.to_dict() for m in c.models],
    }
    if as_json:
        print_json(data)
        return
    if not c.categories:
        console.print("No category recognised.")
        return
    for cat, kw in zip(c.categories, c.keywords, strict=True):
        console.print(f"{cat.label} (HS {cat.classify_to}) — keyword {kw!r}")
    for m in c.models:
        console.print(f"[bold]{m.model.label}[/]: {m.eccn} [{m.model.source_id}, grade {m.model.grade}]")


@app.command("place")
def place_cmd(text: str = typer.Argument(..., help="Address, port or place in English, pinyin, Chinese or Korean."),
              as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Find DPRK places, Chinese border counties, ports and hubs named in a text; USCC region codes too.

    Example: interdict trade place "辽宁省丹东市振兴区滨江中路"
    """
    from interdict.trade.places import find_places, place_for_uscc

    places = find_places(text)
    by_code = place_for_uscc(text.strip())
    if by_code is not None and by_code not in places:
        places.append(by_code)
    if as_json:
        print_json([p.to_dict() for p in places])
        return
    if not places:
        console.print("No known place.")
        return
    for p in places:
        flags = [f for f, on in (("DPRK", p.is_dprk), ("border", p.is_border), ("hub", p.is_hub)) if on]
        console.print(escape(f"{p.label()} — {p.kind}, {p.country.upper()}" + (f", code {p.code}" if p.code else "")
                             + (f" [{', '.join(flags)}]" if flags else "") + f" ({p.source_id}, grade {p.grade})"))


@app.command("rules")
def rules_cmd(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """List the trade rules with their family, weight and citation.

    Example: interdict trade rules
    """
    from interdict.rules import load_pack

    rules = load_pack("trade")
    if as_json:
        print_json([{"id": r.id, "family": r.family, "weight": r.weight, "description": r.description,
                     "citation": r.citation.model_dump(exclude_none=True, mode="json")} for r in rules.values()])
        return
    table = Table(title="Trade rules (src/interdict/rules/trade.yml)")
    for col in ("Rule", "Family", "Weight", "Fires when", "Citation"):
        table.add_column(col)
    for r in rules.values():
        table.add_row(r.id, r.family, f"{r.weight:.2f}", r.description, r.citation.short())
    console.print(table)

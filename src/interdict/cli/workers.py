"""``interdict workers``: screen contractors for DPRK IT-worker signals (parse, call, render)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer
from rich.table import Table

from interdict.cli.common import console, err_console
from interdict.exc import InvalidInput

app = typer.Typer(help="Find likely DPRK IT workers among contractors: profiles, logins, payments, equipment.",
                  no_args_is_help=True)


@app.command("screen")
def screen(
    profiles: Path = typer.Option(..., "--profiles", help="Contractor profiles: CSV or JSON lines."),
    events: Path = typer.Option(None, "--events", help="Activity events: CSV, JSON lines or Parquet (streamed)."),
    output: Path = typer.Option(None, "--output", help="Write results: .csv for CSV, otherwise JSON lines."),
    report: Path = typer.Option(None, "--report", help="Write a self-contained HTML report with the clusters drawn."),
    pseudonymise_key: str = typer.Option(
        None, "--pseudonymise-key", envvar="INTERDICT_PSEUDONYMISE_KEY",
        help="Secret (>= 16 bytes) to replace identifiers in --output/--report by HMAC-SHA256 pseudonyms. "
        "Prefer the INTERDICT_PSEUDONYMISE_KEY variable or --pseudonymise-key-file over the command line."),
    pseudonymise_key_file: Path = typer.Option(None, "--pseudonymise-key-file", help="File holding the secret."),
    events_format: str = typer.Option(None, "--events-format", help="csv, jsonl or parquet (default: extension)."),
    no_screening: bool = typer.Option(False, "--no-screening", help="Do not screen names against the lists."),
    as_of: str = typer.Option(None, "--as-of", help="Date for company/domain ages, YYYY-MM-DD (default: today)."),
    network_records: list[Path] = typer.Option(
        None, "--network-records",
        help="Registry/trade records (FtM JSON lines, CSV...) for the network analysis; a contractor's company "
        "flagged there (owned by or linked to designated parties) fires ORG-03. Repeatable."),
    show: int = typer.Option(20, "--show", min=0, help="Flagged contractors to list on screen."),
    no_audit: bool = typer.Option(False, "--no-audit", help="Do not write the run's record to the audit trail."),
) -> None:
    """Screen contractor profiles and their activity events; one explained alert per contractor.

    Signals carry the indicator ids of the US/ROK advisories (NET-01..06, COM-01/02, PAY-01/02/04/06,
    IDN-01/02, HW-01..03, ORG-01/03, TP-04, TP-12) with their citations; accounts sharing rare
    devices, IPs, payment accounts, documents or photos are grouped into clusters.

    Example: interdict workers screen --profiles profiles.csv --events events.parquet --output alerts.jsonl --report report.html
    """
    from interdict.workers import Pseudonymiser, screen_contractors, write_report, write_results
    from interdict.workers.screen import open_default_screener

    when = None
    if as_of:
        try:
            when = date.fromisoformat(as_of)
        except ValueError as exc:
            raise InvalidInput(f"--as-of must be YYYY-MM-DD, got {as_of!r}") from exc
    key = pseudonymise_key
    if pseudonymise_key_file is not None:
        try:
            key = pseudonymise_key_file.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise InvalidInput(f"cannot read --pseudonymise-key-file: {exc}") from exc
    pseudonymiser = Pseudonymiser(key) if key else None
    if events is not None and not events.exists():
        raise InvalidInput(f"events file not found: {events}")
    screener = None
    if not no_screening:
        screener, why = open_default_screener()
        if why:
            err_console.print(f"[yellow]Note:[/] {why}", soft_wrap=True)
    network = None
    if network_records:
        from interdict.network.analyze import analyze

        network = analyze(network_records, use_lists=not no_screening)
        for note in network.notes:
            err_console.print(f"[yellow]Network:[/] {note}", highlight=False, soft_wrap=True)
    result = screen_contractors(profiles, events, screener=screener, as_of=when, events_format=events_format,
                                network=network)
    if output is not None:
        n = write_results(result, output, pseudonymiser=pseudonymiser)
        err_console.print(f"Wrote {n} rows to {output}", soft_wrap=True)
    if report is not None:
        write_report(result, report, pseudonymiser=pseudonymiser)
        err_console.print(f"Wrote report to {report}", soft_wrap=True)
    if not no_audit:
        import getpass

        from interdict.audit.runs import RunAudit

        # with --pseudonymise-key the record names contractors by their pseudonyms, as the outputs do
        audit = RunAudit("workers", inputs=[profiles, *([events] if events else []), *(network_records or [])],
                         options={"screening": not no_screening, "as_of": as_of, "events_format": events_format,
                                  "pseudonymised": pseudonymiser is not None},
                         subject_of=(lambda a: pseudonymiser.token(a.subject)) if pseudonymiser else None)
        record_id = audit.add_all(result.alerts).record(
            actor=getpass.getuser(), outputs=[output, report], screener=screener, lists_used=not no_screening,
            extra={"input_problems": len(result.problems), "clusters": result.stats.get("clusters")})
        err_console.print(f"Audit record: {record_id}", soft_wrap=True)
    stats = result.stats
    for problem in result.problems[:10]:
        err_console.print(f"[yellow]Input:[/] {problem}", highlight=False, soft_wrap=True)
    if len(result.problems) > 10:
        err_console.print(f"[yellow]Input:[/] ... {len(result.problems) - 10} more problems (see --output)", soft_wrap=True)
    for note in result.notes:
        err_console.print(f"[dim]Note: {note}[/]", highlight=False, soft_wrap=True)
    summary = f"{stats['profiles']} contractors, {stats['flagged']} flagged ({stats['blocked']} block), " \
              f"{stats['clusters']} clusters"
    if "events_read" in stats:
        summary += f"; {stats['events_used']:,} of {stats['events_read']:,} events used"
    console.print(summary)
    flagged = sorted(result.flagged(), key=lambda a: -a.score)[:show]
    if flagged:
        table = Table(title="Flagged contractors")
        table.add_column("Level")
        table.add_column("Score", justify="right")
        table.add_column("Contractor")
        table.add_column("Cluster")
        table.add_column("Signals")
        for alert in flagged:
            subject = pseudonymiser.token(alert.subject) if pseudonymiser else alert.subject
            table.add_row(alert.level.value, f"{alert.score:.2f}", subject, str(alert.details.get("cluster", "")),
                          ", ".join(r.rule_id for r in alert.reasons[:8]))
        console.print(table)

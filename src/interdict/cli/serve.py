"""Top-level ``interdict serve`` (the HTTP API) and ``interdict rescreen`` (re-screen the book)."""

from __future__ import annotations

import getpass
import os
from pathlib import Path

import typer

from interdict.cli.common import console, err_console, print_json


def serve_command(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8000, "--port", "-p", help="Port."),
    workers: int = typer.Option(1, "--workers", "-w", help="Worker processes (each loads the index)."),
    log_level: str = typer.Option("info", "--log-level", help="uvicorn log level."),
    access_log: bool = typer.Option(True, "--access-log/--no-access-log", help="Log each request."),
) -> None:
    """Run the HTTP API (yente-compatible /match, /search, /entities; audit, decisions, book). Needs API keys.

    Example: interdict serve --host 0.0.0.0 --port 8000 --workers 2
    """
    import uvicorn

    from interdict.audit.db import open_service_db
    from interdict.audit.keys import list_keys
    from interdict.screening import Screener

    # Load the bundled lists into an empty store and build the index once, here, so the workers
    # (which open the store read-only) only load it.
    warm = Screener.open()
    if warm.store is not None and not type(warm.store).__name__.startswith("_Lazy"):
        warm.store.close()  # a lazy store that was never opened has nothing to close
    del warm
    db = open_service_db()
    if not list_keys(db, include_revoked=False):
        err_console.print("[yellow]No API keys yet[/]: every request except /healthz and /readyz will get 401. "
                          "Create one: interdict keys create --label me --role admin")
    console.print(f"interdict API on http://{host}:{port} ({workers} worker{'s' if workers > 1 else ''}); "
                  f"service database {db.describe()}")
    balance = None
    if workers > 1:  # the workers share their connection counts through this file (api.balance)
        from interdict.api.app import BALANCE_ENV
        from interdict.config import get_settings

        run = get_settings().home / "run"
        for stale in run.glob("balance-*"):  # left by a server that was killed
            pid = stale.name.removeprefix("balance-")
            if pid.isdigit() and not Path(f"/proc/{pid}").exists():
                stale.unlink(missing_ok=True)
        balance = run / f"balance-{os.getpid()}"
        os.environ[BALANCE_ENV] = str(balance)
    try:
        uvicorn.run("interdict.api.app:create_server_app", factory=True, host=host, port=port, workers=workers,
                    log_level=log_level, access_log=access_log, timeout_graceful_shutdown=10,
                    http="auto", loop="auto")  # httptools and uvloop when installed (they are dependencies)
    finally:
        if balance is not None:
            balance.unlink(missing_ok=True)


def rescreen_command(
    full: bool = typer.Option(False, "--full", help="Screen every customer against every entity."),
    threshold: float = typer.Option(None, "--threshold", help="Match threshold (default: calibrated)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Re-screen the customer book: only list entities added or changed since the last run, plus
    customers whose data changed; print new and resolved alerts.

    Example: interdict rescreen
    """
    from interdict.audit.book import rescreen
    from interdict.audit.db import open_service_db
    from interdict.screening import Screener
    from interdict.store import open_store

    with open_store() as store:  # one connection for the screener and the change detection
        screener = Screener.open(store=store)
        report = rescreen(open_service_db(), actor=f"cli:{getpass.getuser()}", screener=screener, store=store,
                          full=full, threshold=threshold)
    if as_json:
        print_json(report.to_dict())
        return
    console.print(f"Run {report.run_id} ({report.mode}): {report.customers_screened_full:,} customers screened in full, "
                  f"{report.customers_screened_delta:,} against {report.entities_changed:,} changed list entities.")
    for source, ch in report.list_changes.items():
        console.print(f"  {source}: version {ch['from_version']} -> {ch['to_version']}: +{ch['added']} "
                      f"~{ch['changed']} -{ch['removed']}")
    for a in report.new_alerts:
        console.print(f"[red]NEW[/] {a['customer_id']} ~ {a['entity_id']} {a['caption']!r} ({a['score']:.2f}): {a['cause']}")
    for a in report.resolved_alerts:
        console.print(f"[green]RESOLVED[/] {a['customer_id']} ~ {a['entity_id']}: {a['why']}")
    console.print(f"{len(report.new_alerts)} new, {len(report.resolved_alerts)} resolved, {report.open_alerts} open alerts.")


def register(app: typer.Typer) -> None:
    app.command("serve")(serve_command)
    app.command("rescreen")(rescreen_command)

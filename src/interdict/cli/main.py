"""The ``interdict`` command: registers each command group and turns errors into one red line."""

from __future__ import annotations

import importlib
import os
import sys

import typer
from rich.console import Console

from interdict.exc import InterdictError

app = typer.Typer(
    name="interdict",
    help="Find sanctions evasion: screen parties, shipments, company networks and contractors "
    "against the official lists.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# (module under interdict.cli, group name or None for top-level commands)
GROUPS: list[tuple[str, str | None]] = [
    ("lists", "lists"),
    ("export", None),
    ("screen", None),
    ("trade", "trade"),
    ("network", "network"),
    ("workers", "workers"),
    ("keys", "keys"),
    ("audit", "audit"),
    ("book", "book"),
    ("serve", None),
    ("demo", None),
]

for module_name, group in GROUPS:
    try:
        module = importlib.import_module(f"interdict.cli.{module_name}")
    except ModuleNotFoundError as exc:  # a group still being built is left out, nothing else
        if exc.name != f"interdict.cli.{module_name}":
            raise
        continue
    if group:
        app.add_typer(module.app, name=group)
    else:
        module.register(app)

err_console = Console(stderr=True)


def run() -> None:
    """Entry point: no Python traceback reaches the user for errors we expect."""
    try:
        app()
    except InterdictError as exc:
        err_console.print(f"[bold red]Error:[/] {exc}", highlight=False, soft_wrap=True)
        sys.exit(1)
    except KeyboardInterrupt:
        err_console.print("[yellow]Interrupted.[/]")
        sys.exit(130)
    except Exception as exc:  # a bug: say so in one line; the traceback only on request
        if os.environ.get("INTERDICT_DEBUG"):
            raise
        err_console.print(
            f"[bold red]Internal error[/] ({type(exc).__name__}): {exc}\n"
            "This is a bug in interdict; run again with INTERDICT_DEBUG=1 to see the traceback and report it.",
            highlight=False,
            soft_wrap=True,
        )
        sys.exit(2)


if __name__ == "__main__":
    run()

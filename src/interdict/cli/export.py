"""``interdict export``: write the loaded lists as FtM JSON lines."""

from __future__ import annotations

from pathlib import Path

import typer

from interdict import lists as ops
from interdict.cli.common import err_console
from interdict.exc import InvalidInput


def export(
    fmt: str = typer.Option("ftm", "--format", help="Output format: ftm (FollowTheMoney JSON lines)."),
    output: Path = typer.Option(None, "--output", "-o", help="File to write (default: stdout)."),
    source: list[str] = typer.Option(None, "--source", "-s", help="Only these sources (repeatable)."),
    dprk: bool = typer.Option(False, "--dprk", help="Only entities under DPRK regimes."),
    keep_ids: bool = typer.Option(False, "--keep-ids", help="Keep interdict's ids (un_sc-KPe.029) instead of FtM-valid ones (un-sc-KPe.029)."),
) -> None:
    """Export the current list entities as FtM JSON lines, readable by yente, nomenklatura and Aleph.

    Ids are written in FtM's id alphabet ('_' becomes '-': un_sc-KPe.029 -> un-sc-KPe.029) so that
    links between entities survive FtM validation; --keep-ids writes interdict's own ids.

    Example: interdict export --format ftm --output lists.ftm.json
    """
    if fmt.lower() not in ("ftm", "ftm-json", "jsonl"):
        raise InvalidInput(f"unknown export format {fmt!r}; supported: ftm")
    n = ops.export_ftm(output, sources=source or None, dprk_only=dprk, keep_ids=keep_ids)
    if output is not None:
        err_console.print(f"wrote {n:,} entities to {output}", highlight=False)


def register(app: typer.Typer) -> None:
    app.command("export")(export)

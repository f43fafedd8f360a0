"""``interdict lists``: load, update, status, diff and show the sanctions lists."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.table import Table

from interdict import lists as ops
from interdict.cli.common import console, err_console, print_json

app = typer.Typer(
    help="Load the official sanctions lists into the store, keep them current, see what changed.",
    no_args_is_help=True,
)


def _progress(quiet: bool):
    if quiet:
        return None
    return lambda message: err_console.print(f"[dim]{message}[/]", highlight=False)


def _report_failures(exc: ops.LoadFailed, as_json: bool) -> None:
    for report in exc.reports:
        if as_json:
            continue
        console.print(report.message, highlight=False)
    raise exc


@app.command("load")
def load_cmd(
    source: list[str] = typer.Option(None, "--source", "-s", help="Source to load (repeatable): un_sc, us_ofac_sdn, us_ofac_cons, us_csl, or a name for an FtM file."),
    file: list[Path] = typer.Option(None, "--file", "-f", help="Load these files instead of the bundled snapshot (one source; an OFAC set takes sdn/add/alt/comments together)."),
    version: str = typer.Option(None, "--version", help="Pick another bundled snapshot, e.g. 2023-12-28 for us_ofac_sdn."),
    label: str = typer.Option(None, "--label", help="Version label to record (default: publication date)."),
    fmt: str = typer.Option(None, "--format", help="Force the reader: un_xml, ofac_csv, csl or ftm (default: from the source)."),
    force: bool = typer.Option(False, "--force", help="Load even if the input is empty, drops too many entries or is older than the current version."),
    as_json: bool = typer.Option(False, "--json", help="Print the load reports as JSON."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress messages."),
) -> None:
    """Load the bundled list snapshots (default) or given files into the store, atomically.

    Example: interdict lists load --source us_ofac_sdn --version 2023-12-28
    """
    try:
        reports = ops.load(source or None, file or None, version=version, label=label, fmt=fmt, force=force, progress=_progress(quiet or as_json))
    except ops.LoadFailed as exc:
        _report_failures(exc, as_json)
        return
    if as_json:
        print_json([r.to_dict() for r in reports])
        return
    for report in reports:
        console.print(report.message, highlight=False)
        for problem in report.problems[:5]:
            err_console.print(f"[yellow]warning:[/] {problem}", highlight=False)


@app.command("update")
def update_cmd(
    source: list[str] = typer.Option(None, "--source", "-s", help="Source to update (repeatable; default: all official sources)."),
    url: list[str] = typer.Option(None, "--url", help="Override a download URL as SOURCE=URL (or set INTERDICT_URL_<SOURCE>)."),
    force: bool = typer.Option(False, "--force", help="Load even if the download is empty, drops too many entries or is older."),
    timeout: float = typer.Option(120.0, "--timeout", help="Seconds per download."),
    as_json: bool = typer.Option(False, "--json", help="Print the load reports as JSON."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress messages."),
) -> None:
    """Download each list from its official URL, verify it and load it as the new version.

    Example: interdict lists update --source un_sc
    """
    urls = {}
    for item in url or []:
        if "=" not in item:
            raise typer.BadParameter(f"--url takes SOURCE=URL, got {item!r}")
        key, value = item.split("=", 1)
        urls[key.strip()] = value.strip()
    try:
        reports = ops.update(source or None, urls=urls, force=force, timeout=timeout, progress=_progress(quiet or as_json))
    except ops.LoadFailed as exc:
        _report_failures(exc, as_json)
        return
    if as_json:
        print_json([r.to_dict() for r in reports])
        return
    for report in reports:
        console.print(report.message, highlight=False)


@app.command("status")
def status_cmd(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Show each list's current version, publication date, age, entity count and hash.

    Warns when a list is older than INTERDICT_MAX_AGE_DAYS (default 30).

    Example: interdict lists status --json
    """
    data = ops.status()
    if as_json:
        print_json(data)
        return
    table = Table(title="Sanctions lists")
    for col in ("source", "version", "published", "age (days)", "entries", "DPRK", "sha256"):
        table.add_column(col)
    for row in data["sources"]:
        if not row["loaded"]:
            table.add_row(row["source"], "[red]not loaded[/]", "", "", "", "", "")
            continue
        age = f"[yellow]{row['age_days']}[/]" if row["stale"] else str(row["age_days"])
        table.add_row(
            row["source"], f"{row['version_id']} ({row['label']})", (row["published"] or "")[:10] or "unknown",
            age, f"{row['entities']:,}", f"{row['dprk']:,}", row["sha256"][:12],
        )  # fmt: skip
    console.print(table)
    for row in data["sources"]:
        if row.get("warning"):
            err_console.print(f"[yellow]warning:[/] {row['warning']}", highlight=False)


@app.command("diff")
def diff_cmd(
    source: str = typer.Argument(..., help="Source name, e.g. us_ofac_sdn."),
    old: str = typer.Argument(None, help="Old version (id or label; default: the one before NEW)."),
    new: str = typer.Argument(None, help="New version (id or label; default: current)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON with the changed fields."),
    limit: int = typer.Option(20, "--limit", help="Entries to list per section in text output."),
) -> None:
    """Show the entries added, removed and changed between two versions of a list.

    Example: interdict lists diff us_ofac_sdn 2023-12-28 2024-05-03
    """
    data = ops.diff(source, old, new)
    if as_json:
        print_json(data)
        return
    c = data["counts"]
    console.print(
        f"{source}: version {data['old']['id']} ({data['old']['label']}) -> {data['new']['id']} ({data['new']['label']}): "
        f"[green]{c['added']:,} added[/], [red]{c['removed']:,} removed[/], [yellow]{c['changed']:,} changed[/]",
        highlight=False,
    )
    for key, colour in (("added", "green"), ("removed", "red")):
        for item in data[key][:limit]:
            console.print(f"  [{colour}]{key[:-1]:>7}[/] {item['id']}  {item['caption']}", highlight=False)
        if len(data[key]) > limit:
            console.print(f"  ... {len(data[key]) - limit:,} more {key}")
    for item in data["changed"][:limit]:
        fields = ", ".join(item.get("fields", {}))
        console.print(f"  [yellow]changed[/] {item['id']}  {item['caption']}  ({fields})", highlight=False)
    if len(data["changed"]) > limit:
        console.print(f"  ... {len(data['changed']) - limit:,} more changed (use --json for all)")


@app.command("show")
def show_cmd(
    entity: str = typer.Argument(..., help="Entity id (un_sc-KPe.029) or source reference (KPe.029, an OFAC ent_num)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Print one list entity with all its fields, sanctions and provenance.

    Example: interdict lists show KPe.029
    """
    found = ops.show(entity)
    if as_json:
        print_json(found)
        return
    for item in found:
        data = item["entity"]
        console.print(f"[bold]{data.get('caption') or data['id']}[/]  {data['id']}  ({data['schema']})"
                      + ("  [red]DPRK[/]" if item["dprk"] else ""), highlight=False)  # fmt: skip
        for prop, values in sorted(data.get("properties", {}).items()):
            console.print(f"  {prop}: " + "; ".join(values), highlight=False, soft_wrap=True)
        for sanction in item["sanctions"]:
            props = sanction.get("properties", {})
            bits = [f"{k}={'; '.join(props[k])}" for k in ("authority", "program", "listingDate", "description") if k in props]
            console.print("  sanction: " + ", ".join(bits), highlight=False, soft_wrap=True)
        for rel in item["related"]:
            props = rel.get("properties", {})
            console.print(f"  {rel['schema']}: " + json.dumps(props, ensure_ascii=False), highlight=False, soft_wrap=True)
        prov = item["provenance"]
        v = prov["version"]
        if v:
            files = ", ".join(f"{f['name']} sha256:{f['sha256'][:16]}" for f in v["files"])
            console.print(
                f"  provenance: {prov['title']} version {v['id']} ({v['label']}), published {v['published'] or 'unknown'}, "
                f"loaded {v['loaded_at'][:19]}, from {v['origin']}; files: {files}",
                highlight=False, soft_wrap=True,
            )  # fmt: skip
            history = ", ".join(f"{h['version_id']} ({h['label']})" for h in prov["history"])
            console.print(f"  present in versions: {history}", highlight=False)

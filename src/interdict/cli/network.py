"""``interdict network``: ownership, proximity and front-company typologies over registry and trade records."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

import typer

from interdict.cli.common import console, err_console, print_json
from interdict.config import data_home
from interdict.exc import InvalidInput

app = typer.Typer(
    help="Find the companies behind the designated: 50% rule ownership, links and front-company typologies.",
    no_args_is_help=True,
)

FILES_HELP = "Registry (FtM JSON lines, CSV with --mapping) and trade record files; default: the files of the last analyze."


def _state_path() -> Path:
    return data_home() / "network" / "last-inputs.json"


def _save_inputs(files: list[Path], mapping: Path | None) -> None:
    path = _state_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"files": [str(f.resolve()) for f in files],
                                "mapping": str(mapping.resolve()) if mapping else None}), encoding="utf-8")


def _resolve_inputs(files: list[Path] | None, mapping: Path | None) -> tuple[list[Path], Path | None]:
    if files:
        return files, mapping
    path = _state_path()
    if not path.exists():
        raise InvalidInput("no input files given and no earlier 'interdict network analyze' to reuse")
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
        return [Path(f) for f in state["files"]], mapping or (Path(state["mapping"]) if state.get("mapping") else None)
    except (json.JSONDecodeError, KeyError, TypeError) as exc:
        raise InvalidInput(f"cannot read {path}: {exc}") from exc


def _parse_date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise InvalidInput(f"--as-of must be a date like 2026-11-22, not {value!r}") from exc


def _run(files: list[Path], mapping: Path | None, no_lists: bool, as_of: str | None, decisions: Path | None):
    from interdict.network.analyze import analyze
    from interdict.network.resolve import Decisions

    for path in files:
        if not path.is_file():
            raise InvalidInput(f"no such file: {path}" if not path.exists() else f"not a regular file: {path}")
    return analyze(files, mapping=mapping, use_lists=not no_lists, as_of=_parse_date(as_of),
                   decisions=Decisions(decisions) if decisions else None)


def _report(analysis, quiet: bool = False) -> None:
    if quiet:
        return
    for note in analysis.notes:
        err_console.print(f"[dim]{note}[/]", highlight=False, soft_wrap=True)
    problems = analysis.problems.problems
    if problems:
        err_console.print(f"[yellow]{len(problems)} input problem(s)[/] (the analysis went on):", highlight=False, soft_wrap=True)
        for problem in problems[:10]:
            err_console.print(f"  {problem}", highlight=False, soft_wrap=True)
        if len(problems) > 10:
            err_console.print(f"  ... and {len(problems) - 10} more (use --problems FILE)", highlight=False, soft_wrap=True)


Files = typer.Argument(None, help=FILES_HELP, show_default=False)
MappingOpt = typer.Option(None, "--mapping", "-m", help="followthemoney mapping (YAML) for CSV registry files.")
NoLists = typer.Option(False, "--no-lists", help="Do not use the loaded lists or screening; designations come from the input.")
AsOf = typer.Option(None, "--as-of", help="Reference date for company ages (default: today).")
DecisionsOpt = typer.Option(None, "--decisions", help="Decisions file (default: $INTERDICT_HOME/network/decisions.jsonl).")


@app.command("analyze")
def analyze_cmd(
    files: list[Path] = typer.Argument(..., help="Registry (FtM JSON lines, CSV with --mapping) and trade record files."),
    output: Path = typer.Option(None, "--output", "-o", help="Write JSON lines here instead of stdout."),
    mapping: Path = MappingOpt,
    no_lists: bool = NoLists,
    as_of: str = AsOf,
    decisions: Path = DecisionsOpt,
    all_entities: bool = typer.Option(False, "--all", help="Also write entities without any reason."),
    problems: Path = typer.Option(None, "--problems", help="Write every input problem here as JSON lines."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No notes or problem summary on stderr."),
    no_audit: bool = typer.Option(False, "--no-audit", help="Do not write the run's record to the audit trail."),
) -> None:
    """Analyse registry and trade records: one JSON line per entity (entity_id, score, level, reasons).

    Example: interdict network analyze registry.ftm.jsonl shipments.csv --output alerts.jsonl
    """
    analysis = _run(files, mapping, no_lists, as_of, decisions)
    if not analysis.graph.entities and not analysis.graph.shipments:
        # nothing usable: fail (scripts must see it) and keep the inputs of the last good analysis
        _report(analysis, quiet)
        raise InvalidInput(f"no usable entity or trade record in {', '.join(str(f) for f in files)}; "
                           "nothing was analysed and the last analysis' inputs were kept")
    _save_inputs(files, mapping)
    out = output.open("w", encoding="utf-8") if output else sys.stdout
    try:
        for alert in analysis.alerts:
            if not alert.reasons and not all_entities:
                continue
            row = alert.to_row()
            row = {"entity_id": row.pop("subject"), "caption": alert.caption, **row}
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    finally:
        if output:
            out.close()
    if problems:
        with problems.open("w", encoding="utf-8") as fh:
            for problem in analysis.problems.problems:
                fh.write(json.dumps(problem.to_dict(), ensure_ascii=False) + "\n")
    _report(analysis, quiet)
    if output and not quiet:
        flagged = sum(1 for a in analysis.alerts if a.level.value != "clear")
        err_console.print(f"wrote {output}: {flagged} of {len(analysis.alerts)} entities at review or block", highlight=False, soft_wrap=True)
    if not no_audit:
        import getpass

        from interdict.audit.runs import RunAudit

        audit = RunAudit("network", inputs=[*files, *([mapping] if mapping else [])],
                         options={"lists": not no_lists, "as_of": as_of, "decisions": str(decisions) if decisions else None})
        record_id = audit.add_all(analysis.alerts).record(
            actor=getpass.getuser(), outputs=[output], lists_used=not no_lists,
            extra={"input_problems": len(analysis.problems.problems), "notes": list(analysis.notes)})
        if not quiet:
            err_console.print(f"Audit record: {record_id}", highlight=False)


@app.command("explain")
def explain_cmd(
    entity_id: str = typer.Argument(..., help="FtM id of the entity to explain."),
    files: list[Path] = Files,
    mapping: Path = MappingOpt,
    no_lists: bool = NoLists,
    as_of: str = AsOf,
    decisions: Path = DecisionsOpt,
    as_json: bool = typer.Option(False, "--json", help="Print the full explanation as JSON."),
) -> None:
    """Explain one entity: its reasons, the ownership arithmetic and every path to designated parties.

    Example: interdict network explain reg-cn-hengyuan src/interdict/data/samples/registry.ftm.jsonl
    """
    from interdict.network.analyze import explain

    files, mapping = _resolve_inputs(files, mapping)
    analysis = _run(files, mapping, no_lists, as_of, decisions)
    data = explain(analysis, entity_id)
    if as_json:
        print_json(data)
        return
    alert = data["alert"] or {}
    console.print(f"[bold]{data['caption']}[/] ({entity_id}): score {alert.get('score', 0):.2f}, "
                  f"[bold]{alert.get('level', 'clear')}[/]", highlight=False, soft_wrap=True)
    for reason in alert.get("reasons", []):
        cite = reason.get("citation") or {}
        cite_text = " ".join(str(x) for x in (cite.get("instrument"), cite.get("paragraph")) if x)
        if cite.get("source_id"):
            cite_text += f" [{cite['source_id']}, grade {cite.get('grade')}]"
        console.print(f"\n[bold]{reason['rule_id']}[/] ({reason['score']:.2f}) {reason['summary']}", highlight=False, soft_wrap=True)
        if reason.get("path"):
            console.print("  path: " + " -> ".join(reason["path"]), highlight=False, soft_wrap=True)
        if cite_text:
            console.print(f"  [dim]{cite_text}[/]", highlight=False, soft_wrap=True)
    own = data["ownership"]
    console.print("\n[bold]Ownership[/]", highlight=False, soft_wrap=True)
    console.print(f"  OFAC 50% rule: {'BLOCKED' if own['ofac']['blocked'] else 'not blocked'}; "
                  f"held by blocked persons {own['ofac']['share'] * 100:.2f}%", highlight=False, soft_wrap=True)
    why = own["ofac"]["why"]
    if why and why.get("arithmetic"):
        console.print(f"    {why['arithmetic']}", highlight=False, soft_wrap=True)
    console.print(f"  EU/UK owned or controlled: {'yes' if own['eu']['owned_or_controlled'] else 'no'}"
                  + (" (control through office)" if own["eu"]["controlled_through_office"] else ""), highlight=False, soft_wrap=True)
    look = own["lookthrough"]
    console.print(f"  Look-through (product along chains, summed): {look['total'] * 100:.2f}%", highlight=False, soft_wrap=True)
    for path in look["paths"][:20]:
        shares = " x ".join("?" if s is None else f"{s * 100:g}%" for s in path["shares"])
        product = "?" if path["product"] is None else f"{path['product'] * 100:.2f}%"
        console.print(f"    {' -> '.join(path['path'])}: {shares} = {product}", highlight=False, soft_wrap=True)
    if look["cycle_contribution"]:
        console.print(f"    + {look['cycle_contribution'] * 100:.2f}% through ownership cycles", highlight=False, soft_wrap=True)
    prox = data["proximity"]
    if prox["hops"]:
        console.print(f"\n[bold]Proximity[/] {prox['risk']:.2f}: " + " -> ".join(prox["path"]), highlight=False, soft_wrap=True)
        for hop in prox["hops"]:
            extra = f" {hop['value']} (shared by {hop['shared_by']})" if "value" in hop else ""
            console.print(f"    via {hop['via']}{extra} weight {hop['weight']:.2f}", highlight=False, soft_wrap=True)


@app.command("export")
def export_cmd(
    files: list[Path] = Files,
    fmt: str = typer.Option("ftm", "--format", "-f", help="ftm (JSON lines), graphml or gexf."),
    output: Path = typer.Option(None, "--output", "-o", help="Output file (default: stdout)."),
    mapping: Path = MappingOpt,
    no_lists: bool = NoLists,
    as_of: str = AsOf,
    decisions: Path = DecisionsOpt,
) -> None:
    """Export the analysed network as FtM JSON lines, GraphML or GEXF (Gephi), with scores on the nodes.

    Example: interdict network export registry.ftm.jsonl --format graphml --output network.graphml
    """
    from interdict.network.export import FORMATS, export

    if fmt.lower() not in FORMATS:
        raise InvalidInput(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    files, mapping = _resolve_inputs(files, mapping)
    analysis = _run(files, mapping, no_lists, as_of, decisions)
    export(analysis, fmt, output if output else sys.stdout)
    if output:
        err_console.print(f"wrote {output}", highlight=False, soft_wrap=True)


@app.command("draw")
def draw_cmd(
    entity_id: str = typer.Argument(..., help="FtM id of the entity to draw."),
    files: list[Path] = Files,
    output: Path = typer.Option(None, "--output", "-o", help="Output prefix: writes PREFIX.png and PREFIX.html (default: ./<entity id>)."),
    hops: int = typer.Option(2, "--hops", min=1, max=5, help="Links to follow from the entity."),
    max_nodes: int = typer.Option(60, "--max-nodes", min=2, max=500, help="Most nodes to draw."),
    mapping: Path = MappingOpt,
    no_lists: bool = NoLists,
    as_of: str = AsOf,
    decisions: Path = DecisionsOpt,
) -> None:
    """Draw an entity's neighbourhood (designated parties, paths, percentages) to PNG and interactive HTML.

    Example: interdict network draw reg-cn-hengyuan src/interdict/data/samples/registry.ftm.jsonl -o hengyuan
    """
    from interdict.network.draw import draw

    files, mapping = _resolve_inputs(files, mapping)
    analysis = _run(files, mapping, no_lists, as_of, decisions)
    prefix = output or Path("".join(c if c.isalnum() or c in "-_." else "_" for c in entity_id))
    png, page = draw(analysis, entity_id, prefix, hops=hops, max_nodes=max_nodes)
    console.print(f"wrote {png} and {page}", highlight=False, soft_wrap=True)


@app.command("links")
def links_cmd(
    files: list[Path] = Files,
    mapping: Path = MappingOpt,
    no_lists: bool = NoLists,
    decisions: Path = DecisionsOpt,
    pending: bool = typer.Option(False, "--pending", help="Only links nobody has decided on."),
) -> None:
    """List proposed entity-resolution links (same party in two records, or a party on a list) with evidence.

    Example: interdict network links registry.ftm.jsonl --pending
    """
    files, mapping = _resolve_inputs(files, mapping)
    analysis = _run(files, mapping, no_lists, None, decisions)
    for link in analysis.links:
        if pending and link.decision is not None:
            continue
        sys.stdout.write(json.dumps(link.to_dict(), ensure_ascii=False, default=str) + "\n")


@app.command("decide")
def decide_cmd(
    left: str = typer.Argument(..., help="Entity id (registry)."),
    right: str = typer.Argument(..., help="Entity id (registry or list entity, e.g. un_sc-KPe.002)."),
    decision: str = typer.Argument(..., help="accept or reject."),
    note: str = typer.Option(None, "--note", help="Why."),
    by: str = typer.Option(None, "--by", help="Who decides (default: $USER)."),
    decisions: Path = DecisionsOpt,
) -> None:
    """Accept or reject a proposed link; accepted registry pairs are merged, accepted list links designate.

    Example: interdict network decide reg-cn-xinda trade-3f2a9c0e11aa4b7d accept --note "same USCC"
    """
    from interdict.network.resolve import Decisions

    rec = Decisions(decisions).record(left, right, decision.lower(), by=by, note=note)
    console.print(f"recorded: {rec['decision']} {rec['left']} ~ {rec['right']}", highlight=False, soft_wrap=True)

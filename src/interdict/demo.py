"""The demo job behind ``make demo``: every engine once, on the bundled lists and sample files.

It loads the bundled list snapshots, screens a sample of parties (real designated names in several
spellings and scripts, and ordinary names), screens sample shipments, analyses a sample company
registry built around real designated parties, and screens a sample contractor population, writing
each engine's alerts and reports under one output folder. The samples are synthetic except for the
designated names, which come from the bundled lists; see ``data/samples/README.md``.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

__all__ = ["DemoStep", "run_demo", "sample_path"]


def sample_path(name: str) -> Path:
    """Path of a bundled sample file (``parties.csv``, ``shipments.csv``, ``registry.ftm.jsonl``...)."""
    return Path(str(resources.files("interdict") / "data" / "samples" / name))


@dataclass
class DemoStep:
    name: str
    summary: str
    outputs: list[Path] = field(default_factory=list)
    levels: dict[str, int] = field(default_factory=dict)


def _levels(rows: list[dict[str, Any]]) -> dict[str, int]:
    return dict(Counter(str(r.get("level", "?")) for r in rows))


def run_demo(output: str | Path, *, log: Any = print) -> list[DemoStep]:
    """Run every engine on the bundled data and write results under ``output``; returns the steps."""
    from interdict import lists
    from interdict.screening import get_screener
    from interdict.screening.batch import screen_file as screen_parties_file

    out = Path(output)
    out.mkdir(parents=True, exist_ok=True)
    steps: list[DemoStep] = []

    log("Loading the bundled sanctions lists ...")
    reports = lists.load()
    loaded = ", ".join(f"{r.source} {r.entities:,} ({r.status})" for r in reports)
    steps.append(DemoStep("lists", loaded))

    log("Screening sample parties ...")
    screener = get_screener()
    parties_out = out / "parties.jsonl"
    summary = screen_parties_file(sample_path("parties.csv"), parties_out, screener=screener)
    steps.append(DemoStep("parties", f"{summary.screened} parties screened, {summary.rows_matched} matched a "
                          f"designated party ({summary.rows_matched_dprk} under DPRK programmes), "
                          f"{summary.skipped} unreadable",
                          [parties_out, *([Path(summary.errors_file)] if summary.errors_file else [])]))

    log("Screening sample shipments ...")
    from interdict.trade.shipments import screen_file as screen_shipments_file

    trade_out, trade_report = out / "shipments.jsonl", out / "shipments.html"
    screen_shipments_file(sample_path("shipments.csv"), output=trade_out, report=trade_report,
                          screener=screener, title="interdict demo: sample shipments")
    trade_rows = [json.loads(line) for line in trade_out.read_text(encoding="utf-8").splitlines() if line.strip()]
    steps.append(DemoStep("trade", f"{len(trade_rows)} shipments screened", [trade_out, trade_report],
                          _levels(trade_rows)))

    log("Analysing the sample company registry ...")
    from interdict.network.analyze import LIST_PREFIXES, analyze
    from interdict.network.draw import draw

    analysis = analyze([sample_path("registry.ftm.jsonl"), sample_path("network-shipments.csv")], screener=screener)
    net_out = out / "network.jsonl"
    with net_out.open("w", encoding="utf-8") as fh:
        for alert in analysis.alerts:
            fh.write(json.dumps({"entity_id": alert.subject, **alert.to_row()}, ensure_ascii=False) + "\n")
    net_rows = [a.to_row() for a in analysis.alerts]
    outputs = [net_out]
    flagged = [a for a in analysis.alerts if a.level.value != "clear" and not a.subject.startswith(LIST_PREFIXES)]
    if flagged:
        top = max(flagged, key=lambda a: a.score)
        outputs.extend(draw(analysis, top.subject, out / "network-top"))
    steps.append(DemoStep("network", f"{len(analysis.alerts)} registry entities analysed", outputs, _levels(net_rows)))

    log("Screening sample contractors ...")
    from interdict.workers.output import write_results
    from interdict.workers.report import write_report
    from interdict.workers.screen import screen_contractors

    workers = screen_contractors(sample_path("contractors.jsonl"), sample_path("contractor-events.csv"),
                                 screener=screener)
    workers_out, workers_report = out / "contractors.jsonl", out / "contractors.html"
    write_results(workers, workers_out)
    write_report(workers, workers_report)
    worker_rows = [a.to_row() for a in workers.alerts]
    steps.append(DemoStep("workers", f"{len(workers.alerts)} contractors screened",
                          [workers_out, workers_report], _levels(worker_rows)))

    (out / "SUMMARY.json").write_text(json.dumps(
        [{"step": s.name, "summary": s.summary, "levels": s.levels, "outputs": [str(p) for p in s.outputs]}
         for s in steps], indent=2), encoding="utf-8")
    return steps

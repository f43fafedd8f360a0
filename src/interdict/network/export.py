"""Export the analysed network: FtM JSON lines (for Aleph / OpenSanctions tools), GraphML, GEXF (Gephi).

GraphML and GEXF carry one node per party with ``label``, ``schema``, ``designated``, ``score``,
``level`` and one edge per link with ``kind``, ``share`` (ownership) and ``link`` (the FtM id).
The FtM export writes the entities as read (after accepted merges) plus the link entities; parties
with an alert at review or block get a note with the score and rule ids, and parties blocked by
ownership get the FtM topic ``sanction.linked``.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import IO, Any

import networkx as nx

from interdict.exc import InvalidInput

from .analyze import NetworkAnalysis
from .graph import EDGE_KINDS

__all__ = ["to_networkx", "export", "FORMATS"]

FORMATS = ("ftm", "graphml", "gexf")


def to_networkx(analysis: NetworkAnalysis, nodes: set[int] | None = None) -> nx.MultiDiGraph:
    graph = analysis.graph
    alerts = {a.subject: a for a in analysis.alerts}
    out = nx.MultiDiGraph()
    keep = set(range(graph.n)) if nodes is None else nodes
    for node in sorted(keep):
        nid = graph.ids[node]
        proxy = graph.entities.get(nid)
        alert = alerts.get(nid)
        out.add_node(
            nid, label=graph.caption(node), schema=proxy.schema.name if proxy is not None else "",
            designated=bool(graph.designated[node]), score=round(alert.score, 4) if alert else 0.0,
            level=alert.level.value if alert else "clear",
            ofac_share=round(float(analysis.ownership.ofac_share[node]), 6),
            lookthrough=round(float(analysis.ownership.lookthrough[node]), 6),
        )
    for i in range(len(graph.e_kind)):
        s, d = int(graph.e_src[i]), int(graph.e_dst[i])
        if s not in keep or d not in keep:
            continue
        attrs: dict[str, Any] = {"kind": EDGE_KINDS[int(graph.e_kind[i])]}
        if not math.isnan(graph.e_pct[i]):
            attrs["share"] = round(float(graph.e_pct[i]), 6)
        if graph.e_link and graph.e_link[i]:
            attrs["link"] = graph.e_link[i]
        if graph.e_role and graph.e_role[i]:
            attrs["role"] = graph.e_role[i]
        out.add_edge(graph.ids[s], graph.ids[d], **attrs)
    return out


def _ftm_lines(analysis: NetworkAnalysis) -> list[str]:
    graph = analysis.graph
    alerts = {a.subject: a for a in analysis.alerts}
    lines = []
    for eid, proxy in graph.entities.items():
        data = proxy.to_dict()
        alert = alerts.get(eid)
        if alert is not None and alert.level.value != "clear" and eid not in graph.designations:
            props = data.setdefault("properties", {})
            rules = sorted({r.rule_id for r in alert.reasons})
            props.setdefault("notes", []).append(
                f"interdict network: score {alert.score:.2f} ({alert.level.value}); rules: {', '.join(rules)}"
            )
            if {"ofac-50-percent", "eu-owned-or-controlled"} & set(rules) and proxy.schema.get("topics"):
                props.setdefault("topics", [])
                if "sanction.linked" not in props["topics"]:
                    props["topics"].append("sanction.linked")
        lines.append(json.dumps(data, ensure_ascii=False, sort_keys=True))
    return lines


def export(analysis: NetworkAnalysis, fmt: str, out: str | Path | IO[str]) -> None:
    """Write the network in ``fmt`` (ftm, graphml, gexf) to a path or a text stream."""
    fmt = fmt.lower()
    if fmt not in FORMATS:
        raise InvalidInput(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if fmt == "ftm":
        text = "\n".join(_ftm_lines(analysis)) + "\n"
        if isinstance(out, str | Path):
            Path(out).write_text(text, encoding="utf-8")
        else:
            out.write(text)
        return
    g = to_networkx(analysis)
    if fmt == "graphml":
        lines = nx.generate_graphml(g)
    else:
        lines = nx.generate_gexf(g)
    text = "\n".join(lines) + "\n"
    if isinstance(out, str | Path):
        Path(out).write_text(text, encoding="utf-8")
    else:
        out.write(text)

"""A self-contained HTML report: flagged contractors with their reasons, clusters drawn as inline SVG.

No scripts, fonts or stylesheets are fetched from anywhere: the file opens offline and can be
attached to a case. Everything user-supplied is HTML-escaped.
"""

from __future__ import annotations

import math
from html import escape
from pathlib import Path
from typing import Any

from interdict.workers.output import result_rows
from interdict.workers.pseudonymise import Pseudonymiser
from interdict.workers.screen import WorkerScreening

__all__ = ["render_report", "write_report"]

_COLOURS = {"block": "#c0392b", "review": "#e67e22", "clear": "#7f8c8d"}
_KIND_COLOURS = {"device": "#8e44ad", "payment": "#c0392b", "document": "#2c3e50", "photo": "#16a085",
                 "phone": "#2980b9", "email": "#2980b9", "email_pattern": "#5dade2", "address": "#d35400",
                 "ip": "#95a5a6"}
MAX_DRAWN = 60
MAX_NODES = 40

_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2em;color:#222;max-width:1200px}
h1{font-size:1.5em}h2{margin-top:2em;border-bottom:1px solid #ddd}
table{border-collapse:collapse;width:100%;font-size:.9em}td,th{border-bottom:1px solid #eee;padding:4px 6px;
text-align:left;vertical-align:top}.lvl{color:#fff;border-radius:3px;padding:1px 6px;font-size:.85em}
.block{background:#c0392b}.review{background:#e67e22}.clear{background:#7f8c8d}
.cite{color:#555;font-size:.85em}details summary{cursor:pointer}pre{white-space:pre-wrap;font-size:.8em;
background:#f7f7f7;padding:6px}.cluster{display:inline-block;vertical-align:top;margin:8px;border:1px solid #ddd;
padding:6px}.note{color:#555}
"""


def _level(level: str) -> str:
    return f'<span class="lvl {escape(level)}">{escape(level)}</span>'


def _reason_html(reason: dict[str, Any]) -> str:
    cite = reason.get("citation") or {}
    cite_text = escape(f"{cite.get('instrument', '')} {cite.get('paragraph', '') or ''}".strip())
    if cite.get("source_id"):
        cite_text += escape(f" [{cite['source_id']}, grade {cite.get('grade', '')}]")
    import json

    evidence = escape(json.dumps(reason.get("evidence", {}), ensure_ascii=False, indent=1, default=str)[:4000])
    return (f"<li><b>{escape(reason['rule_id'])}</b> ({reason['score']:.2f}) {escape(reason['summary'])}"
            f"<br><span class=cite>{cite_text}</span>"
            f"<details><summary>evidence</summary><pre>{evidence}</pre></details></li>")


def _cluster_svg(cluster: dict[str, Any], levels: dict[str, str]) -> str:
    members = cluster["members"][:MAX_NODES]
    links = [link for link in cluster["links"] if any(m in members for m in link["members"])][:MAX_NODES]
    size = 360
    centre, radius = size / 2, size / 2 - 50
    pos: dict[str, tuple[float, float]] = {}
    for k, member in enumerate(members):
        angle = 2 * math.pi * k / max(1, len(members)) - math.pi / 2
        pos[member] = (centre + radius * math.cos(angle), centre + radius * math.sin(angle))
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" '
             f'viewBox="0 0 {size} {size}" role="img" aria-label="cluster {escape(cluster["cluster"])}">']
    # attribute nodes sit at the centroid of the members sharing them (bipartite drawing)
    for j, link in enumerate(links):
        pts = [pos[m] for m in link["members"] if m in pos]
        if not pts:
            continue
        ax = sum(p[0] for p in pts) / len(pts) * 0.6 + centre * 0.4 + (j % 5 - 2) * 6
        ay = sum(p[1] for p in pts) / len(pts) * 0.6 + centre * 0.4 + (j // 5 % 5 - 2) * 6
        colour = _KIND_COLOURS.get(link["kind"], "#999")
        for x, y in pts:
            parts.append(f'<line x1="{x:.1f}" y1="{y:.1f}" x2="{ax:.1f}" y2="{ay:.1f}" stroke="{colour}" '
                         'stroke-width="1.5" opacity="0.7"/>')
        parts.append(f'<rect x="{ax - 5:.1f}" y="{ay - 5:.1f}" width="10" height="10" fill="{colour}">'
                     f'<title>{escape(link["kind"])}: {escape(str(link["value"]))}</title></rect>')
    for member, (x, y) in pos.items():
        colour = _COLOURS.get(levels.get(member, "clear"), "#7f8c8d")
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="11" fill="{colour}"><title>{escape(member)} '
                     f'({escape(levels.get(member, "clear"))})</title></circle>')
        label = member if len(member) <= 18 else member[:17] + "…"
        parts.append(f'<text x="{x:.1f}" y="{y + 24:.1f}" font-size="10" text-anchor="middle">{escape(label)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def render_report(result: WorkerScreening, pseudonymiser: Pseudonymiser | None = None,
                  title: str = "interdict workers screening") -> str:
    rows = result_rows(result, pseudonymiser)
    contractors = [r for r in rows if r["type"] == "contractor"]
    clusters = [r for r in rows if r["type"] == "cluster"]
    problems = [r for r in rows if r["type"] == "problem"]
    levels = {r["subject"]: r["level"] for r in contractors}
    flagged = sorted((r for r in contractors if r["level"] != "clear"), key=lambda r: -r["score"])
    out = [f"<!doctype html><html lang=en><head><meta charset=utf-8><title>{escape(title)}</title>"
           f"<style>{_CSS}</style></head><body><h1>{escape(title)}</h1>"]
    stats = result.stats
    out.append("<p>" + escape(f"{stats.get('profiles', 0)} contractors screened, {stats.get('flagged', 0)} flagged "
                              f"({stats.get('blocked', 0)} block), {stats.get('clusters', 0)} clusters")
               + (escape(f", {stats['events_used']:,} events used of {stats['events_read']:,} read")
                  if "events_read" in stats else "") + ".</p>")
    if pseudonymiser:
        out.append("<p class=note>Identifiers are pseudonymised (HMAC-SHA256 with a key held by the sender).</p>")
    for note in result.notes:
        out.append(f"<p class=note>Note: {escape(note)}</p>")
    out.append("<h2>Flagged contractors</h2>")
    if not flagged:
        out.append("<p>None.</p>")
    else:
        out.append("<table><tr><th>level</th><th>score</th><th>contractor</th><th>cluster</th><th>reasons</th></tr>")
        for row in flagged:
            details = row.get("details", {})
            reasons = "".join(_reason_html(r) for r in row.get("reasons", []))
            out.append(f"<tr><td>{_level(row['level'])}</td><td>{row['score']:.2f}</td>"
                       f"<td><b>{escape(row['subject'])}</b><br>{escape(row.get('caption', '') or '')}<br>"
                       f"<span class=cite>claims {escape(str(details.get('claimed_country') or '?').upper())}, "
                       f"{escape(str(details.get('claimed_timezone') or '?'))}</span></td>"
                       f"<td>{escape(str(details.get('cluster', '')))}</td><td><ul>{reasons}</ul></td></tr>")
        out.append("</table>")
    drawn = [c for c in clusters if any(levels.get(m) != "clear" for m in c["members"])][:MAX_DRAWN]
    out.append(f"<h2>Clusters ({len(clusters)}; {len(drawn)} with flagged members drawn)</h2>")
    out.append("<p class=note>Circles are accounts (red block, orange review, grey clear); squares are shared "
               "attributes (purple device, red payment account, dark identity document, green photo, blue phone/"
               "e-mail, orange shipping address, grey IP). Hover for values.</p>")
    for cluster in drawn:
        signals = ", ".join(f"{k}×{v}" for k, v in list(cluster["signals"].items())[:8])
        out.append(f"<div class=cluster><b>{escape(cluster['cluster'])}</b> — {cluster['size']} accounts, "
                   f"max score {cluster['score']:.2f}<br><span class=cite>{escape(signals)}</span><br>"
                   f"{_cluster_svg(cluster, levels)}<br><span class=cite>members: "
                   f"{escape(', '.join(cluster['members'][:20]))}</span></div>")
    if problems:
        out.append(f"<h2>Input problems ({len(problems)} shown)</h2><table><tr><th>file</th><th>line</th>"
                   "<th>field</th><th>problem</th></tr>")
        for p in problems[:500]:
            out.append(f"<tr><td>{escape(Path(str(p.get('file', ''))).name)}</td><td>{escape(str(p.get('line', '')))}"
                       f"</td><td>{escape(str(p.get('field', '')))}</td><td>{escape(str(p.get('message', '')))}</td></tr>")
        out.append("</table>")
    out.append("</body></html>")
    return "\n".join(out)


def write_report(result: WorkerScreening, path: str | Path, pseudonymiser: Pseudonymiser | None = None) -> Path:
    path = Path(path)
    path.write_text(render_report(result, pseudonymiser), encoding="utf-8")
    return path

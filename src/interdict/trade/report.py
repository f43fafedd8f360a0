"""A self-contained HTML report of a trade screening run: counts by level and rule, the score
distribution and the riskiest shipments with their reasons and citations. Charts are inline SVG; the
page loads nothing from the network. Every value from the input is HTML-escaped.
"""

from __future__ import annotations

import html
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from interdict.exc import InvalidInput, ProblemLog

__all__ = ["render_report", "write_report"]

_LEVEL_COLOURS = {"block": "#b3261e", "review": "#c77700", "clear": "#2e7d32"}
_CSS = """
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px auto;max-width:1180px;color:#1d1d1f;padding:0 16px}
h1{font-size:22px;margin-bottom:4px}h2{font-size:17px;margin-top:28px;border-bottom:1px solid #ddd;padding-bottom:4px}
.meta{color:#555}.cards{display:flex;gap:12px;flex-wrap:wrap}.card{border:1px solid #ddd;border-radius:6px;padding:10px 14px;min-width:120px}
.card b{font-size:22px;display:block}table{border-collapse:collapse;width:100%;margin-top:8px}
th,td{border-bottom:1px solid #eee;padding:5px 6px;text-align:left;vertical-align:top}th{background:#f6f6f6}
.lvl{font-weight:600;text-transform:uppercase;font-size:12px}.block{color:#b3261e}.review{color:#c77700}.clear{color:#2e7d32}
.reason{margin:2px 0}.cite{color:#555;font-size:12px}.rid{font-family:ui-monospace,monospace;font-size:12px;background:#f3f3f3;padding:0 3px}
.ev{color:#444;font-size:12px;word-break:break-word}details{margin:4px 0}
"""


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _bar_chart(items: list[tuple[str, int, str]], width: int = 560, bar_h: int = 18, label_w: int = 230) -> str:
    """Horizontal bar chart as inline SVG. items: (label, value, colour)."""
    if not items:
        return "<p class='meta'>Nothing to chart.</p>"
    top = max(v for _, v, _ in items) or 1
    h = len(items) * (bar_h + 6) + 6
    parts = [f"<svg role='img' width='{width}' height='{h}' viewBox='0 0 {width} {h}' xmlns='http://www.w3.org/2000/svg'>"]
    for i, (label, value, colour) in enumerate(items):
        y = 6 + i * (bar_h + 6)
        w = max(1, int((width - label_w - 70) * value / top))
        parts.append(f"<text x='{label_w - 6}' y='{y + bar_h - 5}' text-anchor='end' font-size='12'>{_e(label[:36])}</text>")
        parts.append(f"<rect x='{label_w}' y='{y}' width='{w}' height='{bar_h}' fill='{colour}'><title>{_e(label)}: {value}</title></rect>")
        parts.append(f"<text x='{label_w + w + 6}' y='{y + bar_h - 5}' font-size='12'>{value:,}</text>")
    parts.append("</svg>")
    return "".join(parts)


def _histogram(bins: list[int], width: int = 560, height: int = 160) -> str:
    top = max(bins) or 1
    bw = (width - 40) / len(bins)
    parts = [f"<svg role='img' width='{width}' height='{height + 30}' viewBox='0 0 {width} {height + 30}' xmlns='http://www.w3.org/2000/svg'>"]
    for i, count in enumerate(bins):
        bh = int(height * count / top)
        x = 30 + i * bw
        score = i / len(bins)
        colour = _LEVEL_COLOURS["block"] if score >= 0.85 else _LEVEL_COLOURS["review"] if score >= 0.5 else _LEVEL_COLOURS["clear"]
        parts.append(f"<rect x='{x + 2:.1f}' y='{height - bh}' width='{bw - 4:.1f}' height='{bh}' fill='{colour}'>"
                     f"<title>score {score:.1f}-{score + 0.1:.1f}: {count}</title></rect>")
        parts.append(f"<text x='{x + bw / 2:.1f}' y='{height + 14}' text-anchor='middle' font-size='11'>{score:.1f}</text>")
        if count:
            parts.append(f"<text x='{x + bw / 2:.1f}' y='{max(12, height - bh - 3)}' text-anchor='middle' font-size='10'>{count:,}</text>")
    parts.append(f"<text x='{width / 2}' y='{height + 28}' text-anchor='middle' font-size='11'>alert score</text></svg>")
    return "".join(parts)


def _evidence(ev: dict[str, Any]) -> str:
    items = [f"{_e(k)}: {_e(v if not isinstance(v, list | dict) else v)}" for k, v in ev.items() if not k.startswith("_")]
    return "; ".join(items)[:600]


def render_report(summary: Any, *, problems: ProblemLog | None = None, rules: dict[str, Any] | None = None,
                  source: str | None = None, party_stats: dict[str, Any] | None = None,
                  title: str | None = None) -> str:
    """The report as one HTML string."""
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    levels = summary.levels
    out = ["<!doctype html><html lang='en'><head><meta charset='utf-8'>",
           "<meta name='viewport' content='width=device-width,initial-scale=1'>",
           f"<title>{_e(title or 'interdict trade screening report')}</title><style>{_CSS}</style></head><body>",
           f"<h1>{_e(title or 'Trade screening report')}</h1>",
           f"<p class='meta'>File {_e(source or '-')} · screened {now} · rule pack <code>trade</code>"
           f"{' · party screening on' if party_stats else ' · party screening off'}</p>",
           "<div class='cards'>",
           f"<div class='card'>shipments<b>{summary.shipments:,}</b></div>"]
    for lvl in ("block", "review", "clear"):
        out.append(f"<div class='card {lvl}'>{lvl}<b>{levels.get(lvl, 0):,}</b></div>")
    out.append(f"<div class='card'>input problems<b>{summary.problem_count:,}</b></div></div>")

    out.append("<h2>Shipments by level</h2>")
    out.append(_bar_chart([(lvl, levels.get(lvl, 0), _LEVEL_COLOURS[lvl]) for lvl in ("block", "review", "clear")]))
    out.append("<h2>Score distribution</h2>")
    out.append(_histogram(summary.score_bins))

    out.append("<h2>Reasons by rule</h2>")
    rule_items = sorted(summary.rules.items(), key=lambda kv: -kv[1])
    out.append(_bar_chart([(rid, n, "#3f51b5") for rid, n in rule_items[:25]]))
    if rule_items:
        out.append("<table><tr><th>rule</th><th>family</th><th>shipments</th><th>of which block</th>"
                   "<th>review</th><th>clear</th><th>citation</th></tr>")
        for rid, n in rule_items:
            rule = (rules or {}).get(rid)
            lv = summary.rule_levels.get(rid, {})
            cite = rule.citation.short() if rule is not None else ""
            fam = rule.family if rule is not None else ""
            out.append(f"<tr><td><span class='rid'>{_e(rid)}</span></td><td>{_e(fam)}</td><td>{n:,}</td>"
                       f"<td>{lv.get('block', 0):,}</td><td>{lv.get('review', 0):,}</td><td>{lv.get('clear', 0):,}</td>"
                       f"<td class='cite'>{_e(cite)}</td></tr>")
        out.append("</table>")

    out.append(f"<h2>Riskiest shipments (top {len(summary.top)})</h2>")
    if not summary.top:
        out.append("<p class='meta'>No shipment raised a reason.</p>")
    else:
        out.append("<table><tr><th>shipment</th><th>line</th><th>score</th><th>level</th><th>reasons</th></tr>")
        for row in summary.top:
            lvl = row["level"]
            reasons = []
            for r in row["reasons"]:
                cit = r.get("citation") or {}
                cite = " ".join(str(x) for x in (cit.get("instrument"), cit.get("paragraph")) if x)
                if cit.get("source_id"):
                    cite += f" [{cit['source_id']}, grade {cit.get('grade', '')}]"
                reasons.append(
                    f"<div class='reason'><span class='rid'>{_e(r['rule_id'])}</span> ({r['score']:.2f}) "
                    f"{_e(r['summary'])}<div class='cite'>{_e(cite)}</div>"
                    f"<details><summary class='ev'>evidence</summary><div class='ev'>{_evidence(r.get('evidence', {}))}</div></details></div>")
            caption = f"<div class='ev'>{_e(row.get('caption', ''))}</div>" if row.get("caption") else ""
            out.append(f"<tr><td>{_e(row['shipment_id'])}{caption}</td><td>{_e(row.get('line', ''))}</td>"
                       f"<td>{row['score']:.3f}</td><td class='lvl {_e(lvl)}'>{_e(lvl)}</td><td>{''.join(reasons)}</td></tr>")
        out.append("</table>")

    if problems:
        shown = problems.problems[:200]
        out.append(f"<h2>Input problems ({len(problems):,}; first {len(shown)})</h2><table><tr><th>line</th>"
                   "<th>field</th><th>record</th><th>problem</th></tr>")
        for p in shown:
            out.append(f"<tr><td>{_e(p.line if p.line is not None else '')}</td><td>{_e(p.field or '')}</td>"
                       f"<td>{_e(p.record or '')}</td><td>{_e(p.message)}</td></tr>")
        out.append("</table>")
    if party_stats:
        out.append("<h2>Party screening</h2><p class='meta'>"
                   + " · ".join(f"{_e(k)}: {_e(v)}" for k, v in party_stats.items() if v is not None) + "</p>")
    out.append("<h2>How to read this</h2><p>Each reason names the rule that fired, the evidence from the "
               "record and the law or guidance it rests on, with the source id and confidence grade of the "
               "interdict domain register. Grade C reasons are weak signals: they can raise a review but never "
               "block on their own. Scores combine reasons as independent evidence (noisy-OR); review from 0.5, "
               "block from 0.85.</p>")
    out.append("</body></html>")
    return "\n".join(out)


def write_report(path: str | Path, summary: Any, **kwargs: Any) -> Path:
    p = Path(path)
    try:
        p.write_text(render_report(summary, **kwargs), encoding="utf-8")
    except OSError as exc:
        raise InvalidInput(f"cannot write report {p}: {exc.strerror or exc}") from exc
    return p

"""Pictures of an entity's neighbourhood: a PNG (matplotlib) and a self-contained interactive HTML page.

The neighbourhood is every node within ``hops`` links of the entity plus every node on the paths its
alert's reasons cite (so the designated parties behind an ownership chain are always drawn), capped
at ``max_nodes`` (nearest first). Designated parties are red, the subject is outlined, other nodes
are coloured by alert level; ownership edges are labelled with their percentage.

The HTML page is one file with inline SVG, CSS and JavaScript (no CDN, no network access): hover a
node for its reasons, drag nodes to untangle, click to pin the details panel.
"""

from __future__ import annotations

import html
import json
import math
from collections import deque
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np

from interdict.exc import NotFound

from .analyze import NetworkAnalysis
from .graph import EDGE_KINDS

__all__ = ["neighbourhood", "draw_png", "draw_html", "draw"]

COLOURS = {"designated": "#c62828", "block": "#ef6c00", "review": "#f9a825", "clear": "#90a4ae"}


def neighbourhood(analysis: NetworkAnalysis, entity_id: str, hops: int = 2, max_nodes: int = 60) -> list[int]:
    graph = analysis.graph
    start = graph.index.get(entity_id)
    if start is None:
        raise NotFound(f"entity {entity_id} is not in the analysed network")
    adj: dict[int, list[int]] = {}
    for s, d in zip(graph.e_src.tolist(), graph.e_dst.tolist(), strict=True):
        adj.setdefault(s, []).append(d)
        adj.setdefault(d, []).append(s)
    must: list[int] = [start]
    alert = analysis.alert_for(entity_id)
    for reason in alert.reasons if alert else []:
        for pid in reason.path or []:
            idx = graph.index.get(pid)
            if idx is not None and idx not in must:
                must.append(idx)
    seen = {start: 0}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        if seen[node] >= hops:
            continue
        for nxt in adj.get(node, []):
            if nxt not in seen:
                seen[nxt] = seen[node] + 1
                queue.append(nxt)
    ordered = must + [n for n, _ in sorted(seen.items(), key=lambda t: (t[1], graph.ids[t[0]])) if n not in must]
    return ordered[:max_nodes]


def _layout(analysis: NetworkAnalysis, nodes: list[int]) -> tuple[dict[int, tuple[float, float]], list[int]]:
    graph = analysis.graph
    keep = set(nodes)
    g = nx.Graph()
    g.add_nodes_from(nodes)
    edges = [i for i in range(len(graph.e_kind)) if int(graph.e_src[i]) in keep and int(graph.e_dst[i]) in keep]
    for i in edges:
        g.add_edge(int(graph.e_src[i]), int(graph.e_dst[i]))
    pos = nx.spring_layout(g, seed=7, k=1.6 / math.sqrt(max(len(nodes), 1)), iterations=200) if len(nodes) > 1 \
        else {nodes[0]: np.array([0.0, 0.0])}
    return {n: (float(p[0]), float(p[1])) for n, p in pos.items()}, edges


def _node_style(analysis: NetworkAnalysis, node: int) -> tuple[str, str]:
    graph = analysis.graph
    alert = analysis.alert_for(graph.ids[node])
    if graph.designated[node]:
        return COLOURS["designated"], "designated"
    level = alert.level.value if alert else "clear"
    return COLOURS[level], level


def _edge_label(analysis: NetworkAnalysis, i: int) -> str:
    graph = analysis.graph
    kind = EDGE_KINDS[int(graph.e_kind[i])]
    if kind == "ownership":
        pct = graph.e_pct[i]
        return "owns ?" if math.isnan(pct) else f"owns {pct * 100:.0f}%"
    role = graph.e_role[i] if graph.e_role else None
    return f"{kind}: {role}" if role else kind


def draw_png(analysis: NetworkAnalysis, entity_id: str, path: str | Path, hops: int = 2, max_nodes: int = 60) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    graph = analysis.graph
    nodes = neighbourhood(analysis, entity_id, hops, max_nodes)
    pos, edges = _layout(analysis, nodes)
    subject = graph.index[entity_id]
    fig, ax = plt.subplots(figsize=(14, 10), dpi=110)
    for i in edges:
        s, d = int(graph.e_src[i]), int(graph.e_dst[i])
        (x1, y1), (x2, y2) = pos[s], pos[d]
        own = EDGE_KINDS[int(graph.e_kind[i])] == "ownership"
        ax.annotate("", xy=(x2, y2), xytext=(x1, y1),
                    arrowprops={"arrowstyle": "-|>", "color": "#37474f" if own else "#90a4ae",
                                "lw": 1.8 if own else 1.0, "shrinkA": 12, "shrinkB": 12,
                                "linestyle": "-" if own else "--", "connectionstyle": "arc3,rad=0.12"})
        # label on the bend of the arc, so that the two edges of a cross-holding do not overlap
        dx, dy = x2 - x1, y2 - y1
        mx, my = (x1 + x2) / 2 + 0.06 * dy, (y1 + y2) / 2 - 0.06 * dx
        ax.text(mx, my, _edge_label(analysis, i), fontsize=7, color="#263238",
                ha="center", va="center", bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.8})
    for node in nodes:
        x, y = pos[node]
        colour, _ = _node_style(analysis, node)
        is_person = graph.node_kind[node] == 1
        ax.scatter([x], [y], s=520 if node == subject else 320, c=colour, marker="o" if is_person else "s",
                   edgecolors="#0d47a1" if node == subject else "white", linewidths=3 if node == subject else 1,
                   zorder=3)
        label = graph.caption(node)
        label = label if len(label) <= 38 else label[:36] + "…"
        ax.text(x, y - 0.075, label, fontsize=8, ha="center", va="top", zorder=4,
                fontweight="bold" if node == subject else "normal")
    alert = analysis.alert_for(entity_id)
    title = f"{graph.caption(subject)} — score {alert.score:.2f} ({alert.level.value})" if alert else graph.caption(subject)
    ax.set_title(title, fontsize=12)
    ax.legend(handles=[Line2D([0], [0], marker="s", color="w", markerfacecolor=c, markersize=11, label=k)
                       for k, c in COLOURS.items()], loc="lower left", fontsize=8, frameon=False)
    ax.axis("off")
    fig.tight_layout()
    path = Path(path)
    fig.savefig(path)
    plt.close(fig)
    return path


_HTML = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>__TITLE__</title>
<style>
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;display:flex;height:100vh;color:#263238}
#graph{flex:1;background:#fafafa}#side{width:380px;overflow:auto;padding:12px 16px;border-left:1px solid #cfd8dc;font-size:13px}
.node text{font-size:11px;pointer-events:none}.node{cursor:grab}.edge{stroke:#90a4ae;stroke-dasharray:4 3}
.edge.own{stroke:#37474f;stroke-width:2;stroke-dasharray:none}.elabel{font-size:10px;fill:#37474f}
.reason{margin:8px 0;padding:6px 8px;background:#eceff1;border-radius:4px}.rule{font-weight:600}
.cite{color:#546e7a;font-size:11px}.legend span{display:inline-block;width:10px;height:10px;margin:0 4px 0 10px}
h1{font-size:16px}h2{font-size:14px;margin:6px 0}
</style></head><body>
<svg id="graph" xmlns="http://www.w3.org/2000/svg"></svg>
<div id="side"><h1>__TITLE__</h1><div class="legend">__LEGEND__</div>
<p>Hover a node for its reasons; drag to move; click to pin.</p><div id="info"></div></div>
<script>
const DATA = __DATA__;
const svg = document.getElementById('graph'), NS = 'http://www.w3.org/2000/svg';
function el(t, a, p){const e=document.createElementNS(NS,t);for(const k in a)e.setAttribute(k,a[k]);(p||svg).appendChild(e);return e;}
function esc(s){return String(s).replace(/[&<>"]/g,c=>({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;'}[c]));}
let W=svg.clientWidth||900,H=svg.clientHeight||700;
const defs=el('defs',{});const m=el('marker',{id:'arr',viewBox:'0 0 10 10',refX:22,refY:5,markerWidth:7,markerHeight:7,orient:'auto'},defs);
el('path',{d:'M0,0L10,5L0,10z',fill:'#37474f'},m);
const byId={};DATA.nodes.forEach(n=>{byId[n.id]=n;n.x=40+n.px*(W-80);n.y=40+n.py*(H-80);});
const edges=DATA.edges.map(e=>{const g=el('g',{});const l=el('line',{class:'edge'+(e.kind==='ownership'?' own':''),'marker-end':'url(#arr)'},g);
 const t=el('text',{class:'elabel','text-anchor':'middle'},g);t.textContent=e.label;return {e,l,t};});
const nodes=DATA.nodes.map(n=>{const g=el('g',{class:'node'});
 const shape=n.person?el('circle',{r:n.subject?14:10},g):el('rect',{width:n.subject?26:20,height:n.subject?26:20,x:n.subject?-13:-10,y:n.subject?-13:-10,rx:3},g);
 shape.setAttribute('fill',n.colour);shape.setAttribute('stroke',n.subject?'#0d47a1':'#fff');shape.setAttribute('stroke-width',n.subject?3:1);
 const t=el('text',{y:24,'text-anchor':'middle'},g);t.textContent=n.label.length>40?n.label.slice(0,38)+'…':n.label;
 g.addEventListener('mouseenter',()=>{if(!pinned)show(n)});g.addEventListener('click',()=>{pinned=pinned===n?null:n;show(n)});
 g.addEventListener('mousedown',ev=>{drag=n;ev.preventDefault();});return {n,g};});
let drag=null,pinned=null;
svg.addEventListener('mousemove',ev=>{if(!drag)return;const r=svg.getBoundingClientRect();drag.x=ev.clientX-r.left;drag.y=ev.clientY-r.top;draw();});
window.addEventListener('mouseup',()=>drag=null);
function draw(){edges.forEach(({e,l,t})=>{const a=byId[e.source],b=byId[e.target];l.setAttribute('x1',a.x);l.setAttribute('y1',a.y);
 l.setAttribute('x2',b.x);l.setAttribute('y2',b.y);t.setAttribute('x',(a.x+b.x)/2);t.setAttribute('y',(a.y+b.y)/2-3);});
 nodes.forEach(({n,g})=>g.setAttribute('transform','translate('+n.x+','+n.y+')'));}
function show(n){let h='<h2>'+esc(n.label)+'</h2><div>'+esc(n.id)+' · '+esc(n.schema)+'</div>';
 h+='<div>score '+n.score.toFixed(2)+' ('+esc(n.level)+')'+(n.designated?' · <b>designated</b>':'')+'</div>';
 (n.reasons||[]).forEach(r=>{h+='<div class="reason"><div class="rule">'+esc(r.rule_id)+' · '+r.score.toFixed(2)+'</div><div>'+esc(r.summary)+'</div>';
  if(r.path)h+='<div class="cite">path: '+r.path.map(esc).join(' → ')+'</div>';
  if(r.citation)h+='<div class="cite">'+esc(r.citation)+'</div>';h+='</div>';});
 document.getElementById('info').innerHTML=h;}
draw();show(DATA.nodes.find(n=>n.subject));
</script></body></html>
"""


def _html_data(analysis: NetworkAnalysis, entity_id: str, hops: int, max_nodes: int) -> dict[str, Any]:
    graph = analysis.graph
    nodes = neighbourhood(analysis, entity_id, hops, max_nodes)
    pos, edges = _layout(analysis, nodes)
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    span_x = (max(xs) - min(xs)) or 1.0
    span_y = (max(ys) - min(ys)) or 1.0
    out_nodes = []
    for node in nodes:
        nid = graph.ids[node]
        alert = analysis.alert_for(nid)
        colour, level = _node_style(analysis, node)
        proxy = graph.entities.get(nid)
        out_nodes.append({
            "id": nid, "label": graph.caption(node), "schema": proxy.schema.name if proxy is not None else "",
            "person": bool(graph.node_kind[node] == 1), "designated": bool(graph.designated[node]),
            "subject": nid == entity_id, "colour": colour, "level": level, "score": alert.score if alert else 0.0,
            "px": (pos[node][0] - min(xs)) / span_x, "py": (pos[node][1] - min(ys)) / span_y,
            "reasons": [{"rule_id": r.rule_id, "score": r.score, "summary": r.summary, "path": r.path,
                         "citation": r.citation.short() if r.citation else None} for r in (alert.reasons if alert else [])],
        })
    out_edges = [{"source": graph.ids[int(graph.e_src[i])], "target": graph.ids[int(graph.e_dst[i])],
                  "kind": EDGE_KINDS[int(graph.e_kind[i])], "label": _edge_label(analysis, i)} for i in edges]
    return {"nodes": out_nodes, "edges": out_edges}


def draw_html(analysis: NetworkAnalysis, entity_id: str, path: str | Path, hops: int = 2, max_nodes: int = 60) -> Path:
    data = _html_data(analysis, entity_id, hops, max_nodes)
    title = html.escape(f"interdict network: {analysis.graph.caption(analysis.graph.index[entity_id])}")
    legend = "".join(f'<span style="background:{c}"></span>{k}' for k, c in COLOURS.items())
    payload = json.dumps(data, ensure_ascii=False).replace("</", "<\\/")
    page = _HTML.replace("__TITLE__", title).replace("__LEGEND__", legend).replace("__DATA__", payload)
    path = Path(path)
    path.write_text(page, encoding="utf-8")
    return path


def draw(analysis: NetworkAnalysis, entity_id: str, prefix: str | Path, hops: int = 2, max_nodes: int = 60) -> tuple[Path, Path]:
    """Write ``<prefix>.png`` and ``<prefix>.html``; returns both paths."""
    prefix = Path(prefix)
    if prefix.suffix in (".png", ".html"):
        prefix = prefix.with_suffix("")
    prefix.parent.mkdir(parents=True, exist_ok=True)
    png = draw_png(analysis, entity_id, prefix.with_suffix(".png"), hops, max_nodes)
    page = draw_html(analysis, entity_id, prefix.with_suffix(".html"), hops, max_nodes)
    return png, page

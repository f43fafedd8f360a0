"""Screening benchmark: interdict vs nomenklatura logic-v2 vs a brute-force rapidfuzz baseline.

    python -m bench.screening.run [--quick] [--shared ../shared/benchmarks/yente]

All three run in one process on the same data:

- **Labelled pairs** (bench/screening/cases.csv, see make_cases.py): each system scores the query
  against the candidate's list record (held-out aliases removed). F1 on the held-out ``test``
  split (parties calibration never saw) at each system's threshold: ours = calibrated default,
  logic-v2 = yente's default 0.7 and, for fairness, also the threshold that maximises its F1 on
  the training split; the baseline = its best training-split threshold.
- **yente fixtures**: recall of UN-listed persons (untreated, and with typos/re-ordering) = a
  matched result that is the UN record or grouped with it; false alerts per 1,000 on the
  100,000 synthetic negatives and on the US Congress members (on none of our lists). logic-v2
  scores the candidates our index retrieves (top 10, no score cut); the baseline takes the best
  token_sort_ratio over every list name.
- **Speed**: names/s on one core (batch, single process), p50/p99 single-query latency, cold start
  (new process to first answer, index on disk), index build time, peak RSS.

Writes bench/results/screening.json and screening.md (then run ``python -m bench.render``).
"""

from __future__ import annotations

import argparse
import csv
import json
import platform
import resource
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.screening.common import (
    DEFAULT_SHARED,
    ROOT,
    BruteForce,
    EntityCache,
    LogicV2,
    best_threshold,
    ensure_home,
    load_cases,
    prf,
    query_entity,
    without_names,
)

RESULTS = ROOT / "bench" / "results"
#: best interdict scores per yente row (UN-group result for positives, any result for negatives)
SCORES: dict[str, list[float]] = {"un_untreated": [], "un_treated": [], "negatives": [], "us_congress": []}


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def read_people(path: Path, limit: int | None = None) -> list[dict[str, str]]:
    with open(path, encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    return rows[:limit] if limit else rows


def person_query(row: dict[str, str]) -> dict[str, Any]:
    return {"schema": "Person", "properties": {
        "name": [row["full_name"]],
        "birthDate": [row["date_of_birth"]] if row.get("date_of_birth") else [],
        "nationality": [row["nationality"]] if row.get("nationality") else [],
    }}


# ---------------------------------------------------------------------------------------------
def labelled(screener, cases, quick: bool) -> dict[str, Any]:
    from interdict.matching.query import make_query

    cache = EntityCache(screener.store)
    logic = LogicV2()
    rows = []
    t_ours = t_logic = t_base = 0.0
    for case in cases:
        entity = cache.get(case.candidate_id)
        if entity is None:
            continue
        exclude = [case.query] if case.category == "held_out_alias" else []
        if exclude:
            entity = without_names(entity, exclude)
        q = make_query(case.query, schema=case.schema or None, birth_date=case.birth_date or None,
                       countries=[case.country] if case.country else None)
        t0 = time.perf_counter()
        scored, _ = screener.score_pair(q, entity)
        ours = scored.score if scored is not None else 0.0
        t1 = time.perf_counter()
        lv2 = logic.score(query_entity(case.query, case.schema, case.birth_date, case.country), entity)
        t2 = time.perf_counter()
        names = entity.get("name", quiet=True) + entity.get("alias", quiet=True) + \
            entity.get("previousName", quiet=True) + entity.get("weakAlias", quiet=True)
        base = BruteForce.pair(case.query, names)
        t3 = time.perf_counter()
        t_ours, t_logic, t_base = t_ours + t1 - t0, t_logic + t2 - t1, t_base + t3 - t2
        rows.append({"case_id": case.case_id, "category": case.category, "quality": case.quality,
                     "split": case.split, "label": case.label, "ours": round(ours, 4), "logic_v2": round(lv2, 4),
                     "baseline": round(base, 4)})
    out: dict[str, Any] = {"n": len(rows), "n_test": sum(r["split"] == "test" for r in rows)}
    train = [r for r in rows if r["split"] == "train"]
    test = [r for r in rows if r["split"] == "test"]
    thresholds = {
        "ours": screener.calibration.threshold,
        "logic_v2": LogicV2.threshold,
        "logic_v2_tuned": best_threshold([r["label"] for r in train], [r["logic_v2"] for r in train]),
        "baseline": best_threshold([r["label"] for r in train], [r["baseline"] for r in train]),
    }
    systems = {"ours": "ours", "logic_v2": "logic_v2", "logic_v2_tuned": "logic_v2", "baseline": "baseline"}
    out["thresholds"] = thresholds
    out["test"] = {}
    out["all"] = {}
    for name, col in systems.items():
        t = thresholds[name]
        out["test"][name] = prf([r["label"] for r in test], [r[col] >= t for r in test])
        out["all"][name] = prf([r["label"] for r in rows], [r[col] >= t for r in rows])
    cats: dict[str, dict[str, Any]] = {}
    for cat in sorted({r["category"] for r in test}):
        sel = [r for r in test if r["category"] == cat]
        cats[cat] = {"n": len(sel), "label": "match" if sel[0]["label"] else "non-match"}
        for name, col in systems.items():
            hits = sum(r[col] >= thresholds[name] for r in sel)
            cats[cat][name] = round(hits / len(sel), 3)
    out["categories_test"] = cats  # share flagged as a match (recall for match rows, false alerts otherwise)
    # calibration check: mean score by quality tier and label must fall in order
    tiers = {}
    for quality in ("STRONG", "MEDIUM", "WEAK"):
        for label in (1, 0):
            sel = [r["ours"] for r in rows if r["quality"] == quality and r["label"] == label]
            if sel:
                tiers[f"{quality} {'match' if label else 'non-match'}"] = round(statistics.mean(sel), 3)
    out["mean_score_by_tier"] = tiers
    out["us_per_pair"] = {"ours": round(t_ours / len(rows) * 1e6), "logic_v2": round(t_logic / len(rows) * 1e6),
                          "baseline": round(t_base / len(rows) * 1e6)}
    with open(RESULTS / "screening-cases.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return out


# ---------------------------------------------------------------------------------------------
class Peers:
    """logic-v2 over our retrieved candidates, and the brute-force baseline, for one query."""

    def __init__(self, screener, baseline_threshold: float) -> None:
        self.screener = screener
        self.logic = LogicV2()
        self.cache = EntityCache(screener.store)
        self.base = BruteForce(screener.index)
        self.base_threshold = baseline_threshold
        self.un_groups = {int(screener.index.groups[e]) for e in range(screener.index.size)
                          if screener.index.sources[e] == "un_sc"}

    def candidates(self, query: dict[str, Any]) -> list[int]:
        from interdict.matching.query import make_query

        pq = self.screener.scorer.prepare(make_query(query))
        return [e for e, _ in self.screener.scorer.retrieve(pq, k=10, min_coverage=0.0, relative=0.0)]

    def logic_hits(self, query: dict[str, Any], row: dict[str, str]) -> list[int]:
        qe = query_entity(row["full_name"], "Person", row.get("date_of_birth", ""), "")
        if row.get("nationality"):
            qe.add("nationality", row["nationality"], quiet=True)
        hits = []
        for e in self.candidates(query):
            entity = self.cache.get(self.screener.index.ids[e])
            if entity is not None and self.logic.score(qe, entity) >= LogicV2.threshold:
                hits.append(e)
        return hits

    def base_hit(self, row: dict[str, str]) -> int | None:
        score, owner = self.base.best(row["full_name"])
        return owner if score >= self.base_threshold else None

    def is_un(self, e: int) -> bool:
        return int(self.screener.index.groups[e]) in self.un_groups


def ours_found_un(result) -> bool:
    return any(m.match and (m.source == "un_sc" or any(a["source"] == "un_sc" for a in m.also_on))
               for m in result.results)


def ours_un_score(result) -> float:
    return max((m.score for m in result.results
                if m.source == "un_sc" or any(a["source"] == "un_sc" for a in m.also_on)), default=0.0)


def yente(screener, shared: Path, peers: Peers, n_neg: int, n_neg_logic: int, n_neg_base: int,
          n_pos_base: int | None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for kind in ("untreated", "treated"):
        rows = read_people(shared / f"candidate_generation_benchmark__positives_un_{kind}.csv")
        ours = logic = base = 0
        base_rows = rows[:n_pos_base] if n_pos_base else rows
        for row in rows:
            q = person_query(row)
            r = screener.screen(q, limit=10)
            SCORES[f"un_{kind}"].append(ours_un_score(r))
            if ours_found_un(r):
                ours += 1
            if any(peers.is_un(e) for e in peers.logic_hits(q, row)):
                logic += 1
        for row in base_rows:
            hit = peers.base_hit(row)
            if hit is not None and peers.is_un(hit):
                base += 1
        out[f"recall_un_{kind}"] = {"n": len(rows), "ours": round(ours / len(rows), 4),
                                    "logic_v2": round(logic / len(rows), 4),
                                    "baseline": round(base / len(base_rows), 4), "n_baseline": len(base_rows)}
    half = n_neg // 2
    negatives = read_people(shared / "candidate_generation_benchmark__negatives_global.csv", half) + \
        read_people(shared / "candidate_generation_benchmark__negatives_us.csv", half)
    # calibrate.py raised the threshold using the first rows of each negatives file: keep them apart
    used = int(screener.calibration.meta.get("negatives_used") or 0) // 2
    seen_by_calibration = set(range(min(used, half))) | {half + i for i in range(min(used, half))}
    congress = read_people(shared / "candidate_generation_benchmark__positives_us_congress_untreated.csv")
    for label, rows, n_logic, n_base in (("negatives", negatives, n_neg_logic, n_neg_base),
                                         ("us_congress", congress, len(congress), len(congress))):
        ours_alerts = 0
        unseen_alerts = unseen = 0
        examples = []
        started = time.perf_counter()
        for i, row in enumerate(rows):
            r = screener.screen(person_query(row), limit=3)
            SCORES[label].append(r.results[0].score if r.results else 0.0)
            fresh = label != "negatives" or i not in seen_by_calibration
            unseen += fresh
            if r.matched:
                ours_alerts += 1
                unseen_alerts += fresh
                if len(examples) < 10:
                    examples.append(f"{row['full_name']} -> {r.matched[0].caption} ({r.matched[0].score:.2f})")
        ours_seconds = time.perf_counter() - started
        step_l = max(1, len(rows) // n_logic)
        sample_l = rows[::step_l][:n_logic]
        logic_alerts = sum(1 for row in sample_l if peers.logic_hits(person_query(row), row))
        step_b = max(1, len(rows) // n_base)
        sample_b = rows[::step_b][:n_base]
        base_alerts = sum(1 for row in sample_b if peers.base_hit(row) is not None)
        out[f"false_alerts_per_1000_{label}"] = {
            "n": len(rows), "ours": round(1000 * ours_alerts / len(rows), 2),
            "n_unseen_by_calibration": unseen, "ours_unseen": round(1000 * unseen_alerts / max(1, unseen), 2),
            "n_logic_v2": len(sample_l), "logic_v2": round(1000 * logic_alerts / max(1, len(sample_l)), 2),
            "n_baseline": len(sample_b), "baseline": round(1000 * base_alerts / max(1, len(sample_b)), 2),
            "ours_examples": examples, "ours_names_per_second": round(len(rows) / ours_seconds, 1),
        }
    return out


# ---------------------------------------------------------------------------------------------
def speed(screener, shared: Path, peers: Peers, n: int) -> dict[str, Any]:
    from interdict.matching.query import make_query

    rows = read_people(shared / "candidate_generation_benchmark__negatives_global.csv")[-n:]
    rows += read_people(shared / "candidate_generation_benchmark__positives_un_treated.csv")[: n // 10]
    queries = [person_query(r) for r in rows]
    for q in queries[:200]:  # warm up caches for the forms of common tokens
        screener.screen(q, limit=5)
    # batch throughput: one process, one core, no explanations (as screen_batch does). The machine
    # is shared, so per-core figures use the process's CPU time; wall-clock figures are also kept.
    started, cpu0 = time.perf_counter(), time.process_time()
    for q in queries:
        screener.screen_query(make_query(q), limit=5, explain_results=False)
    batch = len(queries) / (time.process_time() - cpu0)
    batch_wall = len(queries) / (time.perf_counter() - started)
    lat, lat_wall = [], []
    for q in queries[: min(len(queries), 3000)]:
        t0, c0 = time.perf_counter(), time.process_time()
        screener.screen(q, limit=10)
        lat.append((time.process_time() - c0) * 1000)
        lat_wall.append((time.perf_counter() - t0) * 1000)
    lat.sort()
    lat_wall.sort()
    # logic-v2 over our candidates, and the baseline, per query
    sample = rows[: max(50, n // 20)]
    c0 = time.process_time()
    for row in sample:
        peers.logic_hits(person_query(row), row)
    logic_rate = len(sample) / (time.process_time() - c0)
    sample_b = rows[: max(30, n // 50)]
    c0 = time.process_time()
    for row in sample_b:
        peers.base.best(row["full_name"])
    base_rate = len(sample_b) / (time.process_time() - c0)
    import os

    load = os.getloadavg()[0]
    return {
        "ours_names_per_second_per_core": round(batch, 1),
        "ours_p50_ms": round(lat[len(lat) // 2], 3),
        "ours_p99_ms": round(lat[int(len(lat) * 0.99) - 1], 3),
        "ours_names_per_second_wall": round(batch_wall, 1),
        "ours_p50_ms_wall": round(lat_wall[len(lat_wall) // 2], 3),
        "ours_p99_ms_wall": round(lat_wall[int(len(lat_wall) * 0.99) - 1], 3),
        "load_average": round(load, 1),
        "logic_v2_names_per_second_per_core": round(logic_rate, 1),
        "baseline_names_per_second_per_core": round(base_rate, 1),
        "n_queries": len(queries),
    }


def cold_start() -> float:
    """Seconds from a new Python process to its first answer (index already on disk)."""
    code = "import time; t=time.perf_counter(); import interdict; interdict.screen('Kim Jong Un'); " \
           "print(time.perf_counter()-t)"
    runs = []
    for _ in range(3):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        runs.append(float(out.stdout.strip().splitlines()[-1]))
    return round(statistics.median(runs), 3)


def build_time(screener) -> float:
    from interdict.matching.index import build_index

    started = time.perf_counter()
    build_index(screener.store.iter_entities(), "bench")
    return round(time.perf_counter() - started, 2)


# ---------------------------------------------------------------------------------------------
def threshold_table(res: dict[str, Any]) -> list[dict[str, Any]]:
    """Precision/recall on the labelled held-out split, yente recall and false alerts, per threshold."""
    with open(RESULTS / "screening-cases.csv", encoding="utf-8") as fh:
        test = [r for r in csv.DictReader(fh) if r["split"] == "test"]
    labels = [int(r["label"]) for r in test]
    scores = [float(r["ours"]) for r in test]
    table = []
    for t in [0.3, 0.4, 0.5, 0.6, 0.65, 0.7, res["labelled"]["thresholds"]["ours"], 0.8, 0.85, 0.9, 0.95]:
        m = prf(labels, [s >= t for s in scores])
        row = {"threshold": round(t, 4), "precision": m["precision"], "recall": m["recall"], "f1": m["f1"]}
        for key in ("un_untreated", "un_treated"):
            vals = SCORES[key]
            row[f"recall_{key}"] = round(sum(v >= t for v in vals) / max(1, len(vals)), 4)
        for key in ("negatives", "us_congress"):
            vals = SCORES[key]
            row[f"false_per_1000_{key}"] = round(1000 * sum(v >= t for v in vals) / max(1, len(vals)), 2)
        table.append(row)
    return sorted(table, key=lambda r: r["threshold"])


def startup_note(res: dict[str, Any]) -> str:
    m = res.get("startup_measured")
    return f" (re-measured {m['date']} with `--startup-only`, load {m['load_average']})" if m else ""


def render(res: dict[str, Any]) -> str:
    lab = res["labelled"]
    y = res["yente"]
    sp = res["speed"]
    t = lab["test"]
    lines = [
        "## Party screening (`bench/screening/run.py`)",
        "",
        f"Run {res['date']} on {res['machine']} (`python -m bench.screening.run{' --quick' if res['quick'] else ''}`). "
        "Same data, same process, same candidates: logic-v2 is nomenklatura "
        f"{res['versions']['nomenklatura']} scoring the candidates our index retrieves; the baseline is the best "
        "rapidfuzz token_sort_ratio over every list name.",
        "",
        "### Quality",
        "",
        "| Measure | interdict | logic-v2 | baseline | target |",
        "| --- | ---: | ---: | ---: | --- |",
        f"| Recall, UN persons untreated (n={y['recall_un_untreated']['n']}) | {y['recall_un_untreated']['ours']:.3f} | "
        f"{y['recall_un_untreated']['logic_v2']:.3f} | {y['recall_un_untreated']['baseline']:.3f} | >= 0.99 |",
        f"| Recall, UN persons treated (typos, order) | {y['recall_un_treated']['ours']:.3f} | "
        f"{y['recall_un_treated']['logic_v2']:.3f} | {y['recall_un_treated']['baseline']:.3f} | >= 0.95 |",
        f"| False alerts per 1,000 negatives (n={y['false_alerts_per_1000_negatives']['n']:,} / "
        f"{y['false_alerts_per_1000_negatives']['n_logic_v2']:,} / {y['false_alerts_per_1000_negatives']['n_baseline']:,}) | "
        f"{y['false_alerts_per_1000_negatives']['ours']} | {y['false_alerts_per_1000_negatives']['logic_v2']} | "
        f"{y['false_alerts_per_1000_negatives']['baseline']} | <= 1 |",
        f"| ... of which rows calibration never saw (n={y['false_alerts_per_1000_negatives']['n_unseen_by_calibration']:,}) | "
        f"{y['false_alerts_per_1000_negatives']['ours_unseen']} | | | <= 1 |",
        f"| False alerts per 1,000 US Congress members (n={y['false_alerts_per_1000_us_congress']['n']:,}) | "
        f"{y['false_alerts_per_1000_us_congress']['ours']} | {y['false_alerts_per_1000_us_congress']['logic_v2']} | "
        f"{y['false_alerts_per_1000_us_congress']['baseline']} | <= 1 |",
        f"| F1, labelled pairs, held-out split (n={lab['n_test']:,}) | {t['ours']['f1']:.3f} | "
        f"{t['logic_v2']['f1']:.3f} (tuned: {t['logic_v2_tuned']['f1']:.3f}) | {t['baseline']['f1']:.3f} | > logic-v2 |",
        f"| Precision / recall, held-out split | {t['ours']['precision']:.3f} / {t['ours']['recall']:.3f} | "
        f"{t['logic_v2']['precision']:.3f} / {t['logic_v2']['recall']:.3f} | "
        f"{t['baseline']['precision']:.3f} / {t['baseline']['recall']:.3f} | |",
        "",
        f"Thresholds: interdict {lab['thresholds']['ours']} (calibrated), logic-v2 {lab['thresholds']['logic_v2']} "
        f"(yente default; tuned on the training split: {lab['thresholds']['logic_v2_tuned']}), baseline "
        f"{lab['thresholds']['baseline']} (tuned on the training split).",
        "",
        "Share flagged as a match on the held-out split, by category (recall for match rows, false-alert rate for "
        "non-match rows):",
        "",
        "| Category | rows | expected | interdict | logic-v2 | logic-v2 tuned | baseline |",
        "| --- | ---: | --- | ---: | ---: | ---: | ---: |",
    ]
    for cat, c in lab["categories_test"].items():
        lines.append(f"| {cat} | {c['n']} | {c['label']} | {c['ours']:.3f} | {c['logic_v2']:.3f} | "
                     f"{c['logic_v2_tuned']:.3f} | {c['baseline']:.3f} |")
    lines += [
        "",
        "Calibration check (mean interdict score by quality tier; should fall from STRONG match to STRONG "
        "non-match): " + ", ".join(f"{k} {v}" for k, v in lab["mean_score_by_tier"].items()) + ".",
        "",
        "### Speed (one core)",
        "",
        f"Per-core figures are CPU time of the benchmark process: the 2-core machine was shared with other "
        f"jobs (load average {sp['load_average']} during the speed run), which inflates wall-clock figures.",
        "",
        "| Measure | interdict | logic-v2 | baseline | target |",
        "| --- | ---: | ---: | ---: | --- |",
        f"| Names per second per core (batch) | {sp['ours_names_per_second_per_core']:,.0f} | "
        f"{sp['logic_v2_names_per_second_per_core']:,.0f} | {sp['baseline_names_per_second_per_core']:,.1f} | >= 1,000 |",
        f"| Single query p50 / p99, CPU time (ms) | {sp['ours_p50_ms']} / {sp['ours_p99_ms']} | | | p99 < 20 |",
        f"| Single query p50 / p99, wall clock on the shared machine (ms) | {sp['ours_p50_ms_wall']} / "
        f"{sp['ours_p99_ms_wall']} | | | |",
        f"| Pair score (µs per pair, labelled set) | {lab['us_per_pair']['ours']} | {lab['us_per_pair']['logic_v2']} | "
        f"{lab['us_per_pair']['baseline']} | |",
        f"| Index build (s){startup_note(res)} | {res['index_build_seconds']} | (uses our index) | n/a | < 30 |",
        f"| Cold start to first answer, index on disk (s){startup_note(res)} | {res['cold_start_seconds']} | | | < 1 |",
        f"| Peak RSS after loading and building the index (MB) | {res['rss_mb_after_index']:,.0f} | | | < 2,048 |",
        f"| Peak RSS of the whole benchmark process, peers included (MB) | {res['peak_rss_mb']:,.0f} | | | |",
        "",
        "### Threshold trade-off (interdict)",
        "",
        "| Threshold | Precision (pairs) | Recall (pairs) | F1 (pairs) | Recall UN untreated | Recall UN treated "
        "| False alerts /1,000 negatives | False alerts /1,000 Congress |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        *[f"| {r['threshold']} | {r['precision']:.3f} | {r['recall']:.3f} | {r['f1']:.3f} | {r['recall_un_untreated']:.3f} "
          f"| {r['recall_un_treated']:.3f} | {r['false_per_1000_negatives']} | {r['false_per_1000_us_congress']} |"
          for r in res["threshold_table"]],
        "",
        "Per-case scores: `bench/results/screening-cases.csv`. False-alert examples and all figures: "
        "`bench/results/screening.json`.",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Screening benchmark against logic-v2 and a rapidfuzz baseline")
    parser.add_argument("--quick", action="store_true", help="small samples while iterating")
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    parser.add_argument("--startup-only", action="store_true",
                        help="re-measure only index build and cold start (quiet machine) into the last results")
    args = parser.parse_args(argv)
    ensure_home()
    if args.startup_only:
        from interdict.screening import Screener

        res = json.loads((RESULTS / "screening.json").read_text(encoding="utf-8"))
        screener = Screener.open()
        res["index_build_seconds"] = build_time(screener)
        del screener
        res["cold_start_seconds"] = cold_start()
        import os

        res["startup_measured"] = {"date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
                                   "load_average": round(os.getloadavg()[0], 1)}
        (RESULTS / "screening.json").write_text(json.dumps(res, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        (RESULTS / "screening.md").write_text(render(res), encoding="utf-8")
        print(render(res))
        return 0
    from importlib.metadata import version

    from interdict.screening import Screener

    started = time.perf_counter()
    screener = Screener.open()
    RESULTS.mkdir(parents=True, exist_ok=True)
    res: dict[str, Any] = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{platform.machine()} / Python {platform.python_version()}",
        "quick": args.quick,
        "versions": {"interdict": version("interdict"), "nomenklatura": version("nomenklatura"),
                     "rapidfuzz": version("rapidfuzz")},
        "algorithm": screener.algorithm_info(),
    }
    res["index_build_seconds"] = build_time(screener) if not args.quick else round(screener.index.build_seconds, 2)
    res["rss_mb_after_index"] = round(rss_mb(), 1)  # before the peers load anything
    res["cold_start_seconds"] = cold_start()
    print("labelled pairs...", flush=True)
    res["labelled"] = labelled(screener, load_cases(), args.quick)
    peers = Peers(screener, res["labelled"]["thresholds"]["baseline"])
    print("yente fixtures...", flush=True)
    n_neg = 4000 if args.quick else 100_000
    res["yente"] = yente(screener, args.shared, peers, n_neg=n_neg, n_neg_logic=1000 if args.quick else 10_000,
                         n_neg_base=300 if args.quick else 2_000, n_pos_base=150 if args.quick else None)
    print("speed...", flush=True)
    res["speed"] = speed(screener, args.shared, peers, n=2000 if args.quick else 10_000)
    res["peak_rss_mb"] = round(rss_mb(), 1)
    res["threshold_table"] = threshold_table(res)
    res["seconds"] = round(time.perf_counter() - started, 1)
    (RESULTS / "screening.json").write_text(json.dumps(res, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    (RESULTS / "screening.md").write_text(render(res), encoding="utf-8")
    print(render(res))
    return 0


if __name__ == "__main__":
    sys.exit(main())

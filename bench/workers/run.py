"""Workers benchmark: detection quality on synthetic populations, and streaming throughput/memory.

    .venv/bin/python -m bench.workers.run                 # full: seeds 7, 11, 13; 1M and 10M events
    .venv/bin/python -m bench.workers.run --quick         # small sizes while iterating
    .venv/bin/python -m bench.workers.run --seeds 2024    # a held-out population (any seed not used here)
    .venv/bin/python -m bench.workers.run --skip-quality --repeat 3   # throughput only, fastest of 3 processes

Quality: each seed draws a population (5,000 genuine contractors of eight archetypes and 60
planted DPRK operations, see ``bench/workers/generate.py``) and 1.5M events; contractors at
``review`` or ``block`` (score >= 0.5, the default threshold) count as flagged. Reported: precision
and recall per contractor, operations with at least one member flagged, and the false-flag rate
among genuine travellers and VPN users separately. Weights were set on seed 7 (and looked at on
11); any other seed is a held-out population.

Throughput: events generated on the fly to a file (CSV and Parquet), then each file screened in a
fresh process pinned to one Arrow thread; events per CPU-second of the event pass, wall time and
the process's peak RSS are recorded for 1M and 10M events (memory flat in the event count means
the 10M peak is close to the 1M peak). Writes bench/results/workers.md and .json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "bench" / "results"
AS_OF = date(2025, 1, 1)


def quality(seed: int, workdir: Path, n_genuine: int, n_ops: int, n_events: int, screener=None) -> dict:
    from bench.workers.generate import generate_population, write_events, write_population
    from interdict.workers import screen_contractors

    folder = workdir / f"quality-{seed}"
    if not (folder / "events.parquet").exists():
        accounts = generate_population(n_genuine, n_ops, seed)
        write_population(accounts, folder)
        write_events(accounts, folder / "events.parquet", n_events, seed)
    truth = json.loads((folder / "truth.json").read_text())
    started = time.perf_counter()
    result = screen_contractors(folder / "profiles.jsonl", folder / "events.parquet", as_of=AS_OF, screener=screener)
    seconds = time.perf_counter() - started
    flagged = {a.subject for a in result.alerts if a.level.value != "clear"}
    blocked = {a.subject for a in result.alerts if a.level.value == "block"}
    planted = {k for k, v in truth.items() if v["label"] == 1}
    tp = len(flagged & planted)
    ops = {v["op"] for v in truth.values() if v["label"] == 1}
    ops_found = {truth[k]["op"] for k in flagged & planted}
    by_arch: dict[str, list[int]] = {}
    for k, v in truth.items():
        if v["label"] == 0:
            by_arch.setdefault(v["archetype"], [0, 0])
            by_arch[v["archetype"]][0] += 1
            by_arch[v["archetype"]][1] += k in flagged
    rules = Counter(r.rule_id for a in result.alerts if a.subject in planted for r in a.reasons)
    false_rules = Counter(r.rule_id for a in result.alerts if a.subject in flagged - planted for r in a.reasons)
    return {
        "seed": seed,
        "contractors": len(truth),
        "planted": len(planted),
        "operations": len(ops),
        "events": result.stats.get("events_used"),
        "flagged": len(flagged),
        "precision": round(tp / max(1, len(flagged)), 4),
        "recall": round(tp / max(1, len(planted)), 4),
        "block_precision": round(len(blocked & planted) / max(1, len(blocked)), 4),
        "block_recall": round(len(blocked & planted) / max(1, len(planted)), 4),
        "operations_found": round(len(ops_found) / max(1, len(ops)), 4),
        "false_flags": len(flagged - planted),
        "genuine_by_archetype": {k: {"n": n, "flagged": f, "rate": round(f / max(1, n), 4)}
                                 for k, (n, f) in sorted(by_arch.items())},
        "clusters": len(result.clusters),
        "largest_cluster": max((c["size"] for c in result.clusters), default=0),
        "planted_signals": dict(rules.most_common(12)),
        "false_flag_signals": dict(false_rules.most_common(8)),
        "seconds": round(seconds, 1),
    }


CHILD = r"""
import json, sys, time


def hwm_mb():
    # peak resident set of this process image (VmHWM is reset by exec; ru_maxrss is not)
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


import pyarrow as pa
pa.set_cpu_count(1); pa.set_io_thread_count(1)
from interdict.workers.events import aggregate_events
from interdict.workers.profiles import read_profiles
from interdict.workers.screen import default_places
profiles = read_profiles(sys.argv[1])
ids = list(profiles); countries = [profiles[i].country for i in ids]
places = default_places()
before = hwm_mb()
wall, cpu = time.perf_counter(), time.process_time()
agg = aggregate_events(sys.argv[2], ids, countries, places=places)
wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
print(json.dumps({"events": agg.events_used, "wall": wall, "cpu": cpu, "reader": agg.reader,
                  "rss_before_mb": before, "peak_rss_mb": hwm_mb(),
                  "distinct_ips": len(agg.ip_table.values), "distinct_devices": len(agg.device_table.values)}))
"""


def throughput(workdir: Path, sizes: list[int], formats: list[str], seed: int = 5, repeat: int = 1) -> list[dict]:
    from bench.workers.generate import generate_population, write_events, write_population

    folder = workdir / "throughput"
    accounts = generate_population(5000, 60, seed)
    write_population(accounts, folder)
    rows = []
    for fmt in formats:
        # JSON lines go through the line-by-line reader: measured on the smaller size only
        for size in sizes[:1] if fmt == "jsonl" else sizes:
            path = folder / f"events-{size}.{fmt}"
            t0 = time.perf_counter()
            written = write_events(accounts, path, size, seed)
            gen = time.perf_counter() - t0
            env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
            runs = []
            for _ in range(repeat):  # the fastest of `repeat` fresh processes (least disturbed by other work)
                load = os.getloadavg()[0]
                out = subprocess.run([sys.executable, "-c", CHILD, str(folder / "profiles.jsonl"), str(path)],
                                     capture_output=True, text=True, env=env, cwd=ROOT, check=False)
                if out.returncode:
                    raise SystemExit(f"throughput child failed: {out.stderr[-2000:]}")
                runs.append({**json.loads(out.stdout.strip().splitlines()[-1]), "load1_before": load})
            data = min(runs, key=lambda r: r["cpu"])
            data.update({"repeat": repeat, "cpu_all": [round(r["cpu"], 4) for r in runs],"format": fmt, "size": size, "written": written, "file_mb": round(path.stat().st_size / 2**20),
                         "generate_seconds": round(gen, 1),
                         "events_per_cpu_second": round(data["events"] / data["cpu"]),
                         "events_per_wall_second": round(data["events"] / data["wall"])})
            rows.append(data)
            print(f"  {fmt} {size:>11,}: {data['events_per_cpu_second']:,} ev/cpu-s, "
                  f"peak RSS {data['peak_rss_mb']:.0f} MB", flush=True)
            path.unlink()
    return rows


def render(report: dict) -> str:
    q = report["quality"]
    lines = [
        "## Workers (DPRK IT-worker screening)",
        "",
        f"`python -m bench.workers.run{' --quick' if report['quick'] else ''}` on {report['date']}, "
        f"{report['machine']}"
        + (f" (quality figures from the run of {report['quality_date']})" if report.get("quality_date") else "")
        + ". Synthetic populations from `bench/workers/generate.py` (documented archetypes). "
        "Weights were set looking at seed 7 (and seed 11); seed 13 was run once before the last weight change; "
        "seeds 101 and 202 were first run after every weight was fixed (held out). Flagged = level review or "
        "block (score >= 0.5). Each population: 5,000 genuine contractors + 60 planted operations, 1.5M events.",
        "",
        "| seed | contractors | planted | precision | recall | ops found | block P | block R | travellers flagged | VPN users flagged | largest cluster |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in q:
        arch = r["genuine_by_archetype"]
        trav, vpn = arch.get("traveller", {}), arch.get("vpn", {})
        lines.append(
            f"| {r['seed']} | {r['contractors']:,} | {r['planted']} | {r['precision']:.3f} | {r['recall']:.3f} | "
            f"{r['operations_found']:.3f} | {r['block_precision']:.3f} | {r['block_recall']:.3f} | "
            f"{trav.get('flagged', 0)}/{trav.get('n', 0)} ({trav.get('rate', 0):.1%}) | "
            f"{vpn.get('flagged', 0)}/{vpn.get('n', 0)} ({vpn.get('rate', 0):.1%}) | {r['largest_cluster']} |")
    if report.get("quality_with_lists"):
        when = report.get("quality_with_lists_date")
        lines += ["", "With the contractors' names, companies and payees also screened against the bundled lists "
                  "(`--with-lists`; the synthetic names are common Western and Chinese names, so list homonyms "
                  "are frequent)" + (f"; not re-run here, these rows are from the run of {when}" if when else "")
                  + ":", "",
                  "| seed | precision | recall | false flags | list-hit reasons among them |", "|---:|---:|---:|---:|---:|"]
        for r in report["quality_with_lists"]:
            lines.append(f"| {r['seed']} | {r['precision']:.3f} | {r['recall']:.3f} | {r['false_flags']} | "
                         f"{r['false_flag_signals'].get('SCR-PERSON', 0) + r['false_flag_signals'].get('SCR-PAYEE', 0)} |")
    lines += ["", "False flags by genuine archetype (all seeds, without lists): " + ", ".join(
        f"{k} {sum(r['genuine_by_archetype'].get(k, {}).get('flagged', 0) for r in q)}/"
        f"{sum(r['genuine_by_archetype'].get(k, {}).get('n', 0) for r in q)}"
        for k in sorted({k for r in q for k in r["genuine_by_archetype"]})) + ".", ""]
    lines += [
        "Streaming throughput (event pass only, one Arrow thread, fresh process per run"
        + (f", fastest of {report['throughput'][0].get('repeat', 1)} runs" if report["throughput"]
           and report["throughput"][0].get("repeat", 1) > 1 else "")
        + "; events/s per core = events / CPU seconds; load average on the 2 CPUs when the run started):",
        "",
        "| format | events | file MB | events/s per core | events/s wall | peak RSS MB | of which before events | distinct IPs | load avg (1 min) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for t in report["throughput"]:
        load = f"{t['load1_before']:.1f}" if "load1_before" in t else ""
        lines.append(f"| {t['format']} | {t['events']:,} | {t['file_mb']:,} | {t['events_per_cpu_second']:,} | "
                     f"{t['events_per_wall_second']:,} | {t['peak_rss_mb']:.0f} | {t['rss_before_mb']:.0f} | "
                     f"{t['distinct_ips']:,} | {load} |")
    spread = [f"{t['format']} {t['events']:,}: {round(t['events'] / max(t['cpu_all'])):,}-"
              f"{t['events_per_cpu_second']:,}" for t in report["throughput"] if len(t.get("cpu_all", [])) > 1]
    if spread:
        lines += ["", "Events/s per core, slowest to fastest run: " + "; ".join(spread) + "."]
    lines += ["", "Targets: recall >= 0.9 at precision >= 0.9; >= 200,000 events/s per core; memory flat in the "
              "event count. Wall-clock rates are lower than per-core rates because the 2 CPUs were shared with "
              "other work during the run. The populations are synthetic: the numbers show the signals and "
              "clustering work as designed on the planted typologies, not field accuracy.", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes while iterating")
    parser.add_argument("--seeds", type=int, nargs="*", default=None)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/interdict-bench-workers"))
    parser.add_argument("--skip-throughput", action="store_true")
    parser.add_argument("--repeat", type=int, default=1, help="throughput: fresh processes per file, fastest kept")
    parser.add_argument("--skip-quality", action="store_true",
                        help="only the throughput runs; keep the quality figures of the last results file")
    parser.add_argument("--formats", nargs="*", default=["csv", "parquet", "jsonl"])
    parser.add_argument("--with-lists", type=int, nargs="*", default=None, metavar="SEED",
                        help="also screen these seeds' names against the lists in the local store (INTERDICT_HOME)")
    parser.add_argument("--only-lists", action="store_true",
                        help="only the --with-lists runs; keep the other figures of the last results file")
    args = parser.parse_args(argv)
    seeds = args.seeds or ([7] if args.quick else [7, 11, 13])
    args.workdir.mkdir(parents=True, exist_ok=True)
    n_genuine, n_ops, n_events = (1500, 20, 300_000) if args.quick else (5000, 60, 1_500_000)
    report = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}",
        "quick": args.quick,
        "quality": [],
        "throughput": [],
    }
    if args.only_lists and (RESULTS / "workers.json").exists():
        previous = json.loads((RESULTS / "workers.json").read_text())
        report.update({k: previous[k] for k in ("date", "machine", "quick", "quality", "throughput") if k in previous})
        seeds = []
        args.skip_throughput = True
    if args.skip_quality and (RESULTS / "workers.json").exists():
        previous = json.loads((RESULTS / "workers.json").read_text())
        report["quality"] = previous["quality"]
        report["quality_date"] = previous.get("quality_date") or previous["date"]
        seeds = []
    if not args.with_lists and (RESULTS / "workers.json").exists():
        # keep the last list-screening rows, dated, rather than drop them from the page
        previous = json.loads((RESULTS / "workers.json").read_text())
        if previous.get("quality_with_lists"):
            report["quality_with_lists"] = previous["quality_with_lists"]
            report["quality_with_lists_date"] = previous.get("quality_with_lists_date") or previous["date"]
    if args.with_lists:
        from interdict.workers.screen import open_default_screener

        screener, why = open_default_screener()
        if screener is None:
            raise SystemExit(f"--with-lists: {why}")
        report["quality_with_lists"] = []
        for seed in args.with_lists:
            print(f"quality seed {seed} with list screening", flush=True)
            r = quality(seed, args.workdir, n_genuine, n_ops, n_events, screener=screener)
            print(f"  P {r['precision']:.3f} R {r['recall']:.3f}", flush=True)
            report["quality_with_lists"].append(r)
    for seed in seeds:
        print(f"quality seed {seed}", flush=True)
        r = quality(seed, args.workdir, n_genuine, n_ops, n_events)
        print(f"  P {r['precision']:.3f} R {r['recall']:.3f} ops {r['operations_found']:.3f}", flush=True)
        report["quality"].append(r)
    if not args.skip_throughput:
        sizes = [100_000, 1_000_000] if args.quick else [1_000_000, 10_000_000]
        print("throughput", flush=True)
        report["throughput"] = throughput(args.workdir, sizes, args.formats, repeat=args.repeat)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "workers.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    (RESULTS / "workers.md").write_text(render(report), encoding="utf-8")
    print(f"wrote {RESULTS / 'workers.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

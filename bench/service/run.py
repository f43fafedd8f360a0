"""Service benchmark: load test of `POST /match` on loopback, schemathesis against the OpenAPI spec.

    python -m bench.service.run                    # 50 clients x 60 s, 2 workers, schemathesis
    python -m bench.service.run --quick            # 10 s, fewer schemathesis examples
    python -m bench.service.run --shared ../shared # where the yente benchmark names are

Setup: a fresh INTERDICT_HOME with every bundled list loaded, one screener key, `interdict serve
--workers 2` on 127.0.0.1. Requests: one query per /match request, half real list names (persons
and companies drawn from the loaded lists, and UN-listed persons from yente's benchmark file), half
ordinary person names (yente's synthetic negatives). Load generator: wrk (C, with a Lua script
cycling through pre-built bodies) when installed, else an asyncio httpx client; both run on the same
2-core machine as the server, so they take CPU from it. After the run the audit trail must hold one
record per answered request and verify.

Writes bench/results/service.md and service.json.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from bench.service.server import ROOT, Server

RESULTS = ROOT / "bench" / "results"


def _names(settings: Any, shared: Path, n: int, seed: int = 11) -> tuple[list[dict], list[dict]]:
    from interdict.store import open_store

    rng = random.Random(seed)
    listed: list[dict] = []
    with open_store(settings, read_only=True) as store:
        for e in store.iter_entities(schemata=["Person", "Company", "Organization"]):
            names = e.get("name")
            if names:
                listed.append({"schema": e.schema.name, "properties": {"name": [names[0]]}})
    rng.shuffle(listed)
    listed = listed[: n // 2]
    pos = shared / "benchmarks" / "yente" / "candidate_generation_benchmark__positives_un_untreated.csv"
    if pos.exists():
        with open(pos, encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                if row.get("full_name"):
                    listed.append({"schema": "Person", "properties": {"name": [row["full_name"]]}})
    ordinary: list[dict] = []
    neg = shared / "benchmarks" / "yente" / "candidate_generation_benchmark__negatives_global.csv"
    if neg.exists():
        with open(neg, encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                if row.get("full_name"):
                    q = {"schema": "Person", "properties": {"name": [row["full_name"]]}}
                    if row.get("date_of_birth"):
                        q["properties"]["birthDate"] = [row["date_of_birth"]]
                    ordinary.append(q)
                if len(ordinary) >= n:
                    break
    else:  # without the shared benchmark files: common names built here
        first = ["James", "Maria", "Wei", "Olga", "Ahmed", "Yuki", "Carlos", "Fatima", "John", "Anna"]
        last = ["Smith", "Garcia", "Wang", "Ivanova", "Hassan", "Tanaka", "Silva", "Khan", "Brown", "Muller"]
        ordinary = [{"schema": "Person", "properties": {"name": [f"{rng.choice(first)} {rng.choice(last)}"]}}
                    for _ in range(n)]
    rng.shuffle(ordinary)
    return listed[: n // 2], ordinary[: n // 2]


def _bodies(listed: list[dict], ordinary: list[dict], seed: int = 5) -> list[str]:
    rng = random.Random(seed)
    mixed = listed + ordinary
    rng.shuffle(mixed)
    return [json.dumps({"queries": {"q": q}}, ensure_ascii=False) for q in mixed]


def _lua(bodies: list[str], token: str) -> str:
    lines = ["local bodies = {"]
    for b in bodies:
        lines.append(f"  [==[{b}]==],")
    lines.append("}")
    lines.append(f'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n'
                 f'wrk.headers["Authorization"] = "ApiKey {token}"')
    lines.append("local i = 0\nlocal statuses = {}")
    lines.append("request = function()\n  i = i + 1\n  return wrk.format(nil, \"/match/default\", nil, "
                 "bodies[(i % #bodies) + 1])\nend")
    return "\n".join(lines) + "\n"


def _ms(text: str) -> float:
    m = re.match(r"([\d.]+)(us|ms|s)", text.strip())
    if not m:
        return float("nan")
    value, unit = float(m.group(1)), m.group(2)
    return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value


def run_wrk(url: str, bodies: list[str], token: str, clients: int, seconds: int, workdir: Path) -> dict[str, Any]:
    script = workdir / "match.lua"
    script.write_text(_lua(bodies, token), encoding="utf-8")
    out = subprocess.run(["wrk", "-t2", f"-c{clients}", f"-d{seconds}s", "--latency", "--timeout", "10s",
                          "-s", str(script), url], capture_output=True, text=True, check=True).stdout
    lat = dict(re.findall(r"^\s+(50|75|90|99)%\s+(\S+)", out, re.M))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return {
        "tool": "wrk 2 threads",
        "requests": total,
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50_ms": _ms(lat.get("50", "nan")),
        "p90_ms": _ms(lat.get("90", "nan")),
        "p99_ms": _ms(lat.get("99", "nan")),
        "non_2xx": int(non2xx.group(1)) if non2xx else 0,
        "socket_errors": sum(int(x) for x in errors.groups()) if errors else 0,
        "raw": out,
    }


async def _httpx_load(url: str, bodies: list[str], token: str, clients: int, seconds: int) -> dict[str, Any]:
    lat: list[float] = []
    errors = 0
    non2xx = 0
    deadline = time.perf_counter() + seconds
    headers = {"Authorization": f"ApiKey {token}", "Content-Type": "application/json"}
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=url, headers=headers, limits=limits, timeout=10) as client:
        async def worker(k: int) -> None:
            nonlocal errors, non2xx
            i = k
            while time.perf_counter() < deadline:
                body = bodies[i % len(bodies)]
                i += clients
                t0 = time.perf_counter()
                try:
                    r = await client.post("/match/default", content=body)
                    if r.status_code != 200:
                        non2xx += 1
                except httpx.HTTPError:
                    errors += 1
                    continue
                lat.append((time.perf_counter() - t0) * 1000)

        started = time.perf_counter()
        await asyncio.gather(*(worker(k) for k in range(clients)))
        elapsed = time.perf_counter() - started
    q = statistics.quantiles(lat, n=100) if len(lat) > 100 else [float("nan")] * 99
    return {"tool": "asyncio httpx", "requests": len(lat) + errors, "rps": len(lat) / elapsed, "p50_ms": q[49],
            "p90_ms": q[89], "p99_ms": q[98], "non_2xx": non2xx, "socket_errors": errors}


def run_schemathesis(url: str, token: str, examples: int, workdir: Path) -> dict[str, Any]:
    exe = shutil.which("schemathesis") or str(Path(__import__("sys").executable).with_name("schemathesis"))
    if not Path(exe).exists():
        return {"skipped": "schemathesis is not installed (pip install schemathesis into the venv)"}
    cmd = [exe, "run", f"{url}/openapi.json", "-H", f"Authorization: ApiKey {token}",
           "-c", "not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance",
           "-n", str(examples), "--request-timeout", "60", "--generation-deterministic",
           # downloads from the official list URLs: no internet here (it answers 502, documented)
           "--exclude-path", "/admin/lists/update"]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=workdir)  # its .schemathesis/ stays there
    out = proc.stdout + proc.stderr
    (workdir / "schemathesis.log").write_text(out, encoding="utf-8")
    generated = re.search(r"(\d+) generated", out)
    passed = re.search(r"(\d+) passed", out)
    failures = re.search(r"found (\d+) unique failures", out)
    errored = re.search(r"(\d+) errored", out)
    ops = re.search(r"Tested: (\d+)", out)
    return {
        "exit": proc.returncode,
        "operations": int(ops.group(1)) if ops else None,
        "generated": int(generated.group(1)) if generated else None,
        "passed": int(passed.group(1)) if passed else None,
        "failed": int(failures.group(1)) if failures else 0,
        "errored": int(errored.group(1)) if errored else 0,
        "server_errors": len(re.findall(r"Server error", out)),
        "tail": "\n".join(out.strip().splitlines()[-30:]),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="10 s load, 10 schemathesis examples per operation")
    ap.add_argument("--seconds", type=int, default=60)
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--home", type=Path, default=None, help="reuse this INTERDICT_HOME (lists loaded)")
    ap.add_argument("--tool", choices=["auto", "wrk", "httpx"], default="auto")
    ap.add_argument("--no-schemathesis", action="store_true")
    ap.add_argument("--render-only", action="store_true", help="rewrite service.md from service.json")
    ap.add_argument("--repeat-load", type=int, default=0, metavar="N",
                    help="only run the load test N more times (one fresh server, back to back) and add the figures "
                         "to service.json/md as repeats of the last full run")
    args = ap.parse_args(argv)
    if args.render_only:
        r = json.loads((RESULTS / "service.json").read_text(encoding="utf-8"))
        L = r["load"]
        (RESULTS / "service.md").write_text(
            _markdown(r, L["requests"] - L["non_2xx"] - L["socket_errors"]), encoding="utf-8")
        return 0
    seconds = 10 if args.quick else args.seconds
    examples = 10 if args.quick else 30

    from interdict import lists
    from interdict.audit import keys, trail
    from interdict.audit.db import ServiceDB
    from interdict.config import get_settings

    workdir = Path(tempfile.mkdtemp(prefix="interdict-bench-service-"))
    home = args.home or workdir / "home"
    settings = replace(get_settings(), home=home)
    t0 = time.perf_counter()
    from interdict.store import open_store

    with open_store(settings) as st:
        empty = not st.current_versions()
    if empty:
        lists.load(settings=settings)
    load_s = time.perf_counter() - t0
    db = ServiceDB(sqlite_path=home / "service.sqlite")
    _, token = keys.create_key(db, label="bench", role="admin", created_by="bench", settings=settings)
    listed, ordinary = _names(settings, args.shared, 4000)
    bodies = _bodies(listed, ordinary)
    before = sum(1 for r in trail.iter_records(db) if r.kind == "screening")

    server = Server(home, workers=args.workers)
    t1 = time.perf_counter()
    server.start()
    ready_s = time.perf_counter() - t1
    if args.repeat_load:
        return _repeat_load(args, server, bodies, token, seconds, workdir, db)
    try:
        # warm-up: every worker touches its caches once
        with httpx.Client(base_url=server.url, headers={"Authorization": f"ApiKey {token}"}, timeout=30) as c:
            for b in bodies[:50]:
                c.post("/match/default", content=b, headers={"content-type": "application/json"})
        load = _one_load(args, server, bodies, token, seconds, workdir)
        schema = {"skipped": "--no-schemathesis"} if args.no_schemathesis else run_schemathesis(
            server.url, token, examples, workdir)
    finally:
        server.stop()
    screenings = sum(1 for r in trail.iter_records(db) if r.kind == "screening" and r.channel == "api") - before
    verified = trail.verify(db)
    answered_ok = load["requests"] - load["non_2xx"] - load["socket_errors"]
    result = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {__import__('os').cpu_count()} CPUs, Python {platform.python_version()}",
        "workers": args.workers,
        "clients": args.clients,
        "seconds": seconds,
        "bodies": len(bodies),
        "listed_names": len(listed),
        "ordinary_names": len(ordinary),
        "lists_load_s": round(load_s, 1),
        "server_ready_s": round(ready_s, 1),
        "load": {k: v for k, v in load.items() if k != "raw"},
        "audit_screening_records": screenings,
        "audit_chain_ok": verified.ok,
        "audit_records_total": verified.records,
        "schemathesis": schema,
        "targets": {"rps": 300, "p99_ms": 100},
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "service.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
    (RESULTS / "service.md").write_text(_markdown(result, answered_ok), encoding="utf-8")
    print(_markdown(result, answered_ok))
    return 0


#: Where the p90/p99 tail of the first build came from (measured 2026-11-22, 20 s wrk runs of 50 clients
#: with a CPU probe in the workers and py-spy; the machine was shared, load average 2-3).
TAIL_NOTES = [
    "Where the tail came from (2026-11-22, before the changes now in the server): (1) CPython's full garbage "
    "collection ran every 1-2 s in each worker under load and took 100-260 ms of CPU each time, with the event "
    "loop and all 25 of that worker's requests stopped (0.9-1.7 s of collector time per worker per 20 s); the "
    "loaded heap is now frozen and what survives a full pass is frozen too: longest collection about 23 ms, "
    "0.4-0.6 s per 20 s. (2) The 50 keep-alive connections landed 32/18 on the two workers, so the crowded "
    "worker's clients waited almost twice as long; workers now share their counts and mark a response "
    "`Connection: close` on the crowded one (25/25 measured). (3) The first Japanese or Chinese name in a worker "
    "built transliteration tables for 100+ ms; a warm-up screens one name per script before the worker is ready. "
    "(4) CPU per request: FastAPI's resolution of /match's twelve parameters and the body took about a quarter of "
    "a worker's CPU (py-spy), the audit writer serialised bodies with `json` and handed off one queue item per "
    "request; a short path for plain /match requests (same code, errors to the route), orjson and one hand-off "
    "per batch took CPU per request from 3.6-4.5 ms to 2.25-2.75 ms in back-to-back runs on the same loaded "
    "machine. The SQLite write lock was not the tail: writers already queued on a kernel file lock "
    "(`service.sqlite.lock`) with group commit. What is left per request is mostly the screening itself "
    "(about 55% of a worker's CPU in a py-spy sample under load).",
    "",
    "A/B on the same screening code (2026-11-22 14:26 UTC, 30 s wrk runs of 50 clients, alternating, load average "
    "0.7-1.9 from the runs themselves): the service code at the start of the day 705 and 571 req/s, p50 64 and 78 ms, "
    "p99 349 and 416 ms, 2.52 and 3.01 ms server CPU per request; with these changes 1,418 and 1,245 req/s, p50 32 "
    "and 39 ms, p99 91 and 84 ms, 1.34 and 1.52 ms.",
]


def _one_load(args: Any, server: Server, bodies: list[str], token: str, seconds: int, workdir: Path) -> dict[str, Any]:
    use_wrk = args.tool == "wrk" or (args.tool == "auto" and shutil.which("wrk"))
    cpu0, load0 = server.cpu_seconds(), os.getloadavg()[0]
    if use_wrk:
        load = run_wrk(server.url, bodies, token, args.clients, seconds, workdir)
    else:
        load = asyncio.run(_httpx_load(server.url, bodies, token, args.clients, seconds))
    cpu = server.cpu_seconds() - cpu0
    load["server_cpu_ms_per_request"] = round(cpu * 1000 / max(load["requests"], 1), 2)
    load["server_cpu_share"] = round(cpu / seconds, 2)
    load["loadavg_before"] = round(load0, 2)
    load["loadavg_after"] = round(os.getloadavg()[0], 2)
    return load


def _repeat_load(args: Any, server: Server, bodies: list[str], token: str, seconds: int, workdir: Path,
                 db: Any) -> int:
    from interdict.audit import trail

    result = json.loads((RESULTS / "service.json").read_text(encoding="utf-8"))
    repeats = result.setdefault("repeats", [])
    try:
        with httpx.Client(base_url=server.url, headers={"Authorization": f"ApiKey {token}"}, timeout=30) as c:
            for b in bodies[:50]:
                c.post("/match/default", content=b, headers={"content-type": "application/json"})
        for _ in range(args.repeat_load):
            load = _one_load(args, server, bodies, token, seconds, workdir)
            load.pop("raw", None)
            load["date"] = datetime.now(UTC).isoformat(timespec="seconds")
            repeats.append(load)
            print(f"repeat: {load['rps']:.0f} req/s, p50 {load['p50_ms']:.1f} ms, p90 {load['p90_ms']:.1f} ms, "
                  f"p99 {load['p99_ms']:.1f} ms, load average {load['loadavg_before']} before")
    finally:
        server.stop()
    result["repeats_chain_ok"] = trail.verify(db).ok
    (RESULTS / "service.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
    L = result["load"]
    (RESULTS / "service.md").write_text(_markdown(result, L["requests"] - L["non_2xx"] - L["socket_errors"]),
                                        encoding="utf-8")
    return 0


def _markdown(r: dict[str, Any], answered_ok: int) -> str:
    L = r["load"]
    s = r["schemathesis"]
    ok_rps = "meets" if L["rps"] >= r["targets"]["rps"] else "misses"
    ok_p99 = "meets" if L["p99_ms"] < r["targets"]["p99_ms"] else "misses"
    lines = [
        "## Service (HTTP API)",
        "",
        f"`python -m bench.service.run` on {r['date']} ({r['machine']}). `interdict serve --workers {r['workers']}` "
        f"on 127.0.0.1 with every bundled list loaded; {r['clients']} concurrent clients for {r['seconds']} s "
        f"({L['tool']}, on the same machine) sending `POST /match/default`, one query each, cycling through "
        f"{r['bodies']:,} bodies: {r['listed_names']:,} real list names (persons/companies from the loaded lists "
        f"and UN-listed persons from yente's benchmark) and {r['ordinary_names']:,} ordinary person names (yente's "
        "synthetic negatives). Every request is authenticated (API key) and audited (one hash-chained record "
        "committed before the response).",
        "",
        "| measure | value | target |",
        "| --- | --- | --- |",
        f"| throughput | {L['rps']:.0f} req/s ({L['requests']:,} requests) | ≥ {r['targets']['rps']} req/s ({ok_rps}) |",
        f"| latency p50 | {L['p50_ms']:.1f} ms | |",
        f"| latency p90 | {L['p90_ms']:.1f} ms | |",
        f"| latency p99 | {L['p99_ms']:.1f} ms | < {r['targets']['p99_ms']} ms ({ok_p99}) |",
        f"| errors | {L['non_2xx']} non-2xx, {L['socket_errors']} socket errors | none |",
        f"| server CPU per request | {L.get('server_cpu_ms_per_request')} ms (all workers; server used "
        f"{L.get('server_cpu_share')} of 2 cores) | |",
        f"| machine load average | {L.get('loadavg_before')} before, {L.get('loadavg_after')} after the run | |",
        f"| audit records written | {r['audit_screening_records']:,} for {answered_ok:,} answered requests "
        f"(+ warm-up); chain verifies: {r['audit_chain_ok']} | one per screening |",
        f"| time to ready | lists load {r['lists_load_s']} s (first run only), server ready {r['server_ready_s']} s | |",
        "",
    ]
    if r.get("repeats"):
        runs = "; ".join(f"{x['rps']:.0f} req/s, p50 {x['p50_ms']:.1f} / p90 {x['p90_ms']:.1f} / p99 {x['p99_ms']:.1f} ms, "
                         f"{x['non_2xx'] + x['socket_errors']} errors, load average {x['loadavg_before']} before"
                         for x in r["repeats"])
        lines.append(f"Repeat runs of the load test alone (`--repeat-load`, one fresh server, back to back, same "
                     f"settings): {runs}; audit chain verifies afterwards: {r.get('repeats_chain_ok')}. The load average before "
                     "a repeat counts the run before it.")
        lines.append("")
    cpu = L.get("server_cpu_ms_per_request")
    if cpu:
        lines.append(
            f"The load average was {L.get('loadavg_before')} when the load test started (the 1-minute figure also "
            f"counts this run's own list load and server start), and the server got {L.get('server_cpu_share')} of "
            f"the 2 cores. At the measured {cpu} ms of server CPU "
            f"per request, two free cores would allow about {2000 / cpu:.0f} req/s before the load generator's own "
            "CPU is taken off; that is an estimate from the CPU figure, not a measured throughput."
        )
        lines.append("")
    if "skipped" in s:
        lines.append(f"schemathesis: skipped ({s['skipped']}).")
    else:
        lines.append(
            f"schemathesis ({s.get('operations')} operations, examples + coverage + fuzzing + stateful phases, checks "
            f"not_a_server_error, response_schema_conformance, status_code_conformance, content_type_conformance): "
            f"{s.get('generated')} test cases, {s.get('failed')} unique failures, {s.get('errored')} errored, "
            f"{s.get('server_errors')} server errors; exit {s.get('exit')}. `POST /admin/lists/update` is left out "
            "(it downloads from the official list URLs, which this machine cannot reach; it answers a documented 502)."
        )
    lines.append("")
    lines.extend(TAIL_NOTES)
    lines.append("")
    lines.append("The crash test (`tests/api/test_crash.py`, slow) SIGKILLs a 2-worker server while 6 clients "
                 "send /match and 20-party /screen batches: every answered screening has its audit record with "
                 "the query sent, the chain verifies, and batches are all-or-nothing.")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    raise SystemExit(main())

"""Run every engine's benchmark in pipeline order, then regenerate BENCHMARKS.md.

Each engine's benchmark is ``bench/<engine>/run.py`` and writes ``bench/results/<engine>.md``
and ``.json``. Extra arguments are passed to each benchmark (for example ``--quick``).
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from bench.render import ORDER
from bench.render import main as render

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    failures = []
    for engine in ORDER:
        script = ROOT / "bench" / engine / "run.py"
        if not script.exists():
            continue
        started = time.perf_counter()
        print(f"== bench {engine}", flush=True)
        code = subprocess.call([sys.executable, "-m", f"bench.{engine}.run", *args], cwd=ROOT)
        print(f"== bench {engine}: exit {code} in {time.perf_counter() - started:.0f}s", flush=True)
        if code:
            failures.append(engine)
    render()
    if failures:
        print(f"benchmarks failed: {', '.join(failures)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

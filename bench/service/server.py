"""Start and stop `interdict serve` on loopback for the service benchmarks and the crash test."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def interdict_bin() -> list[str]:
    exe = Path(sys.executable).with_name("interdict")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "interdict.cli.main"]


class Server:
    """`interdict serve` in its own process group (so SIGKILL reaches the supervisor and every worker)."""

    def __init__(self, home: Path, workers: int = 2, port: int | None = None, env: dict[str, str] | None = None):
        self.home = Path(home)
        self.workers = workers
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "INTERDICT_HOME": str(self.home), **(env or {})}
        self.proc: subprocess.Popen | None = None
        self.log = self.home / "server.log"

    def start(self, ready_timeout: float = 600.0) -> Server:
        self.home.mkdir(parents=True, exist_ok=True)
        fh = open(self.log, "ab")  # noqa: SIM115 - closed with the process
        self.proc = subprocess.Popen(
            [*interdict_bin(), "serve", "--port", str(self.port), "--workers", str(self.workers),
             "--no-access-log", "--log-level", "warning"],
            env=self.env, stdout=fh, stderr=subprocess.STDOUT, start_new_session=True,
        )
        self.wait_ready(ready_timeout)
        return self

    def wait_ready(self, timeout: float) -> None:
        """Ready when /readyz answers 200 many times in a row (each worker loads on its own)."""
        deadline = time.monotonic() + timeout
        streak = 0
        # a fresh connection per probe (no keep-alive), so probes reach every worker, not just one
        with httpx.Client(timeout=5, headers={"Connection": "close"}) as client:
            while time.monotonic() < deadline:
                if self.proc is not None and self.proc.poll() is not None:
                    raise RuntimeError(f"server exited with {self.proc.returncode}; see {self.log}")
                try:
                    ok = client.get(f"{self.url}/readyz").status_code == 200
                except httpx.HTTPError:
                    ok = False
                streak = streak + 1 if ok else 0
                if streak >= 10 * self.workers:
                    return
                time.sleep(0.05 if ok else 0.5)
        raise TimeoutError(f"server not ready after {timeout}s; see {self.log}")

    def cpu_seconds(self) -> float:
        """CPU time (user + system) used so far by every process of the server's process group."""
        if self.proc is None:
            return 0.0
        tick = os.sysconf("SC_CLK_TCK")
        total = 0
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == self.proc.pid:  # pgrp
                total += int(fields[11]) + int(fields[12])
        return total / tick

    def kill(self) -> None:
        """SIGKILL the whole process group: no graceful shutdown, no flush, nothing."""
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

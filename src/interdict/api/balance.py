"""Even out keep-alive connections across the worker processes of ``interdict serve --workers N``.

The workers share one listening socket, and a worker that wakes first accepts every connection
waiting: when 50 keep-alive clients connect at once, one worker may get 32 and the other 18
(measured). Each worker serves its own connections one request at a time on its event loop, so
the clients pinned to the crowded worker wait almost twice as long as the others, for as long as
they stay connected; that imbalance, not the mean, set much of the p90/p99 latency.

This middleware lets each worker publish how many client connections it served in the last
``window`` seconds into a small shared file (one slot per worker process). A worker holding more
than the average and more than ``slack`` connections above the least busy worker answers one
request with ``Connection: close``; the client
reconnects (HTTP clients do this transparently) and the new connection lands on whichever worker
accepts it, so the counts drift to the average. At most one connection is closed per
``min_interval`` seconds per worker. No request is refused or delayed; a response is only marked
as the last on its connection.
"""

from __future__ import annotations

import fcntl
import mmap
import os
import time
from pathlib import Path
from typing import Any

__all__ = ["ConnectionBalance", "SLOTS"]

SLOTS = 64  # worker processes one file can describe
_SLOT = 2  # int64 fields per slot: pid, connection count


class ConnectionBalance:
    """Pure ASGI middleware; ``path`` is the file shared by the workers of one server."""

    def __init__(self, app: Any, path: Path | str, *, window: float = 2.0, slack: int = 2,
                 min_interval: float = 0.02) -> None:
        self.app = app
        self.window = window
        self.slack = slack
        self.min_interval = min_interval
        self.path = Path(path)
        self._seen: dict[tuple[str, int], float] = {}
        self._last_prune = 0.0
        self._last_close = 0.0
        self.closed = 0
        self._pid = 0
        self._slot = -1
        self._mm: mmap.mmap | None = None
        self._q: memoryview | None = None

    # -- shared slots --------------------------------------------------------------------------
    def _attach(self) -> None:
        """Open the shared file and claim a slot (a free one, or one whose process has died)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        size = SLOTS * _SLOT * 8
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            if os.fstat(fd).st_size < size:
                os.ftruncate(fd, size)
            mm = mmap.mmap(fd, size)
            q = memoryview(mm).cast("q")
            pid = os.getpid()
            slot = -1
            for i in range(SLOTS):
                owner = q[i * _SLOT]
                if owner == pid or owner == 0 or not _alive(owner):
                    slot = i
                    break
            if slot < 0:
                raise RuntimeError(f"more than {SLOTS} workers share {self.path}")
            q[slot * _SLOT] = pid
            q[slot * _SLOT + 1] = 0
            fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)  # the mapping stays valid
        self._mm, self._q, self._slot, self._pid = mm, q, slot, pid

    def counts(self) -> list[int]:
        """Connection counts of the live workers (this one included)."""
        q = self._q
        if q is None:
            return []
        return [q[i * _SLOT + 1] for i in range(SLOTS) if q[i * _SLOT] != 0]

    def _prune(self, now: float) -> None:
        cutoff = now - self.window
        for client, seen in list(self._seen.items()):
            if seen < cutoff:
                del self._seen[client]
        q = self._q
        assert q is not None
        for i in range(SLOTS):  # a worker that died (and was replaced) leaves its slot
            owner = q[i * _SLOT]
            if owner and owner != self._pid and not _alive(owner):
                q[i * _SLOT] = 0
                q[i * _SLOT + 1] = 0
        self._last_prune = now

    # -- ASGI ----------------------------------------------------------------------------------
    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        client = scope.get("client") if scope["type"] == "http" else None
        if not client:
            await self.app(scope, receive, send)
            return
        if self._pid != os.getpid():
            self._attach()
        now = time.monotonic()
        key = (client[0], client[1])
        self._seen[key] = now
        if now - self._last_prune > self.window / 4:
            self._prune(now)
        q = self._q
        assert q is not None
        mine = len(self._seen)
        q[self._slot * _SLOT + 1] = mine
        close = False
        if now - self._last_close >= self.min_interval:
            counts = self.counts()
            if len(counts) > 1 and mine - min(counts) > self.slack and mine * len(counts) > sum(counts):
                close = True
                self._last_close = now
                self._seen.pop(key, None)  # it is leaving: do not count it while it reconnects
                q[self._slot * _SLOT + 1] = len(self._seen)
                self.closed += 1
        if not close:
            await self.app(scope, receive, send)
            return

        async def send_closing(message: dict) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"connection"]
                headers.append((b"connection", b"close"))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_closing)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True

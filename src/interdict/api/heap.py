"""Garbage-collector settings for a serving worker (``interdict serve``), measured against /match latency.

A worker holds a large, long-lived heap (the index, its lazily built name forms, the parsed entity
view, the normalisers' caches) and makes almost no cyclic garbage while serving: over a load test
the automatic collections found a few hundred cyclic objects in total, nearly all at start-up. Yet
CPython's full (generation 2) collection scans every tracked object on each pass, and with 25
requests in flight per worker the objects alive at each young collection are promoted so fast that a
full pass ran every 1-2 s, taking 100-260 ms each (growing with the caches), with the event loop
stopped for every request of that worker: that was the p90/p99 tail of the service benchmark, and
about 15% of a worker's CPU.

What :func:`settle` does, in the serving process only:

* ``gc.collect()`` then ``gc.freeze()`` once the lists are loaded: everything alive then moves to
  the permanent generation, which collections never scan (objects there are still freed by
  reference counting as usual).
* after each automatic full collection, freeze again what survived it, so the caches that grow while
  serving are scanned once rather than on every pass. The price: a reference cycle that was alive at
  such a moment and becomes garbage later is not reclaimed; measured, serving makes next to none.

On a list reload the old engine is let go: :func:`reclaim` unfreezes, collects once (one long pause
per reload, not per second) and freezes again.
"""

from __future__ import annotations

import gc
import threading
from typing import Any

__all__ = ["settle", "reclaim", "uninstall", "stats"]

_installed = False
_lock = threading.Lock()
_stats = {"full_collections": 0, "refreezes": 0}


def _after_full(phase: str, info: dict[str, Any]) -> None:
    if phase == "stop" and info.get("generation") == 2:
        _stats["full_collections"] += 1
        gc.freeze()  # what survived a full pass is long-lived: do not scan it again
        _stats["refreezes"] += 1


def settle() -> None:
    """Freeze the loaded heap and install the serving policy (idempotent; per process)."""
    global _installed
    with _lock:
        gc.collect()
        gc.freeze()
        if not _installed:
            gc.callbacks.append(_after_full)
            _installed = True


def reclaim() -> None:
    """After an engine is replaced: collect what the old one left in cycles, then freeze again."""
    with _lock:
        gc.unfreeze()
        gc.collect()
        gc.freeze()


def uninstall() -> None:
    """Undo :func:`settle` (tests; a process that stops serving)."""
    global _installed
    with _lock:
        if _after_full in gc.callbacks:
            gc.callbacks.remove(_after_full)
        _installed = False
        gc.unfreeze()


def stats() -> dict[str, Any]:
    return {**_stats, "frozen": gc.get_freeze_count(), "threshold": gc.get_threshold(),
            "policy": _installed}

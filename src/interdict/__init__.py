"""interdict: find sanctions evasion in parties, goods, routes, company networks and contractors.

The pipeline runs sources -> store -> names -> matching -> screening / trade / network /
workers -> alerts -> decisions and audit -> CLI, API, reports. Every engine leaves the same
:class:`~interdict.model.Alert`.

Top-level conveniences (``interdict.screen``, ``interdict.compare``) are imported lazily so that
``import interdict`` stays cheap for the CLI.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

_LAZY = {
    "screen": ("interdict.screening", "screen"),
    "screen_batch": ("interdict.screening", "screen_batch"),
    "compare": ("interdict.screening", "compare"),
}

__all__ = ["__version__", *_LAZY]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        return getattr(importlib.import_module(module), attr)
    if name in {"lists", "trade", "network", "workers", "screening", "matching", "names", "store", "sources"}:
        import importlib

        return importlib.import_module(f"interdict.{name}")
    raise AttributeError(f"module 'interdict' has no attribute {name!r}")

"""Benchmark workloads: every module in this package defines some (see the README).

A module imports only the standard library at the top; `anyio` and `trio` are imported
inside the bodies that use them.
"""

from __future__ import annotations

import importlib
import pkgutil


def load_all() -> None:
    """Import every workload module, which registers its workloads."""
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda info: info.name):
        if not info.name.startswith("_"):
            importlib.import_module(f"{__name__}.{info.name}")

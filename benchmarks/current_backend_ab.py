"""A/B micro-benchmark of `current_backend()`: before and after issue 13's probe registry.

Loads core's ``_backend.py`` as it was before the probe registry (git revision
``d176af3``) next to the current one, feeds the old module the same backend
objects, and times both alternately in one process and one event loop, so that
a slow spell of the machine hits both alike. Run it with the development
environment's interpreter, from the repository root::

    .hatch/data/env/virtual/test.py3.11/bin/python benchmarks/current_backend_ab.py
"""

from __future__ import annotations

import asyncio
import importlib.util
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import anyio
from anyio._backends import _asyncio as asyncio_backend
from anyio._backends import _trio as trio_backend
from anyio._core import _backend as new

OLD_REVISION = "d176af3"
MODULE = "packages/anyio-core/src/anyio/_core/_backend.py"
CALLS = 200_000
ROUNDS = 7


def _load_old() -> Any:
    source = subprocess.run(
        ["git", "show", f"{OLD_REVISION}:{MODULE}"], capture_output=True, text=True, check=True
    ).stdout
    path = Path(tempfile.mkdtemp()) / "_old_backend.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location("anyio._core._old_backend", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.register_asyncio_binder(asyncio_backend._bind)
    module.register_fast_path("asyncio", asyncio._get_running_loop, asyncio_backend.backend)
    module.register_fast_path("trio", trio_backend._run_context, trio_backend.backend)
    return module


old = _load_old()


def _ns_per_call(func: Any) -> float:
    start = time.perf_counter()
    for _ in range(CALLS):
        func()
    return (time.perf_counter() - start) / CALLS * 1e9


def compare(label: str) -> None:
    assert old.current_backend() is new.current_backend()
    before, after = [], []
    for _ in range(ROUNDS):
        before.append(_ns_per_call(old.current_backend))
        after.append(_ns_per_call(new.current_backend))
    before.sort()
    after.sort()
    mid = ROUNDS // 2
    print(
        f"{label:34s} before {before[mid]:7.1f} ns  after {after[mid]:7.1f} ns"
        f"  (min {before[0]:.1f} / {after[0]:.1f})"
    )


async def under_anyio_run() -> None:
    with old.running_here(asyncio.get_running_loop()):  # what the old runner recorded
        compare("asyncio under anyio.run()")


async def under_plain_asyncio() -> None:
    compare("asyncio under asyncio.run()")


async def under_trio() -> None:
    compare("trio under anyio.run()")


def main() -> None:
    print(f"Python {sys.version.split()[0]}, {CALLS} calls x {ROUNDS} rounds, median")
    anyio.run(under_anyio_run)
    asyncio.run(under_plain_asyncio())
    anyio.run(under_trio, backend="trio")


if __name__ == "__main__":
    main()

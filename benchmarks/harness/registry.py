"""Workload definitions: one object per benchmark, with its bodies per implementation.

A workload is written once against the public `anyio` API (that body runs unchanged on our
packages and on AnyIO 4.13) plus one "raw twin" per backend, written against asyncio or trio
directly. The raw twin is the baseline of every ratio.

This module is imported both by the runner (any Python, stdlib only, no event loop) and by
the worker inside a benchmark venv, so it must import nothing but the standard library.
Workload modules follow the same rule: they import `anyio` and `trio` inside the bodies, so
that a raw body never imports anyio and the runner can read the catalogue without them.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Mapping

    Body = Callable[[int], Awaitable[None]]

Kind = Literal["time", "memory"]
Impl = Literal["anyio", "raw"]

#: Backends a workload can run on. `uvloop` is asyncio on uvloop's loop: it reuses the
#: asyncio twin, and `anyio.run(..., backend_options={"use_uvloop": True})`.
BACKENDS = ("asyncio", "trio", "uvloop")

#: Which raw twin serves as the baseline on each backend.
RAW_FLAVOUR = {"asyncio": "asyncio", "uvloop": "asyncio", "trio": "trio"}


@dataclass
class Workload:
    """One benchmark: an anyio body and its raw twins.

    Creating a `Workload` registers it; decorate its bodies with `.anyio`, `.asyncio` and
    `.trio`. Every body is `async def body(n: int) -> None` and performs `n` operations
    (spawns, checkpoints, ...): the worker reports seconds per operation, or for a memory
    workload bytes per operation.

    Attributes:
        name: the `--only` key and the table's first column.
        summary: one line for `run.py --list` and the README.
        n: operations per body call (time workloads repeat the call; memory ones make it once).
        quick_n: `n` under `--quick` (default: `n`).
        kind: `"time"` (seconds per op) or `"memory"` (bytes per op, see `sample_memory`).
        unit: what one operation is, for the table ("task", "call", ...).
        targets: the largest acceptable ours/raw ratio per backend; a backend without an
            entry is reported for information only.
        max_rounds: run in at most this many rounds (for slow, near-deterministic ones
            such as memory workloads); default: every round.
    """

    name: str
    summary: str
    n: int
    quick_n: int | None = None
    kind: Kind = "time"
    unit: str = "op"
    targets: Mapping[str, float] = field(default_factory=dict)
    max_rounds: int | None = None
    anyio_body: Body | None = field(default=None, repr=False)
    raw_bodies: dict[str, Body] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        if self.name in REGISTRY:
            raise ValueError(f"two workloads are named {self.name!r}; names must be unique")
        REGISTRY[self.name] = self

    def anyio(self, body: Body) -> Body:
        """Register the body written against the public anyio API (runs on every backend)."""
        self.anyio_body = body
        return body

    def asyncio(self, body: Body) -> Body:
        """Register the raw asyncio twin (the baseline on asyncio and uvloop)."""
        self.raw_bodies["asyncio"] = body
        return body

    def trio(self, body: Body) -> Body:
        """Register the raw trio twin (the baseline on trio)."""
        self.raw_bodies["trio"] = body
        return body

    def backends(self) -> list[str]:
        """Return the backends this workload has a baseline for, in `BACKENDS` order."""
        return [b for b in BACKENDS if RAW_FLAVOUR[b] in self.raw_bodies]

    def body(self, impl: Impl, backend: str) -> Body:
        """Return the body to run for `impl` ("anyio" or "raw") on `backend`."""
        found = self.anyio_body if impl == "anyio" else self.raw_bodies.get(RAW_FLAVOUR[backend])
        if found is None:
            raise LookupError(f"workload {self.name!r} has no {impl} body for {backend}")
        return found

    def size(self, *, quick: bool) -> int:
        """Return the number of operations per body call."""
        return self.quick_n if quick and self.quick_n is not None else self.n


#: Every workload by name, in definition order (filled as workload modules are imported).
REGISTRY: dict[str, Workload] = {}


class _Probe:
    """Process-wide marks a body may set; the worker resets them before each call."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.started: float | None = None
        self.stopped: float | None = None
        self.memory: int | None = None
        self.memory_reader: Callable[[], int] | None = None


PROBE = _Probe()


def start_timer() -> None:
    """Start the clock here: what the body did before this call is not timed.

    Use it to keep setup (creating primitives, spawning helper tasks) out of a time
    workload. Without it the whole body call is timed.
    """
    PROBE.started = time.perf_counter()


def stop_timer() -> None:
    """Stop the clock here: what the body does after this call (teardown) is not timed."""
    PROBE.stopped = time.perf_counter()


def sample_memory() -> None:
    """Record the memory in use now; a memory workload calls this once, at its peak.

    The worker reports (memory at this call - memory before the body) / n.
    """
    if PROBE.memory_reader is None:
        raise RuntimeError("sample_memory() called outside a memory workload")
    PROBE.memory = PROBE.memory_reader()

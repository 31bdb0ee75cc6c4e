"""A/B benchmark of task spawning before and after task handles (issue 16).

``start_soon()`` returns a `TaskHandle` since issue 16. This times three task-group
workloads (``spawn``: 1000 no-op tasks; ``tg_cancel``: 1000 sleeping tasks, then the
group is cancelled; ``start``: 300 ``start()`` calls) on two checkouts of anyio-core:
``--before`` (default: the commit before the handles) and ``--after`` (default: this
checkout). Each measurement is a fresh process whose ``PYTHONPATH`` selects the
checkout; the two alternate round by round, so a slow spell of the machine hits both
alike. It prints the minimum and median per operation and the ratios. Run it with the
development environment's interpreter, from the repository root::

    .hatch/data/env/virtual/test.py3.11/bin/python benchmarks/handles_ab.py --rounds 8

``--workloads spawn,tg_cancel,start,gather`` and ``--backends asyncio,trio,uvloop`` pick
others (``gather``: 1000 coroutines through ``anyio.gather()``, for checkouts that have it).

``--count`` counts CPU instructions per operation under callgrind instead (one process
per checkout with 2 body calls and one with 4, after warm-up, the collector off; the
difference over ``2 * n`` operations): steady on a busy machine, where wall time is not.
It takes about a minute per workload, backend and checkout.

A ``--before`` or ``--after`` that is a git revision is checked out into a temporary
worktree first (and removed afterwards).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BEFORE = "5431e6e"  # the commit before the task handles
WORKLOADS = ("spawn", "tg_cancel", "start")
BACKENDS = ("asyncio", "trio")
#: Also accepted by --workloads / --backends (gather needs a checkout that has it).
ALL_WORKLOADS = (*WORKLOADS, "gather")
ALL_BACKENDS = (*BACKENDS, "uvloop")

# The body each measuring process runs (standard library and the selected anyio only).
BODY = """
import gc, json, sys, time
import anyio, anyio.lowlevel

async def noop(): pass

async def spawn(n):
    async with anyio.create_task_group() as tg:
        for _ in range(n):
            tg.start_soon(noop)

async def tg_cancel(n):
    started = 0
    async def child():
        nonlocal started
        started += 1
        await anyio.sleep_forever()
    async with anyio.create_task_group() as tg:
        for _ in range(n):
            tg.start_soon(child)
        while started < n:
            await anyio.lowlevel.checkpoint()
        tg.cancel_scope.cancel()

async def starter(*, task_status=anyio.TASK_STATUS_IGNORED):
    task_status.started()

async def start(n):
    async with anyio.create_task_group() as tg:
        for _ in range(n):
            await tg.start(starter)

async def value(number):
    return number

async def gather(n):
    await anyio.gather(*[value(i) for i in range(n)])

body, n = {
    "spawn": (spawn, 1000), "tg_cancel": (tg_cancel, 1000), "start": (start, 300),
    "gather": (gather, 1000),
}[sys.argv[1]]

async def measure():
    for _ in range(3):
        await body(n)
    times = []
    deadline = time.perf_counter() + 1.0
    while time.perf_counter() < deadline or len(times) < 10:
        gc.collect()
        began = time.perf_counter()
        await body(n)
        times.append(time.perf_counter() - began)
    times.sort()
    return times[0] / n, times[len(times) // 2] / n

async def count():
    # For --count: a fixed number of calls, with the collector off (callgrind).
    for _ in range(3):
        await body(n)
    gc.collect()
    gc.disable()
    for _ in range(int(sys.argv[3])):
        await body(n)
    gc.enable()
    return 0.0, 0.0

run = measure if len(sys.argv) < 4 else count
if sys.argv[2] == "uvloop":
    low, mid = anyio.run(run, backend="asyncio", backend_options={"use_uvloop": True})
else:
    low, mid = anyio.run(run, backend=sys.argv[2])
print(json.dumps({"min": low, "median": mid, "file": anyio.__file__}))
"""


def _tree(spec: str, scratch: Path) -> Path:
    """Return a checkout for ``spec``: a directory as is, else a worktree of that revision."""
    if Path(spec).is_dir():
        return Path(spec).resolve()
    path = scratch / spec
    subprocess.run(
        ["git", "-C", str(ROOT), "worktree", "add", "-q", "--detach", str(path), spec], check=True
    )
    return path


def _measure(tree: Path, workload: str, backend: str) -> dict[str, float]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(tree / "packages" / "anyio-core" / "src")
    result = subprocess.run(
        [sys.executable, "-c", BODY, workload, backend],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    figures: dict[str, float] = json.loads(result.stdout)
    return figures


def _instructions(tree: Path, workload: str, backend: str, reps: int) -> int:
    """Return the CPU instructions of one process that calls the body ``reps`` times."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(tree / "packages" / "anyio-core" / "src")
    env["PYTHONHASHSEED"] = "0"
    with tempfile.TemporaryDirectory() as scratch:
        result = subprocess.run(
            [
                "valgrind",
                "--tool=callgrind",
                f"--callgrind-out-file={scratch}/out",
                sys.executable,
                "-c",
                BODY,
                workload,
                backend,
                str(reps),
            ],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
    found = re.search(r"Collected : (\d+)", result.stderr)
    if found is None:
        raise RuntimeError(result.stderr[-2000:])
    return int(found.group(1))


def _count(trees: dict[str, Path], workloads: list[str], backends: list[str]) -> None:
    """Print the instructions per operation: runs of 2 and 4 body calls, the difference."""
    for workload in workloads:
        n = {"start": 300}.get(workload, 1000)
        for backend in backends:
            per_op = {}
            for label, tree in trees.items():
                two = _instructions(tree, workload, backend, 2)
                four = _instructions(tree, workload, backend, 4)
                per_op[label] = (four - two) / (2 * n)
            print(
                f"{workload:9s} {backend:7s} instructions per operation: before "
                f"{per_op['before']:,.0f}, after {per_op['after']:,.0f}: "
                f"{per_op['after'] / per_op['before']:.3f}x"
            )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--before", default=BEFORE)
    parser.add_argument("--after", default=str(ROOT))
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--workloads", default=",".join(WORKLOADS), help=", ".join(ALL_WORKLOADS))
    parser.add_argument("--backends", default=",".join(BACKENDS), help=", ".join(ALL_BACKENDS))
    parser.add_argument(
        "--count",
        action="store_true",
        help="count CPU instructions per operation with callgrind instead of timing",
    )
    args = parser.parse_args()
    workloads = [name for name in args.workloads.split(",") if name in ALL_WORKLOADS]
    backends = [name for name in args.backends.split(",") if name in ALL_BACKENDS]
    with tempfile.TemporaryDirectory() as scratch:
        trees = {
            "before": _tree(args.before, Path(scratch)),
            "after": _tree(args.after, Path(scratch)),
        }
        try:
            if args.count:
                _count(trees, workloads, backends)
                return
            results: dict[tuple[str, str, str], list[dict[str, float]]] = {}
            for round_ in range(args.rounds):
                order = ["before", "after"] if round_ % 2 == 0 else ["after", "before"]
                for workload in workloads:
                    for backend in backends:
                        for label in order:
                            figures = _measure(trees[label], workload, backend)
                            results.setdefault((workload, backend, label), []).append(figures)
        finally:
            for path in trees.values():
                if Path(scratch) in path.parents:
                    subprocess.run(
                        ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(path)],
                        check=False,
                    )
    for workload in workloads:
        for backend in backends:
            before = results[(workload, backend, "before")]
            after = results[(workload, backend, "after")]
            low_b = min(f["min"] for f in before)
            low_a = min(f["min"] for f in after)
            ratios = [a["median"] / b["median"] for a, b in zip(after, before, strict=True)]
            print(
                f"{workload:9s} {backend:7s} min before {low_b * 1e6:6.2f} us, after "
                f"{low_a * 1e6:6.2f} us: {low_a / low_b:.3f}x; median of per-round ratios "
                f"{statistics.median(ratios):.3f}x"
            )


if __name__ == "__main__":
    main()

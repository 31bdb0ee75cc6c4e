"""Count CPU instructions per operation of a workload with callgrind: steadier than wall time.

Runs the workload's body under ``valgrind --tool=callgrind`` inside one event loop run, after
two warm-up calls and with the garbage collector off, once with 2 calls of the body and once
with 4; the difference of the two totals over ``2 * n`` operations is what one operation
costs, with start-up, imports and warm-up cancelled out. Instruction counts do not depend on
the machine's load, so two builds can be compared on a busy machine. Run it from the
repository root with a benchmark venv's interpreter (``benchmarks/run.py`` builds them), for
example the build of a commit against stop 10::

    python3 benchmarks/count_instructions.py --python .bench/ref-e0502ce3f44e/bin/python \\
        checkpoint uvloop anyio 2000

``IMPL`` is ``anyio`` or ``raw`` (the asyncio or Trio twin). Other helpers' edits of an
editable install between the two runs (a recompiled module) show up as noise: use the
non-editable venvs.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent

# What the measured interpreter runs: WORKLOAD BACKEND IMPL N REPS.
BODY = """
import gc, sys
sys.path.insert(0, sys.argv[1])
from harness.registry import REGISTRY
import workloads
workloads.load_all()
name, backend, impl, n, reps = sys.argv[2:5] + [int(sys.argv[5]), int(sys.argv[6])]
body = REGISTRY[name].body(impl, backend)

async def main():
    await body(max(n, 1))
    await body(max(n, 1))
    gc.collect()
    gc.disable()
    for _ in range(reps):
        await body(n)
    gc.enable()

if impl == "raw" and backend == "trio":
    import trio
    trio.run(main)
elif impl == "raw":
    import asyncio
    factory = None
    if backend == "uvloop":
        import uvloop
        factory = uvloop.new_event_loop
    with asyncio.Runner(loop_factory=factory) as runner:
        runner.run(main())
else:
    import anyio
    options = {"use_uvloop": True} if backend == "uvloop" else {}
    anyio.run(main, backend="trio" if backend == "trio" else "asyncio", backend_options=options)
"""


def _total(python: str, args: list[str], reps: int) -> int:
    with tempfile.TemporaryDirectory() as scratch:
        script = Path(scratch) / "body.py"
        script.write_text(BODY)
        proc = subprocess.run(
            [
                "valgrind",
                "--tool=callgrind",
                f"--callgrind-out-file={scratch}/out",
                python,
                str(script),
                str(HERE),
                *args,
                str(reps),
            ],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": "0"},
        )
    found = re.search(r"Collected : (\d+)", proc.stderr)
    if found is None:
        raise RuntimeError(proc.stderr[-2000:])
    return int(found.group(1))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python", default=sys.executable, help="the interpreter to measure")
    parser.add_argument("workload")
    parser.add_argument("backend", choices=("asyncio", "uvloop", "trio"))
    parser.add_argument("impl", choices=("anyio", "raw"))
    parser.add_argument("n", type=int, help="operations per body call")
    args = parser.parse_args()
    run_args = [args.workload, args.backend, args.impl, str(args.n)]
    two, four = _total(args.python, run_args, 2), _total(args.python, run_args, 4)
    print(f"{args.workload} {args.backend} {args.impl}: {(four - two) / (2 * args.n):,.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

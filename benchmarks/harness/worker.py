"""Run one workload in this process and print one JSON line: the measurement.

Started by the runner inside a benchmark venv, as
`python -m harness.worker WORKLOAD BACKEND IMPL --n N --budget SECONDS` with the
benchmarks folder as working directory. `IMPL` is `anyio` (whatever `anyio` this venv has)
or `raw` (the asyncio or trio twin; it never imports anyio).

Time workloads: warm up (at least two calls and a fifth of the budget), then call the body
again and again until the budget is spent (3 to 500 calls), each call timed on its own
after a `gc.collect()`. The result is the median and the minimum of seconds per operation.

Memory workloads: one small warm-up call (imports and caches), then `tracemalloc` is started
and the body called once; it calls `sample_memory()` at its peak, which also stops tracing
(teardown is not measured). The result is bytes per operation: traced memory at the sample
minus traced memory before the call, divided by n. Why tracemalloc: see the README.
"""

from __future__ import annotations

import argparse
import gc
import importlib.metadata
import json
import statistics
import sys
import time
import tracemalloc
from typing import TYPE_CHECKING, Any

from harness.registry import BACKENDS, PROBE, REGISTRY, Workload

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from harness.registry import Body

MIN_REPS = 3
MAX_REPS = 500
MEMORY_WARMUP_N = 1000


def _traced_memory() -> int:
    gc.collect()
    return tracemalloc.get_traced_memory()[0]


def _traced_memory_then_stop() -> int:
    # Tearing 100,000 tasks down under tracemalloc takes seconds and measures nothing.
    current = _traced_memory()
    tracemalloc.stop()
    return current


async def _timed_call(body: Body, n: int) -> float:
    """Call the body once; return seconds per operation (honouring start/stop_timer)."""
    gc.collect()
    PROBE.reset()
    begin = time.perf_counter()
    await body(n)
    end = time.perf_counter()
    begin = PROBE.started if PROBE.started is not None else begin
    end = PROBE.stopped if PROBE.stopped is not None else end
    return (end - begin) / n


async def measure_time(body: Body, n: int, budget: float) -> dict[str, Any]:
    """Warm up, then time as many calls as fit in `budget` seconds."""
    warm: list[float] = []
    warm_until = time.perf_counter() + budget / 5
    while len(warm) < 2 or time.perf_counter() < warm_until:
        warm.append(await _timed_call(body, n))
    per_call = min(warm[-3:]) * n
    reps = max(MIN_REPS, min(MAX_REPS, int(budget / max(per_call, 1e-9))))
    samples = [await _timed_call(body, n) for _ in range(reps)]
    return {
        "value": statistics.median(samples),
        "min": min(samples),
        "reps": reps,
        "warmup_calls": len(warm),
    }


async def measure_memory(body: Body, n: int) -> dict[str, Any]:
    """Warm up once, then trace the memory that one call of the body holds at its peak."""
    PROBE.reset()
    PROBE.memory_reader = _traced_memory
    await body(min(n, MEMORY_WARMUP_N))
    tracemalloc.start()
    try:
        PROBE.reset()
        PROBE.memory_reader = _traced_memory_then_stop
        before = _traced_memory()
        await body(n)
        if PROBE.memory is None:
            raise RuntimeError("the memory workload never called sample_memory()")
        return {"value": (PROBE.memory - before) / n, "min": None, "reps": 1}
    finally:
        tracemalloc.stop()
        PROBE.reset()


def _run_raw(backend: str, main: Callable[[], Awaitable[dict[str, Any]]]) -> dict[str, Any]:
    if backend == "trio":
        import trio

        return trio.run(main)

    import asyncio

    async def as_coroutine() -> dict[str, Any]:
        return await main()

    loop_factory = None
    if backend == "uvloop":
        import uvloop

        loop_factory = uvloop.new_event_loop
    with asyncio.Runner(debug=False, loop_factory=loop_factory) as runner:
        return runner.run(as_coroutine())


def _run_anyio(backend: str, main: Callable[[], Awaitable[dict[str, Any]]]) -> dict[str, Any]:
    import anyio

    if backend == "uvloop":
        return anyio.run(main, backend="asyncio", backend_options={"use_uvloop": True})
    return anyio.run(main, backend=backend)


def _check_event_loop(backend: str) -> str:
    """Fail unless we run on the event loop `backend` names, without debug mode; name it."""
    if backend == "trio":
        import trio

        trio.lowlevel.current_task()  # raises RuntimeError outside trio.run()
        return "trio"
    import asyncio

    loop = asyncio.get_running_loop()
    name = f"{type(loop).__module__}.{type(loop).__qualname__}"
    if (backend == "uvloop") != name.startswith("uvloop"):
        raise RuntimeError(f"expected the {backend} event loop, running on {name}")
    if loop.get_debug():
        raise RuntimeError("the event loop is in debug mode; benchmarks need it off")
    return name


def _version(dist: str) -> str | None:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return None


def _environment(impl: str, backend: str) -> dict[str, Any]:
    """Say what ran: the interpreter, the backend library and, for anyio, which anyio."""
    env: dict[str, Any] = {"python": sys.version.split()[0]}
    if backend == "trio":
        env["trio"] = _version("trio")
    if backend == "uvloop":
        env["uvloop"] = _version("uvloop")
    if impl == "anyio":
        anyio = sys.modules.get("anyio")
        env["anyio_file"] = getattr(anyio, "__file__", None)
        env["anyio_dist"] = next(
            (f"{d}=={v}" for d in ("anyio", "anyio-core") if (v := _version(d))), None
        )
    return env


def _describe(exc: BaseException) -> str:
    """One line for the results table: the first leaf of an exception group, with its type."""
    while isinstance(exc, BaseExceptionGroup) and exc.exceptions:
        exc = exc.exceptions[0]
    text = f"{type(exc).__name__}: {exc}".strip().rstrip(":")
    return text.splitlines()[0][:300] if text else type(exc).__name__


def measure(workload: Workload, impl: str, backend: str, n: int, budget: float) -> dict[str, Any]:
    """Run `workload` with `impl` on `backend` and return the measurement."""
    body = workload.body("anyio" if impl == "anyio" else "raw", backend)

    async def main() -> dict[str, Any]:
        loop = _check_event_loop(backend)
        result = await (
            measure_memory(body, n) if workload.kind == "memory" else measure_time(body, n, budget)
        )
        result["loop"] = loop
        return result

    runner = _run_anyio if impl == "anyio" else _run_raw
    result = runner(backend, main)
    result.update(n=n, env={**_environment(impl, backend), "loop": result.pop("loop")})
    return result


def main(argv: list[str] | None = None) -> int:
    """Parse the command line, measure, print one JSON line; exit 1 on any error."""
    parser = argparse.ArgumentParser(prog="python -m harness.worker")
    parser.add_argument("workload")
    parser.add_argument("backend", choices=BACKENDS)
    parser.add_argument("impl", choices=("anyio", "raw"))
    parser.add_argument("--n", type=int, required=True)
    parser.add_argument("--budget", type=float, default=0.25, help="seconds of timed calls")
    args = parser.parse_args(argv)

    import workloads

    workloads.load_all()
    try:
        result = measure(REGISTRY[args.workload], args.impl, args.backend, args.n, args.budget)
    except BaseException as exc:
        print(json.dumps({"ok": False, "error": _describe(exc)}), flush=True)
        import traceback

        traceback.print_exc()
        return 1
    print(json.dumps({"ok": True, **result}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

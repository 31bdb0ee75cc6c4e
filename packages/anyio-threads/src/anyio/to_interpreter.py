"""Run synchronous functions in worker subinterpreters (Python 3.13+).

A subinterpreter has its own GIL, so CPU-bound Python code run in one proceeds in parallel
with the event loop and with other subinterpreters, at a fraction of a process's cost. Each
call runs in a worker thread (`anyio.to_thread.run_sync()`) that drives an idle worker
interpreter, or a new one; the worker goes back to the pool of this event loop afterwards.
Workers left idle for `MAX_IDLE_SECONDS` are destroyed at the next call, the rest when the
event loop run ends (and any left at interpreter exit). The machinery is in
`anyio._threads._interpreters`.
"""

from __future__ import annotations

import atexit
import os
import sys
import threading
from collections import deque
from contextvars import Context
from typing import TYPE_CHECKING, Any, TypeVar

from . import BrokenWorkerInterpreter, current_time, to_thread
from ._core.contract import current_backend
from ._threads._interpreters import Worker, call, check_supported, create_worker
from .lowlevel import RunVar

if sys.version_info >= (3, 11):
    from typing import TypeVarTuple, Unpack
else:
    from typing_extensions import TypeVarTuple, Unpack

if TYPE_CHECKING:
    from collections.abc import Callable

    from . import CapacityLimiter
    from ._core.contract import Backend

__all__ = ("current_default_interpreter_limiter", "run_sync")

T_Retval = TypeVar("T_Retval")
PosArgsT = TypeVarTuple("PosArgsT")

#: The default limiter's size when `os.cpu_count()` cannot tell.
DEFAULT_CPU_COUNT = 8
#: Idle workers older than this (seconds) are destroyed at the next call.
MAX_IDLE_SECONDS = 30.0

_default_limiter: RunVar[CapacityLimiter] = RunVar("anyio default interpreter limiter")
# Invariant: touched on the event loop thread only; most recently used worker last.
_idle_workers: RunVar[deque[Worker]] = RunVar("anyio idle worker interpreters")

# Every worker not yet closed, whatever its loop, so that none outlives the process (Python
# complains at exit about subinterpreters left running). Workers are created in worker
# threads, hence the lock.
_live_workers: set[Worker] = set()
_live_lock = threading.Lock()


async def run_sync(
    func: Callable[[Unpack[PosArgsT]], T_Retval],
    *args: Unpack[PosArgsT],
    limiter: CapacityLimiter | None = None,
) -> T_Retval:
    """Call `func(*args)` in a worker subinterpreter and return its result.

    The function and its arguments are pickled to reach the subinterpreter, and the result
    (or exception) is pickled to come back: use a module-level function of an importable
    module (not a lambda, a closure or a function defined in `__main__`) and picklable
    values. The subinterpreter imports that module itself; it shares no objects and no
    module state with the caller. Its own GIL lets CPU-bound code run in parallel.

    The call cannot be interrupted: if the caller is cancelled meanwhile, the function
    still completes, and the cancellation is raised afterwards.

    Args:
        func: a picklable synchronous callable.
        *args: picklable positional arguments for it.
        limiter: the capacity limiter that bounds concurrent calls, and so the number of
            worker interpreters busy at once (default:
            `current_default_interpreter_limiter()`).

    Returns:
        What `func` returned.

    Raises:
        RuntimeError: on Python < 3.13, which has no subinterpreter support.
        BrokenWorkerInterpreter: if the worker interpreter crashed instead of answering.
        Exception: whatever `func` raised (with the subinterpreter's traceback as a note),
            or the error pickling the call.

    Example:
        ```python
        digest = await anyio.to_interpreter.run_sync(hashlib.sha256, data)
        ```
    """
    check_supported()
    if limiter is None:
        limiter = current_default_interpreter_limiter()
    idle = _idle_pool()
    stale = _take_stale(idle)
    worker = idle.pop() if idle else None
    try:
        used, ok, value = await to_thread.run_sync(
            _run_in_thread, worker, stale, func, args, limiter=limiter
        )
    except BaseException:
        # Cancelled before the thread started (or the worker could not be created, or
        # crashed: then it is closed already and not returned).
        idle.extendleft(reversed([w for w in stale if not w.closed]))
        if worker is not None and not worker.closed:
            idle.append(worker)
        raise
    used.last_used = current_time()
    idle.append(used)
    if ok:
        result: T_Retval = value
        return result
    try:
        raise value
    finally:
        del value


def _take_stale(idle: deque[Worker]) -> list[Worker]:
    """Remove and return the workers that have been idle for too long (oldest first)."""
    deadline = current_time() - MAX_IDLE_SECONDS
    stale = []
    while idle and idle[0].last_used < deadline:
        stale.append(idle.popleft())
    return stale


def _run_in_thread(
    worker: Worker | None, stale: list[Worker], func: Any, args: tuple[Any, ...]
) -> tuple[Worker, bool, Any]:
    """Close the stale workers, then run the call in `worker` or a new one (worker thread).

    Returns the worker used, and the outcome: `(True, result)` or `(False, exception)`.
    A crashed worker's `BrokenWorkerInterpreter` is raised (the worker is closed).
    """
    for old in stale:
        _close(old)
    if worker is None:
        worker = create_worker()
        with _live_lock:
            _live_workers.add(worker)
    try:
        return worker, True, call(worker, func, args)
    except BrokenWorkerInterpreter:
        _close(worker)
        raise
    except BaseException as exc:
        return worker, False, exc


def _close(worker: Worker) -> None:
    with _live_lock:
        _live_workers.discard(worker)
    worker.close()


@atexit.register
def _close_all() -> None:
    with _live_lock:
        workers = list(_live_workers)
    for worker in workers:
        _close(worker)


def _idle_pool() -> deque[Worker]:
    try:
        return _idle_workers.get()
    except LookupError:
        idle: deque[Worker] = deque()
        _idle_workers.set(idle)
        backend = current_backend()
        # From an empty context, so that the system task keeps no caller's values alive.
        Context().run(backend.spawn_system_task, _close_at_run_end, backend, idle)
        return idle


async def _close_at_run_end(backend: Backend, idle: deque[Worker]) -> None:
    """Destroy the loop's idle workers when its run ends (its system tasks are cancelled)."""
    try:
        await backend.sleep_forever()
    finally:
        while idle:
            _close(idle.pop())


def current_default_interpreter_limiter() -> CapacityLimiter:
    """Return the capacity limiter that bounds `run_sync()` calls of this event loop.

    It has as many tokens as the machine has CPUs (8 if that is unknown); change
    `total_tokens` to allow more or fewer worker interpreters at once. Each event loop run
    has its own.
    """
    try:
        return _default_limiter.get()
    except LookupError:
        from . import CapacityLimiter

        limiter = CapacityLimiter(os.cpu_count() or DEFAULT_CPU_COUNT)
        _default_limiter.set(limiter)
        return limiter

"""Run functions in worker processes (the anyio-process distribution).

`run_sync` pickles a function and its arguments, runs them in a worker
process and returns the result (or raises the exception) in the caller.
Workers are reused, and retire after `WORKER_MAX_IDLE_TIME` seconds idle;
how they talk to the parent is described in ``anyio._process._worker``.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, TypeVar

from anyio import CancelScope, CapacityLimiter, WouldBlock
from anyio._process import _worker
from anyio.lowlevel import RunVar, checkpoint_if_cancelled

if sys.version_info >= (3, 11):
    from typing import TypeVarTuple, Unpack
else:
    from typing_extensions import TypeVarTuple, Unpack

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ("current_default_process_limiter", "process_worker", "run_sync")

T_Retval = TypeVar("T_Retval")
PosArgsT = TypeVarTuple("PosArgsT")

#: Seconds a worker process may stay idle before it is retired (read at each call).
WORKER_MAX_IDLE_TIME = 300.0

_default_limiter: RunVar[CapacityLimiter] = RunVar("anyio default process limiter")


async def run_sync(
    func: Callable[[Unpack[PosArgsT]], T_Retval],
    *args: Unpack[PosArgsT],
    cancellable: bool = False,
    limiter: CapacityLimiter | None = None,
) -> T_Retval:
    """Call ``func(*args)`` in a worker process and return its result.

    The function and its arguments are pickled, so the function must be
    importable by name (a module-level function, also one defined in the
    program's main script) and the arguments, the return value and any
    exception must be picklable. The worker's stdout is discarded; its
    stderr is this process's.

    Args:
        func: the function to call.
        *args: positional arguments for it.
        cancellable: if True, cancelling the call kills the worker (the
            function's work is lost); if False (the default), the caller
            waits for the function to finish even when cancelled.
        limiter: bounds how many calls run at once (default:
            `current_default_process_limiter()`).

    Returns:
        What ``func`` returned.

    Raises:
        pickle.PicklingError: if the function, an argument or the result
            could not be pickled (the message says which).
        BrokenWorkerProcess: if the worker process died during the call.
    """
    request = _worker.pickle_call(func, args)
    if limiter is None:
        limiter = current_default_process_limiter()
    # The exchange with the worker is this call's schedule point, so a free token is
    # taken without the extra yield of `async with limiter`; a cancelled caller still
    # never reaches a worker.
    await checkpoint_if_cancelled()
    try:
        limiter.acquire_nowait()
    except WouldBlock:
        await limiter.acquire()
    try:
        pool = _worker.current_pool()
        with CancelScope(shield=not cancellable):
            worker = await pool.take(WORKER_MAX_IDLE_TIME)
            try:
                ok, value = await worker.call(request)
            except BaseException:
                await pool.discard(worker)
                raise
            pool.give_back(worker)
    finally:
        limiter.release()
    if not ok:
        raise value
    return value  # type: ignore[no-any-return]  # unpickled: the caller's T_Retval


def current_default_process_limiter() -> CapacityLimiter:
    """Return the capacity limiter that `run_sync` uses by default.

    It has one token per CPU (``os.cpu_count()``) and belongs to the running
    event loop.
    """
    try:
        return _default_limiter.get()
    except LookupError:
        limiter = CapacityLimiter(os.cpu_count() or 2)
        _default_limiter.set(limiter)
        return limiter


def process_worker() -> None:
    """Serve `run_sync` requests over stdin/stdout; the main function of a worker process.

    Not for calling yourself: `run_sync` starts workers that run it.
    """
    _worker.worker_main()

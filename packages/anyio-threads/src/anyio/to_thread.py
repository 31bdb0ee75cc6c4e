"""Run synchronous functions in worker threads without blocking the event loop."""

from __future__ import annotations

import sys
import types
import warnings
from contextvars import copy_context
from functools import partial
from inspect import CO_COROUTINE, iscoroutine, iscoroutinefunction
from typing import TYPE_CHECKING, TypeVar

from . import WouldBlock
from ._core.contract import clock_busy, current_backend
from ._threads._job import Job, limiters_held
from ._threads._pool import current_pool
from .lowlevel import RunVar

if sys.version_info >= (3, 11):
    from typing import TypeVarTuple, Unpack
else:
    from typing_extensions import TypeVarTuple, Unpack

if TYPE_CHECKING:
    from collections.abc import Callable

    from . import CapacityLimiter

__all__ = ("current_default_thread_limiter", "run_sync")

T_Retval = TypeVar("T_Retval")
PosArgsT = TypeVarTuple("PosArgsT")

DEFAULT_THREAD_LIMIT = 40
_default_limiter: RunVar[CapacityLimiter] = RunVar("anyio default thread limiter")


async def run_sync(
    func: Callable[[Unpack[PosArgsT]], T_Retval],
    *args: Unpack[PosArgsT],
    abandon_on_cancel: bool = False,
    cancellable: bool | None = None,
    limiter: CapacityLimiter | None = None,
) -> T_Retval:
    """Call ``func(*args)`` in a worker thread and return its result.

    The event loop keeps running other tasks meanwhile. The function sees a
    copy of the caller's context variables (a fresh copy for each call).

    Args:
        func: a synchronous callable.
        *args: positional arguments for it.
        abandon_on_cancel: if ``False`` (default), cancelling the caller waits
            for the function to return, and the cancellation takes effect
            afterwards; if ``True``, the caller is released at once and the
            function's eventual result is discarded.
        cancellable: deprecated alias of ``abandon_on_cancel``.
        limiter: the capacity limiter that bounds concurrent calls (default:
            `current_default_thread_limiter()`).

    Returns:
        What ``func`` returned.

    Raises:
        TypeError: if ``func`` is an async function, or ``limiter`` is not a
            capacity limiter.
        Exception: whatever ``func`` raised, with its traceback.
    """
    if cancellable is not None:
        warnings.warn(
            "The `cancellable=` keyword argument to `anyio.to_thread.run_sync` is "
            "deprecated since AnyIO 4.1.0; use `abandon_on_cancel=` instead",
            DeprecationWarning,
            stacklevel=2,
        )
        abandon_on_cancel = cancellable
    call = _checked(func)
    backend = current_backend()
    pool = current_pool(backend)
    if limiter is None:
        limiter = pool.default_limiter
        if limiter is None:  # the run's first call (one RunVar lookup less after it)
            limiter = pool.default_limiter = current_default_thread_limiter()
    elif not callable(getattr(limiter, "acquire_nowait", None)):
        raise TypeError(
            f"The limiter argument must be a CapacityLimiter (or None for the default "
            f"one), not {type(limiter).__name__} {limiter!r}"
        )
    # Waiting for the thread is this call's schedule point, so a free token is
    # taken without the extra yield of `async with limiter`; a cancelled caller
    # still never starts the function.
    await backend.checkpoint_if_cancelled()
    held = limiters_held.get()
    borrower = _NestedCall() if limiter in held else None
    if borrower is None:
        try:
            limiter.acquire_nowait()
        except WouldBlock:
            await limiter.acquire()
    else:
        await _acquire_nested(limiter, borrower)
    try:
        job = Job(
            backend,
            backend.current_native_token(),
            call,
            args,
            copy_context(),
            not abandon_on_cancel,
        )
        job.limiters = held, limiter
        with clock_busy():  # a virtual clock does not jump while the thread works
            ok, value = await job.serve(pool.submit)
    finally:
        if borrower is None:
            limiter.release()
        else:
            limiter.release_on_behalf_of(borrower)
    if ok:
        result: T_Retval = value
        return result
    try:
        raise value
    finally:
        del value


# A `from_thread.run()` call runs in the task that waits for the thread (the
# host, see `._threads._job`), not in a task of its own as in AnyIO. When it calls
# `run_sync()` again (asyncer's `syncify()`/`asyncify()` nest this way), the host
# already borrows a token of the same limiter, and borrowing as the current task
# would fail with "already holding". Such a nested call borrows as a `_NestedCall`
# of its own instead, as AnyIO's separate task would. The context a host runs a
# `from_thread` call in records the limiters it holds (`limiters_held`).


class _NestedCall:
    """The borrower of a `run_sync()` called from a `from_thread` call."""

    __slots__ = ()


async def _acquire_nested(limiter: CapacityLimiter, borrower: _NestedCall) -> None:
    try:
        limiter.acquire_on_behalf_of_nowait(borrower)
    except WouldBlock:
        await limiter.acquire_on_behalf_of(borrower)


def _async_function_message(func: object) -> str:
    name = getattr(func, "__qualname__", None) or repr(func)
    return (
        f"to_thread.run_sync() expects a synchronous function, but {name} is "
        f"asynchronous; pass a synchronous function, or await the async one directly"
    )


def _checked(func: Callable[..., T_Retval]) -> Callable[..., T_Retval]:
    """Refuse an async function; wrap ``func`` if it might hide one (a callable object).

    `inspect.iscoroutinefunction()` in short for the usual kinds of callable
    (it costs several calls per `run_sync()`): a builtin (a file's bound
    ``read``) is never async, and a plain function or method is async if its
    code is a coroutine's, unless `inspect.markcoroutinefunction()` marked it.
    """
    kind = type(func)
    if kind is _BUILTIN:
        return func
    plain = func.__func__ if kind is _METHOD else func  # type: ignore[attr-defined]  # a bound method here
    if type(plain) is _FUNCTION and not hasattr(plain, "_is_coroutine_marker"):
        if plain.__code__.co_flags & CO_COROUTINE:
            raise TypeError(_async_function_message(func))
        return func
    if iscoroutinefunction(func):
        raise TypeError(_async_function_message(func))
    if kind is _FUNCTION or kind is _METHOD:
        return func
    return partial(_call_sync, func)


_BUILTIN, _FUNCTION, _METHOD = types.BuiltinFunctionType, types.FunctionType, types.MethodType


def _call_sync(func: Callable[..., T_Retval], *args: object) -> T_Retval:
    # Runs in the worker thread: a callable that returned a coroutine was async
    # after all (a partial of one, or an object with an async __call__).
    result = func(*args)
    if iscoroutine(result):
        result.close()  # never awaited, and no warning about it
        raise TypeError(_async_function_message(func))
    return result


def current_default_thread_limiter() -> CapacityLimiter:
    """Return the capacity limiter that bounds worker threads of this event loop.

    It starts with 40 tokens; change ``total_tokens`` to allow more or fewer
    concurrent `run_sync()` calls. Each event loop run has its own.
    """
    try:
        return _default_limiter.get()
    except LookupError:
        from . import CapacityLimiter

        limiter = CapacityLimiter(DEFAULT_THREAD_LIMIT)
        _default_limiter.set(limiter)
        return limiter

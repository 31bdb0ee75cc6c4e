"""Call back into the event loop from worker threads and other foreign threads.

From a worker thread started by `anyio.to_thread.run_sync`, `run()` and
`run_sync()` find their event loop by themselves. From any other thread,
pass ``token=anyio.lowlevel.current_token()`` (taken in the loop beforehand),
or use a `BlockingPortal`.
"""

from __future__ import annotations

import sys
from contextvars import copy_context
from inspect import iscoroutinefunction
from typing import TYPE_CHECKING, Any, TypeVar

from . import NoEventLoopError
from ._core.contract import current_backend
from ._threads._job import Request, not_sync_message
from ._threads._pool import thread_state
from ._threads._portal import BlockingPortal
from ._threads._portal_thread import BlockingPortalProvider, start_blocking_portal

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable
    from contextvars import ContextVar

    from .lowlevel import EventLoopToken

if sys.version_info >= (3, 11):
    from typing import TypeVarTuple, Unpack
else:
    from typing_extensions import TypeVarTuple, Unpack

__all__ = (
    "BlockingPortal",
    "BlockingPortalProvider",
    "check_cancelled",
    "run",
    "run_sync",
    "start_blocking_portal",
)

_sniffio_cvar: ContextVar[str | None] | None
try:
    from sniffio import current_async_library_cvar as _sniffio_cvar
except ImportError:  # sniffio is optional
    _sniffio_cvar = None

T_Retval = TypeVar("T_Retval")
PosArgsT = TypeVarTuple("PosArgsT")

#: AnyIO's words; code compares the message, so no detail is added to it.
_NO_WORKER_NO_TOKEN = (
    "Not running inside an AnyIO worker thread, and no event loop token was provided"
)
_IN_LOOP_THREAD = (
    "This function cannot be called from the event loop thread it would call into "
    "(it would wait for itself); await the function directly instead"
)


def _call(
    func: Callable[..., Any], args: tuple[Any, ...], token: EventLoopToken | None, is_async: bool
) -> Any:
    """Send a call to the loop and wait for its outcome.

    From a worker thread without a token, the call goes to the task waiting for
    the thread (its host), which runs it inside its cancel scopes; with a token,
    it runs in a system task (or a loop callback, for a sync function).
    """
    job = thread_state.job if token is None else None
    if job is not None:  # a worker thread never runs the loop of its own job
        backend, native_token = job.backend, job.native_token
    elif token is not None:
        backend, native_token = token.backend, token.native_token
        _refuse_own_loop_thread(native_token)
    else:
        raise NoEventLoopError(_NO_WORKER_NO_TOKEN)
    context = copy_context()
    if _sniffio_cvar is not None:
        # Whatever the thread set, code running in the loop is in the backend's library.
        context.run(_sniffio_cvar.set, backend.name)
    request = Request(func, args, context, is_async)
    if job is not None:
        backend.run_sync_soon(native_token, job.deliver, request)
    else:
        backend.run_sync_soon(native_token, request.run_detached, backend)
    return request.wait()


def _refuse_own_loop_thread(native_token: object) -> None:
    """Refuse a call into the loop that runs in this very thread.

    A thread that runs an event loop of its own (a plain ``asyncio.run()``,
    say) may call into another loop, as in AnyIO; calling into the loop that
    runs in this thread would wait for itself forever.
    """
    try:
        running = current_backend()
    except NoEventLoopError:
        return
    if running.current_native_token() is native_token:
        raise NoEventLoopError(_IN_LOOP_THREAD)


def run(
    func: Callable[[Unpack[PosArgsT]], Awaitable[T_Retval]],
    *args: Unpack[PosArgsT],
    token: EventLoopToken | None = None,
) -> T_Retval:
    """Run an async function in the event loop and wait for its result.

    From a worker thread of `anyio.to_thread.run_sync`, the function runs in
    the task that called ``run_sync()``, inside its cancel scopes: cancelling
    one of them, or a deadline, cancels the function at its next checkpoint
    (unless that call passed ``abandon_on_cancel=True``). It sees the worker
    thread's context variables either way.

    Args:
        func: the async function.
        *args: positional arguments for it.
        token: the loop to run it in (needed outside anyio's worker threads).

    Raises:
        NoEventLoopError: outside a worker thread without a token, or when
            called from the thread of the event loop it would call into.
        RunFinishedError: if the event loop has finished.
    """
    result: T_Retval = _call(func, args, token, is_async=True)
    return result


def run_sync(
    func: Callable[[Unpack[PosArgsT]], T_Retval],
    *args: Unpack[PosArgsT],
    token: EventLoopToken | None = None,
) -> T_Retval:
    """Run a synchronous function in the event loop thread and wait for its result.

    From a worker thread, it runs in the task that called
    `anyio.to_thread.run_sync`, as `run()` does.

    Args:
        func: the function.
        *args: positional arguments for it.
        token: the loop to run it in (needed outside anyio's worker threads).

    Raises:
        TypeError: if ``func`` is an async function (or returns a coroutine):
            use `run()` for those.
        NoEventLoopError: outside a worker thread without a token, or when
            called from the thread of the event loop it would call into.
        RunFinishedError: if the event loop has finished.
    """
    if iscoroutinefunction(func):
        raise TypeError(not_sync_message(func))
    result: T_Retval = _call(func, args, token, is_async=False)
    return result


def check_cancelled() -> None:
    """Raise the cancellation exception if the task waiting for this worker thread
    has been cancelled.

    Lets a long-running function in `anyio.to_thread.run_sync` stop early. In a
    thread abandoned by its cancelled caller (``abandon_on_cancel=True``), it raises too.

    Raises:
        NoEventLoopError: when not called from an anyio worker thread.
    """
    job = thread_state.job
    if job is None:
        raise NoEventLoopError("This function can only be called inside an AnyIO worker thread")
    backend = job.backend
    if job.host_gone:
        if job.cancelled:
            raise backend.make_cancelled()
        return
    scope = job.scope
    if scope is not None and backend.cancelled_outside(scope):
        raise backend.make_cancelled()


for _cls in (BlockingPortal, BlockingPortalProvider):
    _cls.__module__ = __name__
start_blocking_portal.__module__ = __name__

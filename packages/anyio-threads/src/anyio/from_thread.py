"""Call back into the event loop from worker threads and other foreign threads.

From a worker thread started by `anyio.to_thread.run_sync`, `run()` and
`run_sync()` find their event loop by themselves. From any other thread,
pass ``token=anyio.lowlevel.current_token()`` (taken in the loop beforehand),
or use a `BlockingPortal`.
"""

from __future__ import annotations

import sys
from concurrent.futures import Future
from contextvars import copy_context
from functools import partial
from typing import TYPE_CHECKING, TypeVar

from ._core._backend import Backend, current_backend
from ._core._exceptions import NoEventLoopError
from ._threads._pool import thread_state
from ._threads._portal import BlockingPortal, BlockingPortalProvider, start_blocking_portal

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable
    from contextvars import ContextVar

    from ._core._lowlevel import EventLoopToken

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


def _target(token: EventLoopToken | None) -> tuple[Backend, object]:
    """Find the loop to call into, refusing calls from that loop's own thread.

    A thread that runs an event loop of its own (a plain ``asyncio.run()``,
    say) may call into another loop, as in AnyIO; calling into the loop that
    runs in this very thread would wait for itself forever.
    """
    try:
        running: Backend | None = current_backend()
    except NoEventLoopError:
        running = None
    if token is not None:
        backend: Backend = token.backend
        native_token = token.native_token
    else:
        worker_backend: Backend | None = getattr(thread_state, "backend", None)
        if worker_backend is None:
            if running is not None:
                raise RuntimeError(_IN_LOOP_THREAD)
            raise NoEventLoopError(
                "Not running in an anyio worker thread, and no token was given; pass "
                "token=anyio.lowlevel.current_token() taken in the event loop"
            )
        backend, native_token = worker_backend, thread_state.native_token
    if running is not None and running.current_native_token() is native_token:
        raise RuntimeError(_IN_LOOP_THREAD)
    return backend, native_token


_IN_LOOP_THREAD = (
    "This function can only be called from a worker thread or a foreign thread, "
    "not from the event loop thread it would call into (await the function directly)"
)


def run(
    func: Callable[[Unpack[PosArgsT]], Awaitable[T_Retval]],
    *args: Unpack[PosArgsT],
    token: EventLoopToken | None = None,
) -> T_Retval:
    """Run an async function in the event loop and wait for its result.

    Args:
        func: the async function.
        *args: positional arguments for it.
        token: the loop to run it in (needed outside anyio's worker threads).

    Raises:
        RuntimeError: if called from an event loop thread.
        NoEventLoopError: outside a worker thread without a token.
        RunFinishedError: if the event loop has finished.
    """
    backend, native = _target(token)
    future: Future[T_Retval] = Future()
    context = copy_context()

    async def call() -> None:
        if not future.set_running_or_notify_cancel():
            return
        try:
            result = await func(*args)
        except BaseException as exc:
            future.set_exception(exc)
            if not isinstance(exc, Exception):
                raise
        else:
            future.set_result(result)

    backend.run_sync_soon(native, partial(backend.spawn_system_task, call, context=context))
    return future.result()


def run_sync(
    func: Callable[[Unpack[PosArgsT]], T_Retval],
    *args: Unpack[PosArgsT],
    token: EventLoopToken | None = None,
) -> T_Retval:
    """Run a synchronous function in the event loop thread and wait for its result.

    Args:
        func: the function.
        *args: positional arguments for it.
        token: the loop to run it in (needed outside anyio's worker threads).

    Raises:
        RuntimeError: if called from an event loop thread.
        NoEventLoopError: outside a worker thread without a token.
        RunFinishedError: if the event loop has finished.
    """
    backend, native = _target(token)
    future: Future[T_Retval] = Future()
    context = copy_context()

    def call() -> None:
        if not future.set_running_or_notify_cancel():
            return
        # A callback runs outside any task: tell sniffio which library runs it.
        library = _sniffio_cvar.set(backend.name) if _sniffio_cvar is not None else None
        try:
            future.set_result(context.run(func, *args))
        except BaseException as exc:
            future.set_exception(exc)
            if not isinstance(exc, Exception):
                raise
        finally:
            if _sniffio_cvar is not None and library is not None:
                _sniffio_cvar.reset(library)

    backend.run_sync_soon(native, call)
    return future.result()


def check_cancelled() -> None:
    """Raise the cancellation exception if the task waiting for this worker thread
    has been cancelled.

    Lets a long-running function in `anyio.to_thread.run_sync` stop early.

    Raises:
        NoEventLoopError: when not called from an anyio worker thread.
    """
    backend: Backend | None = getattr(thread_state, "backend", None)
    scope = getattr(thread_state, "scope", None)
    if backend is None or scope is None:
        raise NoEventLoopError("check_cancelled() can only be called from an anyio worker thread")
    if backend.cancelled_outside(scope):
        raise backend.make_cancelled()


for _cls in (BlockingPortal, BlockingPortalProvider):
    _cls.__module__ = __name__
start_blocking_portal.__module__ = __name__

"""Blocking portals: synchronous code driving an event loop in another thread.

A portal is a task group living in the event loop plus the loop's token.
Every call from another thread schedules (through the token) a small callback
on the loop thread that starts a task in that group; the task runs the
function and settles a `concurrent.futures.Future` that the calling thread
waits on. Cancelling that future from the calling thread cancels the task's
own cancel scope, again through the token.
"""

from __future__ import annotations

import sys
import threading
from concurrent.futures import Future
from contextlib import AbstractAsyncContextManager, AbstractContextManager, suppress
from contextvars import copy_context
from functools import partial
from inspect import isawaitable
from typing import TYPE_CHECKING, Any, TypeVar, overload

from .. import CancelScope, create_task_group
from .._core.contract import Backend, current_backend
from ._futures import wait_for_future

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable
    from types import TracebackType

    from typing_extensions import Self

if sys.version_info >= (3, 11):
    from typing import TypeVarTuple, Unpack
else:
    from typing_extensions import TypeVarTuple, Unpack

T_Retval = TypeVar("T_Retval")
T_co = TypeVar("T_co", covariant=True)
PosArgsT = TypeVarTuple("PosArgsT")


class BlockingPortal:
    """Lets other threads run functions in this event loop and wait for the results.

    Create and enter it inside the event loop (``async with BlockingPortal() as
    portal``), hand it to other threads, and call its methods from there; or get
    one with a loop of its own from `start_blocking_portal()`.
    """

    def __init__(self) -> None:
        self._backend: Backend = current_backend()
        self._token = self._backend.current_native_token()
        # Calls from this thread would wait for the loop they block: refused.
        self._loop_thread = threading.get_ident()
        self._task_group = create_task_group()
        self._stop_requested = False
        self._active = False
        self._stopped_waiters: list[Any] = []

    async def __aenter__(self) -> Self:
        await self._task_group.__aenter__()
        self._active = True
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc_val: BaseException | None,
        exc_tb: TracebackType | None,
    ) -> bool:
        await self.stop()
        return await self._task_group.__aexit__(exc_type, exc_val, exc_tb)

    async def sleep_until_stopped(self) -> None:
        """Wait until `stop()` is called."""
        if self._stop_requested:
            await self._backend.checkpoint()
            return
        waiter = self._backend.create_waiter()
        self._stopped_waiters.append(waiter)
        try:
            await self._backend.wait(waiter)
        except BaseException:
            self._backend.abandon(waiter)
            raise

    async def stop(self, cancel_remaining: bool = False) -> None:
        """Stop accepting new calls, and optionally cancel the running ones.

        Args:
            cancel_remaining: cancel the tasks still running in the portal
                instead of letting them finish.
        """
        self._stop_requested = True
        waiters, self._stopped_waiters = self._stopped_waiters, []
        for waiter in waiters:
            self._backend.wake(waiter)
        if cancel_remaining:
            self._task_group.cancel_scope.cancel()

    def _check_running(self) -> None:
        if not self._active or self._stop_requested:
            raise RuntimeError("This portal is not running")
        # Another thread may run an event loop of its own (a plain asyncio.run()
        # calling into a portal): only the portal's own loop thread is refused.
        if threading.get_ident() == self._loop_thread:
            raise RuntimeError("This method cannot be called from the event loop thread")

    @overload
    def call(
        self,
        func: Callable[[Unpack[PosArgsT]], Awaitable[T_Retval]],
        *args: Unpack[PosArgsT],
    ) -> T_Retval: ...

    @overload
    def call(
        self, func: Callable[[Unpack[PosArgsT]], T_Retval], *args: Unpack[PosArgsT]
    ) -> T_Retval: ...

    def call(
        self,
        func: Callable[[Unpack[PosArgsT]], Awaitable[T_Retval] | T_Retval],
        *args: Unpack[PosArgsT],
    ) -> T_Retval:
        """Call a function (sync or async) in the event loop thread and return its result.

        Raises:
            RuntimeError: if the portal is not running, or when called from an
                event loop thread.
        """
        return self.start_task_soon(func, *args).result()  # type: ignore[return-value]  # an awaitable result was awaited

    @overload
    async def call_async(
        self,
        func: Callable[[Unpack[PosArgsT]], Awaitable[T_Retval]],
        *args: Unpack[PosArgsT],
        abandon_on_cancel: bool = False,
    ) -> T_Retval: ...

    @overload
    async def call_async(
        self,
        func: Callable[[Unpack[PosArgsT]], T_Retval],
        *args: Unpack[PosArgsT],
        abandon_on_cancel: bool = False,
    ) -> T_Retval: ...

    async def call_async(
        self,
        func: Callable[[Unpack[PosArgsT]], Awaitable[T_Retval] | T_Retval],
        *args: Unpack[PosArgsT],
        abandon_on_cancel: bool = False,
    ) -> T_Retval:
        """Call a function (sync or async) in the portal's event loop from another loop.

        The calling task, running in an event loop of another thread, waits
        without blocking its own loop. Cancelling the caller cancels the task
        running the call in the portal.

        Args:
            func: the function to call in the portal's loop.
            *args: positional arguments for it.
            abandon_on_cancel: if ``False`` (default), a cancelled caller waits
                for the cancelled call to finish, then raises the exception the
                call's cleanup raised, if any, or else its own cancellation; if
                ``True``, it raises its cancellation at once and ignores the
                call's eventual outcome.

        Returns:
            What the function returned (awaited if it was awaitable).

        Raises:
            RuntimeError: if the portal is not running, or when called from the
                portal's own event loop thread.
        """
        self._check_running()
        await current_backend().checkpoint_if_cancelled()
        future: Future[T_Retval] = Future()
        # ``outcome`` records how the call ended even after ``future`` was
        # cancelled, so that a cancelled caller can wait for the call's cleanup.
        outcome: Future[Any] = Future()
        self._backend.run_sync_soon(
            self._token,
            copy_context().run,
            self._spawn,
            _recording_outcome(outcome, func),
            args,
            future,
            None,
            _task_name(func),
        )
        try:
            await wait_for_future(future)
        except current_backend().cancelled_exception_class():
            future.cancel()  # cancels the call's task in the portal
            if not abandon_on_cancel:
                await wait_for_future(outcome, shield=True)
                self._raise_cleanup_error(outcome)
            raise
        return future.result()

    def _raise_cleanup_error(self, outcome: Future[Any]) -> None:
        # The portal loop's own cancellation exception stays there: the caller
        # raises its own cancellation instead.
        error = outcome.exception()
        if error is not None and not isinstance(error, self._backend.cancelled_exception_class()):
            raise error

    @overload
    def start_task_soon(
        self,
        func: Callable[[Unpack[PosArgsT]], Awaitable[T_Retval]],
        *args: Unpack[PosArgsT],
        name: object = None,
    ) -> Future[T_Retval]: ...

    @overload
    def start_task_soon(
        self,
        func: Callable[[Unpack[PosArgsT]], T_Retval],
        *args: Unpack[PosArgsT],
        name: object = None,
    ) -> Future[T_Retval]: ...

    def start_task_soon(
        self,
        func: Callable[[Unpack[PosArgsT]], Awaitable[T_Retval] | T_Retval],
        *args: Unpack[PosArgsT],
        name: object = None,
    ) -> Future[T_Retval]:
        """Start a task in the portal's task group.

        Returns:
            A future for the task's result; cancelling it cancels the task.
        """
        self._check_running()
        future: Future[T_Retval] = Future()
        # The task runs in a copy of the calling thread's context (as on asyncio,
        # whose call_soon_threadsafe does that by itself; Trio's token does not).
        self._backend.run_sync_soon(
            self._token, copy_context().run, self._spawn, func, args, future, None, name
        )
        return future

    def start_task(
        self,
        func: Callable[..., Awaitable[T_Retval]],
        *args: object,
        name: object = None,
    ) -> tuple[Future[T_Retval], Any]:
        """Start a task and wait until it calls ``task_status.started()``.

        Returns:
            The task's future and the value it passed to ``started()``.
        """
        self._check_running()
        future: Future[T_Retval] = Future()
        started: Future[Any] = Future()
        self._backend.run_sync_soon(
            self._token, copy_context().run, self._spawn, func, args, future, started, name
        )
        return future, started.result()

    def _spawn(
        self,
        func: Callable[..., Any],
        args: tuple[Any, ...],
        future: Future[Any],
        started: Future[Any] | None,
        name: object,
    ) -> None:
        if name is None:
            name = _task_name(func)
        try:
            self._task_group.start_soon(self._run_call, func, args, future, started, name=name)
        except BaseException as exc:  # the task group has closed meanwhile
            for pending in (future, started):
                if pending is not None:
                    _settle(pending, exc)
                    _notify_if_cancelled(pending)

    async def _run_call(
        self,
        func: Callable[..., Any],
        args: tuple[Any, ...],
        future: Future[Any],
        started: Future[Any] | None,
    ) -> None:
        # The future is never marked running: cancelling it from the calling
        # thread must keep working until the task has finished. A future
        # cancelled before the task started still lets the task start: it is
        # cancelled at its first checkpoint, so its except and finally blocks run.
        try:
            with CancelScope() as scope:
                future.add_done_callback(partial(self._cancel_when_cancelled, scope))
                await self._call_and_settle(func, args, future, started)
            if scope.cancelled_caught:
                future.cancel()
        finally:
            if started is not None and not started.done():
                started.cancel()
                _notify_if_cancelled(started)
            _notify_if_cancelled(future)

    def _cancel_when_cancelled(self, scope: CancelScope, future: Future[Any]) -> None:
        if not future.cancelled():
            return
        if threading.get_ident() == self._loop_thread:
            scope.cancel()
            return
        with suppress(Exception):  # the loop is gone, and so is the task
            self._backend.run_sync_soon(self._token, scope.cancel)

    async def _call_and_settle(
        self,
        func: Callable[..., Any],
        args: tuple[Any, ...],
        future: Future[Any],
        started: Future[Any] | None,
    ) -> None:
        try:
            if started is None:
                result = func(*args)
            else:
                result = func(*args, task_status=_PortalTaskStatus(started))
            if isawaitable(result):
                result = await result
            if started is not None and not started.done():
                raise RuntimeError("Task exited without calling task_status.started()")
        except self._backend.cancelled_exception_class():
            future.cancel()
            raise
        except BaseException as exc:
            _settle(future, exc)
            if started is not None:
                _settle(started, exc)
            if not isinstance(exc, Exception):
                raise
        else:
            _settle(future, None, result)

    def wrap_async_context_manager(
        self, cm: AbstractAsyncContextManager[T_co]
    ) -> AbstractContextManager[T_co]:
        """Turn an async context manager into a synchronous one that runs in the loop."""
        return _SyncContextManager(self, cm)


def _task_name(func: Callable[..., Any]) -> str:
    """Name a task after its function: ``module.qualname``."""
    parts = (getattr(func, "__module__", None), getattr(func, "__qualname__", None))
    return ".".join(part for part in parts if part)


def _recording_outcome(
    outcome: Future[Any], func: Callable[..., Any]
) -> Callable[..., Awaitable[Any]]:
    """Wrap ``func`` so that its result or exception is also set on ``outcome``."""

    async def run(*args: Any) -> Any:
        try:
            result = func(*args)
            if isawaitable(result):
                result = await result
        except BaseException as exc:
            _settle(outcome, exc)
            raise
        _settle(outcome, None, result)
        return result

    return run


def _settle(future: Future[Any], exc: BaseException | None, result: object = None) -> None:
    """Set a future's outcome unless it is already settled (or was cancelled).

    The future is claimed first (marked running), so that a ``cancel()`` from
    another thread either comes before, and the outcome is dropped, or comes
    after and fails: the call has completed, and its outcome is delivered (as
    in AnyIO 4.16, #1410), never lost between a check and the setter.
    """
    if future.done() or not future.set_running_or_notify_cancel():
        return
    if exc is not None:
        future.set_exception(exc)
    else:
        future.set_result(result)


def _notify_if_cancelled(future: Future[Any]) -> None:
    """Wake ``concurrent.futures.wait()`` callers of a cancelled future (``cancel()`` alone does not)."""
    if future.cancelled():
        # RuntimeError: already notified, by a `_settle()` that lost the race to cancel().
        with suppress(RuntimeError):
            future.set_running_or_notify_cancel()


class _PortalTaskStatus:
    __slots__ = ("_future",)

    def __init__(self, future: Future[Any]) -> None:
        self._future = future

    def started(self, value: object = None) -> None:
        if self._future.done():
            raise RuntimeError("called 'started' twice on the same task status")
        self._future.set_result(value)


class _SyncContextManager(AbstractContextManager[T_co]):
    def __init__(self, portal: BlockingPortal, cm: AbstractAsyncContextManager[T_co]):
        self._portal = portal
        self._cm = cm
        self._exit_info: Future[tuple[Any, Any, Any]] = Future()
        self._task: Future[bool | None] | None = None

    async def _drive(self, *, task_status: Any) -> bool | None:
        value = await self._cm.__aenter__()
        task_status.started(value)
        try:
            await wait_for_future(self._exit_info)
        except BaseException as exc:
            # Interrupted while the block runs (a child task of a task group that
            # the context manager opened failed, say): the manager handles it,
            # and what it raises (the group's ExceptionGroup) reaches the caller.
            if not await self._cm.__aexit__(type(exc), exc, exc.__traceback__):
                raise
            return None
        return await self._cm.__aexit__(*self._exit_info.result())

    def __enter__(self) -> T_co:
        self._task, value = self._portal.start_task(self._drive)
        result: T_co = value
        return result

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_val: BaseException | None,
        exc_tb: TracebackType | None,
    ) -> bool | None:
        self._exit_info.set_result((exc_type, exc_val, exc_tb))
        assert self._task is not None
        return self._task.result()

"""The asyncio backend: `AsyncioBackend` implements `anyio._core._backend.Backend`.

Concerns live in their own modules: ``_cancel`` (cancel scopes and the
delivery of cancellation), ``_tasks`` (task groups, checkpoints,
introspection), ``_runner`` (starting loops, the test runner) and
``_token`` (the thread-safe loop handle and run variables).
"""

from __future__ import annotations

import asyncio
import asyncio.tasks
import math
from asyncio import CancelledError
from asyncio.events import _get_running_loop
from contextlib import suppress
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar

from ..._core._backend import Backend, register_backend
from . import _detect, _io, _runner, _signals, _tasks, _token
from ._cancel import (
    CANCEL_MSG_PREFIX,
    CancelScope,
    cancelled_origin,
    current_effective_deadline,
    fast_current_task,
)
from ._detect import _running_here
from ._tasks import TaskGroup as TaskGroup  # at AnyIO's path: asyncer subclasses it

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Coroutine, Mapping
    from contextvars import Context

    from ..._core._taskinfo import TaskInfo
    from ..._core._tasks import CancelScope as PublicCancelScope
    from ...abc._testing import TestRunner

T = TypeVar("T")

_current_tasks = getattr(asyncio.tasks, "_current_tasks", None)
#: The task running in a given loop: a plain dict lookup where asyncio keeps
#: one (3.10 to 3.13), else asyncio's own function.
_task_of_loop: Callable[[asyncio.AbstractEventLoop], object] = (
    _current_tasks.get if isinstance(_current_tasks, dict) else asyncio.current_task
)


class AsyncioBackend:
    """anyio on asyncio (and on loops that implement its API, such as uvloop)."""

    name = "asyncio"
    cancel_scope_class = CancelScope

    def __init__(self, loop: asyncio.AbstractEventLoop | None = None) -> None:
        # The loop this object serves (None: look it up on each call).
        self._loop = loop
        if loop is not None:
            # Bound to a loop, the current task is one lookup, with no Python
            # frame of ours around it (this shadows the method below).
            self.current_native_task = partial(_task_of_loop, loop)  # type: ignore[method-assign]

    # -- tasks and cancellation
    def cancelled_exception_class(self) -> type[BaseException]:
        return CancelledError

    def make_cancelled(self) -> BaseException:
        # Carries our prefix, so the cancel scope that was cancelled swallows it.
        return CancelledError(f"{CANCEL_MSG_PREFIX}(seen by a worker thread)")

    def create_task_group(self) -> _tasks.TaskGroup:
        return _tasks.TaskGroup()

    def current_effective_deadline(self) -> float:
        return current_effective_deadline()

    checkpoint = staticmethod(_tasks.checkpoint)

    def checkpoint_if_cancelled(self) -> Awaitable[None]:
        return _tasks.checkpoint_if_cancelled()

    def cancel_shielded_checkpoint(self) -> Awaitable[None]:
        return _tasks.cancel_shielded_checkpoint()

    def current_native_task(self) -> object:
        return fast_current_task()  # the unbound backend; see __init__

    def get_current_task(self) -> TaskInfo:
        return _tasks.get_current_task()

    def get_running_tasks(self) -> list[TaskInfo]:
        return _tasks.get_running_tasks()

    def wait_all_tasks_blocked(self) -> Awaitable[None]:
        return _tasks.wait_all_tasks_blocked()

    # -- time
    def current_time(self) -> float:
        return (self._loop or asyncio.get_running_loop()).time()

    def sleep(self, delay: float) -> Awaitable[None]:
        if delay == math.inf:
            return self.sleep_forever()
        return asyncio.sleep(delay)

    def sleep_forever(self) -> Awaitable[None]:
        # A future nobody completes: awaited directly, no coroutine frame.
        return (self._loop or asyncio.get_running_loop()).create_future()

    # -- parking tasks
    def create_waiter(self) -> asyncio.Future[Any]:
        return (self._loop or asyncio.get_running_loop()).create_future()

    def wait(self, waiter: asyncio.Future[Any]) -> Awaitable[Any]:
        return waiter

    def wake(self, waiter: asyncio.Future[Any], value: object = None) -> bool:
        if waiter.done():
            return False
        loop = waiter.get_loop()
        # The cheap check first (anyio's runner's record of its loop in this
        # thread): before 3.12 asyncio's own one costs a getpid().
        if loop is not _running_here.__dict__.get("loop") and loop is not _get_running_loop():
            # Woken from another thread (a stream or lock shared by two loops, as
            # when a task group is used from another thread's loop): only the
            # waiter's own loop may complete it, and it must be woken to see it.
            with suppress(RuntimeError):  # that loop is closed: nobody waits
                loop.call_soon_threadsafe(_complete, waiter, value)
            return True
        waiter.set_result(value)
        return True

    # wake() already wakes from any thread (through the waiter's loop from
    # elsewhere): no second frame and no second thread check (Event.set()).
    wake_threadsafe = wake

    def abandon(self, waiter: asyncio.Future[Any]) -> bool:
        # A waiter whose result was set before a native Task.cancel() reached
        # the task cannot be cancelled any more: the caller was woken.
        return waiter.cancelled() or waiter.cancel()

    def woken_value(self, waiter: asyncio.Future[Any]) -> object:
        return waiter.result()

    # -- the loop token
    def current_native_token(self) -> object:
        return asyncio.get_running_loop()

    def run_sync_soon(
        self, native_token: object, func: Callable[..., object], *args: object
    ) -> None:
        _token.run_sync_soon(native_token, func, *args)

    def run_vars(self) -> dict[object, Any]:
        return _token.run_vars()

    def spawn_system_task(
        self,
        func: Callable[..., Coroutine[Any, Any, Any]],
        *args: object,
        context: Context | None = None,
    ) -> None:
        _token.spawn_system_task(func, *args, context=context)

    def cancelled_outside(self, scope: PublicCancelScope) -> bool:
        assert isinstance(scope, CancelScope)
        return cancelled_origin(scope._parent) is not None

    # -- file-descriptor readiness (plain functions: no bound-method frame)
    wait_readable = staticmethod(_io.wait_readable)
    wait_writable = staticmethod(_io.wait_writable)
    notify_closing = staticmethod(_io.notify_closing)
    watch_fd = staticmethod(_io.watch_fd)

    # -- signals
    open_signal_receiver = staticmethod(_signals.open_signal_receiver)

    # -- running
    def check_options(self, options: Mapping[str, Any]) -> None:
        _runner.check_options(options)

    def run(
        self,
        func: Callable[..., Coroutine[Any, Any, T]],
        args: tuple[Any, ...],
        options: Mapping[str, Any],
    ) -> T:
        return _runner.run(func, args, options)

    def create_test_runner(self, options: Mapping[str, Any]) -> TestRunner:
        from ..._core._eventloop import preload

        preload()  # as anyio.run() does: no import stalls the loop on a first use
        return _runner.TestRunner(options)


backend = AsyncioBackend()
_typecheck: Backend = backend  # mypy reports any gap in the protocol here


def _bind(loop: object) -> Backend:
    """Return the backend object bound to ``loop``, made once per loop."""
    try:
        bound: AsyncioBackend = loop._anyio_backend  # type: ignore[attr-defined]
    except AttributeError:
        assert isinstance(loop, asyncio.AbstractEventLoop)
        bound = AsyncioBackend(loop)
        with suppress(AttributeError):  # a loop class without attributes: no cache
            loop._anyio_backend = bound  # type: ignore[attr-defined]
    return bound


_detect.set_binder(_bind, backend)
register_backend("asyncio", backend, _detect.probe)


def _complete(waiter: asyncio.Future[Any], value: object) -> None:
    """Complete ``waiter`` in its own loop, unless it was cancelled meanwhile."""
    if not waiter.done():
        waiter.set_result(value)

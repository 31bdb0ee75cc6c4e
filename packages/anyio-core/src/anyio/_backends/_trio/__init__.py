"""The Trio backend: `TrioBackend` implements `anyio._core._backend.Backend`.

Trio already has the semantics anyio promises, so this backend is mostly a
translation layer: ``_cancel`` (scope wrapper), ``_tasks`` (nursery wrapper,
introspection), ``_runner`` (``trio.run`` and the guest-mode test runner).
"""

from __future__ import annotations

from contextvars import copy_context
from typing import TYPE_CHECKING, Any, TypeVar

import trio

from ..._core._backend import Backend, register_backend
from ..._core._exceptions import RunFinishedError
from . import _fdwatch, _io, _runner, _signals, _sync, _tasks
from ._cancel import CancelScope
from ._tasks import TaskGroup as TaskGroup  # at AnyIO's path: asyncer subclasses it

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Coroutine, Mapping
    from contextvars import Context

    from ..._core._taskinfo import TaskInfo
    from ..._core._tasks import CancelScope as PublicCancelScope
    from ...abc._testing import TestRunner

T = TypeVar("T")


def _abort_ok(raise_cancel: object) -> trio.lowlevel.Abort:
    return trio.lowlevel.Abort.SUCCEEDED


_run_vars: trio.lowlevel.RunVar[dict[object, Any]] = trio.lowlevel.RunVar("anyio")


class TrioBackend:
    """anyio on Trio."""

    name = "trio"
    cancel_scope_class = CancelScope

    # -- tasks and cancellation
    def cancelled_exception_class(self) -> type[BaseException]:
        return trio.Cancelled

    def make_cancelled(self) -> BaseException:
        return trio.Cancelled._create()

    def create_task_group(self) -> _tasks.TaskGroup:
        return _tasks.TaskGroup()

    def current_effective_deadline(self) -> float:
        return trio.current_effective_deadline()

    # Trio's own functions, not methods that call them: one Python frame less
    # on every checkpoint.
    checkpoint = staticmethod(trio.lowlevel.checkpoint)
    checkpoint_if_cancelled = staticmethod(trio.lowlevel.checkpoint_if_cancelled)
    cancel_shielded_checkpoint = staticmethod(trio.lowlevel.cancel_shielded_checkpoint)
    current_native_task = staticmethod(trio.lowlevel.current_task)

    def get_current_task(self) -> TaskInfo:
        return _tasks.get_current_task()

    def get_running_tasks(self) -> list[TaskInfo]:
        return _tasks.get_running_tasks()

    def wait_all_tasks_blocked(self) -> Awaitable[None]:
        # Imported here: trio.testing pulls in pytest, which a program that
        # never calls this (every program outside a test suite) should not pay.
        from trio.testing import wait_all_tasks_blocked

        return wait_all_tasks_blocked()

    # -- time
    def current_time(self) -> float:
        return trio.current_time()

    def sleep(self, delay: float) -> Awaitable[None]:
        return trio.sleep(delay)  # noqa: ASYNC105 - the caller awaits it

    def sleep_forever(self) -> Awaitable[None]:
        # What trio.sleep_forever() awaits, minus its own coroutine frame.
        return trio.lowlevel.wait_task_rescheduled(_abort_ok)  # noqa: ASYNC105 - awaited by the caller

    # -- parking tasks (plain functions: no bound methods on the hot path)
    create_waiter = staticmethod(_sync.Waiter)
    wait = staticmethod(_sync.wait)
    wake = staticmethod(_sync.wake)
    wake_threadsafe = staticmethod(_sync.wake_threadsafe)
    abandon = staticmethod(_sync.abandon)
    woken_value = staticmethod(_sync.woken_value)

    # -- the loop token
    def current_native_token(self) -> object:
        return trio.lowlevel.current_trio_token()

    def run_sync_soon(
        self, native_token: object, func: Callable[..., object], *args: object
    ) -> None:
        assert isinstance(native_token, trio.lowlevel.TrioToken)
        try:
            native_token.run_sync_soon(func, *args)
        except trio.RunFinishedError:
            raise RunFinishedError from None

    def run_vars(self) -> dict[object, Any]:
        try:
            return _run_vars.get()
        except LookupError:
            values: dict[object, Any] = {}
            _run_vars.set(values)
            return values

    def spawn_system_task(
        self,
        func: Callable[..., Coroutine[Any, Any, Any]],
        *args: object,
        context: Context | None = None,
    ) -> None:
        if context is None:
            context = copy_context()
        trio.lowlevel.spawn_system_task(func, *args, context=context)

    def cancelled_outside(self, scope: PublicCancelScope) -> bool:
        assert isinstance(scope, CancelScope)
        # Trio keeps this in a private structure; read it defensively.
        status = getattr(scope._scope, "_cancel_status", None)
        parent = getattr(status, "_parent", None)
        return bool(getattr(parent, "effectively_cancelled", False))

    # -- file-descriptor readiness
    wait_readable = staticmethod(_io.wait_readable)
    wait_writable = staticmethod(_io.wait_writable)
    notify_closing = staticmethod(_io.notify_closing)
    watch_fd = _fdwatch.FDWatch

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


backend = TrioBackend()
_typecheck: Backend = backend  # mypy reports any gap in the protocol here


#: Trio's thread-local run context: it has a "runner" attribute exactly while a
#: run is active in this thread. ``trio.lowlevel.in_trio_run()`` is the public
#: way to ask, but it costs ten times more when no Trio run is active (its
#: ``hasattr`` creates and drops an AttributeError): this is on every hot path
#: of the asyncio backend, so the probe reads the thread's own attribute dict.
_run_context = trio._core._run.GLOBAL_RUN_CONTEXT


def _probe() -> Backend | None:
    """Return the Trio backend if a Trio run is active in this thread."""
    return backend if "runner" in _run_context.__dict__ else None


# A Trio run may start inside another loop's callbacks (guest mode), so its
# probe is asked first.
register_backend("trio", backend, _probe, nests=True)

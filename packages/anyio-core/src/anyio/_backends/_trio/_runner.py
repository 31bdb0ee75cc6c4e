"""Starting Trio: `anyio.run` and the pytest test runner.

The test runner must keep one Trio run alive across several synchronous
calls from pytest (fixture setup, the test, teardown). Trio's "guest mode"
fits: ``start_guest_run`` lets us be the host loop. Our host loop is just a
queue of callbacks that Trio asks us to run; each call pushes one job into the
run (through the Trio token) and then runs callbacks until the job is done.
Every job runs in the same Trio task, so context variables set by fixtures are
visible to the test.
"""

from __future__ import annotations

import math
import threading
from collections import deque
from collections.abc import AsyncGenerator, Callable, Coroutine, Iterator, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

import outcome
import trio

from ..._core._deadlock import GRACE, DeadlockError, DeadlockWatch
from ..._core._eventloop import run_ended
from ...abc._testing import NESTED_CALL_MESSAGE
from ...abc._testing import TestRunner as AbstractTestRunner
from . import _deadlock, _options

if TYPE_CHECKING:
    from types import TracebackType

    from typing_extensions import Self

T = TypeVar("T")

check_options = _options.check_options


def run(
    func: Callable[..., Coroutine[Any, Any, T]],
    args: tuple[Any, ...],
    options: Mapping[str, Any],
) -> T:
    check_options(options)
    return trio.run(func, *args, **_with_native_clock(options))


def _with_native_clock(options: Mapping[str, Any]) -> dict[str, Any]:
    """Return ``options`` with a `VirtualClock` turned into Trio's own clock."""
    if options.get("clock") is None:
        return dict(options)
    from . import _clock  # only with a clock: trio.testing imports pytest

    return _clock.translate_options(options)


def _let_signal_handlers_run() -> None:
    """Do nothing: entering a Python function runs the pending signal handlers."""


_Job = tuple[Callable[[], Coroutine[Any, Any, Any]], list[outcome.Outcome[Any]], bool]


class TestRunner(AbstractTestRunner):
    """Runs fixtures and tests in one task of one Trio guest run.

    An exception raised into the host loop from outside the job it waits for
    (a signal handler's: pytest-timeout, or Ctrl+C) leaves that job running in
    the Trio run; it must be stopped, or the next job would queue up behind it
    forever. Trio stops code only with cancel scopes, and they must nest: a job
    that leaves a scope open when it returns (an async generator fixture
    holding a task group across its ``yield``) cannot run in a scope of its
    own. So a test and a coroutine fixture, which are over when their call
    returns, each run in a cancel scope of their own, and an interrupted one is
    cancelled alone; an interrupted step of an async generator fixture cancels
    the whole run, and the runner then refuses further jobs (the plugin starts a
    fresh runner once every holder of this one is done).
    """

    def __init__(self, options: Mapping[str, Any]) -> None:
        check_options(options)
        self._options = _with_native_clock(options)
        # The host loop: Trio's callbacks, and an event set when one is added.
        self._callbacks: deque[Callable[[], object]] = deque()
        self._callback_added = threading.Event()
        self._send: trio.MemorySendChannel[_Job] | None = None
        self._token: trio.lowlevel.TrioToken | None = None
        self._run_outcome: list[outcome.Outcome[None]] = []
        self._run_scope: trio.CancelScope | None = None
        # Invariant: not None only while a test or a coroutine fixture runs.
        self._job_scope: trio.CancelScope | None = None
        self._run_cancelled = False
        self._in_call = False
        # Deadlock watch (see _deadlock): made by watch_deadlocks(), started in
        # the run; the trees of deadlocks found in the current step; `_wedged`
        # once a step ignored the cancellation of its whole run.
        self._watch: DeadlockWatch | None = None
        self._instrument: _deadlock.Instrument | None = None
        self._deadlocks: list[str] = []
        self._wedged = False
        self._main_task: trio.lowlevel.Task | None = None

    def __enter__(self) -> Self:
        trio.lowlevel.start_guest_run(
            self._main,
            run_sync_soon_threadsafe=self._add_callback,
            done_callback=self._run_outcome.append,
            **self._options,
        )
        self._run_until(lambda: self._send is not None or bool(self._run_outcome))
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_val: BaseException | None,
        exc_tb: TracebackType | None,
    ) -> None:
        try:
            if self._wedged:
                return  # the run cannot end (see _on_deadlock); abandon it
            if self._send is not None and self._token is not None and not self._run_outcome:
                self._token.run_sync_soon(self._send.close)
            self._send = None
            self._run_until(lambda: bool(self._run_outcome))
            self._run_outcome[-1].unwrap()
        finally:
            if self._watch is not None:
                self._watch.deactivate()
            if not self._wedged:  # (a wedged run has not ended)
                run_ended()

    def watch_deadlocks(self, enabled: bool = True) -> bool:
        if self._watch is None:
            if not enabled:
                return True
            if self._token is not None:
                # The instrument must be added inside the run, before the first job.
                raise RuntimeError("call watch_deadlocks() before entering a Trio test runner")
            self._watch = DeadlockWatch()
            self._instrument = _deadlock.Instrument(self._watch, self._on_deadlock)
            self._watch.activate()
        self._watch.enabled = enabled
        return True

    def _on_deadlock(self) -> None:
        """Stop the step that deadlocked (runs in the Trio run, see `_deadlock`)."""
        from ..._core._tasktree import format_task_tree

        self._deadlocks.append(format_task_tree())
        if len(self._deadlocks) == 1 and self._job_scope is not None:
            self._job_scope.cancel()
        elif len(self._deadlocks) <= 2 and self._run_scope is not None:
            # An async generator fixture's step, or a step that ignored its own
            # cancellation: cancel the whole run; later steps are refused.
            self._run_cancelled = True
            self._run_scope.cancel()
        elif self._main_task is None or not _deadlock.break_out(
            self._main_task, DeadlockError(self._deadlocks[0])
        ):
            self._wedged = True  # _run_until gives up on the run

    def _add_callback(self, callback: Callable[[], object]) -> None:
        self._callbacks.append(callback)
        self._callback_added.set()

    def _run_until(self, done: Callable[[], bool]) -> None:
        """Run Trio's callbacks until ``done()``.

        A Python signal handler runs at the next check of the interpreter, and
        what it raises must not land inside Trio's own code, which it would
        break. On Python 3.13 the signal's wake-up byte wakes Trio's I/O thread,
        whose callback then reaches us before the handler has run. So a
        callback is taken off the queue only after a call of ours has let
        pending handlers run; one that raises leaves the callback queued.
        """
        while not done():
            if self._wedged:
                raise self._deadlock_error()
            while not self._callbacks:
                instrument = self._instrument
                if instrument is not None and instrument.suspected_at is not None:
                    # A deadlock is suspected: confirm it if Trio stays silent.
                    if not self._callback_added.wait(GRACE):
                        instrument.confirm()
                        continue
                else:
                    self._callback_added.wait()
                self._callback_added.clear()
            _let_signal_handlers_run()
            self._callbacks.popleft()()

    async def _main(self) -> None:
        send, receive = trio.open_memory_channel[_Job](math.inf)
        self._main_task = trio.lowlevel.current_task()
        if self._instrument is not None:
            await self._instrument.start()
        self._token = trio.lowlevel.current_trio_token()
        self._send = send
        with trio.CancelScope() as self._run_scope:
            async with receive:
                async for make_coro, result, scoped in receive:
                    result.append(await self._run_job(make_coro, scoped=scoped))

    async def _run_job(
        self, make_coro: Callable[[], Coroutine[Any, Any, Any]], *, scoped: bool
    ) -> outcome.Outcome[Any]:
        ended: outcome.Outcome[Any]
        if not scoped:
            ended = await outcome.acapture(make_coro)
            return ended
        with trio.CancelScope() as self._job_scope:
            try:
                ended = await outcome.acapture(make_coro)
                return ended
            finally:
                self._job_scope = None
        # Not reached: acapture() captures the scope's own Cancelled.
        raise AssertionError("the job's cancel scope swallowed its result")

    def _call(self, make_coro: Callable[[], Coroutine[Any, Any, T]], *, scoped: bool) -> T:
        if self._run_cancelled or self._wedged:
            raise RuntimeError(
                "This Trio test runner was stopped when a step of an async generator "
                "fixture was interrupted (by pytest-timeout or a signal handler) or a "
                "step deadlocked; the fixtures that use it cannot run until their "
                "scope ends"
            )
        if self._send is None or self._token is None:
            raise RuntimeError("The test runner is not running")
        if self._in_call:
            # Waiting here would block the Trio run that the caller itself runs in.
            raise RuntimeError(NESTED_CALL_MESSAGE)
        if self._watch is not None:
            self._watch.new_step()
        result: list[outcome.Outcome[T]] = []
        self._token.run_sync_soon(self._send.send_nowait, (make_coro, result, scoped))
        self._in_call = True
        try:
            self._run_until(lambda: bool(result) or bool(self._run_outcome))
        except DeadlockError:
            raise
        except BaseException:
            # Raised into the host from outside the job (see the class docstring).
            self._stop_job(result)
            raise
        finally:
            self._in_call = False
        if self._deadlocks:
            raise self._deadlock_error()
        if not result:
            self._run_outcome[-1].unwrap()
            raise RuntimeError("The Trio run of the test runner ended unexpectedly")
        return result[0].unwrap()

    def _deadlock_error(self) -> DeadlockError:
        trees, self._deadlocks = self._deadlocks, []
        return DeadlockError(trees[0])

    def _stop_job(self, result: list[outcome.Outcome[T]]) -> None:
        """Cancel the job of ``result`` if it is still running, and wait for its end."""
        if result or self._run_outcome or self._token is None:
            return
        scope = self._job_scope
        if scope is None:
            scope, self._run_cancelled = self._run_scope, True
        if scope is not None:
            self._token.run_sync_soon(scope.cancel)
            self._run_until(lambda: bool(result) or bool(self._run_outcome))

    def run_asyncgen_fixture(
        self,
        fixture_func: Callable[..., AsyncGenerator[T, Any]],
        kwargs: dict[str, Any],
    ) -> Iterator[T]:
        agen = fixture_func(**kwargs)
        yield self._call(agen.__anext__, scoped=False)
        try:
            self._call(agen.__anext__, scoped=False)
        except StopAsyncIteration:
            pass
        else:
            self._call(agen.aclose, scoped=False)
            raise RuntimeError("Async generator fixture did not stop")

    def run_fixture(
        self,
        fixture_func: Callable[..., Coroutine[Any, Any, T]],
        kwargs: dict[str, Any],
    ) -> T:
        return self._call(lambda: fixture_func(**kwargs), scoped=True)

    def is_running(self) -> bool:
        """Tell whether a test or fixture of this runner is running right now."""
        return self._in_call

    def run_test(
        self, test_func: Callable[..., Coroutine[Any, Any, Any]], kwargs: dict[str, Any]
    ) -> None:
        self._call(lambda: test_func(**kwargs), scoped=True)

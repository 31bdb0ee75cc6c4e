"""Starting asyncio event loops: `anyio.run` and the pytest test runner.

The test runner keeps one event loop, and one task on it, alive across a
test's fixtures and the test itself. Every coroutine it is given (fixture
setup, the test, fixture teardown) runs inside that single task, so context
variables set by a fixture are seen by the test, and an async generator
fixture is started and finished by the same task (a cancel scope or task
group held open across its ``yield`` stays valid). Outside of a call, the loop
is not running; a call drives it with ``run_until_complete`` until the
task has finished that one job.
"""

from __future__ import annotations

import asyncio
import sys
from contextlib import suppress
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from ..._core._deadlock import DeadlockError, DeadlockWatch
from ..._core._eventloop import run_ended
from ...abc._testing import NESTED_CALL_MESSAGE
from ...abc._testing import TestRunner as AbstractTestRunner
from . import _options
from ._cancel import TaskState, task_states
from ._detect import forget_loop, running_here
from ._tasks import callable_name

if TYPE_CHECKING:
    from collections.abc import AsyncGenerator, Callable, Coroutine, Iterator, Mapping
    from types import TracebackType

    from typing_extensions import Self

if sys.version_info >= (3, 11):
    from asyncio import Runner
else:  # pragma: no cover - Python 3.10
    from exceptiongroup import BaseExceptionGroup

    from ._runner310 import Runner

T = TypeVar("T")

_WEDGED_MESSAGE = (
    "This test runner's event loop was stopped when a deadlocked step ignored its "
    "cancellation; the fixtures that use it cannot run until their scope ends"
)


def check_options(options: Mapping[str, Any]) -> None:
    """Raise `TypeError` for an option `AsyncioOptions` does not have, or a bad value."""
    _options.check_options(options)
    if options.get("clock") is not None:
        from . import _clock  # only with a virtual clock: the normal path imports nothing

        _clock.check_clock(options)


def _make_runner(options: Mapping[str, Any]) -> Runner:
    check_options(options)
    loop_factory: Callable[[], asyncio.AbstractEventLoop] | None = options.get("loop_factory")
    if options.get("use_uvloop", False) and loop_factory is None:
        import uvloop

        loop_factory = uvloop.new_event_loop
    if options.get("clock") is not None:  # a VirtualClock (see _clock)
        from . import _clock

        loop_factory = _clock.make_loop_factory(options["clock"], loop_factory)
    # Not given means None, as in asyncio.run(): the loop then follows
    # ``python -X dev`` and ``PYTHONASYNCIODEBUG``.
    debug = options.get("debug")
    return Runner(debug=None if debug is None else bool(debug), loop_factory=loop_factory)


async def _main(func: Callable[..., Coroutine[Any, Any, T]], args: tuple[Any, ...]) -> T:
    task = asyncio.current_task()
    assert task is not None
    task.set_name(callable_name(func))  # "module.qualname", as for child tasks
    task_states[task] = TaskState(None, None)
    try:
        return await func(*args)
    finally:
        task_states.pop(task, None)


def run(
    func: Callable[..., Coroutine[Any, Any, T]],
    args: tuple[Any, ...],
    options: Mapping[str, Any],
) -> T:
    runner = _make_runner(options)
    loop = runner.get_loop()
    try:
        # The record of running_here() is set only while run() drives the loop;
        # the clean-up that closing the runner does takes the slower lookups.
        with runner, running_here(loop):
            return runner.run(_main(func, args))
    finally:
        forget_loop(loop)  # a finished run's loop is garbage once its caller drops it


class TestRunner(AbstractTestRunner):
    """Runs fixtures and tests in one task of one asyncio event loop.

    Each job (a fixture step or a test) is a coroutine handed to the worker
    task, which reports how it ended as an `_Outcome` in the job's future; the
    future itself never holds an exception, so driving the loop until it is
    done raises only what came from *outside* the job: a signal handler's
    exception (pytest-timeout, Ctrl+C) or a ``KeyboardInterrupt`` or
    ``SystemExit`` raised in another task. Then the job is still running, and
    is cancelled (natively, so that it unwinds like any cancelled task) and
    driven to its end before the exception goes on to pytest; otherwise the
    next job would queue up behind it forever.
    """

    def __init__(self, options: Mapping[str, Any]) -> None:
        self._runner = _make_runner(options)
        self._jobs: asyncio.Queue[tuple[Coroutine[Any, Any, Any], asyncio.Future[_Outcome]]]
        self._worker: asyncio.Task[None] | None = None
        self._errors: list[BaseException] = []
        self._interruptions: list[BaseException] = []
        # Invariant: True only while _stop_job() waits for a cancelled job to end.
        self._stopping_job = False
        self._closing = False
        # Deadlock watch (see _deadlock): the trees of deadlocks found in the
        # current step; `_wedged` once a step ignored its cancellation.
        self._watch: DeadlockWatch | None = None
        self._deadlocks: list[str] = []
        self._wedged = False

    def __enter__(self) -> Self:
        self._runner.__enter__()
        loop = self._runner.get_loop()
        loop.set_exception_handler(self._on_loop_error)
        self._jobs = asyncio.Queue()
        self._worker = loop.create_task(self._work(), name="anyio test runner")
        return self

    def watch_deadlocks(self, enabled: bool = True) -> bool:
        if self._watch is None:
            if not enabled:
                return True
            watch = DeadlockWatch()
            # Makes the loop now if the runner was not entered yet (as entering does).
            if not self._install_watch(self._runner.get_loop(), watch):
                return False
            self._watch = watch
        self._watch.enabled = enabled
        return True

    def _install_watch(self, loop: asyncio.AbstractEventLoop, watch: DeadlockWatch) -> bool:
        from . import _deadlock

        if not _deadlock.install(loop, watch, self._on_deadlock):
            return False  # uvloop: no selector to watch
        watch.activate()
        return True

    def _on_deadlock(self) -> None:
        """Stop the step that deadlocked: cancel it, or stop the loop if it ignored that."""
        from ..._core._tasktree import format_task_tree

        self._deadlocks.append(format_task_tree())
        worker = self._worker
        if len(self._deadlocks) == 1 and worker is not None and not self._closing:
            self._stopping_job = True
            worker.cancel("deadlock: every task is blocked and nothing can wake them")
        else:
            # The step swallowed its cancellation and is stuck again (or the
            # runner is closing): nothing more can be done in the loop.
            self._wedged = True
            self._runner.get_loop().stop()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_val: BaseException | None,
        exc_tb: TracebackType | None,
    ) -> None:
        try:
            if self._worker is not None:
                self._closing = True
                self._worker.cancel()
                with suppress(asyncio.CancelledError):
                    self._runner.get_loop().run_until_complete(self._worker)
                self._worker = None
            self._runner.__exit__(exc_type, exc_val, exc_tb)
        except RuntimeError:
            if not self._wedged:
                raise
            # A deadlocked step never ended; its tasks cannot be finished.
            loop = self._runner.get_loop()
            if not loop.is_closed():
                loop.close()
        finally:
            if self._watch is not None:
                self._watch.deactivate()
            run_ended()

    def _on_loop_error(self, loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        exc = context.get("exception")
        if not isinstance(exc, BaseException):
            loop.default_exception_handler(context)
        elif _raised_from_outside(exc, context):
            self._interruptions.append(exc)
            loop.stop()
        else:
            self._errors.append(exc)

    async def _work(self) -> None:
        task = asyncio.current_task()
        assert task is not None
        task_states[task] = TaskState(None, None)
        try:
            while True:
                coro, future = await self._jobs.get()
                outcome = await self._run_job(coro)
                if self._stopping_job:
                    self._stopping_job = False
                    if sys.version_info >= (3, 11):
                        # The cancellation was ours, and it is over (even if the
                        # job swallowed it): the next job starts uncancelled.
                        task.uncancel()
                if not future.done():
                    future.set_result(outcome)
        finally:
            task_states.pop(task, None)

    async def _run_job(self, coro: Coroutine[Any, Any, Any]) -> _Outcome:
        # Every exception is the job's outcome, KeyboardInterrupt and SystemExit
        # included: raised out of this task, they would end it, and the fixtures
        # still to be torn down must run in the task that set them up.
        try:
            return _Outcome(None, await coro)
        except asyncio.CancelledError as exc:
            if self._closing:
                raise
            return _Outcome(exc, None)
        except BaseException as exc:  # pytest's Skipped etc. included
            return _Outcome(exc, None)

    def _call(self, coro: Coroutine[Any, Any, T]) -> T:
        loop = self._runner.get_loop()
        if loop.is_running():
            coro.close()
            raise RuntimeError(NESTED_CALL_MESSAGE)
        if self._wedged:
            coro.close()
            raise RuntimeError(_WEDGED_MESSAGE)
        if self._worker is not None and self._worker.done():
            # Not expected (the worker turns every exception into an outcome), but
            # a job queued for a finished worker would wait forever.
            self._worker = loop.create_task(self._work(), name="anyio test runner")
        if self._watch is not None:
            self._watch.new_step()
        future: asyncio.Future[_Outcome] = loop.create_future()
        self._jobs.put_nowait((coro, future))
        try:
            with running_here(loop):
                loop.run_until_complete(future)
        except BaseException:
            if self._wedged:
                # The step ignored the cancellation of its deadlock (see _on_deadlock).
                raise self._deadlock_error() from None
            # Raised into the loop from outside the job (see the class docstring).
            self._stop_job(future)
            interruptions, self._interruptions = self._interruptions, []
            if interruptions:
                # The loop was stopped for it, and says so; only the reason matters.
                raise interruptions[0] from None
            raise
        if self._deadlocks:
            self._errors.clear()
            raise self._deadlock_error() from None
        value: T = self._unwrap(future.result())
        return value

    def _deadlock_error(self) -> DeadlockError:
        trees, self._deadlocks = self._deadlocks, []
        return DeadlockError(trees[0])

    def _stop_job(self, future: asyncio.Future[_Outcome]) -> None:
        """Cancel the job of ``future`` if it is still running, and wait for its end."""
        worker = self._worker
        if future.done() or worker is None or worker.done():
            return
        self._stopping_job = True
        worker.cancel()
        loop = self._runner.get_loop()
        with running_here(loop):
            loop.run_until_complete(future)
        self._errors.clear()

    def _unwrap(self, outcome: _Outcome) -> Any:
        """Return the job's value or raise its exception, and any loop callback's errors.

        An exception raised by a loop callback while the job ran belongs to the
        same step (fixture setup, test, teardown); it is raised even if the job
        itself ended normally, with the job's own error, if any, in a group.
        """
        errors, self._errors = self._errors, []
        exc = outcome.error
        if errors:
            if exc is not None and not isinstance(exc, StopAsyncIteration):
                errors.insert(0, exc)
            if len(errors) == 1:
                raise errors[0]
            raise BaseExceptionGroup("errors in the test and in event loop callbacks", errors)
        if exc is not None:
            raise exc
        return outcome.value

    def run_asyncgen_fixture(
        self,
        fixture_func: Callable[..., AsyncGenerator[T, Any]],
        kwargs: dict[str, Any],
    ) -> Iterator[T]:
        agen = fixture_func(**kwargs)
        value = self._call(agen.__anext__())
        yield value
        try:
            self._call(agen.__anext__())
        except StopAsyncIteration:
            pass
        else:
            self._call(agen.aclose())
            raise RuntimeError("Async generator fixture did not stop")

    def run_fixture(
        self,
        fixture_func: Callable[..., Coroutine[Any, Any, T]],
        kwargs: dict[str, Any],
    ) -> T:
        return self._call(fixture_func(**kwargs))

    def is_running(self) -> bool:
        """Tell whether a test or fixture of this runner is running right now."""
        return self._worker is not None and self._runner.get_loop().is_running()

    def run_test(
        self, test_func: Callable[..., Coroutine[Any, Any, Any]], kwargs: dict[str, Any]
    ) -> None:
        self._call(test_func(**kwargs))


def _raised_from_outside(exc: BaseException, context: dict[str, Any]) -> bool:
    """Whether an error given to the loop's exception handler must stop the current job.

    A ``BaseException`` that is not an ``Exception`` (pytest's ``Failed`` from
    pytest-timeout, ``KeyboardInterrupt``) is not a callback's mistake but a
    request to stop. And uvloop runs Python signal handlers inside its
    ``Loop._read_from_self`` callback, so that whatever a handler raises
    lands here instead of interrupting the loop as it does on asyncio's own.
    """
    return not isinstance(exc, Exception) or "._read_from_self" in repr(context.get("handle"))


class _Outcome(NamedTuple):
    """How a job of the test runner ended: its exception, or None and its value."""

    error: BaseException | None
    value: Any

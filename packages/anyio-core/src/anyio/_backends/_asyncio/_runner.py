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
from typing import TYPE_CHECKING, Any, TypeVar

from ..._core._backend import running_here
from ...abc._testing import TestRunner as AbstractTestRunner
from ._cancel import TaskState, task_states
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

OPTIONS = ("debug", "loop_factory", "use_uvloop")


def check_options(options: Mapping[str, Any]) -> None:
    for key in options:
        if key not in OPTIONS:
            known = ", ".join(OPTIONS)
            raise TypeError(f"Unknown option {key!r} for the asyncio backend; it accepts: {known}")
    factory = options.get("loop_factory")
    if factory is not None and not callable(factory):
        raise TypeError(f"loop_factory must be a callable, not {factory!r}")


def _make_runner(options: Mapping[str, Any]) -> Runner:
    check_options(options)
    loop_factory: Callable[[], asyncio.AbstractEventLoop] | None = options.get("loop_factory")
    if options.get("use_uvloop", False) and loop_factory is None:
        import uvloop

        loop_factory = uvloop.new_event_loop
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
    # The record of running_here() is set only while run() drives the loop;
    # the clean-up that closing the runner does takes the slower lookups.
    with runner, running_here(runner.get_loop()):
        return runner.run(_main(func, args))


class TestRunner(AbstractTestRunner):
    """Runs fixtures and tests in one task of one asyncio event loop."""

    def __init__(self, options: Mapping[str, Any]) -> None:
        self._runner = _make_runner(options)
        self._jobs: asyncio.Queue[tuple[Coroutine[Any, Any, Any], asyncio.Future[Any]]]
        self._worker: asyncio.Task[None] | None = None
        self._errors: list[BaseException] = []

    def __enter__(self) -> Self:
        self._runner.__enter__()
        loop = self._runner.get_loop()
        loop.set_exception_handler(self._on_loop_error)
        self._jobs = asyncio.Queue()
        self._worker = loop.create_task(self._work(), name="anyio test runner")
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_val: BaseException | None,
        exc_tb: TracebackType | None,
    ) -> None:
        if self._worker is not None:
            self._worker.cancel()
            with suppress(asyncio.CancelledError):
                self._runner.get_loop().run_until_complete(self._worker)
            self._worker = None
        self._runner.__exit__(exc_type, exc_val, exc_tb)

    def _on_loop_error(self, loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        exc = context.get("exception")
        if isinstance(exc, BaseException):
            self._errors.append(exc)
        else:
            loop.default_exception_handler(context)

    async def _work(self) -> None:
        task = asyncio.current_task()
        assert task is not None
        task_states[task] = TaskState(None, None)
        try:
            while True:
                coro, future = await self._jobs.get()
                try:
                    result = await coro
                except (KeyboardInterrupt, SystemExit):
                    raise  # stops the loop; run_until_complete() re-raises it
                except BaseException as exc:  # pytest's Skipped etc. included
                    if not future.cancelled():
                        future.set_exception(exc)
                else:
                    if not future.cancelled():
                        future.set_result(result)
        finally:
            task_states.pop(task, None)

    def _call(self, coro: Coroutine[Any, Any, T]) -> T:
        loop = self._runner.get_loop()
        if self._worker is not None and self._worker.done():
            # A KeyboardInterrupt or SystemExit ended the worker task: start a
            # new one, so that the teardown of fixtures still runs.
            self._worker = loop.create_task(self._work(), name="anyio test runner")
        future: asyncio.Future[T] = loop.create_future()
        self._jobs.put_nowait((coro, future))
        try:
            with running_here(loop):
                loop.run_until_complete(future)
        except BaseException:
            if not future.done():
                # Interrupted (Ctrl+C): the coroutine may still be running.
                future.cancel()
            raise
        self._raise_loop_errors()
        return future.result()

    def _raise_loop_errors(self) -> None:
        errors, self._errors = self._errors, []
        if len(errors) == 1:
            raise errors[0]
        if errors:
            raise BaseExceptionGroup("errors in event loop callbacks", errors)

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

    def run_test(
        self, test_func: Callable[..., Coroutine[Any, Any, Any]], kwargs: dict[str, Any]
    ) -> None:
        self._call(test_func(**kwargs))

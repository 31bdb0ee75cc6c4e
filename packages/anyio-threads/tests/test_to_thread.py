"""Tests for anyio.to_thread (the worker-thread pool in anyio._threads._pool)."""

from __future__ import annotations

import gc
import sys
import threading
import weakref
from contextvars import ContextVar
from functools import partial
from typing import TYPE_CHECKING, Any

import pytest

import anyio
from anyio import CancelScope, create_task_group, from_thread, to_thread
from anyio._threads._pool import IDLE_TIMEOUT, Pool
from anyio.lowlevel import checkpoint, current_token

if TYPE_CHECKING:
    from anyio._threads._job import Job

pytestmark = pytest.mark.anyio

WORKER_NAME = "AnyIO worker thread"  # AnyIO's name
var: ContextVar[str] = ContextVar("var", default="unset")


def _worker_threads() -> set[threading.Thread]:
    return {thread for thread in threading.enumerate() if thread.name == WORKER_NAME}


class TestRunSync:
    async def test_returns_result(self) -> None:
        assert await to_thread.run_sync(pow, 2, 10) == 1024

    async def test_runs_in_another_thread(self) -> None:
        loop_thread = threading.get_ident()
        worker_thread = await to_thread.run_sync(threading.get_ident)
        assert worker_thread != loop_thread

    async def test_raises_the_function_exception(self) -> None:
        def fail() -> None:
            raise ValueError("from the worker")

        with pytest.raises(ValueError, match="from the worker") as excinfo:
            await to_thread.run_sync(fail)
        # The traceback still shows the function that raised.
        assert excinfo.traceback[-1].name == "fail"

    async def test_base_exception_propagates(self) -> None:
        def interrupt() -> None:
            raise KeyboardInterrupt

        with pytest.raises(KeyboardInterrupt):
            await to_thread.run_sync(interrupt)

    async def test_workers_are_reused(self) -> None:
        first = await to_thread.run_sync(threading.get_ident)
        second = await to_thread.run_sync(threading.get_ident)
        assert first == second

    async def test_worker_thread_name(self) -> None:
        assert await to_thread.run_sync(lambda: threading.current_thread().name) == WORKER_NAME

    async def test_cancellable_is_deprecated(self) -> None:
        with pytest.warns(DeprecationWarning, match="abandon_on_cancel"):
            assert await to_thread.run_sync(pow, 3, 2, cancellable=True) == 9


class TestCancellation:
    async def _cancel_from_worker(self, **options: bool) -> tuple[CancelScope, list[str]]:
        """Cancel the caller from inside the worker, then let the worker go on.

        Returns the caller's scope and the event log: "worker done" is the
        function's last side effect, "caller resumed" is written by the caller
        right after `run_sync()` returned.
        """
        abandon = options.get("cancellable", options.get("abandon_on_cancel", False))
        token = current_token()
        log: list[str] = []
        release = threading.Event()
        finished = threading.Event()

        async def caller_still_waiting() -> None:
            await anyio.wait_all_tasks_blocked()
            log.append("caller still waiting" if not log else "caller resumed early")

        def work() -> str:
            try:
                from_thread.run_sync(scope.cancel)
                if not abandon:
                    # Every task of the loop is blocked, the caller included. (With
                    # the token, in a task of its own: the caller's scope is cancelled.)
                    from_thread.run(caller_still_waiting, token=token)
                    release.set()
                release.wait(5)
                log.append("worker done")
                return "result"
            finally:
                finished.set()

        with CancelScope() as scope:
            try:
                log.append(await to_thread.run_sync(work, **options))
            finally:
                log.append("caller resumed")
            await checkpoint()
        if not release.is_set():
            release.set()
            assert finished.wait(5)
        return scope, log

    async def test_waits_for_the_thread_by_default(self) -> None:
        scope, log = await self._cancel_from_worker()
        assert log == ["caller still waiting", "worker done", "result", "caller resumed"]
        assert scope.cancelled_caught

    async def test_abandon_on_cancel_returns_at_once(self) -> None:
        scope, log = await self._cancel_from_worker(abandon_on_cancel=True)
        assert log[0] == "caller resumed"
        assert scope.cancelled_caught

    async def test_cancellable_true_abandons(self) -> None:
        with pytest.warns(DeprecationWarning, match="abandon_on_cancel"):
            scope, log = await self._cancel_from_worker(cancellable=True)
        assert log[0] == "caller resumed"
        assert scope.cancelled_caught

    async def test_cancellable_false_overrides_abandon_on_cancel(self) -> None:
        with pytest.warns(DeprecationWarning, match="abandon_on_cancel"):
            scope, log = await self._cancel_from_worker(abandon_on_cancel=True, cancellable=False)
        assert log == ["caller still waiting", "worker done", "result", "caller resumed"]
        assert scope.cancelled_caught

    async def test_not_run_if_the_caller_left_before_a_worker_took_it(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        # As in AnyIO (whose #1352 returns such a worker to the pool): a function
        # whose abandoning caller was cancelled before any worker started it never runs.
        ran = threading.Event()
        handed: list[Job] = []
        monkeypatch.setattr(Pool, "submit", lambda _pool, job: handed.append(job))
        with CancelScope() as scope:
            async with create_task_group() as tg:
                tg.start_soon(partial(to_thread.run_sync, ran.set, abandon_on_cancel=True))
                await anyio.wait_all_tasks_blocked()
                scope.cancel()
        [job] = handed
        assert job.run() == (False, None)  # what the worker that takes it now does
        assert not ran.is_set()

    async def test_cancelled_before_the_call(self) -> None:
        ran = threading.Event()
        with CancelScope() as scope:
            scope.cancel()
            await to_thread.run_sync(ran.set)
        assert scope.cancelled_caught
        assert not ran.is_set()


class TestLimiter:
    async def test_limiter_bounds_concurrency(self) -> None:
        limiter = anyio.CapacityLimiter(2)
        lock = threading.Lock()
        running = 0
        peak = 0
        # Two workers must meet at the barrier: it proves that 2 run at once,
        # and it times out (failing the test) if the limiter lets only 1 in.
        barrier = threading.Barrier(2, timeout=5)

        def work() -> None:
            nonlocal running, peak
            with lock:
                running += 1
                peak = max(peak, running)
            barrier.wait()
            with lock:
                running -= 1

        with anyio.fail_after(10):
            async with create_task_group() as tg:
                for _ in range(10):
                    tg.start_soon(lambda: to_thread.run_sync(work, limiter=limiter))
        assert peak == 2
        assert limiter.borrowed_tokens == 0

    async def test_default_limiter_has_40_tokens(self) -> None:
        limiter = to_thread.current_default_thread_limiter()
        assert isinstance(limiter, anyio.CapacityLimiter)
        assert limiter.total_tokens == 40
        assert to_thread.current_default_thread_limiter() is limiter

    async def test_default_limiter_is_used(self) -> None:
        limiter = to_thread.current_default_thread_limiter()

        def borrowed() -> float:
            return from_thread.run_sync(lambda: limiter.borrowed_tokens)

        assert await to_thread.run_sync(borrowed) == 1
        assert limiter.borrowed_tokens == 0


@pytest.mark.parametrize("backend", ["asyncio", "trio"])
def test_default_limiter_is_per_event_loop(backend: str) -> None:
    async def get_and_shrink() -> tuple[object, float]:
        limiter = to_thread.current_default_thread_limiter()
        tokens = limiter.total_tokens
        limiter.total_tokens = 3
        return limiter, tokens

    first, first_tokens = anyio.run(get_and_shrink, backend=backend)
    second, second_tokens = anyio.run(get_and_shrink, backend=backend)
    assert first is not second
    assert first_tokens == second_tokens == 40


class TestContextVars:
    async def test_worker_sees_caller_context(self) -> None:
        var.set("caller")
        assert await to_thread.run_sync(var.get) == "caller"

    async def test_no_leak_between_calls_or_back_to_caller(self) -> None:
        var.set("caller")

        def change() -> str:
            previous = var.get()
            var.set("worker")
            return previous

        assert await to_thread.run_sync(change) == "caller"
        assert var.get() == "caller"
        # Same worker thread, fresh copy of the caller's context.
        assert await to_thread.run_sync(change) == "caller"

    async def test_from_thread_sees_worker_context(
        self, anyio_backend_name: str, request: pytest.FixtureRequest
    ) -> None:
        var.set("caller")

        async def read() -> str:
            return var.get()

        def change_and_call_back() -> tuple[str, str]:
            var.set("worker")
            return from_thread.run(read), from_thread.run_sync(var.get)

        assert await to_thread.run_sync(change_and_call_back) == ("worker", "worker")
        assert var.get() == "caller"


def test_workers_leave_when_the_run_ends(
    anyio_backend_name: str, anyio_backend_options: dict[str, Any]
) -> None:
    # The run's end tells its idle workers to leave (without joining them there: that
    # would block the loop thread), and anyio.run() waits for them once the loop is
    # done: none is left when it returns.
    before = _worker_threads()

    async def main() -> set[int]:
        barrier = threading.Barrier(5, timeout=5)

        def work() -> int:
            barrier.wait()
            return threading.get_ident()

        idents: set[int] = set()

        async def call() -> None:
            idents.add(await to_thread.run_sync(work))

        async with create_task_group() as tg:
            for _ in range(5):
                tg.start_soon(call)
        return idents

    idents = anyio.run(main, backend=anyio_backend_name, backend_options=anyio_backend_options)
    assert len(idents) == 5
    assert not {thread.ident for thread in threading.enumerate()} & idents
    # Only new workers count: one left over from an earlier test may end meanwhile.
    assert not _worker_threads() - before


def test_a_finished_run_leaves_its_event_loop_to_the_garbage_collector(
    anyio_backend_name: str, anyio_backend_options: dict[str, Any]
) -> None:
    # AnyIO's #1203: the worker pool, kept per loop in a RunVar, must not refer to
    # the loop, or the loop would stay alive for ever (workers may, until they leave).
    async def main() -> tuple[weakref.ref[object], threading.Thread]:
        worker = await to_thread.run_sync(threading.current_thread)
        return weakref.ref(current_token().native_token), worker

    def run() -> tuple[weakref.ref[object], threading.Thread]:
        return anyio.run(main, backend=anyio_backend_name, backend_options=anyio_backend_options)

    first_loop, first_worker = run()
    # A second run: core's backend probe remembers the most recent asyncio loop.
    _, second_worker = run()
    first_worker.join(IDLE_TIMEOUT / 2)
    second_worker.join(IDLE_TIMEOUT / 2)
    gc.collect()
    assert first_loop() is None


class TestAnyIOThreadLocals:
    """``anyio._core._eventloop.threadlocals``, read by third-party code (asyncer)."""

    async def test_current_token_in_worker_threads_only(self) -> None:
        from anyio._core._eventloop import threadlocals
        from anyio.lowlevel import EventLoopToken, current_token

        assert getattr(threadlocals, "current_token", None) is None
        seen = await to_thread.run_sync(lambda: getattr(threadlocals, "current_token", None))
        assert isinstance(seen, EventLoopToken)
        assert seen.native_token is current_token().native_token


class TestBadArguments:
    async def test_async_function(self) -> None:
        async def coro_func() -> None:
            pass

        with pytest.raises(TypeError, match="expects a synchronous function"):
            await to_thread.run_sync(coro_func)  # type: ignore[arg-type]  # the point

    async def test_partial_of_async_function(self) -> None:
        async def coro_func(value: int) -> int:
            return value

        with pytest.raises(TypeError, match="expects a synchronous function"):
            await to_thread.run_sync(partial(coro_func, 1))

    async def test_callable_object_returning_a_coroutine(self) -> None:
        class AsyncCallable:
            async def __call__(self) -> None:
                pass

        with pytest.raises(TypeError, match="expects a synchronous function"):
            await to_thread.run_sync(AsyncCallable())

    async def test_bound_async_method(self) -> None:
        class Service:
            async def fetch(self) -> None:
                pass

        with pytest.raises(TypeError, match="expects a synchronous function"):
            await to_thread.run_sync(Service().fetch)  # type: ignore[arg-type]  # the point

    @pytest.mark.skipif(sys.version_info < (3, 12), reason="markcoroutinefunction() is 3.12+")
    async def test_function_marked_as_a_coroutine_function(self) -> None:
        # The quick check of plain functions must still honour inspect's marker.
        import inspect

        def looks_sync() -> None:
            pass

        inspect.markcoroutinefunction(looks_sync)
        with pytest.raises(TypeError, match="expects a synchronous function"):
            await to_thread.run_sync(looks_sync)

    async def test_limiter_of_the_wrong_type(self) -> None:
        with pytest.raises(TypeError, match="limiter"):
            await to_thread.run_sync(pow, 2, 2, limiter="x")  # type: ignore[arg-type]  # the point


@pytest.mark.skipif(sys.implementation.name != "cpython", reason="gc.get_referrers is CPython's")
class TestNoReferencesLeft:
    """Nothing the caller passed stays referenced by a worker after the call returned."""

    async def test_context_function_and_arguments(self) -> None:
        class Value:
            pass

        def func(_: Value) -> None:
            pass

        cvar: ContextVar[Value] = ContextVar("cvar")
        in_context, argument = Value(), Value()
        cvar.set(in_context)
        await to_thread.run_sync(func, argument)
        cvar.set(Value())  # the caller's own context lets go of it
        gc.collect()
        await checkpoint()
        this_frame = sys._getframe()
        assert [ref for ref in gc.get_referrers(in_context) if ref is not this_frame] == []
        assert [ref for ref in gc.get_referrers(argument) if ref is not this_frame] == []
        assert [ref for ref in gc.get_referrers(func) if ref is not this_frame] == []


class TestWaitAllTasksBlocked:
    async def test_waits_until_a_worker_has_taken_the_job(self) -> None:
        # Handed to a worker that waits for the GIL, the job is work in progress,
        # though its host task looks blocked (the MCP SDK's tests rely on this).
        for _ in range(20):
            started = threading.Event()
            async with create_task_group() as tg:
                tg.start_soon(to_thread.run_sync, started.set)
                await anyio.wait_all_tasks_blocked()
                assert started.is_set()

"""Tests for anyio.from_thread: run(), run_sync() and check_cancelled()."""

from __future__ import annotations

import threading
from concurrent.futures import Future
from functools import partial
from typing import TYPE_CHECKING, Any

import pytest

import anyio
from anyio import CancelScope, NoEventLoopError, RunFinishedError, from_thread, to_thread
from anyio.lowlevel import EventLoopToken, current_token

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable

pytestmark = pytest.mark.anyio

# AnyIO's exact messages (users' tests match them).
NO_WORKER_NO_TOKEN = (
    "Not running inside an AnyIO worker thread, and no event loop token was provided"
)
NOT_IN_WORKER = "This function can only be called inside an AnyIO worker thread"


async def async_add(a: int, b: int) -> int:
    await anyio.lowlevel.checkpoint()
    return a + b


async def async_fail() -> None:
    await anyio.lowlevel.checkpoint()
    raise ValueError("async failure")


def sync_fail() -> None:
    raise ValueError("sync failure")


async def run_in_plain_thread(func: Callable[[], Any]) -> Any:
    """Run ``func`` in a plain `threading.Thread` and wait for it without blocking the loop.

    The thread wakes the loop through a token when it is done; the loop sleeps
    in a cancel scope meanwhile.
    """
    token = current_token()
    outcome: list[tuple[bool, Any]] = []

    def target() -> None:
        try:
            outcome.append((True, func()))
        except BaseException as exc:
            outcome.append((False, exc))
        from_thread.run_sync(waiting.cancel, token=token)

    thread = threading.Thread(target=target)
    with anyio.fail_after(5), CancelScope() as waiting:
        thread.start()
        await anyio.sleep_forever()
    thread.join(5)
    assert not thread.is_alive()
    ok, value = outcome[0]
    if not ok:
        raise value
    return value


class TestFromWorkerThread:
    async def test_run_returns_result(self) -> None:
        assert await to_thread.run_sync(from_thread.run, async_add, 1, 2) == 3

    async def test_run_raises_exception(self) -> None:
        with pytest.raises(ValueError, match="async failure"):
            await to_thread.run_sync(from_thread.run, async_fail)

    async def test_run_sync_returns_result(self) -> None:
        assert await to_thread.run_sync(from_thread.run_sync, pow, 2, 5) == 32

    async def test_run_sync_raises_exception(self) -> None:
        with pytest.raises(ValueError, match="sync failure"):
            await to_thread.run_sync(from_thread.run_sync, sync_fail)

    async def test_run_sync_runs_in_loop_thread(self) -> None:
        loop_thread = threading.get_ident()
        assert await to_thread.run_sync(from_thread.run_sync, threading.get_ident) == loop_thread

    async def test_run_runs_in_loop_thread(self) -> None:
        loop_thread = threading.get_ident()

        async def ident() -> int:
            return threading.get_ident()

        assert await to_thread.run_sync(from_thread.run, ident) == loop_thread


class TestFromLoopThread:
    """Calls from the loop's own thread raise NoEventLoopError (a RuntimeError), as in AnyIO."""

    async def test_run_refused(self) -> None:
        with pytest.raises(NoEventLoopError, match=f"^{NO_WORKER_NO_TOKEN}$"):
            from_thread.run(async_add, 1, 2)

    async def test_run_sync_refused(self) -> None:
        with pytest.raises(NoEventLoopError, match=f"^{NO_WORKER_NO_TOKEN}$"):
            from_thread.run_sync(pow, 1, 2)

    async def test_run_with_token_refused(self) -> None:
        with pytest.raises(NoEventLoopError, match="event loop thread"):
            from_thread.run_sync(pow, 1, 2, token=current_token())
        coro_func = async_add  # never called: refused before the function is touched
        with pytest.raises(NoEventLoopError, match="event loop thread"):
            from_thread.run(coro_func, 1, 2, token=current_token())


class TestFromForeignThread:
    async def test_without_token_no_event_loop(self) -> None:
        with pytest.raises(NoEventLoopError, match=f"^{NO_WORKER_NO_TOKEN}$"):
            await run_in_plain_thread(lambda: from_thread.run_sync(pow, 1, 2))
        with pytest.raises(NoEventLoopError, match=f"^{NO_WORKER_NO_TOKEN}$"):
            await run_in_plain_thread(lambda: from_thread.run(async_add, 1, 2))

    async def test_run_sync_with_token(self) -> None:
        token = current_token()
        assert isinstance(token, EventLoopToken)
        assert (
            await run_in_plain_thread(lambda: from_thread.run_sync(pow, 3, 3, token=token)) == 27
        )

    async def test_run_with_token(self) -> None:
        token = current_token()
        result = await run_in_plain_thread(lambda: from_thread.run(async_add, 4, 5, token=token))
        assert result == 9

    async def test_exceptions_with_token(self) -> None:
        token = current_token()
        with pytest.raises(ValueError, match="sync failure"):
            await run_in_plain_thread(lambda: from_thread.run_sync(sync_fail, token=token))
        with pytest.raises(ValueError, match="async failure"):
            await run_in_plain_thread(lambda: from_thread.run(async_fail, token=token))


def test_no_loop_at_all() -> None:
    with pytest.raises(NoEventLoopError, match=f"^{NO_WORKER_NO_TOKEN}$"):
        from_thread.run_sync(pow, 1, 2)
    with pytest.raises(NoEventLoopError, match=f"^{NO_WORKER_NO_TOKEN}$"):
        from_thread.run(async_add, 1, 2)


@pytest.mark.parametrize("backend", ["asyncio", "trio"])
def test_token_after_run_finished(backend: str) -> None:
    async def get_token() -> EventLoopToken:
        return current_token()

    token = anyio.run(get_token, backend=backend)
    with pytest.raises(RunFinishedError):
        from_thread.run_sync(pow, 1, 2, token=token)


class TestCheckCancelled:
    async def test_not_cancelled_returns(self) -> None:
        def work() -> str:
            from_thread.check_cancelled()
            return "done"

        assert await to_thread.run_sync(work) == "done"

    async def test_raises_when_caller_cancelled(self) -> None:
        reached: list[str] = []

        def work() -> None:
            from_thread.run_sync(scope.cancel)
            from_thread.check_cancelled()
            reached.append("worker went on")

        with anyio.move_on_after(5) as scope:
            await to_thread.run_sync(work)
            reached.append("caller went on")
        assert scope.cancelled_caught
        assert reached == []

    async def test_deadline_stops_a_loop(self) -> None:
        stop = threading.Event()
        rounds = 0

        def work() -> None:
            nonlocal rounds
            # Bounded: without cancellation delivery this ends after ~5 s and fails.
            while not stop.wait(0.001) and rounds < 5000:
                rounds += 1
                from_thread.check_cancelled()

        with anyio.move_on_after(0.05) as scope:
            await to_thread.run_sync(work)
        assert scope.cancelled_caught
        assert 0 < rounds < 5000

    async def test_outside_worker_thread(self) -> None:
        with pytest.raises(NoEventLoopError, match=f"^{NOT_IN_WORKER}$"):
            from_thread.check_cancelled()
        with pytest.raises(NoEventLoopError, match=f"^{NOT_IN_WORKER}$"):
            await run_in_plain_thread(from_thread.check_cancelled)

    @pytest.mark.parametrize("abandon_on_cancel", [False, True])
    async def test_cancellation_stays_in_the_cancelled_scope(
        self, abandon_on_cancel: bool
    ) -> None:
        # The scope that was cancelled swallows what check_cancelled() raised,
        # and only that one: an inner scope that was not cancelled lets it through.
        def work() -> None:
            from_thread.run_sync(outer.cancel)
            from_thread.check_cancelled()

        reached: list[str] = []
        with CancelScope() as outer:
            with CancelScope() as inner:
                await to_thread.run_sync(work, abandon_on_cancel=abandon_on_cancel)
            reached.append("after inner")
        reached.append("after outer")
        assert outer.cancelled_caught
        assert not inner.cancelled_caught
        assert reached == ["after outer"]

    async def test_abandoned_thread_sees_the_cancellation(self) -> None:
        # The caller is cancelled and leaves at once; the thread goes on and asks.
        left = threading.Event()
        outcome: Future[None] = Future()

        def work() -> None:
            from_thread.run_sync(scope.cancel)
            left.wait(5)
            try:
                from_thread.check_cancelled()
            except BaseException as exc:
                outcome.set_exception(exc)
            else:
                outcome.set_result(None)

        with CancelScope() as scope:
            await to_thread.run_sync(work, abandon_on_cancel=True)
        assert scope.cancelled_caught
        left.set()
        with pytest.raises(anyio.get_cancelled_exc_class()):
            await to_thread.run_sync(outcome.result, 5)


def test_check_cancelled_without_loop() -> None:
    with pytest.raises(NoEventLoopError, match=f"^{NOT_IN_WORKER}$"):
        from_thread.check_cancelled()


class TestRunsInTheCallersScope:
    """From a worker thread, calls back run in the task that called to_thread.run_sync()."""

    async def test_cancelling_the_callers_scope_cancels_the_function(self) -> None:
        reached: list[str] = []

        async def cancel_own_caller() -> None:
            scope.cancel()
            # Guard: without the caller's scope around it, this times out instead.
            with anyio.fail_after(5):
                await anyio.sleep_forever()
            reached.append("after sleep")

        with CancelScope() as scope:
            await to_thread.run_sync(from_thread.run, cancel_own_caller)
            reached.append("after run_sync")
        assert scope.cancelled_caught
        assert reached == []

    async def test_cancel_from_run_sync_reaches_a_later_run(self) -> None:
        def work() -> None:
            from_thread.run_sync(scope.cancel)
            from_thread.run(anyio.lowlevel.checkpoint)

        with CancelScope() as scope:
            await to_thread.run_sync(work)
        assert scope.cancelled_caught

    async def test_scope_cancelled_before_the_call(self) -> None:
        # The caller's scope is cancelled while the thread is busy; a later call
        # back is cancelled at its first checkpoint (as on Trio).
        cancelled = threading.Event()
        outcome: list[str] = []
        cancelled_class = anyio.get_cancelled_exc_class()

        def work() -> None:
            assert cancelled.wait(5)
            try:
                from_thread.run(anyio.sleep_forever)
            except cancelled_class:
                outcome.append("cancelled")
                raise

        async def cancel_when_blocked() -> None:
            await anyio.wait_all_tasks_blocked()
            scope.cancel()
            cancelled.set()

        async with anyio.create_task_group() as tg:
            tg.start_soon(cancel_when_blocked)
            with anyio.fail_after(5), CancelScope() as scope:
                await to_thread.run_sync(work)
        assert scope.cancelled_caught
        assert outcome == ["cancelled"]

    async def test_outer_deadline_reaches_the_function(self) -> None:
        with anyio.move_on_after(0.01) as scope:
            await to_thread.run_sync(from_thread.run, anyio.sleep, 10)
        assert scope.cancelled_caught

    @pytest.mark.parametrize("sync", [False, True], ids=["run", "run_sync"])
    async def test_runs_in_the_calling_task(self, sync: bool) -> None:
        async def current() -> anyio.TaskInfo:
            return anyio.get_current_task()

        caller = anyio.get_current_task()
        if sync:
            seen = await to_thread.run_sync(from_thread.run_sync, anyio.get_current_task)
        else:
            seen = await to_thread.run_sync(from_thread.run, current)
        assert seen.id == caller.id

    async def test_abandoned_call_is_not_cancelled_with_the_caller(self) -> None:
        # With abandon_on_cancel=True the function runs in a task of its own (as on Trio).
        caller_left = anyio.Event()
        completed = anyio.Event()

        async def cancel_own_caller() -> None:
            scope.cancel()
            with anyio.fail_after(5):
                await caller_left.wait()
            completed.set()

        with CancelScope() as scope:
            await to_thread.run_sync(from_thread.run, cancel_own_caller, abandon_on_cancel=True)
        assert scope.cancelled_caught
        caller_left.set()
        with anyio.fail_after(5):
            await completed.wait()

    async def test_calls_after_the_caller_left(self) -> None:
        # The abandoned thread may still call back; the calls run outside any scope.
        left = threading.Event()
        results: Future[tuple[int, int]] = Future()

        def work() -> None:
            from_thread.run_sync(scope.cancel)
            left.wait(5)
            results.set_result((from_thread.run(async_add, 1, 2), from_thread.run_sync(pow, 2, 3)))

        with CancelScope() as scope:
            await to_thread.run_sync(work, abandon_on_cancel=True)
        left.set()
        assert await to_thread.run_sync(results.result, 5) == (3, 8)

    async def test_awaitable_that_is_not_a_coroutine(self) -> None:
        async def numbers() -> AsyncIterator[int]:
            await anyio.lowlevel.checkpoint()
            yield 42

        generator = numbers()
        try:
            assert await to_thread.run_sync(from_thread.run, generator.__anext__) == 42
        finally:
            await generator.aclose()

    async def test_sync_function_given_to_run(self) -> None:
        with pytest.raises(TypeError, match="run_sync"):
            await to_thread.run_sync(from_thread.run, pow, 2, 2)


class AsyncCallable:
    """A callable object whose ``__call__`` is async: only its result gives it away."""

    async def __call__(self) -> int:
        await anyio.lowlevel.checkpoint()
        return 1


class TestAsyncFunctionGivenToRunSync:
    """``from_thread.run_sync()`` refuses async functions with a TypeError naming them.

    (AnyIO raises TypeError on Trio and hands back an unawaited coroutine on asyncio.)
    """

    @pytest.mark.parametrize("abandon_on_cancel", [False, True])
    async def test_async_function(self, abandon_on_cancel: bool) -> None:
        with pytest.raises(TypeError, match=r"expects a synchronous function.*async_add"):
            await to_thread.run_sync(
                from_thread.run_sync, async_add, 1, 2, abandon_on_cancel=abandon_on_cancel
            )

    async def test_partial_of_async_function(self) -> None:
        with pytest.raises(TypeError, match="expects a synchronous function"):
            await to_thread.run_sync(from_thread.run_sync, partial(async_add, 1, 2))

    @pytest.mark.parametrize("abandon_on_cancel", [False, True])
    async def test_object_returning_a_coroutine(self, abandon_on_cancel: bool) -> None:
        with pytest.raises(TypeError, match=r"expects a synchronous function.*AsyncCallable"):
            await to_thread.run_sync(
                from_thread.run_sync, AsyncCallable(), abandon_on_cancel=abandon_on_cancel
            )

    async def test_from_a_foreign_thread(self) -> None:
        token = current_token()

        def call() -> object:
            return from_thread.run_sync(AsyncCallable(), token=token)

        with pytest.raises(TypeError, match="expects a synchronous function"):
            await run_in_plain_thread(call)


class TestSniffio:
    """sniffio names the backend inside calls back, whatever the thread set."""

    @pytest.mark.parametrize("sync", [False, True], ids=["run", "run_sync"])
    async def test_reports_the_backend(self, sync: bool, anyio_backend_name: str) -> None:
        sniffio = pytest.importorskip("sniffio")

        async def library() -> str:
            return str(sniffio.current_async_library())

        def work() -> str:
            sniffio.current_async_library_cvar.set("something else")
            if sync:
                return str(from_thread.run_sync(sniffio.current_async_library))
            return from_thread.run(library)

        assert await to_thread.run_sync(work) == anyio_backend_name


class TestFromAnotherLoopThread:
    """A thread that runs an event loop of its own may call into another loop (as in AnyIO)."""

    @staticmethod
    def _run_in_own_loop(library: str, func: Callable[[], Any]) -> Any:
        # Calls func() synchronously from inside a loop that anyio did not start.
        import asyncio

        async def main() -> Any:
            return func()

        if library == "trio":
            import trio

            return trio.run(main)
        return asyncio.run(main())

    @pytest.mark.parametrize("library", ["asyncio", "trio"])
    async def test_run_with_token(self, library: str) -> None:
        token = current_token()
        result = await run_in_plain_thread(
            lambda: self._run_in_own_loop(
                library, lambda: from_thread.run(async_add, 2, 3, token=token)
            )
        )
        assert result == 5

    @pytest.mark.parametrize("library", ["asyncio", "trio"])
    async def test_run_sync_with_token(self, library: str) -> None:
        token = current_token()
        result = await run_in_plain_thread(
            lambda: self._run_in_own_loop(
                library, lambda: from_thread.run_sync(pow, 2, 5, token=token)
            )
        )
        assert result == 32

    @pytest.mark.parametrize("library", ["asyncio", "trio"])
    def test_without_token_outside_a_worker_thread(self, library: str) -> None:
        # Not a worker thread and no token: there is nothing to call into.
        with pytest.raises(RuntimeError):
            self._run_in_own_loop(library, lambda: from_thread.run_sync(pow, 1, 2))


class TestToThreadInsideFromThread:
    """`to_thread.run_sync()` called by a `from_thread.run()` call (asyncer nests this way)."""

    async def test_the_nested_call_runs(self) -> None:
        async def sub_work() -> str:
            return await to_thread.run_sync(str.upper, "deep")

        def work() -> str:
            return from_thread.run(sub_work)

        assert await to_thread.run_sync(work) == "DEEP"
        assert to_thread.current_default_thread_limiter().borrowed_tokens == 0

    async def test_the_nested_call_takes_a_token_of_its_own(self) -> None:
        limiter = anyio.CapacityLimiter(2)

        async def sub_work() -> float:
            return await to_thread.run_sync(lambda: limiter.borrowed_tokens, limiter=limiter)

        def work() -> float:
            return from_thread.run(sub_work)

        assert await to_thread.run_sync(work, limiter=limiter) == 2
        assert limiter.borrowed_tokens == 0

    async def test_nested_twice(self) -> None:
        # Each level's host holds a token of the same limiter: the innermost call
        # borrows a third one, as three separate tasks would in AnyIO.
        limiter = anyio.CapacityLimiter(3)

        async def innermost() -> float:
            return await to_thread.run_sync(lambda: limiter.borrowed_tokens, limiter=limiter)

        async def middle() -> float:
            return await to_thread.run_sync(from_thread.run, innermost, limiter=limiter)

        def outer() -> float:
            return from_thread.run(middle)

        assert await to_thread.run_sync(outer, limiter=limiter) == 3
        assert limiter.borrowed_tokens == 0

    async def test_a_task_holding_the_limiter_itself_is_still_refused(self) -> None:
        # Only the host's own token is taken into account, not the caller's: as in AnyIO.
        limiter = anyio.CapacityLimiter(2)
        async with limiter:
            with pytest.raises(RuntimeError, match="already holding"):
                await to_thread.run_sync(str, limiter=limiter)

"""Tests for blocking portals (anyio._threads._portal)."""

from __future__ import annotations

import sys
import threading
from concurrent import futures
from concurrent.futures import CancelledError, Future
from contextlib import asynccontextmanager, suppress
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

import pytest

import anyio
from anyio import CancelScope, from_thread, to_thread
from anyio.from_thread import BlockingPortal, BlockingPortalProvider, start_blocking_portal

if sys.version_info < (3, 11):
    from exceptiongroup import ExceptionGroup

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator

    from anyio.abc import TaskStatus

BACKENDS = ["asyncio", "trio"]


async def async_add(a: int, b: int) -> int:
    await anyio.lowlevel.checkpoint()
    return a + b


async def async_fail() -> None:
    await anyio.lowlevel.checkpoint()
    raise ValueError("async failure")


def sync_fail() -> None:
    raise ValueError("sync failure")


async def current_task_name() -> str:
    return anyio.get_current_task().name


class Sleeper:
    """An async function that waits until released and reports, through threading
    events, that it started and whether it was cancelled.

    It gives up by itself after 5 s: a failing test cannot hang the portal's
    teardown.
    """

    def __init__(self) -> None:
        self.started = threading.Event()
        self.cancelled = threading.Event()
        self._release: anyio.Event | None = None

    async def __call__(self) -> str:
        self._release = anyio.Event()
        try:
            self.started.set()
            with anyio.move_on_after(5):
                await self._release.wait()
        except anyio.get_cancelled_exc_class():
            self.cancelled.set()
            raise
        return "released"

    def release(self, portal: BlockingPortal) -> None:
        """Let the sleeper return (call from outside the portal's loop, after `started`)."""
        assert self._release is not None
        portal.call(self._release.set)


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def portal(backend: str) -> Iterator[BlockingPortal]:
    with start_blocking_portal(backend) as portal:
        yield portal


class TestCall:
    def test_sync_function(self, portal: BlockingPortal) -> None:
        assert portal.call(pow, 2, 8) == 256

    def test_async_function(self, portal: BlockingPortal) -> None:
        assert portal.call(async_add, 2, 3) == 5

    def test_runs_in_the_loop_thread(self, portal: BlockingPortal) -> None:
        loop_thread = portal.call(threading.get_ident)
        assert loop_thread != threading.get_ident()
        assert portal.call(threading.get_ident) == loop_thread

    def test_sync_exception_reaches_caller(self, portal: BlockingPortal) -> None:
        with pytest.raises(ValueError, match="sync failure"):
            portal.call(sync_fail)

    def test_async_exception_reaches_caller(self, portal: BlockingPortal) -> None:
        with pytest.raises(ValueError, match="async failure"):
            portal.call(async_fail)
        # The portal survives a failed call.
        assert portal.call(async_add, 1, 1) == 2

    def test_sync_function_returning_a_coroutine(self, portal: BlockingPortal) -> None:
        # As in AnyIO: a callable whose result is awaitable has that result awaited
        # (unlike from_thread.run_sync(), which refuses it).
        def make_coroutine(a: int, b: int) -> Any:
            return async_add(a, b)

        assert portal.call(make_coroutine, 2, 3) == 5

    def test_thousand_calls(self, portal: BlockingPortal) -> None:
        for i in range(1000):
            assert portal.call(pow, i, 2) == i * i

    def test_thousand_async_calls(self, portal: BlockingPortal) -> None:
        for i in range(1000):
            assert portal.call(async_add, i, 1) == i + 1


class TestStartTaskSoon:
    def test_future_result(self, portal: BlockingPortal) -> None:
        future = portal.start_task_soon(async_add, 20, 22)
        assert future.result(5) == 42

    def test_future_exception(self, portal: BlockingPortal) -> None:
        future = portal.start_task_soon(async_fail)
        with pytest.raises(ValueError, match="async failure"):
            future.result(5)

    def test_task_name(self, portal: BlockingPortal) -> None:
        assert portal.start_task_soon(current_task_name, name="custom").result(5) == "custom"
        assert portal.call(current_task_name).endswith("current_task_name")

    def test_cancel_future_cancels_task(self, portal: BlockingPortal) -> None:
        sleeper = Sleeper()
        future = portal.start_task_soon(sleeper)
        try:
            assert sleeper.started.wait(5)
            assert future.cancel()
            assert sleeper.cancelled.wait(5)
            assert future.cancelled()
        finally:
            sleeper.release(portal)

    def test_tasks_run_concurrently(self, portal: BlockingPortal) -> None:
        sleepers = [Sleeper() for _ in range(3)]
        futures = [portal.start_task_soon(sleeper) for sleeper in sleepers]
        for sleeper in sleepers:
            assert sleeper.started.wait(5)
        for sleeper, future in zip(sleepers, futures, strict=True):
            assert not future.done()
            sleeper.release(portal)
            assert future.result(5) == "released"

    def test_cancelled_at_once_still_starts(self, portal: BlockingPortal) -> None:
        # As in AnyIO: the task runs up to its first checkpoint, which raises, so
        # its except and finally blocks run.
        cancelled = threading.Event()
        finished = threading.Event()

        async def task() -> None:
            try:
                await anyio.sleep(5)
            except anyio.get_cancelled_exc_class():
                cancelled.set()
                raise
            finally:
                finished.set()

        future = portal.start_task_soon(task)
        future.cancel()
        assert finished.wait(5)
        assert cancelled.is_set()
        assert future.cancelled()


class TestStartTask:
    def test_returns_future_and_start_value(self, portal: BlockingPortal) -> None:
        release = threading.Event()

        async def service(prefix: str, *, task_status: TaskStatus[str]) -> str:
            task_status.started(prefix + " ready")
            await to_thread.run_sync(release.wait, 5)
            return prefix + " done"

        future, value = portal.start_task(service, "svc")
        assert value == "svc ready"
        assert isinstance(future, Future)
        assert not future.done()
        release.set()
        assert future.result(5) == "svc done"

    def test_exception_before_started(self, portal: BlockingPortal) -> None:
        async def broken(*, task_status: TaskStatus[None]) -> None:
            raise ValueError("no start")

        with pytest.raises(ValueError, match="no start"):
            portal.start_task(broken)

    def test_exit_without_started(self, portal: BlockingPortal) -> None:
        async def lazy(*, task_status: TaskStatus[None]) -> None:
            pass

        with pytest.raises(RuntimeError, match=r"started\(\)"):
            portal.start_task(lazy)


class TestWrapAsyncContextManager:
    def test_enter_and_exit(self, portal: BlockingPortal) -> None:
        log: list[Any] = []

        @asynccontextmanager
        async def resource() -> AsyncIterator[str]:
            log.append(("enter", threading.get_ident()))
            yield "resource"
            log.append("exit")

        with portal.wrap_async_context_manager(resource()) as value:
            assert value == "resource"
            assert log == [("enter", portal.call(threading.get_ident))]
        assert log[-1] == "exit"

    def test_exception_reaches_aexit(self, portal: BlockingPortal) -> None:
        seen: list[BaseException | None] = []

        @asynccontextmanager
        async def resource() -> AsyncIterator[None]:
            try:
                yield
            except ValueError as exc:
                seen.append(exc)
                raise

        error = ValueError("in block")
        with (
            pytest.raises(ValueError, match="in block"),
            portal.wrap_async_context_manager(resource()),
        ):
            raise error
        assert seen == [error]

    def test_task_group_error_inside_the_context_manager(self, portal: BlockingPortal) -> None:
        # A child task of a task group opened by the context manager fails while
        # the block runs: the caller gets the group's ExceptionGroup.
        async def fail() -> None:
            raise ZeroDivisionError

        @asynccontextmanager
        async def with_task_group() -> AsyncIterator[None]:
            async with anyio.create_task_group() as tg:
                tg.start_soon(fail)
                yield

        with (
            pytest.raises(ExceptionGroup) as excinfo,
            portal.wrap_async_context_manager(with_task_group()),
        ):
            pass
        assert len(excinfo.value.exceptions) == 1
        assert isinstance(excinfo.value.exceptions[0], ZeroDivisionError)

    def test_task_group_error_while_the_block_waits(self, portal: BlockingPortal) -> None:
        failed = threading.Event()

        async def fail() -> None:
            try:
                raise ZeroDivisionError
            finally:
                failed.set()

        @asynccontextmanager
        async def with_task_group() -> AsyncIterator[None]:
            async with anyio.create_task_group() as tg:
                tg.start_soon(fail)
                yield

        def use() -> None:
            with portal.wrap_async_context_manager(with_task_group()):
                assert failed.wait(5)
                portal.call(anyio.wait_all_tasks_blocked)

        with pytest.raises(ExceptionGroup) as excinfo:
            use()
        assert isinstance(excinfo.value.exceptions[0], ZeroDivisionError)

    def test_aexit_can_suppress(self, portal: BlockingPortal) -> None:
        @asynccontextmanager
        async def suppressing() -> AsyncIterator[None]:
            with suppress(ValueError):
                yield

        with portal.wrap_async_context_manager(suppressing()):
            raise ValueError("suppressed")


class TestStop:
    def test_calls_after_stop(self, portal: BlockingPortal) -> None:
        portal.call(portal.stop)
        with pytest.raises(RuntimeError, match="not running"):
            portal.call(pow, 1, 2)
        with pytest.raises(RuntimeError, match="not running"):
            portal.start_task_soon(async_add, 1, 2)

    def test_calls_after_exit(self, backend: str) -> None:
        with start_blocking_portal(backend) as portal:
            pass
        with pytest.raises(RuntimeError):
            portal.call(pow, 1, 2)

    def test_stop_cancel_remaining(self, backend: str) -> None:
        sleeper = Sleeper()
        with start_blocking_portal(backend) as portal:
            future = portal.start_task_soon(sleeper)
            assert sleeper.started.wait(5)
            assert portal.call(portal.stop, True) is None
            assert sleeper.cancelled.wait(5)
        assert future.cancelled()
        with pytest.raises(CancelledError):
            future.result(0)


CALLER_VAR: ContextVar[str] = ContextVar("CALLER_VAR")


async def started_then_read(*, task_status: Any) -> str:
    task_status.started()
    return CALLER_VAR.get("missing")


@pytest.mark.parametrize("backend", BACKENDS)
class TestStartBlockingPortal:
    def test_no_thread_left_behind(self, backend: str) -> None:
        before = threading.active_count()
        with start_blocking_portal(backend) as portal:
            assert threading.active_count() == before + 1
            portal.call(async_add, 1, 2)
        assert threading.active_count() == before

    @pytest.mark.parametrize("library", ["asyncio", "trio"])
    def test_used_from_a_thread_that_runs_its_own_loop(self, backend: str, library: str) -> None:
        # As in AnyIO, only the portal's own loop thread is refused: a caller
        # inside another event loop (a plain asyncio.run(), say) may use it, and
        # leaving the block stops the portal rather than hanging on the join.
        import asyncio

        async def main() -> int:
            with start_blocking_portal(backend) as portal:
                return portal.call(async_add, 20, 22)

        if library == "trio":
            import trio

            assert trio.run(main) == 42
        else:
            assert asyncio.run(main()) == 42

    def test_worker_threads_of_the_portal_loop_are_gone(self, backend: str) -> None:
        before = threading.active_count()
        with start_blocking_portal(backend) as portal:
            assert portal.call(to_thread.run_sync, pow, 2, 2) == 4
        assert threading.active_count() == before

    def test_calls_see_the_calling_threads_context(self, backend: str) -> None:
        # What a web framework's test client relies on (starlette: context
        # variables set by the test are visible to the app it drives).
        def read_in_thread() -> str:
            return CALLER_VAR.get("missing")

        async def read() -> tuple[str, str]:
            return CALLER_VAR.get("missing"), await to_thread.run_sync(read_in_thread)

        token = CALLER_VAR.set("set by the caller")
        try:
            with start_blocking_portal(backend) as portal:
                assert portal.call(read) == ("set by the caller", "set by the caller")
                future, _ = portal.start_task(started_then_read)
                assert future.result(5) == "set by the caller"
        finally:
            CALLER_VAR.reset(token)

    def test_default_thread_name(self, backend: str) -> None:
        with start_blocking_portal(backend) as portal:
            name = portal.call(lambda: threading.current_thread().name)
        assert name == f"{backend}-portal-{id(portal):x}"

    def test_thread_name_and_daemon(self, backend: str) -> None:
        with start_blocking_portal(backend, name="my portal") as portal:
            thread = next(t for t in threading.enumerate() if t.name == "my portal")
            assert thread.daemon
            assert portal.call(threading.get_ident) == thread.ident

    def test_block_exception_cancels_tasks_and_propagates(self, backend: str) -> None:
        sleeper = Sleeper()

        def use_portal() -> None:
            with start_blocking_portal(backend) as portal:
                portal.start_task_soon(sleeper)
                assert sleeper.started.wait(5)
                raise ValueError("in block")

        with pytest.raises(ValueError, match="in block"):
            use_portal()
        assert sleeper.cancelled.wait(0)

    def test_waits_for_remaining_tasks(self, backend: str) -> None:
        release = threading.Event()
        done = threading.Event()

        async def slow() -> None:
            await to_thread.run_sync(release.wait, 5)
            done.set()

        with start_blocking_portal(backend) as portal:
            future = portal.start_task_soon(slow)
            release.set()
        assert done.is_set()
        assert future.result(0) is None

    def test_unknown_backend(self, backend: str) -> None:
        before = threading.active_count()
        name = backend + "-nonexistent"
        with (
            pytest.raises(LookupError, match=f"^No such backend: {name}"),
            start_blocking_portal(name),
        ):
            pass
        assert threading.active_count() == before


@pytest.mark.anyio
class TestPortalInLoop:
    async def test_call_from_loop_thread_refused(self) -> None:
        message = "^This method cannot be called from the event loop thread$"  # AnyIO's
        async with BlockingPortal() as portal:
            with pytest.raises(RuntimeError, match=message) as excinfo:
                portal.call(pow, 1, 2)
            assert type(excinfo.value) is RuntimeError
            with pytest.raises(RuntimeError, match=message):
                portal.start_task_soon(async_add, 1, 2)

    async def test_stop_cancels_tasks_started_from_a_thread(self) -> None:
        started = anyio.Event()

        def start_and_wait() -> tuple[set[Future[Any]], set[Future[Any]]]:
            future = portal.start_task_soon(anyio.sleep_forever)
            from_thread.run_sync(started.set)
            done, not_done = futures.wait([future], timeout=5)
            return done, not_done

        with anyio.fail_after(10):
            async with BlockingPortal() as portal, anyio.create_task_group() as tg:

                async def run_thread() -> None:
                    outcome.append(await to_thread.run_sync(start_and_wait))

                outcome: list[tuple[set[Future[Any]], set[Future[Any]]]] = []
                tg.start_soon(run_thread)
                await started.wait()
                await portal.stop(cancel_remaining=True)
        done, not_done = outcome[0]
        assert not not_done
        assert next(iter(done)).cancelled()

    async def test_stop_cancels_tasks_not_started_yet(self) -> None:
        # The task is handed over but not started when stop() cancels the rest.
        async with BlockingPortal() as portal:
            future = await to_thread.run_sync(portal.start_task_soon, anyio.sleep_forever)
            await portal.stop(cancel_remaining=True)
        with anyio.fail_after(5):
            await to_thread.run_sync(futures.wait, [future], 5)
        assert future.cancelled()

    async def test_call_from_worker_thread(self) -> None:
        async with BlockingPortal() as portal:
            assert await to_thread.run_sync(portal.call, async_add, 2, 2) == 4
            with pytest.raises(ValueError, match="sync failure"):
                await to_thread.run_sync(portal.call, sync_fail)

    async def test_sleep_until_stopped(self) -> None:
        async with BlockingPortal() as portal:
            await to_thread.run_sync(portal.call, portal.stop)
            with anyio.fail_after(5):
                await portal.sleep_until_stopped()

    async def test_stop_cancel_remaining(self) -> None:
        sleeper = Sleeper()
        with anyio.fail_after(5):
            async with BlockingPortal() as portal:
                future = await to_thread.run_sync(portal.start_task_soon, sleeper)
                await anyio.wait_all_tasks_blocked()
                assert sleeper.started.is_set()
                await portal.stop(cancel_remaining=True)
        assert sleeper.cancelled.is_set()
        assert future.cancelled()
        with pytest.raises(RuntimeError, match="not running"):
            await to_thread.run_sync(portal.call, pow, 1, 2)

    async def test_stop_lets_tasks_finish(self) -> None:
        release = threading.Event()
        results: list[int] = []

        async def finish() -> None:
            await to_thread.run_sync(release.wait, 5)
            results.append(1)

        with anyio.fail_after(5):
            async with BlockingPortal() as portal:
                await to_thread.run_sync(portal.start_task_soon, finish)
                await portal.stop()
                release.set()
        assert results == [1]


def test_not_exported_from_anyio() -> None:
    with pytest.raises(ImportError):
        from anyio import start_blocking_portal  # noqa: F401


def test_anyio_exports() -> None:
    assert anyio.from_thread.BlockingPortal is BlockingPortal
    assert from_thread.start_blocking_portal is start_blocking_portal


@pytest.mark.parametrize("name", ["BlockingPortal", "BlockingPortalProvider"])
def test_public_module_name(name: str) -> None:
    assert getattr(from_thread, name).__module__ == "anyio.from_thread"


@pytest.mark.parametrize("backend", BACKENDS)
class TestBlockingPortalProvider:
    def test_shared_between_threads(self, backend: str) -> None:
        before = threading.active_count()
        provider = BlockingPortalProvider(backend)
        both_inside = threading.Barrier(2, timeout=5)
        portals: list[BlockingPortal] = []
        errors: list[BaseException] = []

        def use() -> None:
            try:
                with provider as portal:
                    portals.append(portal)
                    both_inside.wait()
                    assert portal.call(async_add, 1, 2) == 3
                    both_inside.wait()
            except BaseException as exc:
                errors.append(exc)

        threads = [threading.Thread(target=use) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(10)
        assert errors == []
        assert len(portals) == 2
        assert portals[0] is portals[1]
        # The last user stopped the portal and its thread.
        with pytest.raises(RuntimeError):
            portals[0].call(pow, 1, 2)
        assert threading.active_count() == before

    def test_new_portal_after_last_exit(self, backend: str) -> None:
        provider = BlockingPortalProvider(backend)
        with provider as first:
            with provider as nested:
                assert nested is first
            assert first.call(pow, 2, 2) == 4
        with provider as second:
            assert second is not first
            assert second.call(pow, 3, 2) == 9

    def test_recovers_after_a_portal_failed_to_start(self, backend: str) -> None:
        provider = BlockingPortalProvider(backend, {"no_such_option": True})
        with pytest.raises(TypeError), provider:
            pass
        provider.backend_options = None
        with provider as portal:
            assert portal.call(pow, 2, 3) == 8

    def test_block_error_cancels_the_portal_tasks(self, backend: str) -> None:
        sleeper = Sleeper()

        def use() -> None:
            with BlockingPortalProvider(backend) as portal:
                portal.start_task_soon(sleeper)
                assert sleeper.started.wait(5)
                raise ValueError("in block")

        with pytest.raises(ValueError, match="in block"):
            use()
        assert sleeper.cancelled.is_set()


class TestCancelAfterStop:
    def test_task_cancellable_after_stop(self, portal: BlockingPortal) -> None:
        sleeper = Sleeper()
        future = portal.start_task_soon(sleeper)
        assert sleeper.started.wait(5)
        portal.call(portal.stop)
        future.cancel()
        assert sleeper.cancelled.wait(5)
        done, _ = futures.wait([future], timeout=5)
        assert done == {future}


class _CancelledWhileSettled(Future[Any]):
    """A future that another thread cancels just as the portal hands it the outcome."""

    def set_result(self, result: Any) -> None:
        self.cancel()
        super().set_result(result)

    def set_exception(self, exception: BaseException | None) -> None:
        self.cancel()
        super().set_exception(exception)


@pytest.mark.anyio
class TestCancelDuringCompletion:
    """AnyIO 4.16 (#1410): a cancel() that races the outcome loses; the outcome is delivered."""

    @pytest.fixture(autouse=True)
    def _racing_futures(self, monkeypatch: pytest.MonkeyPatch) -> None:
        import anyio._threads._portal as portal_module

        monkeypatch.setattr(portal_module, "Future", _CancelledWhileSettled)

    async def test_result(self) -> None:
        async with BlockingPortal() as portal:
            assert await to_thread.run_sync(portal.call, async_add, 1, 2) == 3

    async def test_exception(self) -> None:
        async with BlockingPortal() as portal:
            with pytest.raises(ValueError, match="async failure"):
                await to_thread.run_sync(portal.call, async_fail)


@pytest.mark.anyio
class TestCallAsync:
    """``call_async()`` from a task of another loop (the caller runs on each backend)."""

    @pytest.mark.parametrize("portal_backend", BACKENDS)
    async def test_another_loop(self, portal_backend: str) -> None:
        with start_blocking_portal(portal_backend) as portal:
            assert await portal.call_async(async_add, 2, 3) == 5
            assert await portal.call_async(pow, 2, 4) == 16
            portal_thread = await portal.call_async(threading.get_ident)
        assert portal_thread != threading.get_ident()

    @pytest.mark.parametrize("portal_backend", BACKENDS)
    async def test_exception_reaches_the_caller(self, portal_backend: str) -> None:
        with start_blocking_portal(portal_backend) as portal:
            with pytest.raises(ValueError, match="async failure"):
                await portal.call_async(async_fail)
            with pytest.raises(ValueError, match="sync failure"):
                await portal.call_async(sync_fail)

    async def test_refused_in_the_portal_loop(self) -> None:
        async with BlockingPortal() as portal:
            with pytest.raises(
                RuntimeError, match="This method cannot be called from the event loop thread"
            ):
                await portal.call_async(pow, 1, 2)

    async def test_not_running(self) -> None:
        with start_blocking_portal() as portal:
            portal.call(portal.stop)
            with pytest.raises(RuntimeError, match="not running"):
                await portal.call_async(pow, 1, 2)

    @pytest.mark.parametrize("portal_backend", BACKENDS)
    async def test_cancelling_the_caller_cancels_the_call(self, portal_backend: str) -> None:
        log: list[str] = []
        started = threading.Event()
        call_cancelled = threading.Event()
        cleanup_may_end = threading.Event()

        async def slow() -> None:
            started.set()
            with anyio.move_on_after(5):  # bounds a failing test
                try:
                    await anyio.sleep_forever()
                finally:
                    call_cancelled.set()
                    with CancelScope(shield=True):
                        await to_thread.run_sync(cleanup_may_end.wait, 5)
                    log.append("cleanup done")

        def release_cleanup() -> None:
            call_cancelled.wait(5)
            log.append("cleanup released")
            cleanup_may_end.set()

        releaser = threading.Thread(target=release_cleanup)
        releaser.start()
        with start_blocking_portal(portal_backend) as portal:
            with anyio.fail_after(5), CancelScope() as scope:
                try:
                    async with anyio.create_task_group() as tg:
                        tg.start_soon(self._cancel_when_set, scope, started)
                        await portal.call_async(slow)
                finally:
                    log.append("caller left")
            assert scope.cancelled_caught
        releaser.join()
        # The caller waited for the call's cleanup, then raised its own cancellation.
        assert log == ["cleanup released", "cleanup done", "caller left"]

    @pytest.mark.parametrize("portal_backend", BACKENDS)
    async def test_caller_cancelled_even_if_the_call_returns(self, portal_backend: str) -> None:
        async def shielded() -> str:
            with CancelScope(shield=True):
                await portal_ready.wait()
            return "result"

        with start_blocking_portal(portal_backend) as portal:
            portal_ready = portal.call(anyio.Event)
            with anyio.fail_after(5), CancelScope() as scope:
                scope.cancel()
                await portal.call_async(shielded)
            assert scope.cancelled_caught
            portal.call(portal_ready.set)

    @pytest.mark.parametrize("portal_backend", BACKENDS)
    async def test_cleanup_error_reaches_the_cancelled_caller(self, portal_backend: str) -> None:
        started = threading.Event()

        async def fails_on_cancel() -> None:
            try:
                started.set()
                await anyio.sleep_forever()
            finally:
                raise KeyError("cleanup failure")

        with start_blocking_portal(portal_backend) as portal, anyio.fail_after(5):
            with CancelScope() as scope:
                async with anyio.create_task_group() as tg:
                    tg.start_soon(self._cancel_when_set, scope, started)
                    with pytest.raises(KeyError, match="cleanup failure"):
                        await portal.call_async(fails_on_cancel)

    @pytest.mark.parametrize("portal_backend", BACKENDS)
    async def test_abandon_on_cancel(self, portal_backend: str) -> None:
        started = threading.Event()
        call_cancelled = threading.Event()
        cleanup_may_end = threading.Event()

        async def slow() -> None:
            try:
                started.set()
                await anyio.sleep_forever()
            finally:
                call_cancelled.set()
                with CancelScope(shield=True):
                    await to_thread.run_sync(cleanup_may_end.wait, 5)

        with start_blocking_portal(portal_backend) as portal:
            with anyio.fail_after(5), CancelScope() as scope:
                async with anyio.create_task_group() as tg:
                    tg.start_soon(self._cancel_when_set, scope, started)
                    await portal.call_async(slow, abandon_on_cancel=True)
            assert scope.cancelled_caught
            # The caller did not wait for the cleanup, but the call was cancelled.
            assert not cleanup_may_end.is_set()
            assert await to_thread.run_sync(call_cancelled.wait, 5)
            cleanup_may_end.set()

    @staticmethod
    async def _cancel_when_set(scope: CancelScope, event: threading.Event) -> None:
        await to_thread.run_sync(event.wait, 5)
        scope.cancel()

"""The asyncio backend next to native asyncio code.

These tests are asyncio-only (they are skipped on Trio) and run on every
asyncio variant: debug mode, the eager task factory (3.12+) and uvloop. They
check that anyio's level-triggered cancel scopes coexist with asyncio's
edge-triggered ``Task.cancel()``: ``asyncio.timeout``, ``asyncio.TaskGroup``,
plain ``asyncio.create_task`` and native cancellation keep working, and
``Task.cancelling()`` counts stay balanced.
"""

# Several statements in pytest.raises() blocks, and try/except in loops, are
# what these tests exercise:
# ruff: noqa: PT012, PERF203

from __future__ import annotations

import asyncio
import sys
import time
from asyncio import CancelledError, current_task
from contextlib import suppress
from typing import TYPE_CHECKING, Any

import pytest

import anyio
from anyio import (
    CancelScope,
    create_task_group,
    fail_after,
    sleep,
    sleep_forever,
    wait_all_tasks_blocked,
)
from anyio.lowlevel import checkpoint

if TYPE_CHECKING:
    from collections.abc import Callable

    from anyio.abc import TaskStatus

if sys.version_info < (3, 11):
    from exceptiongroup import ExceptionGroup

pytestmark = pytest.mark.anyio

needs_311 = pytest.mark.skipif(sys.version_info < (3, 11), reason="needs Python 3.11+")
needs_312 = pytest.mark.skipif(sys.version_info < (3, 12), reason="needs Python 3.12+")

# A guard for tests that would hang if cancellation were not delivered.
GUARD = 5


@pytest.fixture(autouse=True)
def asyncio_only(anyio_backend_name: str) -> None:
    if anyio_backend_name != "asyncio":
        pytest.skip("asyncio-only test")


def cancelling() -> int:
    task = current_task()
    assert task is not None
    return task.cancelling()  # type: ignore[attr-defined,no-any-return]


class TestLevelTriggeredNativeAwaits:
    async def test_native_awaits_raise_until_the_scope_is_left(self) -> None:
        loop = asyncio.get_running_loop()
        caught = []
        with fail_after(GUARD), CancelScope() as scope:
            scope.cancel()
            for name, make in [
                ("asyncio.sleep(0)", lambda: asyncio.sleep(0)),
                ("asyncio.sleep(1)", lambda: asyncio.sleep(1)),
                ("future", loop.create_future),
                ("Event.wait", lambda: asyncio.Event().wait()),
            ]:
                try:
                    await make()
                except CancelledError:
                    caught.append(name)
            await loop.create_future()
        assert caught == ["asyncio.sleep(0)", "asyncio.sleep(1)", "future", "Event.wait"]
        assert scope.cancelled_caught

    async def test_native_cancellation_of_a_blocked_child(self) -> None:
        caught = 0

        async def stubborn() -> None:
            nonlocal caught
            loop = asyncio.get_running_loop()
            for _ in range(3):
                try:
                    await loop.create_future()
                except CancelledError:
                    caught += 1

        with fail_after(GUARD):
            async with create_task_group() as tg:
                tg.start_soon(stubborn)
                await wait_all_tasks_blocked()
                tg.cancel_scope.cancel()
        assert caught == 3


@needs_311
class TestCancellingCounts:
    async def test_balanced_after_a_scope_caught_its_cancellation(self) -> None:
        with CancelScope() as scope:
            scope.cancel()
            await checkpoint()
        assert scope.cancelled_caught
        assert cancelling() == 0

    async def test_balanced_after_repeated_deliveries(self) -> None:
        with CancelScope() as scope:
            scope.cancel()
            for _ in range(3):
                with suppress(CancelledError):
                    await asyncio.sleep(0)
            await sleep_forever()
        assert cancelling() == 0

    async def test_balanced_after_a_deadline(self) -> None:
        with fail_after(GUARD), CancelScope(deadline=anyio.current_time() + 0.01) as scope:
            await sleep_forever()
        assert scope.cancelled_caught
        assert cancelling() == 0

    async def test_balanced_in_children(self) -> None:
        counts: list[int] = []

        async def child() -> None:
            with CancelScope() as scope:
                scope.cancel()
                await sleep_forever()
            counts.append(cancelling())

        async with create_task_group() as tg:
            tg.start_soon(child)
        assert counts == [0]
        assert cancelling() == 0

    async def test_native_cancel_is_not_swallowed_by_a_cancelled_scope(self) -> None:
        # The task is cancelled natively while its scope is cancelled too: the
        # scope must let the native cancellation through.
        log = []

        async def victim() -> None:
            with CancelScope() as scope:
                scope.cancel()
                task = current_task()
                assert task is not None
                task.cancel("native")
                await asyncio.sleep(0)
            log.append("swallowed")

        task = asyncio.create_task(victim())
        with pytest.raises(CancelledError):
            await task
        assert task.cancelled()
        assert log == []

    @pytest.mark.parametrize("scope_first", [True, False], ids=["scope_first", "native_first"])
    async def test_native_cancel_in_the_same_iteration_as_the_scope(
        self, scope_first: bool
    ) -> None:
        # AnyIO 4.14+ (anyio#1214): a native cancel that merges into the scope's
        # own (one CancelledError, two requests) must not be swallowed with it.
        log = []
        scopes: list[CancelScope] = []

        async def victim() -> None:
            with CancelScope() as scope:
                scopes.append(scope)
                await sleep_forever()
            log.append("swallowed")

        with fail_after(GUARD):
            task = asyncio.create_task(victim())
            await wait_all_tasks_blocked()
            if scope_first:
                scopes[0].cancel()
                task.cancel("native")
            else:
                task.cancel("native")
                scopes[0].cancel()
            with pytest.raises(CancelledError):
                await task
        assert task.cancelled()
        assert log == []
        assert task.cancelling() == 1

    async def test_native_cancel_of_a_task_blocked_in_a_cancelled_scope(self) -> None:
        log = []

        async def victim() -> None:
            with CancelScope() as scope:
                scope.cancel()
                with suppress(CancelledError):
                    await checkpoint()
                with CancelScope(shield=True):
                    await sleep_forever()
            log.append("swallowed")

        with fail_after(GUARD):
            task = asyncio.create_task(victim())
            await wait_all_tasks_blocked()
            task.cancel("native")
            with pytest.raises(CancelledError):
                await task
        assert task.cancelled()
        assert log == []


@needs_311
class TestAsyncioTimeout:
    async def test_inside_a_scope(self) -> None:
        with CancelScope() as scope:
            with pytest.raises(TimeoutError):
                async with asyncio.timeout(0.01):  # type: ignore[attr-defined]
                    await sleep_forever()
            assert cancelling() == 0
            await checkpoint()
        assert not scope.cancel_called

    async def test_around_a_scope(self) -> None:
        with pytest.raises(TimeoutError):
            async with asyncio.timeout(0.01):  # type: ignore[attr-defined]
                with CancelScope() as scope:
                    await sleep_forever()
        assert not scope.cancelled_caught
        assert cancelling() == 0

    async def test_around_a_task_group(self) -> None:
        with pytest.raises(TimeoutError):
            async with asyncio.timeout(0.01):  # type: ignore[attr-defined]
                async with create_task_group() as tg:
                    tg.start_soon(sleep_forever)
                    await sleep_forever()
        assert cancelling() == 0

    async def test_still_fires_after_a_scope_caught_a_cancellation(self) -> None:
        reached = []
        with pytest.raises(TimeoutError):
            async with asyncio.timeout(0.05):  # type: ignore[attr-defined]
                with CancelScope() as scope:
                    scope.cancel()
                    await checkpoint()
                assert scope.cancelled_caught
                reached.append("after scope")
                await asyncio.sleep(GUARD)
        assert reached == ["after scope"]
        assert cancelling() == 0

    async def test_scope_deadline_inside_an_expiring_timeout(self) -> None:
        # Our scope's deadline and the native timeout both end the same wait.
        with pytest.raises(TimeoutError):
            async with asyncio.timeout(0.02):  # type: ignore[attr-defined]
                with CancelScope(deadline=anyio.current_time() + 0.01) as scope:
                    await sleep_forever()
                assert scope.cancelled_caught
                await sleep_forever()
        assert cancelling() == 0

    async def test_wait_for_inside_a_scope(self) -> None:
        with CancelScope():
            with pytest.raises(TimeoutError):
                await asyncio.wait_for(sleep_forever(), 0.01)
            assert cancelling() == 0


class TestAsyncioTaskGroup:
    @needs_311
    async def test_inside_our_task_group(self) -> None:
        results = []

        async def native(value: int) -> None:
            await asyncio.sleep(0)
            results.append(value)

        async with create_task_group() as tg:
            tg.start_soon(sleep, 0)
            async with asyncio.TaskGroup() as native_group:  # type: ignore[attr-defined]
                native_group.create_task(native(1))
                native_group.create_task(native(2))
        assert sorted(results) == [1, 2]

    @needs_311
    async def test_native_group_error_inside_our_group(self) -> None:
        async def native_fail() -> None:
            await asyncio.sleep(0)
            raise ValueError("native")

        with pytest.raises(ExceptionGroup) as exc_info:
            async with create_task_group() as tg:
                tg.start_soon(sleep_forever)
                async with asyncio.TaskGroup() as native_group:  # type: ignore[attr-defined]
                    native_group.create_task(native_fail())
        (inner,) = exc_info.value.exceptions
        assert isinstance(inner, ExceptionGroup)
        assert [str(exc) for exc in inner.exceptions] == ["native"]

    @needs_311
    async def test_cancelling_our_group_cancels_the_native_one(self) -> None:
        log = []

        async def native() -> None:
            try:
                await asyncio.sleep(GUARD)
            except CancelledError:
                log.append("native cancelled")
                raise

        with fail_after(GUARD):
            async with (
                create_task_group() as tg,
                asyncio.TaskGroup() as native_group,  # type: ignore[attr-defined]
            ):
                native_group.create_task(native())
                await wait_all_tasks_blocked()
                tg.cancel_scope.cancel()
                await asyncio.sleep(GUARD)
        assert log == ["native cancelled"]
        assert tg.cancel_scope.cancelled_caught
        assert cancelling() == 0

    @needs_311
    async def test_our_group_inside_a_native_one(self) -> None:
        log = []

        async def anyio_part() -> None:
            async with create_task_group() as tg:
                tg.start_soon(sleep, 0)
            log.append("anyio part done")

        async with asyncio.TaskGroup() as native_group:  # type: ignore[attr-defined]
            native_group.create_task(anyio_part())
        assert log == ["anyio part done"]

    @needs_311
    async def test_native_sibling_failure_cancels_our_group(self) -> None:
        log = []

        async def anyio_part() -> None:
            try:
                async with create_task_group() as tg:
                    tg.start_soon(sleep_forever)
                    await sleep_forever()
            except CancelledError:
                log.append("anyio part cancelled")
                raise

        async def native_fail() -> None:
            await wait_all_tasks_blocked()
            raise ValueError("native")

        with fail_after(GUARD), pytest.raises(ExceptionGroup) as exc_info:
            async with asyncio.TaskGroup() as native_group:  # type: ignore[attr-defined]
                native_group.create_task(anyio_part())
                native_group.create_task(native_fail())
        assert [str(exc) for exc in exc_info.value.exceptions] == ["native"]
        assert log == ["anyio part cancelled"]


class TestNativeTasks:
    async def test_created_inside_a_scope_are_not_cancelled_by_it(self) -> None:
        event = asyncio.Event()

        async def native() -> str:
            await event.wait()
            return "done"

        with CancelScope() as scope:
            task = asyncio.create_task(native())
            await asyncio.sleep(0)
            scope.cancel()
            await checkpoint()
        assert scope.cancelled_caught
        await asyncio.sleep(0)
        assert not task.done()
        event.set()
        assert await task == "done"

    async def test_created_by_a_cancelled_group_child_are_not_cancelled(self) -> None:
        event = asyncio.Event()
        tasks: list[asyncio.Task[str]] = []

        async def native() -> str:
            await event.wait()
            return "done"

        async def child() -> None:
            tasks.append(asyncio.create_task(native()))
            await sleep_forever()

        async with create_task_group() as tg:
            tg.start_soon(child)
            await wait_all_tasks_blocked()
            tg.cancel_scope.cancel()
        (task,) = tasks
        assert not task.done()
        event.set()
        assert await task == "done"

    @pytest.mark.parametrize("shield", [False, True])
    async def test_native_cancel_passes_through_scopes_and_groups(self, shield: bool) -> None:
        log = []

        async def victim() -> None:
            with CancelScope(shield=shield):
                async with create_task_group() as tg:
                    tg.start_soon(sleep_forever)
                    try:
                        await sleep_forever()
                    finally:
                        log.append("body cancelled")
            log.append("swallowed")

        with fail_after(GUARD):
            task = asyncio.create_task(victim())
            await wait_all_tasks_blocked()
            task.cancel()
            with pytest.raises(CancelledError):
                await task
        assert task.cancelled()
        assert log == ["body cancelled"]

    async def test_native_cancel_while_waiting_for_children(self) -> None:
        log = []

        async def child() -> None:
            try:
                await sleep_forever()
            finally:
                log.append("child cancelled")

        async def victim() -> None:
            async with create_task_group() as tg:
                tg.start_soon(child)
            log.append("swallowed")

        with fail_after(GUARD):
            task = asyncio.create_task(victim())
            await wait_all_tasks_blocked()
            task.cancel()
            with pytest.raises(CancelledError):
                await task
        assert task.cancelled()
        assert log == ["child cancelled"]

    @pytest.mark.parametrize("first_in_body", [True, False], ids=["body", "exit"])
    async def test_native_cancels_twice_the_latest_message_wins(self, first_in_body: bool) -> None:
        # A shielded child keeps the group open while the host is cancelled
        # natively twice: the task ends with the second message, and both
        # requests stay counted (nothing of ours uncancels them).
        release = anyio.Event()

        async def shielded_child() -> None:
            with CancelScope(shield=True):
                await release.wait()

        seen: list[tuple[object, ...]] = []

        async def host() -> None:
            try:
                async with create_task_group() as tg:
                    tg.start_soon(shielded_child)
                    if first_in_body:
                        await sleep_forever()
            except CancelledError as exc:
                seen.append(exc.args)  # (3.10 drops the message of an awaited task)
                raise

        with fail_after(GUARD):
            task = asyncio.create_task(host())
            await wait_all_tasks_blocked()
            task.cancel("native 1")
            await wait_all_tasks_blocked()
            task.cancel("native 2")
            await wait_all_tasks_blocked()
            assert not task.done()
            release.set()
            with pytest.raises(CancelledError):
                await task
        assert task.cancelled()
        assert seen == [("native 2",)]
        if sys.version_info >= (3, 11):
            assert task.cancelling() == 2

    async def test_native_cancel_of_a_child_task(self) -> None:
        # A child cancelled natively (not by a scope) cancels its group, as in AnyIO.
        children: list[asyncio.Task[Any]] = []

        async def child() -> None:
            task = current_task()
            assert task is not None
            children.append(task)
            await sleep_forever()

        with fail_after(GUARD):
            async with create_task_group() as tg:
                tg.start_soon(child)
                tg.start_soon(sleep_forever)
                await wait_all_tasks_blocked()
                children[0].cancel()
                await sleep_forever()


class TestEagerTaskFactory:
    @needs_312
    def test_start_soon_is_not_eager(self) -> None:
        log: list[str] = []

        def factory() -> asyncio.AbstractEventLoop:
            loop = asyncio.new_event_loop()
            loop.set_task_factory(asyncio.eager_task_factory)  # type: ignore[attr-defined]
            return loop

        async def child(name: str) -> None:
            log.append(name)

        async def starter(*, task_status: TaskStatus[None]) -> None:
            log.append("starter")
            task_status.started()

        async def main() -> None:
            async with create_task_group() as tg:
                tg.start_soon(child, "child")
                log.append("start_soon returned")
                await tg.start(starter)
                log.append("start returned")
            # Native tasks stay eager: the factory still works for them.
            asyncio.create_task(child("native"))  # noqa: RUF006 - it already ran
            log.append("create_task returned")

        anyio.run(main, backend_options={"loop_factory": factory})
        assert log[0] == "start_soon returned"
        assert log.index("starter") < log.index("start returned")
        assert log[-2:] == ["native", "create_task returned"]


class TestNoSpin:
    """Delivering cancellation is event-driven: a task that stays in a cancelled
    scope while it waits in a shielded one leaves the loop idle. Wall-time
    test with generous bounds: CPU time must stay below half the wall time."""

    WAIT = 0.2

    @staticmethod
    async def measure(wait: Callable[[], Any]) -> float:
        cpu = time.process_time()
        await wait()
        return time.process_time() - cpu

    async def test_swallowed_cancellation_then_shielded_wait(self) -> None:
        with CancelScope() as scope:
            scope.cancel()
            with suppress(CancelledError):
                await checkpoint()
            with CancelScope(shield=True):
                used = await self.measure(lambda: asyncio.sleep(self.WAIT))
        assert used < self.WAIT / 2

    async def test_cancelled_child_in_a_shielded_wait(self) -> None:
        used: list[float] = []

        async def child() -> None:
            try:
                await sleep_forever()
            finally:
                with CancelScope(shield=True):
                    used.append(await self.measure(lambda: asyncio.sleep(self.WAIT)))

        async with create_task_group() as tg:
            tg.start_soon(child)
            await wait_all_tasks_blocked()
            tg.cancel_scope.cancel()
        assert used
        assert used[0] < self.WAIT / 2

    @pytest.mark.parametrize("spawn", ["native", "task_group"])
    async def test_scope_left_open_by_a_finished_task(self, spawn: str) -> None:
        # anyio#1111 (fixed in AnyIO 4.14): a task ended inside a scope it never
        # left (misuse); cancelling that scope must not keep the loop busy.
        scopes: list[CancelScope] = []

        async def leaky() -> None:
            scope = CancelScope()
            scope.__enter__()
            scopes.append(scope)

        if spawn == "native":
            await asyncio.create_task(leaky())
        else:
            async with create_task_group() as tg:
                tg.start_soon(leaky)
        scopes[0].cancel()
        used = await self.measure(lambda: asyncio.sleep(self.WAIT))
        assert used < self.WAIT / 2

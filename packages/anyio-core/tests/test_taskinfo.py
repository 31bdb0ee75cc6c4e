"""Task introspection: `get_current_task()`, `get_running_tasks()`, `TaskInfo`,
`wait_all_tasks_blocked()`."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from anyio import (
    CancelScope,
    Event,
    TaskInfo,
    create_task_group,
    fail_after,
    get_current_task,
    get_running_tasks,
    sleep,
    sleep_forever,
    wait_all_tasks_blocked,
)
from anyio.lowlevel import checkpoint

if TYPE_CHECKING:
    from anyio.abc import TaskStatus

pytestmark = pytest.mark.anyio


class TestGetCurrentTask:
    async def test_describes_the_calling_task(self) -> None:
        info = get_current_task()
        assert isinstance(info, TaskInfo)
        assert isinstance(info.id, int)
        assert get_current_task().id == info.id
        assert get_current_task() == info
        assert hash(get_current_task()) == hash(info)
        assert info.name in repr(info)

    async def test_child_task(self) -> None:
        host = get_current_task()
        seen: list[TaskInfo] = []

        async def child() -> None:
            seen.append(get_current_task())

        async with create_task_group() as tg:
            tg.start_soon(child, name="kid")
        (info,) = seen
        assert info.id != host.id
        assert info != host
        assert info.name == "kid"
        assert info.parent_id == host.id
        assert info.coro.cr_code is child.__code__  # type: ignore[union-attr]

    async def test_parent_is_the_group_host_not_the_spawner(self) -> None:
        host = get_current_task()
        parents: dict[str, int | None] = {}

        async def grandchild() -> None:
            parents["grandchild"] = get_current_task().parent_id

        async def child() -> None:
            parents["child"] = get_current_task().parent_id
            tg.start_soon(grandchild)

        async with create_task_group() as tg:
            tg.start_soon(child)
        assert parents == {"child": host.id, "grandchild": host.id}

    async def test_parent_of_a_task_in_a_nested_group(self) -> None:
        ids: dict[str, int | None] = {}

        async def grandchild() -> None:
            ids["grandchild parent"] = get_current_task().parent_id

        async def child() -> None:
            ids["child"] = get_current_task().id
            async with create_task_group() as inner:
                inner.start_soon(grandchild)

        async with create_task_group() as tg:
            tg.start_soon(child)
        assert ids["grandchild parent"] == ids["child"]

    async def test_parent_of_a_started_task_moves_to_the_host(self) -> None:
        host = get_current_task()
        ids: dict[str, int | None] = {}

        async def grandchild(*, task_status: TaskStatus[None]) -> None:
            ids["before started"] = get_current_task().parent_id
            task_status.started()
            await checkpoint()
            ids["after started"] = get_current_task().parent_id

        async def child() -> None:
            ids["caller"] = get_current_task().id
            await tg.start(grandchild)

        async with create_task_group() as tg:
            tg.start_soon(child)
        assert ids["before started"] == ids["caller"]
        assert ids["after started"] == host.id


class TestGetRunningTasks:
    async def test_lists_the_tasks_of_the_loop(self) -> None:
        host = get_current_task()
        children: list[TaskInfo] = []

        async def child() -> None:
            children.append(get_current_task())
            await sleep_forever()

        async with create_task_group() as tg:
            tg.start_soon(child)
            tg.start_soon(child)
            await wait_all_tasks_blocked()
            running = get_running_tasks()
            assert all(isinstance(info, TaskInfo) for info in running)
            ids = {info.id for info in running}
            assert host.id in ids
            assert {info.id for info in children} <= ids
            tg.cancel_scope.cancel()

        ids = {info.id for info in get_running_tasks()}
        assert not ({info.id for info in children} & ids)
        assert host.id in ids


class TestHasPendingCancellation:
    async def test_not_cancelled(self) -> None:
        assert not get_current_task().has_pending_cancellation()

    async def test_in_a_cancelled_scope(self) -> None:
        with CancelScope() as scope:
            assert not get_current_task().has_pending_cancellation()
            scope.cancel()
            assert get_current_task().has_pending_cancellation()
            with CancelScope(shield=True):  # noqa: ASYNC100 - only looked at
                assert not get_current_task().has_pending_cancellation()
            await checkpoint()
        assert not get_current_task().has_pending_cancellation()

    async def test_another_task(self) -> None:
        infos: list[TaskInfo] = []
        scope = CancelScope()

        async def child() -> None:
            infos.append(get_current_task())
            with scope:
                await sleep_forever()

        async with create_task_group() as tg:
            tg.start_soon(child)
            await wait_all_tasks_blocked()
            (info,) = infos
            assert not info.has_pending_cancellation()
            scope.cancel()
            assert info.has_pending_cancellation()


class TestWaitAllTasksBlocked:
    async def test_other_tasks_run_until_they_block(self) -> None:
        steps: list[int] = []

        async def child() -> None:
            for step in range(10):
                steps.append(step)
                await checkpoint()
            await sleep_forever()

        async with create_task_group() as tg:
            tg.start_soon(child)
            await wait_all_tasks_blocked()
            assert steps == list(range(10))
            tg.cancel_scope.cancel()

    async def test_waits_for_a_pending_cancellation_to_be_delivered(self) -> None:
        # A task blocked inside a freshly cancelled scope is not blocked: it
        # still has to receive the cancellation and run on.
        log = []

        async def child() -> None:
            with CancelScope() as scope:
                scope.cancel()
                await sleep_forever()
            log.append("left the scope")
            await sleep_forever()

        async with create_task_group() as tg:
            tg.start_soon(child)
            await wait_all_tasks_blocked()
            assert log == ["left the scope"]
            tg.cancel_scope.cancel()

    async def test_sleeping_tasks_count_as_blocked(self) -> None:
        done = []

        async def child() -> None:
            await sleep(10)
            done.append(True)

        with fail_after(5):
            async with create_task_group() as tg:
                tg.start_soon(child)
                await wait_all_tasks_blocked()
                tg.cancel_scope.cancel()
        assert done == []

    async def test_returns_without_other_tasks(self) -> None:
        with fail_after(5):
            await wait_all_tasks_blocked()

    async def test_several_waiters_at_once(self) -> None:
        returned = []

        async def waiter(name: str) -> None:
            await wait_all_tasks_blocked()
            returned.append(name)

        with fail_after(0.5):
            async with create_task_group() as tg:
                tg.start_soon(waiter, "a")
                tg.start_soon(waiter, "b")
        assert sorted(returned) == ["a", "b"]

    async def test_a_host_whose_last_child_finished_is_not_blocked(self) -> None:
        # asyncio wakes a task group's host through the finished child's done
        # callback, which the loop runs one turn later: until then the host
        # looks parked, yet a wake-up is on its way (issue 18.3).
        log: list[str] = []
        release = Event()

        async def child() -> None:
            await release.wait()

        async def host() -> None:
            async with create_task_group() as inner:
                inner.start_soon(child)
            log.append("host went on")
            await sleep_forever()

        with fail_after(5):
            async with create_task_group() as tg:
                tg.start_soon(host)
                await wait_all_tasks_blocked()
                assert log == []
                release.set()
                await wait_all_tasks_blocked()
                assert log == ["host went on"]
                tg.cancel_scope.cancel()

    @pytest.mark.usefixtures("asyncio_only")
    @pytest.mark.parametrize("links", [1, 2, 3])
    async def test_callbacks_queued_in_the_loop_are_wakes_on_their_way(self, links: int) -> None:
        # asyncio-specific: a future completed by a chain of call_soon()
        # callbacks (as asyncio.shield(), wait_for() and executor results do).
        import asyncio

        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()
        log: list[str] = []

        async def child() -> None:
            await future
            log.append("woken")
            await sleep_forever()

        def chain(remaining: int) -> None:
            if remaining:
                loop.call_soon(chain, remaining - 1)
            else:
                future.set_result(None)

        with fail_after(5):
            async with create_task_group() as tg:
                tg.start_soon(child)
                await wait_all_tasks_blocked()
                loop.call_soon(chain, links - 1)
                await wait_all_tasks_blocked()
                assert log == ["woken"]
                tg.cancel_scope.cancel()

    @pytest.mark.usefixtures("asyncio_only")
    async def test_queued_callback_of_an_unhashable_object(self) -> None:
        # asyncio-specific: the owner of a queued bound method is looked at to
        # tell our own waiters' steps apart; it need not be hashable.
        import asyncio

        class Unhashable:
            __hash__ = None  # type: ignore[assignment]

            def __init__(self) -> None:
                self.called = False

            def __eq__(self, other: object) -> bool:
                return self is other

            def call(self) -> None:
                self.called = True

        target = Unhashable()

        async def child() -> None:
            # Runs just before our first check, and queues behind it.
            asyncio.get_running_loop().call_soon(target.call)
            await sleep_forever()

        with fail_after(5):
            async with create_task_group() as tg:
                tg.start_soon(child)
                await wait_all_tasks_blocked()
                assert target.called
                tg.cancel_scope.cancel()


@pytest.mark.anyio
class TestHandoffChecks:
    async def test_waits_while_a_registered_check_says_work_was_handed_over(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        # What anyio-threads registers for a job no worker thread has taken yet.
        from anyio._core import _taskinfo
        from anyio._core.contract import register_handoff_check

        monkeypatch.setattr(_taskinfo, "_handoff_checks", [])
        answers = [True, True, True, False]
        register_handoff_check(lambda: answers.pop(0))
        await wait_all_tasks_blocked()
        assert answers == []

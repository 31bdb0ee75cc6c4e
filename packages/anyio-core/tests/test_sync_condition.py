"""`Condition` (``_core/_sync/_condition.py``)."""

from __future__ import annotations

from typing import Any

import pytest

from anyio import (
    CancelScope,
    Condition,
    ConditionStatistics,
    Lock,
    LockStatistics,
    get_cancelled_exc_class,
    get_current_task,
    wait_all_tasks_blocked,
)

from ._sync_helpers import (
    Cancellable,
    exactly,
    start_in_order,
    start_native,
    task_group,
    was_cancelled,
)

pytestmark = pytest.mark.anyio


class TestCondition:
    async def test_lock_methods(self) -> None:
        condition = Condition()
        assert not condition.locked()
        await condition.acquire()
        assert condition.locked()
        condition.release()
        condition.acquire_nowait()
        with pytest.raises(RuntimeError, match="already held"):
            condition.acquire_nowait()
        condition.release()
        async with condition as entered:
            assert entered is None
            assert condition.locked()
        assert not condition.locked()

    async def test_shares_the_given_lock(self) -> None:
        lock = Lock()
        condition = Condition(lock)
        async with lock:
            assert condition.locked()
            condition.notify()  # holding the lock is holding the condition
        assert condition.statistics().lock_statistics == lock.statistics()

    async def test_notify_wakes_in_order(self) -> None:
        condition = Condition()
        woken: list[int] = []

        async def waiter(i: int) -> None:
            async with condition:
                await condition.wait()
                woken.append(i)

        async with task_group() as tg:
            for i in range(4):
                await start_in_order(tg, waiter, i)
            assert condition.statistics().tasks_waiting == 4
            async with condition:
                condition.notify()
            await wait_all_tasks_blocked()
            assert woken == [0]
            async with condition:
                condition.notify(2)
            await wait_all_tasks_blocked()
            # Tasks woken together may run in any order (Trio shuffles them).
            assert sorted(woken) == [0, 1, 2]
            async with condition:
                condition.notify_all()
        assert sorted(woken) == [0, 1, 2, 3]
        assert condition.statistics().tasks_waiting == 0

    async def test_notify_without_waiters(self) -> None:
        condition = Condition()
        async with condition:
            condition.notify(5)
            condition.notify_all()

    @pytest.mark.parametrize("method", ["notify", "notify_all"])
    async def test_notify_without_the_lock(self, method: str) -> None:
        condition = Condition()
        with pytest.raises(
            RuntimeError, match=exactly("The current task is not holding the underlying lock")
        ):
            getattr(condition, method)()

    async def test_wait_without_the_lock(self) -> None:
        condition = Condition()
        message = exactly("The current task is not holding the underlying lock")
        with pytest.raises(RuntimeError, match=message):
            await condition.wait()
        with pytest.raises(RuntimeError, match=message):
            await condition.wait_for(lambda: True)
        assert condition.statistics().tasks_waiting == 0

    async def test_notify_with_the_lock_held_by_another_task(self) -> None:
        condition = Condition()
        await condition.acquire()
        errors: list[str] = []

        async def other() -> None:
            try:
                condition.notify()
            except RuntimeError as exc:
                errors.append(str(exc))

        async with task_group() as tg:
            tg.start_soon(other)
        assert errors == ["The current task is not holding the underlying lock"]
        condition.release()

    async def test_wait_releases_and_reacquires_the_lock(self) -> None:
        condition = Condition()
        events: list[str] = []

        async def waiter() -> None:
            async with condition:
                await condition.wait()
                assert condition.statistics().lock_statistics.owner == get_current_task()
                events.append("waiter resumed")

        async with task_group() as tg:
            await start_in_order(tg, waiter)
            assert not condition.locked()
            async with condition:
                condition.notify()
                await wait_all_tasks_blocked()
                # The waiter was notified but cannot run until we release the lock.
                assert events == []
                events.append("notifier released")
        assert events == ["notifier released", "waiter resumed"]

    async def test_cancelled_wait_reacquires_before_raising(self) -> None:
        condition = Condition()
        events: list[str] = []

        async def wait_in_scope() -> None:
            async with condition:
                with CancelScope() as scope:
                    scopes.append(scope)
                    await condition.wait()
                events.append(f"cancelled, holding={condition.locked()}")
                assert condition.statistics().lock_statistics.owner == get_current_task()

        scopes: list[CancelScope] = []
        async with task_group() as tg:
            await start_in_order(tg, wait_in_scope)
            async with condition:
                scopes[0].cancel()
                await wait_all_tasks_blocked()
                assert events == []  # blocked on the lock, shielded
                events.append("released")
        assert events == ["released", "cancelled, holding=True"]
        assert not condition.locked()
        assert condition.statistics().tasks_waiting == 0

    async def test_wait_when_already_cancelled_keeps_the_lock(self) -> None:
        condition = Condition()
        order: list[str] = []

        async def take_lock() -> None:
            async with condition:
                order.append("other")

        async with task_group() as tg:
            await condition.acquire()
            await start_in_order(tg, take_lock)
            with CancelScope() as scope:
                scope.cancel()
                await condition.wait()
            assert scope.cancelled_caught
            order.append("cancelled")
            condition.release()
        assert order == ["cancelled", "other"]

    async def test_notification_is_not_lost_to_a_cancellation(self) -> None:
        # The first waiter is cancelled just after it is notified, before it has
        # the lock back: it passes the notification on to the second one.
        condition = Condition()
        woken: list[str] = []
        held_when_cancelled: list[bool] = []

        async def waiter(name: str) -> None:
            async with condition:
                try:
                    await condition.wait()
                except get_cancelled_exc_class():
                    held_when_cancelled.append(condition.locked())
                    raise
                woken.append(name)

        first = Cancellable(lambda: waiter("first"))
        async with task_group() as tg:
            await start_in_order(tg, first)
            await start_in_order(tg, waiter, "second")
            async with condition:
                condition.notify()
                first.cancel()
        assert woken == ["second"]
        assert held_when_cancelled == [True]
        assert condition.statistics().tasks_waiting == 0

    async def test_notified_and_cancelled_while_another_task_holds_the_lock(self) -> None:
        condition = Condition()
        woken: list[str] = []

        async def waiter(name: str) -> None:
            async with condition:
                await condition.wait()
                woken.append(name)

        first = Cancellable(lambda: waiter("first"))
        async with task_group() as tg:
            await start_in_order(tg, first)
            await start_in_order(tg, waiter, "second")
            async with condition:
                condition.notify()
                await wait_all_tasks_blocked()
                first.cancel()
                await wait_all_tasks_blocked()
                # Still waiting for the lock, shielded, with nothing to show yet.
                assert woken == []
                assert not first.finished
        assert woken == ["second"]
        assert not first.finished
        assert not condition.locked()

    async def test_notified_waiter_queues_behind_earlier_lock_waiters(self) -> None:
        condition = Condition()
        order: list[str] = []

        async def wait_for_notification() -> None:
            async with condition:
                await condition.wait()
                order.append("notified waiter")

        async def take_lock() -> None:
            async with condition:
                order.append("lock waiter")

        async with task_group() as tg:
            await start_in_order(tg, wait_for_notification)
            await condition.acquire()
            await start_in_order(tg, take_lock)
            condition.notify()
            assert condition.statistics() == ConditionStatistics(
                0, LockStatistics(True, get_current_task(), 2)
            )
            condition.release()
        assert order == ["lock waiter", "notified waiter"]

    async def test_native_cancel_after_notify_passes_it_on(self, asyncio_only: None) -> None:
        condition = Condition()
        woken: list[int] = []
        held_when_cancelled: list[bool] = []

        async def waiter(i: int) -> None:
            async with condition:
                try:
                    await condition.wait()
                except BaseException:
                    held_when_cancelled.append(condition.locked())
                    raise
                woken.append(i)

        first = await start_native(waiter, 0)
        async with task_group() as tg:
            for i in (1, 2):
                await start_in_order(tg, waiter, i)
            async with condition:
                condition.notify()  # notifies waiter 0 ...
                first.cancel()  # ... which is cancelled before it can run
            await wait_all_tasks_blocked()
            assert woken == [1]
            async with condition:
                condition.notify()
        assert await was_cancelled(first)
        assert woken == [1, 2]
        assert held_when_cancelled == [True]
        assert not condition.locked()

    async def test_native_cancel_after_getting_the_lock_back(self, asyncio_only: None) -> None:
        # Notified and handed the lock, then cancelled before it could run: the
        # waiter leaves holding the lock, and passes the notification on.
        condition = Condition()
        woken: list[int] = []
        held_when_cancelled: list[bool] = []

        async def waiter(i: int) -> None:
            async with condition:
                try:
                    await condition.wait()
                except BaseException:
                    held_when_cancelled.append(condition.locked())
                    raise
                woken.append(i)

        first = await start_native(waiter, 0)
        async with task_group() as tg:
            await start_in_order(tg, waiter, 1)
            async with condition:
                condition.notify()
            # The lock went to waiter 0 on release; it has not run yet.
            assert condition.statistics().lock_statistics.locked
            first.cancel()
        assert await was_cancelled(first)
        assert woken == [1]
        assert held_when_cancelled == [True]
        assert not condition.locked()

    async def test_native_cancel_while_reacquiring(self, asyncio_only: None) -> None:
        condition = Condition()
        held_when_cancelled: list[bool] = []

        async def waiter() -> None:
            async with condition:
                try:
                    await condition.wait()
                except BaseException:
                    held_when_cancelled.append(condition.locked())
                    raise

        first = await start_native(waiter)
        async with condition:
            condition.notify()
            await wait_all_tasks_blocked()  # the waiter is parked on the lock now
            first.cancel()
            await wait_all_tasks_blocked()
            assert held_when_cancelled == []  # still waiting for the lock
        assert await was_cancelled(first)
        assert held_when_cancelled == [True]
        assert not condition.locked()

    async def test_wait_for(self) -> None:
        condition = Condition()
        items: list[int] = []
        results: list[Any] = []

        async def consumer() -> None:
            async with condition:
                results.append(await condition.wait_for(lambda: len(items) >= 2 and items))

        async with task_group() as tg:
            await start_in_order(tg, consumer)
            for i in range(2):
                async with condition:
                    items.append(i)
                    condition.notify()
                await wait_all_tasks_blocked()
        assert results == [[0, 1]]

    async def test_wait_for_true_at_once(self) -> None:
        condition = Condition()
        async with condition:
            assert await condition.wait_for(lambda: 42) == 42
            assert condition.locked()

    async def test_statistics(self) -> None:
        condition = Condition()
        assert condition.statistics() == ConditionStatistics(
            0, LockStatistics(locked=False, owner=None, tasks_waiting=0)
        )

        async def waiter() -> None:
            async with condition:
                await condition.wait()

        async with task_group() as tg:
            await start_in_order(tg, waiter)
            async with condition:
                stats = condition.statistics()
                assert stats.tasks_waiting == 1
                assert stats.lock_statistics.owner == get_current_task()
                condition.notify()

    def test_repr(self) -> None:
        assert repr(Condition()) == "<Condition locked=False tasks_waiting=0>"

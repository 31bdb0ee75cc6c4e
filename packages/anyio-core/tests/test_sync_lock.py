"""`Lock` (``_core/_sync/_lock.py``)."""

from __future__ import annotations

import pytest

from anyio import (
    CancelScope,
    Lock,
    LockStatistics,
    WouldBlock,
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


class TestLock:
    async def test_acquire_release(self) -> None:
        lock = Lock()
        assert not lock.locked()
        await lock.acquire()
        assert lock.locked()
        lock.release()
        assert not lock.locked()

    async def test_context_manager(self) -> None:
        lock = Lock()
        async with lock as entered:
            assert entered is None
            assert lock.locked()
        assert not lock.locked()

    async def test_fifo(self) -> None:
        lock = Lock()
        order: list[int] = []

        async def worker(i: int) -> None:
            async with lock:
                order.append(i)

        async with task_group() as tg:
            await lock.acquire()
            for i in range(5):
                await start_in_order(tg, worker, i)
            assert lock.statistics().tasks_waiting == 5
            lock.release()
        assert order == [0, 1, 2, 3, 4]

    async def test_release_hands_over_before_a_nowait_acquire(self) -> None:
        lock = Lock()
        got: list[str] = []

        async def waiter() -> None:
            async with lock:
                got.append("waiter")

        async with task_group() as tg:
            await lock.acquire()
            await start_in_order(tg, waiter)
            lock.release()
            # The lock belongs to the woken waiter already.
            assert lock.locked()
            with pytest.raises(WouldBlock):
                lock.acquire_nowait()
        assert got == ["waiter"]

    @pytest.mark.parametrize("fast_acquire", [False, True])
    async def test_acquire_twice(self, fast_acquire: bool) -> None:
        lock = Lock(fast_acquire=fast_acquire)
        async with lock:
            with pytest.raises(
                RuntimeError, match=exactly("Attempted to acquire an already held Lock")
            ):
                await lock.acquire()
            with pytest.raises(
                RuntimeError, match=exactly("Attempted to acquire an already held Lock")
            ):
                lock.acquire_nowait()
            assert lock.statistics().tasks_waiting == 0

    async def test_acquire_twice_while_others_wait(self) -> None:
        lock = Lock()
        async with task_group() as tg:
            await lock.acquire()
            await start_in_order(tg, lock.acquire)
            with pytest.raises(
                RuntimeError, match=exactly("Attempted to acquire an already held Lock")
            ):
                await lock.acquire()
            lock.release()
        # The other task took the lock and finished without releasing it.
        assert lock.locked()

    async def test_acquire_nowait(self) -> None:
        lock = Lock()
        lock.acquire_nowait()
        assert lock.locked()
        got = []

        async def other() -> None:
            with pytest.raises(WouldBlock):
                lock.acquire_nowait()
            got.append(True)

        async with task_group() as tg:
            tg.start_soon(other)
        assert got
        lock.release()

    async def test_release_unlocked(self) -> None:
        with pytest.raises(
            RuntimeError, match=exactly("The current task is not holding this lock")
        ):
            Lock().release()

    async def test_release_by_another_task(self) -> None:
        lock = Lock()
        await lock.acquire()
        errors = []

        async def other() -> None:
            try:
                lock.release()
            except RuntimeError as exc:
                errors.append(str(exc))

        async with task_group() as tg:
            tg.start_soon(other)
        assert errors == ["The current task is not holding this lock"]
        assert lock.locked()
        lock.release()

    async def test_cancelled_waiter_never_takes_the_lock(self) -> None:
        lock = Lock()
        order: list[str] = []

        async def acquire_then_release(name: str) -> None:
            async with lock:
                order.append(name)

        first = Cancellable(lambda: acquire_then_release("first"))
        async with task_group() as tg:
            await lock.acquire()
            await start_in_order(tg, first)
            await start_in_order(tg, acquire_then_release, "second")
            first.cancel()
            await wait_all_tasks_blocked()
            assert lock.statistics().tasks_waiting == 1
            lock.release()
        assert order == ["second"]
        assert not lock.locked()

    async def test_cancelled_as_the_lock_is_handed_over(self) -> None:
        # Cancellation and hand-over at the same moment: whoever ends up with the
        # lock releases it; it is never lost.
        lock = Lock()
        order: list[str] = []

        async def acquire_then_release(name: str) -> None:
            async with lock:
                order.append(name)

        first = Cancellable(lambda: acquire_then_release("first"))
        async with task_group() as tg:
            await lock.acquire()
            await start_in_order(tg, first)
            await start_in_order(tg, acquire_then_release, "second")
            lock.release()
            first.cancel()
        assert order in (["second"], ["first", "second"])
        assert not lock.locked()

    async def test_cancelled_uncontended_acquire_does_not_hold(self) -> None:
        lock = Lock()
        with CancelScope() as scope:
            scope.cancel()
            await lock.acquire()
        assert scope.cancelled_caught
        assert not lock.locked()

    async def test_native_cancel_after_hand_over_passes_the_lock_on(
        self, asyncio_only: None
    ) -> None:
        lock = Lock()
        order: list[int] = []

        async def worker(i: int) -> None:
            async with lock:
                order.append(i)

        await lock.acquire()
        first = await start_native(worker, 0)
        async with task_group() as tg:
            await start_in_order(tg, worker, 1)
            lock.release()  # hands the lock to worker 0 ...
            first.cancel()  # ... which is cancelled before it can run
        assert await was_cancelled(first)
        assert order == [1]
        assert not lock.locked()

    async def test_native_cancel_before_release(self, asyncio_only: None) -> None:
        lock = Lock()
        order: list[int] = []

        async def worker(i: int) -> None:
            async with lock:
                order.append(i)

        await lock.acquire()
        first = await start_native(worker, 0)
        async with task_group() as tg:
            await start_in_order(tg, worker, 1)
            first.cancel()  # its waiter is dead, but still queued ...
            lock.release()  # ... so the release skips it
        assert await was_cancelled(first)
        assert order == [1]
        assert not lock.locked()
        assert lock.statistics().tasks_waiting == 0

    async def test_statistics(self) -> None:
        lock = Lock()
        assert lock.statistics() == LockStatistics(locked=False, owner=None, tasks_waiting=0)
        async with task_group() as tg:
            await lock.acquire()
            stats = lock.statistics()
            assert stats.locked
            assert stats.owner == get_current_task()
            await start_in_order(tg, lock.acquire)
            assert lock.statistics().tasks_waiting == 1
            seen: list[LockStatistics] = []

            async def look() -> None:
                seen.append(lock.statistics())

            await start_in_order(tg, look)
            assert seen[0].owner == get_current_task()
            lock.release()
        assert lock.statistics().tasks_waiting == 0

    def test_statistics_outside_a_loop(self) -> None:
        assert Lock().statistics() == LockStatistics(False, None, 0)

    def test_repr(self) -> None:
        assert repr(Lock()) == "<Lock locked=False tasks_waiting=0>"

"""`Semaphore` (``_core/_sync/_semaphore.py``)."""

from __future__ import annotations

from typing import Any

import pytest

from anyio import CancelScope, Semaphore, SemaphoreStatistics, WouldBlock, wait_all_tasks_blocked

from ._sync_helpers import (
    Cancellable,
    exactly,
    start_in_order,
    start_native,
    task_group,
    was_cancelled,
)

pytestmark = pytest.mark.anyio


class TestSemaphore:
    async def test_acquire_release(self) -> None:
        semaphore = Semaphore(2)
        await semaphore.acquire()
        await semaphore.acquire()
        assert semaphore.value == 0
        semaphore.release()
        assert semaphore.value == 1

    async def test_context_manager_returns_the_semaphore(self) -> None:
        semaphore = Semaphore(1)
        async with semaphore as entered:
            assert entered is semaphore
            assert semaphore.value == 0
        assert semaphore.value == 1

    def test_max_value(self) -> None:
        assert Semaphore(1).max_value is None
        assert Semaphore(1, max_value=3).max_value == 3

    @pytest.mark.parametrize(
        ("args", "kwargs", "exc", "message"),
        [
            ((1.5,), {}, TypeError, "initial_value must be an integer"),
            ((-1,), {}, ValueError, "initial_value must be >= 0"),
            ((1,), {"max_value": 2.0}, TypeError, "max_value must be an integer or None"),
            (
                (2,),
                {"max_value": 1},
                ValueError,
                "max_value must be equal to or higher than initial_value",
            ),
        ],
    )
    def test_bad_arguments(
        self, args: tuple[Any, ...], kwargs: dict[str, Any], exc: type[Exception], message: str
    ) -> None:
        with pytest.raises(exc, match=exactly(message)):
            Semaphore(*args, **kwargs)

    async def test_release_above_max_value(self) -> None:
        semaphore = Semaphore(1, max_value=1)
        with pytest.raises(ValueError, match=exactly("semaphore released too many times")):
            semaphore.release()
        assert semaphore.value == 1

    async def test_acquire_nowait(self) -> None:
        semaphore = Semaphore(1)
        semaphore.acquire_nowait()
        with pytest.raises(WouldBlock):
            semaphore.acquire_nowait()
        semaphore.release()

    async def test_fifo(self) -> None:
        semaphore = Semaphore(0)
        order: list[int] = []

        async def worker(i: int) -> None:
            await semaphore.acquire()
            order.append(i)

        async with task_group() as tg:
            for i in range(4):
                await start_in_order(tg, worker, i)
            assert semaphore.statistics() == SemaphoreStatistics(tasks_waiting=4)
            for _ in range(4):
                semaphore.release()
                # Handed over: a nowait acquire finds nothing.
                with pytest.raises(WouldBlock):
                    semaphore.acquire_nowait()
                await wait_all_tasks_blocked()
        assert order == [0, 1, 2, 3]
        assert semaphore.value == 0

    async def test_cancelled_waiter_never_takes_a_permit(self) -> None:
        semaphore = Semaphore(0)
        order: list[str] = []

        async def take(name: str) -> None:
            await semaphore.acquire()
            order.append(name)

        first = Cancellable(lambda: take("first"))
        async with task_group() as tg:
            await start_in_order(tg, first)
            await start_in_order(tg, take, "second")
            first.cancel()
            await wait_all_tasks_blocked()
            assert semaphore.statistics().tasks_waiting == 1
            semaphore.release()
        assert order == ["second"]
        assert semaphore.value == 0

    async def test_cancelled_as_the_permit_is_handed_over(self) -> None:
        semaphore = Semaphore(0, max_value=1)

        async def take_and_give_back() -> None:
            async with semaphore:
                pass

        first = Cancellable(take_and_give_back)
        async with task_group() as tg:
            await start_in_order(tg, first)
            await start_in_order(tg, take_and_give_back)
            semaphore.release()
            first.cancel()
        assert semaphore.value == 1
        assert semaphore.statistics().tasks_waiting == 0

    async def test_cancelled_uncontended_acquire_gives_the_permit_back(self) -> None:
        semaphore = Semaphore(1)
        with CancelScope() as scope:
            scope.cancel()
            await semaphore.acquire()
        assert semaphore.value == 1

    async def test_native_cancel_after_hand_over_passes_the_permit_on(
        self, asyncio_only: None
    ) -> None:
        semaphore = Semaphore(0)
        order: list[int] = []

        async def worker(i: int) -> None:
            await semaphore.acquire()
            order.append(i)

        first = await start_native(worker, 0)
        async with task_group() as tg:
            await start_in_order(tg, worker, 1)
            semaphore.release()  # hands the permit to worker 0 ...
            first.cancel()  # ... which is cancelled before it can run
        assert await was_cancelled(first)
        assert order == [1]
        assert semaphore.value == 0
        assert semaphore.statistics().tasks_waiting == 0

    def test_repr(self) -> None:
        assert repr(Semaphore(2)) == "<Semaphore value=2 max_value=None tasks_waiting=0>"

"""`Event` (``_core/_sync/_event.py``)."""

from __future__ import annotations

import pytest

from anyio import Event, EventStatistics

from ._sync_helpers import Cancellable, start_in_order, start_native, task_group, was_cancelled

pytestmark = pytest.mark.anyio


class TestEvent:
    async def test_set_wakes_every_waiter(self) -> None:
        event = Event()
        woken: list[int] = []

        async def waiter(i: int) -> None:
            await event.wait()
            woken.append(i)

        async with task_group() as tg:
            for i in range(3):
                await start_in_order(tg, waiter, i)
            assert event.statistics() == EventStatistics(tasks_waiting=3)
            assert not event.is_set()
            event.set()
            assert event.is_set()
            assert event.statistics().tasks_waiting == 0
        assert sorted(woken) == [0, 1, 2]  # Trio runs woken tasks in any order

    async def test_set_twice_is_harmless(self) -> None:
        event = Event()
        event.set()
        event.set()
        assert event.is_set()
        await event.wait()

    async def test_cancelled_waiter_leaves(self) -> None:
        event = Event()
        waiter = Cancellable(event.wait)
        async with task_group() as tg:
            await start_in_order(tg, waiter)
            assert event.statistics().tasks_waiting == 1
            waiter.cancel()
        assert not waiter.finished
        assert event.statistics().tasks_waiting == 0
        event.set()

    async def test_waiter_cancelled_as_the_event_is_set(self) -> None:
        event = Event()
        waiter = Cancellable(event.wait)
        async with task_group() as tg:
            await start_in_order(tg, waiter)
            event.set()
            waiter.cancel()
        assert event.statistics().tasks_waiting == 0

    async def test_native_cancel_after_set(self, asyncio_only: None) -> None:
        event = Event()
        woken: list[int] = []

        async def waiter(i: int) -> None:
            await event.wait()
            woken.append(i)

        first = await start_native(waiter, 0)
        async with task_group() as tg:
            await start_in_order(tg, waiter, 1)
            first.cancel()
            event.set()  # the first waiter's future is cancelled already
        assert await was_cancelled(first)
        assert woken == [1]
        assert event.statistics().tasks_waiting == 0

    def test_repr(self) -> None:
        assert repr(Event()) == "<Event set=False tasks_waiting=0>"

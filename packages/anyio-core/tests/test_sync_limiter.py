"""`CapacityLimiter` (``_core/_sync/_limiter.py``)."""

from __future__ import annotations

import math
from typing import Any

import pytest

from anyio import (
    CancelScope,
    CapacityLimiter,
    CapacityLimiterStatistics,
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


ALREADY_BORROWING = "this borrower is already holding one of this CapacityLimiter's tokens"
NOT_BORROWING = "this borrower isn't holding any of this CapacityLimiter's tokens"


class TestCapacityLimiter:
    async def test_acquire_release(self) -> None:
        limiter = CapacityLimiter(2)
        assert (limiter.total_tokens, limiter.borrowed_tokens, limiter.available_tokens) == (
            2,
            0,
            2,
        )
        await limiter.acquire()
        assert (limiter.borrowed_tokens, limiter.available_tokens) == (1, 1)
        limiter.release()
        assert limiter.borrowed_tokens == 0

    async def test_context_manager(self) -> None:
        limiter = CapacityLimiter(1)
        async with limiter as entered:
            assert entered is None
            assert limiter.borrowed_tokens == 1
        assert limiter.borrowed_tokens == 0

    async def test_default_borrower_is_the_native_task(self, anyio_backend_name: str) -> None:
        # As in AnyIO: the borrower is the loop library's task object.
        if anyio_backend_name == "trio":
            import trio

            task: object = trio.lowlevel.current_task()
        else:
            import asyncio

            task = asyncio.current_task()
        limiter = CapacityLimiter(2)
        limiter.acquire_nowait()
        (borrower,) = limiter.statistics().borrowers
        assert borrower is task
        assert id(borrower) == get_current_task().id
        limiter.release_on_behalf_of(task)
        # ...and the other way round: a token borrowed on behalf of the task is
        # the task's own token.
        await limiter.acquire_on_behalf_of(task)
        with pytest.raises(RuntimeError, match="already holding"):
            limiter.acquire_nowait()
        limiter.release()
        assert limiter.borrowed_tokens == 0

    @pytest.mark.parametrize("value", [0, 1, 10**12, math.inf, float("inf")])
    def test_total_tokens_accepts(self, value: float) -> None:
        limiter = CapacityLimiter(value)
        assert limiter.total_tokens == value
        limiter.total_tokens = 3
        limiter.total_tokens = value
        assert limiter.total_tokens == value

    @pytest.mark.parametrize(
        ("value", "exc", "message"),
        [
            (2.5, TypeError, "total_tokens must be an int or math.inf"),
            ("1", TypeError, "total_tokens must be an int or math.inf"),
            (math.nan, TypeError, "total_tokens must be an int or math.inf"),
            (-1, ValueError, "total_tokens must be >= 0"),
            (-math.inf, ValueError, "total_tokens must be >= 0"),
        ],
    )
    def test_total_tokens_rejects(self, value: Any, exc: type[Exception], message: str) -> None:
        with pytest.raises(exc, match=exactly(message)):
            CapacityLimiter(value)
        limiter = CapacityLimiter(1)
        with pytest.raises(exc, match=exactly(message)):
            limiter.total_tokens = value
        assert limiter.total_tokens == 1

    async def test_zero_tokens(self) -> None:
        limiter = CapacityLimiter(0)
        with pytest.raises(WouldBlock):
            limiter.acquire_nowait()
        async with task_group() as tg:
            await start_in_order(tg, limiter.acquire_on_behalf_of, "a")
            assert limiter.statistics().tasks_waiting == 1
            limiter.total_tokens = 1
            assert limiter.statistics().borrowers == ("a",)
        limiter.release_on_behalf_of("a")

    async def test_raising_total_tokens_wakes_that_many_waiters(self) -> None:
        limiter = CapacityLimiter(1)
        order: list[int] = []

        async def borrow(i: int) -> None:
            await limiter.acquire_on_behalf_of(i)
            order.append(i)

        async with task_group() as tg:
            limiter.acquire_on_behalf_of_nowait("holder")
            for i in range(4):
                await start_in_order(tg, borrow, i)
            limiter.total_tokens = 3
            assert set(limiter.statistics().borrowers) == {"holder", 0, 1}
            assert limiter.statistics().tasks_waiting == 2
            await wait_all_tasks_blocked()
            assert sorted(order) == [0, 1]
            limiter.total_tokens = math.inf
        assert sorted(order) == [0, 1, 2, 3]
        assert limiter.available_tokens == math.inf

    async def test_lowering_total_tokens_takes_nothing_back(self) -> None:
        limiter = CapacityLimiter(2)
        limiter.acquire_on_behalf_of_nowait("a")
        limiter.acquire_on_behalf_of_nowait("b")
        limiter.total_tokens = 1
        assert limiter.borrowed_tokens == 2
        assert limiter.available_tokens == -1
        limiter.release_on_behalf_of("a")
        with pytest.raises(WouldBlock):
            limiter.acquire_on_behalf_of_nowait("c")

    async def test_fifo(self) -> None:
        limiter = CapacityLimiter(1)
        order: list[int] = []

        async def worker(i: int) -> None:
            async with limiter:
                order.append(i)

        async with task_group() as tg:
            limiter.acquire_on_behalf_of_nowait("holder")
            for i in range(4):
                await start_in_order(tg, worker, i)
            limiter.release_on_behalf_of("holder")
        assert order == [0, 1, 2, 3]

    async def test_borrow_twice(self) -> None:
        limiter = CapacityLimiter(5)
        await limiter.acquire()
        with pytest.raises(RuntimeError, match=exactly(ALREADY_BORROWING)):
            await limiter.acquire()
        with pytest.raises(RuntimeError, match=exactly(ALREADY_BORROWING)):
            limiter.acquire_nowait()
        limiter.acquire_on_behalf_of_nowait("x")
        with pytest.raises(RuntimeError, match=exactly(ALREADY_BORROWING)):
            await limiter.acquire_on_behalf_of("x")
        with pytest.raises(RuntimeError, match=exactly(ALREADY_BORROWING)):
            limiter.acquire_on_behalf_of_nowait("x")
        assert limiter.borrowed_tokens == 2

    async def test_wait_twice_with_the_same_borrower(self) -> None:
        limiter = CapacityLimiter(0)
        errors: list[str] = []

        async def second() -> None:
            try:
                await limiter.acquire_on_behalf_of("x")
            except RuntimeError as exc:
                errors.append(str(exc))

        async with task_group() as tg:
            await start_in_order(tg, limiter.acquire_on_behalf_of, "x")
            await start_in_order(tg, second)
            assert errors == [ALREADY_BORROWING]
            limiter.total_tokens = 2
        assert limiter.statistics().borrowers == ("x",)

    async def test_release_without_a_token(self) -> None:
        limiter = CapacityLimiter(1)
        with pytest.raises(RuntimeError, match=exactly(NOT_BORROWING)):
            limiter.release()
        with pytest.raises(RuntimeError, match=exactly(NOT_BORROWING)):
            limiter.release_on_behalf_of("nobody")
        limiter.acquire_on_behalf_of_nowait("somebody")
        with pytest.raises(RuntimeError, match=exactly(NOT_BORROWING)):
            limiter.release()
        assert limiter.borrowed_tokens == 1

    async def test_nowait_does_not_steal_a_handed_over_token(self) -> None:
        limiter = CapacityLimiter(1)
        got: list[str] = []

        async def waiter() -> None:
            await limiter.acquire_on_behalf_of("waiter")
            got.append("waiter")

        async with task_group() as tg:
            limiter.acquire_on_behalf_of_nowait("holder")
            await start_in_order(tg, waiter)
            limiter.release_on_behalf_of("holder")
            # The token went to the woken waiter, which has not run yet.
            with pytest.raises(WouldBlock):
                limiter.acquire_on_behalf_of_nowait("thief")
            assert limiter.statistics().borrowers == ("waiter",)
        assert got == ["waiter"]
        assert limiter.borrowed_tokens == 1

    async def test_cancelled_waiter_never_takes_a_token(self) -> None:
        limiter = CapacityLimiter(1)
        order: list[str] = []

        async def borrow(name: str) -> None:
            await limiter.acquire_on_behalf_of(name)
            order.append(name)

        first = Cancellable(lambda: borrow("first"))
        async with task_group() as tg:
            limiter.acquire_on_behalf_of_nowait("holder")
            await start_in_order(tg, first)
            await start_in_order(tg, borrow, "second")
            first.cancel()
            await wait_all_tasks_blocked()
            assert limiter.statistics().tasks_waiting == 1
            limiter.release_on_behalf_of("holder")
        assert order == ["second"]
        assert limiter.statistics().borrowers == ("second",)

    async def test_cancelled_as_the_token_is_handed_over(self) -> None:
        limiter = CapacityLimiter(1)

        async def borrow_and_return() -> None:
            async with limiter:
                pass

        first = Cancellable(borrow_and_return)
        async with task_group() as tg:
            limiter.acquire_on_behalf_of_nowait("holder")
            await start_in_order(tg, first)
            await start_in_order(tg, borrow_and_return)
            limiter.release_on_behalf_of("holder")
            first.cancel()
        assert limiter.borrowed_tokens == 0
        assert limiter.statistics().tasks_waiting == 0

    async def test_cancelled_uncontended_acquire_returns_the_token(self) -> None:
        limiter = CapacityLimiter(1)
        with CancelScope() as scope:
            scope.cancel()
            await limiter.acquire_on_behalf_of("x")
        assert limiter.borrowed_tokens == 0

    async def test_native_cancel_after_hand_over_passes_the_token_on(
        self, asyncio_only: None
    ) -> None:
        limiter = CapacityLimiter(1)
        order: list[int] = []

        async def worker(i: int) -> None:
            await limiter.acquire_on_behalf_of(i)
            order.append(i)

        limiter.acquire_on_behalf_of_nowait("holder")
        first = await start_native(worker, 0)
        async with task_group() as tg:
            await start_in_order(tg, worker, 1)
            limiter.release_on_behalf_of("holder")  # hands the token to worker 0 ...
            first.cancel()  # ... which is cancelled before it can run
        assert await was_cancelled(first)
        assert order == [1]
        assert limiter.statistics().borrowers == (1,)

    async def test_statistics(self) -> None:
        limiter = CapacityLimiter(1)
        assert limiter.statistics() == CapacityLimiterStatistics(0, 1, (), 0)
        async with task_group() as tg:
            limiter.acquire_on_behalf_of_nowait("a")
            await start_in_order(tg, limiter.acquire_on_behalf_of, "b")
            assert limiter.statistics() == CapacityLimiterStatistics(1, 1, ("a",), 1)
            limiter.release_on_behalf_of("a")
        assert limiter.statistics() == CapacityLimiterStatistics(1, 1, ("b",), 0)

    def test_repr(self) -> None:
        assert repr(CapacityLimiter(2)) == (
            "<CapacityLimiter borrowed_tokens=0 total_tokens=2 tasks_waiting=0>"
        )

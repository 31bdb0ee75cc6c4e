"""`gather()`, `amap()` and `as_completed()` on every backend variant."""

# Several statements in pytest.raises() blocks are what these tests exercise:

from __future__ import annotations

import sys
import warnings

import pytest

from anyio import (
    Event,
    TaskHandle,
    amap,
    as_completed,
    create_task_group,
    fail_after,
    gather,
    get_cancelled_exc_class,
    sleep_forever,
    wait_all_tasks_blocked,
)
from anyio.lowlevel import checkpoint

if sys.version_info < (3, 11):
    from exceptiongroup import ExceptionGroup

pytestmark = pytest.mark.anyio

GUARD = 5


async def double(value: int) -> int:
    await checkpoint()
    return value * 2


async def fail(message: str = "boom") -> int:
    await checkpoint()
    raise ValueError(message)


async def wait_then(event: Event, value: str) -> str:
    await event.wait()
    return value


class TestGather:
    async def test_results_in_argument_order(self) -> None:
        assert await gather(double(1), double(2), double(3)) == (2, 4, 6)

    async def test_nothing(self) -> None:
        assert await gather() == ()

    async def test_order_is_by_argument_not_by_finish(self) -> None:
        first, second = Event(), Event()

        async def release() -> None:
            await wait_all_tasks_blocked()
            second.set()
            await wait_all_tasks_blocked()
            first.set()

        async with create_task_group() as tg:
            tg.start_soon(release)
            with fail_after(GUARD):
                result = await gather(wait_then(first, "a"), wait_then(second, "b"))
        assert result == ("a", "b")

    async def test_error_cancels_the_rest(self) -> None:
        cancelled: list[bool] = []

        async def sleeper() -> None:
            try:
                await sleep_forever()
            except get_cancelled_exc_class():
                cancelled.append(True)
                raise

        with fail_after(GUARD), pytest.raises(ExceptionGroup) as exc_info:
            await gather(sleeper(), fail())
        assert [type(exc) for exc in exc_info.value.exceptions] == [ValueError]
        assert cancelled == [True]

    async def test_caller_cancellation_cancels_every_task(self) -> None:
        cancelled: list[int] = []

        async def sleeper(number: int) -> None:
            try:
                await sleep_forever()
            except get_cancelled_exc_class():
                cancelled.append(number)
                raise

        async with create_task_group() as tg:
            tg.start_soon(gather, sleeper(1), sleeper(2))
            await wait_all_tasks_blocked()
            tg.cancel_scope.cancel()
        assert sorted(cancelled) == [1, 2]

    async def test_rejects_non_coroutines_and_runs_nothing(self) -> None:
        ran: list[int] = []

        async def record() -> None:
            ran.append(1)

        with warnings.catch_warnings():
            warnings.simplefilter("error")  # no "coroutine was never awaited"
            with pytest.raises(TypeError, match="expected a coroutine, got 42"):
                await gather(record(), 42)  # type: ignore[call-overload]
        await checkpoint()
        assert ran == []


class TestAmap:
    async def test_results_in_order(self) -> None:
        assert await amap(double, range(5)) == [0, 2, 4, 6, 8]

    async def test_reads_any_iterable(self) -> None:
        assert await amap(double, (n for n in (3, 1))) == [6, 2]

    async def test_error(self) -> None:
        with pytest.raises(ExceptionGroup):
            await amap(fail, ["a"])


class TestAsCompleted:
    async def test_finish_order(self) -> None:
        first, second, third = Event(), Event(), Event()
        seen: list[str] = []
        async with as_completed(
            wait_then(first, "a"), wait_then(second, "b"), wait_then(third, "c")
        ) as finished:
            await wait_all_tasks_blocked()
            second.set()
            with fail_after(GUARD):
                handle = await finished.receive()
                assert isinstance(handle, TaskHandle)
                assert handle.status is TaskHandle.Status.FINISHED
                seen.append(handle.return_value)
                third.set()
                seen.append((await finished.receive()).return_value)
                first.set()
                seen.extend([handle.return_value async for handle in finished])
        assert seen == ["b", "c", "a"]

    async def test_failure_cancels_the_rest_and_leaves_as_a_group(self) -> None:
        # As in AnyIO (and as with gather()): no failure goes unnoticed.
        cancelled: list[bool] = []
        seen: list[object] = []

        async def sleeper() -> int:
            try:
                await sleep_forever()
            except get_cancelled_exc_class():
                cancelled.append(True)
                raise
            return 0  # pragma: no cover

        with fail_after(GUARD), pytest.raises(ExceptionGroup) as exc_info:  # noqa: PT012
            async with as_completed(sleeper(), fail("bad")) as finished:
                seen.extend([handle async for handle in finished])
                seen.append("the reader was not cancelled")  # pragma: no cover
        assert [type(exc) for exc in exc_info.value.exceptions] == [ValueError]
        assert str(exc_info.value.exceptions[0]) == "bad"
        assert cancelled == [True]
        assert seen == []

    async def test_leaving_early_cancels_the_rest(self) -> None:
        cancelled: list[bool] = []

        async def sleeper() -> int:
            try:
                await sleep_forever()
            except get_cancelled_exc_class():
                cancelled.append(True)
                raise
            return 0  # pragma: no cover

        with fail_after(GUARD):
            async with as_completed(double(1), sleeper()) as finished:
                handle = await finished.receive()
                assert handle.return_value == 2
        assert cancelled == [True]

    async def test_nothing_is_refused(self) -> None:
        with pytest.raises(ValueError, match="at least one awaitable"):
            async with as_completed():
                pass  # pragma: no cover

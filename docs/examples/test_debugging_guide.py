"""The debugging guide's example tests: a 30-minute timeout tested in milliseconds, and a task tree."""

from __future__ import annotations

import pytest

import anyio
from anyio.lowlevel import VirtualClock, get_task_tree

pytestmark = pytest.mark.anyio  # every test in this module runs on each backend


async def reconnect_with_backoff(connect: object, attempts: int) -> float:
    """Retry ``connect`` with a doubling delay; return how long it all took."""
    start = anyio.current_time()
    delay = 60.0
    for _ in range(attempts):
        await anyio.sleep(delay)  # the code under test sleeps for real...
        delay *= 2
    return anyio.current_time() - start


@pytest.mark.anyio_clock("autojump")  # ...but the test runs on a virtual clock
async def test_backoff_takes_about_an_hour() -> None:
    took = await reconnect_with_backoff(object(), attempts=6)
    assert took == 60 + 120 + 240 + 480 + 960 + 1920  # 62 minutes, exactly


@pytest.mark.anyio_clock("autojump")
async def test_half_hour_timeout() -> None:
    with pytest.raises(TimeoutError), anyio.fail_after(30 * 60):
        await anyio.Event().wait()  # nothing will ever set it


@pytest.mark.anyio_clock  # standing still: only jump() moves the time
async def test_nothing_happens_before_the_deadline(anyio_clock: VirtualClock) -> None:
    fired = anyio.Event()

    async def alarm() -> None:
        await anyio.sleep(3600)
        fired.set()

    async with anyio.create_task_group() as tg:
        tg.start_soon(alarm)
        await anyio.wait_all_tasks_blocked()
        anyio_clock.jump(3599)
        await anyio.wait_all_tasks_blocked()
        assert not fired.is_set()
        anyio_clock.jump(1)
    assert fired.is_set()


async def test_where_is_everybody() -> None:
    async with anyio.create_task_group() as tg:
        tg.start_soon(anyio.sleep_forever, name="idler")
        await anyio.wait_all_tasks_blocked()
        tree = get_task_tree()
        tg.cancel_scope.cancel()
    assert "task 'idler'" in str(tree)

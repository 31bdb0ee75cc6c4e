"""The testing guide's example tests: they run on every backend the `anyio_backend` fixture lists."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

import anyio
import anyio.lowlevel

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

pytestmark = pytest.mark.anyio  # every test in this module runs on each backend


async def test_sleep_returns() -> None:
    with anyio.fail_after(1):  # a guard, so that a hang fails instead of stalling the run
        await anyio.lowlevel.checkpoint()


@pytest.fixture
async def stream() -> AsyncIterator[anyio.abc.ObjectStream[int]]:
    """An async fixture: set up and torn down in the test's event loop."""
    send, receive = anyio.create_memory_object_stream[int](1)
    from anyio.streams.stapled import StapledObjectStream

    both = StapledObjectStream(send, receive)
    yield both
    await both.aclose()


async def test_echo(stream: anyio.abc.ObjectStream[int]) -> None:
    await stream.send(1)
    assert await stream.receive() == 1


async def test_waits_for_blocked_tasks() -> None:
    event = anyio.Event()
    async with anyio.create_task_group() as tg:
        tg.start_soon(event.wait)
        await anyio.wait_all_tasks_blocked()  # no sleeping to let the task start
        assert event.statistics().tasks_waiting == 1
        event.set()

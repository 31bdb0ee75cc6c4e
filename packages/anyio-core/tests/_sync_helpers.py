"""Helpers shared by the ``test_sync_*.py`` tests of the synchronization primitives.

The ``asyncio_only`` fixture that goes with `start_native()` and `was_cancelled()`
is in ``conftest.py``: a fixture imported from here would shadow itself as a
test argument (ruff F811).
"""

from __future__ import annotations

import re
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

from anyio import CancelScope, create_task_group, fail_after, wait_all_tasks_blocked

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Awaitable, Callable

    from anyio.abc import TaskGroup


def exactly(message: str) -> str:
    """A ``pytest.raises(match=...)`` pattern for exactly this message."""
    return f"^{re.escape(message)}$"


async def start_native(func: Callable[..., Awaitable[Any]], *args: Any) -> Any:
    """Start ``func(*args)`` as a plain asyncio task, outside any task group.

    A task group would treat the native cancellation of its child as a reason
    to cancel all its children (as AnyIO does), which these tests must avoid.
    """
    import asyncio

    async def run() -> None:
        await func(*args)

    task = asyncio.get_running_loop().create_task(run())
    await wait_all_tasks_blocked()
    return task


async def was_cancelled(task: Any) -> bool:
    """Wait for a task started by `start_native()`; tell whether it was cancelled."""
    import asyncio

    await asyncio.wait([task], timeout=10)
    assert task.done(), "the natively cancelled task never finished"
    return bool(task.cancelled())


@asynccontextmanager
async def task_group() -> AsyncIterator[TaskGroup]:
    """A task group that fails the test, rather than hang it, if a task never finishes."""
    with fail_after(10):
        async with create_task_group() as tg:
            yield tg


async def start_in_order(tg: TaskGroup, func: Callable[..., Awaitable[Any]], *args: Any) -> None:
    """Start ``func(*args)`` and let it run until it blocks, so tasks queue in order."""
    tg.start_soon(func, *args)
    await wait_all_tasks_blocked()


class Cancellable:
    """Runs a coroutine function in its own cancel scope and records the outcome."""

    def __init__(self, func: Callable[[], Awaitable[Any]]) -> None:
        self.func = func
        self.scope: CancelScope | None = None
        self.finished = False

    async def __call__(self) -> None:
        with CancelScope() as self.scope:
            await self.func()
            self.finished = True

    def cancel(self) -> None:
        assert self.scope is not None
        self.scope.cancel()

"""Task groups, cancellation, timeouts and checkpoints (issue 2).

Each anyio body below runs unchanged on our packages and on AnyIO 4.13; each raw twin is
what a careful user of plain asyncio or trio would write for the same job.
"""

from __future__ import annotations

import asyncio
import math

from harness import Workload, sample_memory

#: Issue 2: at most 1.3x raw asyncio (also on uvloop) and 1.1x raw trio.
TIME_TARGETS = {"asyncio": 1.3, "uvloop": 1.3, "trio": 1.1}

#: Checkpoints a memory body makes after spawning before it samples. On asyncio every new
#: task runs its first step before the spawner resumes from one checkpoint; trio runs each
#: batch of ready tasks in random order, so a spawned task may need a second batch.
SETTLE_CHECKPOINTS = 5


async def _noop() -> None:
    pass


class _StopGroup(Exception):
    """Raised inside an asyncio.TaskGroup to make it cancel its children."""


# --- spawn -------------------------------------------------------------------------------

spawn = Workload(
    name="spawn",
    summary="spawn n no-op tasks in a task group and wait for them all",
    n=1000,
    unit="task",
    targets=TIME_TARGETS,
)


@spawn.anyio
async def spawn_anyio(n: int) -> None:
    import anyio.lowlevel

    async with anyio.create_task_group() as tg:
        for _ in range(n):
            tg.start_soon(_noop)


@spawn.asyncio
async def spawn_asyncio(n: int) -> None:
    async with asyncio.TaskGroup() as tg:
        for _ in range(n):
            tg.create_task(_noop())


@spawn.trio
async def spawn_trio(n: int) -> None:
    import trio

    async with trio.open_nursery() as nursery:
        for _ in range(n):
            nursery.start_soon(_noop)


# --- cancel ------------------------------------------------------------------------------

cancel = Workload(
    name="cancel",
    summary="spawn n tasks that sleep forever, wait until all started, cancel the group",
    n=1000,
    unit="task",
    targets=TIME_TARGETS,
)


@cancel.anyio
async def cancel_anyio(n: int) -> None:
    import anyio.lowlevel

    started = 0

    async def child() -> None:
        nonlocal started
        started += 1
        await anyio.sleep_forever()

    async with anyio.create_task_group() as tg:
        for _ in range(n):
            tg.start_soon(child)
        while started < n:
            await anyio.lowlevel.checkpoint()
        tg.cancel_scope.cancel()


@cancel.asyncio
async def cancel_asyncio(n: int) -> None:
    # asyncio.TaskGroup has no cancel(); cancelling every child is the cheapest way out
    # (it is what the group itself does when it aborts), so the baseline is a strict one.
    started = 0

    async def child() -> None:
        nonlocal started
        started += 1
        await asyncio.sleep(math.inf)

    async with asyncio.TaskGroup() as tg:
        tasks = [tg.create_task(child()) for _ in range(n)]
        while started < n:  # noqa: ASYNC110 - the same polling loop as the other bodies
            await asyncio.sleep(0)
        for task in tasks:
            task.cancel()


@cancel.trio
async def cancel_trio(n: int) -> None:
    import trio

    started = 0

    async def child() -> None:
        nonlocal started
        started += 1
        await trio.sleep_forever()

    async with trio.open_nursery() as nursery:
        for _ in range(n):
            nursery.start_soon(child)
        while started < n:
            await trio.lowlevel.checkpoint()
        nursery.cancel_scope.cancel()


# --- move_on_after -----------------------------------------------------------------------

move_on_after = Workload(
    name="move_on_after",
    summary="n times: a zero timeout that fires around a sleep forever, then move on",
    n=1000,
    unit="timeout",
    targets=TIME_TARGETS,
)


@move_on_after.anyio
async def move_on_after_anyio(n: int) -> None:
    import anyio.lowlevel

    for _ in range(n):
        with anyio.move_on_after(0):
            await anyio.sleep_forever()


@move_on_after.asyncio
async def move_on_after_asyncio(n: int) -> None:
    for _ in range(n):
        try:
            async with asyncio.timeout(0):
                await asyncio.sleep(math.inf)
        except TimeoutError:
            pass


@move_on_after.trio
async def move_on_after_trio(n: int) -> None:
    import trio

    for _ in range(n):
        with trio.move_on_after(0):
            await trio.sleep_forever()


# --- checkpoint --------------------------------------------------------------------------

checkpoint = Workload(
    name="checkpoint",
    summary="n checkpoints in a row (yield to the event loop and back)",
    n=10_000,
    unit="checkpoint",
    targets=TIME_TARGETS,
)


@checkpoint.anyio
async def checkpoint_anyio(n: int) -> None:
    import anyio.lowlevel

    for _ in range(n):
        await anyio.lowlevel.checkpoint()


@checkpoint.asyncio
async def checkpoint_asyncio(n: int) -> None:
    for _ in range(n):
        await asyncio.sleep(0)


@checkpoint.trio
async def checkpoint_trio(n: int) -> None:
    import trio

    for _ in range(n):
        await trio.lowlevel.checkpoint()


# --- memory ------------------------------------------------------------------------------

sleeping_tasks_memory = Workload(
    name="sleeping_tasks_memory",
    summary="memory held by n tasks sleeping forever in one task group",
    n=100_000,
    quick_n=20_000,
    kind="memory",
    unit="task",
    max_rounds=1,
    targets={"asyncio": 1.2, "uvloop": 1.2},
)


@sleeping_tasks_memory.anyio
async def sleeping_tasks_memory_anyio(n: int) -> None:
    import anyio.lowlevel

    async with anyio.create_task_group() as tg:
        for _ in range(n):
            tg.start_soon(anyio.sleep_forever)
        for _ in range(SETTLE_CHECKPOINTS):
            await anyio.lowlevel.checkpoint()
        sample_memory()
        tg.cancel_scope.cancel()


@sleeping_tasks_memory.asyncio
async def sleeping_tasks_memory_asyncio(n: int) -> None:
    # No list of tasks here (it would count against the baseline): raising inside the
    # group makes it cancel its children.
    try:
        async with asyncio.TaskGroup() as tg:
            for _ in range(n):
                tg.create_task(asyncio.sleep(math.inf))
            for _ in range(SETTLE_CHECKPOINTS):
                await asyncio.sleep(0)
            sample_memory()
            raise _StopGroup
    except* _StopGroup:
        pass


@sleeping_tasks_memory.trio
async def sleeping_tasks_memory_trio(n: int) -> None:
    import trio

    async with trio.open_nursery() as nursery:
        for _ in range(n):
            nursery.start_soon(trio.sleep_forever)
        for _ in range(SETTLE_CHECKPOINTS):
            await trio.lowlevel.checkpoint()
        sample_memory()
        nursery.cancel_scope.cancel()

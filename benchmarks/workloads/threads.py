"""Worker threads and blocking portals (issue 5).

`to_thread_single` and `to_thread_concurrent8` run a trivial function in a worker thread:
the anyio bodies with `anyio.to_thread.run_sync()`, the asyncio twins with
`loop.run_in_executor(None, ...)` (the loop's default executor, as a careful user would),
the trio twins with `trio.to_thread.run_sync()`. Each call awaits the previous one, so the
figure is the round trip of one thread hop. The concurrent workload has 8 tasks calling at
once; note that asyncio's default executor has `min(32, cpus + 4)` threads, so on a small
machine some of its callers queue, whereas AnyIO's default limiter allows 40 threads.

`portal_call` goes the other way: a plain worker thread calls an async no-op function in the
event loop `n` times in a row, through `BlockingPortal.call()` (anyio),
`asyncio.run_coroutine_threadsafe(...).result()` (asyncio) or `trio.from_thread.run()`
(trio). Only the calls are timed (the clock starts and stops inside the worker thread):
opening the portal and the hop into the thread are setup.
"""

from __future__ import annotations

import asyncio

from harness import Workload, start_timer, stop_timer

#: Issue 5: one caller at most 1.1x the raw twins, 8 concurrent callers 1.3x, portal calls
#: 1.2x, on both backends. AnyIO 4.13 on asyncio: 1.15x, 2.5x and 1.6x-1.7x.
SINGLE_TARGETS = {"asyncio": 1.1, "uvloop": 1.1, "trio": 1.1}
CONCURRENT_TARGETS = {"asyncio": 1.3, "uvloop": 1.3, "trio": 1.3}
PORTAL_TARGETS = {"asyncio": 1.2, "uvloop": 1.2, "trio": 1.2}

#: Tasks calling into worker threads at the same time in `to_thread_concurrent8`.
CALLERS = 8


def _noop() -> None:
    pass


async def _async_noop() -> None:
    pass


# --- to_thread_single --------------------------------------------------------------------

to_thread_single = Workload(
    name="to_thread_single",
    summary="one task runs a no-op function in a worker thread n times in a row",
    n=500,
    quick_n=200,
    unit="call",
    targets=SINGLE_TARGETS,
)


@to_thread_single.anyio
async def to_thread_single_anyio(n: int) -> None:
    import anyio.to_thread

    for _ in range(n):
        await anyio.to_thread.run_sync(_noop)


@to_thread_single.asyncio
async def to_thread_single_asyncio(n: int) -> None:
    loop = asyncio.get_running_loop()
    for _ in range(n):
        await loop.run_in_executor(None, _noop)


@to_thread_single.trio
async def to_thread_single_trio(n: int) -> None:
    import trio

    for _ in range(n):
        await trio.to_thread.run_sync(_noop)


# --- to_thread_concurrent8 ---------------------------------------------------------------

to_thread_concurrent8 = Workload(
    name="to_thread_concurrent8",
    summary=f"{CALLERS} tasks each run a no-op function in a worker thread n/{CALLERS} times",
    n=800,
    quick_n=320,
    unit="call",
    targets=CONCURRENT_TARGETS,
)


@to_thread_concurrent8.anyio
async def to_thread_concurrent8_anyio(n: int) -> None:
    import anyio
    import anyio.to_thread

    async def caller(count: int) -> None:
        for _ in range(count):
            await anyio.to_thread.run_sync(_noop)

    async with anyio.create_task_group() as tg:
        for _ in range(CALLERS):
            tg.start_soon(caller, n // CALLERS)


@to_thread_concurrent8.asyncio
async def to_thread_concurrent8_asyncio(n: int) -> None:
    loop = asyncio.get_running_loop()

    async def caller(count: int) -> None:
        for _ in range(count):
            await loop.run_in_executor(None, _noop)

    async with asyncio.TaskGroup() as tg:
        for _ in range(CALLERS):
            tg.create_task(caller(n // CALLERS))


@to_thread_concurrent8.trio
async def to_thread_concurrent8_trio(n: int) -> None:
    import trio

    async def caller(count: int) -> None:
        for _ in range(count):
            await trio.to_thread.run_sync(_noop)

    async with trio.open_nursery() as nursery:
        for _ in range(CALLERS):
            nursery.start_soon(caller, n // CALLERS)


# --- portal_call -------------------------------------------------------------------------

portal_call = Workload(
    name="portal_call",
    summary="a worker thread calls an async no-op function in the event loop n times",
    n=500,
    quick_n=200,
    unit="call",
    targets=PORTAL_TARGETS,
)


@portal_call.anyio
async def portal_call_anyio(n: int) -> None:
    import anyio.from_thread
    import anyio.to_thread

    async with anyio.from_thread.BlockingPortal() as portal:

        def calls() -> None:
            start_timer()
            for _ in range(n):
                portal.call(_async_noop)
            stop_timer()

        await anyio.to_thread.run_sync(calls)


@portal_call.asyncio
async def portal_call_asyncio(n: int) -> None:
    loop = asyncio.get_running_loop()

    def calls() -> None:
        start_timer()
        for _ in range(n):
            asyncio.run_coroutine_threadsafe(_async_noop(), loop).result()
        stop_timer()

    await loop.run_in_executor(None, calls)


@portal_call.trio
async def portal_call_trio(n: int) -> None:
    import trio

    def calls() -> None:
        start_timer()
        for _ in range(n):
            trio.from_thread.run(_async_noop)
        stop_timer()

    await trio.to_thread.run_sync(calls)

"""Synchronization primitives (issue 3).

Each anyio body uses the public anyio primitive; its asyncio twin the asyncio primitive that
does the same job, its trio twin trio's own. In the contended workloads every acquire has to
wait, so both sides park and wake one task per operation; the work done while holding the
primitive is one checkpoint (`anyio.lowlevel.checkpoint()`, `asyncio.sleep(0)`,
`trio.lowlevel.checkpoint()`).

Uncontended acquires: an anyio acquire is a checkpoint (it yields once) unless
`fast_acquire=True`, whereas `asyncio.Lock` does not yield when it is free. The
`lock_uncontended` asyncio twin therefore yields once per operation (`asyncio.sleep(0)`),
which is what anyio's contract gives a user; `lock_fast_acquire` compares the paths that do
not yield. Trio's `Lock.acquire()` is a checkpoint like ours, so its twins need no padding.
"""

from __future__ import annotations

import asyncio

from harness import Workload

#: Issue 3: Event, Lock, Semaphore, Condition at most 1.1x their raw twins on asyncio (and
#: uvloop) and on trio; CapacityLimiter at most 1.2x an asyncio.Semaphore, 1.1x trio's own.
TARGETS = {"asyncio": 1.1, "uvloop": 1.1, "trio": 1.1}
LIMITER_TARGETS = {"asyncio": 1.2, "uvloop": 1.2, "trio": 1.1}

#: Tasks contending for a lock, a semaphore or a limiter.
CONTENDERS = 8
#: Permits of the contended semaphore, tokens of the contended limiter.
PERMITS = 2


# --- event ping-pong ---------------------------------------------------------------------

event_ping_pong = Workload(
    name="event_ping_pong",
    summary="two tasks hand a turn back and forth, through a new event per hand-over",
    n=5_000,
    quick_n=1_000,
    unit="round trip",
    targets=TARGETS,
)


@event_ping_pong.anyio
async def event_ping_pong_anyio(n: int) -> None:
    import anyio

    pings = [anyio.Event() for _ in range(n)]
    pongs = [anyio.Event() for _ in range(n)]

    async def pong() -> None:
        for i in range(n):
            await pings[i].wait()
            pongs[i].set()

    async with anyio.create_task_group() as tg:
        tg.start_soon(pong)
        for i in range(n):
            pings[i].set()
            await pongs[i].wait()


@event_ping_pong.asyncio
async def event_ping_pong_asyncio(n: int) -> None:
    pings = [asyncio.Event() for _ in range(n)]
    pongs = [asyncio.Event() for _ in range(n)]

    async def pong() -> None:
        for i in range(n):
            await pings[i].wait()
            pongs[i].set()

    async with asyncio.TaskGroup() as tg:
        tg.create_task(pong())
        for i in range(n):
            pings[i].set()
            await pongs[i].wait()


@event_ping_pong.trio
async def event_ping_pong_trio(n: int) -> None:
    import trio

    pings = [trio.Event() for _ in range(n)]
    pongs = [trio.Event() for _ in range(n)]

    async def pong() -> None:
        for i in range(n):
            await pings[i].wait()
            pongs[i].set()

    async with trio.open_nursery() as nursery:
        nursery.start_soon(pong)
        for i in range(n):
            pings[i].set()
            await pongs[i].wait()


# --- lock --------------------------------------------------------------------------------

lock_contention = Workload(
    name="lock_contention",
    summary=f"{CONTENDERS} tasks take turns holding a lock across one checkpoint, n times",
    n=10_000,
    quick_n=2_000,
    unit="acquire",
    targets=TARGETS,
)


@lock_contention.anyio
async def lock_contention_anyio(n: int) -> None:
    import anyio
    import anyio.lowlevel

    lock = anyio.Lock()

    async def worker(count: int) -> None:
        for _ in range(count):
            async with lock:
                await anyio.lowlevel.checkpoint()

    async with anyio.create_task_group() as tg:
        for _ in range(CONTENDERS):
            tg.start_soon(worker, n // CONTENDERS)


@lock_contention.asyncio
async def lock_contention_asyncio(n: int) -> None:
    lock = asyncio.Lock()

    async def worker(count: int) -> None:
        for _ in range(count):
            async with lock:
                await asyncio.sleep(0)

    async with asyncio.TaskGroup() as tg:
        for _ in range(CONTENDERS):
            tg.create_task(worker(n // CONTENDERS))


@lock_contention.trio
async def lock_contention_trio(n: int) -> None:
    import trio

    lock = trio.Lock()

    async def worker(count: int) -> None:
        for _ in range(count):
            async with lock:
                await trio.lowlevel.checkpoint()

    async with trio.open_nursery() as nursery:
        for _ in range(CONTENDERS):
            nursery.start_soon(worker, n // CONTENDERS)


lock_uncontended = Workload(
    name="lock_uncontended",
    summary="one task acquires and releases a free lock n times (each acquire yields once)",
    n=10_000,
    quick_n=2_000,
    unit="acquire",
    targets=TARGETS,
)


@lock_uncontended.anyio
async def lock_uncontended_anyio(n: int) -> None:
    import anyio

    lock = anyio.Lock()
    for _ in range(n):
        async with lock:
            pass


@lock_uncontended.asyncio
async def lock_uncontended_asyncio(n: int) -> None:
    lock = asyncio.Lock()
    for _ in range(n):
        await asyncio.sleep(0)  # an anyio acquire is a checkpoint; asyncio's is not
        async with lock:
            pass


@lock_uncontended.trio
async def lock_uncontended_trio(n: int) -> None:
    import trio

    lock = trio.Lock()
    for _ in range(n):
        async with lock:
            pass


lock_fast_acquire = Workload(
    name="lock_fast_acquire",
    summary="one task acquires and releases a free Lock(fast_acquire=True) n times",
    n=20_000,
    quick_n=5_000,
    unit="acquire",
)


@lock_fast_acquire.anyio
async def lock_fast_acquire_anyio(n: int) -> None:
    import anyio

    lock = anyio.Lock(fast_acquire=True)
    for _ in range(n):
        async with lock:
            pass


@lock_fast_acquire.asyncio
async def lock_fast_acquire_asyncio(n: int) -> None:
    lock = asyncio.Lock()
    for _ in range(n):
        async with lock:
            pass


# --- semaphore ---------------------------------------------------------------------------

semaphore_contention = Workload(
    name="semaphore_contention",
    summary=f"{CONTENDERS} tasks share {PERMITS} permits, each held across one checkpoint",
    n=10_000,
    quick_n=2_000,
    unit="acquire",
    targets=TARGETS,
)


@semaphore_contention.anyio
async def semaphore_contention_anyio(n: int) -> None:
    import anyio
    import anyio.lowlevel

    semaphore = anyio.Semaphore(PERMITS)

    async def worker(count: int) -> None:
        for _ in range(count):
            async with semaphore:
                await anyio.lowlevel.checkpoint()

    async with anyio.create_task_group() as tg:
        for _ in range(CONTENDERS):
            tg.start_soon(worker, n // CONTENDERS)


@semaphore_contention.asyncio
async def semaphore_contention_asyncio(n: int) -> None:
    semaphore = asyncio.Semaphore(PERMITS)

    async def worker(count: int) -> None:
        for _ in range(count):
            async with semaphore:
                await asyncio.sleep(0)

    async with asyncio.TaskGroup() as tg:
        for _ in range(CONTENDERS):
            tg.create_task(worker(n // CONTENDERS))


@semaphore_contention.trio
async def semaphore_contention_trio(n: int) -> None:
    import trio

    semaphore = trio.Semaphore(PERMITS)

    async def worker(count: int) -> None:
        for _ in range(count):
            async with semaphore:
                await trio.lowlevel.checkpoint()

    async with trio.open_nursery() as nursery:
        for _ in range(CONTENDERS):
            nursery.start_soon(worker, n // CONTENDERS)


# --- condition ---------------------------------------------------------------------------

condition_turns = Workload(
    name="condition_turns",
    summary="two tasks take turns through a condition (wait until it is my turn, notify)",
    n=5_000,
    quick_n=1_000,
    unit="turn",
    targets=TARGETS,
)


@condition_turns.anyio
async def condition_turns_anyio(n: int) -> None:
    import anyio

    condition = anyio.Condition()
    turn = [0]

    async def player(me: int) -> None:
        for _ in range(n // 2):
            async with condition:
                while turn[0] != me:
                    await condition.wait()
                turn[0] = 1 - me
                condition.notify()

    async with anyio.create_task_group() as tg:
        tg.start_soon(player, 0)
        tg.start_soon(player, 1)


@condition_turns.asyncio
async def condition_turns_asyncio(n: int) -> None:
    condition = asyncio.Condition()
    turn = [0]

    async def player(me: int) -> None:
        for _ in range(n // 2):
            async with condition:
                while turn[0] != me:
                    await condition.wait()
                turn[0] = 1 - me
                condition.notify()

    async with asyncio.TaskGroup() as tg:
        tg.create_task(player(0))
        tg.create_task(player(1))


@condition_turns.trio
async def condition_turns_trio(n: int) -> None:
    import trio

    condition = trio.Condition()
    turn = [0]

    async def player(me: int) -> None:
        for _ in range(n // 2):
            async with condition:
                while turn[0] != me:
                    await condition.wait()
                turn[0] = 1 - me
                condition.notify()

    async with trio.open_nursery() as nursery:
        nursery.start_soon(player, 0)
        nursery.start_soon(player, 1)


# --- capacity limiter --------------------------------------------------------------------

limiter_contention = Workload(
    name="limiter_contention",
    summary=(
        f"{CONTENDERS} tasks share a {PERMITS}-token CapacityLimiter (asyncio twin: a "
        "Semaphore), each token held across one checkpoint"
    ),
    n=10_000,
    quick_n=2_000,
    unit="acquire",
    targets=LIMITER_TARGETS,
)


@limiter_contention.anyio
async def limiter_contention_anyio(n: int) -> None:
    import anyio
    import anyio.lowlevel

    limiter = anyio.CapacityLimiter(PERMITS)

    async def worker(count: int) -> None:
        for _ in range(count):
            async with limiter:
                await anyio.lowlevel.checkpoint()

    async with anyio.create_task_group() as tg:
        for _ in range(CONTENDERS):
            tg.start_soon(worker, n // CONTENDERS)


@limiter_contention.asyncio
async def limiter_contention_asyncio(n: int) -> None:
    semaphore = asyncio.Semaphore(PERMITS)

    async def worker(count: int) -> None:
        for _ in range(count):
            async with semaphore:
                await asyncio.sleep(0)

    async with asyncio.TaskGroup() as tg:
        for _ in range(CONTENDERS):
            tg.create_task(worker(n // CONTENDERS))


@limiter_contention.trio
async def limiter_contention_trio(n: int) -> None:
    import trio

    limiter = trio.CapacityLimiter(PERMITS)

    async def worker(count: int) -> None:
        for _ in range(count):
            async with limiter:
                await trio.lowlevel.checkpoint()

    async with trio.open_nursery() as nursery:
        for _ in range(CONTENDERS):
            nursery.start_soon(worker, n // CONTENDERS)

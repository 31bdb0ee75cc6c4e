"""Memory object streams (issue 4).

Each anyio body passes items through `anyio.create_memory_object_stream()`; its asyncio twin
is an `asyncio.Queue` that checkpoints as often (an `await asyncio.sleep(0)` before each
`put()` and `get()`, since every anyio send and receive is a checkpoint), with
`maxsize=max(buffer, 1)` (asyncio has no rendezvous queue: `maxsize=0` means unbounded);
its trio twin is `trio.open_memory_channel()` with the same buffer, used the same way.
"""

from __future__ import annotations

import asyncio

from harness import Workload

#: Issue 4: at most 1.2x the checkpoint-matched asyncio.Queue twin, and 1.1x trio's channels.
TARGETS = {"asyncio": 1.2, "uvloop": 1.2, "trio": 1.1}

#: Workers between the producer and the collector of the pipeline workloads.
PIPELINE_WORKERS = 8


# --- producers and consumers -------------------------------------------------------------


async def _anyio_transfer(n: int, buffer: int, producers: int, consumers: int) -> None:
    import anyio

    send, receive = anyio.create_memory_object_stream[int](buffer)

    async def produce(stream: anyio.abc.ObjectSendStream[int], count: int) -> None:
        async with stream:
            for i in range(count):
                await stream.send(i)

    async def consume(stream: anyio.abc.ObjectReceiveStream[int]) -> None:
        async with stream:
            async for _ in stream:
                pass

    async with anyio.create_task_group() as tg:
        for _ in range(consumers):
            tg.start_soon(consume, receive.clone())
        for _ in range(producers):
            tg.start_soon(produce, send.clone(), n // producers)
        send.close()
        receive.close()


async def _asyncio_transfer(n: int, buffer: int, producers: int, consumers: int) -> None:
    queue: asyncio.Queue[int | None] = asyncio.Queue(max(buffer, 1))

    async def produce(count: int) -> None:
        for i in range(count):
            await asyncio.sleep(0)
            await queue.put(i)

    async def consume() -> None:
        while True:
            await asyncio.sleep(0)
            if await queue.get() is None:
                return

    async with asyncio.TaskGroup() as tg:
        for _ in range(consumers):
            tg.create_task(consume())
        async with asyncio.TaskGroup() as producing:
            for _ in range(producers):
                producing.create_task(produce(n // producers))
        for _ in range(consumers):
            await queue.put(None)  # one end-of-stream marker per consumer


async def _trio_transfer(n: int, buffer: int, producers: int, consumers: int) -> None:
    import trio

    send, receive = trio.open_memory_channel[int](buffer)

    async def produce(channel: trio.MemorySendChannel[int], count: int) -> None:
        async with channel:
            for i in range(count):
                await channel.send(i)

    async def consume(channel: trio.MemoryReceiveChannel[int]) -> None:
        async with channel:
            async for _ in channel:
                pass

    async with trio.open_nursery() as nursery:
        for _ in range(consumers):
            nursery.start_soon(consume, receive.clone())
        for _ in range(producers):
            nursery.start_soon(produce, send.clone(), n // producers)
        send.close()
        receive.close()


def _transfer_workload(buffer: int, producers: int, consumers: int) -> None:
    workload = Workload(
        name=f"stream_b{buffer}_{producers}x{consumers}",
        summary=(
            f"n items through a memory stream with buffer {buffer}, "
            f"{producers} producer(s) and {consumers} consumer(s)"
        ),
        n=10_000,
        quick_n=2_000,
        unit="item",
        targets=TARGETS,
    )

    @workload.anyio
    async def anyio_body(n: int) -> None:
        await _anyio_transfer(n, buffer, producers, consumers)

    @workload.asyncio
    async def asyncio_body(n: int) -> None:
        await _asyncio_transfer(n, buffer, producers, consumers)

    @workload.trio
    async def trio_body(n: int) -> None:
        await _trio_transfer(n, buffer, producers, consumers)


for _buffer in (0, 100):
    for _tasks in (1, 4):
        _transfer_workload(_buffer, _tasks, _tasks)


# --- pipeline: producer -> workers -> collector ------------------------------------------


async def _anyio_pipeline(n: int) -> None:
    import anyio

    to_workers, from_producer = anyio.create_memory_object_stream[int]()
    to_collector, from_workers = anyio.create_memory_object_stream[int]()

    async def produce() -> None:
        async with to_workers:
            for i in range(n):
                await to_workers.send(i)

    async def work(
        source: anyio.abc.ObjectReceiveStream[int], sink: anyio.abc.ObjectSendStream[int]
    ) -> None:
        async with source, sink:
            async for item in source:
                await sink.send(item)

    async def collect() -> None:
        async with from_workers:
            async for _ in from_workers:
                pass

    async with anyio.create_task_group() as tg:
        tg.start_soon(collect)
        for _ in range(PIPELINE_WORKERS):
            tg.start_soon(work, from_producer.clone(), to_collector.clone())
        from_producer.close()
        to_collector.close()
        tg.start_soon(produce)


async def _asyncio_pipeline(n: int) -> None:
    to_workers: asyncio.Queue[int | None] = asyncio.Queue(1)
    to_collector: asyncio.Queue[int | None] = asyncio.Queue(1)

    async def produce() -> None:
        for i in range(n):
            await asyncio.sleep(0)
            await to_workers.put(i)
        for _ in range(PIPELINE_WORKERS):
            await to_workers.put(None)

    async def work() -> None:
        while True:
            await asyncio.sleep(0)
            item = await to_workers.get()
            await asyncio.sleep(0)
            await to_collector.put(item)
            if item is None:
                return

    async def collect() -> None:
        finished = 0
        while finished < PIPELINE_WORKERS:
            await asyncio.sleep(0)
            if await to_collector.get() is None:
                finished += 1

    async with asyncio.TaskGroup() as tg:
        tg.create_task(collect())
        for _ in range(PIPELINE_WORKERS):
            tg.create_task(work())
        tg.create_task(produce())


async def _trio_pipeline(n: int) -> None:
    import trio

    to_workers, from_producer = trio.open_memory_channel[int](0)
    to_collector, from_workers = trio.open_memory_channel[int](0)

    async def produce() -> None:
        async with to_workers:
            for i in range(n):
                await to_workers.send(i)

    async def work(
        source: trio.MemoryReceiveChannel[int], sink: trio.MemorySendChannel[int]
    ) -> None:
        async with source, sink:
            async for item in source:
                await sink.send(item)

    async def collect() -> None:
        async with from_workers:
            async for _ in from_workers:
                pass

    async with trio.open_nursery() as nursery:
        nursery.start_soon(collect)
        for _ in range(PIPELINE_WORKERS):
            nursery.start_soon(work, from_producer.clone(), to_collector.clone())
        from_producer.close()
        to_collector.close()
        nursery.start_soon(produce)


def _pipeline_workload(n: int, label: str) -> None:
    workload = Workload(
        name=f"stream_pipeline_{label}",
        summary=(
            f"{label} items: producer -> {PIPELINE_WORKERS} workers -> collector, "
            "over two memory streams with no buffer"
        ),
        n=n,
        quick_n=min(n, 2_000),
        unit="item",
        targets=TARGETS,
    )
    workload.anyio(_anyio_pipeline)
    workload.asyncio(_asyncio_pipeline)
    workload.trio(_trio_pipeline)


for _n, _label in ((1_000, "1k"), (10_000, "10k"), (100_000, "100k")):
    _pipeline_workload(_n, _label)

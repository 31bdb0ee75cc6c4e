"""Memory object streams: producers, consumers, backpressure and closing."""

from __future__ import annotations

from typing import TYPE_CHECKING

import anyio

if TYPE_CHECKING:
    from anyio.streams.memory import MemoryObjectReceiveStream, MemoryObjectSendStream


async def producer(name: str, send: MemoryObjectSendStream[str]) -> None:
    async with send:  # this clone is closed when the producer is done
        for i in range(3):
            await send.send(f"{name}-{i}")  # waits while the buffer is full


async def consumer(name: str, receive: MemoryObjectReceiveStream[str], seen: list[str]) -> None:
    async with receive:
        async for item in receive:  # ends when every send end is closed
            seen.append(item)  # noqa: PERF401
    print(name, "finished")


async def main() -> None:
    # A buffer of 2 items: a producer that gets ahead waits (backpressure).
    send, receive = anyio.create_memory_object_stream[str](max_buffer_size=2)
    seen: list[str] = []
    # Each producer and consumer gets its own clone. The originals are closed
    # right after, so the stream ends when the last producer closes its clone.
    async with anyio.create_task_group() as tg, send, receive:
        for name in ("p1", "p2"):
            tg.start_soon(producer, name, send.clone())
        for name in ("c1", "c2"):
            tg.start_soon(consumer, name, receive.clone(), seen)
    print(sorted(seen))

    # Without a buffer, send() waits for a receiver; send_nowait() refuses.
    send2, receive2 = anyio.create_memory_object_stream[int]()
    with send2, receive2:
        try:
            send2.send_nowait(1)
        except anyio.WouldBlock:
            print("no receiver is waiting: WouldBlock")
        print(send2.statistics())

    # Sending after the receivers are gone fails loudly.
    send3, receive3 = anyio.create_memory_object_stream[int](1)
    receive3.close()
    try:
        await send3.send(1)
    except anyio.BrokenResourceError:
        print("every receive end is closed: BrokenResourceError")
    finally:
        send3.close()


if __name__ == "__main__":
    anyio.run(main)

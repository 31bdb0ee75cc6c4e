"""The batching async iterator behind `Path.iterdir()`, `glob()`, `rglob()` and `walk()`."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

import pytest

from anyio import create_task_group, wait_all_tasks_blocked
from anyio._path._iterate import MAX_BATCH, ThreadedIterator

if TYPE_CHECKING:
    from collections.abc import Iterator

pytestmark = pytest.mark.anyio


class Producer:
    """A blocking iterable that records how many items the consumer side pulled."""

    def __init__(self, count: int) -> None:
        self.count = count
        self.pulled = 0
        self.threads: set[int] = set()

    def __iter__(self) -> Iterator[int]:
        for item in range(self.count):
            self.pulled += 1
            self.threads.add(threading.get_ident())
            yield item


async def test_batches_grow() -> None:
    producer = Producer(1000)
    seen = [(item, producer.pulled) async for item in ThreadedIterator(lambda: producer)]
    assert [item for item, _ in seen] == list(range(1000))
    # Batches of 1, 2, 4, ...: when item k arrives, the worker has pulled up to 2**m - 1.
    assert [pulled for item, pulled in seen if item in (0, 1, 3, 7)] == [1, 3, 7, 15]
    assert max(pulled - item for item, pulled in seen) <= MAX_BATCH
    assert threading.get_ident() not in producer.threads  # produced in worker threads


async def test_no_prefetch() -> None:
    producer = Producer(5)
    async for item in ThreadedIterator(lambda: producer, prefetch=False):
        assert producer.pulled == item + 1  # never ahead of the consumer


async def test_empty_and_errors() -> None:
    assert [item async for item in ThreadedIterator(lambda: Producer(0))] == []

    def failing() -> Iterator[int]:
        yield 1
        raise OSError("boom")

    iterator = ThreadedIterator(failing)
    assert await iterator.__anext__() == 1
    with pytest.raises(OSError, match="boom"):
        await iterator.__anext__()
    with pytest.raises(StopAsyncIteration):
        await iterator.__anext__()


async def test_cancelled_iterator_refuses_reuse() -> None:
    release = threading.Event()

    def blocking() -> Iterator[int]:
        release.wait()
        yield 1

    iterator = ThreadedIterator(blocking)
    try:
        async with create_task_group() as tg:
            tg.start_soon(iterator.__anext__)
            await wait_all_tasks_blocked()
            tg.cancel_scope.cancel()  # the task leaves; its worker stays blocked
        assert not release.is_set()
        with pytest.raises(RuntimeError, match="start a new iteration"):
            await iterator.__anext__()
    finally:
        release.set()

"""The pipe streams of `_process._pipes`, over a plain ``os.pipe()``, on every backend variant."""

from __future__ import annotations

import gc
import os
from contextlib import contextmanager, suppress
from typing import TYPE_CHECKING, Any

import pytest

import anyio
from anyio import ClosedResourceError
from anyio._process import _pipes
from anyio._process._pipes import PipeReceiveStream, PipeSendStream
from anyio.lowlevel import checkpoint

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable, Iterator

pytestmark = pytest.mark.anyio


@pytest.fixture
async def pipe() -> AsyncIterator[tuple[PipeReceiveStream, PipeSendStream]]:
    read_end, write_end = os.pipe()
    receiver, sender = PipeReceiveStream(read_end), PipeSendStream(write_end)
    yield receiver, sender
    await receiver.aclose()
    await sender.aclose()


@contextmanager
def meanwhile(monkeypatch: pytest.MonkeyPatch, action: Callable[[], object]) -> Iterator[None]:
    """Run ``action`` in the streams' next checkpoint, as another task would while they yield."""

    async def checkpoint_with_action() -> None:
        action()
        await checkpoint()

    monkeypatch.setattr(_pipes, "checkpoint", checkpoint_with_action)
    yield
    monkeypatch.setattr(_pipes, "checkpoint", checkpoint)


def refuse_to_park(monkeypatch: pytest.MonkeyPatch) -> None:
    async def park(self: Any) -> None:
        raise AssertionError("the stream parked although it had data (or room)")

    monkeypatch.setattr(_pipes._PipeEnd, "_park_readable", park)
    monkeypatch.setattr(_pipes._PipeEnd, "_park_writable", park)


def fill(fd: int) -> int:
    """Write to the non-blocking ``fd`` until the pipe is full; return how much went in."""
    written = 0
    with suppress(BlockingIOError):
        while True:
            written += os.write(fd, b"x" * 65536)
    return written


class TestCheckpointComesFirst:
    """The yield comes before the system call, so what others do meanwhile is seen by it."""

    async def test_receive_reads_what_arrived_while_it_yielded(
        self, pipe: tuple[PipeReceiveStream, PipeSendStream], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        receiver, sender = pipe
        refuse_to_park(monkeypatch)
        with meanwhile(monkeypatch, lambda: os.write(sender.fileno(), b"hello")):
            assert await receiver.receive() == b"hello"

    async def test_send_uses_room_made_while_it_yielded(
        self, pipe: tuple[PipeReceiveStream, PipeSendStream], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        receiver, sender = pipe
        size = fill(sender.fileno())
        refuse_to_park(monkeypatch)
        with meanwhile(monkeypatch, lambda: os.read(receiver.fileno(), size)):
            await sender.send(b"y" * 1000)
        assert os.read(receiver.fileno(), 2000) == b"y" * 1000

    async def test_cancelled_receive_leaves_the_data_in_the_pipe(
        self, pipe: tuple[PipeReceiveStream, PipeSendStream]
    ) -> None:
        receiver, sender = pipe
        os.write(sender.fileno(), b"kept")
        with anyio.CancelScope() as scope:
            scope.cancel()
            await receiver.receive()
        assert scope.cancelled_caught
        assert await receiver.receive() == b"kept"

    async def test_cancelled_send_writes_nothing(
        self, pipe: tuple[PipeReceiveStream, PipeSendStream]
    ) -> None:
        receiver, sender = pipe
        with anyio.CancelScope() as scope:
            scope.cancel()
            await sender.send(b"lost")
        assert scope.cancelled_caught
        await sender.send(b"sent")
        assert await receiver.receive() == b"sent"


class TestClosed:
    async def test_empty_send_on_a_closed_stream_raises(
        self, pipe: tuple[PipeReceiveStream, PipeSendStream]
    ) -> None:
        _, sender = pipe
        await sender.aclose()
        with pytest.raises(ClosedResourceError):
            await sender.send(b"")

    async def test_closing_wakes_a_parked_receiver(
        self, pipe: tuple[PipeReceiveStream, PipeSendStream]
    ) -> None:
        receiver, _ = pipe
        with anyio.fail_after(5):
            async with anyio.create_task_group() as tg:

                async def close_when_parked() -> None:
                    await anyio.wait_all_tasks_blocked()
                    await receiver.aclose()

                tg.start_soon(close_when_parked)
                with pytest.raises(ClosedResourceError):
                    await receiver.receive()

    async def test_a_dropped_stream_leaves_nothing_registered_for_the_next_file(self) -> None:
        # The first stream parks (its watch registers the descriptor), is woken, and is
        # dropped without aclose(); the next pipe likely gets the same number, and a
        # plain readiness wait on it must poll the new file, not trust a registration
        # left by the dead stream (on asyncio that wait would never wake).
        read_end, write_end = os.pipe()
        stream = PipeReceiveStream(read_end)
        async with anyio.create_task_group() as tg:
            tg.start_soon(stream.receive)
            await anyio.wait_all_tasks_blocked()
            os.write(write_end, b"x")
        del stream
        gc.collect()
        os.close(write_end)
        await checkpoint()  # a drop handed to the loop (collected in another thread) runs

        read_end, write_end = os.pipe()
        try:
            with anyio.fail_after(5):
                async with anyio.create_task_group() as tg:
                    tg.start_soon(write_when_parked, write_end)
                    await anyio.wait_readable(read_end)
            assert os.read(read_end, 10) == b"next"
        finally:
            os.close(read_end)
            os.close(write_end)


async def write_when_parked(fd: int) -> None:
    await anyio.wait_all_tasks_blocked()
    os.write(fd, b"next")

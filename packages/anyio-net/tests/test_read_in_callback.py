"""Reading for a waiting receive (``wait_readable_then``) and the one-chunk buffer.

On asyncio a stream's ``receive()`` that waits has the loop's readiness
callback read the chunk (``FDWatch.wait_readable_then``), so the task wakes
with its data. The chunk is read only for a waiter that is still waiting,
one chunk at most; if the waiter is cancelled after the read (a native
``Task.cancel()`` can land in that window), the chunk stays in the stream's
buffer for the next ``receive()``. On Trio the read follows the wake-up.
"""

from __future__ import annotations

import socket
from typing import TYPE_CHECKING, Any

import pytest

import anyio
from anyio import fail_after, wait_all_tasks_blocked
from anyio._core.contract import current_backend
from anyio._net._common import read_then_of
from anyio.abc import UNIXSocketStream

from ._net_helpers import guarded_group, needs_unix

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

pytestmark = [pytest.mark.anyio, needs_unix]


@pytest.fixture
async def pair() -> AsyncIterator[tuple[UNIXSocketStream, socket.socket]]:
    ours, peer = socket.socketpair()
    with peer:
        async with await UNIXSocketStream.from_socket(ours) as stream:
            yield stream, peer


async def receive_natively_cancelled_after_the_read(
    stream: UNIXSocketStream, peer: socket.socket
) -> list[str]:
    """Park a receive, let the loop read for it, then ``Task.cancel()`` it before it wakes.

    Returns what the receiving task saw: ``["cancelled"]`` if the cancellation
    landed after the read (the window under test), else what it received.
    """
    import asyncio

    seen: list[str] = []
    tasks: list[asyncio.Task[Any]] = []

    async def receiver() -> None:
        task = asyncio.current_task()
        assert task is not None
        tasks.append(task)
        try:
            seen.append((await stream.receive()).decode())
        except asyncio.CancelledError:
            if hasattr(task, "uncancel"):  # 3.11+
                task.uncancel()
            seen.append("cancelled")

    async with guarded_group() as tg:
        tg.start_soon(receiver)
        await wait_all_tasks_blocked()
        watch: Any = stream._holder.watch  # type: ignore[attr-defined]
        waiter = watch.reader.waiter
        assert waiter is not None
        assert not waiter.done()
        peer.send(b"hello world")
        # One loop turn at a time until the loop's readiness callback has read (a
        # callback on the waiter would run after the receiver's own wake-up).
        while not waiter.done():  # noqa: ASYNC110
            await asyncio.sleep(0)
        # The receiver is scheduled to wake with its data, and has not run yet.
        tasks[0].cancel()
    return seen


class TestNativeCancelAfterTheRead:
    """asyncio only: on Trio no cancellation can land between the read and the wake-up."""

    @pytest.fixture(autouse=True)
    def _asyncio_only(self, anyio_backend_name: str) -> None:
        if anyio_backend_name != "asyncio":
            pytest.skip("the read happens in the loop's callback only on asyncio")

    async def test_chunk_is_kept_for_the_next_receive(
        self, pair: tuple[UNIXSocketStream, socket.socket]
    ) -> None:
        stream, peer = pair
        assert await receive_natively_cancelled_after_the_read(stream, peer) == ["cancelled"]
        with fail_after(10):
            assert await stream.receive() == b"hello world"

    async def test_kept_chunk_is_split_by_max_bytes(
        self, pair: tuple[UNIXSocketStream, socket.socket]
    ) -> None:
        stream, peer = pair
        assert await receive_natively_cancelled_after_the_read(stream, peer) == ["cancelled"]
        with fail_after(10):
            assert await stream.receive(5) == b"hello"
            assert await stream.receive(100) == b" world"
            peer.send(b"next")
            assert await stream.receive() == b"next"

    async def test_kept_chunk_comes_before_newer_data(
        self, pair: tuple[UNIXSocketStream, socket.socket]
    ) -> None:
        stream, peer = pair
        assert await receive_natively_cancelled_after_the_read(stream, peer) == ["cancelled"]
        peer.send(b"!")
        with fail_after(10):
            received = b""
            while received != b"hello world!":
                received += await stream.receive()

    async def test_close_drops_the_kept_chunk(
        self, pair: tuple[UNIXSocketStream, socket.socket]
    ) -> None:
        stream, peer = pair
        assert await receive_natively_cancelled_after_the_read(stream, peer) == ["cancelled"]
        await stream.aclose()
        with pytest.raises(anyio.ClosedResourceError):
            await stream.receive()


async def test_scope_cancelled_receive_reads_nothing(
    pair: tuple[UNIXSocketStream, socket.socket],
) -> None:
    # Data that arrives in the step that cancels a waiting receive is not lost.
    stream, peer = pair
    async with guarded_group() as tg:
        tg.start_soon(stream.receive)
        await wait_all_tasks_blocked()
        peer.send(b"arrives with the cancel")
        tg.cancel_scope.cancel()
    with fail_after(10):
        assert await stream.receive() == b"arrives with the cancel"


class TestWaitReadableThen:
    """The watch's ``wait_readable_then`` (asyncio) and the fallback over ``wait_readable``."""

    async def test_would_block_keeps_waiting(self) -> None:
        ours, peer = socket.socketpair()
        ours.setblocking(False)
        with ours, peer:
            watch = current_backend().watch_fd(ours)
            calls: list[bytes] = []

            def read() -> None:
                if not calls:
                    calls.append(b"")
                    raise BlockingIOError  # "not ready after all": the wait goes on
                calls.append(ours.recv(100))

            try:
                async with guarded_group() as tg:

                    async def send_later() -> None:
                        await wait_all_tasks_blocked()
                        peer.send(b"data")

                    tg.start_soon(send_later)
                    await read_then_of(watch)(read)
            finally:
                watch.close()
            assert calls == [b"", b"data"]

    async def test_error_of_the_call_is_raised_by_the_wait(self) -> None:
        ours, peer = socket.socketpair()
        ours.setblocking(False)
        with ours, peer:
            watch = current_backend().watch_fd(ours)

            def read() -> None:
                raise ConnectionResetError("from the call")

            try:
                peer.send(b"x")
                with fail_after(10), pytest.raises(ConnectionResetError, match="from the call"):
                    await read_then_of(watch)(read)
            finally:
                watch.close()
            assert ours.recv(10) == b"x"  # the call read nothing: the data is still there

    async def test_fallback_over_wait_readable(self) -> None:
        # A backend whose watch has no wait_readable_then: anyio-net builds it.
        ours, peer = socket.socketpair()
        ours.setblocking(False)
        with ours, peer:
            watch = current_backend().watch_fd(ours)

            class PlainWatch:  # only the contract's required members
                wait_readable = watch.wait_readable
                wait_writable = watch.wait_writable
                close = watch.close

            calls: list[bytes] = []

            def read() -> None:
                if not calls:
                    calls.append(b"")
                    raise BlockingIOError
                calls.append(ours.recv(100))

            read_then = read_then_of(PlainWatch())  # type: ignore[arg-type]
            assert read_then != getattr(watch, "wait_readable_then", None)
            try:
                peer.send(b"data")
                with fail_after(10):
                    await read_then(read)
            finally:
                watch.close()
            assert calls == [b"", b"data"]


async def test_datagram_natively_cancelled_after_the_read_is_kept(anyio_backend_name: str) -> None:
    if anyio_backend_name != "asyncio":
        pytest.skip("the read happens in the loop's callback only on asyncio")
    import asyncio

    async with await anyio.create_udp_socket(local_host="127.0.0.1") as udp:
        address = udp.extra(anyio.abc.SocketAttribute.local_address)
        seen: list[str] = []
        tasks: list[asyncio.Task[Any]] = []

        async def receiver() -> None:
            task = asyncio.current_task()
            assert task is not None
            tasks.append(task)
            try:
                seen.append((await udp.receive())[0].decode())
            except asyncio.CancelledError:
                if hasattr(task, "uncancel"):  # 3.11+
                    task.uncancel()
                seen.append("cancelled")

        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sender:
            async with guarded_group() as tg:
                tg.start_soon(receiver)
                await wait_all_tasks_blocked()
                waiter = udp._watch.reader.waiter  # type: ignore[attr-defined]
                assert waiter is not None
                assert not waiter.done()
                sender.sendto(b"datagram", address)
                while not waiter.done():  # noqa: ASYNC110  # see receive_natively_cancelled...
                    await asyncio.sleep(0)
                tasks[0].cancel()
            assert seen == ["cancelled"]
            sender.sendto(b"second", address)
            with fail_after(10):
                assert (await udp.receive())[0] == b"datagram"
                assert (await udp.receive())[0] == b"second"

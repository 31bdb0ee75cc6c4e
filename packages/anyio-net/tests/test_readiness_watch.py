"""The sockets' readiness watches (``SocketHolder.wait_*``, ``IOBackend.watch_fd``).

On asyncio a socket keeps its reader registered with the loop between
receives. These tests pin down what makes that safe: nothing stays
registered once the socket is closed or a receive is cancelled, and a
descriptor number freed behind the socket's back (a raw ``close()``, the
garbage collector) works for the next file that gets it.
"""

from __future__ import annotations

import gc
import os
import socket
import warnings
from typing import TYPE_CHECKING

import pytest

import anyio
from anyio import CancelScope, fail_after, wait_all_tasks_blocked
from anyio.abc import UNIXSocketStream

from ._net_helpers import guarded_group, needs_unix, raw

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

pytestmark = [pytest.mark.anyio, needs_unix]


def loop_watches(fd: int, anyio_backend_name: str) -> bool:
    """On asyncio: tell whether the loop still has a reader for ``fd`` (and drop it)."""
    if anyio_backend_name != "asyncio":
        return False  # Trio keeps nothing between waits
    import asyncio

    return bool(asyncio.get_running_loop().remove_reader(fd))


async def stream_pair() -> tuple[UNIXSocketStream, socket.socket]:
    """A UNIX stream and the raw socket of its peer."""
    ours, peer = socket.socketpair()
    return await UNIXSocketStream.from_socket(ours), peer


async def receive_after_waiting(stream: UNIXSocketStream, peer: socket.socket) -> None:
    """Receive once through a wait (which leaves the reader registered on asyncio)."""
    async with guarded_group() as tg:

        async def send_later() -> None:
            await wait_all_tasks_blocked()
            peer.send(b"first")

        tg.start_soon(send_later)
        assert await stream.receive() == b"first"


def socket_at(fd: int) -> tuple[socket.socket, socket.socket]:
    """A new connected pair whose first socket has descriptor number ``fd``."""
    first, peer = socket.socketpair()
    if first.fileno() == fd:  # the lowest free number: usually the one just freed
        return first, peer
    os.dup2(first.fileno(), fd)
    first.close()
    return socket.socket(fileno=fd), peer


async def collect(stream_holder: list[UNIXSocketStream]) -> None:
    """Drop the only reference to a stream and let the collector close its socket."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)  # the unclosed socket: on purpose
        stream_holder.clear()
        gc.collect()
    await anyio.lowlevel.checkpoint()  # a watch dropped from another thread: its callback


@pytest.fixture
async def pair() -> AsyncIterator[tuple[UNIXSocketStream, socket.socket]]:
    stream, peer = await stream_pair()
    with peer:
        async with stream:
            yield stream, peer


class TestNothingLeftRegistered:
    async def test_after_close(
        self, pair: tuple[UNIXSocketStream, socket.socket], anyio_backend_name: str
    ) -> None:
        stream, peer = pair
        await receive_after_waiting(stream, peer)
        fd = raw(stream).fileno()
        await stream.aclose()
        assert not loop_watches(fd, anyio_backend_name)

    async def test_after_cancelled_receive(
        self, pair: tuple[UNIXSocketStream, socket.socket], anyio_backend_name: str
    ) -> None:
        stream, peer = pair
        await receive_after_waiting(stream, peer)
        async with guarded_group() as tg:
            tg.start_soon(stream.receive)
            await wait_all_tasks_blocked()
            tg.cancel_scope.cancel()
        assert not loop_watches(raw(stream).fileno(), anyio_backend_name)
        peer.send(b"after the cancel")
        with fail_after(10):
            assert await stream.receive() == b"after the cancel"

    async def test_unread_data_stops_the_watch(
        self, pair: tuple[UNIXSocketStream, socket.socket], anyio_backend_name: str
    ) -> None:
        # Data nobody waits for must not keep the loop calling us on every turn.
        stream, peer = pair
        await receive_after_waiting(stream, peer)
        peer.send(b"unread")
        for _ in range(5):
            await anyio.lowlevel.checkpoint()
        assert not loop_watches(raw(stream).fileno(), anyio_backend_name)
        assert await stream.receive() == b"unread"

    async def test_after_close_of_a_datagram_socket(self, anyio_backend_name: str) -> None:
        async with await anyio.create_udp_socket(local_host="127.0.0.1") as udp:
            address = udp.extra(anyio.abc.SocketAttribute.local_address)
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sender:
                async with guarded_group() as tg:

                    async def send_later() -> None:
                        await wait_all_tasks_blocked()
                        sender.sendto(b"datagram", address)

                    tg.start_soon(send_later)
                    assert (await udp.receive())[0] == b"datagram"
            fd = raw(udp).fileno()
        assert not loop_watches(fd, anyio_backend_name)


class TestDescriptorReuse:
    async def test_socket_closed_behind_the_streams_back(self) -> None:
        # The old stream's reader is still registered when its descriptor is
        # closed without notify_closing(); a new socket gets the same number.
        old, old_peer = await stream_pair()
        with old_peer:
            await receive_after_waiting(old, old_peer)
            fd = raw(old).fileno()
            raw(old).close()
            new_sock, peer = socket_at(fd)
            with peer:
                async with await UNIXSocketStream.from_socket(new_sock) as new:
                    await receive_after_waiting(new, peer)  # through a wait: on the loop
                    await old.aclose()  # must leave the new socket's watch alone
                    await receive_after_waiting(new, peer)

    async def test_socket_closed_by_the_garbage_collector(self, anyio_backend_name: str) -> None:
        stream, peer = await stream_pair()
        with peer:
            await receive_after_waiting(stream, peer)
            fd = raw(stream).fileno()
            streams = [stream]
            del stream
            await collect(streams)
            assert not loop_watches(fd, anyio_backend_name)
            new_sock, new_peer = socket_at(fd)
            with new_peer:
                async with await UNIXSocketStream.from_socket(new_sock) as new:
                    await receive_after_waiting(new, new_peer)

    async def test_raw_wait_on_a_reused_number(self) -> None:
        # One-shot waits (anyio.wait_readable) on the number also must not hang.
        old, old_peer = await stream_pair()
        with old_peer:
            await receive_after_waiting(old, old_peer)
            fd = raw(old).fileno()
            raw(old).close()
            new_sock, peer = socket_at(fd)
            with new_sock, peer:
                async with guarded_group() as tg:

                    async def send_later() -> None:
                        await wait_all_tasks_blocked()
                        peer.send(b"x")

                    tg.start_soon(send_later)
                    await anyio.wait_readable(new_sock)
            with CancelScope() as scope:
                scope.cancel()
                await old.aclose()

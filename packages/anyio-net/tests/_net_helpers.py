"""Helpers shared by the stream-side tests of anyio-net (``test_tcp*.py``, ``test_unix*.py``, ...)."""

from __future__ import annotations

import os
import socket
import struct
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

import pytest

import anyio
from anyio import create_task_group, fail_after
from anyio.abc import SocketAttribute

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from anyio.abc import SocketListener, SocketStream, TaskGroup


def has_ipv6() -> bool:
    if not socket.has_ipv6:
        return False
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as sock:
            sock.bind(("::1", 0))
    except OSError:
        return False
    return True


needs_ipv6 = pytest.mark.skipif(not has_ipv6(), reason="IPv6 is not available")
needs_unix = pytest.mark.skipif(not hasattr(socket, "AF_UNIX"), reason="no UNIX sockets")
linux_only = pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="Linux only")


def fd_count_dir() -> str:
    return "/proc/self/fd" if os.path.isdir("/proc/self/fd") else "/dev/fd"


def count_fds() -> int:
    return len(os.listdir(fd_count_dir()))


def reset(sock: socket.socket) -> None:
    """Close ``sock`` so that the peer sees a reset (RST), not a FIN."""
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


def raw(stream: Any) -> socket.socket:
    sock: socket.socket = stream.extra(SocketAttribute.raw_socket)
    return sock


@asynccontextmanager
async def tcp_pair() -> AsyncIterator[tuple[SocketStream, SocketStream]]:
    """A connected pair of TCP streams: (client, server side), closed afterwards."""
    with fail_after(10):
        multi = await anyio.create_tcp_listener(local_host="127.0.0.1")
        async with multi:
            listener: SocketListener = multi.listeners[0]  # type: ignore[assignment]
            port = listener.extra(SocketAttribute.local_port)
            async with create_task_group() as tg:
                accepted: list[SocketStream] = []

                async def accept() -> None:
                    accepted.append(await listener.accept())

                tg.start_soon(accept)
                client = await anyio.connect_tcp("127.0.0.1", port)
    assert isinstance(client, anyio.abc.SocketStream)
    async with client, accepted[0]:
        yield client, accepted[0]


@asynccontextmanager
async def guarded_group() -> AsyncIterator[TaskGroup]:
    """A task group that fails the test, rather than hang it."""
    with fail_after(10):
        async with create_task_group() as tg:
            yield tg


async def fill(stream: SocketStream) -> None:
    """Send until the socket's buffers are full (the send then blocks forever)."""
    chunk = b"x" * 65536
    while True:
        await stream.send(chunk)

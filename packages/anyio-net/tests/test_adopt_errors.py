"""`from_socket()` given something that is not a socket, `receive_fds()` given bad sizes:
AnyIO's exception and wording.

Users' tests match these messages, so the start of each is AnyIO 4.16's; our advice
follows it. The caller's file descriptor is never closed by a refusal.
"""

from __future__ import annotations

import os
import socket
from typing import TYPE_CHECKING

import pytest

import anyio.abc

if TYPE_CHECKING:
    from pathlib import Path

pytestmark = pytest.mark.anyio

ADOPTERS = [
    anyio.abc.SocketStream.from_socket,
    anyio.abc.UNIXSocketStream.from_socket,
    anyio.abc.SocketListener.from_socket,
    anyio.abc.UDPSocket.from_socket,
    anyio.abc.ConnectedUDPSocket.from_socket,
    anyio.abc.UNIXDatagramSocket.from_socket,
    anyio.abc.ConnectedUNIXDatagramSocket.from_socket,
]


@pytest.mark.parametrize("adopt", ADOPTERS, ids=lambda adopt: adopt.__qualname__)
async def test_neither_socket_nor_int(adopt: object) -> None:
    with pytest.raises(TypeError, match=r"^expected an int or socket, got str instead"):
        await adopt("not a socket")  # type: ignore[operator]


@pytest.mark.parametrize("adopt", ADOPTERS, ids=lambda adopt: adopt.__qualname__)
async def test_fd_of_a_regular_file(adopt: object, tmp_path: Path) -> None:
    fd = os.open(tmp_path / "plain-file", os.O_RDWR | os.O_CREAT)
    try:
        with pytest.raises(ValueError, match=r"^the file descriptor does not refer to a socket"):
            await adopt(fd)  # type: ignore[operator]
        os.fstat(fd)  # still open: the refusal left the caller's descriptor alone
    finally:
        os.close(fd)


@pytest.mark.skipif(not hasattr(socket, "AF_UNIX"), reason="no UNIX sockets")
@pytest.mark.parametrize(
    ("msglen", "maxfds", "message"),
    [
        (-1, 1, r"^msglen must be a non-negative integer"),
        ("10", 1, r"^msglen must be a non-negative integer"),
        (10, 0, r"^maxfds must be a positive integer"),
        (10, "1", r"^maxfds must be a positive integer"),
    ],
)
async def test_receive_fds_bad_arguments(msglen: object, maxfds: object, message: str) -> None:
    # Refused before anything is read: the message that is queued stays for a good call.
    left, right = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    right.send(b"queued")
    stream = await anyio.abc.UNIXSocketStream.from_socket(left)
    async with stream:
        with pytest.raises(ValueError, match=message):
            await stream.receive_fds(msglen, maxfds)  # type: ignore[arg-type]
        assert await stream.receive_fds(10, 1) == (b"queued", [])
    right.close()

"""`from_socket()` given something that is not a socket: AnyIO's exception and wording.

Users' tests match these messages, so the start of each is AnyIO 4.16's; our advice
follows it. The caller's file descriptor is never closed by a refusal.
"""

from __future__ import annotations

import os
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

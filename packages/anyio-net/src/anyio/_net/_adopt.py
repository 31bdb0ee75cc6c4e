"""Adopting existing sockets: what the ``from_socket()`` classmethods of `anyio.abc` call.

The ABCs (in anyio-core) check the socket's kind and state, then look the
ABC's name up in ``anyio.abc._sockets.SOCKET_ADOPTERS``; importing this module
registers the stream and listener adopters there (``_datagram`` registers the
datagram ones).
"""

from __future__ import annotations

import socket
from typing import TYPE_CHECKING, Any

from ..abc import _sockets as abc_sockets
from ..lowlevel import checkpoint
from ._common import IP_FAMILIES
from ._listener import listener_from_socket
from ._stream import UNIXSocketStream, stream_for

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable


def _stream(sock: socket.socket) -> Any:
    if sock.family not in (*IP_FAMILIES, socket.AF_UNIX):
        raise ValueError(
            f"address family mismatch: expected AF_INET, AF_INET6 or AF_UNIX, "
            f"got {sock.family.name}"
        )
    return stream_for(sock)


def _adopter(wrap: Callable[[socket.socket], Any]) -> Callable[[socket.socket], Awaitable[Any]]:
    async def adopt(sock: socket.socket) -> Any:
        wrapped = wrap(sock)  # may raise ValueError: the caller keeps the socket
        await checkpoint()
        return wrapped

    return adopt


abc_sockets.SOCKET_ADOPTERS.update(
    SocketStream=_adopter(_stream),
    UNIXSocketStream=_adopter(UNIXSocketStream),
    SocketListener=_adopter(listener_from_socket),
)

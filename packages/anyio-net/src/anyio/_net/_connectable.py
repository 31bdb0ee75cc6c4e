"""Connectables: objects that open a new byte stream on demand (``connect()``)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv6Address
from typing import TYPE_CHECKING, Any

from .. import ConnectionFailed
from ..abc import ByteStreamConnectable, ObjectStreamConnectable
from ._connect import connect_tcp, connect_unix
from ._stream import SocketStream

if TYPE_CHECKING:
    import ssl

    from ._stream import UNIXSocketStream

__all__ = ("TCPConnectable", "UNIXConnectable", "as_connectable")


@dataclass
class TCPConnectable(ByteStreamConnectable):
    """Connects to a TCP server with `anyio.connect_tcp()` on each ``connect()``.

    Like AnyIO's, it is a dataclass: two connectables with the same host and
    port compare equal.

    Args:
        host: the server's IP address or host name.
        port: the server's port (1-65535).

    Raises:
        TypeError: if ``port`` is not an integer.
        ValueError: if ``port`` is out of range.
    """

    #: The server's IP address or host name.
    host: str | IPv4Address | IPv6Address
    #: The server's port.
    port: int

    def __post_init__(self) -> None:
        port: object = self.port  # callers without type checking pass anything
        if not isinstance(port, int) or isinstance(port, bool):
            raise TypeError(f"the TCP port must be an integer, not {port!r}")
        if not 1 <= self.port <= 65535:
            raise ValueError(
                f"TCP port number out of range: {self.port} (use a port from 1 to 65535)"
            )

    async def connect(self) -> SocketStream:
        """Open a new connection to the server.

        Raises:
            ConnectionFailed: if it cannot be opened (the cause says why).
        """
        try:
            stream = await connect_tcp(self.host, self.port)
        except OSError as exc:
            raise ConnectionFailed(f"error connecting to {self.host}:{self.port}: {exc}") from exc
        assert isinstance(stream, SocketStream)  # no TLS was asked for
        return stream


@dataclass
class UNIXConnectable(ByteStreamConnectable):
    """Connects to a UNIX socket with `anyio.connect_unix()` on each ``connect()``.

    Like AnyIO's, it is a dataclass: connectables with the same path compare equal.

    Args:
        path: the socket's path (str, bytes or `os.PathLike`).
    """

    #: The socket's path.
    path: str | bytes | os.PathLike[str] | os.PathLike[bytes]

    async def connect(self) -> UNIXSocketStream:
        """Open a new connection to the socket.

        Raises:
            ConnectionFailed: if it cannot be opened (the cause says why).
        """
        try:
            return await connect_unix(self.path)
        except OSError as exc:
            raise ConnectionFailed(f"error connecting to {self.path!r}: {exc}") from exc


def as_connectable(
    remote: ByteStreamConnectable
    | tuple[str | IPv4Address | IPv6Address, int]
    | str
    | bytes
    | os.PathLike[str],
    /,
    *,
    tls: bool = False,
    ssl_context: ssl.SSLContext | None = None,
    tls_hostname: str | None = None,
    tls_standard_compatible: bool = True,
) -> ByteStreamConnectable:
    """Return a connectable for ``remote``: a ``(host, port)`` pair, a UNIX path, or a connectable.

    Args:
        remote: a ``(host, port)`` tuple (TCP), a str/bytes/PathLike (UNIX
            socket path), or a connectable, returned as it is.
        tls: wrap the connections in TLS (`anyio.streams.tls.TLSConnectable`).
        ssl_context: the TLS settings (implies ``tls=True``).
        tls_hostname: the host name to check the server's certificate against;
            by default the host of a ``(host, port)`` pair.
        tls_standard_compatible: require the TLS closing handshake.

    Returns:
        A byte stream connectable.

    Raises:
        TypeError: if ``remote`` is none of those.
    """
    connectable = _plain_connectable(remote)
    if not (tls or ssl_context):
        return connectable
    from ..streams.tls import TLSConnectable

    if tls_hostname is None and isinstance(remote, tuple):
        tls_hostname = str(remote[0])
    return TLSConnectable(
        connectable,
        hostname=tls_hostname,
        ssl_context=ssl_context,
        standard_compatible=tls_standard_compatible,
    )


def _plain_connectable(remote: Any) -> ByteStreamConnectable:
    if isinstance(remote, ByteStreamConnectable):
        return remote
    if isinstance(remote, ObjectStreamConnectable):
        raise TypeError(
            "as_connectable() needs a byte stream connectable; an object stream "
            f"connectable ({type(remote).__name__}) cannot carry bytes"
        )
    if isinstance(remote, tuple) and len(remote) == 2:
        host, port = remote
        if isinstance(host, (str, IPv4Address, IPv6Address)) and isinstance(port, int):
            return TCPConnectable(host, port)
    if isinstance(remote, (str, bytes, os.PathLike)):
        return UNIXConnectable(remote)
    raise TypeError(
        f"cannot convert {remote!r} to a connectable: "
        "as_connectable() takes a (host, port) tuple, a UNIX socket path (str, bytes "
        "or os.PathLike) or a ByteStreamConnectable"
    )

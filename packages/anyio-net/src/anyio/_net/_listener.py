"""Listeners: accepting TCP and UNIX stream connections, and creating listening sockets."""

from __future__ import annotations

import errno
import os
import socket
from typing import TYPE_CHECKING, Literal

from .. import ClosedResourceError, ResourceGuard
from ..abc import SocketListener as AbstractSocketListener
from ..abc import SocketStream as AbstractSocketStream
from ..lowlevel import cancel_shielded_checkpoint, checkpoint, checkpoint_if_cancelled
from ..streams.stapled import MultiListener
from ..to_thread import run_sync
from ._common import (
    IP_FAMILIES,
    SocketHolder,
    UNIXPath,
    is_abstract,
    remove_stale_socket,
    set_listener_options,
    unix_path,
)
from ._resolve import resolve
from ._stream import stream_for

if TYPE_CHECKING:
    from ..abc import IPAddressType

__all__ = ("SocketListener", "create_tcp_listener", "create_unix_listener")

#: The most connections the OS may queue (larger backlogs are clamped to it).
MAX_BACKLOG = 65536
#: accept() errors about one aborted connection, not about the listener: try the next.
_TRANSIENT_ACCEPT_ERRORS = frozenset(
    {errno.ECONNABORTED, errno.EPROTO, getattr(errno, "ENOSR", errno.EPROTO)}
)


class SocketListener(AbstractSocketListener):
    """Accepts connections on a listening TCP or UNIX socket.

    Create one with `anyio.create_tcp_listener()` / `anyio.create_unix_listener()`
    or `anyio.abc.SocketListener.from_socket()`. Closing it wakes a task
    waiting in `accept()` with `ClosedResourceError`.
    """

    def __init__(self, sock: socket.socket) -> None:
        self._holder = SocketHolder(sock)
        self._accept_guard = ResourceGuard("accepting connections from")

    def __repr__(self) -> str:
        state = "closed" if self._holder.closed else "open"
        return f"<SocketListener fd={self._holder.sock.fileno()} state={state}>"

    @property
    def _raw_socket(self) -> socket.socket:
        return self._holder.sock

    async def accept(self) -> AbstractSocketStream:
        """Wait for a connection and return its stream (TCP or UNIX, like the listener).

        Raises:
            ClosedResourceError: if the listener was closed (also while waiting).
            BusyResourceError: if another task is already accepting.
            OSError: for errors such as running out of file descriptors.
        """
        with self._accept_guard:
            await checkpoint_if_cancelled()
            try:
                client = self._accept_now()
            except BlockingIOError:
                return stream_for(await self._accept_after_wait())
            stream = stream_for(client)
            await cancel_shielded_checkpoint()  # the connection is ours: never lose it
            return stream

    def _accept_now(self) -> socket.socket:
        """Accept a pending connection; `BlockingIOError` if none is pending."""
        while True:
            self._holder.check_open()
            try:
                return self._holder.sock.accept()[0]
            except BlockingIOError:
                raise
            except OSError as exc:
                if self._holder.closed:
                    raise ClosedResourceError from exc
                if exc.errno not in _TRANSIENT_ACCEPT_ERRORS:
                    raise  # EMFILE and the like: the caller's to handle
                # else: that connection was aborted before we took it: the next one

    async def _accept_after_wait(self) -> socket.socket:
        while True:
            await self._holder.wait_readable()
            try:
                return self._accept_now()
            except BlockingIOError:
                continue

    async def aclose(self) -> None:
        """Stop listening and close the socket (a UNIX socket file stays in place)."""
        self._holder.close()
        await checkpoint()


# -- TCP --------------------------------------------------------------------------------


async def create_tcp_listener(
    *,
    local_host: IPAddressType | None = None,
    local_port: int = 0,
    family: Literal[
        socket.AddressFamily.AF_UNSPEC, socket.AddressFamily.AF_INET, socket.AddressFamily.AF_INET6
    ] = socket.AddressFamily.AF_UNSPEC,
    backlog: int = 65536,
    reuse_port: bool = False,
) -> MultiListener[AbstractSocketStream]:
    """Create a TCP listener on every local address that ``local_host`` resolves to.

    Without ``local_host`` it listens on every interface, IPv4 and IPv6. With
    ``local_port=0`` the OS picks a port, and every socket gets the same one.
    Listening sockets set ``SO_REUSEADDR`` (except on Windows) and, for IPv6,
    ``IPV6_V6ONLY``.

    Args:
        local_host: the IP address or host name to bind to.
        local_port: the port to listen on (0: a free port).
        family: restrict the addresses to `AF_INET` or `AF_INET6`.
        backlog: the most pending connections to queue (at most 65536).
        reuse_port: set ``SO_REUSEPORT``, so several processes can listen on
            the port (not available on Windows).

    Returns:
        A `MultiListener` of one `SocketListener` per address.

    Raises:
        OSError: if an address cannot be resolved or bound.

    Example:
        ```python
        listener = await anyio.create_tcp_listener(local_host="127.0.0.1")
        port = listener.extra(anyio.abc.SocketAttribute.local_port)
        ```
    """
    host = None if local_host is None else str(local_host)
    flags = socket.AI_PASSIVE | socket.AI_ADDRCONFIG
    results = await resolve(host, local_port, family=family, type=socket.SOCK_STREAM, flags=flags)
    addresses = list(dict.fromkeys((info[0], info[4]) for info in results))
    backlog = min(backlog, MAX_BACKLOG)
    for _attempt in range(10):
        listeners = _bind_all(addresses, local_port, backlog, reuse_port=reuse_port)
        if listeners is not None:
            return MultiListener[AbstractSocketStream](listeners)
    raise OSError(errno.EADDRINUSE, "could not find one free port for every address family")


def _bind_all(
    addresses: list[tuple[socket.AddressFamily, tuple[object, ...]]],
    port: int,
    backlog: int,
    *,
    reuse_port: bool,
) -> list[SocketListener] | None:
    """Bind one socket per address, all on the same port.

    Returns:
        The listeners, or None if the port picked for the first family was
        taken on another one (the caller tries again).
    """
    sockets: list[socket.socket] = []
    try:
        for family, address in addresses:
            sock = socket.socket(family, socket.SOCK_STREAM)
            sockets.append(sock)
            set_listener_options(sock, reuse_port=reuse_port)
            if port == 0 and len(sockets) > 1:  # the port the OS gave the first one
                address = (address[0], sockets[0].getsockname()[1], *address[2:])
            try:
                sock.bind(address)
            except OSError as exc:
                if exc.errno == errno.EADDRINUSE and port == 0 and len(sockets) > 1:
                    for sock in sockets:
                        sock.close()
                    return None
                raise
            sock.listen(backlog)
    except BaseException:
        for sock in sockets:
            sock.close()
        raise
    return [SocketListener(sock) for sock in sockets]


# -- UNIX -------------------------------------------------------------------------------


def _bind_unix(sock: socket.socket, path: str | bytes, mode: int | None, backlog: int) -> None:
    """Bind and listen (file system calls: run in a worker thread for real paths)."""
    if not is_abstract(path):
        remove_stale_socket(path)
    sock.bind(path)
    if mode is not None and not is_abstract(path):
        os.chmod(path, mode)
    sock.listen(backlog)


async def create_unix_listener(
    path: UNIXPath,
    *,
    mode: int | None = None,
    backlog: int = 65536,
    kind: Literal[
        socket.SocketKind.SOCK_STREAM, socket.SocketKind.SOCK_SEQPACKET
    ] = socket.SocketKind.SOCK_STREAM,
) -> SocketListener:
    """Create a listener on a UNIX socket.

    A socket file left at ``path`` (say, by a server that crashed) is
    replaced; any other kind of file there is left alone and the call fails.

    Args:
        path: the socket's path: str, bytes or `os.PathLike`; a name starting
            with a NUL character is a Linux abstract-namespace name.
        mode: permissions to give the socket file (e.g. ``0o600``).
        backlog: the most pending connections to queue (at most 65536).
        kind: ``SOCK_STREAM`` or ``SOCK_SEQPACKET``.

    Returns:
        A listener whose ``accept()`` returns `UNIXSocketStream`s.

    Raises:
        FileExistsError: if a file that is not a socket exists at ``path``.
        OSError: if the socket cannot be bound.
    """
    address = unix_path(path)
    sock = socket.socket(socket.AF_UNIX, kind)
    try:
        if is_abstract(address):
            _bind_unix(sock, address, mode, min(backlog, MAX_BACKLOG))
            await checkpoint()
        else:
            await run_sync(_bind_unix, sock, address, mode, min(backlog, MAX_BACKLOG))
    except BaseException:
        sock.close()
        raise
    return SocketListener(sock)


def listener_from_socket(sock: socket.socket) -> SocketListener:
    """Wrap a bound stream socket (checked by the ABC), listening if it is not yet.

    Raises:
        ValueError: if the socket is of another family, or is connected (one
            end of a connection cannot listen).
    """
    if sock.family not in (*IP_FAMILIES, socket.AF_UNIX):
        raise ValueError(
            f"address family mismatch: expected AF_INET, AF_INET6 or AF_UNIX, "
            f"got {sock.family.name}"
        )
    if not sock.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN):
        _listen(sock)
    return SocketListener(sock)


def _listen(sock: socket.socket) -> None:
    """Start listening on a bound socket that does not listen yet."""
    try:
        peer = sock.getpeername()
    except OSError:
        peer = None  # not connected: it may listen
    if peer is None:
        try:
            sock.listen(MAX_BACKLOG)
        except OSError as exc:
            if exc.errno != errno.EINVAL:  # say, EADDRINUSE: a real listen() error
                raise
            raise ValueError(_NOT_LISTENING.format(state="cannot listen")) from exc
        return
    raise ValueError(_NOT_LISTENING.format(state=f"is connected to {peer!r}"))


_NOT_LISTENING = (
    "the socket must be listening (or bound and not connected), but it {state}; "
    "pass the server's listening socket, not one end of a connection"
)

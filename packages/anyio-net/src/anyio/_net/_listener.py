"""Listeners: accepting TCP and UNIX stream connections, and creating listening sockets."""

from __future__ import annotations

import errno
import os
import socket
import sys
from typing import TYPE_CHECKING, Any, Literal

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
from ._stream import SocketStream, UNIXSocketStream

if TYPE_CHECKING:
    from ..abc import IPAddressType

if sys.version_info < (3, 11):
    from exceptiongroup import ExceptionGroup

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
        #: What each accepted socket is (plain ints: ``sock.family`` builds an enum).
        self._kind = (int(sock.family), int(sock.type), sock.proto)
        #: The stream class of the accepted connections.
        self._stream_class = UNIXSocketStream if sock.family == socket.AF_UNIX else SocketStream

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
                return self._stream_class(await self._accept_after_wait())
            stream = self._stream_class(client)
            await cancel_shielded_checkpoint()  # the connection is ours: never lose it
            return stream

    def _accept_now(self) -> socket.socket:
        """Accept a pending connection; `BlockingIOError` if none is pending."""
        while True:
            self._holder.check_open()
            try:
                # What socket.accept() does, without its enum conversions and
                # timeout juggling (the stream makes the socket non-blocking).
                fd = self._holder.sock._accept()[0]  # type: ignore[attr-defined]
                return socket.socket(*self._kind, fileno=fd)
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

    Without ``local_host`` (and without ``family``) it listens on every interface:
    where the platform supports it (`socket.has_dualstack_ipv6()`), with one
    dual-stack IPv6 socket (``IPV6_V6ONLY`` off) that also accepts IPv4
    connections, as IPv4-mapped addresses; elsewhere with one socket per address
    family. Otherwise it binds one socket per address, IPv6 ones with
    ``IPV6_V6ONLY`` on so that they do not clash with the IPv4 ones. With
    ``local_port=0`` the OS picks a port, and every socket gets the same one
    (if another address already uses the port picked, it tries again with
    another). Listening sockets set ``SO_REUSEADDR`` (except on Windows).

    Args:
        local_host: the IP address or host name to bind to.
        local_port: the port to listen on (0: a free port).
        family: restrict the addresses to `AF_INET` or `AF_INET6`.
        backlog: the most pending connections to queue (at most 65536).
        reuse_port: set ``SO_REUSEPORT``, so several processes can listen on
            the port (not available on Windows).

    Returns:
        A `MultiListener` of one `SocketListener` per socket.

    Raises:
        OSError: if an address cannot be resolved or bound, or if no port
            free on every address was found with ``local_port=0``.

    Example:
        ```python
        listener = await anyio.create_tcp_listener(local_host="127.0.0.1")
        port = listener.extra(anyio.abc.SocketAttribute.local_port)
        ```
    """
    host = None if local_host is None else str(local_host)
    flags = socket.AI_PASSIVE | socket.AI_ADDRCONFIG
    results = await resolve(host, local_port, family=family, type=socket.SOCK_STREAM, flags=flags)
    # A set: glibc may report an address twice. Sorted: IPv4 first, as AnyIO does.
    addresses = sorted({(info[0], info[4]) for info in results})
    backlog = min(backlog, MAX_BACKLOG)
    dual_stack = _dual_stack_address(addresses) if host is None and not family else None
    if dual_stack is not None:
        sock = _bind_one(dual_stack, backlog, reuse_port=reuse_port, v6only=False)
        return MultiListener[AbstractSocketStream]([SocketListener(sock)])
    listeners = _bind_on_one_port(addresses, local_port, backlog, reuse_port=reuse_port)
    return MultiListener[AbstractSocketStream](listeners)


_Address = tuple[socket.AddressFamily, tuple[Any, ...]]
#: With ``local_port=0``: how many times to try for a port that is free on every address.
_PORT_ATTEMPTS = 10


def _dual_stack_address(addresses: list[_Address]) -> _Address | None:
    """The IPv6 wildcard to bind one dual-stack socket to, if this platform can."""
    # Looked up on the module at each call, so that a test can monkeypatch it.
    if not socket.has_dualstack_ipv6():
        return None
    return next((item for item in addresses if item[0] == socket.AF_INET6), None)


def _bind_one(
    address: _Address, backlog: int, *, reuse_port: bool, v6only: bool = True
) -> socket.socket:
    family, sockaddr = address
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        set_listener_options(sock, reuse_port=reuse_port)  # IPV6_V6ONLY on for IPv6
        if family == socket.AF_INET6 and not v6only:
            # The one socket for every interface: IPv4 clients arrive as ::ffff:a.b.c.d.
            sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        sock.bind(sockaddr)
        sock.listen(backlog)
    except BaseException:
        sock.close()
        raise
    return sock


def _bind_on_one_port(
    addresses: list[_Address], port: int, backlog: int, *, reuse_port: bool
) -> list[SocketListener]:
    """Bind one socket per address, all on the same port, trying again if it must.

    With ``port=0`` the first address gets a port from the OS and the others must
    take the same one; if one of them has it in use, every socket is closed and
    the next attempt lets the next address pick first.
    """
    errors: list[OSError] = []
    for _attempt in range(_PORT_ATTEMPTS if port == 0 and len(addresses) > 1 else 1):
        outcome = _bind_all(addresses, port, backlog, reuse_port)
        if not isinstance(outcome, OSError):
            return [SocketListener(sock) for sock in outcome]
        errors.append(outcome)
        addresses = addresses[1:] + addresses[:1]
    message = (
        f"Could not create {len(addresses)} listeners with a consistent port: "
        f"{len(errors)} times, the port that the OS picked for one address was in use on "
        f"another; pass an explicit local_port, or restrict local_host or family"
    )
    raise OSError(message) from ExceptionGroup("Several bind attempts failed", errors)


def _bind_all(
    addresses: list[_Address], port: int, backlog: int, reuse_port: bool
) -> list[socket.socket] | OSError:
    """Bind the sockets; with port 0, return the error if the port is taken elsewhere."""
    sockets: list[socket.socket] = []
    try:
        for family, sockaddr in addresses:
            if port == 0 and sockets:  # the port the OS gave the first socket
                sockaddr = (sockaddr[0], sockets[0].getsockname()[1], *sockaddr[2:])
            sockets.append(_bind_one((family, sockaddr), backlog, reuse_port=reuse_port))
    except BaseException as exc:
        for sock in sockets:
            sock.close()
        if isinstance(exc, OSError) and exc.errno == errno.EADDRINUSE and port == 0 and sockets:
            return exc  # the caller tries again
        raise
    return sockets


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

"""The socket ABCs: streams, listeners and datagram sockets over OS sockets.

Backends implement these around a non-blocking `socket.socket`. Everything
that can be said about the socket itself (its family, addresses and ports) is
computed here, from the raw socket, so that every implementation offers the
same `SocketAttribute` values.
"""

from __future__ import annotations

import errno
import socket
from abc import abstractmethod
from ipaddress import IPv4Address, IPv6Address
from typing import TYPE_CHECKING, Any, NamedTuple, NoReturn, TypeAlias

from .._core._typedattr import (
    TypedAttributeProvider,
    TypedAttributeSet,
    typed_attribute,
)
from ._streams import ByteStream, Listener, UnreliableObjectStream

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Collection, Mapping
    from io import IOBase

    from ._tasks import TaskGroup

#: A host address: a host name or IP address string, or an `ipaddress` object.
IPAddressType: TypeAlias = str | IPv4Address | IPv6Address
#: An IP socket address as anyio reports it: `(host, port)`.
IPSockAddrType: TypeAlias = tuple[str, int]
#: Any socket address anyio reports: `(host, port)` for IP, a path for UNIX sockets.
SockAddrType: TypeAlias = IPSockAddrType | str
#: A UDP datagram with its peer: `(payload, (host, port))`.
UDPPacketType: TypeAlias = tuple[bytes, IPSockAddrType]
#: A UNIX datagram with its peer: `(payload, path)`.
UNIXDatagramPacketType: TypeAlias = tuple[bytes, str]

_IP_FAMILIES = (socket.AF_INET, socket.AF_INET6)


def convert_ipv6_sockaddr(address: Any) -> Any:
    """Return a socket address in the form anyio reports it.

    IPv6 addresses come from the OS as `(host, port, flowinfo, scope_id)`;
    anyio reports `(host, port)`, with a nonzero scope ID appended to the
    host as `host%scope_id` (the form `getaddrinfo()` accepts back). Other
    addresses are returned unchanged.
    """
    if isinstance(address, tuple) and len(address) == 4:
        host, port, _flowinfo, scope_id = address
        if scope_id:
            # Some platforms (PyPy) already append `%interface`: drop it first.
            host = f"{host.partition('%')[0]}%{scope_id}"
        return host, port
    return address


class SocketAttribute(TypedAttributeSet):
    """Typed attributes offered by every socket-based stream, listener and socket.

    `remote_address` and `remote_port` are only offered by connected sockets,
    and the port attributes only by IP (not UNIX) sockets.
    """

    family: socket.AddressFamily = typed_attribute()
    """The address family of the underlying socket."""

    local_address: SockAddrType = typed_attribute()
    """The local address the socket is bound to (`(host, port)` or a path)."""

    local_port: int = typed_attribute()
    """The local port the socket is bound to (IP sockets only)."""

    raw_socket: socket.socket = typed_attribute()
    """The underlying `socket.socket` (do not read from or write to it)."""

    remote_address: SockAddrType = typed_attribute()
    """The address of the connected peer (`(host, port)` or a path)."""

    remote_port: int = typed_attribute()
    """The port of the connected peer (IP sockets only)."""


def _peer_address(sock: socket.socket) -> Any:
    """Return the peer's address, or None if the socket is not connected."""
    try:
        return convert_ipv6_sockaddr(sock.getpeername())
    except OSError:
        return None


class _SocketProvider(TypedAttributeProvider):
    """Computes the `SocketAttribute` values from `_raw_socket`."""

    @property
    def extra_attributes(self) -> Mapping[Any, Callable[[], Any]]:
        sock = self._raw_socket
        attributes: dict[Any, Callable[[], Any]] = {
            SocketAttribute.family: lambda: sock.family,
            SocketAttribute.local_address: lambda: convert_ipv6_sockaddr(sock.getsockname()),
            SocketAttribute.raw_socket: lambda: sock,
        }
        # The peer cannot change while connected: look it up once, here.
        peer = _peer_address(sock)
        if peer is not None:
            attributes[SocketAttribute.remote_address] = lambda: peer
        if sock.family in _IP_FAMILIES:
            attributes[SocketAttribute.local_port] = lambda: sock.getsockname()[1]
            if peer is not None:
                attributes[SocketAttribute.remote_port] = lambda: peer[1]
        return attributes

    @property
    @abstractmethod
    def _raw_socket(self) -> socket.socket:
        """The wrapped socket object."""


# -- adopting existing sockets (`from_socket()`) --------------------------------


class _Expected(NamedTuple):
    """What `from_socket()` requires of the socket it is given."""

    kind: socket.SocketKind
    family: socket.AddressFamily | None = None
    connected: bool = False
    bound: bool = False


def _socket_from_fd(fd: int) -> socket.socket:
    try:
        return socket.socket(fileno=fd)
    except OSError as exc:
        if exc.errno == errno.ENOTSOCK:
            raise ValueError(
                f"the file descriptor does not refer to a socket (fd {fd}); pass a socket's "
                "file descriptor, or the socket object itself"
            ) from exc
        raise


def _is_bound(sock: socket.socket) -> bool:
    try:
        address = sock.getsockname()
    except OSError:
        return False
    # An unbound IP socket reports port 0; an unbound UNIX socket, an empty path.
    return bool(address[1] if sock.family in _IP_FAMILIES else address)


def _check_socket(sock: socket.socket, expected: _Expected) -> None:
    if expected.connected and _peer_address(sock) is None:
        raise ValueError("the socket must be connected")
    if expected.bound and not _is_bound(sock):
        raise ValueError("the socket must be bound to a local address")
    if expected.family is not None and sock.family != expected.family:
        raise ValueError(
            f"address family mismatch: expected {expected.family.name}, got {sock.family.name}"
        )
    if sock.type != expected.kind:
        raise ValueError(
            f"socket type mismatch: expected {expected.kind.name}, got {sock.type.name}"
        )


def _adopt_socket(sock_or_fd: socket.socket | int, expected: _Expected) -> socket.socket:
    """Return the socket object for `sock_or_fd` after checking it fits.

    Raises:
        TypeError: if `sock_or_fd` is neither a socket nor an int.
        ValueError: if it is not a socket, or not of the expected kind.
    """
    if isinstance(sock_or_fd, socket.socket):
        sock = sock_or_fd
    elif isinstance(sock_or_fd, int):
        sock = _socket_from_fd(sock_or_fd)
    else:
        raise TypeError(
            f"expected an int or socket, got {type(sock_or_fd).__qualname__} instead; pass a "
            "socket.socket object or its file descriptor"
        )
    try:
        _check_socket(sock, expected)
    except BaseException:
        if sock is not sock_or_fd:
            sock.detach()  # the fd stays the caller's; no ResourceWarning
        raise
    return sock


#: The name of the ABC whose `from_socket()` was called -> the coroutine function
#: that wraps the validated socket in an implementation. The anyio-net
#: distribution fills this in when `anyio._net` is imported.
SOCKET_ADOPTERS: dict[str, Callable[[socket.socket], Awaitable[Any]]] = {}


def _find_adopter(wrapper: str) -> Callable[[socket.socket], Awaitable[Any]] | None:
    if wrapper not in SOCKET_ADOPTERS:
        from importlib import import_module

        try:
            import_module("anyio._net")
        except ModuleNotFoundError as exc:
            if exc.name is None or not "anyio._net".startswith(exc.name):
                raise
    return SOCKET_ADOPTERS.get(wrapper)


async def _wrap_socket(sock_or_fd: socket.socket | int, sock: socket.socket, wrapper: str) -> Any:
    """Hand a validated socket to anyio-net's implementation of the ABC named `wrapper`.

    If that fails, a socket object stays the caller's, and so does a bare file
    descriptor (our socket object for it is detached, not closed).
    """
    adopter = _find_adopter(wrapper)
    try:
        if adopter is None:
            raise NotImplementedError(
                f"{wrapper}.from_socket() needs the anyio-net distribution, which is not "
                "installed; install it with: pip install anyio-net"
            )
        wrapped = await adopter(sock)
    except BaseException:
        if sock is not sock_or_fd:
            sock.detach()
        raise
    return wrapped


class SocketStream(ByteStream, _SocketProvider):
    """A byte stream over a connected socket (TCP, or UNIX stream).

    Offers the `SocketAttribute` attributes that apply to its socket.
    """

    @classmethod
    async def from_socket(cls, sock_or_fd: socket.socket | int) -> SocketStream:
        """Wrap an existing, connected stream socket.

        The new stream takes ownership of the socket.

        Args:
            sock_or_fd: a connected `SOCK_STREAM` socket, or its file descriptor.

        Returns:
            A socket stream.

        Raises:
            TypeError: if `sock_or_fd` is neither a socket nor an int.
            ValueError: if it is not a connected stream socket.
        """
        expected = _Expected(socket.SOCK_STREAM, connected=True)
        sock = _adopt_socket(sock_or_fd, expected)
        wrapped: SocketStream = await _wrap_socket(sock_or_fd, sock, "SocketStream")
        return wrapped


class UNIXSocketStream(SocketStream):
    """A byte stream over a connected UNIX socket, able to pass file descriptors."""

    @classmethod
    async def from_socket(cls, sock_or_fd: socket.socket | int) -> UNIXSocketStream:
        """Wrap an existing, connected UNIX stream socket.

        The new stream takes ownership of the socket.

        Args:
            sock_or_fd: a connected `AF_UNIX`/`SOCK_STREAM` socket, or its
                file descriptor.

        Returns:
            A UNIX socket stream.

        Raises:
            TypeError: if `sock_or_fd` is neither a socket nor an int.
            ValueError: if it is not a connected UNIX stream socket.
        """
        expected = _Expected(socket.SOCK_STREAM, socket.AF_UNIX, connected=True)
        sock = _adopt_socket(sock_or_fd, expected)
        wrapped: UNIXSocketStream = await _wrap_socket(sock_or_fd, sock, "UNIXSocketStream")
        return wrapped

    @abstractmethod
    async def send_fds(self, message: bytes, fds: Collection[int | IOBase]) -> None:
        """Send file descriptors to the peer, along with a message.

        Args:
            message: the bytes to send with them (must not be empty).
            fds: the file descriptors, as ints or as open file or socket
                objects.
        """

    @abstractmethod
    async def receive_fds(self, msglen: int, maxfds: int) -> tuple[bytes, list[int]]:
        """Receive file descriptors from the peer, along with a message.

        Args:
            msglen: the length of the message to expect.
            maxfds: the most file descriptors to accept.

        Returns:
            The message and the received file descriptors (now owned by the
            caller).
        """


async def _accept_forever(
    listener: SocketListener,
    handler: Callable[[SocketStream], Any],
    task_group: TaskGroup,
) -> NoReturn:
    while True:
        stream = await listener.accept()
        task_group.start_soon(handler, stream)


class SocketListener(Listener[SocketStream], _SocketProvider):
    """Accepts connections on a listening socket.

    Offers the `SocketAttribute` attributes that apply to its socket.
    """

    @classmethod
    async def from_socket(cls, sock_or_fd: socket.socket | int) -> SocketListener:
        """Wrap an existing, bound stream socket as a listener.

        The new listener takes ownership of the socket.

        Args:
            sock_or_fd: a bound `SOCK_STREAM` socket, or its file descriptor.

        Returns:
            A socket listener.

        Raises:
            TypeError: if `sock_or_fd` is neither a socket nor an int.
            ValueError: if it is not a bound stream socket.
        """
        expected = _Expected(socket.SOCK_STREAM, bound=True)
        sock = _adopt_socket(sock_or_fd, expected)
        wrapped: SocketListener = await _wrap_socket(sock_or_fd, sock, "SocketListener")
        return wrapped

    @abstractmethod
    async def accept(self) -> SocketStream:
        """Wait for an incoming connection and accept it.

        Returns:
            The connection's stream; the caller owns it and must close it.
        """

    async def serve(
        self,
        handler: Callable[[SocketStream], Any],
        task_group: TaskGroup | None = None,
    ) -> None:
        """Accept connections forever, calling `handler` in a new task for each.

        Args:
            handler: a coroutine function called with each accepted stream;
                it is responsible for closing the stream.
            task_group: the task group to run the handlers in; if omitted, a
                new one is used, which waits for the handlers when serving
                stops (on cancellation or an error).
        """
        if task_group is None:
            from .. import create_task_group  # imported on use: no import cycle

            async with create_task_group() as own_group:
                await _accept_forever(self, handler, own_group)
        else:
            await _accept_forever(self, handler, task_group)


class UDPSocket(UnreliableObjectStream[UDPPacketType], _SocketProvider):
    """An unconnected UDP socket: sends to and receives from any peer.

    Items are `(payload, (host, port))` tuples. Offers the `SocketAttribute`
    attributes that apply to its socket.
    """

    @classmethod
    async def from_socket(cls, sock_or_fd: socket.socket | int) -> UDPSocket:
        """Wrap an existing, bound datagram socket.

        The new UDP socket takes ownership of the socket.

        Args:
            sock_or_fd: a bound `SOCK_DGRAM` socket, or its file descriptor.

        Returns:
            A UDP socket.

        Raises:
            TypeError: if `sock_or_fd` is neither a socket nor an int.
            ValueError: if it is not a bound datagram socket.
        """
        expected = _Expected(socket.SOCK_DGRAM, bound=True)
        sock = _adopt_socket(sock_or_fd, expected)
        wrapped: UDPSocket = await _wrap_socket(sock_or_fd, sock, "UDPSocket")
        return wrapped

    async def sendto(self, data: bytes, host: str, port: int) -> None:
        """Send a datagram to the given peer.

        Same as `send((data, (host, port)))`.

        Args:
            data: the payload.
            host: the peer's host name or IP address.
            port: the peer's port.
        """
        await self.send((data, (host, port)))


class ConnectedUDPSocket(UnreliableObjectStream[bytes], _SocketProvider):
    """A UDP socket connected to one peer; items are the payloads.

    Offers the `SocketAttribute` attributes that apply to its socket.
    """

    @classmethod
    async def from_socket(cls, sock_or_fd: socket.socket | int) -> ConnectedUDPSocket:
        """Wrap an existing, connected datagram socket.

        The new UDP socket takes ownership of the socket.

        Args:
            sock_or_fd: a connected `SOCK_DGRAM` socket, or its file descriptor.

        Returns:
            A connected UDP socket.

        Raises:
            TypeError: if `sock_or_fd` is neither a socket nor an int.
            ValueError: if it is not a connected datagram socket.
        """
        expected = _Expected(socket.SOCK_DGRAM, connected=True)
        sock = _adopt_socket(sock_or_fd, expected)
        wrapped: ConnectedUDPSocket = await _wrap_socket(sock_or_fd, sock, "ConnectedUDPSocket")
        return wrapped


class UNIXDatagramSocket(UnreliableObjectStream[UNIXDatagramPacketType], _SocketProvider):
    """An unconnected UNIX datagram socket: items are `(payload, path)` tuples.

    Offers the `SocketAttribute` attributes that apply to its socket.
    """

    @classmethod
    async def from_socket(cls, sock_or_fd: socket.socket | int) -> UNIXDatagramSocket:
        """Wrap an existing UNIX datagram socket.

        The new socket object takes ownership of the socket.

        Args:
            sock_or_fd: an `AF_UNIX`/`SOCK_DGRAM` socket, or its file descriptor.

        Returns:
            A UNIX datagram socket.

        Raises:
            TypeError: if `sock_or_fd` is neither a socket nor an int.
            ValueError: if it is not a UNIX datagram socket.
        """
        expected = _Expected(socket.SOCK_DGRAM, socket.AF_UNIX)
        sock = _adopt_socket(sock_or_fd, expected)
        wrapped: UNIXDatagramSocket = await _wrap_socket(sock_or_fd, sock, "UNIXDatagramSocket")
        return wrapped

    async def sendto(self, data: bytes, path: str) -> None:
        """Send a datagram to the socket at `path`.

        Same as `send((data, path))`.

        Args:
            data: the payload.
            path: the file system path of the peer's socket.
        """
        await self.send((data, path))


class ConnectedUNIXDatagramSocket(UnreliableObjectStream[bytes], _SocketProvider):
    """A UNIX datagram socket connected to one peer; items are the payloads.

    Offers the `SocketAttribute` attributes that apply to its socket.
    """

    @classmethod
    async def from_socket(cls, sock_or_fd: socket.socket | int) -> ConnectedUNIXDatagramSocket:
        """Wrap an existing, connected UNIX datagram socket.

        The new socket object takes ownership of the socket.

        Args:
            sock_or_fd: a connected `AF_UNIX`/`SOCK_DGRAM` socket, or its file
                descriptor.

        Returns:
            A connected UNIX datagram socket.

        Raises:
            TypeError: if `sock_or_fd` is neither a socket nor an int.
            ValueError: if it is not a connected UNIX datagram socket.
        """
        expected = _Expected(socket.SOCK_DGRAM, socket.AF_UNIX, connected=True)
        sock = _adopt_socket(sock_or_fd, expected)
        wrapped: ConnectedUNIXDatagramSocket = await _wrap_socket(
            sock_or_fd, sock, "ConnectedUNIXDatagramSocket"
        )
        return wrapped

"""Datagram sockets: UDP and UNIX datagrams over non-blocking sockets.

How a datagram socket works
---------------------------
Each object wraps one non-blocking `socket.socket`. An operation first tries
the system call; only when the OS answers "would block" does the task wait,
on the backend's readiness watch for the socket (`IOBackend.watch_fd`, the
owned form of core's `wait_readable()` / `wait_writable()`, which keeps
asyncio's reader registered between waits), and then try again. That is
all the event loop is asked for, so the same code runs on asyncio, uvloop and
Trio. A `send()` therefore returns exactly when the OS has taken the
datagram: there is no buffer of ours in between that `aclose()` would have to
flush, or could lose.

Checkpoints: every `send()` and `receive()` is a checkpoint that yields to the
event loop exactly once. A `send()` checkpoints first (a cancellation then
leaves nothing sent), then hands the datagram to the OS, waiting for room only
if the OS says "would block". A `receive()` reads first: when the OS has no
datagram, the wait for one is the checkpoint; when it has, the checkpoint
follows the read, and if that checkpoint raises (a cancellation), the datagram
is kept (`_DatagramIO._kept`) for the next `receive()`, so that none is lost.
That order saves a yield per datagram against checking first, and a cancel
scope per datagram against a cancel-shielded yield after the read, which is
what the echo of a request/response exchange would otherwise pay. Once a read
found nothing, the next few receives (`_WAITS_FIRST`) wait for readiness before
they read, which saves a request/response exchange the read that would fail
(a system call and an exception); then one reads first again, since a datagram
socket has no "full buffer" signal to tell that datagrams are queued. A
receive that waits has the datagram read for it when the socket turns
readable (the watch's ``wait_readable_then``: on asyncio inside the loop's
readiness callback, only while the receive still waits, one datagram); if a
native ``Task.cancel()`` lands between that read and the task's wake-up, the
datagram goes to ``_kept`` like any other, for the next `receive()`.

Closing: `aclose()` marks the object closed, tells the loop the socket is
going away (it closes the backend's readiness watch, or calls
`notify_closing()` if it never waited, which wakes any task waiting on it with
`ClosedResourceError`), closes the socket, and only then checkpoints. So
inside a cancelled scope it raises the cancellation exception with the socket
already closed.

Errors: an `OSError` from the socket becomes `BrokenResourceError` (chained),
or `ClosedResourceError` if the socket was closed meanwhile. On a connected
UDP socket, for example, an ICMP "port unreachable" makes the next call raise
`BrokenResourceError` from `ConnectionRefusedError`; the socket stays usable.

Every datagram goes through `_DatagramIO.receive` / `send`, so each is
one flat coroutine, with the busy guards as two flags, the socket's calls bound
once, and a send handed to the watch's ``write`` where the backend has one
(asyncio: the cancellation check, the call and the shielded yield in one
coroutine). No class wraps them: every class's ``receive()`` and ``send()``
*are* `_DatagramIO`'s (an IPv6 UDP socket's ``recvfrom`` converts the address
itself, see `_recvfrom_ipv6`; an unconnected socket's target goes through its
``_target()`` only when it is not the last IP address sent to). Measured with
callgrind on uvloop, per UDP round trip: the three ``receive()``/``send()``
wrappers of the connected client and the echo's ``receive()`` cost 4,500 of
83,000 instructions, the echo's ``send()`` wrapper 460 more.
"""

from __future__ import annotations

import enum
import os
import socket
from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar, Literal, TypeAlias

from .. import BrokenResourceError, BusyResourceError, ClosedResourceError, notify_closing
from .._core.contract import current_backend
from ..abc import _sockets as abc_sockets
from ..abc._sockets import convert_ipv6_sockaddr
from ..lowlevel import checkpoint
from ..to_thread import run_sync
from ._common import (
    IP_FAMILIES,
    UNIXPath,
    is_abstract,
    remove_stale_socket,
    set_reuse_port,
    unix_path,
    wait_readable_then,
)
from ._resolve import resolve

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from .._core.contract import Backend, FDWatch
    from ..abc._sockets import (
        IPAddressType,
        IPSockAddrType,
    )

__all__ = (
    "ConnectedUDPSocket",
    "ConnectedUNIXDatagramSocket",
    "UDPSocket",
    "UNIXDatagramSocket",
    "create_connected_udp_socket",
    "create_connected_unix_datagram_socket",
    "create_udp_socket",
    "create_unix_datagram_socket",
)

#: The address families a UDP socket can have (`AF_UNSPEC`: pick from the host).
AnyIPAddressFamily: TypeAlias = Literal[
    socket.AddressFamily.AF_UNSPEC, socket.AddressFamily.AF_INET, socket.AddressFamily.AF_INET6
]

#: The largest datagram `receive()` returns (longer ones are truncated by the OS).
MAX_DATAGRAM_SIZE = 65536

#: After a read that found nothing, this many receives wait before they read;
#: then one reads first again, to notice when datagrams are queued (a datagram
#: socket has no "full buffer" signal, as a stream has).
_WAITS_FIRST = 7


class _State(enum.Enum):
    OPEN = "open"
    CLOSED = "closed"


# Module constants for the hot paths: on Python 3.11 ``_State.CLOSED`` goes
# through ``EnumType.__getattr__``'s slot (two type lookups per read).
_OPEN = _State.OPEN
_CLOSED = _State.CLOSED


class _DatagramIO:
    """The state and system-call loops that every datagram socket shares.

    Subclasses also derive from one of the datagram ABCs, which provide the
    `SocketAttribute`s from `_raw_socket`.
    """

    #: Whether the socket sends to and receives from any peer (``sendto`` /
    #: ``recvfrom``), or only its connected peer (``send`` / ``recv``).
    _UNCONNECTED: ClassVar[bool] = False

    # Slots: the hot paths read and write these on every datagram (a slot is
    # the cheapest attribute there is; the ABCs still give instances a __dict__).
    __slots__ = (
        "_backend",
        "_kept",
        "_numeric_host",
        "_reads",
        "_receiving",
        "_recv_call",
        "_send_call",
        "_sending",
        "_sock",
        "_state",
        "_waits_first",
        "_watch",
        "_writes",
    )

    def __init__(self, sock: socket.socket) -> None:
        sock.setblocking(False)
        self._sock = sock
        #: (`UDPSocket`) The host of the last `send()` that was an IP address.
        self._numeric_host: str | None = None
        # Invariant: CLOSED exactly when `self._sock` has been closed by us.
        self._state = _OPEN
        # Invariant: True exactly while a task is inside receive() / send() (busy guards).
        self._receiving = False
        self._sending = False
        #: A datagram read by a `receive()` that was cancelled at its checkpoint
        #: afterwards: the next `receive()` returns it (nothing is lost).
        self._kept: Any = None
        #: How many more receives wait for readiness before they read (see `_WAITS_FIRST`).
        self._waits_first = 0
        #: The backend's readiness watch, from the first wait until `aclose()`.
        self._watch: FDWatch | None = None
        #: The running backend, looked up at the first operation.
        self._backend: Backend | None = None
        #: Whether the watch has ``wait_readable_then`` / ``write`` (set by
        #: `_open_watch`; flags, not cached bound methods: see ``SocketHolder``).
        self._reads = False
        self._writes = False
        # The socket's calls, bound once (a bound method per datagram costs).
        self._recv_call: Callable[[int], Any] = sock.recvfrom if self._UNCONNECTED else sock.recv
        if self._UNCONNECTED and sock.family == socket.AF_INET6:
            self._recv_call = partial(_recvfrom_ipv6, sock.recvfrom)
        self._send_call: Callable[..., object] = sock.sendto if self._UNCONNECTED else sock.send

    def __repr__(self) -> str:
        return f"<{type(self).__name__} fd={self._sock.fileno()} state={self._state.value}>"

    @property
    def _raw_socket(self) -> socket.socket:
        return self._sock

    async def aclose(self) -> None:
        """Close the socket; tasks waiting on it get `ClosedResourceError`.

        The socket is closed even if the caller's scope is cancelled (then
        the cancellation exception is raised afterwards).
        """
        if self._state is _OPEN:
            self._state = _CLOSED
            self._kept = None
            try:
                if self._watch is None:
                    notify_closing(self._sock)
                else:
                    self._watch.close()
            finally:
                self._sock.close()
        await checkpoint()

    def _current_backend(self) -> Backend:
        backend = self._backend
        if backend is None:
            backend = self._backend = current_backend()
        return backend

    def _open_watch(self) -> FDWatch:
        """Return the readiness watch, opening it (and its fast members) at the first use."""
        watch = self._watch
        if watch is None:
            watch = self._watch = current_backend().watch_fd(self._sock)
            self._reads = hasattr(watch, "wait_readable_then")
            self._writes = hasattr(watch, "write")
        return watch

    def _check_open(self) -> None:
        if self._state is _CLOSED:
            raise ClosedResourceError

    def _error(self, exc: OSError) -> Exception:
        """Translate a socket error, to be raised `from exc`."""
        if self._state is _CLOSED:
            return ClosedResourceError()
        return BrokenResourceError(f"{self!r}: {exc}")

    async def receive(self) -> Any:
        """Wait for a datagram and return it: the payload, or `(payload, address)` if unconnected.

        An unconnected socket's address is the sender's `(host, port)` (UDP) or
        path (UNIX; empty if the sender's socket is not bound).

        Raises:
            ClosedResourceError: if the socket was closed (also while waiting).
            BrokenResourceError: if the OS reported an error for the socket,
                such as a connected UDP peer's port being unreachable.
            BusyResourceError: if another task is already receiving.
        """
        if self._receiving:
            raise BusyResourceError("reading from")
        self._receiving = True
        try:
            kept = self._kept  # (a local: mypy must not think `_kept` None below)
            if kept is not None:
                return await self._receive_kept()
            if self._state is _CLOSED:
                raise ClosedResourceError
            if self._waits_first:
                self._waits_first -= 1
            else:
                try:
                    result = self._recv_call(MAX_DATAGRAM_SIZE)
                except BlockingIOError:
                    self._waits_first = _WAITS_FIRST
                except OSError as exc:
                    raise self._error(exc) from exc
                else:
                    try:
                        await self._current_backend().checkpoint()
                    except BaseException:
                        self._kept = result  # for the next receive(): the OS gave it to us
                        raise
                    return result
            # Wait, and read when readable: on asyncio the readiness callback reads
            # (`_fill`) into `_kept`, where the woken task finds the datagram.
            watch = self._watch or self._open_watch()
            try:
                if self._reads:  # the checkpoint
                    await watch.wait_readable_then(self._fill)  # type: ignore[attr-defined]
                else:
                    await wait_readable_then(watch, self._fill)
            except OSError as exc:
                raise self._error(exc) from exc
            read = self._kept  # what `_fill` read
            self._kept = None
            return read
        finally:
            self._receiving = False

    def _fill(self) -> None:
        """Read one datagram into `_kept` (once readable; see `wait_readable_then`)."""
        self._kept = self._recv_call(MAX_DATAGRAM_SIZE)

    async def _receive_kept(self) -> Any:
        """Return the datagram that a cancelled `receive()` kept (a checkpoint)."""
        await self._current_backend().checkpoint()
        self._check_open()
        result, self._kept = self._kept, None
        return result

    async def send(self, item: Any) -> None:
        """Send one datagram; return once the OS has taken it.

        ``item`` is the payload, or on an unconnected socket `(payload, address)`:
        `(host, port)` for UDP (a host name is resolved first, in a worker
        thread; IP addresses are used as they are), a path for UNIX datagrams.

        Raises:
            ClosedResourceError: if the socket was closed (also while waiting).
            BrokenResourceError: if the OS refused the datagram (for example, no
                UNIX socket is bound at the path).
            BusyResourceError: if another task is already sending.
        """
        call = self._send_call
        if self._sending:
            raise BusyResourceError("writing to")
        self._sending = True
        try:
            if self._UNCONNECTED:
                payload, target = item
                # The same IP address as the last send, in a tuple: sent as it is.
                if type(target) is not tuple or target[0] != self._numeric_host:
                    target = await self._target(target)  # (its errors propagate as they are)
                args: tuple[Any, ...] = (payload, target)
            else:
                args = (item,)
            try:
                watch = self._watch or self._open_watch()
                if self._writes:  # the backend's watch does it all (asyncio)
                    # A closed socket makes the call raise (a bad descriptor): see `_error`.
                    await watch.write(call, *args)  # type: ignore[attr-defined]  # the checkpoint
                    return
                backend = self._current_backend()
                # A cancellation raised here leaves nothing done: nothing was sent.
                await backend.checkpoint_if_cancelled()
                waited = False
                while True:
                    if self._state is _CLOSED:
                        raise ClosedResourceError
                    try:
                        call(*args)
                        break
                    except BlockingIOError:
                        pass
                    await watch.wait_writable()  # the checkpoint
                    waited = True
                if not waited:
                    # Sent at once: yield, shielded (a cancellation would hide that it was sent).
                    await backend.cancel_shielded_checkpoint()
            except OSError as exc:
                raise self._error(exc) from exc
        finally:
            self._sending = False

    async def _target(self, target: Any) -> Any:
        """Return what ``sendto`` takes for an unconnected socket's ``target`` (see `send`)."""
        raise NotImplementedError


class UDPSocket(_DatagramIO, abc_sockets.UDPSocket):
    """A UDP socket that sends to and receives from any peer.

    Items are `(payload, (host, port))` tuples. Create one with
    `anyio.create_udp_socket()` or `anyio.abc.UDPSocket.from_socket()`.
    """

    _UNCONNECTED = True

    # receive() and send() are `_DatagramIO`'s: items are `(payload, (host, port))`.

    async def _target(self, target: Any) -> Any:
        host, port = target
        host = str(host)  # also accept an `ipaddress` object
        if not _is_numeric(self._sock.family, host):
            return await _resolve_address(self._sock.family, host, port)
        self._numeric_host = host  # sent as it is from now on (see `send`)
        return host, port


class ConnectedUDPSocket(_DatagramIO, abc_sockets.ConnectedUDPSocket):
    """A UDP socket connected to one peer; items are the payloads.

    Create one with `anyio.create_connected_udp_socket()` or
    `anyio.abc.ConnectedUDPSocket.from_socket()`.
    """

    # receive() and send() are `_DatagramIO`'s: items are the payloads.


class UNIXDatagramSocket(_DatagramIO, abc_sockets.UNIXDatagramSocket):
    """A UNIX datagram socket that sends to and receives from any peer.

    Items are `(payload, path)` tuples. Create one with
    `anyio.create_unix_datagram_socket()` or
    `anyio.abc.UNIXDatagramSocket.from_socket()`.
    """

    _UNCONNECTED = True

    # receive() and send() are `_DatagramIO`'s: items are `(payload, path)`.

    async def _target(self, target: Any) -> Any:
        return os.fspath(target)


class ConnectedUNIXDatagramSocket(_DatagramIO, abc_sockets.ConnectedUNIXDatagramSocket):
    """A UNIX datagram socket connected to one peer; items are the payloads.

    Create one with `anyio.create_connected_unix_datagram_socket()` or
    `anyio.abc.ConnectedUNIXDatagramSocket.from_socket()`.
    """

    # receive() and send() are `_DatagramIO`'s: items are the payloads.


# -- addresses -------------------------------------------------------------------------


def _recvfrom_ipv6(recvfrom: Callable[[int], tuple[bytes, Any]], size: int) -> tuple[bytes, Any]:
    """``recvfrom`` of an IPv6 UDP socket, with the address as AnyIO gives it."""
    data, address = recvfrom(size)
    return data, convert_ipv6_sockaddr(address)


def _is_numeric(family: int, host: str) -> bool:
    try:
        socket.inet_pton(family, host)
    except (OSError, ValueError):
        return False
    return True


async def _resolve_address(family: int, host: str, port: int) -> Any:
    """Resolve a host name to send to (`socket.sendto()` would do it blocking the loop)."""
    results = await resolve(host, port, family=family, type=socket.SOCK_DGRAM)
    return results[0][4]


def _wildcard(family: int) -> str:
    return "::" if family == socket.AF_INET6 else "0.0.0.0"


def _check_ip_family(family: int) -> None:
    if family not in (socket.AF_UNSPEC, *IP_FAMILIES):
        raise ValueError(
            f"family must be AF_INET, AF_INET6 or AF_UNSPEC, not {family!r}; "
            "for UNIX datagrams use create_unix_datagram_socket()"
        )


async def _local_address(host: IPAddressType, port: int, family: int) -> tuple[int, Any]:
    """Resolve the local interface to bind to; return its family and socket address."""
    results = await resolve(
        str(host),
        port,
        family=family,
        type=socket.SOCK_DGRAM,
        flags=socket.AI_PASSIVE | socket.AI_ADDRCONFIG,
    )
    return results[0][0], results[0][4]


def _open_udp_socket(
    family: int, local_address: IPSockAddrType | None, *, reuse_port: bool
) -> socket.socket:
    """Create a non-blocking UDP socket, bound to `local_address` if given."""
    sock = socket.socket(family, socket.SOCK_DGRAM)
    try:
        sock.setblocking(False)
        if reuse_port:
            set_reuse_port(sock)
        if local_address is not None:
            sock.bind(local_address)
    except BaseException:
        sock.close()
        raise
    return sock


# -- public constructors ---------------------------------------------------------------


async def create_udp_socket(
    family: AnyIPAddressFamily = socket.AddressFamily.AF_UNSPEC,
    *,
    local_host: IPAddressType | None = None,
    local_port: int = 0,
    reuse_port: bool = False,
) -> abc_sockets.UDPSocket:
    """Create a UDP socket, bound to a local interface and port.

    The socket is always bound, so that it can receive replies: to
    `local_port` (or a port the OS picks, if 0) on `local_host` (or on every
    interface of the family, if `local_host` is not given).

    Args:
        family: `AF_INET` or `AF_INET6`; taken from `local_host` if omitted.
        local_host: the IP address or host name of the interface to bind to.
        local_port: the local port to bind to (0: any free port).
        reuse_port: let several sockets bind to the same address and port
            (`SO_REUSEPORT`; not available on Windows).

    Returns:
        A UDP socket.

    Raises:
        ValueError: if neither `family` nor `local_host` is given.
        OSError: if the socket cannot be created or bound.

    Example:
        ```python
        async with await anyio.create_udp_socket(local_host="127.0.0.1") as udp:
            await udp.sendto(b"hello", "127.0.0.1", 9999)
        ```
    """
    _check_ip_family(family)
    if family == socket.AF_UNSPEC and not local_host:
        raise ValueError('Either "family" or "local_host" must be given')
    if local_host:
        family_, local_address = await _local_address(local_host, local_port, family)
    else:
        family_, local_address = family, (_wildcard(family), local_port)
        await checkpoint()
    return UDPSocket(_open_udp_socket(family_, local_address, reuse_port=reuse_port))


async def create_connected_udp_socket(
    remote_host: IPAddressType,
    remote_port: int,
    *,
    family: AnyIPAddressFamily = socket.AddressFamily.AF_UNSPEC,
    local_host: IPAddressType | None = None,
    local_port: int = 0,
    reuse_port: bool = False,
) -> abc_sockets.ConnectedUDPSocket:
    """Create a UDP socket connected to one peer.

    A connected socket sends to the peer only, and the OS drops datagrams
    from anyone else.

    Args:
        remote_host: the IP address or host name of the peer.
        remote_port: the peer's port.
        family: `AF_INET` or `AF_INET6`; taken from `local_host` or
            `remote_host` if omitted.
        local_host: the IP address or host name of the interface to bind to.
        local_port: the local port to bind to; also honoured without
            `local_host` (then on every interface of the family).
        reuse_port: let several sockets bind to the same address and port
            (`SO_REUSEPORT`; not available on Windows).

    Returns:
        A connected UDP socket.

    Raises:
        OSError: if a host cannot be resolved, or the socket cannot be
            created, bound or connected.
    """
    _check_ip_family(family)
    local_family, local_address = int(family), None
    if local_host:
        local_family, local_address = await _local_address(local_host, local_port, family)
    results = await resolve(
        str(remote_host), remote_port, family=local_family, type=socket.SOCK_DGRAM
    )
    family_, remote_address = results[0][0], results[0][4]
    if local_address is None and local_port:
        local_address = (_wildcard(family_), local_port)
    sock = _open_udp_socket(family_, local_address, reuse_port=reuse_port)
    try:
        sock.connect(remote_address)  # immediate for UDP: it only records the peer
    except BaseException:
        sock.close()
        raise
    return ConnectedUDPSocket(sock)


def _setup_unix_socket(
    sock: socket.socket,
    local_path: str | bytes | None,
    local_mode: int | None,
    remote_path: str | bytes | None,
) -> None:
    """Bind (with mode) and connect a UNIX datagram socket: file system calls, so run in a thread."""
    if local_path is not None:
        if not is_abstract(local_path):
            remove_stale_socket(local_path)
        sock.bind(local_path)
        if local_mode is not None and not is_abstract(local_path):
            os.chmod(local_path, local_mode)
    if remote_path is not None:
        sock.connect(remote_path)


def _needs_file_system(*paths: str | bytes | None) -> bool:
    return any(path is not None and not is_abstract(path) for path in paths)


async def _open_unix_socket(
    local_path: UNIXPath | None, local_mode: int | None, remote_path: UNIXPath | None
) -> socket.socket:
    local = None if local_path is None else unix_path(local_path)
    remote = None if remote_path is None else unix_path(remote_path)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    try:
        sock.setblocking(False)
        if _needs_file_system(local, remote):
            # Not abandoned on cancellation: the thread must be done with the socket
            # before we close it (closing under it could hit a reused descriptor).
            await run_sync(_setup_unix_socket, sock, local, local_mode, remote)
        else:
            _setup_unix_socket(sock, local, local_mode, remote)
            await checkpoint()
    except BaseException:
        sock.close()
        raise
    return sock


async def create_unix_datagram_socket(
    *, local_path: UNIXPath | None = None, local_mode: int | None = None
) -> abc_sockets.UNIXDatagramSocket:
    """Create a UNIX datagram socket.

    Without `local_path` the socket is not bound: it can send, but peers
    cannot reply to it. A socket file already at `local_path` is replaced; any
    other kind of file there makes the call fail.

    Args:
        local_path: the path to bind to; a str or bytes starting with a NUL
            character is a Linux abstract-namespace name.
        local_mode: permissions to give the socket file (e.g. `0o600`).

    Returns:
        A UNIX datagram socket.

    Raises:
        FileExistsError: if a file that is not a socket exists at `local_path`.
        OSError: if the socket cannot be created or bound.
    """
    sock = await _open_unix_socket(local_path, local_mode, None)
    return UNIXDatagramSocket(sock)


async def create_connected_unix_datagram_socket(
    remote_path: UNIXPath,
    *,
    local_path: UNIXPath | None = None,
    local_mode: int | None = None,
) -> abc_sockets.ConnectedUNIXDatagramSocket:
    """Create a UNIX datagram socket connected to the socket at `remote_path`.

    Args:
        remote_path: the path (or abstract name) of the peer's socket.
        local_path: the path to bind to, so that the peer can reply; a socket
            file already there is replaced.
        local_mode: permissions to give the socket file (e.g. `0o600`).

    Returns:
        A connected UNIX datagram socket.

    Raises:
        FileExistsError: if a file that is not a socket exists at `local_path`.
        OSError: if the socket cannot be created, bound or connected (for
            example, no socket is bound at `remote_path`).
    """
    sock = await _open_unix_socket(local_path, local_mode, remote_path)
    return ConnectedUNIXDatagramSocket(sock)


# -- adopting existing sockets (`from_socket()`) -----------------------------------------


def _check_adopted_family(sock: socket.socket, wrapper: str) -> None:
    if sock.family not in IP_FAMILIES:
        unix_wrapper = wrapper.replace("UDP", "UNIXDatagram")
        raise ValueError(
            f"address family mismatch: expected AF_INET or AF_INET6, got {sock.family.name}; "
            f"wrap a UNIX datagram socket with {unix_wrapper}.from_socket() instead"
        )


def _adopter(cls: type[_DatagramIO], *, ip: bool) -> Callable[[socket.socket], Awaitable[Any]]:
    """Return the coroutine function that wraps a socket the ABC has validated in `cls`."""
    wrapper = cls.__name__

    async def adopt(sock: socket.socket) -> _DatagramIO:
        if ip:
            _check_adopted_family(sock, wrapper)
        await checkpoint()
        return cls(sock)

    return adopt


abc_sockets.SOCKET_ADOPTERS.update(
    UDPSocket=_adopter(UDPSocket, ip=True),
    ConnectedUDPSocket=_adopter(ConnectedUDPSocket, ip=True),
    UNIXDatagramSocket=_adopter(UNIXDatagramSocket, ip=False),
    ConnectedUNIXDatagramSocket=_adopter(ConnectedUNIXDatagramSocket, ip=False),
)

"""Opening connections: `connect_tcp()` (Happy Eyeballs, optional TLS) and `connect_unix()`.

Happy Eyeballs (RFC 8305)
-------------------------
A host name often resolves to several addresses, IPv6 and IPv4, some of which
may not answer. Trying them one after another can take minutes; trying all at
once wastes connections. So: order the addresses alternating between the
families (starting with the resolver's first choice), start an attempt,
and start the next one when the previous attempt failed or
``happy_eyeballs_delay`` seconds passed without an answer, whichever is first.
The first attempt to connect wins; the others are cancelled and their sockets
closed.

No socket may leak, whenever a cancellation hits: an attempt closes its own
socket unless it hands it over as the winner, and the winner is closed if the
race is then cancelled (the caller never receives it).
"""

from __future__ import annotations

import errno
import socket
import sys
from typing import TYPE_CHECKING, Any, Literal

from .. import ConnectionFailed, Event, create_task_group, move_on_after, wait_writable
from ..lowlevel import checkpoint, checkpoint_if_cancelled
from ._common import UNIXPath, unix_path
from ._resolve import resolve
from ._stream import SocketStream, UNIXSocketStream

if TYPE_CHECKING:
    import ssl

    from ..abc import IPAddressType, TaskGroup
    from ..streams.tls import TLSStream

if sys.version_info >= (3, 11):
    from builtins import BaseExceptionGroup
else:
    from exceptiongroup import BaseExceptionGroup

__all__ = ("connect_tcp", "connect_unix")

_Target = tuple[socket.AddressFamily, Any]


async def connect_tcp(
    remote_host: IPAddressType,
    remote_port: int,
    *,
    local_host: IPAddressType | None = None,
    local_port: int | None = None,
    tls: bool = False,
    ssl_context: ssl.SSLContext | None = None,
    tls_standard_compatible: bool = True,
    tls_hostname: str | None = None,
    happy_eyeballs_delay: float = 0.25,
) -> SocketStream | TLSStream:
    """Connect to a TCP server, trying its addresses with Happy Eyeballs (RFC 8305).

    ``TCP_NODELAY`` is turned on for the returned stream.

    Args:
        remote_host: the server's IP address or host name.
        remote_port: the server's port.
        local_host: the local interface (IP address or host name) to bind to.
        local_port: the local port to bind to (also honoured without
            ``local_host``).
        tls: wrap the connection in TLS (a `TLSStream`) and do the handshake.
        ssl_context: the TLS settings (implies ``tls=True``); by default
            `ssl.create_default_context()`.
        tls_standard_compatible: require the TLS closing handshake (see
            `anyio.streams.tls.TLSStream`).
        tls_hostname: the host name to check the server's certificate
            against (and to send with SNI; implies ``tls=True``); by default
            ``remote_host``.
        happy_eyeballs_delay: seconds to wait for an attempt before starting
            the next one in parallel.

    Returns:
        A `SocketStream`, or a `TLSStream` over one if TLS was asked for.

    Raises:
        ConnectionFailed: if every attempt failed (an `OSError`; each
            attempt's error is in its ``__cause__``).
        OSError: if the host name cannot be resolved.

    Example:
        ```python
        async with await anyio.connect_tcp("example.org", 80) as stream:
            await stream.send(b"HEAD / HTTP/1.0\\r\\nHost: example.org\\r\\n\\r\\n")
        ```
    """
    host = str(remote_host)
    local_address = None
    if local_host is None and _is_ipv4_address(host, remote_port):
        # Nothing to resolve: no name lookup, no worker thread, no extra yield (the
        # connection's wait is the checkpoint), but no connection attempt if cancelled.
        await checkpoint_if_cancelled()
        targets: list[_Target] = [(socket.AF_INET, (host, remote_port))]
    else:
        local_address = await _local_address(local_host, local_port)
        family = local_address[0] if local_address else socket.AF_UNSPEC
        results = await resolve(host, remote_port, family=family, type=socket.SOCK_STREAM)
        targets = _interleave([(info[0], info[4]) for info in results])
    if len(targets) == 1:  # nothing to race: no task group needed
        sock = await _connect_only(targets[0], local_address, local_port)
    else:
        sock = await _race(targets, happy_eyeballs_delay, local_address, local_port)
    stream = SocketStream(sock)
    if not (tls or ssl_context or tls_hostname):  # any TLS setting asks for TLS, as in AnyIO
        return stream
    return await _start_tls(stream, tls_hostname or host, ssl_context, tls_standard_compatible)


async def _start_tls(
    stream: SocketStream,
    hostname: str,
    ssl_context: ssl.SSLContext | None,
    standard_compatible: bool,
) -> TLSStream:
    from ..streams.tls import TLSStream

    try:
        return await TLSStream.wrap(
            stream,
            server_side=False,
            hostname=hostname,
            ssl_context=ssl_context,
            standard_compatible=standard_compatible,
        )
    except BaseException:
        from .. import aclose_forcefully

        await aclose_forcefully(stream)
        raise


def _is_ipv4_address(host: str, port: object) -> bool:
    """Tell whether ``host``, ``port`` is a plain IPv4 address and port (nothing to resolve)."""
    if type(port) is not int or not 0 <= port <= 65535:
        return False
    try:
        socket.inet_pton(socket.AF_INET, host)
    except OSError:
        return False
    return True


async def _local_address(
    local_host: IPAddressType | None, local_port: int | None
) -> _Target | None:
    """Resolve the local end to bind to, if any was asked for."""
    if local_host is None:
        return None
    results = await resolve(
        str(local_host), local_port or 0, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
    )
    return results[0][0], results[0][4]


def _interleave(targets: list[_Target]) -> list[_Target]:
    """Order the addresses alternating between families, the first family first (RFC 8305)."""
    unique = list(dict.fromkeys(targets))
    if not unique:
        return unique
    first = [target for target in unique if target[0] == unique[0][0]]
    others = [target for target in unique if target[0] != unique[0][0]]
    ordered: list[_Target] = []
    for index in range(max(len(first), len(others))):
        ordered.extend(group[index] for group in (first, others) if index < len(group))
    return ordered


class _Race:
    """The state of one Happy Eyeballs race.

    Invariant: every socket an attempt opens is either closed by that attempt
    or is ``winner``; the winner is closed by `_race()` unless it is returned.
    """

    def __init__(self, local: _Target | None, local_port: int | None) -> None:
        self.local = local
        self.local_port = local_port
        self.winner: socket.socket | None = None
        self.errors: list[OSError] = []

    async def attempt(self, target: _Target, failed: Event, group: TaskGroup) -> None:
        try:
            sock = await self.connect(target)
        except OSError as exc:
            self.errors.append(exc)
            failed.set()
            return
        if self.winner is not None:  # two finished in the same loop turn
            sock.close()
            return
        self.winner = sock
        group.cancel_scope.cancel()

    async def connect(self, target: _Target) -> socket.socket:
        """Open a socket connected to ``target``; it is closed if that fails."""
        family, address = target
        sock = socket.socket(family, socket.SOCK_STREAM)
        try:
            sock.setblocking(False)
            self._bind(sock, family)
            await _connect_socket(sock, address)
        except BaseException:
            sock.close()
            raise
        return sock

    def _bind(self, sock: socket.socket, family: int) -> None:
        if self.local is not None:
            sock.bind(self.local[1])
        elif self.local_port:
            sock.bind(("::" if family == socket.AF_INET6 else "0.0.0.0", self.local_port))


async def _connect_socket(sock: socket.socket, address: Any) -> None:
    """Connect a non-blocking socket, waiting for the handshake without blocking."""
    try:
        sock.connect(address)
    except BlockingIOError:
        pass
    else:
        await checkpoint()
        return
    await wait_writable(sock)
    code = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
    if code:
        raise OSError(code, f"{errno.errorcode.get(code, code)}: connecting to {address!r} failed")


async def _race(
    targets: list[_Target], delay: float, local: _Target | None, local_port: int | None
) -> socket.socket:
    race = _Race(local, local_port)
    try:
        async with create_task_group() as group:
            for target in targets:
                failed = Event()
                group.start_soon(race.attempt, target, failed, group)
                with move_on_after(delay):
                    await failed.wait()
    except BaseException:
        if race.winner is not None:  # cancelled just after a winner connected
            race.winner.close()
        raise
    if race.winner is None:
        raise _all_failed(race.errors)
    return race.winner


async def _connect_only(
    target: _Target, local: _Target | None, local_port: int | None
) -> socket.socket:
    try:
        sock = await _Race(local, local_port).connect(target)
    except OSError as exc:
        raise _all_failed([exc]) from exc
    try:
        # As in the race: a caller cancelled just as it connected gets no socket.
        await checkpoint_if_cancelled()
    except BaseException:
        sock.close()
        raise
    return sock


def _all_failed(errors: list[OSError]) -> ConnectionFailed:
    failure = ConnectionFailed("All connection attempts failed")
    if len(errors) == 1:
        failure.__cause__ = errors[0]
    elif errors:
        failure.__cause__ = BaseExceptionGroup("multiple connection attempts failed", errors)
    return failure


# -- UNIX -------------------------------------------------------------------------------


async def connect_unix(
    path: UNIXPath,
    kind: Literal[
        socket.SocketKind.SOCK_STREAM, socket.SocketKind.SOCK_SEQPACKET
    ] = socket.SocketKind.SOCK_STREAM,
) -> UNIXSocketStream:
    """Connect to a UNIX socket.

    Args:
        path: the socket's path: str, bytes or `os.PathLike`; a name starting
            with a NUL character is a Linux abstract-namespace name.
        kind: ``SOCK_STREAM`` or ``SOCK_SEQPACKET``.

    Returns:
        A UNIX socket stream.

    Raises:
        OSError: if nothing listens at ``path``.
    """
    address = unix_path(path)
    sock = socket.socket(socket.AF_UNIX, kind)
    try:
        sock.setblocking(False)
        await _connect_unix_socket(sock, address)
    except BaseException:
        sock.close()
        raise
    return UNIXSocketStream(sock)


async def _connect_unix_socket(sock: socket.socket, address: str | bytes) -> None:
    """Connect at once, or wait for room in the listener's queue (``EAGAIN``) and retry."""
    while True:
        try:
            sock.connect(address)
        except BlockingIOError:  # noqa: PERF203 - a retry loop, rarely taken
            await wait_writable(sock)
        else:
            await checkpoint()
            return

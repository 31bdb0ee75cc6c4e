"""Socket streams: TCP and UNIX byte streams over non-blocking sockets.

See ``_common.py`` for how each operation drives the socket. What is
particular to streams:

* One task at a time may receive and one may send (`BusyResourceError`
  otherwise, before anything else happens).
* ``send()`` returns once every byte was handed to the OS. It waits for room
  as often as needed; a socket closed meanwhile (by another task) raises
  `ClosedResourceError`, a connection lost meanwhile `BrokenResourceError`.
  A cancelled ``send()`` may have sent a prefix of the data, as on Trio.
* ``receive()`` reads only when asked: nothing is read ahead, so a cancelled
  ``receive()`` leaves the data with the OS, and a slow reader pushes back on
  the peer through TCP flow control.
* Once a ``receive()`` found no data, the next ones wait for readiness before
  reading (the wait is their checkpoint), until a read fills the buffer: on a
  request/response stream the read that would only say "would block" is saved.
* The peer's FIN makes ``receive()`` raise `EndOfStream` (every time); a
  reset makes it raise `BrokenResourceError`.
"""

from __future__ import annotations

import array
import errno
import socket
from functools import partial
from typing import TYPE_CHECKING

from .. import EndOfStream, ResourceGuard
from ..abc import SocketStream as AbstractSocketStream
from ..abc import UNIXSocketStream as AbstractUNIXSocketStream
from ..lowlevel import checkpoint, checkpoint_if_cancelled
from ._common import SocketHolder, call_with_retry, retry_after_wait, set_nodelay

if TYPE_CHECKING:
    from collections.abc import Awaitable, Collection
    from io import IOBase

__all__ = ("SocketStream", "UNIXSocketStream")

_INT_SIZE = array.array("i").itemsize
#: ``shutdown()`` errors that mean the connection is already gone (nothing to end).
_GONE = frozenset({errno.ENOTCONN, errno.EPIPE, errno.ECONNRESET})


def _check_max_bytes(max_bytes: int) -> None:
    if type(max_bytes) is not int or max_bytes < 1:
        raise ValueError(f"max_bytes must be a positive integer, got {max_bytes!r}")


class _StreamIO:
    """What TCP and UNIX streams share: the socket, its guards, send and receive."""

    def __init__(self, sock: socket.socket) -> None:
        self._holder = SocketHolder(sock)
        self._receive_guard = ResourceGuard("reading from")
        self._send_guard = ResourceGuard("writing to")
        #: Whether `receive()` waits for readiness before it reads: True after a
        #: read found nothing, until a read fills the caller's buffer. A
        #: request/response stream then saves the read that would fail (a system
        #: call and an exception) before each wait.
        self._wait_first = False

    def __repr__(self) -> str:
        state = "closed" if self._holder.closed else "open"
        return f"<{type(self).__name__} fd={self._holder.sock.fileno()} state={state}>"

    @property
    def _raw_socket(self) -> socket.socket:
        return self._holder.sock

    async def receive(self, max_bytes: int = 65536) -> bytes:
        """Receive at most ``max_bytes`` bytes, waiting until some arrive.

        Raises:
            EndOfStream: if the peer has closed its sending side.
            ValueError: if ``max_bytes`` is not a positive integer.
            BrokenResourceError: if the connection was reset or broke.
            ClosedResourceError: if this stream was closed (also while waiting).
            BusyResourceError: if another task is already receiving.
        """
        _check_max_bytes(max_bytes)
        with self._receive_guard:
            holder = self._holder
            call = partial(holder.sock.recv, max_bytes)
            if not self._wait_first:
                data = await call_with_retry(holder, call, self._note_wait)
            else:
                holder.check_open()
                data = await retry_after_wait(holder, call, holder.wait_readable)
                # A full buffer: more is likely queued, so try first next time.
                self._wait_first = len(data) < max_bytes
        if not data:
            raise EndOfStream
        return data

    def _note_wait(self) -> Awaitable[None]:
        # The first try found nothing: an interactive stream, which waits first from now on.
        self._wait_first = True
        return self._holder.wait_readable()

    async def send(self, item: bytes) -> None:
        """Send all of ``item``; return once the OS has taken every byte.

        Raises:
            BrokenResourceError: if the connection broke (also while waiting).
            ClosedResourceError: if this stream was closed (also while waiting).
            BusyResourceError: if another task is already sending.
        """
        with self._send_guard:
            view = memoryview(item).cast("B")
            sock = self._holder.sock
            sent = await call_with_retry(
                self._holder, partial(sock.send, view), self._holder.wait_writable
            )
            while sent < len(view):
                view = view[sent:]
                sent = await retry_after_wait(
                    self._holder, partial(sock.send, view), self._holder.wait_writable
                )

    async def send_eof(self) -> None:
        """Close the sending side (half-close): the peer's ``receive()`` gets `EndOfStream`.

        Receiving still works afterwards.
        """
        await checkpoint_if_cancelled()
        self._holder.check_open()
        try:
            self._holder.sock.shutdown(socket.SHUT_WR)
        except OSError as exc:  # the peer already went away: nothing left to end
            if exc.errno is None or exc.errno not in _GONE:
                raise self._holder.error(exc) from exc
        await checkpoint()

    async def aclose(self) -> None:
        """Close the stream; tasks waiting on it get `ClosedResourceError`.

        The socket is closed even if the caller's scope is cancelled; the
        cancellation exception is raised afterwards.
        """
        self._holder.close()
        await checkpoint()


class SocketStream(_StreamIO, AbstractSocketStream):
    """A TCP byte stream (``TCP_NODELAY`` on).

    Create one with `anyio.connect_tcp()`, a listener's ``accept()``, or
    `anyio.abc.SocketStream.from_socket()`.
    """

    def __init__(self, sock: socket.socket) -> None:
        super().__init__(sock)
        set_nodelay(sock)


class UNIXSocketStream(_StreamIO, AbstractUNIXSocketStream):
    """A UNIX byte stream, which can also pass file descriptors.

    Create one with `anyio.connect_unix()`, a UNIX listener's ``accept()``,
    or `anyio.abc.UNIXSocketStream.from_socket()`.
    """

    async def send_fds(self, message: bytes, fds: Collection[int | IOBase]) -> None:
        """Send file descriptors to the peer, with ``message`` (at least one byte).

        The descriptors go with the first part of the message; if the OS
        takes only part of it, the rest follows, so nothing is truncated.

        Raises:
            ValueError: if ``message`` is empty or ``fds`` is empty.
            BrokenResourceError: if the connection broke.
            ClosedResourceError: if this stream was closed.
        """
        if not message:
            raise ValueError("message must not be empty: the file descriptors travel with it")
        if not fds:
            raise ValueError("fds must not be empty; use send() for a message alone")
        numbers = array.array("i", [fd if isinstance(fd, int) else fd.fileno() for fd in fds])
        ancillary = [(socket.SOL_SOCKET, socket.SCM_RIGHTS, numbers)]
        with self._send_guard:
            sock = self._holder.sock
            sent = await call_with_retry(
                self._holder,
                lambda: sock.sendmsg([message], ancillary),
                self._holder.wait_writable,
            )
            view = memoryview(message)[sent:]
            while view:
                sent = await retry_after_wait(
                    self._holder, partial(sock.send, view), self._holder.wait_writable
                )
                view = view[sent:]

    async def receive_fds(self, msglen: int, maxfds: int) -> tuple[bytes, list[int]]:
        """Receive a message of up to ``msglen`` bytes and up to ``maxfds`` file descriptors.

        The caller owns the received descriptors and must close them.

        Raises:
            ValueError: if ``msglen`` or ``maxfds`` is negative.
            EndOfStream: if the peer closed its side before sending anything.
            BrokenResourceError: if the connection broke.
            ClosedResourceError: if this stream was closed.
        """
        if msglen < 0 or maxfds < 0:
            raise ValueError("msglen and maxfds must not be negative")
        space = socket.CMSG_SPACE(maxfds * _INT_SIZE)
        with self._receive_guard:
            sock = self._holder.sock
            message, ancdata, _flags, _address = await call_with_retry(
                self._holder, lambda: sock.recvmsg(msglen, space), self._holder.wait_readable
            )
        fds = _fds_from(ancdata)
        if not message and not fds:
            raise EndOfStream
        return message, fds


def _fds_from(ancdata: list[tuple[int, int, bytes]]) -> list[int]:
    """Collect the descriptors of ``SCM_RIGHTS`` messages."""
    fds = array.array("i")
    for level, kind, data in ancdata:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            fds.frombytes(data[: len(data) - (len(data) % _INT_SIZE)])
    return list(fds)


def stream_for(sock: socket.socket) -> SocketStream | UNIXSocketStream:
    """Wrap a connected stream socket in the stream class of its family."""
    if sock.family == socket.AF_UNIX:
        return UNIXSocketStream(sock)
    return SocketStream(sock)

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
* A ``receive()`` that waits has the read done for it when the socket turns
  readable (the watch's ``wait_readable_then``): on asyncio inside the loop's
  readiness callback, one chunk of at most ``max_bytes``, only while the
  receive still waits. The chunk goes to ``_chunk``; if the receive is
  cancelled after that read (a native ``Task.cancel()``), the next
  ``receive()`` returns it first, so nothing read is lost.
* The peer's FIN makes ``receive()`` raise `EndOfStream` (every time); a
  reset makes it raise `BrokenResourceError`.
"""

from __future__ import annotations

import array
import errno
import socket
from functools import partial
from typing import TYPE_CHECKING

from .. import BusyResourceError, ClosedResourceError, EndOfStream
from ..abc import SocketStream as AbstractSocketStream
from ..abc import UNIXSocketStream as AbstractUNIXSocketStream
from ..lowlevel import checkpoint, checkpoint_if_cancelled
from ._common import (
    SocketHolder,
    call_with_retry,
    retry_after_wait,
    set_nodelay,
    wait_readable_then,
)

if TYPE_CHECKING:
    from collections.abc import Collection
    from io import IOBase

__all__ = ("SocketStream", "UNIXSocketStream")

_INT_SIZE = array.array("i").itemsize
#: ``shutdown()`` errors that mean the connection is already gone (nothing to end).
_GONE = frozenset({errno.ENOTCONN, errno.EPIPE, errno.ECONNRESET})


class _StreamIO:
    """What TCP and UNIX streams share: the socket, its guards, send and receive.

    ``receive()`` and ``send()`` are the hot path of every stream, so they
    are written flat (one coroutine each on the fast path, the busy guards
    as two flags, the backend looked up once per socket) and follow the
    protocol of ``_common.py`` without its helpers: check for cancellation,
    make the system call, then yield cancel-shielded if it succeeded at once
    (the backend's cheap shielded yield). Yielding *after* the call, not
    before, lets the peer's wake-up share the loop iteration of our yield;
    measured against a plain checkpoint before the call, it was faster on
    every backend (see the performance page).
    """

    # Slots: the hot paths read and write these on every call (a slot is the
    # cheapest attribute there is; the ABCs still give instances a __dict__).
    __slots__ = ("_chunk", "_holder", "_receiving", "_sending", "_wait_first", "_want")

    def __init__(self, sock: socket.socket) -> None:
        self._holder = SocketHolder(sock)
        # Invariant: True exactly while a task is inside receive() / send() (busy guards).
        self._receiving = False
        self._sending = False
        #: Whether `receive()` waits for readiness before it reads: True after a
        #: read found nothing, until a read fills the caller's buffer. A
        #: request/response stream then saves the read that would fail (a system
        #: call and an exception) before each wait.
        self._wait_first = False
        #: A chunk read for a `receive()` (by the readiness callback, on asyncio)
        #: and not returned yet: the wait was cancelled after the read. The next
        #: `receive()` returns it first, so nothing read is lost.
        self._chunk: bytes | None = None
        #: The ``max_bytes`` of the receive that waits (what `_fill` reads).
        self._want = 65536

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
        if type(max_bytes) is not int or max_bytes < 1:
            raise ValueError(f"max_bytes must be a positive integer, got {max_bytes!r}")
        if self._receiving:
            raise BusyResourceError("reading from")
        self._receiving = True
        try:
            holder = self._holder
            kept = self._chunk  # (a local: mypy must not think `_chunk` None below)
            if kept is not None:
                return _received(await self._receive_kept(max_bytes))
            if not self._wait_first:
                backend = holder.backend
                await backend.checkpoint_if_cancelled()
                data = self._recv_now(max_bytes)
                if data is not None:
                    # The bytes are ours: yield, but never lose them to a cancellation.
                    await backend.cancel_shielded_checkpoint()
                    return _received(data)
                # Nothing there: an interactive stream, which waits first from now on.
            # Wait, and read when readable: on asyncio the readiness callback reads
            # (`_fill`), so the woken task finds the chunk in `_chunk`.
            if holder.closed:  # (waiting on a closed socket's old number would be wrong)
                raise ClosedResourceError
            self._want = max_bytes
            watch = holder.watch or holder.open_watch()
            try:
                if holder.reads:  # the checkpoint
                    await watch.wait_readable_then(self._fill)  # type: ignore[attr-defined]
                else:
                    await wait_readable_then(watch, self._fill)
            except OSError as exc:
                raise holder.error(exc) from exc
            data = self._chunk
            assert data is not None
            self._chunk = None
            # A full buffer: more is likely queued, so read first next time.
            self._wait_first = len(data) < max_bytes
        finally:
            self._receiving = False
        return _received(data)

    def _fill(self) -> None:
        """Read one chunk of at most ``_want`` bytes into ``_chunk`` (once readable).

        `BlockingIOError` and other `OSError`s propagate (see `wait_readable_then`).
        """
        self._chunk = self._holder.sock.recv(self._want)

    async def _receive_kept(self, max_bytes: int) -> bytes:
        """Return (part of) the chunk a cancelled `receive()` read (a checkpoint)."""
        await checkpoint()  # a cancellation here keeps the chunk for the next receive
        self._holder.check_open()
        chunk = self._chunk
        assert chunk is not None
        if len(chunk) > max_bytes:
            self._chunk = chunk[max_bytes:]
            return chunk[:max_bytes]
        self._chunk = None
        return chunk

    def _recv_now(self, max_bytes: int) -> bytes | None:
        """Read what the OS has, or return None if it would block."""
        holder = self._holder
        if holder.closed:
            raise ClosedResourceError
        try:
            return holder.sock.recv(max_bytes)
        except BlockingIOError:
            return None
        except OSError as exc:
            raise holder.error(exc) from exc

    async def send(self, item: bytes) -> None:
        """Send all of ``item``; return once the OS has taken every byte.

        Raises:
            BrokenResourceError: if the connection broke (also while waiting).
            ClosedResourceError: if this stream was closed (also while waiting).
            BusyResourceError: if another task is already sending.
        """
        if self._sending:
            raise BusyResourceError("writing to")
        self._sending = True
        try:
            if type(item) is not bytes:
                item = memoryview(item).cast("B")  # type: ignore[assignment]  # len() in bytes
            holder = self._holder
            watch = holder.watch or holder.open_watch()
            if holder.writes:  # the backend's watch does it all (asyncio)
                try:
                    sent = await watch.write(holder.sock.send, item)  # type: ignore[attr-defined]
                except OSError as exc:
                    raise holder.error(exc) from exc
            else:
                backend = holder.backend
                await backend.checkpoint_if_cancelled()
                if holder.closed:
                    raise ClosedResourceError
                try:
                    sent = holder.sock.send(item)
                except BlockingIOError:
                    sent = 0
                except OSError as exc:
                    raise holder.error(exc) from exc
                if sent == len(item):
                    # Sent: yield, shielded (a cancellation here would hide that it was sent).
                    await backend.cancel_shielded_checkpoint()
                    return
            if sent < len(item):
                await self._send_rest(memoryview(item)[sent:])  # its waits checkpoint
        finally:
            self._sending = False

    async def _send_rest(self, view: memoryview) -> None:
        """Send what the OS did not take at once, waiting for room each time."""
        holder = self._holder
        while view:
            sent = await retry_after_wait(
                holder, partial(holder.sock.send, view), holder.wait_writable
            )
            view = view[sent:]

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
        holder = self._holder
        backend = holder.backend  # first: close() then uses it too
        holder.close()
        await backend.checkpoint()


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
        if self._sending:
            raise BusyResourceError("writing to")
        self._sending = True
        try:
            sock = self._holder.sock
            sent = await call_with_retry(
                self._holder,
                lambda: sock.sendmsg([message], ancillary),
                self._holder.wait_writable,
            )
            await self._send_rest(memoryview(message)[sent:])
        finally:
            self._sending = False

    async def receive_fds(self, msglen: int, maxfds: int) -> tuple[bytes, list[int]]:
        """Receive a message of up to ``msglen`` bytes and up to ``maxfds`` file descriptors.

        The caller owns the received descriptors and must close them.

        Raises:
            ValueError: if ``msglen`` is not a non-negative integer, or ``maxfds`` not a
                positive one.
            EndOfStream: if the peer closed its side before sending anything.
            BrokenResourceError: if the connection broke.
            ClosedResourceError: if this stream was closed.
        """
        if type(msglen) is not int or msglen < 0:
            raise ValueError(f"msglen must be a non-negative integer, got {msglen!r}")
        if type(maxfds) is not int or maxfds < 1:
            raise ValueError(f"maxfds must be a positive integer, got {maxfds!r}")
        space = socket.CMSG_SPACE(maxfds * _INT_SIZE)
        if self._receiving:
            raise BusyResourceError("reading from")
        self._receiving = True
        try:
            sock = self._holder.sock
            message, ancdata, _flags, _address = await call_with_retry(
                self._holder, lambda: sock.recvmsg(msglen, space), self._holder.wait_readable
            )
        finally:
            self._receiving = False
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


def _received(data: bytes) -> bytes:
    """Return what ``recv()`` gave, or raise `EndOfStream` for the peer's FIN (no bytes)."""
    if not data:
        raise EndOfStream
    return data


def stream_for(sock: socket.socket) -> SocketStream | UNIXSocketStream:
    """Wrap a connected stream socket in the stream class of its family."""
    if sock.family == socket.AF_UNIX:
        return UNIXSocketStream(sock)
    return SocketStream(sock)

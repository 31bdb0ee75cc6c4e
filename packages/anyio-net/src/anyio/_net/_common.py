"""Low-level socket helpers shared by anyio-net's streams, listeners and datagram sockets.

Every anyio-net socket object wraps one non-blocking `socket.socket` and drives
it Trio's way: try the system call; only when the OS answers "would block",
park in `anyio.wait_readable()` / `anyio.wait_writable()` and try again. The
event loop is asked for readiness and nothing else, so one implementation
serves asyncio, uvloop and Trio.

Checkpoints (`call_with_retry`): an operation first raises the cancellation
exception if the caller's scope is already cancelled, before touching the
socket. It then yields to the loop exactly once: while waiting for readiness,
or, when the system call succeeded at once, with a cancel-shielded yield, so
that bytes taken from the OS are never lost to a cancellation.

Waiting (`SocketHolder.wait_readable` / `wait_writable`): the holder owns a
readiness watch from the backend (`IOBackend.watch_fd`), opened at the first
wait. On asyncio it keeps the socket's reader registered with the loop
between waits, which saves two registrations per receive; the holder's
close path is what ends it.

Closing (`SocketHolder.close`): mark closed, close the watch (or
`notify_closing()` without one), which wakes any task parked on the socket
with `ClosedResourceError`, then close the socket. Callers checkpoint
afterwards, so that `aclose()` in a cancelled scope raises with the socket
already closed.
"""

from __future__ import annotations

import errno
import os
import socket
import stat
import sys
from functools import partial
from typing import TYPE_CHECKING, Any, Protocol, TypeAlias, TypeVar, cast

from .. import BrokenResourceError, ClosedResourceError, notify_closing
from .._core.contract import current_backend
from ..lowlevel import cancel_shielded_checkpoint, checkpoint_if_cancelled

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from .._core.contract import Backend, FDWatch

T = TypeVar("T")

#: A UNIX socket path: a file system path, or (Linux) an abstract name starting with NUL.
UNIXPath: TypeAlias = "str | bytes | os.PathLike[Any]"
IP_FAMILIES = (socket.AF_INET, socket.AF_INET6)


class SocketHolder:
    """Owns a non-blocking socket and knows whether we closed it.

    Invariant: ``closed`` is True exactly when ``sock`` has been closed by us.
    """

    __slots__ = ("_backend", "closed", "reads", "sock", "watch", "writes")

    def __init__(self, sock: socket.socket) -> None:
        sock.setblocking(False)
        self.sock = sock
        self.closed = False
        #: The backend's readiness watch, from the first wait until `close()`.
        self.watch: FDWatch | None = None
        #: The running backend, looked up at the first operation.
        self._backend: Backend | None = None
        #: Whether the watch has ``wait_readable_then`` / ``write`` (set by
        #: `open_watch`; see `ReadingWatch` and `WritingWatch`). Flags, not cached
        #: bound methods: an object kept per socket and touched on every
        #: operation costs cache misses with a thousand sockets (measured).
        self.reads = False
        self.writes = False

    @property
    def backend(self) -> Backend:
        """The backend of the loop that runs this socket (looked up once)."""
        backend = self._backend
        if backend is None:
            backend = self._backend = current_backend()
        return backend

    def wait_readable(self) -> Awaitable[None]:
        """Wait until the socket is readable (a checkpoint; `ClosedResourceError` on close)."""
        return (self.watch or self.open_watch()).wait_readable()

    def open_watch(self) -> FDWatch:
        """Return the socket's readiness watch, opening it at the first use (sets the flags)."""
        watch = self.watch
        if watch is None:
            watch = self.watch = current_backend().watch_fd(self.sock)
            self.reads = hasattr(watch, "wait_readable_then")
            self.writes = hasattr(watch, "write")
        return watch

    def wait_writable(self) -> Awaitable[None]:
        """Wait until the socket is writable (a checkpoint; `ClosedResourceError` on close)."""
        return (self.watch or self.open_watch()).wait_writable()

    def close(self) -> None:
        """Close the socket (once), waking its waiters with `ClosedResourceError`."""
        if not self.closed:
            self.closed = True
            try:
                if self.watch is not None:
                    self.watch.close()
                elif self._backend is not None:  # (the backend known: one lookup less)
                    self._backend.notify_closing(self.sock)
                else:
                    notify_closing(self.sock)
            finally:
                self.sock.close()

    def error(self, exc: OSError) -> Exception:
        """Translate a socket error, to be raised ``from exc``."""
        if self.closed:
            return ClosedResourceError()
        return BrokenResourceError(f"{exc.strerror or exc}")

    def check_open(self) -> None:
        if self.closed:
            raise ClosedResourceError


class ReadingWatch(Protocol):
    """An `FDWatch` that can read for its waiter (an optional member of the contract).

    ``wait_readable_then(call)`` waits until the descriptor is readable and
    runs ``call()`` before the waiter wakes; on asyncio that happens inside the
    loop's readiness callback (see ``_backends/_asyncio/_io.py``). ``call``
    raising `BlockingIOError` means "not ready after all" (the wait goes on);
    another exception is raised by the wait. A wait cancelled after ``call()``
    ran still raises the cancellation, so ``call`` keeps what it read where
    the next operation finds it.
    """

    def wait_readable_then(self, call: Callable[[], object]) -> Awaitable[None]: ...


async def wait_readable_then(watch: FDWatch, call: Callable[[], object]) -> None:
    """``wait_readable_then`` for a watch without it: wait, then call (again on `BlockingIOError`)."""
    while True:
        await watch.wait_readable()
        try:
            call()
        except BlockingIOError:  # a spurious wake-up
            continue
        return


def read_then_of(watch: FDWatch) -> Callable[[Callable[[], object]], Awaitable[None]]:
    """Return ``watch.wait_readable_then``, or the same built on ``wait_readable()``."""
    if hasattr(watch, "wait_readable_then"):  # optional: not every backend's watch has it
        return cast("ReadingWatch", watch).wait_readable_then
    return partial(wait_readable_then, watch)


class WritingWatch(Protocol):
    """An `FDWatch` with a fast ``write(call, *args)`` (an optional member of the contract).

    ``write`` runs a call that needs the descriptor writable the way
    `call_with_retry` does (cancellation check, call, wait-and-retry on
    `BlockingIOError`, cancel-shielded yield after an immediate success),
    in one coroutine with the backend's checks inlined.
    """

    def write(self, call: Callable[..., T], *args: Any) -> Awaitable[T]: ...


async def call_with_retry(
    holder: SocketHolder, call: Callable[[], T], wait: Callable[[], Awaitable[None]]
) -> T:
    """Run ``call`` until the OS accepts it, waiting with ``wait`` while it would block.

    ``wait`` is the holder's `SocketHolder.wait_readable` or `wait_writable`.

    A checkpoint (see the module docstring). `OSError`s other than "would
    block" become `BrokenResourceError` (or `ClosedResourceError` once closed).
    """
    await checkpoint_if_cancelled()
    holder.check_open()
    try:
        result = call()
    except BlockingIOError:
        pass
    except OSError as exc:
        raise holder.error(exc) from exc
    else:
        await cancel_shielded_checkpoint()
        return result
    # Waited for outside the except clause: no exception context kept while parked.
    return await retry_after_wait(holder, call, wait)


async def retry_after_wait(
    holder: SocketHolder, call: Callable[[], T], wait: Callable[[], Awaitable[None]]
) -> T:
    """Wait for readiness, then retry ``call`` (again after spurious wake-ups)."""
    while True:
        # A cancellation here leaves nothing done: the call has not succeeded.
        await wait()
        holder.check_open()
        try:
            return call()
        except BlockingIOError:
            continue
        except OSError as exc:
            raise holder.error(exc) from exc


# -- socket options ---------------------------------------------------------------------


def set_nodelay(sock: socket.socket) -> None:
    """Turn Nagle's algorithm off on a TCP socket (anyio's streams send at once).

    Not checked first (``sock.family`` / ``sock.type`` build enum members, which
    costs more than the call): a socket that has no such option refuses it.
    """
    # Not contextlib.suppress(): three Python calls per connection, measured.
    try:  # noqa: SIM105
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    except OSError:  # not TCP, or a socket whose peer already left
        pass


def set_reuse_port(sock: socket.socket) -> None:
    """Set ``SO_REUSEPORT``, or say clearly that this platform has none."""
    option = getattr(socket, "SO_REUSEPORT", None)
    if option is None:
        raise ValueError("reuse_port=True is not supported on this platform; leave it False")
    sock.setsockopt(socket.SOL_SOCKET, option, 1)


def set_listener_options(sock: socket.socket, *, reuse_port: bool) -> None:
    """What every TCP listening socket gets before ``bind()``."""
    if sys.platform != "win32":
        # Rebinding right after a restart; on Windows this would let others steal the port.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if reuse_port:
        set_reuse_port(sock)
    if sock.family == socket.AF_INET6:
        # We bind IPv4 separately: a dual-stack IPv6 socket would clash with it.
        sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)


# -- UNIX socket paths -------------------------------------------------------------------


def unix_path(path: UNIXPath) -> str | bytes:
    """Return ``path`` as str or bytes (``os.fspath``), with a clear error for anything else."""
    try:
        return os.fspath(path)
    except TypeError:
        raise TypeError(
            f"a UNIX socket path must be str, bytes or os.PathLike, not {type(path).__name__}"
        ) from None


def is_abstract(path: str | bytes) -> bool:
    """Tell whether ``path`` names a Linux abstract-namespace socket (leading NUL)."""
    return path[:1] in ("\0", b"\0")


def remove_stale_socket(path: str | bytes) -> None:
    """Unlink a socket file left at ``path``; refuse to touch any other kind of file.

    Raises:
        FileExistsError: if something other than a socket exists at ``path``.
    """
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return
    if not stat.S_ISSOCK(mode):
        raise FileExistsError(
            errno.EEXIST,
            "a file that is not a socket exists at this path; remove it or choose another path",
            os.fsdecode(path),
        )
    os.unlink(path)

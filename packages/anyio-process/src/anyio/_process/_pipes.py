"""A child's pipes as anyio byte streams, over non-blocking file descriptors.

Each stream owns one end of an ``os.pipe()``. Reading and writing are plain
non-blocking system calls; only when the OS answers "would block" does the
task park, with `anyio.wait_readable` / `anyio.wait_writable` (core's
readiness concern, so the same code serves asyncio, uvloop and Trio).

Checkpoints: every ``receive()`` and ``send()`` is one, also when the data was
there at once or the stream turns out to be closed. It comes first, before
the system call, as in Trio's pipes: a cancellation then never costs data
taken from the OS, and the yield lets the child catch up, so that the call
that follows mostly finds data (or room) and seldom has to park.
(Trying the system call first and yielding after it, shielded, makes the
other side lag behind: measured on Trio, streaming through ``cat`` parked
on most calls, each park a registration with the I/O manager and back.)

Parking goes through a readiness watch that the stream owns (core's
``IOBackend.watch_fd``, as anyio-net's sockets do), opened at the first park:
on asyncio it keeps the reader registered between waits, and on uvloop its
poll handle, instead of adding and removing them around every wait (a child
that prints line by line makes the reader park again and again). The watch
holds the stream only weakly, so a stream dropped without `aclose()` leaves
no registration behind for the next file that gets the same number.

Closing: `aclose()` first wakes a task parked on the descriptor (it gets
`ClosedResourceError`) and ends the watch, then closes it, so that no task
waits on a number the OS may hand to another file.
"""

from __future__ import annotations

import os
from contextlib import suppress
from typing import TYPE_CHECKING

from anyio import (
    BrokenResourceError,
    ClosedResourceError,
    EndOfStream,
    ResourceGuard,
    notify_closing,
)
from anyio._core.contract import current_backend
from anyio.abc import ByteReceiveStream, ByteSendStream
from anyio.lowlevel import checkpoint

if TYPE_CHECKING:
    from anyio._core.contract import FDWatch


class _PipeEnd:
    """One non-blocking pipe descriptor, owned by the stream that holds it."""

    def __init__(self, fd: int, action: str) -> None:
        os.set_blocking(fd, False)
        # Invariant: -1 once closed; never closed while a task is inside a system call on it.
        self._fd = fd
        self._guard = ResourceGuard(action)
        #: The backend's readiness watch, from the first park until closing.
        self._watch: FDWatch | None = None

    def fileno(self) -> int:
        """Return the descriptor (-1 once closed)."""
        return self._fd

    def _checked_fd(self) -> int:
        if self._fd < 0:
            raise ClosedResourceError
        return self._fd

    def _watched(self) -> FDWatch:
        self._checked_fd()
        watch = self._watch
        if watch is None:
            watch = self._watch = current_backend().watch_fd(self)
        return watch

    async def _park_readable(self) -> None:
        """Wait until readable; a close by another task surfaces as `ClosedResourceError`."""
        await self._watched().wait_readable()
        self._checked_fd()

    async def _park_writable(self) -> None:
        """Wait until writable; a close by another task surfaces as `ClosedResourceError`."""
        await self._watched().wait_writable()
        self._checked_fd()

    def close_now(self) -> None:
        """Close the descriptor at once, waking a task parked on it (idempotent)."""
        fd = self._fd
        if fd >= 0:
            watch, self._watch = self._watch, None
            try:
                # While the descriptor is still ours, so the watch wakes every waiter.
                if watch is None:
                    notify_closing(fd)
                else:
                    watch.close()
            finally:
                self._fd = -1
                os.close(fd)

    async def aclose(self) -> None:
        self.close_now()
        await checkpoint()

    def __del__(self) -> None:
        # Dropped without aclose(): no task can be parked on it any more, so a
        # plain close is enough (and notify_closing() would need the loop).
        fd, self._fd = getattr(self, "_fd", -1), -1
        if fd >= 0:
            with suppress(OSError):
                os.close(fd)

    def __repr__(self) -> str:
        state = "closed" if self._fd < 0 else f"fd={self._fd}"
        return f"<{type(self).__name__} {state}>"


class PipeReceiveStream(_PipeEnd, ByteReceiveStream):
    """The parent's end of a child's stdout or stderr."""

    def __init__(self, fd: int) -> None:
        super().__init__(fd, "reading from")

    async def receive(self, max_bytes: int = 65536) -> bytes:
        """Receive up to ``max_bytes`` bytes.

        Raises:
            EndOfStream: once the child (and everything that inherited the
                pipe) has closed its end and all data was read.
            ClosedResourceError: if this stream was closed.
            BusyResourceError: if another task is already receiving.
            ValueError: if ``max_bytes`` is not a positive integer.
        """
        size: object = max_bytes  # callers without type checking pass anything
        if type(size) is not int or size < 1:
            raise ValueError(f"max_bytes must be a positive integer, got {max_bytes!r}")
        with self._guard:
            await checkpoint()
            while True:
                try:
                    data = os.read(self._checked_fd(), max_bytes)
                except BlockingIOError:
                    await self._park_readable()
                    continue
                except OSError as exc:
                    raise BrokenResourceError(f"reading the pipe failed: {exc}") from exc
                if not data:
                    raise EndOfStream
                return data


class PipeSendStream(_PipeEnd, ByteSendStream):
    """The parent's end of a child's stdin."""

    def __init__(self, fd: int) -> None:
        super().__init__(fd, "writing to")

    async def send(self, item: bytes) -> None:
        """Send all of ``item`` to the child.

        Raises:
            ClosedResourceError: if this stream was closed.
            BrokenResourceError: if the child closed its end (it exited, or
                closed its stdin); the cause is chained.
            BusyResourceError: if another task is already sending.
        """
        with self._guard:
            await checkpoint()
            self._checked_fd()  # also for an empty item
            view = memoryview(item)
            while view:
                try:
                    written = os.write(self._checked_fd(), view)
                except BlockingIOError:
                    await self._park_writable()
                    continue
                except OSError as exc:  # BrokenPipeError above all
                    raise BrokenResourceError(
                        f"the child's end of the pipe is closed: {exc}"
                    ) from exc
                view = view[written:]

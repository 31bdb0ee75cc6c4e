"""Owned readiness watches on Trio (`IOBackend.watch_fd`).

Trio registers each wait with its I/O manager and removes it when the wait
ends, cheaply enough that there is nothing to keep between waits: a watch
is the descriptor number, looked up once, and Trio's own primitives.

Of the optional members anyio-net's sockets use (described in the asyncio
backend's ``_io.py``), only ``wait_readable_then`` is here: the read follows
the wake-up, in the coroutine that waits. A ``write`` member measured slower
than anyio-net's inline code over Trio's own checkpoints (one coroutine more
per send), so the watch has none.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import trio

from ..._core._exceptions import BusyResourceError, ClosedResourceError
from ..._core._io import fileno_of
from . import _io

if TYPE_CHECKING:
    from collections.abc import Callable

    from ..._core._io import FileDescriptorLike


class FDWatch:
    """Waits on one descriptor; ``close()`` is `notify_closing`.

    The waits call Trio's primitives directly (the descriptor number is
    already known), translating Trio's exceptions as `_io` does.
    """

    __slots__ = ("_closed", "_fd")

    def __init__(self, obj: FileDescriptorLike) -> None:
        self._fd = fileno_of(obj)
        #: Set by `close`: a later wait raises, rather than wait on a number
        #: the OS may have given to another file.
        self._closed = False

    async def wait_readable(self) -> None:
        if self._closed:
            raise ClosedResourceError
        try:
            await trio.lowlevel.wait_readable(self._fd)
        except trio.BusyResourceError:
            raise BusyResourceError("reading from") from None
        except trio.ClosedResourceError:
            raise ClosedResourceError from None

    async def wait_writable(self) -> None:
        if self._closed:
            raise ClosedResourceError
        try:
            await trio.lowlevel.wait_writable(self._fd)
        except trio.BusyResourceError:
            raise BusyResourceError("writing to") from None
        except trio.ClosedResourceError:
            raise ClosedResourceError from None

    async def wait_readable_then(self, call: Callable[[], object]) -> None:
        """Wait until readable, then run ``call()``; `BlockingIOError` from it: wait again."""
        if self._closed:
            raise ClosedResourceError
        fd = self._fd
        while True:
            try:
                await trio.lowlevel.wait_readable(fd)
            except trio.BusyResourceError:
                raise BusyResourceError("reading from") from None
            except trio.ClosedResourceError:
                raise ClosedResourceError from None
            try:
                call()
            except BlockingIOError:
                continue
            return

    def close(self) -> None:
        self._closed = True
        _io.notify_closing(self._fd)

"""Owned readiness watches on Trio (`IOBackend.watch_fd`).

Trio registers each wait with its I/O manager and removes it when the wait
ends, cheaply enough that there is nothing to keep between waits: a watch
is the descriptor number, looked up once, and Trio's own primitives.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import trio

from ..._core._exceptions import BusyResourceError, ClosedResourceError
from ..._core._io import fileno_of
from . import _io

if TYPE_CHECKING:
    from ..._core._io import FileDescriptorLike


class FDWatch:
    """Waits on one descriptor; ``close()`` is `notify_closing`.

    The waits call Trio's primitives directly (the descriptor number is
    already known), translating Trio's exceptions as `_io` does.
    """

    __slots__ = ("_fd",)

    def __init__(self, obj: FileDescriptorLike) -> None:
        self._fd = fileno_of(obj)

    async def wait_readable(self) -> None:
        try:
            await trio.lowlevel.wait_readable(self._fd)
        except trio.BusyResourceError:
            raise BusyResourceError("reading from") from None
        except trio.ClosedResourceError:
            raise ClosedResourceError from None

    async def wait_writable(self) -> None:
        try:
            await trio.lowlevel.wait_writable(self._fd)
        except trio.BusyResourceError:
            raise BusyResourceError("writing to") from None
        except trio.ClosedResourceError:
            raise ClosedResourceError from None

    def close(self) -> None:
        _io.notify_closing(self._fd)

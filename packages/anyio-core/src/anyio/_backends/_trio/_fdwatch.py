"""Owned readiness watches on Trio (`IOBackend.watch_fd`).

Trio registers each wait with its I/O manager and removes it when the wait
ends, cheaply enough that there is nothing to keep between waits: a watch
is the descriptor number, looked up once, and Trio's own primitives.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..._core._io import fileno_of
from . import _io

if TYPE_CHECKING:
    from collections.abc import Coroutine
    from typing import Any

    from ..._core._io import FileDescriptorLike


class FDWatch:
    """Waits on one descriptor; ``close()`` is `notify_closing`."""

    __slots__ = ("_fd",)

    def __init__(self, obj: FileDescriptorLike) -> None:
        self._fd = fileno_of(obj)

    def wait_readable(self) -> Coroutine[Any, Any, None]:
        return _io.wait_readable(self._fd)

    def wait_writable(self) -> Coroutine[Any, Any, None]:
        return _io.wait_writable(self._fd)

    def close(self) -> None:
        _io.notify_closing(self._fd)

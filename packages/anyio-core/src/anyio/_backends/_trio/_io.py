"""File-descriptor readiness on Trio: its own primitives, with anyio's exceptions.

Trio already has the semantics anyio promises (one waiter per direction,
`notify_closing` wakes waiters, every wait is a checkpoint); this module only
translates Trio's `BusyResourceError` / `ClosedResourceError` into anyio's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import trio

from ..._core._exceptions import BusyResourceError, ClosedResourceError
from ..._core._io import fileno_of

if TYPE_CHECKING:
    from ..._core._io import FileDescriptorLike


async def wait_readable(obj: FileDescriptorLike) -> None:
    """Park the current task until ``obj`` is readable."""
    try:
        await trio.lowlevel.wait_readable(fileno_of(obj))
    except trio.BusyResourceError:
        raise BusyResourceError("reading from") from None
    except trio.ClosedResourceError:
        raise ClosedResourceError from None


async def wait_writable(obj: FileDescriptorLike) -> None:
    """Park the current task until ``obj`` is writable."""
    try:
        await trio.lowlevel.wait_writable(fileno_of(obj))
    except trio.BusyResourceError:
        raise BusyResourceError("writing to") from None
    except trio.ClosedResourceError:
        raise ClosedResourceError from None


def notify_closing(obj: FileDescriptorLike) -> None:
    """Wake the waiters on ``obj`` with `ClosedResourceError`."""
    trio.lowlevel.notify_closing(fileno_of(obj))

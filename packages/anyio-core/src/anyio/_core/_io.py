"""Waiting for file descriptors to become readable or writable.

These are the building blocks of anyio's sockets (in the anyio-net
distribution) and of anything else that drives a non-blocking file
descriptor: try the system call first, and only when the OS says "would
block", park the task with `wait_readable` / `wait_writable`. Before closing
a descriptor that a task may be waiting on, call `notify_closing` so that
the waiter wakes up (with `ClosedResourceError`) instead of waiting forever
on a number the OS may soon give to another file.
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Protocol, TypeAlias

from ._backend import current_backend

if TYPE_CHECKING:
    import socket
    from collections.abc import Awaitable


class HasFileno(Protocol):
    """Anything with a ``fileno()`` method (sockets, files, pipes)."""

    def fileno(self) -> int: ...


#: A file descriptor, or an object that has one.
FileDescriptorLike: TypeAlias = int | HasFileno


def fileno_of(obj: FileDescriptorLike) -> int:
    """Return the file descriptor of ``obj`` (an int, or anything with ``fileno()``).

    Raises:
        TypeError: if ``obj`` is neither.
    """
    if isinstance(obj, int):
        return obj
    fileno = getattr(obj, "fileno", None)
    if fileno is None:
        raise TypeError(
            "expected a file descriptor (int) or an object with a fileno() method, "
            f"got {type(obj).__qualname__} instead"
        )
    fd: int = fileno()
    return fd


def wait_readable(obj: FileDescriptorLike) -> Awaitable[None]:
    """Wait until the file descriptor (or object with ``fileno()``) can be read from.

    Only one task may wait for a given descriptor to become readable at a
    time. The wait is a checkpoint. On Windows' ``ProactorEventLoop`` (the
    default asyncio loop there), readiness cannot be observed: use a selector
    event loop.

    Args:
        obj: a file descriptor, or an object with a ``fileno()`` method.

    Raises:
        BusyResourceError: if another task is already waiting for it to be
            readable.
        ClosedResourceError: if `notify_closing` was called for it while waiting.
        NotImplementedError: on an event loop that cannot watch descriptors.
    """
    return current_backend().wait_readable(obj)


def wait_writable(obj: FileDescriptorLike) -> Awaitable[None]:
    """Wait until the file descriptor (or object with ``fileno()``) can be written to.

    The counterpart of `wait_readable`, with the same rules.

    Args:
        obj: a file descriptor, or an object with a ``fileno()`` method.

    Raises:
        BusyResourceError: if another task is already waiting for it to be
            writable.
        ClosedResourceError: if `notify_closing` was called for it while waiting.
        NotImplementedError: on an event loop that cannot watch descriptors.
    """
    return current_backend().wait_writable(obj)


def notify_closing(obj: FileDescriptorLike) -> None:
    """Wake every task waiting on ``obj``, with `ClosedResourceError`; call it before closing.

    It does not close anything itself: call it, then close the descriptor.

    Args:
        obj: a file descriptor, or an object with a ``fileno()`` method.
    """
    current_backend().notify_closing(obj)


def wait_socket_readable(sock: socket.socket) -> Awaitable[None]:
    """Wait until the socket can be read from (deprecated: use `wait_readable`).

    Deprecated since AnyIO 4.7.
    """
    _deprecated("wait_socket_readable", "wait_readable")
    return wait_readable(sock)


def wait_socket_writable(sock: socket.socket) -> Awaitable[None]:
    """Wait until the socket can be written to (deprecated: use `wait_writable`).

    Deprecated since AnyIO 4.7.
    """
    _deprecated("wait_socket_writable", "wait_writable")
    return wait_writable(sock)


def _deprecated(old: str, new: str) -> None:
    warnings.warn(
        f"This function is deprecated; use `{new}` instead (anyio.{old}() is deprecated "
        f"since AnyIO 4.7; anyio.{new}() takes a socket or any file descriptor)",
        DeprecationWarning,
        stacklevel=3,
    )

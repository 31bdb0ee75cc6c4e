"""File-descriptor readiness on asyncio: ``wait_readable``, ``wait_writable``, ``notify_closing``.

The problem: anyio's sockets (and pipes, and anything else with a file
descriptor) are built Trio's way, on non-blocking system calls that park the
task only when the OS says "would block". Trio offers the parking as
``trio.lowlevel.wait_readable()``; asyncio offers callbacks
(``loop.add_reader()`` / ``add_writer()``), which fire on every loop turn
while the descriptor stays ready and allow one callback per descriptor and
direction.

What we do: a waiting task parks on a future; the loop callback completes
it. The waiter owns the registration and removes it in ``finally``, so a
cancelled or closed wait leaves no reader or writer with the loop.

Invariants, per loop (`_Waiters`):

* ``readers[fd]`` / ``writers[fd]`` is the future of the one task waiting in
  that direction; its callback is registered with the loop exactly while the
  entry exists. A second waiter in the same direction is refused with
  `BusyResourceError`, as on Trio.
* `notify_closing()` removes the entries and the registrations and fails the
  futures with `ClosedResourceError`; the waiters' ``finally`` then finds the
  entry gone (or owned by someone else) and leaves it alone.

Loops without readiness callbacks (Windows' ``ProactorEventLoop``) raise
`NotImplementedError` naming the way out: a selector event loop.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary

from ..._core._exceptions import BusyResourceError, ClosedResourceError
from ..._core._io import fileno_of
from ._cancel import fast_running_loop
from ._tasks import checkpoint_if_cancelled

if TYPE_CHECKING:
    from asyncio import AbstractEventLoop, Future
    from collections.abc import Coroutine

    from ..._core._io import FileDescriptorLike


class _Waiters:
    """The parked readiness waiters of one loop, by file descriptor."""

    __slots__ = ("readers", "writers")

    def __init__(self) -> None:
        # Invariant: an entry exists exactly while its callback is registered.
        self.readers: dict[int, Future[None]] = {}
        self.writers: dict[int, Future[None]] = {}


_waiters: WeakKeyDictionary[AbstractEventLoop, _Waiters] = WeakKeyDictionary()


def _waiters_of(loop: AbstractEventLoop) -> _Waiters:
    try:
        return _waiters[loop]
    except KeyError:
        waiters = _waiters[loop] = _Waiters()
        return waiters


def _ready(future: Future[None]) -> None:
    # The loop calls this on every turn while the fd stays ready, until the
    # waiter (resumed later) removes it: complete the future once.
    if not future.done():
        future.set_result(None)


def _unsupported(loop: AbstractEventLoop) -> NotImplementedError:
    return NotImplementedError(
        f"{type(loop).__name__} cannot wait for file descriptor readiness "
        "(Windows' ProactorEventLoop has no add_reader()/add_writer()); run anyio "
        "with a selector event loop, e.g. anyio.run(..., backend_options="
        '{"loop_factory": asyncio.SelectorEventLoop})'
    )


async def _wait(obj: FileDescriptorLike, writing: bool) -> None:
    fd = fileno_of(obj)
    await checkpoint_if_cancelled()
    loop = fast_running_loop()
    waiters = _waiters_of(loop)
    if writing:
        waiting, add, remove = waiters.writers, loop.add_writer, loop.remove_writer
    else:
        waiting, add, remove = waiters.readers, loop.add_reader, loop.remove_reader
    if fd in waiting:
        raise BusyResourceError("writing to" if writing else "reading from")
    future: Future[None] = loop.create_future()
    try:
        add(fd, _ready, future)
    except NotImplementedError as exc:
        raise _unsupported(loop) from exc
    waiting[fd] = future
    try:
        await future
    finally:
        # notify_closing() may have taken the entry (and the registration).
        if waiting.get(fd) is future:
            del waiting[fd]
            remove(fd)


def wait_readable(obj: FileDescriptorLike) -> Coroutine[Any, Any, None]:
    """Park the current task until ``obj`` is readable (see the module docstring)."""
    return _wait(obj, False)


def wait_writable(obj: FileDescriptorLike) -> Coroutine[Any, Any, None]:
    """Park the current task until ``obj`` is writable (see the module docstring)."""
    return _wait(obj, True)


def notify_closing(obj: FileDescriptorLike) -> None:
    """Wake the waiters on ``obj`` with `ClosedResourceError`; call it before closing ``obj``."""
    fd = fileno_of(obj)
    loop = fast_running_loop()
    waiters = _waiters.get(loop)
    if waiters is None:
        return
    future = waiters.readers.pop(fd, None)
    if future is not None:
        loop.remove_reader(fd)
        _fail_closed(future)
    future = waiters.writers.pop(fd, None)
    if future is not None:
        loop.remove_writer(fd)
        _fail_closed(future)


def _fail_closed(future: Future[None]) -> None:
    if not future.done():
        future.set_exception(ClosedResourceError())

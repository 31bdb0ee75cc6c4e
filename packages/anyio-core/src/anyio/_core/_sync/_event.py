"""`Event`: a flag that tasks wait for (see the package docstring for the design)."""

from __future__ import annotations

from contextlib import suppress
from typing import TYPE_CHECKING, Any

from .._backend import current_backend
from ._statistics import EventStatistics

if TYPE_CHECKING:
    from .._backend import Backend


class Event:
    """A flag that tasks can wait for; once set, it stays set.

    Create a new `Event` for each occurrence you want to signal. It can be
    created anywhere, also where no event loop runs, and `set()` works there
    too.

    `set()` may be called from any thread: from a task of another event loop
    (in another thread) or from a plain thread. The tasks that wait must run in
    one event loop at a time; a `set()` from outside that loop's thread wakes
    them through the loop's token, as `anyio.from_thread` does. It is the only
    primitive with this property (see the package docstring).

    Example:
        ```python
        ready = anyio.Event()
        tg.start_soon(worker, ready)
        await ready.wait()
        ```
    """

    # Weak references allowed: libraries key WeakKeyDictionary caches on them.
    __slots__ = ("__weakref__", "_backend", "_flag", "_waiters")

    def __init__(self) -> None:
        self._flag = False
        # Invariant: empty once the flag is set (set() wakes and clears). A list,
        # not a deque: events are created often and a deque is ten times bigger.
        self._waiters: list[Any] = []
        # The backend of the queued waiters (see the package docstring).
        self._backend: Backend | None = None

    def __repr__(self) -> str:
        return f"<Event set={self._flag} tasks_waiting={len(self._waiters)}>"

    def set(self) -> None:
        """Set the flag and wake every task waiting for it (idempotent)."""
        if self._flag:
            return
        self._flag = True
        waiters = self._waiters
        if waiters:
            assert self._backend is not None
            # Directly in the waiters' own thread (the usual case), through
            # their loop's token from any other: the backend tells which.
            wake = self._backend.wake_threadsafe
            for waiter in waiters:
                wake(waiter)
            waiters.clear()
            self._backend = None

    def is_set(self) -> bool:
        """Return whether the flag is set."""
        return self._flag

    async def wait(self) -> None:
        """Wait until the flag is set.

        A checkpoint even when the flag is already set.
        """
        backend = current_backend()
        if self._flag:
            await backend.checkpoint()
            return
        waiter = backend.create_waiter()
        # Recorded before the waiter is queued: a set() in another thread that
        # sees the waiter must also see how to wake it.
        self._backend = backend
        waiters = self._waiters
        waiters.append(waiter)
        # set() by another thread meanwhile, which may have missed our waiter.
        # (mypy narrowed the flag to False above: it cannot see other threads.)
        if self._flag:
            backend.abandon(waiter)  # type: ignore[unreachable]
            _discard(waiters, waiter)
            await backend.checkpoint()
            return
        try:
            await backend.wait(waiter)
        except BaseException:
            # A waiter woken before it was cancelled has nothing to pass on.
            if backend.abandon(waiter) and not self._flag:
                _discard(self._waiters, waiter)
            raise

    def statistics(self) -> EventStatistics:
        """Return statistics about the current state of this event."""
        return EventStatistics(len(self._waiters))


def _discard(waiters: list[Any], waiter: object) -> None:
    """Remove ``waiter`` unless a `set()` in another thread cleared it already."""
    with suppress(ValueError):
        waiters.remove(waiter)


Event.__module__ = "anyio"

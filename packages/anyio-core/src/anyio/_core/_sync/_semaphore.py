"""`Semaphore`: a counter of permits handed over to waiters in FIFO order."""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING, Any

from .._backend import current_backend
from .._exceptions import WouldBlock
from ._lock import _remove
from ._statistics import SemaphoreStatistics

if TYPE_CHECKING:
    from types import TracebackType

    from typing_extensions import Self

    from .._backend import Backend


class Semaphore:
    """A counter of permits: acquiring takes one, waiting while there are none.

    Waiting tasks get permits in the order they asked for them.

    Args:
        initial_value: the number of permits at the start.
        max_value: if given, `release()` raises `ValueError` rather than raise
            the number of permits above it.
        fast_acquire: if True, taking an available permit checks for
            cancellation but does not let other tasks run (faster, but a task
            that acquires in a loop may starve others).

    Raises:
        TypeError: if ``initial_value`` or ``max_value`` is not an int.
        ValueError: if ``initial_value`` is negative or above ``max_value``.

    Example:
        ```python
        semaphore = anyio.Semaphore(3)
        async with semaphore:
            ...  # at most three tasks at a time run this
        ```
    """

    # Weak references allowed: libraries key WeakKeyDictionary caches on them.
    __slots__ = ("__weakref__", "_backend", "_fast_acquire", "_max_value", "_value", "_waiters")

    def __init__(
        self, initial_value: int, *, max_value: int | None = None, fast_acquire: bool = False
    ) -> None:
        if not isinstance(initial_value, int):
            raise TypeError("initial_value must be an integer")
        if initial_value < 0:
            raise ValueError("initial_value must be >= 0")
        if max_value is not None:
            if not isinstance(max_value, int):
                raise TypeError("max_value must be an integer or None")
            if max_value < initial_value:
                raise ValueError("max_value must be equal to or higher than initial_value")
        # Invariant: positive only if no live waiter is queued (a released
        # permit goes straight to the next waiter).
        self._value = initial_value
        self._max_value = max_value
        self._fast_acquire = fast_acquire
        self._waiters: deque[Any] | None = None  # created on first use, as Lock's
        self._backend: Backend | None = None  # of the queued waiters

    def __repr__(self) -> str:
        return (
            f"<Semaphore value={self._value} max_value={self._max_value} "
            f"tasks_waiting={len(self._waiters or ())}>"
        )

    async def __aenter__(self) -> Self:
        await self.acquire()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc_val: BaseException | None,
        exc_tb: TracebackType | None,
    ) -> None:
        self.release()

    async def acquire(self) -> None:
        """Take a permit, waiting for one if there is none."""
        backend = current_backend()
        if self._fast_acquire:
            await backend.checkpoint_if_cancelled()
            if self._value > 0:
                self._value -= 1
                return
        elif self._value > 0:
            self._value -= 1
            try:
                await backend.checkpoint()
            except BaseException:
                self._hand_over(backend)
                raise
            return
        waiter = backend.create_waiter()
        waiters = self._waiters
        if waiters is None:
            waiters = self._waiters = deque()
        waiters.append(waiter)
        self._backend = backend
        try:
            await backend.wait(waiter)
        except BaseException:
            if backend.abandon(waiter):
                _remove(self._waiters, waiter)
            else:
                self._hand_over(backend)  # we got a permit: pass it on
            raise

    def acquire_nowait(self) -> None:
        """Take a permit if one is available, without waiting.

        Raises:
            WouldBlock: if there is none.
        """
        if self._value == 0:
            raise WouldBlock
        self._value -= 1

    def release(self) -> None:
        """Give a permit back; the longest-waiting task, if any, gets it.

        Raises:
            ValueError: if that would raise the number of permits above ``max_value``.
        """
        if self._max_value is not None and self._value == self._max_value:
            raise ValueError("semaphore released too many times")
        if self._waiters:
            assert self._backend is not None
            self._hand_over(self._backend)
        else:
            self._value += 1

    def _hand_over(self, backend: Backend) -> None:
        """Give one permit to the next live waiter, or back to the counter."""
        waiters = self._waiters
        while waiters:
            if backend.wake(waiters.popleft()):
                return
        self._value += 1

    @property
    def value(self) -> int:
        """The number of permits available now."""
        return self._value

    @property
    def max_value(self) -> int | None:
        """The most permits there may be (``None``: no limit)."""
        return self._max_value

    def statistics(self) -> SemaphoreStatistics:
        """Return statistics about the current state of this semaphore."""
        return SemaphoreStatistics(len(self._waiters or ()))


Semaphore.__module__ = "anyio"

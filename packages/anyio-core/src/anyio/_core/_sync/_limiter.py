"""`CapacityLimiter`: a pool of tokens, each held by one borrower at a time.

The default borrower is the loop library's own task object (see the package
docstring).
"""

from __future__ import annotations

import math
from collections import OrderedDict
from typing import TYPE_CHECKING, Any

from .._backend import current_backend
from .._exceptions import WouldBlock
from ._statistics import CapacityLimiterStatistics

if TYPE_CHECKING:
    from types import TracebackType

    from .._backend import Backend

_ALREADY_BORROWING = "this borrower is already holding one of this CapacityLimiter's tokens"
_NOT_BORROWING = "this borrower isn't holding any of this CapacityLimiter's tokens"


def _is_token_count(value: object) -> bool:
    """Tell whether ``value`` is an int or a (positive or negative) infinity."""
    return isinstance(value, int) or (isinstance(value, float) and math.isinf(value))


class CapacityLimiter:
    """A pool of tokens: at most ``total_tokens`` borrowers may hold one at a time.

    Each token is held by a *borrower*, an object that identifies who uses it
    (the current task, by default) and that may hold only one token at a time.
    Waiting borrowers get tokens in the order they asked for them.

    The default borrower of `acquire()`, `acquire_nowait()` and `release()` is
    the current task object of the loop library (an ``asyncio.Task`` or a
    ``trio.lowlevel.Task``), as in AnyIO; `statistics()` lists it among the
    borrowers.

    Args:
        total_tokens: the number of tokens: an int (0 included) or ``math.inf``.

    Raises:
        TypeError: if ``total_tokens`` is neither an int nor infinity.
        ValueError: if ``total_tokens`` is negative.

    Example:
        ```python
        limiter = anyio.CapacityLimiter(10)
        async with limiter:
            ...  # at most ten tasks at a time run this
        ```
    """

    # Weak references allowed: libraries key WeakKeyDictionary caches on them.
    __slots__ = ("__weakref__", "_backend", "_borrowers", "_total_tokens", "_waiters")

    def __init__(self, total_tokens: float) -> None:
        self._borrowers: set[object] = set()
        # borrower -> waiter, first come first served. Invariant: no live waiter
        # while a token is free (released tokens go straight to the next waiter).
        self._waiters: OrderedDict[object, Any] = OrderedDict()
        self._backend: Backend | None = None  # of the queued waiters
        self._total_tokens: float = 0
        self.total_tokens = total_tokens

    def __repr__(self) -> str:
        return (
            f"<CapacityLimiter borrowed_tokens={len(self._borrowers)} "
            f"total_tokens={self._total_tokens} tasks_waiting={len(self._waiters)}>"
        )

    async def acquire(self) -> None:
        """Borrow a token for the current task, waiting for one if none is free.

        Raises:
            RuntimeError: if the current task already holds a token.
        """
        # The body of acquire_on_behalf_of(), repeated to save a coroutine frame
        # and two calls on the hot path. A task cannot wait twice at once, so
        # the check for a borrower that is already waiting is left out.
        backend = current_backend()
        borrower = backend.current_native_task()
        borrowers = self._borrowers
        if borrower in borrowers:
            raise RuntimeError(_ALREADY_BORROWING)
        if len(borrowers) < self._total_tokens:
            borrowers.add(borrower)
            try:
                await backend.checkpoint()
            except BaseException:
                self._give_back(backend, borrower)
                raise
            return
        waiter = self._waiters[borrower] = backend.create_waiter()
        self._backend = backend
        try:
            await backend.wait(waiter)
        except BaseException:
            self._leave_queue(backend, borrower, waiter)
            raise

    __aenter__ = acquire  # one coroutine frame less per ``async with``

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc_val: BaseException | None,
        exc_tb: TracebackType | None,
    ) -> None:
        self.release()

    @property
    def total_tokens(self) -> float:
        """The number of tokens; settable at any time.

        Raising it lets waiting borrowers have the new tokens at once; lowering
        it below `borrowed_tokens` takes no token back, but no new one is lent
        until enough are returned.
        """
        return self._total_tokens

    @total_tokens.setter
    def total_tokens(self, value: float) -> None:
        if not _is_token_count(value):
            raise TypeError("total_tokens must be an int or math.inf")
        if value < 0:
            raise ValueError("total_tokens must be >= 0")
        self._total_tokens = value
        if self._waiters:
            assert self._backend is not None
            self._hand_over(self._backend)

    @property
    def borrowed_tokens(self) -> int:
        """The number of tokens held by borrowers."""
        return len(self._borrowers)

    @property
    def available_tokens(self) -> float:
        """The number of tokens that can be borrowed now."""
        return self._total_tokens - len(self._borrowers)

    async def acquire_on_behalf_of(self, borrower: object) -> None:
        """Borrow a token for ``borrower``, waiting for one if none is free.

        Args:
            borrower: a hashable object that identifies the holder.

        Raises:
            RuntimeError: if ``borrower`` already holds a token or waits for one.
        """
        backend = current_backend()
        borrowers = self._borrowers
        if borrower in borrowers:
            raise RuntimeError(_ALREADY_BORROWING)
        if len(borrowers) < self._total_tokens:
            borrowers.add(borrower)
            try:
                await backend.checkpoint()
            except BaseException:
                self._give_back(backend, borrower)
                raise
            return
        waiters = self._waiters
        if borrower in waiters:
            raise RuntimeError(_ALREADY_BORROWING)
        waiter = waiters[borrower] = backend.create_waiter()
        self._backend = backend
        try:
            await backend.wait(waiter)
        except BaseException:
            self._leave_queue(backend, borrower, waiter)
            raise

    def _leave_queue(self, backend: Backend, borrower: object, waiter: Any) -> None:
        """Withdraw a waiter whose wait raised, passing on the token if it got one."""
        if backend.abandon(waiter):
            if self._waiters.get(borrower) is waiter:
                del self._waiters[borrower]
        else:
            self._give_back(backend, borrower)

    def acquire_nowait(self) -> None:
        """Borrow a token for the current task if one is free, without waiting.

        Raises:
            WouldBlock: if no token is free.
            RuntimeError: if the current task already holds a token.
        """
        self.acquire_on_behalf_of_nowait(current_backend().current_native_task())

    def acquire_on_behalf_of_nowait(self, borrower: object) -> None:
        """Borrow a token for ``borrower`` if one is free, without waiting.

        Args:
            borrower: a hashable object that identifies the holder.

        Raises:
            WouldBlock: if no token is free.
            RuntimeError: if ``borrower`` already holds a token.
        """
        borrowers = self._borrowers
        if borrower in borrowers:
            raise RuntimeError(_ALREADY_BORROWING)
        # A free token means that nobody waits (see the invariant on _waiters).
        if len(borrowers) >= self._total_tokens:
            raise WouldBlock
        borrowers.add(borrower)

    def release(self) -> None:
        """Return the current task's token; the longest-waiting borrower gets it.

        Raises:
            RuntimeError: if the current task holds no token.
        """
        borrower = current_backend().current_native_task()
        try:
            self._borrowers.remove(borrower)
        except KeyError:
            raise RuntimeError(_NOT_BORROWING) from None
        if self._waiters:
            assert self._backend is not None
            self._hand_over(self._backend)

    def release_on_behalf_of(self, borrower: object) -> None:
        """Return ``borrower``'s token; the longest-waiting borrower gets it.

        Raises:
            RuntimeError: if ``borrower`` holds no token.
        """
        try:
            self._borrowers.remove(borrower)
        except KeyError:
            raise RuntimeError(_NOT_BORROWING) from None
        if self._waiters:
            assert self._backend is not None
            self._hand_over(self._backend)

    def _give_back(self, backend: Backend, borrower: object) -> None:
        self._borrowers.discard(borrower)
        if self._waiters:
            self._hand_over(backend)

    def _hand_over(self, backend: Backend) -> None:
        """Lend free tokens to the longest-waiting live borrowers."""
        waiters = self._waiters
        borrowers = self._borrowers
        while waiters and len(borrowers) < self._total_tokens:
            borrower, waiter = waiters.popitem(last=False)
            if backend.wake(waiter):
                borrowers.add(borrower)

    def statistics(self) -> CapacityLimiterStatistics:
        """Return statistics about the current state of this limiter."""
        return CapacityLimiterStatistics(
            len(self._borrowers), self._total_tokens, tuple(self._borrowers), len(self._waiters)
        )


CapacityLimiter.__module__ = "anyio"

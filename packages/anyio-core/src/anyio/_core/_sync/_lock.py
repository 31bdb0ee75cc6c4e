"""`Lock`, and the queue helpers that the other primitives share with it.

The owner of a lock is the loop library's own task object (see the package
docstring). ``LockStatistics.owner`` is looked up from it only when
`Lock.statistics()` is called.
"""

from __future__ import annotations

from collections import deque
from contextlib import suppress
from typing import TYPE_CHECKING, Any

from .._backend import current_backend
from .._exceptions import NoEventLoopError, WouldBlock
from ._statistics import LockStatistics

if TYPE_CHECKING:
    from types import TracebackType

    from .._backend import Backend
    from .._taskinfo import TaskInfo

_NOT_HOLDING_LOCK = "The current task is not holding this lock"
_ALREADY_HELD = "Attempted to acquire an already held Lock"


def _remove(queue: deque[Any] | None, item: object) -> None:
    """Remove ``item`` from ``queue`` unless a waker popped it already.

    A waker pops waiters that are dead (cancelled, on asyncio, before their task
    ran its ``except`` clause); such a waiter is then no longer queued.
    """
    if queue is not None:
        with suppress(ValueError):
            queue.remove(item)


class Lock:
    """A mutual exclusion lock, owned by the task that acquired it.

    Only the owner may release it, and the owner may not acquire it again
    (it is not reentrant). Waiting tasks get the lock in the order they asked
    for it.

    Args:
        fast_acquire: if True, acquiring a free lock checks for cancellation
            but does not let other tasks run, which is faster but lets a task
            that acquires in a loop starve others.

    Example:
        ```python
        lock = anyio.Lock()
        async with lock:
            ...
        ```
    """

    # Weak references allowed: libraries key WeakKeyDictionary caches on them.
    __slots__ = ("__weakref__", "_fast_acquire", "_owner", "_waiters")

    def __init__(self, *, fast_acquire: bool = False) -> None:
        self._fast_acquire = fast_acquire
        # The owning task. Invariant: None only if no live waiter is queued
        # (release() hands the lock to the next waiter directly).
        self._owner: object = None
        # (waiter, the waiting task), first come first served. Created on
        # first use: an empty deque takes 760 bytes, and most locks never wait.
        self._waiters: deque[tuple[Any, object]] | None = None

    def __repr__(self) -> str:
        return f"<Lock locked={self._owner is not None} tasks_waiting={self._waiting()}>"

    async def acquire(self) -> None:
        """Acquire the lock, waiting for it if another task holds it.

        Raises:
            RuntimeError: if the current task already holds the lock.
        """
        backend = current_backend()
        task = backend.current_native_task()
        if self._fast_acquire:
            await backend.checkpoint_if_cancelled()
            if self._owner is None:
                self._owner = task
                return
        elif self._owner is None:
            self._owner = task
            try:
                await backend.checkpoint()
            except BaseException:
                self._hand_over(backend)
                raise
            return
        if self._owner is task:
            raise RuntimeError(_ALREADY_HELD)
        # `_park()`, inlined: one coroutine frame less on every contended acquire.
        entry = (backend.create_waiter(), task)
        self._queue().append(entry)
        try:
            await backend.wait(entry[0])
        except BaseException:
            self._leave_queue(backend, entry)
            raise

    # Saves a coroutine frame per ``async with``; the lock is the result of neither.
    __aenter__ = acquire

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc_val: BaseException | None,
        exc_tb: TracebackType | None,
    ) -> None:
        # release(), inlined: one call less on every ``async with``.
        backend = current_backend()
        owner = self._owner
        if owner is None or owner is not backend.current_native_task():
            raise RuntimeError(_NOT_HOLDING_LOCK)
        if self._waiters:
            self._hand_over(backend)
        else:
            self._owner = None

    async def _park(self, backend: Backend, entry: tuple[Any, object]) -> None:
        """Queue ``entry`` (a fresh waiter, its task); return once it owns the lock."""
        self._queue().append(entry)
        try:
            await backend.wait(entry[0])
        except BaseException:
            self._leave_queue(backend, entry)
            raise

    def _queue(self) -> deque[tuple[Any, object]]:
        waiters = self._waiters
        if waiters is None:
            waiters = self._waiters = deque()
        return waiters

    def _waiting(self) -> int:
        return 0 if self._waiters is None else len(self._waiters)

    def _leave_queue(self, backend: Backend, entry: tuple[Any, object]) -> None:
        """Withdraw a waiter whose wait raised, passing on the lock if it got it."""
        if backend.abandon(entry[0]):
            _remove(self._waiters, entry)
        else:
            self._hand_over(backend)

    def acquire_nowait(self) -> None:
        """Acquire the lock if it is free, without waiting.

        Raises:
            WouldBlock: if another task holds the lock.
            RuntimeError: if the current task already holds the lock.
        """
        task = current_backend().current_native_task()
        if self._owner is None:
            self._owner = task
        elif self._owner is task:
            raise RuntimeError(_ALREADY_HELD)
        else:
            raise WouldBlock

    def release(self) -> None:
        """Release the lock; the longest-waiting task, if any, gets it.

        Raises:
            RuntimeError: if the current task does not hold the lock.
        """
        backend = current_backend()
        owner = self._owner
        if owner is None or owner is not backend.current_native_task():
            raise RuntimeError(_NOT_HOLDING_LOCK)
        if self._waiters:
            self._hand_over(backend)
        else:
            self._owner = None

    def _hand_over(self, backend: Backend) -> None:
        """Make the next live waiter the owner and wake it; free the lock if none."""
        waiters = self._waiters
        while waiters:
            waiter, task = waiters.popleft()
            if backend.wake(waiter):
                self._owner = task
                return
        self._owner = None

    def locked(self) -> bool:
        """Return whether some task holds the lock."""
        return self._owner is not None

    def statistics(self) -> LockStatistics:
        """Return statistics about the current state of this lock.

        The owner is looked up among the running tasks at this call; outside the
        event loop that runs it (or once it has finished), it is ``None``.
        """
        owner = None if self._owner is None else _task_info(self._owner)
        return LockStatistics(self._owner is not None, owner, self._waiting())


def _task_info(task: object) -> TaskInfo | None:
    """Return the `TaskInfo` of ``task`` (a native task) if it runs in this thread."""
    try:
        backend = current_backend()
    except NoEventLoopError:
        return None
    if backend.current_native_task() is task:
        return backend.get_current_task()
    task_id = id(task)
    for info in backend.get_running_tasks():
        if info.id == task_id:
            return info
    return None


Lock.__module__ = "anyio"

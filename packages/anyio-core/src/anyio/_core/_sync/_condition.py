"""`Condition`: waiting, with a `Lock` held, for another task's notification.

`Condition.notify()` does not wake anybody: it moves the notified waiters to
the end of the lock's queue (their entries have the lock's shape), so each
wakes up as the lock's owner, with no second wait and no need to shield a
re-acquisition (Trio's design too). A waiter that is cancelled after it was
notified but before it got the lock passes the notification on to the next
waiter; only the rare cancelled-and-not-yet-holding waiter re-acquires the
lock in a shielded scope before it re-raises.
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING, Any, TypeVar

from .._backend import current_backend
from ._lock import Lock, _remove
from ._statistics import ConditionStatistics

if TYPE_CHECKING:
    from collections.abc import Callable
    from types import TracebackType

    from .._backend import Backend

T = TypeVar("T")

_NOT_HOLDING_UNDERLYING = "The current task is not holding the underlying lock"


class Condition:
    """Lets tasks wait, holding a lock, until another task notifies them.

    `wait()` releases the lock while it waits and holds it again when it
    returns (also when it raises). Notified tasks wake in the order they
    started waiting. A notification given to a waiter that is cancelled at the
    same moment is passed on to the next waiter, never lost.

    Args:
        lock: the lock to use (default: a new `Lock`).

    Example:
        ```python
        async with condition:
            await condition.wait_for(lambda: queue)
            item = queue.pop()
        ```
    """

    # Weak references allowed: libraries key WeakKeyDictionary caches on them.
    __slots__ = ("__weakref__", "_lock", "_waiters")

    def __init__(self, lock: Lock | None = None) -> None:
        self._lock = lock if lock is not None else Lock()
        self._waiters: deque[Any] = deque()

    def __repr__(self) -> str:
        return f"<Condition locked={self.locked()} tasks_waiting={len(self._waiters)}>"

    async def acquire(self) -> None:
        """Acquire the underlying lock (see `Lock.acquire()`)."""
        await self._lock.acquire()

    __aenter__ = acquire  # one coroutine frame less per ``async with``

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc_val: BaseException | None,
        exc_tb: TracebackType | None,
    ) -> None:
        self.release()

    def acquire_nowait(self) -> None:
        """Acquire the underlying lock without waiting (see `Lock.acquire_nowait()`).

        Raises:
            WouldBlock: if another task holds the lock.
        """
        self._lock.acquire_nowait()

    def release(self) -> None:
        """Release the underlying lock (see `Lock.release()`)."""
        self._lock.release()

    def locked(self) -> bool:
        """Return whether some task holds the underlying lock."""
        return self._lock.locked()

    def _check_holding(self, backend: Backend) -> object:
        """Return the current task, if it holds the lock."""
        task = backend.current_native_task()
        if task is None or self._lock._owner is not task:
            raise RuntimeError(_NOT_HOLDING_UNDERLYING)
        return task

    def notify(self, n: int = 1) -> None:
        """Wake up to ``n`` of the waiting tasks, longest-waiting first.

        Each of them returns from `wait()` once it has the lock back, which is
        after the current task releases it at the earliest.

        Raises:
            RuntimeError: if the current task does not hold the lock.
        """
        backend = current_backend()
        self._check_holding(backend)
        self._notify(n)

    def _notify(self, n: int) -> None:
        """Move up to ``n`` waiters to the lock's queue.

        A notified waiter does not wake up to find the lock taken: it waits in
        the lock's queue, and `Lock._hand_over()` wakes it as the new owner (the
        waiter's entry has the lock's shape: waiter, task). The lock is held
        here (by the notifier, or by a leaving waiter that passes a notification
        on), or about to be taken by the leaving waiter (see `_leave()`), so the
        moved waiters are not stranded behind a free lock.
        """
        waiters = self._waiters
        if waiters and n > 0:
            lock_waiters = self._lock._queue()
            while n > 0 and waiters:
                lock_waiters.append(waiters.popleft())
                n -= 1

    def notify_all(self) -> None:
        """Wake every waiting task (see `notify()`).

        Raises:
            RuntimeError: if the current task does not hold the lock.
        """
        backend = current_backend()
        self._check_holding(backend)
        self._notify(len(self._waiters))

    async def wait(self) -> None:
        """Release the lock, wait for a notification, then acquire the lock again.

        The lock is held again when this returns or raises. If the wait is
        cancelled, the lock is acquired again (shielded from cancellation)
        before the cancellation propagates; if the task had been notified, the
        notification is passed on to the next waiting task.

        Raises:
            RuntimeError: if the current task does not hold the lock.
        """
        backend = current_backend()
        task = self._check_holding(backend)
        # Already cancelled: raise without giving the lock away.
        await backend.checkpoint_if_cancelled()
        entry = (backend.create_waiter(), task)
        self._waiters.append(entry)
        self._lock._hand_over(backend)
        try:
            # Returns once notified *and* handed the lock (see _notify()).
            await backend.wait(entry[0])
        except BaseException:
            await self._leave(backend, entry)
            raise

    async def _leave(self, backend: Backend, entry: tuple[Any, object]) -> None:
        """Clean up after a wait that raised; return holding the lock."""
        if not backend.abandon(entry[0]):
            # Notified and handed the lock, then cancelled (natively, on asyncio).
            self._notify(1)
            return
        try:
            self._waiters.remove(entry)
        except ValueError:
            # Notified (moved to the lock's queue) but leaving: pass it on. If the
            # lock is free, _reacquire() takes it at once, with no await between.
            _remove(self._lock._waiters, entry)
            self._notify(1)
        await self._reacquire(backend, entry[1])

    async def _reacquire(self, backend: Backend, task: object) -> None:
        """Take the lock back after a wait that raised, whatever happens meanwhile.

        No checkpoint when the lock is free: the wait was one. Otherwise wait in
        the lock's queue, shielded from cancel scopes; a native cancellation
        (asyncio's ``Task.cancel()``) is re-raised only once the lock is held.
        """
        lock = self._lock
        if lock._owner is None:
            lock._owner = task
            return
        pending: BaseException | None = None
        while (exc := await _park_shielded(lock, backend, task)) is not None:
            pending = pending or exc
        if pending is not None:
            try:
                raise pending
            finally:
                pending = exc = None  # no reference cycle through the traceback

    async def wait_for(self, predicate: Callable[[], T]) -> T:
        """Wait until ``predicate()`` returns a true value, and return that value.

        The predicate is evaluated with the lock held: first at once, then after
        each notification. A checkpoint even if the predicate is true at once.

        Raises:
            RuntimeError: if the current task does not hold the lock.
        """
        backend = current_backend()
        self._check_holding(backend)
        result = predicate()
        if result:
            await backend.checkpoint()
            return result
        while not result:
            await self.wait()
            result = predicate()
        return result

    def statistics(self) -> ConditionStatistics:
        """Return statistics about the current state of this condition."""
        return ConditionStatistics(len(self._waiters), self._lock.statistics())


async def _park_shielded(lock: Lock, backend: Backend, task: object) -> BaseException | None:
    """Wait for ``lock`` shielded from cancel scopes.

    Returns:
        None once ``task`` owns the lock, or the native cancellation (asyncio's
        ``Task.cancel()`` passes through shields) that ended the wait early.
    """
    try:
        with backend.cancel_scope_class(shield=True):
            await lock._park(backend, (backend.create_waiter(), task))
    except backend.cancelled_exception_class() as exc:
        return exc
    return None


Condition.__module__ = "anyio"

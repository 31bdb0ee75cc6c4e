"""Events, locks, semaphores, conditions, capacity limiters and resource guards.

The problem
-----------
One set of primitives must serve both backends, be creatable where no event
loop runs (at import time, in the ``__init__`` of an object built by
synchronous code), keep working when the same object is later used under
``anyio.run()`` on asyncio and then on Trio, wake waiters first-in first-out,
and never let a cancelled waiter take a lock, permit or token and then lose
it. All of that at the speed of the backends' own primitives.

What does not work
------------------
* Wrapping the native primitives: ``asyncio.Lock`` binds itself to the first
  loop that uses it, Trio's primitives need a Trio run, and picking one lazily
  means a per-loop cache on every call.
* "Wake a waiter and let it retake the resource when it runs" (what
  ``asyncio.Semaphore`` does): between the wake-up and the waiter's next step
  a non-blocking acquire can barge in. Then either the waiter has to queue
  again (unfair), or the resource is over-granted, and a waiter cancelled in
  that window must notice whether it still owes a wake-up to someone else.

What we do
----------
Each primitive keeps its own FIFO queue of *waiters* from the backend's
parking API (`anyio._core._backend.SyncBackend`) and **hands the resource
over at wake time**: `Lock.release()` makes the next waiter the owner before
it wakes it; a released permit or token goes straight to the next waiter. The
counts are therefore always right, and a non-blocking acquire never competes
with a woken waiter. A waiter whose ``wait()`` raised calls ``abandon()``:

* True: it was never woken; it leaves the queue (unless a waker already
  popped it while skipping dead waiters) and re-raises;
* False: it had been woken first, so it owns what was handed to it (the lock,
  a permit, a token, a notification) and passes that on before re-raising.

`Condition.notify()` does not wake anybody: it moves the notified waiters to
the end of the lock's queue (their entries have the lock's shape), so each
wakes up as the lock's owner, with no second wait and no need to shield a
re-acquisition (Trio's design too). A waiter that is cancelled after it was
notified but before it got the lock passes the notification on to the next
waiter; only the rare cancelled-and-not-yet-holding waiter re-acquires the
lock in a shielded scope before it re-raises.

The objects store no loop: plain state, a queue of waiters (empty outside a
run, and created on first use: an empty deque takes 760 bytes) and the tasks
that hold them (only while they hold them). That makes creating them outside a loop free and
reusing them across runs safe. The one exception is an optimisation: the
backend that made the queued waiters is kept next to them, so that a wake-up
from `Event.set()`, `Semaphore.release()` or `CapacityLimiter.release_on_behalf_of()`
need not look the backend up again (waiters are only ever queued by tasks of
one running loop at a time, so it is the right one whenever the queue is not
empty).

Checkpoints: every ``async`` method is a cancel point and a schedule point.
Parking is both. An uncontended acquire takes the resource, then yields with
`checkpoint()`; if that raises (a cancellation), it gives the resource back
and re-raises, so a cancelled acquire never holds anything. With
``fast_acquire=True`` the uncontended path only checks for cancellation and
does not yield (AnyIO's contract for that flag).

Task identity: the owner of a `Lock` and the default borrower of a
`CapacityLimiter` are the loop library's own task object
(`current_native_task()`: an ``asyncio.Task`` or a ``trio.lowlevel.Task``), as
in AnyIO, so ``CapacityLimiter.statistics().borrowers`` lists tasks and
``acquire_on_behalf_of(task)`` pairs with ``release()`` in that task.
``LockStatistics.owner`` is looked up from it only when `Lock.statistics()`
is called.
"""

from __future__ import annotations

import math
from collections import OrderedDict, deque
from contextlib import suppress
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from ._backend import current_backend
from ._exceptions import BusyResourceError, NoEventLoopError, WouldBlock

if TYPE_CHECKING:
    from collections.abc import Callable
    from types import TracebackType

    from typing_extensions import Self

    from ._backend import Backend
    from ._taskinfo import TaskInfo

T = TypeVar("T")


# -- statistics ----------------------------------------------------------------------


@dataclass(frozen=True)
class EventStatistics:
    """What an `Event` is doing right now.

    Attributes:
        tasks_waiting: the number of tasks blocked in `Event.wait()`.
    """

    tasks_waiting: int


@dataclass(frozen=True)
class LockStatistics:
    """What a `Lock` is doing right now.

    Attributes:
        locked: whether some task holds the lock.
        owner: the task that holds it (``None`` when it is free).
        tasks_waiting: the number of tasks blocked in `Lock.acquire()`.
    """

    locked: bool
    owner: TaskInfo | None
    tasks_waiting: int


@dataclass(frozen=True)
class SemaphoreStatistics:
    """What a `Semaphore` is doing right now.

    Attributes:
        tasks_waiting: the number of tasks blocked in `Semaphore.acquire()`.
    """

    tasks_waiting: int


@dataclass(frozen=True)
class ConditionStatistics:
    """What a `Condition` is doing right now.

    Attributes:
        tasks_waiting: the number of tasks blocked in `Condition.wait()`.
        lock_statistics: the statistics of the underlying `Lock`.
    """

    tasks_waiting: int
    lock_statistics: LockStatistics


@dataclass(frozen=True)
class CapacityLimiterStatistics:
    """What a `CapacityLimiter` is doing right now.

    Attributes:
        borrowed_tokens: the number of tokens borrowed.
        total_tokens: the number of tokens in total.
        borrowers: who holds the borrowed tokens (for the default borrower,
            the holding task: an ``asyncio.Task`` or a ``trio.lowlevel.Task``).
        tasks_waiting: the number of tasks blocked waiting for a token.
    """

    borrowed_tokens: int
    total_tokens: float
    borrowers: tuple[object, ...]
    tasks_waiting: int


# -- Event ---------------------------------------------------------------------------


class Event:
    """A flag that tasks can wait for; once set, it stays set.

    Create a new `Event` for each occurrence you want to signal. It can be
    created anywhere, also where no event loop runs, and `set()` works there
    too.

    Example:
        ```python
        ready = anyio.Event()
        tg.start_soon(worker, ready)
        await ready.wait()
        ```
    """

    __slots__ = ("_backend", "_flag", "_waiters")

    def __init__(self) -> None:
        self._flag = False
        # Invariant: empty once the flag is set (set() wakes and clears). A list,
        # not a deque: events are created often and a deque is ten times bigger.
        self._waiters: list[Any] = []
        # The backend of the queued waiters (see the module docstring).
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
            wake = self._backend.wake
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
        self._waiters.append(waiter)
        self._backend = backend
        try:
            await backend.wait(waiter)
        except BaseException:
            # A waiter woken before it was cancelled has nothing to pass on.
            if backend.abandon(waiter) and not self._flag:
                self._waiters.remove(waiter)
            raise

    def statistics(self) -> EventStatistics:
        """Return statistics about the current state of this event."""
        return EventStatistics(len(self._waiters))


# -- Lock ----------------------------------------------------------------------------

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

    __slots__ = ("_fast_acquire", "_owner", "_waiters")

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


# -- Semaphore -----------------------------------------------------------------------


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

    __slots__ = ("_backend", "_fast_acquire", "_max_value", "_value", "_waiters")

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


# -- Condition -----------------------------------------------------------------------

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

    __slots__ = ("_lock", "_waiters")

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


# -- CapacityLimiter -----------------------------------------------------------------

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

    __slots__ = ("_backend", "_borrowers", "_total_tokens", "_waiters")

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


# -- ResourceGuard -------------------------------------------------------------------


class ResourceGuard:
    """A context manager that lets only one task at a time use a resource.

    Entering it while another task is inside raises `BusyResourceError`. Stream
    implementations use it to refuse two concurrent reads (or writes).

    Args:
        action: what is guarded, as a gerund with its preposition ("reading
            from", "writing to"); it completes the error message "Another task
            is already <action> this resource".

    Example:
        ```python
        self._receive_guard = ResourceGuard("reading from")
        ...
        with self._receive_guard:
            return await self._receive()
        ```
    """

    __slots__ = ("_guarded", "action")

    def __init__(self, action: str = "using") -> None:
        self.action: str = action
        self._guarded = False

    def __repr__(self) -> str:
        return f"<ResourceGuard action={self.action!r} in_use={self._guarded}>"

    def __enter__(self) -> None:
        if self._guarded:
            raise BusyResourceError(self.action)
        self._guarded = True

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_val: BaseException | None,
        exc_tb: TracebackType | None,
    ) -> None:
        self._guarded = False


for _cls in (
    EventStatistics,
    LockStatistics,
    SemaphoreStatistics,
    ConditionStatistics,
    CapacityLimiterStatistics,
    Event,
    Lock,
    Semaphore,
    Condition,
    CapacityLimiter,
    ResourceGuard,
):
    _cls.__module__ = "anyio"
del _cls

"""The frozen dataclasses that the primitives' ``statistics()`` methods return."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .._taskinfo import TaskInfo


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


for _cls in (
    EventStatistics,
    LockStatistics,
    SemaphoreStatistics,
    ConditionStatistics,
    CapacityLimiterStatistics,
):
    _cls.__module__ = "anyio"
del _cls

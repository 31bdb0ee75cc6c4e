"""Compatibility alias: the synchronization primitives under their AnyIO 4.13 module path.

AnyIO 4.13 defines its events, locks, semaphores, conditions, capacity limiters,
resource guards and their statistics in ``anyio._core._synchronization``, and some
third-party code imports them from there. They now live in `anyio._core._sync`, one
module per primitive; this module only re-exports them. New code imports them from
`anyio`.
"""

from __future__ import annotations

from ._sync._condition import Condition as Condition
from ._sync._event import Event as Event
from ._sync._guard import ResourceGuard as ResourceGuard
from ._sync._limiter import CapacityLimiter as CapacityLimiter
from ._sync._lock import Lock as Lock
from ._sync._semaphore import Semaphore as Semaphore
from ._sync._statistics import CapacityLimiterStatistics as CapacityLimiterStatistics
from ._sync._statistics import ConditionStatistics as ConditionStatistics
from ._sync._statistics import EventStatistics as EventStatistics
from ._sync._statistics import LockStatistics as LockStatistics
from ._sync._statistics import SemaphoreStatistics as SemaphoreStatistics

"""The deadlock watch on Trio: an instrument that notices a wait which nothing can end.

Trio calls an instrument's ``before_io_wait`` each time its run loop is about
to wait for I/O, and ``task_scheduled`` each time a task is woken. Trio's
public run statistics tell whether a task is runnable, whether any deadline
is set, whether a task waits for a file descriptor and whether a
``run_sync_soon`` callback is queued. `_Instrument` checks those and the rules
of `anyio._core._deadlock` that live outside the run (threads, signals), and
suspects a deadlock when everything is quiet and no task waits in Trio's
``wait_all_tasks_blocked`` (which ends by itself). A suspicion ends when any
task is woken; one that lasts `GRACE` real seconds is a deadlock.

The test runner's host loop (guest mode, see `_runner`) confirms it: while a
suspicion stands it waits at most `GRACE` for Trio's next callback, and if
none comes it asks `_Instrument.confirm`. A run that spins instead of
waiting (a ``MockClock`` that auto-jumps with no deadline to jump to) is
confirmed by ``before_io_wait`` itself.
"""

from __future__ import annotations

import math
import time
from typing import TYPE_CHECKING, Any

import outcome
import trio

from ..._core._deadlock import GRACE, DeadlockWatch

if TYPE_CHECKING:
    from collections.abc import Callable

_WATCH: trio.lowlevel.RunVar[DeadlockWatch] = trio.lowlevel.RunVar("anyio_deadlock_watch")


def current_watch() -> DeadlockWatch | None:
    """Return the deadlock watch of the running Trio run, if it has one."""
    try:
        return _WATCH.get()
    except LookupError:
        return None


class Instrument(trio.abc.Instrument):
    """Suspects and confirms deadlocks of one Trio run (see the module docstring).

    Invariants: ``suspected_at`` is the real time a suspicion started, or None;
    ``reported`` is True from a report until the next task is woken, so one
    stuck state is reported once.
    """

    def __init__(self, watch: DeadlockWatch, on_deadlock: Callable[[], object]) -> None:
        self._watch = watch
        self._on_deadlock = on_deadlock
        self.suspected_at: float | None = None
        self.reported = False
        self._token: trio.lowlevel.TrioToken | None = None
        self._baseline = 0

    async def start(self) -> None:
        """Hook into the current run (call from inside it, before any other task starts).

        Trio's own system tasks wait on file descriptors too (the
        ``run_sync_soon`` task on its wake-up socket): once they are all
        parked, their count is the baseline that means "no I/O".
        """
        from trio.testing import wait_all_tasks_blocked  # imports pytest: test runners only

        await wait_all_tasks_blocked()
        self._baseline = _io_waits(trio.lowlevel.current_statistics().io_statistics)
        _WATCH.set(self._watch)
        self._token = trio.lowlevel.current_trio_token()
        trio.lowlevel.add_instrument(self)

    def task_scheduled(self, task: trio.lowlevel.Task) -> None:
        self.suspected_at = None
        self.reported = False

    def before_io_wait(self, timeout: float) -> None:
        if not self._watch.enabled or self.reported:
            return
        if not self._quiet_inside():
            self.suspected_at = None
            return
        now = time.monotonic()
        if self.suspected_at is None:
            self.suspected_at = now
        elif now - self.suspected_at >= GRACE:
            self.confirm()

    def confirm(self) -> None:
        """Report a suspicion that has lasted `GRACE`, if the outside is still quiet."""
        since = self.suspected_at
        if since is None or self.reported or not self._watch.enabled:
            return
        if time.monotonic() - since < GRACE:
            return
        if not self._watch.quiet_outside():
            return
        self.reported = True
        assert self._token is not None
        self._token.run_sync_soon(self._on_deadlock)

    def _quiet_inside(self) -> bool:
        stats = trio.lowlevel.current_statistics()
        if stats.tasks_runnable or stats.run_sync_soon_queue_size:
            return False
        if stats.seconds_to_next_deadline != math.inf:
            return False
        if _io_waits(stats.io_statistics) > self._baseline:
            return False
        return not _waiting_for_idle(trio.lowlevel.current_root_task())


#: The counters of Trio's I/O managers (epoll, kqueue, Windows) of waits on descriptors.
_IO_COUNTERS = (
    "tasks_waiting_read",
    "tasks_waiting_write",
    "tasks_waiting",
    "monitors",
    "tasks_waiting_overlapped",
    "completion_key_monitors",
)


def _io_waits(io_statistics: Any) -> int:
    """Count the tasks and monitors waiting on file descriptors or handles (any I/O manager)."""
    return sum(int(getattr(io_statistics, name, 0)) for name in _IO_COUNTERS)


def _waiting_for_idle(task: trio.lowlevel.Task | None) -> bool:
    """Tell whether a task under ``task`` waits in ``wait_all_tasks_blocked()``."""
    if task is None:
        return False
    coro: Any = task.coro
    while coro is not None:
        code = getattr(coro, "cr_code", None) or getattr(coro, "gi_code", None)
        if code is not None and code.co_name == "wait_all_tasks_blocked":
            return True
        coro = getattr(coro, "cr_await", None) or getattr(coro, "gi_yieldfrom", None)
    return any(
        _waiting_for_idle(child)
        for nursery in task.child_nurseries
        for child in nursery.child_tasks
    )


def break_out(task: trio.lowlevel.Task, error: BaseException) -> int:
    """Wake every blocked task under ``task`` (itself included) with ``error``; return how many.

    The last resort for a step that stayed deadlocked after the cancellation of
    its whole run (it waits in a shielded scope): an abandoned guest run would
    leave this thread "inside a Trio run" for good. Tasks are woken through
    Trio's public ``reschedule()``; a task that waits for its children (in a
    nursery's exit) is left to them. What the woken tasks waited on (a parking
    lot, an event) is not told, which is harmless only because nothing will
    ever wake them otherwise: the run is ending.
    """
    woken = 0
    for child in _tasks_under(task):
        if not _waits_for_children(child):
            trio.lowlevel.reschedule(child, outcome.Error(error))
            woken += 1
    return woken


def _tasks_under(task: trio.lowlevel.Task) -> list[trio.lowlevel.Task]:
    found = [task]
    for nursery in task.child_nurseries:
        for child in nursery.child_tasks:
            found.extend(_tasks_under(child))
    return found


def _waits_for_children(task: trio.lowlevel.Task) -> bool:
    coro: Any = task.coro
    while coro is not None:
        code = getattr(coro, "cr_code", None) or getattr(coro, "gi_code", None)
        if code is not None and code.co_name == "_nested_child_finished":
            return True
        coro = getattr(coro, "cr_await", None) or getattr(coro, "gi_yieldfrom", None)
    return False

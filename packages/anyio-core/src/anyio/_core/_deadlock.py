"""Deadlock reports for test runners: every task blocked, and nothing that could wake one.

A test that deadlocks hangs until pytest-timeout (or a person) kills it, and
then says little about where it was stuck. A test runner that watches for
deadlocks stops such a test at once and fails it with the task tree.

A deadlock is declared only when nothing at all could make progress:

* no task is ready to run, and the loop has no timer at all (a sleep, a
  deadline or ``call_later`` would end the wait);
* no file descriptor is waited on (a socket, a pipe, a process's pipes or
  pidfd), other than the loop's own wake-up socket;
* no task waits for a worker thread (`clock_busy` brackets those waits);
* no signal handler was installed since the step (test or fixture) started
  (a signal from outside could wake a task), and no ``SIGALRM`` is armed
  for a handler other than pytest-timeout's;
* and no other thread is alive that could call into the loop: a thread
  counts as harmless only while it is recognisably idle in a known pool (an
  anyio worker thread, a ``concurrent.futures`` worker, a Trio cached thread)
  with no job queued for it, or Trio's guest-mode I/O wait, or is
  pytest-timeout's timer thread (which ends the run, never wakes a task). Any other live
  thread (a portal's loop, a thread the test started, a pool with a queued
  job) might call ``call_soon_threadsafe()`` or a portal later, so then
  nothing is reported.

The state must hold twice, a short grace apart (`GRACE` real seconds), so
that a thread caught between two of these checks cannot fake a deadlock.

Each backend hooks the moment its loop is about to wait with nothing to do
(`anyio._backends._asyncio._deadlock`, `anyio._backends._trio._deadlock`);
this module holds what they share. uvloop hides its timers and handles in C,
so it cannot be watched.
"""

from __future__ import annotations

import signal
import sys
import threading
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from types import FrameType

#: Real seconds between the first sight of a deadlock and its confirmation.
GRACE = 0.05

#: How many watches are active; while 0, `clock_busy()` does not look for one.
active_watches = 0


class DeadlockError(RuntimeError):
    """A test runner found every task blocked with nothing that could ever wake them.

    Attributes:
        tree: the formatted task tree taken when the deadlock was found.
    """

    def __init__(self, tree: str) -> None:
        super().__init__(
            "Deadlock: every task is blocked and nothing can wake any of them (no "
            "timer, no I/O, no worker thread, no process, no signal handler, no "
            "other thread that could call into the event loop). The test was "
            "stopped; this is where its tasks were waiting:\n\n" + tree
        )
        self.tree = tree


DeadlockError.__module__ = "anyio.lowlevel"


class DeadlockWatch:
    """What a backend's deadlock hook shares with the test runner.

    Invariants: ``_busy`` counts the tasks waiting for a worker thread (through
    `clock_busy`); ``signal_handlers`` is the handler of every signal when the
    watch started; the runner turns ``enabled`` off to run a step unwatched.
    """

    def __init__(self) -> None:
        self._busy = 0
        self.enabled = True
        self.signal_handlers = _signal_handlers()
        self._active = False

    def new_step(self) -> None:
        """Take the signal handlers installed now (a test runner's step starts) as the baseline.

        pytest-timeout's handler, Trio's Ctrl+C handler and the like are then
        part of the baseline; a handler installed during the step (a signal
        receiver) keeps the step from being reported.
        """
        self.signal_handlers = _signal_handlers()

    def activate(self) -> None:
        """Count this watch in `active_watches` (its loop now runs with it)."""
        global active_watches  # read by clock_busy() on every call
        if not self._active:
            self._active = True
            active_watches += 1

    def deactivate(self) -> None:
        """Stop counting this watch (its loop is closed)."""
        global active_watches
        if self._active:
            self._active = False
            active_watches -= 1

    def quiet_outside(self) -> bool:
        """Tell whether nothing outside the loop could wake a task (threads, signals)."""
        return (
            self._busy == 0
            and _signal_handlers() == self.signal_handlers
            and not _alarm_pending()
            and quiet_threads()
        )

    # Kept for `clock_busy`'s protocol (a VirtualClock has the same hook).
    def _sync_native_threshold(self) -> None:
        pass


def _signal_handlers() -> dict[int, Any]:
    return {int(signum): _handler(signum) for signum in signal.valid_signals()}


def _alarm_pending() -> bool:
    """Tell whether a ``SIGALRM`` is on its way to a handler that may wake a task.

    ``signal.alarm()`` and ``setitimer(ITIMER_REAL)`` arm the same timer. The
    handler of pytest-timeout's signal method ends the test anyway: a deadlock
    is reported before it fires.
    """
    getitimer = getattr(signal, "getitimer", None)
    if getitimer is None or getitimer(signal.ITIMER_REAL)[0] == 0:
        return False
    handler = signal.getsignal(signal.SIGALRM)
    if handler in (signal.SIG_DFL, signal.SIG_IGN, None):
        return False  # the alarm kills the process, or nothing happens
    return getattr(handler, "__module__", None) != "pytest_timeout"


def _handler(signum: int) -> Any:
    try:
        return signal.getsignal(signum)
    except (ValueError, OSError):  # pragma: no cover - platform-specific signals
        return None


def quiet_threads() -> bool:
    """Tell whether every other live thread is idle in a pool we know, with nothing queued."""
    me = threading.get_ident()
    frames = sys._current_frames()
    for thread in threading.enumerate():
        if thread.ident == me or not thread.is_alive():
            continue
        if _is_test_timeout(thread):
            continue
        frame = frames.get(thread.ident) if thread.ident is not None else None
        if frame is None or not _idle(frame):
            return False
    return True


def _is_test_timeout(thread: threading.Thread) -> bool:
    """Tell whether ``thread`` is pytest-timeout's timer (``--timeout-method=thread``).

    It ends the test run when it fires; it never calls into the event loop.
    """
    function = getattr(thread, "function", None)
    return isinstance(thread, threading.Timer) and (
        getattr(function, "__module__", None) == "pytest_timeout"
    )


def _idle(frame: FrameType) -> bool:
    """Tell whether the thread whose innermost Python frame is ``frame`` is idle.

    Anything not recognised counts as busy: the check may miss a deadlock,
    never invent one.
    """
    code = frame.f_code
    name, path = code.co_name, code.co_filename.replace("\\", "/")
    local = frame.f_locals
    if name == "_next_job" and path.endswith("anyio/_threads/_pool.py"):
        # An anyio worker thread waiting for its next job.
        worker = local.get("self")
        return worker is not None and worker.jobs.empty()
    if name == "_worker" and path.endswith("concurrent/futures/thread.py"):
        # A ThreadPoolExecutor worker blocked in its queue's get().
        # Between get() and the job, the item is a local: then it is busy.
        queue = local.get("work_queue")
        return queue is not None and queue.empty() and local.get("work_item") is None
    if name == "_work" and path.endswith("trio/_core/_thread_cache.py"):
        # A Trio cached thread waiting for a job.
        worker = local.get("self")
        return worker is not None and getattr(worker, "_job", True) is None
    if name == "get_events" and "/trio/_core/_io_" in path:
        # Trio's guest-mode I/O wait, in a cached thread; what it waits for is
        # counted by the Trio hook (Trio's I/O statistics).
        outer = frame.f_back
        while outer is not None:
            if outer.f_code.co_name == "_work" and outer.f_code.co_filename.replace(
                "\\", "/"
            ).endswith("trio/_core/_thread_cache.py"):
                return True
            outer = outer.f_back
    return False

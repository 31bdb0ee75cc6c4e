"""A virtual clock for tests: time that stands still, or jumps to the next deadline.

The problem: a test of a 30-minute timeout should not take 30 minutes, and a
test of "the retry happens after 5 seconds" should neither sleep 5 seconds nor
patch ``time.monotonic``. Every read of "now" and every timer in anyio goes
through the backend's clock (`TimeBackend`), so replacing that one clock is
enough: `sleep`, deadlines, `fail_after` and the primitives' timeouts follow.

What we do, per backend:

* Trio has this already (``trio.testing.MockClock``); the Trio backend makes
  one from the `VirtualClock`'s settings and the `VirtualClock` forwards to it.
  ``trio.testing`` is imported only then: importing it pulls in pytest.
* asyncio's loops read the time through ``loop.time()`` and sleep in their
  selector's ``select(timeout)``. The asyncio backend gives a selector loop a
  virtual ``time()`` and wraps its selector, so that the wait for the next
  timer is real only as long as the clock's rate and auto-jump allow, and the
  clock jumps to the next timer when every task is idle. uvloop's loop is
  written in C and keeps its own clock: it cannot run on a virtual clock, and
  asking for both is an error.

A jump happens only when nothing but time can wake a task: a task waiting for
a worker thread (see `clock_busy`), on the asyncio backends for a file
descriptor registered with the loop (a socket, a pipe, a process), or for a
signal handler, counts as busy, because the thread, the peer or the process
lives in real time. The normal path pays nothing: without a virtual clock the
loops are untouched, and `clock_busy` is one global read.
"""

from __future__ import annotations

import importlib
import math
import time
import weakref
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import TYPE_CHECKING, Any

from . import _deadlock
from ._backend import BACKENDS, current_backend

if TYPE_CHECKING:
    from collections.abc import Iterator

#: How many `VirtualClock` objects were ever bound to a running loop; while it
#: is 0, `clock_busy()` does no lookup at all (the normal, real-clock path).
_bound_clocks = 0


class VirtualClock:
    """A clock whose time runs at ``rate`` times real time, and can be moved by hand.

    Give it to `anyio.run()` through ``backend_options={"clock": clock}`` (every
    backend except uvloop), or mark a test with ``@pytest.mark.anyio_clock`` (see
    the pytest plugin). The time starts at 0.

    * With ``rate=0`` (the default) time stands still until `jump()` moves it,
      or until an auto-jump.
    * With ``autojump_threshold=t``, once every task has been blocked for ``t``
      *real* seconds on something only time can end (a sleep, a deadline), the
      clock jumps straight to the next deadline. ``0`` jumps at once. A task
      waiting for a worker thread, for I/O, a process or a signal is busy, and
      then there is no jump.

    Args:
        rate: how many virtual seconds pass per real second (``>= 0``).
        autojump_threshold: real seconds of idleness before an auto-jump (``>= 0``;
            ``math.inf``, the default, means never).

    Raises:
        ValueError: for a negative ``rate`` or ``autojump_threshold``.

    Example:
        ```python
        clock = VirtualClock(autojump_threshold=0)
        anyio.run(main, backend_options={"clock": clock})  # trio: backend="trio"
        ```
    """

    def __init__(self, rate: float = 0.0, autojump_threshold: float = math.inf) -> None:
        self._real_base = time.monotonic()
        self._virtual_base = 0.0
        self._rate = _check_non_negative("rate", rate)
        self._autojump_threshold = _check_non_negative("autojump_threshold", autojump_threshold)
        #: The backend's own clock this one forwards to (Trio's MockClock), if any.
        self._native: Any = None
        #: Invariant: how many tasks currently wait for something outside the
        #: loop's control (a worker thread); no auto-jump while it is above 0.
        self._busy = 0
        #: Called (without arguments) when a jump or a setting may change how
        #: long the loop must wait; set by the asyncio backend to wake its loop.
        self._wakeup: Any = None
        #: Invariant: True once a loop runs (or ran) on this clock; it serves one run.
        self._bound = False

    def __repr__(self) -> str:
        return (
            f"<VirtualClock time={self.current_time():.4f} rate={self.rate} "
            f"autojump_threshold={self.autojump_threshold}>"
        )

    @property
    def rate(self) -> float:
        """Virtual seconds per real second."""
        return self._rate

    @rate.setter
    def rate(self, rate: float) -> None:
        _check_non_negative("rate", rate)
        if self._native is not None:
            self._native.rate = rate
        else:
            self._rebase()
        self._rate = rate
        self._poke()

    @property
    def autojump_threshold(self) -> float:
        """Real seconds of idleness after which the clock jumps to the next deadline."""
        return self._autojump_threshold

    @autojump_threshold.setter
    def autojump_threshold(self, threshold: float) -> None:
        self._autojump_threshold = _check_non_negative("autojump_threshold", threshold)
        self._sync_native_threshold()
        self._poke()

    def current_time(self) -> float:
        """Return the virtual time, in seconds."""
        if self._native is not None:
            return float(self._native.current_time())
        return self._virtual_base + self._rate * (time.monotonic() - self._real_base)

    def jump(self, seconds: float) -> None:
        """Move the time forward by ``seconds`` at once.

        Timers whose deadline has come fire on the loop's next iteration.

        Raises:
            ValueError: if ``seconds`` is negative (time never runs backwards).
        """
        _check_non_negative("seconds", seconds)
        if self._native is not None:
            self._native.jump(seconds)
        else:
            self._virtual_base += seconds
        self._poke()

    def real_wait(self, virtual_seconds: float) -> float:
        """Return how many real seconds pass while this clock advances ``virtual_seconds``."""
        if virtual_seconds <= 0:
            return 0.0
        return math.inf if self._rate == 0 else virtual_seconds / self._rate

    def can_autojump(self) -> bool:
        """Tell whether nothing outside the loop (a worker thread) keeps the clock from jumping."""
        return self._busy == 0 and self._autojump_threshold != math.inf

    def _jump_to(self, when: float) -> None:
        """Auto-jump: move the time to ``when`` if that is ahead (backend use)."""
        now = self.current_time()
        if when > now:
            self._virtual_base += when - now

    def _bind(self, native: Any = None) -> None:
        """Record that a loop now runs on this clock (through ``native`` on Trio)."""
        global _bound_clocks  # a counter that keeps clock_busy() free when it is 0
        if self._bound:
            raise RuntimeError(
                f"{self!r} already drove an event loop; create a new VirtualClock for each run"
            )
        self._bound = True
        self._native = native
        _bound_clocks += 1
        if native is not None:
            _by_native[id(native)] = self

    def _rebase(self) -> None:
        self._virtual_base = self.current_time()
        self._real_base = time.monotonic()

    def _poke(self) -> None:
        if self._wakeup is not None:
            self._wakeup()

    def _sync_native_threshold(self) -> None:
        if self._native is not None:
            self._native.autojump_threshold = (
                self._autojump_threshold if self._busy == 0 else math.inf
            )


#: Trio's MockClock (by id) → the VirtualClock that made it (which keeps it alive).
_by_native: weakref.WeakValueDictionary[int, VirtualClock] = weakref.WeakValueDictionary()


def _check_non_negative(name: str, value: float) -> float:
    if not value >= 0:  # NaN fails too
        raise ValueError(f"{name} must be a number >= 0, not {value!r}")
    return float(value)


def current_virtual_clock() -> VirtualClock | None:
    """Return the `VirtualClock` the running loop uses, or None for the real clock.

    Raises:
        NoEventLoopError: outside an event loop.
    """
    backend = current_backend()
    module = importlib.import_module(BACKENDS[backend.name][0] + "._clock")
    clock: VirtualClock | None = module.current_virtual_clock()
    return clock


def clock_busy() -> AbstractContextManager[None]:
    """Keep a virtual clock from auto-jumping while the body waits for the real world.

    Wrap a wait for something that lives in real time (a worker thread, another
    process): while any task is inside, the virtual clock of its loop does not
    jump, and a test runner's deadlock watch (`anyio._core._deadlock`) counts
    the loop as busy. Without either this is two global reads and a shared
    no-op context manager.
    """
    if not _bound_clocks and not _deadlock.active_watches:
        return _NO_CLOCK
    targets: list[Any] = []
    if _bound_clocks:
        clock = current_virtual_clock()
        if clock is not None:
            targets.append(clock)
    if _deadlock.active_watches:
        backend = current_backend()
        module = importlib.import_module(BACKENDS[backend.name][0] + "._deadlock")
        watch = module.current_watch()
        if watch is not None:
            targets.append(watch)
    return _held(targets) if targets else _NO_CLOCK


_NO_CLOCK: AbstractContextManager[None] = nullcontext()


@contextmanager
def _held(targets: list[Any]) -> Iterator[None]:
    for target in targets:
        target._busy += 1
        target._sync_native_threshold()
    try:
        yield
    finally:
        for target in targets:
            target._busy -= 1
            target._sync_native_threshold()


for _obj in (VirtualClock, current_virtual_clock):
    _obj.__module__ = "anyio.lowlevel"  # its public home
del _obj

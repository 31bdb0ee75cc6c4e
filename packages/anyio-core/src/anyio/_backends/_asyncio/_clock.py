"""The virtual clock on asyncio: a selector loop whose time and waits are virtual.

asyncio reads the time only through ``loop.time()`` (``call_later``,
``call_at``, timeouts, our cancel scopes' deadlines), and it waits for the
next timer in one place: ``loop._selector.select(timeout)`` in
``_run_once``. So a selector loop made by any loop factory (the default one,
an eager-task one) is given:

* an instance attribute ``time`` that reads the `VirtualClock`;
* a `_VirtualSelector` around its selector. Asked to wait ``timeout``
  virtual seconds for the next timer, it waits as long in real time as the
  clock's rate needs (forever at rate 0: only I/O, another thread or a jump
  ends the wait), at most the auto-jump threshold; if that threshold passed
  with no event, and nothing real is pending, it jumps the clock to the next
  timer, exactly (never beyond it: no deadline is skipped).

"Nothing real is pending" means: no task waits for a worker thread
(`clock_busy`), no file descriptor other than the loop's own wake-up socket is
registered (a socket or pipe being read, a process's pipes), and no signal
handler is installed. uvloop keeps its clock in C (libuv); it cannot take a
virtual clock, and `make_loop_factory` says so.

Nothing of this exists on a loop without a virtual clock: the normal path
is untouched.
"""

from __future__ import annotations

import asyncio
import selectors
from typing import TYPE_CHECKING, Any

from ..._core._clock import VirtualClock
from ._deadlock import WrappedSelector, real_world_pending

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping


_ATTR = "_anyio_virtual_clock"


def check_clock(options: Mapping[str, Any]) -> None:
    """Raise if the ``clock`` option is not a `VirtualClock` or is combined with uvloop."""
    clock = options.get("clock")
    if clock is None:
        return
    if not isinstance(clock, VirtualClock):
        raise TypeError(
            f"the clock option of the asyncio backend must be an "
            f"anyio.lowlevel.VirtualClock, not {clock!r}"
        )
    if options.get("use_uvloop", False):
        raise ValueError(
            "uvloop keeps its own clock in C and cannot run on a VirtualClock; "
            "drop use_uvloop=True (or the clock option) for this run"
        )


def make_loop_factory(
    clock: VirtualClock, factory: Callable[[], asyncio.AbstractEventLoop] | None
) -> Callable[[], asyncio.AbstractEventLoop]:
    """Wrap ``factory`` (default: `asyncio.new_event_loop`) to make loops on ``clock``."""
    make = factory or asyncio.new_event_loop

    def new_virtual_loop() -> asyncio.AbstractEventLoop:
        loop = make()
        try:
            install(loop, clock)
        except BaseException:
            loop.close()
            raise
        return loop

    return new_virtual_loop


def install(loop: asyncio.AbstractEventLoop, clock: VirtualClock) -> None:
    """Put ``loop`` on ``clock``: its ``time()`` and its selector's waits become virtual."""
    selector = getattr(loop, "_selector", None)
    if not isinstance(selector, selectors.BaseSelector):
        raise ValueError(
            f"{loop!r} is not a selector event loop (uvloop and the Windows proactor "
            f"loop keep their own clock); a VirtualClock needs asyncio's selector loop"
        )
    clock._bind()  # raises if the clock already served a run
    # Instance attributes shadow the class's methods for this loop only.
    loop.time = clock.current_time  # type: ignore[method-assign]
    loop._selector = _VirtualSelector(selector, loop, clock)  # type: ignore[attr-defined]
    setattr(loop, _ATTR, clock)
    # A jump made from another thread must end a wait that was sized before it.
    clock._wakeup = lambda: _wake(loop)


def _wake(loop: asyncio.AbstractEventLoop) -> None:
    if not loop.is_closed():
        loop._write_to_self()  # type: ignore[attr-defined]  # asyncio's thread-safe wake-up


def current_virtual_clock() -> VirtualClock | None:
    """Return the `VirtualClock` of the running loop, if it has one."""
    clock: VirtualClock | None = getattr(asyncio.get_running_loop(), _ATTR, None)
    return clock


class _VirtualSelector(WrappedSelector):
    """A selector whose ``select(timeout)`` takes ``timeout`` in virtual seconds."""

    def __init__(
        self,
        selector: selectors.BaseSelector,
        loop: asyncio.AbstractEventLoop,
        clock: VirtualClock,
    ) -> None:
        super().__init__(selector)
        self._loop = loop
        self._clock = clock

    def select(self, timeout: float | None = None) -> list[tuple[selectors.SelectorKey, int]]:
        if timeout is None or timeout <= 0:
            # No timer at all (nothing for a jump to reach), or work to do now.
            return self._selector.select(timeout)
        clock = self._clock
        real = clock.real_wait(timeout)
        threshold = clock.autojump_threshold if self._may_jump() else real
        wait = min(real, threshold)
        events = self._selector.select(None if wait == float("inf") else wait)
        if not events and threshold < real and self._may_jump():
            clock._jump_to(self._next_deadline())
        return events

    def _may_jump(self) -> bool:
        return self._clock.can_autojump() and not self._real_world_pending()

    def _real_world_pending(self) -> bool:
        """Tell whether I/O or a signal handler could still wake a task."""
        return real_world_pending(self._loop, self._selector)

    def _next_deadline(self) -> float:
        scheduled: list[asyncio.TimerHandle] = self._loop._scheduled  # type: ignore[attr-defined]
        live = (handle.when() for handle in scheduled if not handle.cancelled())
        return min(live, default=self._clock.current_time())

    def close(self) -> None:
        self._clock._wakeup = None
        super().close()

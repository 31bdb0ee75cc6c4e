"""Signal delivery on asyncio (and uvloop): ``loop.add_signal_handler``.

The loop runs our callback in its own thread, soon after the signal arrives.
The callback files the signal number in an ordered set of pending kinds and
wakes the task that iterates, if it is parked. A burst (SIGUSR1, SIGUSR2,
SIGUSR1) therefore reports each *kind* received, in the order each was first
seen, without ever losing one, as Trio's receiver does; repeats of a kind
still pending merge into one report, so a flood cannot grow memory.

On exit we remove our loop handlers and put back the Python-level handler
that each signal had before (``remove_signal_handler`` alone would reset it
to the default, which would, for example, make a later SIGINT fatal instead
of raising `KeyboardInterrupt`).
"""

from __future__ import annotations

import signal
from asyncio import AbstractEventLoop, Future, get_running_loop
from typing import TYPE_CHECKING, Any

from ..._core._exceptions import BusyResourceError
from . import _tasks

if TYPE_CHECKING:
    from types import TracebackType

    from typing_extensions import Self


class SignalReceiver:
    """A context manager and async iterator of signal numbers (see the module docstring)."""

    def __init__(self, signals: tuple[int, ...]) -> None:
        self._signals = signals
        self._loop: AbstractEventLoop | None = None
        # Invariant: each pending kind appears once; dict order = first arrival.
        self._pending: dict[int, None] = {}
        self._waiter: Future[None] | None = None
        # The Python-level handler of each signal we took over, to put back.
        self._previous: dict[int, Any] = {}

    def __enter__(self) -> Self:
        self._loop = loop = get_running_loop()
        try:
            for signum in self._signals:
                if signum not in self._previous:
                    previous = signal.getsignal(signum)
                    loop.add_signal_handler(signum, self._deliver, signum)
                    self._previous[signum] = previous
        except BaseException:
            self._restore()
            raise
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_val: BaseException | None,
        exc_tb: TracebackType | None,
    ) -> None:
        self._restore()

    def _restore(self) -> None:
        assert self._loop is not None
        for signum, previous in self._previous.items():
            self._loop.remove_signal_handler(signum)
            # None: the handler was not installed from Python; leave the default.
            if previous is not None:
                signal.signal(signum, previous)
        self._previous.clear()

    def _deliver(self, signum: int) -> None:
        self._pending[signum] = None
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    def __aiter__(self) -> Self:
        return self

    async def __anext__(self) -> int:
        if self._pending:
            await _tasks.checkpoint()
        else:
            await self._park()
        signum = next(iter(self._pending))
        del self._pending[signum]
        return signum

    async def _park(self) -> None:
        if self._waiter is not None:
            raise BusyResourceError("receiving signals from")
        assert self._loop is not None
        self._waiter = self._loop.create_future()
        try:
            await self._waiter
        finally:
            self._waiter = None
        # A delivery woke us; the pending set cannot be empty (only we take from it).


def open_signal_receiver(*signals: int) -> SignalReceiver:
    """Return a receiver for ``signals`` (entering it installs the handlers)."""
    return SignalReceiver(signals)

"""Signal delivery on asyncio (and uvloop): ``loop.add_signal_handler``.

The loop runs our callback in its own thread, soon after the signal arrives.
The callback files the signal number in an ordered set of pending kinds and
wakes the task that iterates, if it is parked. A burst (SIGUSR1, SIGUSR2,
SIGUSR1) therefore reports each *kind* received, in the order each was first
seen, without ever losing one, as Trio's receiver does; repeats of a kind
still pending merge into one report, so a flood cannot grow memory.

Receivers of one signal may nest (a library opens one inside an application's
one). The loop keeps a single handler per signal, so we install it once per
loop and signal and keep a stack of the receivers open for it: a signal goes
to the innermost receiver, and when that one closes, the next one out gets
the signals again, as with Trio. (Letting each receiver call
``add_signal_handler`` itself would leave the outer receiver deaf, or the
signal's default action fatal, once the inner one closed.)

When the last receiver of a signal closes we remove the loop's handler and put
back the Python-level handler that the signal had before
(``remove_signal_handler`` alone would reset it to the default, which would,
for example, make a later SIGINT fatal instead of raising `KeyboardInterrupt`).
"""

from __future__ import annotations

import signal
from asyncio import AbstractEventLoop, Future, get_running_loop
from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary

from ..._core._exceptions import BusyResourceError
from . import _tasks

if TYPE_CHECKING:
    from types import TracebackType

    from typing_extensions import Self


class _Dispatch:
    """The loop's handler of one signal: delivers it to the innermost open receiver."""

    __slots__ = ("previous", "receivers")

    def __init__(self, previous: Any) -> None:
        #: The Python-level handler to put back when the last receiver closes.
        self.previous = previous
        # Invariant: non-empty while the loop's handler is installed; the last
        # element is the innermost receiver, the one that gets the signal.
        self.receivers: list[SignalReceiver] = []

    def __call__(self, signum: int) -> None:
        self.receivers[-1]._deliver(signum)


#: Per loop, the installed dispatchers by signal number.
_dispatchers: WeakKeyDictionary[AbstractEventLoop, dict[int, _Dispatch]] = WeakKeyDictionary()


class SignalReceiver:
    """A context manager and async iterator of signal numbers (see the module docstring)."""

    def __init__(self, signals: tuple[int, ...]) -> None:
        self._signals = tuple(dict.fromkeys(signals))
        self._loop: AbstractEventLoop | None = None
        # Invariant: each pending kind appears once; dict order = first arrival.
        self._pending: dict[int, None] = {}
        self._waiter: Future[None] | None = None
        # The signals whose dispatcher lists this receiver (to leave on exit).
        self._joined: list[int] = []

    def __enter__(self) -> Self:
        self._loop = loop = get_running_loop()
        try:
            for signum in self._signals:
                self._join(loop, signum)
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

    def _join(self, loop: AbstractEventLoop, signum: int) -> None:
        table = _dispatchers.setdefault(loop, {})
        dispatch = table.get(signum)
        if dispatch is None:
            dispatch = _Dispatch(signal.getsignal(signum))
            loop.add_signal_handler(signum, dispatch, signum)  # may raise: nothing to undo
            table[signum] = dispatch
        dispatch.receivers.append(self)
        self._joined.append(signum)

    def _restore(self) -> None:
        assert self._loop is not None
        table = _dispatchers.get(self._loop, {})
        for signum in self._joined:
            dispatch = table[signum]
            dispatch.receivers.remove(self)
            if dispatch.receivers:
                continue  # an outer receiver takes the signal over
            del table[signum]
            self._loop.remove_signal_handler(signum)
            # None: the handler was not installed from Python; leave the default.
            if dispatch.previous is not None:
                signal.signal(signum, dispatch.previous)
        self._joined.clear()

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

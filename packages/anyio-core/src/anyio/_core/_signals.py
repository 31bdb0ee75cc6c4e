"""Receiving operating-system signals (`anyio.open_signal_receiver`).

The backends do the work (``loop.add_signal_handler`` on asyncio,
``trio.open_signal_receiver`` on Trio; see `SignalBackend`). This module
checks what both need (the main thread, at least one signal) up front, with
one error for every backend, and turns the numbers into `signal.Signals`.
"""

from __future__ import annotations

import threading
from signal import Signals
from typing import TYPE_CHECKING

from ._backend import current_backend

if TYPE_CHECKING:
    from collections.abc import AsyncIterator
    from contextlib import AbstractContextManager
    from types import TracebackType

    from ._backend import Backend


def open_signal_receiver(*signals: Signals) -> AbstractContextManager[AsyncIterator[Signals]]:
    """Start receiving the given signals.

    Inside the ``with`` block the signals no longer have their usual effect
    (a `SIGINT` does not raise `KeyboardInterrupt`); instead, iterating the
    receiver yields each signal as it arrives. Signals that arrive in a burst
    are reported once per kind, in the order each kind first arrived: no kind
    is lost, but repeats of a kind not yet reported merge. On exit, the
    handlers that were in place before come back.

    Example:
        ```python
        with anyio.open_signal_receiver(signal.SIGTERM, signal.SIGHUP) as signals:
            async for signum in signals:
                if signum == signal.SIGHUP:
                    reload_config()
                else:
                    return
        ```

    Args:
        signals: the signals to receive (`signal.SIGTERM` and the like).

    Returns:
        A context manager that yields an async iterator of `signal.Signals`.

    Raises:
        RuntimeError: outside the main thread (the OS delivers signals only
            there), or without a running event loop.
        TypeError: if no signal was given.
        NotImplementedError: on an event loop without signal support
            (asyncio's ``ProactorEventLoop`` on Windows).
    """
    if threading.current_thread() is not threading.main_thread():
        raise RuntimeError(
            "open_signal_receiver() can only be used in the main thread, where Python "
            "runs signal handlers; run the event loop that receives signals there"
        )
    if not signals:
        raise TypeError("open_signal_receiver() needs at least one signal to receive")
    return _SignalReceiver(current_backend(), signals)


class _SignalReceiver:
    """The context manager that `open_signal_receiver()` returns.

    Like AnyIO's, it may be entered again once exited (each ``with`` block
    installs the handlers anew), and the iterator it yields refuses to wait
    once its block has exited, instead of waiting for ever.
    """

    __slots__ = ("_backend", "_iterator", "_native_cm", "_signals")

    def __init__(self, backend: Backend, signals: tuple[int, ...]) -> None:
        self._backend = backend
        self._signals = signals
        self._native_cm: AbstractContextManager[AsyncIterator[int]] | None = None
        self._iterator: _SignalIterator | None = None

    def __enter__(self) -> AsyncIterator[Signals]:
        if self._native_cm is not None:
            raise RuntimeError(
                "this signal receiver has already been entered; exit it first, or call "
                "open_signal_receiver() again"
            )
        native_cm = self._backend.open_signal_receiver(*self._signals)
        native = native_cm.__enter__()
        self._native_cm = native_cm
        self._iterator = _SignalIterator(native)
        return self._iterator

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_val: BaseException | None,
        exc_tb: TracebackType | None,
    ) -> bool | None:
        native_cm, self._native_cm = self._native_cm, None
        assert native_cm is not None
        assert self._iterator is not None
        self._iterator.exited = True
        self._iterator = None
        return native_cm.__exit__(exc_type, exc_val, exc_tb)


class _SignalIterator:
    """The backend's iterator of numbers, yielding `signal.Signals` members.

    A class, not an async generator: a generator abandoned by ``break`` would
    be left for the event loop to finalize.
    """

    __slots__ = ("_native", "exited")

    def __init__(self, native: AsyncIterator[int]) -> None:
        self._native = native
        #: Set when the ``with`` block that yielded this iterator has exited.
        self.exited = False

    def __aiter__(self) -> _SignalIterator:
        return self

    async def __anext__(self) -> Signals:
        if self.exited:
            # Nothing can arrive any more: waiting would hang for ever.
            raise RuntimeError(
                "open_signal_receiver block already exited; iterate the receiver "
                "inside its with block"
            )
        return Signals(await self._native.__anext__())

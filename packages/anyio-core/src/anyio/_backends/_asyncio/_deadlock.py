"""The deadlock watch on asyncio: a selector that notices a wait which nothing can end.

asyncio's ``_run_once`` calls ``loop._selector.select(None)`` exactly when no
callback is ready and no timer is scheduled. Around the loop's selector (or
the virtual clock's, see `_clock`), `_WatchingSelector` checks the rest of
the rules of `anyio._core._deadlock` at that moment: no file descriptor but
the loop's own wake-up socket, no ``add_signal_handler()`` handler, nothing
outside the loop (worker threads, signals, other threads). If all hold, it
waits `GRACE` real seconds for an event; with none, and everything still
quiet, it schedules the runner's report and returns at once instead of
sleeping forever.

uvloop's and the Windows proactor's loops have no such selector; they are
not watched (`install` returns False).
"""

from __future__ import annotations

import asyncio
import selectors
from typing import TYPE_CHECKING, Any

from ..._core._deadlock import GRACE, DeadlockWatch

if TYPE_CHECKING:
    from collections.abc import Callable

    from ..._core._io import FileDescriptorLike

_ATTR = "_anyio_deadlock_watch"


def current_watch() -> DeadlockWatch | None:
    """Return the deadlock watch of the running loop, if it has one."""
    watch: DeadlockWatch | None = getattr(asyncio.get_running_loop(), _ATTR, None)
    return watch


def install(
    loop: asyncio.AbstractEventLoop, watch: DeadlockWatch, on_deadlock: Callable[[], object]
) -> bool:
    """Watch ``loop`` for deadlocks, calling ``on_deadlock`` (in the loop) for each one.

    Returns:
        False, and nothing changed, for a loop without a selector (uvloop, proactor).
    """
    selector = getattr(loop, "_selector", None)
    if not isinstance(selector, selectors.BaseSelector):
        return False
    loop._selector = _WatchingSelector(selector, loop, watch, on_deadlock)  # type: ignore[attr-defined]
    setattr(loop, _ATTR, watch)
    return True


def real_world_pending(loop: asyncio.AbstractEventLoop, selector: selectors.BaseSelector) -> bool:
    """Tell whether I/O or an ``add_signal_handler()`` handler could still wake a task."""
    own = loop._ssock.fileno()  # type: ignore[attr-defined]  # the wake-up socket
    if any(key.fd != own for key in selector.get_map().values()):
        return True
    return bool(getattr(loop, "_signal_handlers", None))


class WrappedSelector(selectors.BaseSelector):
    """A selector that hands everything to the one it wraps; subclasses change ``select``."""

    def __init__(self, selector: selectors.BaseSelector) -> None:
        self._selector = selector

    def select(self, timeout: float | None = None) -> list[tuple[selectors.SelectorKey, int]]:
        return self._selector.select(timeout)

    def register(
        self, fileobj: FileDescriptorLike, events: int, data: Any = None
    ) -> selectors.SelectorKey:
        return self._selector.register(fileobj, events, data)

    def unregister(self, fileobj: FileDescriptorLike) -> selectors.SelectorKey:
        return self._selector.unregister(fileobj)

    def modify(
        self, fileobj: FileDescriptorLike, events: int, data: Any = None
    ) -> selectors.SelectorKey:
        return self._selector.modify(fileobj, events, data)

    def get_key(self, fileobj: FileDescriptorLike) -> selectors.SelectorKey:
        return self._selector.get_key(fileobj)

    def get_map(self) -> Any:
        return self._selector.get_map()

    def close(self) -> None:
        self._selector.close()


class _WatchingSelector(WrappedSelector):
    """A selector that reports, instead of sleeping forever, when nothing can wake the loop."""

    def __init__(
        self,
        selector: selectors.BaseSelector,
        loop: asyncio.AbstractEventLoop,
        watch: DeadlockWatch,
        on_deadlock: Callable[[], object],
    ) -> None:
        super().__init__(selector)
        self._loop = loop
        self._watch = watch
        self._on_deadlock = on_deadlock

    def _quiet(self) -> bool:
        return not real_world_pending(self._loop, self._selector) and self._watch.quiet_outside()

    def select(self, timeout: float | None = None) -> list[tuple[selectors.SelectorKey, int]]:
        if timeout is not None or not self._watch.enabled or not self._quiet():
            return self._selector.select(timeout)
        # Seen once: give a thread caught between two checks a moment to show up.
        events = self._selector.select(GRACE)
        if not events and self._quiet():
            self._loop.call_soon(self._on_deadlock)
        return events

"""Parking and waking Trio tasks for anyio's synchronization primitives."""

from __future__ import annotations

from typing import Any

import outcome
import trio

_WAITING, _WOKEN, _ABANDONED = 0, 1, 2


class Waiter:
    """One parked task. Trio guarantees that a task rescheduled by `wake()`
    is not aborted by a cancellation any more, so woken means woken."""

    __slots__ = ("_state", "_task")

    def __init__(self) -> None:
        self._task = trio.lowlevel.current_task()
        self._state = _WAITING

    async def wait(self) -> Any:
        return await trio.lowlevel.wait_task_rescheduled(self._abort)

    def _abort(self, raise_cancel: Any) -> trio.lowlevel.Abort:
        self._state = _ABANDONED
        return trio.lowlevel.Abort.SUCCEEDED

    def wake(self, value: object = None) -> bool:
        if self._state != _WAITING:
            return False
        self._state = _WOKEN
        trio.lowlevel.reschedule(self._task, outcome.Value(value))
        return True

    def abandon(self) -> bool:
        if self._state == _WOKEN:
            return False
        self._state = _ABANDONED
        return True

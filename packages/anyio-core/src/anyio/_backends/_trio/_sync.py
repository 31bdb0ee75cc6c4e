"""Parking and waking Trio tasks for anyio's synchronization primitives."""

from __future__ import annotations

from contextlib import suppress
from typing import Any

import trio
from outcome import Value
from trio._core._run import GLOBAL_RUN_CONTEXT  # Trio internals, read only (Waiter)
from trio.lowlevel import Abort, wait_task_rescheduled

_WAITING, _WOKEN, _ABANDONED = 0, 1, 2


class Waiter:
    """One parked task. Trio guarantees that a task rescheduled by `wake()`
    is not aborted by a cancellation any more, so woken means woken."""

    __slots__ = ("_state", "_task", "_value")

    def __init__(self) -> None:
        # What trio.lowlevel.current_task() returns, less its wrapper frame (a
        # waiter is only made inside a Trio task).
        self._task: trio.lowlevel.Task = GLOBAL_RUN_CONTEXT.task
        self._state = _WAITING
        self._value: object = None

    def _abort(self, raise_cancel: Any) -> Abort:
        self._state = _ABANDONED
        return Abort.SUCCEEDED


# Module functions rather than methods: the backend exposes them directly, so
# a wait or a wake costs no bound-method object and no wrapper coroutine. The
# Trio functions they call are module globals here (no trio.lowlevel lookups).
def wait(waiter: Waiter) -> Any:
    return wait_task_rescheduled(waiter._abort)  # noqa: ASYNC105 - awaited by the caller


def wake(waiter: Waiter, value: object = None) -> bool:
    if waiter._state != _WAITING:
        return False
    waiter._state = _WOKEN
    waiter._value = value
    # The task's own run, as trio.lowlevel.reschedule() finds it in a
    # thread-local (this runs in the waiter's thread: see SyncBackend.wake).
    task = waiter._task
    task._runner.reschedule(task, Value(value))
    return True


def wake_threadsafe(waiter: Waiter, value: object = None) -> None:
    runner = waiter._task._runner
    # In the waiter's own run (this thread's run context holds its runner): a
    # plain wake. Read through the context's __dict__: outside any run the
    # attribute is missing, and raising AttributeError costs more than this.
    if GLOBAL_RUN_CONTEXT.__dict__.get("runner") is runner:
        wake(waiter, value)
        return
    # Elsewhere, the waiter's run is reached through its entry queue, what a
    # TrioToken wraps; the task knows its run, where a token may not exist yet
    # (Trio makes one only when asked for it inside the run).
    with suppress(trio.RunFinishedError):
        runner.entry_queue.run_sync_soon(wake, waiter, value)  # Trio internals, read only


def abandon(waiter: Waiter) -> bool:
    if waiter._state == _WOKEN:
        return False
    waiter._state = _ABANDONED
    return True


def woken_value(waiter: Waiter) -> object:
    return waiter._value

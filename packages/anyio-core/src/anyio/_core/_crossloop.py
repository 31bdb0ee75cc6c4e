"""`TaskGroup.start()` called from an event loop other than the group's.

The problem
-----------
A task group belongs to the event loop that entered it. Programs sometimes
hand a task group to another thread that runs an event loop of its own (the
MCP SDK's tests open a group inside `anyio.run()` in a helper thread, then call
``await tg.start(fn)`` from the main thread's loop). The child must run in the
group's loop, and the caller, parked in its own loop, must be woken when the
child calls ``task_status.started()``. Neither half works with the
single-loop machinery: spawning a task touches the group's loop from the wrong
thread, and completing the caller's future (asyncio) or rescheduling its task
(Trio) from the group's thread does not wake the caller's loop, which sleeps in
its selector until some unrelated timer fires, possibly never.

What we do
----------
Every step that crosses threads goes through a loop token, the one thread-safe
door into an event loop (``call_soon_threadsafe`` on asyncio, ``TrioToken`` on
Trio):

1. the caller asks the group's loop, through its token, to spawn a *starter*
   task there; the starter calls ``group.start(fn, ...)``, which now runs in
   the group's own loop and takes the ordinary path;
2. when ``start()`` returns (the child called ``started()``) or raises, the
   starter posts the outcome to the caller's loop through the caller's token,
   where a plain callback wakes the parked caller;
3. if the caller is cancelled while it waits, it asks the group's loop to
   cancel the starter (which cancels the child, as a cancelled ``start()``
   does) and waits, shielded, for the starter's last word.

Until ``started()``, the child belongs to the starter, which stands in for the
caller in the group's loop. The starter runs in a fresh, empty context: a copy
of the caller's would carry the caller's loop library into sniffio's context
variable, and the group may run another library.
"""

from __future__ import annotations

from contextlib import suppress
from contextvars import Context
from typing import TYPE_CHECKING, Any

from ._backend import current_backend
from ._exceptions import RunFinishedError
from ._tasks import CancelScope

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from ._backend import Backend


class _Handoff:
    """What the caller's loop and the group's loop share for one `start()` call.

    The group's thread writes ``outcome`` and then wakes the caller through the
    caller's token; the caller reads it after it has been woken.
    """

    __slots__ = ("caller", "caller_token", "cancel_requested", "outcome", "scope", "waiter")

    def __init__(self, caller: Backend) -> None:
        self.caller = caller
        self.caller_token = caller.current_native_token()
        self.waiter: Any = caller.create_waiter()
        #: ``(True, value)`` or ``(False, exception)``; set once, by the starter.
        self.outcome: tuple[bool, Any] | None = None
        # Touched in the group's loop only:
        self.scope: CancelScope | None = None
        self.cancel_requested = False


async def start_in_loop(
    group_backend: Backend, group_token: object, start: Callable[[], Awaitable[Any]]
) -> Any:
    """Await ``start()`` in the loop of ``group_token``; return its result here.

    Args:
        group_backend: the backend of the group's loop.
        group_token: that loop's native token.
        start: calls ``TaskGroup.start(...)`` of the group (called in its loop).

    Raises:
        RuntimeError: if the group's loop has finished.
    """
    handoff = _Handoff(current_backend())
    try:
        group_backend.run_sync_soon(group_token, _spawn_starter, group_backend, handoff, start)
    except RunFinishedError:
        raise RuntimeError(
            "The event loop of this task group has finished; start tasks while "
            "the group's 'async with' block is running"
        ) from None
    caller = handoff.caller
    try:
        await caller.wait(handoff.waiter)
    except BaseException:
        if caller.abandon(handoff.waiter):
            await _cancel_starter(group_backend, group_token, handoff)
        raise
    return _unwrap(handoff)


async def _cancel_starter(group_backend: Backend, group_token: object, handoff: _Handoff) -> None:
    """Cancel the starter in the group's loop; wait (shielded) until it is done."""
    caller = handoff.caller
    handoff.waiter = caller.create_waiter()
    try:
        group_backend.run_sync_soon(group_token, _cancel_in_group_loop, handoff)
    except RunFinishedError:
        return  # the group's loop is gone, and the child with it
    with CancelScope(shield=True):
        await caller.wait(handoff.waiter)


def _unwrap(handoff: _Handoff) -> Any:
    assert handoff.outcome is not None
    succeeded, value = handoff.outcome
    handoff.outcome = None  # no reference cycle through a raised exception
    if succeeded:
        return value
    try:
        raise value
    finally:
        del value


# -- in the group's loop -----------------------------------------------------------

_CANCELLED_IN_GROUP_LOOP = (
    "The child was cancelled in the task group's event loop before it called "
    "task_status.started() (the group, or its loop, is shutting down)"
)


def _spawn_starter(
    group_backend: Backend, handoff: _Handoff, start: Callable[[], Awaitable[Any]]
) -> None:
    group_backend.spawn_system_task(_starter, handoff, start, context=Context())


def _cancel_in_group_loop(handoff: _Handoff) -> None:
    handoff.cancel_requested = True
    if handoff.scope is not None:
        handoff.scope.cancel()


async def _starter(handoff: _Handoff, start: Callable[[], Awaitable[Any]]) -> None:
    cancelled = current_backend().cancelled_exception_class()
    outcome: tuple[bool, Any]
    with CancelScope() as scope:
        handoff.scope = scope
        if handoff.cancel_requested:
            scope.cancel()
        try:
            outcome = (True, await start())
        except cancelled:
            # The caller's loop has no use for this loop's cancellation class.
            outcome = (False, RuntimeError(_CANCELLED_IN_GROUP_LOOP))
        except BaseException as exc:  # delivered to the caller, never raised here
            outcome = (False, exc)
    _post_to_caller(handoff, outcome)


def _post_to_caller(handoff: _Handoff, outcome: tuple[bool, Any]) -> None:
    """Hand ``outcome`` to the caller's loop and wake the caller there."""
    caller = handoff.caller
    with suppress(RunFinishedError):  # the caller's loop is gone: nobody waits
        caller.run_sync_soon(handoff.caller_token, _deliver, handoff, outcome)


def _deliver(handoff: _Handoff, outcome: tuple[bool, Any]) -> None:
    """Runs in the caller's loop: record the outcome, then wake the caller."""
    handoff.outcome = outcome
    handoff.caller.wake(handoff.waiter)

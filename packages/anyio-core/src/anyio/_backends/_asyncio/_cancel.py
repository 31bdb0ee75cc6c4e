"""Level-triggered cancel scopes on top of asyncio's edge-triggered ``Task.cancel()``.

The problem
-----------
Trio's rule, which anyio promises on every backend: while a task is inside a
cancelled scope (and no shield stands between), *every* checkpoint raises the
cancellation exception, until the task leaves the scope; the scope that was
cancelled swallows the exception on exit. asyncio has only ``Task.cancel()``:
it throws ``CancelledError`` into the task once ("edge-triggered"), counts the
request (``cancelling()``, 3.11+) and expects whoever handles it to call
``uncancel()``. Code that catches the error and awaits again is not cancelled
again. asyncio's own tools (``asyncio.timeout``, ``asyncio.TaskGroup``) rely on
those counts being balanced.

What does not work
------------------
* Cancelling once and hoping: the task may catch the error (a ``finally`` that
  awaits, a retry loop) and then block forever inside a cancelled scope.
* Re-cancelling from a ``call_soon`` loop until the scope is left (what AnyIO
  does): it retries on every loop iteration while any task sits in a cancelled
  scope, so a task that waits in a shielded section, or on something that
  ignores cancellation, makes the loop spin at 100% CPU.
* Cancelling the task that is running right now: ``Task.cancel()`` on the
  current task sets a flag that fires at its next ``await`` - even if that
  ``await`` is outside the scope, after the scope was left normally.
* Cancelling a task whose wait already finished (its future has a result and
  its next step is scheduled): the result (an acquired lock, a received item)
  would be lost.
* Cancelling a task that has not started: its coroutine would be closed
  before its first line ran, unlike Trio, where it runs to its first checkpoint.

What we do
----------
Delivery is a *poke*: `deliver(task)` looks at the task's innermost scope,
walks outwards to the first shield and, if it finds a cancelled scope, does
exactly one of:

* the task is blocked on a pending future (or is merely ready, with no
  result to lose): ``task.cancel(msg)``, counted in ``TaskState.cancels``;
* the task is running, not started yet, or about to resume with a result:
  nothing now.

and in both cases schedules one more poke with ``call_soon``. Because the
task's own wake-up was scheduled before that poke, the poke runs right after
the task's next step, which is exactly when it may have blocked again. So the
pokes follow the task step by step while it stays in a cancelled scope, and
stop by themselves when it leaves the scope, finishes, or enters a shield:
an idle loop stays idle, so nothing spins. The events that can make a task
newly cancelled all poke it: `CancelScope.cancel()` (also from the deadline
timer), leaving a shielded scope, clearing ``shield``, entering a scope
that was cancelled beforehand, and a task group spawning into a cancelled
scope.

Telling our cancellations apart: the message of every ``CancelledError`` we
cause starts with ``"Cancelled via cancel scope "`` (AnyIO's wording, followed
by the scope's id, `` by <task>`` and ``; reason: ...``); a scope swallows only
those, so a native ``task.cancel()`` passes through every scope and task group.
When the outermost cancelled scope of a task is left, it calls ``uncancel()``
once per ``cancel()`` we made, so ``cancelling()`` is what it would have been
without us and ``asyncio.timeout()`` / ``asyncio.TaskGroup`` keep working
around and inside our scopes. A native request that arrives right after ours,
before the task ran, adds no exception of its own (the wait is already
cancelled): the count tells, so the scope does not swallow that one.

Invariants
----------
* ``TaskState.scope`` is the innermost active scope of the task, or None, and
  the task is in ``scope._tasks``; a scope is in its parent's ``_children``
  exactly while it is active.
* At most one poke per task is scheduled (``TaskState.poke_pending``).
* A scope is entered and left in the same task, in LIFO order (checked).
"""

from __future__ import annotations

import math
import sys
import threading
from asyncio import (
    AbstractEventLoop,
    CancelledError,
    Task,
    TimerHandle,
    current_task,
    get_running_loop,
)
from typing import TYPE_CHECKING, Any

from ..._core._tasks import WRONG_TASK_MSG
from ..._core._tasks import CancelScope as PublicCancelScope
from ._detect import running_asyncio_loop

if TYPE_CHECKING:
    from types import TracebackType

    from typing_extensions import Self

if sys.version_info < (3, 11):
    from exceptiongroup import BaseExceptionGroup

CANCEL_MSG_PREFIX = "Cancelled via cancel scope "
#: A NaN deadline would never fire (nor compare): refused, in Trio's words.
NAN_DEADLINE_MSG = "deadline must not be NaN"

if sys.version_info >= (3, 12):
    fast_current_task = current_task  # no system call since 3.12
    fast_running_loop = get_running_loop
else:
    import asyncio.tasks

    _current_tasks: dict[object, Task[Any]] = asyncio.tasks._current_tasks  # type: ignore[attr-defined]

    def fast_current_task() -> Task[Any] | None:
        """Return the running task, like ``asyncio.current_task()``.

        Before 3.12, ``current_task()`` finds the loop with a getpid() system
        call; the loop shown by the async-generator hook is as good and free.
        """
        loop = running_asyncio_loop()
        if loop is None:
            return current_task()
        return _current_tasks.get(loop)

    def fast_running_loop() -> AbstractEventLoop:
        """Return the running loop, like ``asyncio.get_running_loop()`` (see above)."""
        loop = running_asyncio_loop()
        return get_running_loop() if loop is None else loop


_UNENTERED, _ACTIVE, _EXITED = 0, 1, 2
_STATE_NAMES = ("unentered", "active", "exited")


class TaskState:
    """What the backend knows about one task."""

    __slots__ = ("baseline", "cancels", "parent_id", "poke_pending", "scope")

    def __init__(self, parent_id: int | None, scope: CancelScope | None) -> None:
        self.parent_id = parent_id
        # Invariant: the innermost active scope of the task (None: no scope).
        self.scope = scope
        # Task.cancel() calls made by us and not yet balanced by uncancel().
        self.cancels = 0
        # (3.11+) task.cancelling() just before the first of those calls; set
        # (and read) only while cancels > 0, so spawning does not pay for it.
        self.baseline: int
        # Invariant: True while a poke for this task sits in the ready queue.
        self.poke_pending = False


#: Every task that is in a cancel scope or was spawned by a task group.
#: Spawned tasks are removed by their group; foreign tasks by a done callback.
task_states: dict[Task[Any], TaskState] = {}


def state_of(task: Task[Any]) -> TaskState:
    """Return the state of ``task``, adopting a task that anyio did not spawn."""
    try:
        return task_states[task]
    except KeyError:
        state = task_states[task] = TaskState(None, None)
        task.add_done_callback(_forget_task)
        return state


def _forget_task(task: Task[Any]) -> None:
    task_states.pop(task, None)


def cancelled_origin(scope: CancelScope | None) -> CancelScope | None:
    """Return the cancelled scope that affects code in ``scope``, if any."""
    while scope is not None:
        if scope._cancel_called:
            return scope
        if scope._shield:
            return None
        scope = scope._parent
    return None


def is_scope_cancellation(exc: BaseException | None) -> bool:
    """Tell whether ``exc`` (or an exception it replaced) was raised by a cancel scope."""
    while isinstance(exc, CancelledError):
        if exc.args and str(exc.args[0]).startswith(CANCEL_MSG_PREFIX):
            return True
        exc = exc.__context__
    return False


def _has_started(task: Task[Any]) -> bool:
    coro: Any = task.get_coro()
    frame = getattr(coro, "cr_frame", None)
    if frame is None or getattr(coro, "cr_running", False):
        return True
    suspended = getattr(coro, "cr_suspended", None)
    if suspended is not None:  # 3.11+
        return bool(suspended)
    return bool(frame.f_lasti != -1)  # pragma: no cover - Python 3.10


def deliver(task: Task[Any]) -> None:
    """Poke ``task``: make it see the cancellation of a scope it is in."""
    state = task_states.get(task)
    if state is None or task.done():
        return
    origin = cancelled_origin(state.scope)
    if origin is None:
        return

    waiter: Any = task._fut_waiter  # type: ignore[attr-defined]  # asyncio internal
    if (
        task is not fast_current_task()
        and not task._must_cancel  # type: ignore[attr-defined]  # asyncio internal
        # A task with a pending waiter has started; one without a waiter is
        # ready to run, and must have started (or its coroutine would be
        # closed before its first line).
        and (not waiter.done() if waiter is not None else _has_started(task))
    ):
        if not state.cancels and sys.version_info >= (3, 11):
            state.baseline = task.cancelling()
        if task.cancel(origin._cancel_msg):
            state.cancels += 1

    if not state.poke_pending:
        state.poke_pending = True
        _schedule_poke(task)


# Pokes are batched: one ready-queue callback per loop iteration pokes every
# task that asked for one, instead of one callback per task (cancelling a group
# of a thousand tasks would otherwise add a thousand callbacks).
_batches = threading.local()


def _schedule_poke(task: Task[Any]) -> None:
    loop = task.get_loop()
    batch: tuple[object, list[Task[Any]]] | None = getattr(_batches, "current", None)
    if batch is None or batch[0] is not loop:
        batch = _batches.current = (loop, [])
        loop.call_soon(_poke_batch, batch)
    batch[1].append(task)


def _poke_batch(batch: tuple[object, list[Task[Any]]]) -> None:
    if getattr(_batches, "current", None) is batch:
        _batches.current = None
    for task in batch[1]:
        state = task_states.get(task)
        if state is not None:
            state.poke_pending = False
            deliver(task)


class CancelScope(PublicCancelScope):
    """The asyncio backend's cancel scope (see the module docstring)."""

    __slots__ = (
        "_cancel_called",
        "_cancel_msg",
        "_cancelled_caught",
        "_children",
        "_deadline",
        "_host",
        "_parent",
        "_reason",
        "_shield",
        "_state",
        "_tasks",
        "_timed_out",
        "_timer",
    )

    # The contract's rule (see anyio._core._tasks.CancelScope.__new__): the
    # public class's __new__ makes the running backend's class, so a backend's
    # class must make itself.
    def __new__(cls, *args: Any, **kwargs: Any) -> Self:
        return object.__new__(cls)

    def __init__(self, *, deadline: float = math.inf, shield: bool = False) -> None:
        if deadline != deadline:  # only NaN differs from itself (cheaper than isnan)
            raise ValueError(NAN_DEADLINE_MSG)
        self._deadline = deadline
        self._shield = shield
        self._cancel_called = False
        self._cancel_msg = ""
        self._cancelled_caught = False
        self._timed_out = False
        self._reason: str | None = None
        self._state = _UNENTERED
        self._host: Task[Any] | None = None
        self._parent: CancelScope | None = None
        # Invariant: the tasks whose innermost active scope is this one.
        self._tasks: set[Task[Any]] = set()
        # Invariant: the active scopes whose parent is this one.
        self._children: set[CancelScope] = set()
        self._timer: TimerHandle | None = None

    # -- entering and leaving -------------------------------------------------

    def __enter__(self) -> Self:
        if self._state != _UNENTERED:
            raise RuntimeError(
                f"{self!r} was already entered; a cancel scope can be used for "
                "one 'with' block only, so create a new one"
            )
        task = fast_current_task()
        if task is None:
            raise RuntimeError("A cancel scope can only be entered inside a task")
        state = task_states.get(task) or state_of(task)
        parent = self._parent = state.scope
        if parent is not None:
            parent._tasks.discard(task)
            parent._children.add(self)
        self._host = task
        self._tasks.add(task)
        state.scope = self
        self._state = _ACTIVE
        if self._deadline != math.inf:
            self._arm_timer()
        elif self._cancel_called:
            self._deliver_all()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_val: BaseException | None,
        exc_tb: TracebackType | None,
    ) -> bool:
        task = self._check_exit()
        state = task_states[task]
        self._state = _EXITED
        # A traceback may keep this scope alive (a frame's local): it must not
        # keep the task, and through it the task's exception, alive too.
        self._host = None
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self._tasks.discard(task)
        parent = state.scope = self._parent
        if parent is not None:
            parent._tasks.add(task)
            parent._children.discard(self)
        if not (self._cancel_called or self._shield):
            return False  # the common case: nothing changed for this task
        outer_cancelled = cancelled_origin(parent) is not None
        if outer_cancelled:
            # The task is now exposed to an outer cancellation: keep poking it.
            deliver(task)
        if not self._cancel_called:
            return False
        if outer_cancelled and not self._shield:
            # Let the outer cancelled scope swallow the exception and balance
            # the counts: to the code outside, it is one cancellation.
            return False
        if self._settle(task, state) or exc_val is None:
            return False
        if isinstance(exc_val, BaseExceptionGroup):
            return self._filter_group(exc_val)
        if isinstance(exc_val, CancelledError) and is_scope_cancellation(exc_val):
            self._cancelled_caught = True
            return True
        return False

    def _filter_group(self, group: BaseExceptionGroup[BaseException]) -> bool:
        """Remove our cancellations from ``group`` (at any depth); raise what is left.

        Scenario: the body caught this scope's cancellation together with a real
        error (``except BaseException`` around a task group, say) and raised
        both in one group. As on Trio, the scope takes its cancellations out and
        the rest goes on, keeping the group's ``__cause__`` and ``__context__``.
        """
        matched, rest = group.split(_is_scope_cancellation_leaf)
        if matched is None:
            return False
        self._cancelled_caught = True
        if rest is None:
            return True
        # Raising here would make the group we are leaving the rest's context.
        context = rest.__context__
        try:
            raise rest
        finally:
            rest.__context__ = context
            del rest, matched, context  # no frame of ours keeps the errors alive

    def _check_exit(self) -> Task[Any]:
        if self._state != _ACTIVE:
            raise RuntimeError(
                f"{self!r} is not active (it is {_STATE_NAMES[self._state]}); "
                "only an entered cancel scope can be exited"
            )
        task = fast_current_task()
        if task is None or task is not self._host:
            raise RuntimeError(WRONG_TASK_MSG)
        if task_states[task].scope is not self:
            raise RuntimeError(
                "Attempted to exit a cancel scope that isn't the current task's "
                f"current cancel scope ({self!r}); leave inner scopes first"
            )
        return task

    @staticmethod
    def _settle(task: Task[Any], state: TaskState) -> bool:
        """Undo the counts of our ``cancel()`` calls: nothing outside wants them.

        Returns whether a native cancel request is left over. Scenario
        (anyio#1214): ``task.cancel()`` in the same loop iteration as our own
        one finds the wait already cancelled, so it adds no exception of its
        own: the one we delivered carries both. Swallowing it would lose the
        native request, so the scope must let it through.
        """
        native = False
        if sys.version_info >= (3, 11) and state.cancels:
            for _ in range(state.cancels):
                task.uncancel()
            native = task.cancelling() > state.baseline
        state.cancels = 0
        return native

    # -- cancellation -----------------------------------------------------------

    def cancel(self, reason: str | None = None) -> None:
        self._cancel(reason, by_task=True)

    def _cancel(self, reason: str | None, *, by_task: bool) -> None:
        if self._cancel_called:
            return
        self._cancel_called = True
        self._cancel_msg = _cancel_message(self, reason, by_task=by_task)
        self._reason = reason
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self._state == _ACTIVE:
            self._deliver_all()

    def _deliver_all(self) -> None:
        """Poke every task that runs inside this scope or an unshielded inner one."""
        pending: list[CancelScope] = [self]
        while pending:
            scope = pending.pop()
            for task in scope._tasks:
                deliver(task)
            pending.extend(child for child in scope._children if not child._shield)

    def _arm_timer(self) -> None:
        loop = fast_running_loop()
        if self._deadline <= loop.time():
            self._on_deadline()
        else:
            self._timer = loop.call_at(self._deadline, self._on_deadline)

    def _on_deadline(self) -> None:
        self._timer = None
        if not self._cancel_called:
            self._timed_out = True
            # No " by <task>": no task asked for it, even when the entering
            # task finds the deadline passed (and formatting a task's repr
            # would make every zero timeout half again as slow).
            self._cancel("deadline exceeded", by_task=False)

    # -- properties ---------------------------------------------------------------

    @property
    def deadline(self) -> float:
        return self._deadline

    @deadline.setter
    def deadline(self, value: float) -> None:
        if math.isnan(value):
            raise ValueError(NAN_DEADLINE_MSG)
        self._deadline = float(value)
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self._state == _ACTIVE and not self._cancel_called and value != math.inf:
            self._arm_timer()

    @property
    def shield(self) -> bool:
        return self._shield

    @shield.setter
    def shield(self, value: bool) -> None:
        if not isinstance(value, bool):
            raise TypeError(f"shield must be a bool, not {type(value).__name__}")
        if self._shield != value:
            self._shield = value
            if not value and self._state == _ACTIVE:
                self._deliver_all()

    @property
    def cancel_called(self) -> bool:
        return self._cancel_called

    @property
    def cancelled_caught(self) -> bool:
        return self._cancelled_caught

    @property
    def timed_out(self) -> bool:
        return self._timed_out

    def __repr__(self) -> str:
        return (
            f"<CancelScope deadline={self._deadline} cancel_called="
            f"{self._cancel_called} shield={self._shield} "
            f"state={_STATE_NAMES[self._state]}>"
        )


def _cancel_message(scope: CancelScope, reason: str | None, *, by_task: bool) -> str:
    """Return AnyIO's message for the cancellations of ``scope``.

    ``Cancelled via cancel scope <id in hex>``, then `` by <task>`` when a task
    called `cancel()` (not a timer or a done callback), then ``; reason: ...``
    when a reason was given; a deadline gives ``deadline exceeded``. Code tells
    our cancellations from native ones by the prefix (`is_scope_cancellation`).
    """
    msg = f"{CANCEL_MSG_PREFIX}{id(scope):x}"
    task = _current_task_or_none() if by_task else None
    if task is not None:
        msg += f" by {task}"
    if reason is not None:
        msg += f"; reason: {reason}"
    return msg


def _current_task_or_none() -> Task[Any] | None:
    try:
        return fast_current_task()
    except RuntimeError:  # no running loop in this thread: no task to name
        return None


def _is_scope_cancellation_leaf(exc: BaseException) -> bool:
    return isinstance(exc, CancelledError) and is_scope_cancellation(exc)


def current_effective_deadline() -> float:
    task = current_task()
    state = task_states.get(task) if task is not None else None
    scope = state.scope if state is not None else None
    deadline = math.inf
    while scope is not None:
        if scope._cancel_called:
            return -math.inf
        deadline = min(deadline, scope._deadline)
        if scope._shield:
            break
        scope = scope._parent
    return deadline

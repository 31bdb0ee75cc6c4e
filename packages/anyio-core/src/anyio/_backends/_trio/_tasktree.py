"""The task tree and cancel reasons on Trio (see `anyio._core._tasktree`).

Tasks and nurseries come from Trio's public introspection (the root task,
``child_nurseries``, ``child_tasks``). A task's own cancel scopes and a
scope's cancel reason are read from Trio's private ``_cancel_status`` and
``_cancel_reason`` (read only, and only when a snapshot is asked for); a
Trio without them gives scopes without detail rather than an error.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import trio

from ..._core._tasktree import (
    CancelReason,
    ScopeSnapshot,
    TaskGroupSnapshot,
    TaskSnapshot,
    frames_of,
    recorded_cause,
    relative_deadline,
)
from ._cancel import CancelScope

if TYPE_CHECKING:
    from ..._core._tasks import CancelScope as PublicCancelScope

#: How Trio names the task that cancelled a scope.
_TASK_REPR = re.compile(r"<Task '(.*)' at 0x[0-9a-f]+>\Z", re.DOTALL)


def collect(now: float) -> tuple[TaskSnapshot, ...]:
    """Return Trio's root task with everything under it."""
    return (_snapshot(trio.lowlevel.current_root_task(), now),)


def _snapshot(task: Any, now: float) -> TaskSnapshot:
    nursery_scopes = {id(n.cancel_scope) for n in task.child_nurseries}
    parent = task.parent_nursery
    stop = parent.cancel_scope if parent is not None else None
    stack, awaiting = frames_of(task.coro)
    return TaskSnapshot(
        name=task.name,
        id=id(task),
        stack=stack,
        awaiting=awaiting,
        scopes=tuple(
            _scope(s, now) for s in _own_scopes(task, stop) if id(s) not in nursery_scopes
        ),
        groups=tuple(
            TaskGroupSnapshot(
                _scope(nursery.cancel_scope, now),
                tuple(_snapshot(child, now) for child in nursery.child_tasks),
            )
            for nursery in task.child_nurseries
        ),
        native=False,
    )


def _own_scopes(task: Any, stop: trio.CancelScope | None) -> list[trio.CancelScope]:
    """Return the Trio scopes ``task`` entered, outermost first, up to its nursery's."""
    scopes: list[trio.CancelScope] = []
    status = getattr(task, "_cancel_status", None)
    while status is not None:
        scope = getattr(status, "_scope", None)
        if scope is None or scope is stop:
            break
        if not scopes or scopes[-1] is not scope:
            scopes.append(scope)
        status = getattr(status, "_parent", None)
    scopes.reverse()
    return scopes


def _scope(scope: trio.CancelScope, now: float) -> ScopeSnapshot:
    return ScopeSnapshot(
        relative_deadline(scope.deadline, now),
        scope.shield,
        scope.cancel_called,
        _reason_of_native(scope, recorded_cause(scope)),
    )


def cancel_reason(scope: PublicCancelScope) -> CancelReason | None:
    """Return why ``scope`` was cancelled, or None if it was not (nor an enclosing scope)."""
    assert isinstance(scope, CancelScope)
    return _reason_of_native(scope._scope, recorded_cause(scope._scope))


def _reason_of_native(scope: trio.CancelScope, cause: str | None) -> CancelReason | None:
    native = getattr(scope, "_cancel_reason", None)
    if native is None:
        return CancelReason("explicit") if scope.cancel_called else None
    source = getattr(native, "source", "unknown")
    message = getattr(native, "reason", None)
    task = getattr(native, "source_task", None)
    if not scope.cancel_called:
        # Trio copies an enclosing scope's reason into the scopes it cancels.
        return CancelReason("enclosing", origin=_from_source(source, message, task, cause))
    return _from_source(source, message, task, cause)


def _from_source(
    source: str, message: str | None, task: str | None, cause: str | None
) -> CancelReason:
    if source == "deadline":
        return CancelReason("deadline")
    if source == "nursery" or cause is not None:
        return CancelReason("task_group", message=cause or message)
    found = _TASK_REPR.match(task or "")
    return CancelReason("explicit", message=message, task=found.group(1) if found else task)

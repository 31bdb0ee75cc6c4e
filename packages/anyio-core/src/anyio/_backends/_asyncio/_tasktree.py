"""The task tree and cancel reasons on asyncio (see `anyio._core._tasktree`).

Every task of the loop is in the snapshot, also those that anyio did not
start. A child of a task group is recognised by its scope chain: it climbs
from the child's innermost scope to the group's scope, the first one that
another task (the group's host) entered.
"""

from __future__ import annotations

import re
from asyncio import Task, all_tasks, get_running_loop
from typing import TYPE_CHECKING, Any

from ..._core._tasktree import (
    CancelReason,
    ScopeSnapshot,
    TaskGroupSnapshot,
    TaskSnapshot,
    frames_of,
    recorded_cause,
    relative_deadline,
)
from ._cancel import CancelScope, cancelled_origin, task_states

if TYPE_CHECKING:
    from ..._core._tasks import CancelScope as PublicCancelScope

_TASK_NAME = re.compile(r" by <Task \w+ name='((?:[^'\\]|\\.)*)'")


def collect(now: float) -> tuple[TaskSnapshot, ...]:
    """Return the root tasks of the running loop, each with its groups and children."""
    tasks = [task for task in all_tasks(get_running_loop()) if not task.done()]
    own_scopes = {task: _own_scopes(task) for task in tasks}
    # group scope -> its child tasks, for the children whose host is alive.
    children: dict[CancelScope, list[Task[Any]]] = {}
    roots: list[Task[Any]] = []
    for task in tasks:
        group = own_scopes[task][1]
        if group is not None and group._host in own_scopes:
            children.setdefault(group, []).append(task)
        else:
            roots.append(task)
    return tuple(_snapshot(task, own_scopes, children, now) for task in roots)


def _own_scopes(task: Task[Any]) -> tuple[list[CancelScope], CancelScope | None]:
    """Return the scopes ``task`` entered (innermost first) and its group's scope, if any."""
    state = task_states.get(task)
    scope = state.scope if state is not None else None
    own: list[CancelScope] = []
    while scope is not None and scope._host is task:
        own.append(scope)
        scope = scope._parent
    return own, scope


def _snapshot(
    task: Task[Any],
    own_scopes: dict[Task[Any], tuple[list[CancelScope], CancelScope | None]],
    children: dict[CancelScope, list[Task[Any]]],
    now: float,
) -> TaskSnapshot:
    scopes, group_scope = own_scopes[task]
    stack, awaiting = frames_of(task.get_coro())
    groups = tuple(
        TaskGroupSnapshot(
            _scope(scope, now),
            tuple(_snapshot(child, own_scopes, children, now) for child in children[scope]),
        )
        for scope in reversed(scopes)
        if scope in children
    )
    return TaskSnapshot(
        name=task.get_name(),
        id=id(task),
        stack=stack,
        awaiting=awaiting,
        scopes=tuple(_scope(s, now) for s in reversed(scopes) if s not in children),
        groups=groups,
        native=group_scope is None,
    )


def _scope(scope: CancelScope, now: float) -> ScopeSnapshot:
    return ScopeSnapshot(
        relative_deadline(scope._deadline, now),
        scope._shield,
        scope._cancel_called,
        cancel_reason(scope),
    )


def cancel_reason(scope: PublicCancelScope) -> CancelReason | None:
    """Return why ``scope`` was cancelled, or None if it was not (nor an enclosing scope)."""
    assert isinstance(scope, CancelScope)
    if not scope._cancel_called:
        origin = None if scope._shield else cancelled_origin(scope._parent)
        if origin is None:
            return None
        return CancelReason("enclosing", origin=cancel_reason(origin))
    if scope._timed_out or (
        scope._reason == "deadline exceeded" and " by " not in scope._cancel_msg
    ):
        return CancelReason("deadline")
    cause = recorded_cause(scope)
    if cause is not None:
        return CancelReason("task_group", message=cause)
    found = _TASK_NAME.search(scope._cancel_msg)
    return CancelReason("explicit", message=scope._reason, task=found and found.group(1))

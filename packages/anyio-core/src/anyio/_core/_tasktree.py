"""A printable snapshot of the running tasks: task groups, tasks, where they wait, their scopes.

When a program hangs, the question is "who waits for what, under which
deadline?". `get_task_tree()` answers it as data (frozen dataclasses, so a
test can assert on it) and `format_task_tree()` as text. Each backend collects
the facts it keeps anyway (asyncio: our task records and scope links; Trio:
its nurseries and cancel statuses), so taking a snapshot costs nothing until
it is asked for, and nothing on any hot path.

`CancelReason` says why a scope was cancelled. The facts come from what the
scopes record already (the reason string, the deadline flag, the task named in
the cancellation message); the one extra fact, a task group's failing child,
is kept in a weak side table written only on that (rare) failure path, so that
entering and leaving a scope costs what it did before.

Printing on demand: with ``ANYIO_TASK_TREE_SIGNAL=SIGUSR1`` (any signal name)
in the environment, `anyio.run()` installs a handler for that signal that
prints the tree to standard error (see `anyio._core._treesignal`).
"""

from __future__ import annotations

import importlib
import math
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from ._backend import BACKENDS, current_backend
from ._causes import record_cause, recorded_cause

__all__ = ("record_cause", "recorded_cause")  # re-exported for the backends

if TYPE_CHECKING:
    from types import FrameType

    from ._tasks import CancelScope

#: Environment variable naming the signal that prints the task tree.
SIGNAL_ENV = "ANYIO_TASK_TREE_SIGNAL"

CancelKind = Literal["explicit", "deadline", "task_group", "enclosing"]


@dataclass(frozen=True)
class CancelReason:
    """Why a cancel scope was cancelled (`CancelScope.cancel_reason`).

    Attributes:
        kind: ``"explicit"`` (someone called `CancelScope.cancel()`),
            ``"deadline"`` (its deadline passed), ``"task_group"`` (the scope of a
            task group whose child, or body, raised) or ``"enclosing"`` (the
            scope itself was not cancelled, but an enclosing, unshielded one was).
        message: the reason string given to ``cancel()``, if any; for
            ``"task_group"``, the repr of the exception that made the group cancel
            its tasks (a repr: a reason keeps no error alive), or on Trio, Trio's
            text naming it.
        task: the name of the task that called ``cancel()``, when known.
        origin: for ``"enclosing"``, the reason of the enclosing scope.
    """

    kind: CancelKind
    message: str | None = None
    task: str | None = None
    origin: CancelReason | None = None

    def describe(self) -> str:
        """Return the reason as one line of text."""
        if self.kind == "enclosing":
            inner = self.origin.describe() if self.origin is not None else "unknown"
            return f"an enclosing scope was cancelled ({inner})"
        if self.kind == "deadline":
            return "deadline exceeded"
        if self.kind == "task_group":
            return f"a task of its task group failed: {self.message}"
        text = "cancel() called"
        if self.task is not None:
            text += f" by {self.task}"
        if self.message:
            text += f": {self.message}"
        return text


@dataclass(frozen=True)
class ScopeSnapshot:
    """A cancel scope as a task tree shows it.

    Attributes:
        deadline: seconds from the snapshot's time to the deadline (negative:
            passed; ``math.inf``: none).
        shield: whether the scope shields its content from outer cancellation.
        cancel_called: whether it was cancelled (or its deadline passed).
        reason: why it was cancelled, if it was (or an enclosing scope was).
    """

    deadline: float
    shield: bool
    cancel_called: bool
    reason: CancelReason | None


@dataclass(frozen=True)
class Frame:
    """One frame of a suspended task: ``filename:lineno`` in ``function``."""

    filename: str
    lineno: int
    function: str

    def __str__(self) -> str:
        return f"{self.filename}:{self.lineno} in {self.function}"


@dataclass(frozen=True)
class TaskSnapshot:
    """One task: who it is, where it waits, its own scopes and the task groups it hosts.

    Attributes:
        name: the task's name.
        id: the task's id (as `anyio.TaskInfo.id`).
        stack: its coroutine frames, outermost first (empty if it has none).
        awaiting: what the innermost frame waits on (a future, a Trio trap...).
        scopes: the cancel scopes the task entered itself, outermost first
            (those of the task groups it runs in are on `TaskGroupSnapshot`).
        groups: the task groups it hosts, with their tasks.
        native: True for a task that no anyio task group started (on asyncio:
            plain ``create_task()`` tasks).
    """

    name: str
    id: int
    stack: tuple[Frame, ...]
    awaiting: str | None
    scopes: tuple[ScopeSnapshot, ...]
    groups: tuple[TaskGroupSnapshot, ...]
    native: bool = False

    @property
    def location(self) -> Frame | None:
        """Where the task is suspended: its innermost frame outside anyio, Trio and asyncio.

        The innermost frame of all when every frame is library code.
        """
        for frame in reversed(self.stack):
            if not is_library_frame(frame):
                return frame
        return self.stack[-1] if self.stack else None

    @property
    def awaited_call(self) -> str | None:
        """The function that `location` awaits (such as ``Event.wait``), if any."""
        where = self.location
        if where is None:
            return None
        index = self.stack.index(where)
        return self.stack[index + 1].function if index + 1 < len(self.stack) else None


@dataclass(frozen=True)
class TaskGroupSnapshot:
    """A task group (a Trio nursery) and the tasks that run in it.

    Attributes:
        scope: the group's own cancel scope.
        tasks: its running child tasks.
    """

    scope: ScopeSnapshot
    tasks: tuple[TaskSnapshot, ...]


@dataclass(frozen=True)
class TaskTree:
    """A snapshot of every task of the running event loop (`get_task_tree()`).

    Attributes:
        backend: ``"asyncio"`` or ``"trio"``.
        time: the loop's time when the snapshot was taken.
        roots: the tasks that have no parent task in the snapshot (the main
            task; on asyncio also tasks started with plain ``create_task()``).
    """

    backend: str
    time: float
    roots: tuple[TaskSnapshot, ...]

    def __str__(self) -> str:
        return format_task_tree(self)


def get_task_tree() -> TaskTree:
    """Take a snapshot of the running loop's tasks, task groups and cancel scopes.

    Returns:
        The tree, rooted at the tasks without a parent.

    Raises:
        NoEventLoopError: outside an event loop.
    """
    backend = current_backend()
    now = backend.current_time()
    roots: tuple[TaskSnapshot, ...] = _backend_module(backend.name).collect(now)
    return TaskTree(backend.name, now, roots)


def format_task_tree(tree: TaskTree | None = None) -> str:
    """Render a task tree as indented text (take a snapshot first if none is given).

    Example:
        ```python
        print(anyio.lowlevel.format_task_tree())
        ```
    """
    if tree is None:
        tree = get_task_tree()
    lines = [f"anyio task tree ({tree.backend}, time {tree.time:.3f}):"]
    for root in tree.roots:
        _format_task(root, lines, "")
    return "\n".join(lines)


def _format_task(task: TaskSnapshot, lines: list[str], indent: str) -> None:
    native = " [not in a task group]" if task.native else ""
    lines.append(f"{indent}task {task.name!r} (id {task.id:#x}){native}")
    where = task.location
    if where is not None:
        call = task.awaited_call
        lines.append(f"{indent}  at {where}" + (f", awaiting {call}()" if call else ""))
    if task.awaiting:
        lines.append(f"{indent}  waits on {task.awaiting}")
    lines.extend(f"{indent}  in {format_scope(scope)}" for scope in task.scopes)
    for group in task.groups:
        if not group.tasks:
            continue
        lines.append(f"{indent}  task group, {format_scope(group.scope)}")
        for child in group.tasks:
            _format_task(child, lines, indent + "    ")


def format_scope(scope: ScopeSnapshot) -> str:
    """Render one scope: deadline from now, shield, cancel state and reason."""
    parts = ["cancel scope"]
    if scope.deadline != math.inf:
        parts.append(f"deadline in {scope.deadline:.3f}s")
    if scope.shield:
        parts.append("shielded")
    if scope.cancel_called:
        parts.append("cancel called")
    if scope.reason is not None:
        parts.append(f"reason: {scope.reason.describe()}")
    return ", ".join(parts)


# -- helpers for the backends ------------------------------------------------------


def frames_of(coro: object) -> tuple[tuple[Frame, ...], str | None]:
    """Follow a coroutine's chain of awaits: its frames, and what the innermost one awaits.

    A coroutine that is running (the task taking the snapshot) awaits nothing.
    """
    frames: list[Frame] = []
    awaitable: object = coro
    for _ in range(1000):  # a guard against a cycle in a hand-made awaitable chain
        frame = _frame_of(awaitable)
        if frame is None:
            break
        frames.append(_frame(frame, awaitable))
        awaitable = _awaited_by(awaitable)
    if getattr(coro, "cr_running", False):
        return tuple(frames), "nothing (it is running: it took this snapshot)"
    if awaitable is None or _is_generator_like(awaitable):
        return tuple(frames), None
    return tuple(frames), _short_repr(awaitable)


def _frame(frame: FrameType, owner: object) -> Frame:
    code = frame.f_code
    # A coroutine or generator knows its qualified name on every Python (the
    # code object only from 3.11 on).
    name = getattr(owner, "__qualname__", None)
    if not isinstance(name, str):
        name = str(getattr(code, "co_qualname", code.co_name))
    return Frame(code.co_filename, frame.f_lineno, name)


#: Folders whose frames are machinery, not the code a reader wants to see: the
#: standard library, and the ``anyio`` (every distribution), ``trio`` and
#: ``asyncio`` packages wherever they are installed.
_LIBRARY_DIRS = (
    os.path.dirname(os.__file__) + os.sep,
    *(os.sep + name + os.sep for name in ("anyio", "trio", "asyncio", "outcome")),
)


def is_library_frame(frame: Frame) -> bool:
    """Tell whether ``frame`` belongs to anyio, Trio or the standard library."""
    return any(part in frame.filename for part in _LIBRARY_DIRS)


def _frame_of(obj: object) -> FrameType | None:
    for attr in ("cr_frame", "gi_frame", "ag_frame"):
        frame = getattr(obj, attr, None)
        if frame is not None:
            return frame  # type: ignore[no-any-return]
    return None


def _awaited_by(obj: object) -> object:
    for attr in ("cr_await", "gi_yieldfrom", "ag_await"):
        inner = getattr(obj, attr, None)
        if inner is not None:
            return inner
    return None


def _is_generator_like(obj: object) -> bool:
    return any(hasattr(obj, attr) for attr in ("cr_frame", "gi_frame", "ag_frame"))


def _short_repr(obj: object) -> str:
    try:
        text = repr(obj)
    except Exception as exc:  # a broken __repr__ must not break the dump
        text = f"<{type(obj).__name__} (repr failed: {exc!r})>"
    return text if len(text) <= 200 else text[:197] + "..."


def relative_deadline(deadline: float, now: float) -> float:
    """Return ``deadline`` as seconds from ``now`` (``math.inf`` stays)."""
    return math.inf if deadline == math.inf else deadline - now


def cancel_reason_of(scope: CancelScope) -> CancelReason | None:
    """Return why ``scope`` was cancelled, asking the backend that made it."""
    backend_package = type(scope).__module__.rpartition(".")[0]
    reason: CancelReason | None = importlib.import_module(
        backend_package + "._tasktree"
    ).cancel_reason(scope)
    return reason


def _backend_module(name: str) -> Any:
    return importlib.import_module(BACKENDS[name][0] + "._tasktree")


for _obj in (
    CancelReason,
    Frame,
    ScopeSnapshot,
    TaskGroupSnapshot,
    TaskSnapshot,
    TaskTree,
    format_task_tree,
    get_task_tree,
):
    _obj.__module__ = "anyio.lowlevel"  # its public home
del _obj

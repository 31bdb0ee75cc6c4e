"""Task groups and task introspection on Trio (thin wrappers around nurseries)."""

from __future__ import annotations

import sys
from functools import partial
from typing import TYPE_CHECKING, Any

import trio

from ..._core._backend import get_backend
from ..._core._crossloop import start_in_loop
from ..._core._taskinfo import TaskInfo
from ..._core._tasks import ENTERED_TWICE_MSG
from ...abc._tasks import TaskGroup as AbstractTaskGroup
from ._cancel import TRIO_TAKES_REASON, CancelScope

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable
    from types import TracebackType

    from typing_extensions import Self

if sys.version_info >= (3, 11):
    from typing import TypeVarTuple, Unpack
else:
    from exceptiongroup import BaseExceptionGroup
    from typing_extensions import TypeVarTuple, Unpack

PosArgsT = TypeVarTuple("PosArgsT")


class TaskGroup(AbstractTaskGroup):
    """The Trio backend's task group: a nursery with anyio's error rules."""

    def __init__(self) -> None:
        self._entered = False
        self._active = False
        self._manager = trio.open_nursery(strict_exception_groups=True)
        self._nursery: trio.Nursery | None = None
        self._token: trio.lowlevel.TrioToken | None = None
        self.cancel_scope: CancelScope = None  # type: ignore[assignment]  # set on entry

    def __repr__(self) -> str:
        state = "active" if self._active else ("finished" if self._entered else "new")
        return f"<TaskGroup {state}>"

    async def __aenter__(self) -> Self:
        if self._entered:
            raise RuntimeError(ENTERED_TWICE_MSG)
        self._entered = True
        self._nursery = nursery = await self._manager.__aenter__()
        # Where start() called from another thread's loop sends the child.
        self._token = trio.lowlevel.current_trio_token()
        self.cancel_scope = CancelScope(original=nursery.cancel_scope)
        self._active = True
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc_val: BaseException | None,
        exc_tb: TracebackType | None,
    ) -> bool:
        leaf: BaseException | None = None
        try:
            if exc_val is not None and self._nursery is not None:
                _cancel_for(self._nursery, exc_val)
            return bool(await self._manager.__aexit__(exc_type, exc_val, exc_tb))
        except BaseExceptionGroup as exc:
            # A group of nothing but cancellations leaves as one bare
            # cancellation, which an outer scope can swallow.
            leaf = _lone_cancellation(exc)
            if leaf is None:
                raise
        finally:
            self._active = False
            # Our frame is in the traceback of what leaves: keep no error in it.
            del exc_val, exc_tb
        # Raised outside the handler, so that Trio's group (whose traceback
        # holds Trio's frames, which hold the cancellation) does not become its
        # __context__: that would be a reference cycle keeping both alive.
        assert leaf is not None  # the only way here: the handler kept a cancellation
        try:
            raise leaf
        finally:
            del leaf

    def _check_active(self) -> trio.Nursery:
        if not self._active or self._nursery is None:
            raise RuntimeError(
                "This task group is not active; no new tasks can be started. "
                "Start tasks inside the 'async with' block of the group."
            )
        return self._nursery

    def start_soon(
        self,
        func: Callable[[Unpack[PosArgsT]], Awaitable[Any]],
        *args: Unpack[PosArgsT],
        name: object = None,
    ) -> None:
        self._check_active().start_soon(func, *args, name=name)

    async def start(
        self, func: Callable[..., Awaitable[Any]], *args: object, name: object = None
    ) -> Any:
        nursery = self._check_active()
        token = self._token
        if not (trio.lowlevel.in_trio_run() and trio.lowlevel.current_trio_token() is token):
            # Called from an event loop in another thread: the child must run
            # in the group's Trio run, and wake the caller in its own (_crossloop).
            return await start_in_loop(
                get_backend("trio"), token, partial(self.start, func, *args, name=name)
            )
        return await nursery.start(func, *args, name=name)


def _cancel_for(nursery: trio.Nursery, exc: BaseException) -> None:
    """Cancel ``nursery`` because its block raised ``exc``, as Trio would on exit.

    Trio cancels the children from inside its ``__aexit__``: their
    cancellations are then created with that frame below them, and its frame
    holds the group that holds them, a reference cycle that keeps the block's
    exception alive. Cancelling from here first leaves no such cycle.
    """
    reason = f"Code block inside nursery contextmanager raised exception {exc!r}"
    if TRIO_TAKES_REASON:
        nursery.cancel_scope.cancel(reason=reason)
    else:  # pragma: no cover - a Trio without cancel reasons
        nursery.cancel_scope.cancel()


def _lone_cancellation(group: BaseExceptionGroup[Any]) -> BaseException | None:
    """Return the first cancellation in ``group`` if it holds nothing else, else None.

    It walks the group without `split()`: a split copy would hold the
    traceback, and so our frame, in a reference cycle.
    """
    first: BaseException | None = None
    pending: list[BaseException] = [group]
    while pending:
        exc = pending.pop()
        if isinstance(exc, BaseExceptionGroup):
            pending.extend(reversed(exc.exceptions))
        elif isinstance(exc, trio.Cancelled):
            first = first or exc
        else:
            return None
    return first


class TrioTaskInfo(TaskInfo):
    __slots__ = ("_task",)

    def __init__(self, task: trio.lowlevel.Task) -> None:
        parent = task.parent_nursery
        parent_id = id(parent.parent_task) if parent is not None else None
        super().__init__(id(task), parent_id, task.name, task.coro)
        self._task = task

    def has_pending_cancellation(self) -> bool:
        status = getattr(self._task, "_cancel_status", None)
        return bool(getattr(status, "effectively_cancelled", False))


def get_current_task() -> TaskInfo:
    return TrioTaskInfo(trio.lowlevel.current_task())


def get_running_tasks() -> list[TaskInfo]:
    infos: list[TaskInfo] = []
    pending = [trio.lowlevel.current_root_task()]
    while pending:
        task = pending.pop()
        if task is None:
            continue
        infos.append(TrioTaskInfo(task))
        for nursery in task.child_nurseries:
            pending.extend(nursery.child_tasks)
    return infos

"""Task groups and task introspection on Trio (thin wrappers around nurseries)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

import trio

from ..._core._taskinfo import TaskInfo
from ..._core._tasks import ENTERED_TWICE_MSG
from ...abc._tasks import TaskGroup as AbstractTaskGroup
from ._cancel import CancelScope

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
        self.cancel_scope: CancelScope = None  # type: ignore[assignment]  # set on entry

    def __repr__(self) -> str:
        state = "active" if self._active else ("finished" if self._entered else "new")
        return f"<TaskGroup {state}>"

    async def __aenter__(self) -> Self:
        if self._entered:
            raise RuntimeError(ENTERED_TWICE_MSG)
        self._entered = True
        self._nursery = nursery = await self._manager.__aenter__()
        self.cancel_scope = CancelScope(original=nursery.cancel_scope)
        self._active = True
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc_val: BaseException | None,
        exc_tb: TracebackType | None,
    ) -> bool:
        try:
            return bool(await self._manager.__aexit__(exc_type, exc_val, exc_tb))
        except BaseExceptionGroup as exc:
            # A group of nothing but cancellations leaves as one bare
            # cancellation, which an outer scope can swallow.
            cancelled, rest = exc.split(trio.Cancelled)
            if rest is None and cancelled is not None:
                raise _first_leaf(cancelled) from None
            raise
        finally:
            self._active = False
            del exc_val, exc_tb

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
        return await self._check_active().start(func, *args, name=name)


def _first_leaf(group: BaseExceptionGroup[Any]) -> BaseException:
    exc: BaseException = group
    while isinstance(exc, BaseExceptionGroup):
        exc = exc.exceptions[0]
    return exc


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

"""Task groups and task introspection on Trio (thin wrappers around nurseries)."""

from __future__ import annotations

import sys
from functools import partial
from types import CoroutineType
from typing import TYPE_CHECKING, Any, TypeVar

import trio

# Trio internals, used only by TaskHandle.cancel() (see TrioTaskHandle._cancel_now).
from trio._core._run import CancelStatus as _CancelStatus

from ..._core._backend import get_backend
from ..._core._causes import record_cause
from ..._core._crossloop import start_in_loop
from ..._core._handles import (
    TaskHandle,
    TaskStatusEnum,
    callable_name,
    coroutine_name,
    not_a_coroutine,
)
from ..._core._taskinfo import TaskInfo
from ..._core._tasks import ENTERED_TWICE_MSG
from ...abc._tasks import TaskGroup as AbstractTaskGroup
from ._cancel import TRIO_TAKES_REASON, CancelScope

if TYPE_CHECKING:
    from collections.abc import Callable, Coroutine
    from contextvars import Context
    from types import TracebackType

    from typing_extensions import Self

if sys.version_info >= (3, 11):
    from typing import TypeVarTuple, Unpack
else:
    from exceptiongroup import BaseExceptionGroup
    from typing_extensions import TypeVarTuple, Unpack

PosArgsT = TypeVarTuple("PosArgsT")
T = TypeVar("T")

_PENDING = TaskStatusEnum.PENDING
_FINISHED = TaskStatusEnum.FINISHED
_FAILED = TaskStatusEnum.FAILED
_CANCELLED = TaskStatusEnum.CANCELLED


class TrioTaskHandle(TaskHandle[T]):
    """A child's `TaskHandle` on Trio: `_run_child()` writes the outcome into it.

    A Trio nursery keeps no outcome of its children, so each child runs inside
    `_run_child()`, a one-frame wrapper coroutine. Spawning pays for two attribute
    stores here; the rest are class-level defaults, replaced on the instance only
    when used (no ``__slots__``: the base class has a ``__dict__`` anyway).
    Cancelling one task must not cost every task a cancel scope (entering a Trio
    scope costs more than spawning), so `cancel()` makes one only when called:
    see `_cancel_now()`.
    """

    _status = _PENDING
    _value: Any = None
    _exc: BaseException | None = None
    _start_value: Any = None
    _done: trio.Event | None = None  # made by the first wait()
    _own_status: Any = None  # the Trio CancelStatus that cancel() spliced in

    def __init__(self, coro: Coroutine[Any, Any, T], name: object) -> None:
        self._coro = coro
        # A string, or the function whose "module.qualname" is the name (made when
        # first asked for: spawning does not format it twice, Trio does it too).
        self._name = name

    def _get_status(self) -> TaskStatusEnum:
        return self._status

    def _get_value(self) -> T:
        return self._value  # type: ignore[no-any-return]  # set with FINISHED

    def _get_exception(self) -> BaseException:
        assert self._exc is not None
        return self._exc

    def _get_start_value(self) -> Any:
        return self._start_value

    @property
    def name(self) -> str:
        name = self._name
        if not isinstance(name, str):
            name = self._name = callable_name(name)  # type: ignore[arg-type]  # a function
        return name

    @property
    def coro(self) -> Coroutine[Any, Any, T]:
        return self._coro

    async def wait(self) -> None:
        if self._status is not _PENDING:
            await trio.lowlevel.checkpoint()
            return
        if self._done is None:
            self._done = trio.Event()
        await self._done.wait()

    def cancel(self) -> None:
        if self._status is not _PENDING or self._own_status is not None:
            return
        task = self._find_task()
        if task is not None:
            self._cancel_now(task)

    def _find_task(self) -> trio.lowlevel.Task | None:
        """Find the Trio task running this handle's wrapper (a walk of the task tree).

        Rare (only `cancel()` needs it), so spawning does not pay to record it.
        """
        pending = [trio.lowlevel.current_root_task()]
        while pending:
            task = pending.pop()
            if task is None:
                continue
            coro: Any = task.coro
            if getattr(coro, "cr_code", None) in _WRAPPER_CODES:
                frame = coro.cr_frame
                if frame is not None and frame.f_locals.get("handle") is self:
                    return task
            for nursery in task.child_nurseries:
                pending.extend(nursery.child_tasks)
        return None

    def _cancel_now(self, task: trio.lowlevel.Task) -> None:
        """Cancel ``task`` alone, level-triggered, with a scope spliced in now.

        Trio's ``TaskStatus.started()`` moves a task between nurseries the same
        way: a new CancelStatus goes between the nursery's status and the
        outermost status of the task (or the task itself), then its scope is
        cancelled. Shielded scopes inside the task still shield.
        """
        nursery = task.parent_nursery
        assert nursery is not None
        root = nursery._cancel_status
        scope = trio.CancelScope()
        own = _CancelStatus(scope=scope, parent=None)
        scope._cancel_status = own
        inner: _CancelStatus | None = task._cancel_status
        if inner is root:
            task._activate_cancel_status(own)
        else:
            # The task is inside scopes of its own: re-parent the outermost one.
            while inner is not None and inner.parent is not root:
                inner = inner.parent
            if inner is not None:
                inner.parent = own
        own.parent = root
        self._own_status = own
        scope.cancel()


async def _run_child(handle: TrioTaskHandle[Any], coro: Coroutine[Any, Any, Any]) -> None:
    """Run ``coro`` as the body of a child task, recording its outcome in ``handle``."""
    try:
        handle._value = await coro
        handle._status = _FINISHED
    except trio.Cancelled:
        handle._status = _CANCELLED
        own = handle._own_status
        if own is None or (own.parent is not None and own.parent.effectively_cancelled):
            raise  # the group's (or an outer) cancellation: the nursery takes it
        # Cancelled through the handle alone: the task ends here, quietly.
    except BaseException as exc:
        handle._exc = exc
        handle._status = _FAILED
        raise
    finally:
        if handle._own_status is not None:
            handle._own_status.parent = None
        if handle._done is not None:
            handle._done.set()
        del handle, coro  # a traceback holds this frame: no cycle through the handle


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
        func: Callable[[Unpack[PosArgsT]], Coroutine[Any, Any, T]],
        *args: Unpack[PosArgsT],
        name: object = None,
    ) -> TrioTaskHandle[T]:
        nursery = self._nursery
        if not self._active or nursery is None:
            nursery = self._check_active()  # raises
        coro = func(*args)
        if type(coro) is not CoroutineType and not hasattr(coro, "cr_frame"):
            raise not_a_coroutine(f"{callable_name(func)}()'s return value", coro)
        if name is None:
            name = func  # Trio formats "module.qualname" from it (partials unwrapped)
        elif not isinstance(name, str):
            name = str(name)
        handle: TrioTaskHandle[T] = TrioTaskHandle(coro, name)
        nursery.start_soon(_run_child, handle, coro, name=name)
        return handle

    def create_task(
        self,
        coro: Coroutine[Any, Any, T],
        *,
        name: object = None,
        context: Context | None = None,
    ) -> TrioTaskHandle[T]:
        if not hasattr(coro, "cr_frame"):
            raise not_a_coroutine("create_task()'s argument", coro)
        try:
            nursery = self._check_active()
        except RuntimeError:
            coro.close()  # never awaited: no "was never awaited" warning on top
            raise
        task_name = coroutine_name(coro) if name is None else str(name)
        handle: TrioTaskHandle[T] = TrioTaskHandle(coro, task_name)
        if context is None:
            nursery.start_soon(_run_child, handle, coro, name=task_name)
        else:
            _spawn_in_context(nursery, handle, coro, task_name, context)
        return handle

    # The typed overloads live on the abstract `TaskGroup`, which is what
    # `create_task_group()` returns; this is the one implementation.
    async def start(
        self,
        func: Callable[..., Coroutine[Any, Any, T]],
        *args: object,
        name: object = None,
        return_handle: bool = False,
    ) -> Any:
        nursery = self._check_active()
        token = self._token
        if not (trio.lowlevel.in_trio_run() and trio.lowlevel.current_trio_token() is token):
            # Called from an event loop in another thread: the child must run
            # in the group's Trio run, and wake the caller in its own (_crossloop).
            return await start_in_loop(
                get_backend("trio"),
                token,
                partial(self.start, func, *args, name=name, return_handle=return_handle),
            )
        task_name = callable_name(func) if name is None else str(name)
        holder: list[TrioTaskHandle[Any]] = []
        try:
            value = await nursery.start(
                _run_started, holder, func, args, task_name, name=task_name
            )
        except BaseException:
            # The error's traceback holds Trio's frame, which holds the holder;
            # the handle holds the error: empty the holder, or that is a cycle.
            holder.clear()
            raise
        handle = holder.pop()
        handle._start_value = value
        return handle if return_handle else value


async def _run_started(
    holder: list[TrioTaskHandle[Any]],
    func: Callable[..., Coroutine[Any, Any, Any]],
    args: tuple[Any, ...],
    name: str,
    *,
    task_status: trio.TaskStatus[Any],
) -> None:
    """The body of a `start()`-ed child: make its coroutine and handle, then run it."""
    coro = func(*args, task_status=task_status)
    if not hasattr(coro, "cr_frame"):
        raise not_a_coroutine(f"{callable_name(func)}()'s return value", coro)
    handle: TrioTaskHandle[Any] = TrioTaskHandle(coro, name)
    holder.append(handle)
    del holder
    try:
        await _run_child(handle, coro)
    finally:
        del handle  # an error's traceback holds this frame; the handle holds the error


def _spawn_in_context(
    nursery: trio.Nursery,
    handle: TrioTaskHandle[Any],
    coro: Coroutine[Any, Any, Any],
    name: str,
    context: Context,
) -> None:
    """Spawn the child in ``context`` (Trio's start_soon has no such argument)."""
    runner = trio._core._run.GLOBAL_RUN_CONTEXT.runner
    runner.spawn_impl(_run_child, (handle, coro), nursery, name, context=context)


def _cancel_for(nursery: trio.Nursery, exc: BaseException) -> None:
    """Cancel ``nursery`` because its block raised ``exc``, as Trio would on exit.

    Trio cancels the children from inside its ``__aexit__``: their
    cancellations are then created with that frame below them, and its frame
    holds the group that holds them, a reference cycle that keeps the block's
    exception alive. Cancelling from here first leaves no such cycle.
    """
    reason = f"Code block inside nursery contextmanager raised exception {exc!r}"
    if not isinstance(exc, trio.Cancelled):
        record_cause(nursery.cancel_scope, exc)  # for CancelScope.cancel_reason
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
        super().__init__(id(task), parent_id, task.name, _user_coro(task.coro))
        self._task = task

    def has_pending_cancellation(self) -> bool:
        status = getattr(self._task, "_cancel_status", None)
        return bool(getattr(status, "effectively_cancelled", False))


def _user_coro(coro: Any) -> Any:
    """Return the coroutine a child runs, not `_run_child()` (or `_run_started()`) around it."""
    while getattr(coro, "cr_code", None) in _WRAPPER_CODES:
        frame = coro.cr_frame
        inner = frame.f_locals.get("coro") if frame is not None else None
        if inner is None:
            break
        coro = inner
    return coro


_WRAPPER_CODES = (_run_child.__code__, _run_started.__code__)


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

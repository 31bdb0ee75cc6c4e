"""Task groups and task introspection on Trio (thin wrappers around nurseries)."""

from __future__ import annotations

import sys
from functools import partial
from types import CoroutineType, FunctionType
from typing import TYPE_CHECKING, Any, TypeVar

import trio
from outcome import Outcome, Value

# Trio internals: the run's spawn (what Nursery.start_soon calls) and, for
# TaskHandle.cancel() only, CancelStatus (see TrioTaskHandle._cancel_now).
from trio._core._run import GLOBAL_RUN_CONTEXT
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
    not_a_coroutine_result,
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
    """A child's `TaskHandle` on Trio: the group's ``_child_finished`` records the outcome.

    A Trio nursery keeps no outcome of its children. Rather than run each child
    in a wrapper coroutine that records it (a frame on every step of every
    task), the task group puts its own ``_child_finished`` on the nursery: Trio
    calls it with the task and its outcome when the task exits, and it files
    the outcome into the handle before Trio's own method sees it (see
    `_outcome_recorder`). Spawning pays for the handle (five slot stores) and one
    entry in the group's task-to-handle table; the rarely used fields are
    class-level defaults, replaced on the instance only when used. Cancelling
    one task must not cost every task a cancel scope (entering a Trio scope
    costs more than spawning), so `cancel()` makes one only when called: see
    `_cancel_now()`.
    """

    # Slots for the fields the recorder reads for every child (a slot is read
    # faster than a class-level default behind an instance dict).
    __slots__ = ("_done", "_own_status", "_status", "_task", "_value")

    _exc: BaseException | None = None
    _start_value: Any = None
    _coro: Any = None  # the task's coroutine when it is not task.coro (start())

    def __init__(self, task: trio.lowlevel.Task) -> None:
        # TaskGroup.start_soon() and create_task() set these without this
        # method (spawning's hottest path): keep the three in step.
        self._task = task
        self._status = _PENDING
        self._value: Any = None
        self._done: trio.Event | None = None  # made by the first wait()
        self._own_status: Any = None  # the Trio CancelStatus that cancel() spliced in

    def _get_status(self) -> TaskStatusEnum:
        return self._status

    def _get_value(self) -> T:
        return self._value  # type: ignore[no-any-return]  # set with FINISHED

    def _get_exception(self) -> BaseException:
        assert self._exc is not None
        return self._exc

    def _get_start_value(self) -> Any:
        return self._start_value

    def _cancel_requested(self) -> bool:
        return self._own_status is not None

    def _get_cancellation(self) -> BaseException | None:
        return self._exc

    @property
    def return_value(self) -> T:
        # The base class's rules in one frame: gather() reads it for every task.
        if self._status is _FINISHED:
            return self._value  # type: ignore[no-any-return]  # set with FINISHED
        raise self._not_a_value(self._status)

    @property
    def name(self) -> str:
        return self._task.name

    @property
    def coro(self) -> Coroutine[Any, Any, T]:
        coro = self._coro
        return coro if coro is not None else self._task.coro

    async def wait(self) -> None:
        if self._status is not _PENDING:
            await trio.lowlevel.checkpoint()
            return
        if self._done is None:
            self._done = trio.Event()
        await self._done.wait()

    def cancel(self) -> None:
        if self._status is _PENDING and self._own_status is None:
            self._cancel_now(self._task)

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


def _outcome_recorder(
    handles: dict[trio.lowlevel.Task, TrioTaskHandle[Any]],
) -> Callable[[trio.lowlevel.Task, Outcome[Any]], None]:
    """Return what stands in for a nursery's ``_child_finished``: it fills the handles.

    Trio's run loop calls it (outside any task) when a child exits: it records
    the outcome in the child's handle, then hands Trio's own method the outcome,
    or ``Value(None)`` for a child that ended by a cancellation of its handle
    alone (which is no error of the group's). It closes over the group's table,
    not the group: the nursery holds it, and must not hold the group.
    """
    pop = handles.pop

    def child_finished(task: trio.lowlevel.Task, result: Outcome[Any]) -> None:
        handle = pop(task, None)
        if handle is not None:
            if type(result) is Value:
                handle._value = result.value
                handle._status = _FINISHED
            else:
                result = _record_error(handle, result)
            if handle._own_status is not None:
                handle._own_status.parent = None
            if handle._done is not None:
                handle._done.set()
        # The nursery this recorder stands in for (an exiting child has one).
        _nursery_child_finished(task._parent_nursery, task, result)  # type: ignore[arg-type]

    return child_finished


def _record_error(handle: TrioTaskHandle[Any], result: Outcome[Any]) -> Outcome[Any]:
    """Record a child's error in ``handle``; return what its nursery should get."""
    exc: BaseException = result.error  # type: ignore[attr-defined]  # an Error
    if not isinstance(exc, trio.Cancelled):
        handle._exc = exc
        handle._status = _FAILED
        return result
    handle._exc = exc  # the __cause__ of TaskCancelled
    handle._status = _CANCELLED
    own = handle._own_status
    if own is None or (own.parent is not None and own.parent.effectively_cancelled):
        return result  # the group's (or an outer) cancellation: the nursery takes it
    return _NOTHING  # cancelled through the handle alone: the task ends quietly


_nursery_child_finished = trio.Nursery._child_finished
#: The code flag of an `async def` function (`inspect.CO_COROUTINE`, without the import).
_CO_COROUTINE = 0x80
#: Makes an instance without calling its __init__ (see TaskGroup.start_soon).
_new_object = object.__new__
_NOTHING: Value[None] = Value(None)


def _identity(coro: Coroutine[Any, Any, T]) -> Coroutine[Any, Any, T]:
    """What Trio calls to "make" the coroutine of `create_task()`: it exists already."""
    return coro


#: How Trio's spawn begins the errors for a function that made no coroutine.
_TRIO_SPAWN_ERRORS = ("Trio expected", "Trio got", "Trio was expecting", "start_soon expected")


class TaskGroup(AbstractTaskGroup):
    """The Trio backend's task group: a nursery with anyio's error rules."""

    def __init__(self) -> None:
        self._entered = False
        self._active = False
        self._manager = trio.open_nursery(strict_exception_groups=True)
        self._nursery: trio.Nursery | None = None
        self._token: trio.lowlevel.TrioToken | None = None
        self._runner: object = None  # Trio's Runner of the run the group is in
        # Invariant: holds the handle of each child that has not exited yet
        # (spawned here, or start()-ed and past its handle's creation).
        self._handles: dict[trio.lowlevel.Task, TrioTaskHandle[Any]] = {}
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
        # The run the group belongs to (start() compares it with the running one).
        self._runner = runner = GLOBAL_RUN_CONTEXT.runner
        # What nursery.start_soon() calls, less a frame and a lookup per child.
        self._spawn = runner.spawn_impl
        # Shadows Trio's method on this nursery (see TrioTaskHandle).
        # (mypy: an attribute that shadows a method on purpose.)
        nursery._child_finished = _outcome_recorder(self._handles)  # type: ignore[method-assign,assignment]
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
        if not self._active:
            self._check_active()  # raises
        if name is None:
            if type(func) is not FunctionType:
                # Trio would say "None.async_generator.asend" for a built-in's method.
                name = callable_name(func)
        elif not isinstance(name, str):
            name = str(name)
        # With no name, Trio formats "module.qualname" of func (partials unwrapped).
        try:
            task = self._spawn(func, args, self._nursery, name)
        except TypeError as exc:
            if str(exc).startswith(_TRIO_SPAWN_ERRORS):
                raise not_a_coroutine(f"{callable_name(func)}()'s return value", exc) from exc
            raise
        # TrioTaskHandle(task), less its __init__ frame (spawning's hottest path).
        handle: TrioTaskHandle[T] = _new_object(TrioTaskHandle)
        handle._task = task
        handle._status = _PENDING
        handle._value = handle._done = handle._own_status = None
        self._handles[task] = handle
        return handle

    def create_task(
        self,
        coro: Coroutine[Any, Any, T],
        *,
        name: object = None,
        context: Context | None = None,
    ) -> TrioTaskHandle[T]:
        if type(coro) is not CoroutineType and not hasattr(coro, "cr_frame"):
            raise not_a_coroutine("create_task()'s argument", coro)
        if not self._active:
            coro.close()  # never awaited: no "was never awaited" warning on top
            self._check_active()  # raises
        task_name = coroutine_name(coro) if name is None else str(name)
        task = self._spawn(_identity, (coro,), self._nursery, task_name, context=context)
        handle: TrioTaskHandle[T] = _new_object(TrioTaskHandle)
        handle._task = task
        handle._status = _PENDING
        handle._value = handle._done = handle._own_status = None
        self._handles[task] = handle
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
        # The run this thread is in, if any (a Trio run has one token, one
        # runner): cheaper than asking for in_trio_run() and the token.
        if getattr(GLOBAL_RUN_CONTEXT, "runner", None) is not self._runner:
            # Called from an event loop in another thread: the child must run
            # in the group's Trio run, and wake the caller in its own (_crossloop).
            return await start_in_loop(
                get_backend("trio"),
                self._token,
                partial(self.start, func, *args, name=name, return_handle=return_handle),
            )
        if name is None:
            task_name = (
                f"{func.__module__}.{func.__qualname__}"
                if type(func) is FunctionType
                else callable_name(func)
            )
        else:
            task_name = name if type(name) is str else str(name)
        if (
            not return_handle
            and type(func) is FunctionType
            and func.__code__.co_flags & _CO_COROUTINE
        ):
            # An `async def` function, and no handle wanted: _run_started has
            # nothing to do (no handle to make, no result to check), so Trio runs
            # the function itself, without a wrapper frame around every step.
            return await nursery.start(func, *args, name=task_name)
        # The child puts its handle here, or the error of a synchronous wrapper
        # that called started() before failing (see _run_started).
        holder: list[Any] = []
        try:
            value = await nursery.start(
                _run_started, self._handles, holder, nursery, func, args, name=task_name
            )
        except BaseException:
            # The child is gone (it failed, or was cancelled, before started()).
            # The error's traceback holds Trio's frame, which holds the holder,
            # and the handle may come to hold the error: empty both, no cycle.
            for handle in holder:
                self._handles.pop(handle._task, None)
            holder.clear()
            raise
        handle = holder.pop()
        if isinstance(handle, BaseException):
            try:
                raise handle
            finally:
                del handle  # this frame is in its traceback
        if return_handle:
            # Only here does the handle go out: no other store of the value
            # (which would give every start()-ed child's handle a dict).
            handle._start_value = value
            return handle
        return value


async def _run_started(
    handles: dict[trio.lowlevel.Task, TrioTaskHandle[Any]],
    holder: list[Any],
    nursery: trio.Nursery,
    func: Callable[..., Coroutine[Any, Any, Any]],
    args: tuple[Any, ...],
    *,
    task_status: trio.TaskStatus[Any],
) -> Any:
    """The body of a `start()`-ed child: make its coroutine and handle, then run it.

    Trio's ``start()`` spawns the task itself, so this is where the handle
    learns its task; the group's ``_child_finished`` records the outcome once
    ``started()`` has moved the task into the group's nursery.

    Making the coroutine can fail after ``started()`` when ``func`` is a
    synchronous wrapper (``started()`` twice, or no coroutine returned). The
    error then belongs to the caller of `start()`, as on asyncio (where the
    caller calls ``func``), not to the group that the task has just joined: it
    goes back through ``holder`` and the task ends quietly.
    """
    task = GLOBAL_RUN_CONTEXT.task  # trio.lowlevel.current_task(), less its frame
    try:
        coro = func(*args, task_status=task_status)
        if type(coro) is not CoroutineType and not hasattr(coro, "cr_frame"):
            raise not_a_coroutine_result(func, coro)
    except BaseException as exc:
        if task.parent_nursery is not nursery:
            raise  # started() was not called: Trio's start() raises it in the caller
        holder.append(exc)
        del holder, handles  # its traceback holds this frame
        return None
    # TrioTaskHandle(task), less its __init__ frame (see TaskGroup.start_soon).
    handle: TrioTaskHandle[Any] = _new_object(TrioTaskHandle)
    handle._task = task
    handle._status = _PENDING
    handle._value = handle._done = handle._own_status = None
    handle._coro = coro
    handles[task] = handle
    holder.append(handle)
    # An error's traceback holds this frame, and the handle will hold the error.
    del holder, handles, handle
    return await coro


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
    """Return the coroutine a child runs, not `_run_started()` around it."""
    while getattr(coro, "cr_code", None) in _WRAPPER_CODES:
        frame = coro.cr_frame
        inner = frame.f_locals.get("coro") if frame is not None else None
        if inner is None:
            break
        coro = inner
    return coro


_WRAPPER_CODES = (_run_started.__code__,)


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

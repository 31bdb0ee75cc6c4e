"""Task groups, task status and task introspection on asyncio.

Collecting a group's errors
---------------------------
Children are plain ``asyncio.Task`` objects with a done callback; no wrapper
coroutine runs around them (that would cost a frame per task and hide the
task's own coroutine). The done callback files the outcome:

* a return value: nothing to do;
* a ``CancelledError``: expected when the group (or an outer scope) is
  cancelled; a child cancelled natively while its group is not cancelled
  cancels the group, as in AnyIO;
* any other exception: appended to ``_errors`` and the group is cancelled.

The host waits in ``__aexit__`` for the children. If the host is cancelled
while it waits, the children are cancelled too and the rest of the wait is
shielded: poking the host again while it merely waits for its children would
only wake it up for nothing. Finally the collected errors leave as one
``BaseExceptionGroup`` (even a single error), and the group's scope swallows
its own cancellation.

Spawning is never eager: under ``asyncio.eager_task_factory`` a child would
otherwise run before ``start_soon()`` returns, which breaks the ordering
guarantees that anyio code relies on.
"""

from __future__ import annotations

import sys
import types
import weakref
from asyncio import (
    AbstractEventLoop,
    CancelledError,
    Future,
    InvalidStateError,
    Task,
    _get_running_loop,
    all_tasks,
    current_task,
    iscoroutine,
)
from contextlib import suppress
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar, cast

from ..._core._backend import get_backend
from ..._core._causes import record_cause
from ..._core._crossloop import start_in_loop
from ..._core._handles import (
    TaskHandle,
    TaskStatusEnum,
    coroutine_name,
    not_a_coroutine,
    not_a_coroutine_result,
)
from ..._core._handles import callable_name as callable_name
from ..._core._taskinfo import TaskInfo
from ..._core._tasks import ENTERED_TWICE_MSG
from ...abc._tasks import TaskGroup as AbstractTaskGroup
from ._cancel import (
    _ACTIVE,
    _EXITED,
    CancelScope,
    TaskState,
    cancelled_origin,
    deliver,
    fast_current_task,
    fast_running_loop,
    is_scope_cancellation,
    task_states,
)
from ._detect import running_asyncio_loop

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Coroutine, Generator
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

#: The task running in a given loop, like ``current_task(loop)``.
_task_running_in: Callable[[Any], Task[Any] | None]
if sys.version_info >= (3, 12):
    from asyncio import eager_task_factory

    _EAGER_CODE: object = eager_task_factory.__code__
    _task_running_in = current_task  # C code since 3.12
else:
    import asyncio.tasks

    _EAGER_CODE = object()
    # What current_task(loop) looks up, without its Python frame.
    _task_running_in = asyncio.tasks._current_tasks.get  # type: ignore[attr-defined]  # asyncio internal

#: The running loop if a cheap look shows it, else None (then ask asyncio).
_cheap_running_loop: Callable[[], Any] = (
    _get_running_loop if sys.version_info >= (3, 12) else running_asyncio_loop
)


def _task_maker(loop: AbstractEventLoop) -> Callable[..., Task[Any]]:
    """Return how to create tasks on ``loop``: never eagerly, but honouring
    any other task factory the application installed."""
    factory = loop.get_task_factory()
    if factory is None or getattr(factory, "__code__", None) is _EAGER_CODE:
        return partial(Task, loop=loop)
    return loop.create_task


def _inactive_group() -> RuntimeError:
    return RuntimeError(
        "This task group is not active; no new tasks can be started. "
        "Start tasks inside the 'async with' block of the group."
    )


class AsyncioTaskHandle(TaskState, TaskHandle[T]):
    """A child's `TaskHandle`, which is also its `TaskState` (one record per task).

    The outcome is read off the ``asyncio.Task`` when asked; spawning pays only
    for the few fields below. `cancel()` splices a scope of the task's own under
    the scopes the task entered (see `_splice_own_scope`), so that the task is
    cancelled level-triggered, like inside any cancelled scope, while its group is
    not.
    """

    __slots__ = ("_root", "_task")

    # Rarely set, so class-level defaults (the base class gives instances a
    # __dict__): spawning stores nothing for them.
    #: The scope cancel() spliced in, or None.
    _own_scope: CancelScope | None = None
    #: The value the task passed to started().
    _start_value: Any = None
    #: The futures of the tasks in wait(), woken by the group's done callback.
    _waiters: list[Future[None]] | None = None

    def __init__(self, parent_id: int | None, scope: CancelScope) -> None:
        # TaskState's fields, set here rather than through its __init__ (spawn
        # path). TaskGroup.start_soon() makes a handle without this method: keep
        # the two in step.
        self.parent_id = parent_id
        self.scope = scope
        self.cancels = 0
        self.poke_pending = False
        # The group's scope, at the bottom of this task's scope chain.
        self._root = scope
        self._task: Task[T]  # set right after the task is made

    def _get_status(self) -> TaskStatusEnum:
        task = self._task
        if not task.done():
            return TaskStatusEnum.PENDING
        if task.cancelled():
            return TaskStatusEnum.CANCELLED
        if task.exception() is not None:
            return TaskStatusEnum.FAILED
        return TaskStatusEnum.FINISHED

    def _get_value(self) -> T:
        return self._task.result()

    def _get_exception(self) -> BaseException:
        exc = self._task.exception()
        assert exc is not None
        return exc

    def _get_start_value(self) -> Any:
        return self._start_value

    def _cancel_requested(self) -> bool:
        return self._own_scope is not None

    def _get_cancellation(self) -> BaseException | None:
        try:
            self._task.result()
        except CancelledError as exc:
            return exc
        return None  # pragma: no cover - asked only of a cancelled task

    @property
    def return_value(self) -> T:
        # The base class's rules in one frame: gather() reads it for every task.
        task = self._task
        if task.done() and not task.cancelled() and task.exception() is None:
            return task.result()
        raise self._not_a_value(self._get_status())

    @property
    def name(self) -> str:
        return self._task.get_name()

    @property
    def coro(self) -> Coroutine[Any, Any, T]:
        return cast("Coroutine[Any, Any, T]", self._task.get_coro())

    async def wait(self) -> None:
        task = self._task
        if task.done():
            await checkpoint_if_cancelled()
            await cancel_shielded_checkpoint()
            return
        waiter: Future[None] = task.get_loop().create_future()
        waiters = self._waiters
        if waiters is None:
            waiters = self._waiters = []
        waiters.append(waiter)
        try:
            await waiter
        finally:
            # Still in the list (the group's done callback only detaches it).
            waiters.remove(waiter)
            # A cancellation's traceback holds this frame.
            del waiter, waiters

    def cancel(self) -> None:
        task = self._task
        if task.done():
            return
        scope = self._own_scope
        if scope is None:
            scope = self._own_scope = self._splice_own_scope(task)
        scope.cancel()

    def _splice_own_scope(self, task: Task[Any]) -> CancelScope:
        """Put a new active scope between the group's scope and the task's own scopes."""
        root = self._root
        own = CancelScope()
        own._state = _ACTIVE
        own._host = task
        own._parent = root
        root._children.add(own)
        _reparent(self, root, own)
        return own

    def _unsplice(self) -> None:
        """Retire the scope of `cancel()` once the task is done (it is never exited)."""
        own = self._own_scope
        if own is not None:
            own._state = _EXITED
            own._host = None
            own._tasks.clear()
            self._root._children.discard(own)


#: Makes an instance without calling its __init__ (see TaskGroup.start_soon).
_new_object = object.__new__


def _move_child(handle: AsyncioTaskHandle[Any], source: CancelScope, target: CancelScope) -> None:
    """Move a child, with the scopes it entered, from under ``source`` to under ``target``.

    The child is either directly in ``source`` or inside scopes of its own, the
    outermost of which is a child scope of ``source``. A cancellation of
    ``target`` reaches it at its next checkpoint (`deliver()` does not cancel
    the running task, and a child that has not started is only poked).
    """
    _reparent(handle, source, target)
    deliver(handle._task)


def _reparent(handle: AsyncioTaskHandle[Any], source: CancelScope, target: CancelScope) -> None:
    """Put the child (or the outermost scope it entered) under ``target`` instead of ``source``."""
    if handle.scope is source:
        task = handle._task
        source._tasks.discard(task)
        target._tasks.add(task)
        handle.scope = target
        return
    bottom = handle.scope
    while bottom is not None and bottom._parent is not source:
        bottom = bottom._parent
    if bottom is not None:  # (always: the child's scopes are under source)
        source._children.discard(bottom)
        bottom._parent = target
        target._children.add(bottom)


class TaskStatus:
    """The ``task_status`` given to a function started with `TaskGroup.start()`."""

    __slots__ = ("_future", "_group", "_handle", "_home")

    def __init__(self, future: Future[Any], group: TaskGroup) -> None:
        # None once the task has finished (see TaskGroup._on_child_done).
        self._future: Future[Any] | None = future
        self._group = group
        # Set once the task is spawned; None again once it has finished (see
        # TaskGroup._on_child_done).
        self._handle: AsyncioTaskHandle[Any] | None = None
        # The scope of the task calling start(), where the child waits until
        # started() moves it into the group's scope; None when it is not there.
        self._home: CancelScope | None = None

    def started(self, value: object = None) -> None:
        future = self._future
        try:
            if future is None:
                raise InvalidStateError
            future.set_result(value)
        except InvalidStateError:
            if future is None or not future.cancelled():
                raise RuntimeError("called 'started' twice on the same task status") from None
            home = None  # the start() call was cancelled: the child stays where it is
        else:
            home = self._home
        handle = self._handle
        # No handle._start_value here: only start() hands the handle out, and it
        # records the value itself (a store here would give each handle a dict).
        if handle is not None and home is not None:
            # Into the group's scope now (see _start_task). _move_child()
            # inlined for a child that entered no scope of its own (the common
            # case): one frame instead of three for every start().
            self._home = None
            target = self._group.cancel_scope
            if handle.scope is home:
                child = handle._task
                home._tasks.discard(child)
                target._tasks.add(child)
                handle.scope = target
                if target._cancel_called or (
                    not target._shield
                    and target._parent is not None
                    and cancelled_origin(target._parent)
                ):
                    deliver(child)
            else:
                _move_child(handle, home, target)
        task = fast_current_task()
        state = task_states.get(task) if task is not None else None
        group = self._group
        if state is not None and group._host is not None:
            state.parent_id = group._host_id


class TaskGroup(AbstractTaskGroup):
    """The asyncio backend's task group (see the module docstring)."""

    def __init__(self) -> None:
        self.cancel_scope: CancelScope = CancelScope()
        self._entered = False
        self._active = False
        self._host: Task[Any] | None = None
        self._host_id = 0  # id(self._host), computed once
        # Invariant: the number of children that have not finished yet.
        self._num_tasks = 0
        self._make_task: Callable[..., Task[Any]] = Task
        self._plain_loop: AbstractEventLoop | None = None
        # The loop the group runs in, while it is entered.
        self._loop: AbstractEventLoop | None = None
        # Children started with start() whose started() was not called yet.
        self._starting: dict[Task[Any], TaskStatus] = {}
        self._errors: list[BaseException] = []
        self._waiter: Future[None] | None = None
        self._on_done = self._on_child_done  # one bound method for every child
        # Whether a child ended with a cancellation exception.
        self._child_cancelled = False

    def __repr__(self) -> str:
        state = "active" if self._active else ("finished" if self._entered else "new")
        return f"<TaskGroup {state} tasks={self._num_tasks}>"

    async def __aenter__(self) -> Self:
        if self._entered:
            raise RuntimeError(ENTERED_TWICE_MSG)
        self._entered = True
        self.cancel_scope.__enter__()
        self._host = fast_current_task()
        self._host_id = id(self._host)
        self._loop = loop = fast_running_loop()
        self._make_task = _task_maker(loop)
        # Without a task factory of the application's, spawning calls Task itself
        # (a partial's call merges its keywords into a new dict every time).
        self._plain_loop = loop if isinstance(self._make_task, partial) else None
        self._active = True
        return self

    def start_soon(
        self,
        func: Callable[[Unpack[PosArgsT]], Coroutine[Any, Any, T]],
        *args: Unpack[PosArgsT],
        name: object = None,
    ) -> AsyncioTaskHandle[T]:
        # _spawn() inlined, and so are AsyncioTaskHandle.__init__, callable_name()
        # for a plain function and the first step of cancelled_origin(): spawning
        # is the hottest path of a task group, and each call is a frame per
        # child (benchmarks/handles_ab.py). Keep them in step.
        if not self._active:
            raise _inactive_group()
        coro = func(*args)
        if type(coro) is not types.CoroutineType and not iscoroutine(coro):
            raise not_a_coroutine_result(func, coro)
        if name is None:
            if type(func) is types.FunctionType:
                name = f"{func.__module__}.{func.__qualname__}"
            else:
                name = callable_name(func)
        if type(name) is not str:
            name = str(name)
        loop = self._plain_loop
        if loop is not None:
            task = Task(coro, loop=loop, name=name)
        else:
            task = self._make_task(coro, name=name)
        scope = self.cancel_scope
        # The handle is the child's TaskState: no extra record per task.
        handle: AsyncioTaskHandle[T] = _new_object(AsyncioTaskHandle)
        handle.parent_id = self._host_id
        handle.scope = handle._root = scope
        handle.cancels = 0
        handle.poke_pending = False
        handle._task = task
        task_states[task] = handle
        scope._tasks.add(task)
        self._num_tasks += 1
        task.add_done_callback(self._on_done)
        if scope._cancel_called or (
            not scope._shield and scope._parent is not None and cancelled_origin(scope._parent)
        ):
            deliver(task)  # it will see the cancellation at its first checkpoint
        return handle

    def create_task(
        self,
        coro: Coroutine[Any, Any, T],
        *,
        name: object = None,
        context: Context | None = None,
    ) -> AsyncioTaskHandle[T]:
        if type(coro) is not types.CoroutineType and not iscoroutine(coro):
            raise not_a_coroutine("create_task()'s argument", coro)
        if not self._active:
            coro.close()  # never awaited: no "was never awaited" warning on top
            raise _inactive_group()
        return self._spawn(
            coro, coroutine_name(coro) if name is None else str(name), context, self._host_id
        )

    def _spawn(
        self,
        coro: Coroutine[Any, Any, T],
        name: str,
        context: Context | None,
        parent_id: int,
    ) -> AsyncioTaskHandle[T]:
        """Spawn ``coro`` as a child task; return its handle (start_soon() inlines this)."""
        if context is None:
            loop = self._plain_loop
            if loop is not None:
                task = Task(coro, loop=loop, name=name)
            else:
                task = self._make_task(coro, name=name)
        elif sys.version_info >= (3, 11):
            task = self._make_task(coro, name=name, context=context)
        else:  # pragma: no cover - Python 3.10's Task copies the current context
            task = context.run(self._make_task, coro, name=name)
        scope = self.cancel_scope
        # AsyncioTaskHandle(parent_id, scope), less its __init__ frame.
        handle: AsyncioTaskHandle[T] = _new_object(AsyncioTaskHandle)
        handle.parent_id = parent_id
        handle.scope = handle._root = scope
        handle.cancels = 0
        handle.poke_pending = False
        handle._task = task
        task_states[task] = handle
        scope._tasks.add(task)
        self._num_tasks += 1
        task.add_done_callback(self._on_done)
        if scope._cancel_called or (
            not scope._shield and scope._parent is not None and cancelled_origin(scope._parent)
        ):
            deliver(task)  # it will see the cancellation at its first checkpoint
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
        loop = self._loop
        # The cheap check first: asyncio's own lookup costs a getpid() before 3.12.
        if (
            loop is not None
            and _cheap_running_loop() is not loop
            and _get_running_loop() is not loop
        ):
            # Called from an event loop in another thread: the child must run
            # in the group's loop, and wake the caller in its own (_crossloop).
            return await start_in_loop(
                get_backend("asyncio"),
                loop,
                partial(self.start, func, *args, name=name, return_handle=return_handle),
            )
        future: Future[Any] = (loop or fast_running_loop()).create_future()
        handle = self._start_task(func, args, name, future)
        task = handle._task
        try:
            value = await future
            if return_handle:
                # started() may have run before the handle existed (a synchronous
                # wrapper that calls it, then returns the coroutine).
                handle._start_value = value
                return handle
            return value
        except CancelledError:
            # The task belongs to the caller until it calls started(), so the
            # caller's cancellation cancels it; wait for it to go away.
            if not task.done():
                task.cancel()
                with CancelScope(shield=True), suppress(BaseException):
                    await task  # its outcome is ours to drop
            raise
        finally:
            # The error's traceback holds this frame: drop the references to the
            # future, the task and its handle, which hold the error (no cycle).
            del future, task, handle

    def _start_task(
        self,
        func: Callable[..., Awaitable[Any]],
        args: tuple[Any, ...],
        name: object,
        status: Future[Any],
    ) -> AsyncioTaskHandle[Any]:
        """Spawn ``func(*args, task_status=...)`` for `start()`, reporting to ``status``.

        `_spawn()`, `callable_name()` for a plain function and the first step of
        `cancelled_origin()` are inlined, and the child is spawned straight into
        its caller's scope instead of into the group's and then moved: each
        start() paid three frames and a move for them (benchmarks/handles_ab.py,
        workload start). Keep this in step with `_spawn()` and `start_soon()`.
        """
        if not self._active:
            raise _inactive_group()
        # TaskStatus(status, self), less its __init__ frame: keep them in step.
        task_status: TaskStatus = _new_object(TaskStatus)
        task_status._future = status
        task_status._group = self
        task_status._handle = task_status._home = None
        coro = func(*args, task_status=task_status)
        if type(coro) is not types.CoroutineType and not iscoroutine(coro):
            raise not_a_coroutine_result(func, coro)
        if name is None:
            if type(func) is types.FunctionType:
                name = f"{func.__module__}.{func.__qualname__}"
            else:
                name = callable_name(func)
        elif type(name) is not str:
            name = str(name)
        loop = self._plain_loop
        if loop is not None:
            task = Task(coro, loop=loop, name=name)
        else:
            task = self._make_task(coro, name=name)
        # start() made sure that the group's loop is the running one.
        caller_task = _task_running_in(self._loop)
        caller = task_states.get(caller_task) if caller_task is not None else None
        group_scope = self.cancel_scope
        # Until started() moves it into the group's scope, the child belongs to
        # the task calling start(): a cancellation of the group does not reach
        # it, one of its caller's does (Trio's rule, #1197). A synchronous
        # wrapper that called started() already leaves it in the group's scope.
        scope = group_scope
        if not status.done() and caller is not None and caller.scope is not None:
            scope = task_status._home = caller.scope
        handle: AsyncioTaskHandle[Any] = _new_object(AsyncioTaskHandle)
        handle.parent_id = id(caller_task)
        handle.scope = scope
        handle._root = group_scope
        handle.cancels = 0
        handle.poke_pending = False
        handle._task = task
        task_status._handle = handle
        task_states[task] = handle
        scope._tasks.add(task)
        self._num_tasks += 1
        self._starting[task] = task_status
        task.add_done_callback(self._on_done)
        if scope._cancel_called or (
            not scope._shield and scope._parent is not None and cancelled_origin(scope._parent)
        ):
            deliver(task)  # it will see the cancellation at its first checkpoint
        return handle

    def _on_child_done(self, task: Task[Any]) -> None:
        state = task_states.pop(task, None)
        if state is not None and state.scope is not None:
            state.scope._tasks.discard(task)
        self._num_tasks -= 1
        own_cancelled = False
        if isinstance(state, AsyncioTaskHandle):
            if state._waiters:
                # Wake the tasks awaiting the handle before an error of this
                # task cancels the group below: a woken task is not cancelled
                # until its next checkpoint, so `await handle` gives TaskFailed.
                for waiter in state._waiters:
                    if not waiter.done():  # a cancelled waiter is done already
                        waiter.set_result(None)
                state._waiters = None
            if state._own_scope is not None:
                own_cancelled = state._own_scope._cancel_called
                state._unsplice()
        if not self._num_tasks and self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)

        task_status = self._starting.pop(task, None) if self._starting else None
        status = None
        if task_status is not None:
            # The child's finished frame keeps its task_status, and its error's
            # traceback keeps that frame: forget the future to avoid a cycle.
            status, task_status._future = task_status._future, None
            task_status._handle = None  # the handle holds the task, which holds the error
        if status is not None and status.cancelled():
            return  # the start() call was cancelled and cancelled the child
        if task.cancelled():
            if own_cancelled and (status is None or status.done()):
                return  # cancelled through its handle: the group goes on
            self._child_cancelled = True
            self._on_child_cancelled(task, status)
            return
        exc = task.exception()
        if status is not None and not status.done():
            status.set_exception(
                exc
                if exc is not None
                else RuntimeError("Child exited without calling task_status.started()")
            )
        elif exc is not None:
            self._errors.append(exc)
            if cancelled_origin(self.cancel_scope) is None:
                record_cause(self.cancel_scope, exc)  # for CancelScope.cancel_reason
                self.cancel_scope.cancel()

    def _on_child_cancelled(self, task: Task[Any], status: Future[Any] | None) -> None:
        if status is not None and not status.done():
            try:
                task.result()
            except CancelledError as exc:
                status.set_exception(exc)
        elif cancelled_origin(self.cancel_scope) is None:
            self.cancel_scope.cancel()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc_val: BaseException | None,
        exc_tb: TracebackType | None,
    ) -> bool:
        try:
            if exc_val is not None:
                if not isinstance(exc_val, CancelledError):
                    record_cause(self.cancel_scope, exc_val)  # for CancelScope.cancel_reason
                self.cancel_scope.cancel()
                if not isinstance(exc_val, CancelledError):
                    self._errors.append(exc_val)
            if self._num_tasks:
                exc_val = await self._wait_for_children(exc_val)
            else:
                await cancel_shielded_checkpoint()
            self._active = False
            if self._errors:
                raise BaseExceptionGroup("unhandled errors in a TaskGroup", self._errors) from None
            if exc_val is not None:
                raise exc_val
            if self._child_cancelled:
                origin = cancelled_origin(self.cancel_scope)
                if origin is not None:
                    # A child ended with a cancellation coming from outside the
                    # group: pass it on, as a nursery does on Trio.
                    raise CancelledError(origin._cancel_msg)
        except BaseException as exc:
            if self.cancel_scope.__exit__(type(exc), exc, exc.__traceback__):
                return True
            raise
        finally:
            self._active = False
            # Our frame is in the traceback of what we raise: keep no error in
            # its locals, and no task (whose exception may be that error) here.
            self._host = self._loop = None
            del exc_val, exc_tb
            self._errors = []
        return self.cancel_scope.__exit__(None, None, None)

    async def _wait_for_children(self, exc_val: BaseException | None) -> BaseException | None:
        loop = fast_running_loop()
        shield: CancelScope | None = None
        try:
            while self._num_tasks:
                self._waiter = loop.create_future()
                try:
                    await self._waiter
                except CancelledError as exc:
                    self.cancel_scope.cancel()
                    if shield is None:
                        shield = CancelScope(shield=True)
                        shield.__enter__()
                    # A native cancellation must propagate. One of ours does
                    # not: as on Trio (and unlike AnyIO 4.13, anyio#1069), the
                    # host waiting here is not hit by a cancellation unless a
                    # child raised one; its next checkpoint raises it anyway.
                    # The latest native one wins (task.cancel("native 2") after
                    # "native 1" ends the task with "native 2", as in AnyIO).
                    if not is_scope_cancellation(exc) and (
                        exc_val is None or isinstance(exc_val, CancelledError)
                    ):
                        exc_val = exc
            return exc_val
        finally:
            self._waiter = None
            if shield is not None:
                shield.__exit__(None, None, None)
            # A cancellation caught above keeps this frame in its traceback.
            del exc_val, shield


# -- checkpoints ------------------------------------------------------------------


@types.coroutine
def checkpoint() -> Generator[None, None, None]:
    """Give the event loop one turn (like ``asyncio.sleep(0)``, one frame cheaper).

    A generator-based coroutine: calling it makes the awaitable, with no
    ``__await__`` call on top. A cancellation pending for this task is
    delivered by the pokes of _cancel.py while the task is suspended here.
    """
    yield


async def checkpoint_if_cancelled() -> None:
    task = fast_current_task()
    state = task_states.get(task) if task is not None else None
    if state is not None and cancelled_origin(state.scope) is not None:
        assert task is not None
        deliver(task)
        await checkpoint()


@types.coroutine
def cancel_shielded_checkpoint() -> Generator[Any, None, None]:
    """Give the event loop one turn where no scope cancellation can land.

    The task yields a future that is already done: asyncio schedules its
    wake-up at once, and `deliver()` never cancels a task whose wait has
    completed (the result would be lost), so a scope cancelled meanwhile is
    seen at the task's next checkpoint instead. That is what a shielded scope
    around `checkpoint()` gives, at about half the cost (no scope to enter
    and leave; anyio-net's sockets yield so after every successful call). A
    native ``Task.cancel()`` still raises here, as through a shield.
    """
    done: Future[None] = fast_running_loop().create_future()
    done.set_result(None)
    done._asyncio_future_blocking = True
    yield done


# -- wait_all_tasks_blocked --------------------------------------------------------
#
# The rule: the loop is settled when every other task waits for something *and
# no wake-up is on its way to any of them*. A task parked on a pending future
# is not enough to call it blocked, because asyncio often delivers a wake-up in
# two steps: first a callback is queued, and only when the loop runs it is the
# future completed. Until then the future looks pending and the task blocked.
# The commonest case is our own task group: when a child finishes, the host is
# woken by the child's done callback, which asyncio queues with call_soon(); in
# between, the child is gone from all_tasks() and the host still looks parked.
# asyncio.shield(), wait_for(), gather() and results of executor threads
# (call_soon_threadsafe) work the same way.
#
# So besides the tasks we look at the loop: a callback queued in its ready queue
# (other than the steps of tasks that wait here too) or a timer already due is
# a wake-up on its way, and so is a task of ours that finished but whose done
# callback has not run yet. uvloop hides its ready queue; there we also ask for
# the settled state to hold over several consecutive loop iterations, so that
# short callback chains play out first.

#: Tasks inside wait_all_tasks_blocked(): they count as blocked for each other.
_waiting_for_blocked: set[Task[Any]] = set()

#: Consecutive settled observations required where the ready queue is hidden.
_HIDDEN_QUEUE_ROUNDS = 3


def _is_blocked(task: Task[Any]) -> bool:
    waiter = task._fut_waiter  # type: ignore[attr-defined]  # asyncio internal
    if waiter is None or waiter.done():
        return False  # running or ready to run
    # A poke still due may cancel its wait: it is not blocked until it ran.
    state = task_states.get(task)
    return state is None or not state.poke_pending


def _callbacks_queued(loop: AbstractEventLoop) -> bool:
    """Tell whether the loop has callbacks to run now, other than our waiters' steps."""
    ready = getattr(loop, "_ready", ())  # asyncio internal (a deque of handles)
    for handle in ready:
        if handle._cancelled:
            continue
        # A task's own step or wake-up; the owner of another bound method may
        # not even be hashable.
        owner = getattr(handle._callback, "__self__", None)
        if not (isinstance(owner, Task) and owner in _waiting_for_blocked):
            return True
    scheduled: Any = getattr(loop, "_scheduled", None)  # asyncio internal (a heap of timers)
    return bool(scheduled) and scheduled[0].when() <= loop.time()


def _children_finishing(loop: AbstractEventLoop) -> bool:
    """Tell whether a finished task of ours still has its done callback to run."""
    return any(task.done() and task.get_loop() is loop for task in list(task_states))


def _settled(loop: AbstractEventLoop, this_task: Task[Any]) -> bool:
    if _callbacks_queued(loop) or _children_finishing(loop):
        return False
    return all(
        task is this_task or task in _waiting_for_blocked or _is_blocked(task)
        for task in all_tasks(loop)
    )


async def wait_all_tasks_blocked() -> None:
    this_task = current_task()
    assert this_task is not None
    loop = this_task.get_loop()
    rounds = 1 if hasattr(loop, "_ready") else _HIDDEN_QUEUE_ROUNDS
    _waiting_for_blocked.add(this_task)
    try:
        settled_rounds = 0
        while settled_rounds < rounds:
            # Each turn lets the loop poll for I/O and run what is queued.
            await checkpoint()
            settled_rounds = settled_rounds + 1 if _settled(loop, this_task) else 0
    finally:
        _waiting_for_blocked.discard(this_task)


# -- introspection -------------------------------------------------------------------


class AsyncioTaskInfo(TaskInfo):
    __slots__ = ("_task",)

    def __init__(self, task: Task[Any]) -> None:
        state = task_states.get(task)
        super().__init__(
            id(task),
            state.parent_id if state is not None else None,
            task.get_name(),
            cast("Awaitable[Any]", task.get_coro()),  # None only for eager tasks on 3.12+
        )
        self._task = weakref.ref(task)

    def has_pending_cancellation(self) -> bool:
        task = self._task()
        if task is None or task.done():
            return False
        if task._must_cancel:  # type: ignore[attr-defined]  # asyncio internal
            return True
        state = task_states.get(task)
        return state is not None and cancelled_origin(state.scope) is not None


def get_current_task() -> TaskInfo:
    task = current_task()
    if task is None:
        raise RuntimeError(
            "There is no task currently running; get_current_task() must be called from "
            "inside a task (not from a loop callback)"
        )
    return AsyncioTaskInfo(task)


def get_running_tasks() -> list[TaskInfo]:
    return [AsyncioTaskInfo(task) for task in all_tasks() if not task.done()]

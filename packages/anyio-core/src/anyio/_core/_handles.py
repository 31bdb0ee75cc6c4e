"""`TaskHandle`: what `TaskGroup.create_task()` and `start_soon()` return.

The design. Spawning is the hottest path of a task group, so a handle must cost
(almost) nothing when nobody looks at it. Each backend therefore makes its handle
*the per-task record it keeps anyway*: on asyncio the handle is the task's
``TaskState`` (the cancel-scope bookkeeping every child already has) and reads the
outcome off the ``asyncio.Task`` when asked; on Trio it is the object the child's
thin wrapper coroutine writes its outcome into. This class holds the public
surface (the properties, the result rules and the errors) and asks its subclass
for five facts: `_get_status()`, `_get_value()`, `_get_exception()`, the name and
the coroutine. Two more facts are optional: `_cancel_requested()` (whether
`cancel()` was called, which turns a pending task's status into ``CANCELLING``)
and `_get_cancellation()` (the cancellation exception a cancelled task ended
with, which becomes the ``__cause__`` of `TaskCancelled`).

``TaskHandle`` itself declares no ``__slots__`` on purpose: a backend's handle can
then also derive from that backend's slotted per-task record without an instance
layout conflict.

Reading a result follows the rules of `anyio.Future`: `return_value` of a task that
is still running raises `TaskNotFinished`; of a failed task `TaskFailed`, with the
task's exception as ``__cause__``; of a cancelled task `TaskCancelled` (a subclass
of `TaskFailed`), also while the task is still winding down after `cancel()`
(``CANCELLING``). Awaiting the handle waits for the task (`wait()`), then reads
`return_value` under those rules.
"""

from __future__ import annotations

import enum
from functools import partial
from types import CoroutineType
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from ._exceptions import TaskCancelled, TaskFailed, TaskNotFinished

if TYPE_CHECKING:
    from collections.abc import Callable, Coroutine, Generator

    from ._tasks import CancelScope

T_co = TypeVar("T_co", covariant=True)


class TaskHandle(Generic[T_co]):
    """A task spawned in a task group: its name, status and outcome, and a way to cancel it.

    `TaskGroup.create_task()` and `TaskGroup.start_soon()` return one, and so does
    `TaskGroup.start()` with ``return_handle=True``. The task still belongs to its
    group: the group waits for it, and an exception it raises still cancels the
    group and leaves it in the group's exception group. The handle lets the
    spawner look at one task: wait for it, read what it returned, or cancel just
    that task. Awaiting the handle waits for the task and returns what it returned
    (or raises `TaskFailed` / `TaskCancelled`); cancelling the awaiting task does not
    cancel the task awaited.

    Args:
        coro: the task's coroutine.
        name: the task's name.
        cancel_scope: the scope that `cancel()` cancels (backends pass none and
            cancel the task their own way).

    Example:
        ```python
        async with anyio.create_task_group() as tg:
            handle = tg.create_task(fetch(url))
            print(await handle)  # waits, then returns what fetch() returned
        ```
    """

    class Status(enum.Enum):
        """Where a task stands."""

        #: Spawned, not finished yet (running, or waiting for its first turn).
        PENDING = "pending"
        #: `TaskHandle.cancel()` was called and the task has not finished yet.
        CANCELLING = "cancelling"
        #: Returned a value (`TaskHandle.return_value`).
        FINISHED = "finished"
        #: Raised an exception (`TaskHandle.exception`).
        FAILED = "failed"
        #: Ended by a cancellation (its own `TaskHandle.cancel()` or its group's).
        CANCELLED = "cancelled"

    def __init__(
        self,
        coro: Coroutine[Any, Any, T_co],
        name: object,
        cancel_scope: CancelScope | None = None,
    ) -> None:
        # A handle made directly (not by a task group) describes a task that was
        # never spawned: it stays PENDING until cancelled.
        self._d_coro = coro
        self._d_name = str(name)
        self._d_scope = cancel_scope
        self._d_cancelled = False

    #: Whether cancel() was called on a handle made directly (class-level default:
    #: the backends make their handles without calling __init__).
    _d_cancelled = False

    # -- what a backend provides -------------------------------------------------

    def _get_status(self) -> TaskStatusEnum:
        return TaskStatusEnum.CANCELLED if self._d_cancelled else TaskStatusEnum.PENDING

    def _get_value(self) -> T_co:  # only called when FINISHED
        raise NotImplementedError  # pragma: no cover

    def _get_exception(self) -> BaseException:  # only called when FAILED
        raise NotImplementedError  # pragma: no cover

    def _get_start_value(self) -> Any:
        return None

    def _cancel_requested(self) -> bool:
        """Tell whether `cancel()` was called (a pending task is then CANCELLING)."""
        return self._d_cancelled

    def _get_cancellation(self) -> BaseException | None:  # only called when CANCELLED
        """Return the cancellation exception the task ended with, if it is known."""
        return None

    @property
    def name(self) -> str:
        """The task's name (by default ``module.qualname`` of its function)."""
        return self._d_name

    @property
    def coro(self) -> Coroutine[Any, Any, T_co]:
        """The task's coroutine."""
        return self._d_coro

    def cancel(self) -> None:
        """Cancel this task only (not its group); does nothing once it has finished.

        The task sees the cancellation at its next checkpoint (and every one after
        that, as inside a cancelled scope); shielded scopes inside it still protect
        their contents. A task that ends by this cancellation does not cancel its
        group; its status becomes `Status.CANCELLED`.
        """
        if self._d_scope is not None:
            self._d_scope.cancel()
        self._d_cancelled = True

    async def wait(self) -> None:
        """Wait until the task has finished, whatever the outcome (a checkpoint).

        Cancelling the waiting task does not cancel the task waited for.
        """
        raise NotImplementedError("this handle was not spawned by a task group")

    # -- the public surface --------------------------------------------------------

    @property
    def status(self) -> TaskStatusEnum:
        """Where the task stands (`TaskHandle.Status`)."""
        status = self._get_status()
        if status is TaskStatusEnum.PENDING and self._cancel_requested():
            return TaskStatusEnum.CANCELLING
        return status

    @property
    def return_value(self) -> T_co:
        """The value the task returned.

        Raises:
            TaskNotFinished: if the task has not finished yet.
            TaskCancelled: if it was cancelled (or `cancel()` was called and it is
                still winding down).
            TaskFailed: if it raised an exception (the exception is the ``__cause__``).
        """
        status = self._get_status()
        if status is TaskStatusEnum.FINISHED:
            return self._get_value()
        raise self._not_a_value(status)

    @property
    def exception(self) -> BaseException | None:
        """The exception the task raised, or None if it returned a value.

        Raises:
            TaskNotFinished: if the task has not finished yet.
            TaskCancelled: if it was cancelled (or `cancel()` was called and it is
                still winding down).
        """
        status = self._get_status()
        if status is TaskStatusEnum.FINISHED:
            return None
        if status is TaskStatusEnum.FAILED:
            return self._get_exception()
        raise self._not_a_value(status)

    @property
    def start_value(self) -> Any:
        """The value the task passed to ``task_status.started()`` (None if not started that way)."""
        return self._get_start_value()

    def __await__(self) -> Generator[Any, Any, T_co]:
        """Wait for the task to finish, then return its value or raise what it ended with.

        Raises:
            TaskFailed: if the task raised an exception (the ``__cause__``).
            TaskCancelled: if the task was cancelled.
        """
        return self._result().__await__()

    async def _result(self) -> T_co:
        await self.wait()
        return self.return_value

    def _not_a_value(self, status: TaskStatusEnum) -> Exception:
        """Return the error for reading the result of a task in ``status`` (not FINISHED)."""
        if status is TaskStatusEnum.PENDING:
            # A backend's fast path passes its raw status: cancel() may have been called.
            status = self.status
            if status is TaskStatusEnum.PENDING:
                return TaskNotFinished(
                    f"the task has not finished yet ({self!r}); await the handle, or "
                    "its wait() method, before reading its result"
                )
        if status is TaskStatusEnum.CANCELLING:
            return TaskCancelled(f"the task was cancelled ({self!r}); it has no result")
        if status is TaskStatusEnum.CANCELLED:
            error: TaskFailed = TaskCancelled(
                f"the task was cancelled ({self!r}); it has no result"
            )
            error.__cause__ = self._get_cancellation()
            return error
        exc = self._get_exception()
        error = TaskFailed(
            f"the task raised an exception ({self!r}): {exc!r}; it is this error's __cause__"
        )
        error.__cause__ = exc
        return error

    def __repr__(self) -> str:
        return f"<TaskHandle {self.status.value} name={self.name!r} coro={self.coro!r}>"


TaskHandle.__module__ = "anyio"
TaskHandle.Status.__module__ = "anyio"
#: `TaskHandle.Status` under a module-level name, for the backends.
TaskStatusEnum = TaskHandle.Status


def callable_name(func: Callable[..., Any]) -> str:
    """Return ``module.qualname`` of ``func`` (of its wrapped function for a partial)."""
    while isinstance(func, partial):
        func = func.func
    module: str | None
    qualname: str | None
    try:
        module = func.__module__
        qualname = func.__qualname__
    except AttributeError:
        module = getattr(func, "__module__", None)
        qualname = getattr(func, "__qualname__", None)
    else:
        # A bound method of a built-in type (``agen.asend``) has no module.
        if module is not None:
            return f"{module}.{qualname}"
    return ".".join(part for part in (module, qualname) if part) or repr(func)


def coroutine_name(coro: object) -> str:
    """Return ``module.qualname`` of the function that made the coroutine ``coro``.

    The same name `start_soon()` gives the task of that function. `create_task()`
    and `gather()` ask for it once per coroutine, and reading the module off the
    coroutine's frame makes a frame object and a string each time: the names are
    remembered by qualname (whose hash a string caches; a code object's is
    computed anew each time), for the code object they were made for.
    """
    if type(coro) is CoroutineType:
        qualname: object = coro.__qualname__
        code: object = coro.cr_code
    else:
        qualname = getattr(coro, "__qualname__", None) or type(coro).__qualname__
        code = getattr(coro, "cr_code", None)
    known = _coroutine_names.get(qualname)
    if known is not None and known[0] is code:
        return known[1]
    frame = getattr(coro, "cr_frame", None)
    module = frame.f_globals.get("__name__") if frame is not None else None
    name = f"{module}.{qualname}" if module else str(qualname)
    if code is not None and frame is not None:
        if len(_coroutine_names) >= _NAMES_KEPT:
            _coroutine_names.clear()  # code compiled at run time must not pile up
        _coroutine_names[qualname] = (code, name)
    return name


#: `coroutine_name()`'s memory: qualname -> (code object, name). Functions of
#: one qualname in two modules take turns (correct, just not remembered).
_coroutine_names: dict[object, tuple[object, str]] = {}
_NAMES_KEPT = 1024


def not_a_coroutine(what: object, value: object) -> TypeError:
    """Return the error for a spawn argument that is not (or did not make) a coroutine.

    It begins with AnyIO's wording ("expected a coroutine, got ..."), which users'
    tests match.
    """
    return TypeError(
        f"expected a coroutine, got {value!r} (as {what}); pass the coroutine an async "
        "function returns (create_task(func())), or the function itself to start_soon()"
    )


def not_a_coroutine_result(func: Callable[..., Any], value: object) -> TypeError:
    """Return the error for a spawned function that returned something else than a coroutine.

    AnyIO's wording exactly, with nothing after it: users' tests match it to the end.
    """
    return TypeError(
        f"Expected {callable_name(func)}() to return a coroutine, but the return value "
        f"({value!r}) is not a coroutine object"
    )

"""The task group and task status contracts."""

from __future__ import annotations

import sys
from abc import ABCMeta, abstractmethod
from typing import TYPE_CHECKING, Any, Literal, Protocol, TypeVar, overload

if sys.version_info >= (3, 11):
    from typing import TypeVarTuple, Unpack
else:
    from typing_extensions import TypeVarTuple, Unpack

from .._core._handles import callable_name

if TYPE_CHECKING:
    from collections.abc import Callable, Coroutine
    from contextvars import Context
    from types import TracebackType

    from .._core._handles import TaskHandle
    from .._core._tasks import CancelScope

T_contra = TypeVar("T_contra", contravariant=True)
T_co = TypeVar("T_co", covariant=True)
PosArgsT = TypeVarTuple("PosArgsT")


class TaskStatus(Protocol[T_contra]):
    """The handle a task started with `TaskGroup.start()` uses to report readiness."""

    @overload
    def started(self: TaskStatus[None]) -> None: ...

    @overload
    def started(self, value: T_contra) -> None: ...

    def started(self, value: T_contra | None = None) -> None:
        """Signal that the task has started, handing ``value`` to the starter.

        Raises:
            RuntimeError: if called more than once.
        """


class TaskGroup(metaclass=ABCMeta):
    """A group of tasks that must all finish before the group's block is left.

    Enter it with ``async with``; start tasks with `start_soon()` or `start()`.
    If any task raises, the others (and the block itself) are cancelled and the
    errors leave the group together as an exception group.

    Attributes:
        cancel_scope: cancelling it cancels every task in the group and the
            body of the ``async with`` block.
    """

    cancel_scope: CancelScope

    def cancel(self, reason: str | None = None) -> None:
        """Cancel every task in the group and the body of its block.

        A shortcut for ``self.cancel_scope.cancel(reason)`` (AnyIO 4.14+).

        Args:
            reason: a message attached to the cancellation (see
                `CancelScope.cancel()`).
        """
        self.cancel_scope.cancel(reason)

    def start_soon(
        self,
        func: Callable[[Unpack[PosArgsT]], Coroutine[Any, Any, T_co]],
        *args: Unpack[PosArgsT],
        name: object = None,
    ) -> TaskHandle[T_co]:
        """Start ``func(*args)`` as a new task in this group.

        Args:
            func: an async function.
            *args: positional arguments for it (use `functools.partial` for
                keyword arguments).
            name: the task's name, for debugging (default: ``module.qualname``
                of the function).

        Returns:
            A handle on the new task (AnyIO 4.14+; ignoring it costs nothing).

        Raises:
            RuntimeError: if the group is not entered or already finished.
        """
        return self.create_task(func(*args), name=callable_name(func) if name is None else name)

    @abstractmethod
    def create_task(
        self,
        coro: Coroutine[Any, Any, T_co],
        *,
        name: object = None,
        context: Context | None = None,
    ) -> TaskHandle[T_co]:
        """Run the coroutine ``coro`` as a new task in this group (AnyIO 4.14+).

        The counterpart of ``asyncio.TaskGroup.create_task()``: the task is
        spawned, never run eagerly, and belongs to the group like any other.

        Args:
            coro: a coroutine object (``fetch(url)``, not ``fetch``).
            name: the task's name (default: ``module.qualname`` of the
                coroutine's function, as `start_soon()` gives).
            context: the `contextvars.Context` to run the task in (default: a
                copy of the current one).

        Returns:
            A handle on the new task.

        Raises:
            TypeError: if ``coro`` is not a coroutine object.
            RuntimeError: if the group is not entered or already finished.
        """

    @overload
    async def start(
        self,
        func: Callable[..., Coroutine[Any, Any, T_co]],
        *args: object,
        name: object = None,
        return_handle: Literal[False] = False,
    ) -> Any: ...

    @overload
    async def start(
        self,
        func: Callable[..., Coroutine[Any, Any, T_co]],
        *args: object,
        name: object = None,
        return_handle: Literal[True],
    ) -> TaskHandle[T_co]: ...

    @abstractmethod
    async def start(
        self,
        func: Callable[..., Coroutine[Any, Any, T_co]],
        *args: object,
        name: object = None,
        return_handle: bool = False,
    ) -> Any:
        """Start a task and wait until it calls ``task_status.started()``.

        ``func`` receives a ``task_status`` keyword argument. Until it calls
        ``task_status.started(value)`` the task belongs to the caller: an error
        it raises propagates from this call, and cancelling this call cancels
        the task. After that it runs in the group.

        Args:
            func: an async function taking a ``task_status`` keyword argument.
            *args: positional arguments for it.
            name: the task's name (default: ``module.qualname`` of ``func``).
            return_handle: return the task's `TaskHandle` (whose `start_value`
                is the value given to ``started()``) instead of that value
                (AnyIO 4.14+).

        Returns:
            The value the task passed to ``started()``, or the task's handle.

        Raises:
            RuntimeError: if the task finished without calling ``started()``.
        """

    @abstractmethod
    async def __aenter__(self) -> TaskGroup:
        """Enter the task group's context and start accepting tasks."""

    @abstractmethod
    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc_val: BaseException | None,
        exc_tb: TracebackType | None,
    ) -> bool:
        """Wait for every task in the group, then raise their errors, if any."""


TaskGroup.__module__ = "anyio.abc"
TaskStatus.__module__ = "anyio.abc"

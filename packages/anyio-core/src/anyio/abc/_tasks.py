"""The task group and task status contracts."""

from __future__ import annotations

import sys
from abc import ABCMeta, abstractmethod
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, overload

if sys.version_info >= (3, 11):
    from typing import TypeVarTuple, Unpack
else:
    from typing_extensions import TypeVarTuple, Unpack

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable
    from types import TracebackType

    from .._core._tasks import CancelScope

T_contra = TypeVar("T_contra", contravariant=True)
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

    @abstractmethod
    def start_soon(
        self,
        func: Callable[[Unpack[PosArgsT]], Awaitable[Any]],
        *args: Unpack[PosArgsT],
        name: object = None,
    ) -> None:
        """Start ``func(*args)`` as a new task in this group.

        Args:
            func: an async function.
            *args: positional arguments for it (use `functools.partial` for
                keyword arguments).
            name: the task's name, for debugging (default: the function's
                qualified name).

        Raises:
            RuntimeError: if the group is not entered or already finished.
        """

    @abstractmethod
    async def start(
        self,
        func: Callable[..., Awaitable[Any]],
        *args: object,
        name: object = None,
    ) -> Any:
        """Start a task and wait until it calls ``task_status.started()``.

        ``func`` receives a ``task_status`` keyword argument. Until it calls
        ``task_status.started(value)`` the task belongs to the caller: an error
        it raises propagates from this call, and cancelling this call cancels
        the task. After that it runs in the group.

        It may be awaited from an event loop in another thread (of either
        backend): the task then runs in the group's loop, and ``started()``
        wakes the caller through its own loop's token.

        Returns:
            The value the task passed to ``started()``.

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

"""Cancel scopes, timeouts and task groups: the public facades.

The behaviour lives in the backends (`anyio._backends`); these functions pick
the current backend and hand over. `CancelScope` is the public base class of
the backends' scope classes, so ``isinstance(scope, anyio.CancelScope)`` holds
on every backend.
"""

from __future__ import annotations

import math
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from ._backend import current_backend

if TYPE_CHECKING:
    from collections.abc import Generator
    from types import TracebackType

    from typing_extensions import Self

    from ..abc._tasks import TaskGroup
    from ._tasktree import CancelReason

#: Exiting a scope in another task than the one that entered it: AnyIO's exact
#: wording, with nothing after it (users' tests match it).
WRONG_TASK_MSG = "Attempted to exit cancel scope in a different task than it was entered in"
#: Entering a task group a second time (AnyIO 4.14+ wording).
ENTERED_TWICE_MSG = "TaskGroup cannot be entered more than once"


class CancelScope:
    """A block of code that can be cancelled as a whole, or given a deadline.

    Use it as a (synchronous) context manager inside a task. When the scope is
    cancelled, by `cancel()` or because its deadline passed, every checkpoint
    inside it raises the backend's cancellation exception until the block is
    left; the scope itself then swallows that exception. Scopes nest; a
    shielded scope protects its contents from cancellation of outer scopes.

    A scope can be entered only once, must be left in the task that entered it,
    and scopes must be left in the reverse order they were entered.

    Args:
        deadline: the `current_time()` at which the scope cancels itself
            (``math.inf``: never).
        shield: whether to protect the block from outer cancellation.

    Raises:
        NoEventLoopError: when created outside a running event loop.

    Example:
        ```python
        with CancelScope() as scope:
            tg.start_soon(watch_for_stop, scope)
            await serve()
        ```
    """

    __slots__ = ("__weakref__",)  # weakly referenceable, as in AnyIO

    def __new__(  # noqa: PYI034 - returns the backend's subclass, not cls
        cls, *, deadline: float = math.inf, shield: bool = False
    ) -> CancelScope:
        # ``CancelScope()`` makes the running backend's scope, whose __init__
        # then runs with the same arguments.
        #
        # Rule for backends: a backend's scope class (``cancel_scope_class``)
        # must define ``__new__`` as ``return object.__new__(cls)``; inheriting
        # this one would make the running backend's class instead of it (and
        # refuse keyword arguments of its own). Checked by test_contract.py.
        return object.__new__(current_backend().cancel_scope_class)

    def __init__(self, *, deadline: float = math.inf, shield: bool = False) -> None:
        raise NotImplementedError  # pragma: no cover - backends override it

    def cancel(self, reason: str | None = None) -> None:
        """Cancel this scope and everything inside it (idempotent: the first call counts).

        On asyncio the cancellation exception's message reads
        ``Cancelled via cancel scope <id in hex>``, then `` by <task>`` when a
        task called this method, then ``; reason: <reason>`` when one is given
        (a deadline gives ``deadline exceeded``). On Trio the reason goes to
        Trio's own ``Cancelled``.

        Args:
            reason: why the scope is cancelled, for debugging.
        """
        raise NotImplementedError  # pragma: no cover

    @property
    def deadline(self) -> float:
        """The time (on `current_time()`'s clock) at which the scope cancels itself.

        Settable at any time, also while the scope is active.
        """
        raise NotImplementedError  # pragma: no cover

    @deadline.setter
    def deadline(self, value: float) -> None:
        raise NotImplementedError  # pragma: no cover

    @property
    def shield(self) -> bool:
        """Whether the scope protects its contents from outer cancellation (settable)."""
        raise NotImplementedError  # pragma: no cover

    @shield.setter
    def shield(self, value: bool) -> None:
        raise NotImplementedError  # pragma: no cover

    @property
    def cancel_called(self) -> bool:
        """Whether `cancel()` was called or the deadline passed."""
        raise NotImplementedError  # pragma: no cover

    @property
    def cancelled_caught(self) -> bool:
        """Whether the scope swallowed a cancellation exception on exit."""
        raise NotImplementedError  # pragma: no cover

    @property
    def timed_out(self) -> bool:
        """Whether this scope's own deadline cancelled it (rather than `cancel()`).

        What `fail_after()` and `fail_at()` ask to decide whether to raise
        `TimeoutError`. Every backend's scope class implements it.
        """
        raise NotImplementedError  # pragma: no cover

    @property
    def cancel_reason(self) -> CancelReason | None:
        """Why the scope was cancelled, or None if neither it nor an enclosing scope was.

        An explicit `cancel()` (with its reason and the calling task), the
        deadline, a failing task in the scope's task group (with its
        exception), or an enclosing scope's cancellation; see
        `anyio.lowlevel.CancelReason`.
        """
        from ._tasktree import cancel_reason_of

        return cancel_reason_of(self)

    def __enter__(self) -> Self:
        raise NotImplementedError  # pragma: no cover

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_val: BaseException | None,
        exc_tb: TracebackType | None,
    ) -> bool:
        raise NotImplementedError  # pragma: no cover

    def __repr__(self) -> str:
        return (
            f"<{type(self).__name__} deadline={self.deadline} "
            f"cancel_called={self.cancel_called} shield={self.shield}>"
        )


CancelScope.__module__ = "anyio"


def move_on_after(delay: float | None, shield: bool = False) -> CancelScope:
    """Return a cancel scope that cancels its block after ``delay`` seconds.

    The deadline is computed now, when this function is called (as in AnyIO
    4.13), not when the scope is entered. Leaving the block by timing out is
    silent; check ``scope.cancelled_caught`` to tell.

    Args:
        delay: seconds until the deadline, or ``None`` for no deadline.
        shield: whether to shield the block from outer cancellation.

    Raises:
        NoEventLoopError: when called outside a running event loop.
    """
    backend = current_backend()
    deadline = math.inf if delay is None else backend.current_time() + delay
    return backend.cancel_scope_class(deadline=deadline, shield=shield)


def move_on_at(deadline: float | None, shield: bool = False) -> CancelScope:
    """Return a cancel scope that cancels its block at the `current_time()` ``deadline``.

    Like `move_on_after()` with an absolute time: leaving the block by timing
    out is silent; check ``scope.cancelled_caught`` to tell.

    Args:
        deadline: the `current_time()` value at which to cancel, or ``None``
            for no deadline.
        shield: whether to shield the block from outer cancellation.

    Raises:
        NoEventLoopError: when called outside a running event loop.
    """
    return current_backend().cancel_scope_class(
        deadline=math.inf if deadline is None else deadline, shield=shield
    )


@contextmanager
def fail_after(
    delay: float | None, shield: bool = False, reason: str | None = None
) -> Generator[CancelScope, None, None]:
    """Cancel the block after ``delay`` seconds and raise `TimeoutError`.

    The deadline is computed when the block is entered. `TimeoutError` is
    raised only when this scope's own deadline caused the cancellation; an
    explicit ``scope.cancel()`` leaves the block silently.

    Args:
        delay: seconds until the deadline, or ``None`` for no deadline.
        shield: whether to shield the block from outer cancellation.
        reason: the message of the `TimeoutError` (none by default).

    Raises:
        TimeoutError: if the deadline passed before the block finished.
        NoEventLoopError: when used outside a running event loop.
    """
    backend = current_backend()
    deadline = math.inf if delay is None else backend.current_time() + delay
    with backend.cancel_scope_class(deadline=deadline, shield=shield) as scope:
        yield scope

    _raise_if_timed_out(scope, reason)


@contextmanager
def fail_at(
    deadline: float | None, shield: bool = False, reason: str | None = None
) -> Generator[CancelScope, None, None]:
    """Cancel the block at the `current_time()` ``deadline`` and raise `TimeoutError`.

    Like `fail_after()` with an absolute time.

    Args:
        deadline: the `current_time()` value at which to cancel, or ``None``
            for no deadline.
        shield: whether to shield the block from outer cancellation.
        reason: the message of the `TimeoutError` (none by default).

    Raises:
        TimeoutError: if the deadline passed before the block finished.
        NoEventLoopError: when used outside a running event loop.
    """
    scope_class = current_backend().cancel_scope_class
    with scope_class(deadline=math.inf if deadline is None else deadline, shield=shield) as scope:
        yield scope

    _raise_if_timed_out(scope, reason)


def _raise_if_timed_out(scope: CancelScope, reason: str | None) -> None:
    """Raise `TimeoutError` if ``scope`` swallowed the cancellation of its own deadline."""
    if scope.cancelled_caught and scope.timed_out:
        raise TimeoutError if reason is None else TimeoutError(reason)


def current_effective_deadline() -> float:
    """Return the nearest deadline among the cancel scopes enclosing the caller.

    Shielded scopes hide the deadlines of the scopes outside them.

    Returns:
        A `current_time()` value; ``math.inf`` without any deadline, and
        ``-math.inf`` if the caller is already in a cancelled scope.
    """
    return current_backend().current_effective_deadline()


def create_task_group() -> TaskGroup:
    """Create a task group for the running event loop.

    Raises:
        NoEventLoopError: when called outside a running event loop.
    """
    return current_backend().create_task_group()


class _IgnoredTaskStatus:
    """The default ``task_status`` of a function that may be started with `start()`."""

    def started(self, value: Any = None) -> None:
        """Do nothing: the function was started with `start_soon()` or called directly."""

    def __repr__(self) -> str:
        return "TASK_STATUS_IGNORED"


TASK_STATUS_IGNORED: Any = _IgnoredTaskStatus()
"""Default value for a ``task_status`` parameter (`TaskGroup.start()` replaces it)."""

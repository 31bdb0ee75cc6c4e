"""Task introspection: `TaskInfo`, `get_current_task()`, `get_running_tasks()`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._backend import current_backend

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Generator


class TaskInfo:
    """A snapshot of what is known about a task.

    Attributes:
        id: a number that identifies the task while it runs.
        parent_id: the ``id`` of the task that started it (``None`` for the
            main task or a task anyio did not start).
        name: the task's name.
        coro: the coroutine (or awaitable) the task runs.
    """

    __slots__ = ("coro", "id", "name", "parent_id")

    def __init__(
        self,
        id: int,  # noqa: A002 - AnyIO's parameter name
        parent_id: int | None,
        name: str | None,
        coro: Generator[Any, Any, Any] | Awaitable[Any],
    ):
        self.id = id
        self.parent_id = parent_id
        self.name = name
        self.coro = coro

    def __eq__(self, other: object) -> bool:
        if isinstance(other, TaskInfo):
            return self.id == other.id
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.id)

    def __repr__(self) -> str:
        return f"TaskInfo(id={self.id!r}, name={self.name!r})"

    def has_pending_cancellation(self) -> bool:
        """Tell whether the task is inside a cancelled scope (and would be cancelled at
        its next checkpoint)."""
        return False


TaskInfo.__module__ = "anyio"


def get_current_task() -> TaskInfo:
    """Return information about the task that calls this.

    Raises:
        NoEventLoopError: when called outside a running event loop.
    """
    return current_backend().get_current_task()


def get_running_tasks() -> list[TaskInfo]:
    """Return information about every task running in the current event loop."""
    return current_backend().get_running_tasks()


#: Checks registered by other distributions (`register_handoff_check()`).
_handoff_checks: list[Callable[[], bool]] = []


def register_handoff_check(check: Callable[[], bool]) -> None:
    """Make `wait_all_tasks_blocked()` wait while ``check()`` returns true.

    For work handed to another thread that has not taken it yet: the task
    waiting for that work looks blocked, but a wake-up is on its way. The check
    runs in the event loop's thread, inside a running loop; it must be cheap.
    """
    _handoff_checks.append(check)


async def wait_all_tasks_blocked() -> None:
    """Wait until every other task of the event loop is blocked waiting for something.

    Meant for tests: after it returns, the other tasks have run as far as they
    can without outside input. A task waiting for a worker thread counts as
    blocked once the thread has taken the job (not before: a job handed over
    but not yet taken, say while the thread waits for the GIL, is work in
    progress).
    """
    backend = current_backend()
    await backend.wait_all_tasks_blocked()
    # The loop turns inside each wait, which lets the other thread take the GIL
    # and its job; then the tasks it wakes must settle again. (AnyIO polls with
    # sleeps of 0.1 s, which hid this case: the MCP SDK's tests relied on it.)
    while any(check() for check in _handoff_checks):
        await backend.wait_all_tasks_blocked()

"""Where a `TaskGroup.start()`-ed child stands before and after ``started()``.

Until ``started()`` the child belongs to the task that called `start()`: its
caller's cancellation reaches it, the group's does not (AnyIO #1197, Trio's rule).
``started()`` then moves it, with any scopes it entered, into the group. The
asyncio backend spawns the child straight into its caller's scope and moves it
in one step when it entered no scope of its own; these tests pin each path.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

import pytest

from anyio import (
    CancelScope,
    create_task_group,
    fail_after,
    get_cancelled_exc_class,
    get_current_task,
    sleep_forever,
    wait_all_tasks_blocked,
)

if TYPE_CHECKING:
    from anyio.abc import TaskStatus

pytestmark = pytest.mark.anyio

# A guard for tests that would hang if cancellation were not delivered.
GUARD = 5


class TestStartedMovesTheChild:
    async def test_scopes_the_child_entered_move_with_it(self) -> None:
        # started() from inside a scope of the child's own: that scope leaves
        # the caller's scope for the group's, so the caller's cancellation no
        # longer reaches the child, and the group's does.
        log: list[str] = []

        async def child(*, task_status: TaskStatus[None]) -> None:
            with CancelScope():
                task_status.started()
                try:
                    await sleep_forever()
                except get_cancelled_exc_class():
                    log.append("cancelled")
                    raise

        with fail_after(GUARD):
            async with create_task_group() as tg:
                with CancelScope() as caller_scope:
                    await tg.start(child)
                    caller_scope.cancel()  # the caller's own next checkpoint raises
                    await wait_all_tasks_blocked()
                assert caller_scope.cancelled_caught
                await wait_all_tasks_blocked()
                log.append("child still running")
                tg.cancel_scope.cancel()
        assert log == ["child still running", "cancelled"]

    async def test_group_cancellation_reaches_the_child_after_started(self) -> None:
        # The child entered no scope of its own (the one-step move).
        log: list[str] = []

        async def child(*, task_status: TaskStatus[None]) -> None:
            task_status.started()
            try:
                await sleep_forever()
            except get_cancelled_exc_class():
                log.append("cancelled")
                raise

        with fail_after(GUARD):
            async with create_task_group() as tg:
                with CancelScope(shield=True):
                    await tg.start(child)
                tg.cancel_scope.cancel()
        assert log == ["cancelled"]

    async def test_a_cancelled_caller_scope_reaches_a_child_started_in_it(self) -> None:
        # The caller's scope is shielded and cancelled before start(): the child,
        # spawned into it, is cancelled at its first checkpoint before started().
        log: list[str] = []

        async def child(*, task_status: TaskStatus[None]) -> None:
            log.append("running")
            try:
                await sleep_forever()
            except get_cancelled_exc_class():
                log.append("cancelled")
                raise
            task_status.started()  # pragma: no cover - cancelled above

        with fail_after(GUARD):
            async with create_task_group() as tg:
                with CancelScope(shield=True) as caller_scope:
                    caller_scope.cancel()
                    await tg.start(child)
        assert caller_scope.cancelled_caught
        assert log == ["running", "cancelled"]

    async def test_the_child_reports_the_group_host_as_parent_after_started(self) -> None:
        parents: list[int | None] = []

        async def child(*, task_status: TaskStatus[None]) -> None:
            parents.append(get_current_task().parent_id)
            task_status.started()
            parents.append(get_current_task().parent_id)

        async def caller(started: partial[object]) -> None:
            parents.append(get_current_task().id)
            await started()

        async with create_task_group() as tg:
            host = get_current_task().id
            async with create_task_group() as callers:
                callers.start_soon(caller, partial(tg.start, child))
        assert parents[1:] == [parents[0], host]

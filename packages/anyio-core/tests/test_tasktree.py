"""The task tree (`anyio.lowlevel.get_task_tree`, `format_task_tree`) and `CancelScope.cancel_reason`."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from typing import TYPE_CHECKING

import pytest

from anyio import (
    CancelScope,
    Event,
    create_task_group,
    fail_after,
    get_current_task,
    move_on_after,
    sleep,
    sleep_forever,
    wait_all_tasks_blocked,
)
from anyio.lowlevel import (
    CancelReason,
    TaskSnapshot,
    TaskTree,
    checkpoint,
    format_task_tree,
    get_task_tree,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

pytestmark = pytest.mark.anyio


def walk(tree: TaskTree) -> Iterator[TaskSnapshot]:
    pending = list(tree.roots)
    while pending:
        task = pending.pop()
        yield task
        for group in task.groups:
            pending.extend(group.tasks)


def find(tree: TaskTree, name: str) -> TaskSnapshot:
    found = [task for task in walk(tree) if task.name == name]
    assert len(found) == 1, format_task_tree(tree)
    return found[0]


async def wait_in_scope(event: Event) -> None:
    with CancelScope(deadline=float("inf"), shield=True), move_on_after(100):
        await event.wait()


class TestTaskTree:
    async def test_groups_tasks_locations_and_scopes(self) -> None:
        event = Event()
        with fail_after(10):
            async with create_task_group() as tg:
                tg.start_soon(wait_in_scope, event, name="the waiter")
                await wait_all_tasks_blocked()
                tree = get_task_tree()
                event.set()
        me = next(t for t in walk(tree) if t.id == get_current_task().id)
        waiter = find(tree, "the waiter")
        # The waiter is in a task group hosted by this task.
        assert any(waiter in group.tasks for group in me.groups)
        assert waiter.location is not None
        assert waiter.location.filename == __file__
        assert waiter.location.function.endswith("wait_in_scope")
        assert waiter.awaited_call == "Event.wait"
        shield, timeout = waiter.scopes
        assert shield.shield
        assert shield.deadline == float("inf")
        assert not timeout.shield
        # (deadline - now) of equal clock readings can round a hair above 100: uvloop's
        # clock ticks in milliseconds, so both readings are often the same value.
        assert 90 < timeout.deadline <= 100 + 1e-6
        assert not timeout.cancel_called
        assert timeout.reason is None

    async def test_format_shows_names_places_deadlines_and_reasons(self) -> None:
        async def doomed() -> None:
            with CancelScope() as scope:
                scope.cancel("we are done here")
                await sleep_forever()  # a cancelled scope: returns at once
            await sleep_forever()

        async with create_task_group() as tg:
            tg.start_soon(doomed, name="doomed task")
            await wait_all_tasks_blocked()
            with move_on_after(50):  # noqa: ASYNC100 - a deadline for the tree to show
                text = format_task_tree()
            tg.cancel_scope.cancel()
        assert "task 'doomed task'" in text
        assert f"{os.path.basename(__file__)}:" in text
        assert "in doomed, awaiting sleep_forever()" in text or "doomed" in text
        assert "deadline in " in text
        assert str(get_task_tree()).startswith("anyio task tree (")

    async def test_format_shows_a_cancel_reason(self) -> None:
        started, release = Event(), Event()

        async def stuck_in_cancelled_shield() -> None:
            with CancelScope() as outer:
                outer.cancel("stop it")
                with CancelScope(shield=True):
                    started.set()
                    await release.wait()

        async with create_task_group() as tg:
            tg.start_soon(stuck_in_cancelled_shield, name="shielded")
            await started.wait()
            await wait_all_tasks_blocked()
            text = format_task_tree()
            release.set()
        assert "cancel called, reason: cancel() called by" in text
        assert ": stop it" in text
        assert "shielded" in text

    @pytest.mark.parametrize("anyio_backend", ["asyncio"], indirect=False)
    async def test_native_asyncio_tasks_are_included(self) -> None:
        """asyncio-specific: a plain create_task() task is a root of its own."""
        import asyncio

        release = asyncio.Event()
        task = asyncio.get_running_loop().create_task(release.wait(), name="plain asyncio task")
        await wait_all_tasks_blocked()
        tree = get_task_tree()
        release.set()
        await task
        native = find(tree, "plain asyncio task")
        assert native in tree.roots
        assert native.native
        assert "[not in a task group]" in format_task_tree(tree)


class TestCancelReason:
    async def test_not_cancelled(self) -> None:
        with CancelScope() as scope:  # noqa: ASYNC100 - only its reason is read
            assert scope.cancel_reason is None

    async def test_explicit_with_reason_and_task(self) -> None:
        with CancelScope() as scope:
            scope.cancel("no longer needed")
            await checkpoint()
        assert scope.cancel_reason == CancelReason(
            "explicit", message="no longer needed", task=get_current_task().name
        )

    async def test_deadline(self) -> None:
        with move_on_after(0) as scope:
            await sleep(1)
        assert scope.cancel_reason == CancelReason("deadline")
        assert scope.cancel_reason.describe() == "deadline exceeded"

    async def test_failing_sibling_in_task_group(self) -> None:
        async def fail() -> None:
            raise ValueError("boom")

        with pytest.raises(ExceptionGroup):  # noqa: PT012
            async with create_task_group() as tg:
                tg.start_soon(fail)
                await sleep_forever()
        reason = tg.cancel_scope.cancel_reason
        assert reason is not None
        assert reason.kind == "task_group"
        assert "ValueError('boom')" in reason.describe()

    async def test_body_raising_cancels_the_group(self) -> None:
        error = RuntimeError("from the body")
        with pytest.raises(ExceptionGroup):  # noqa: PT012
            async with create_task_group() as tg:
                tg.start_soon(sleep_forever)
                await wait_all_tasks_blocked()
                raise error
        reason = tg.cancel_scope.cancel_reason
        assert reason is not None
        assert reason.kind == "task_group"
        assert reason.message == repr(error)

    async def test_enclosing_scope(self) -> None:
        with CancelScope() as outer:
            with CancelScope() as inner, CancelScope(shield=True) as shielded:  # noqa: ASYNC100
                outer.cancel("outer reason")
                assert shielded.cancel_reason is None
                reason = inner.cancel_reason
            await checkpoint()
        assert reason is not None
        assert reason.kind == "enclosing"
        assert reason.origin == CancelReason(
            "explicit", message="outer reason", task=get_current_task().name
        )
        assert reason.describe().startswith("an enclosing scope was cancelled (cancel() called")


if sys.version_info < (3, 11):
    from exceptiongroup import ExceptionGroup


PROGRAM = textwrap.dedent(
    """
    import os, signal, sys
    import anyio

    async def main():
        async with anyio.create_task_group() as tg:
            tg.start_soon(anyio.sleep_forever, name="sleeper in the dump")
            await anyio.wait_all_tasks_blocked()
            os.kill(os.getpid(), signal.SIGUSR1)
            await anyio.sleep(0.01)  # the handler runs while the loop waits
            tg.cancel_scope.cancel()
        print("finished")

    anyio.run(main, backend=sys.argv[1])
    """
)


@pytest.mark.skipif(not hasattr(signal, "SIGUSR1"), reason="needs SIGUSR1")
@pytest.mark.parametrize("backend", ["asyncio", "trio"])
def test_dump_on_signal_from_environment(backend: str) -> None:
    pytest.importorskip(backend)
    env = {**os.environ, "ANYIO_TASK_TREE_SIGNAL": "SIGUSR1"}
    done = subprocess.run(
        [sys.executable, "-c", PROGRAM, backend],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "finished"
    assert f"anyio task tree ({backend}" in done.stderr
    assert "task 'sleeper in the dump'" in done.stderr


def test_without_the_variable_the_signal_is_not_handled() -> None:
    program = (
        "import anyio, signal; anyio.run(anyio.sleep, 0); "
        "print(signal.getsignal(signal.SIGUSR1) == signal.SIG_DFL)"
    )
    env = {k: v for k, v in os.environ.items() if k != "ANYIO_TASK_TREE_SIGNAL"}
    done = subprocess.run(
        [sys.executable, "-c", program], env=env, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "True"

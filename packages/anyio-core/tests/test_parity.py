"""Parity tests for lifecycle code kept in step by hand (issue 13, item 5).

Some code exists twice for speed or because each backend needs its own: the
task groups' "already entered" and "not active" checks (one per backend, and on
asyncio once more in the inlined `start_soon()` next to `_start_task()`), and
`run_asyncgen_fixture()` in each backend's test runner. Each test here runs one
scenario through every copy and asserts the same outcome, so that a copy that
drifts fails.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import pytest

from anyio import create_task_group, get_current_task
from anyio._core.contract import get_backend
from anyio.lowlevel import checkpoint

if TYPE_CHECKING:
    from collections.abc import AsyncGenerator, Awaitable, Callable

    from anyio.abc import TaskGroup, TaskStatus

ENTERED_TWICE = "TaskGroup cannot be entered more than once"
NOT_ACTIVE = re.escape(
    "This task group is not active; no new tasks can be started. "
    "Start tasks inside the 'async with' block of the group."
)


async def _child(task_status: TaskStatus[str] | None = None) -> None:
    if task_status is not None:
        task_status.started(get_current_task().name)
    await checkpoint()


def _via_start_soon(tg: TaskGroup) -> Awaitable[Any]:
    tg.start_soon(_child)
    return checkpoint()


def _via_start(tg: TaskGroup) -> Awaitable[Any]:
    return tg.start(_child)


def _via_create_task(tg: TaskGroup) -> Awaitable[Any]:
    coro = _child()
    try:
        tg.create_task(coro)
    finally:
        coro.close()
    return checkpoint()


SPAWNERS: list[Callable[[TaskGroup], Awaitable[Any]]] = [
    _via_start_soon,
    _via_start,
    _via_create_task,
]


@pytest.mark.anyio
@pytest.mark.parametrize("spawn", SPAWNERS, ids=lambda f: f.__name__)
class TestTaskGroupChecks:
    async def test_never_entered(self, spawn: Callable[[TaskGroup], Awaitable[Any]]) -> None:
        with pytest.raises(RuntimeError, match=f"^{NOT_ACTIVE}$"):
            await spawn(create_task_group())

    async def test_after_exit(self, spawn: Callable[[TaskGroup], Awaitable[Any]]) -> None:
        async with create_task_group() as tg:
            pass
        with pytest.raises(RuntimeError, match=f"^{NOT_ACTIVE}$"):
            await spawn(tg)

    async def test_cancelled_group_cancels_the_child(
        self, spawn: Callable[[TaskGroup], Awaitable[Any]]
    ) -> None:
        # A child spawned into a cancelled group sees the cancellation at its
        # first checkpoint, whichever path spawned it.
        reached: list[str] = []

        async def child(task_status: TaskStatus[None] | None = None) -> None:
            await checkpoint()
            reached.append("after checkpoint")

        async with create_task_group() as tg:
            tg.cancel_scope.cancel()
            if spawn is _via_start_soon:
                tg.start_soon(child)
            elif spawn is _via_create_task:
                tg.create_task(child())
            else:
                tg.start_soon(tg.start, child)
        assert reached == []


@pytest.mark.anyio
async def test_entered_twice() -> None:
    tg = create_task_group()
    async with tg:
        with pytest.raises(RuntimeError, match=f"^{ENTERED_TWICE}$"):
            await tg.__aenter__()


@pytest.mark.anyio
async def test_default_names_agree() -> None:
    # start_soon() and start() name a child "module.qualname" alike.
    names: list[str] = []

    async def named(task_status: TaskStatus[str] | None = None) -> None:
        name = get_current_task().name
        if task_status is not None:
            task_status.started(name)
        else:
            names.append(name)

    async with create_task_group() as tg:
        tg.start_soon(named)
        names.append(await tg.start(named))
    assert names[0] == names[1]
    assert names[0].endswith("test_default_names_agree.<locals>.named")


BACKENDS = ["asyncio", "trio"]


class TestAsyncgenFixtureParity:
    """``run_asyncgen_fixture()`` of each backend's test runner, scenario by scenario."""

    def _run(self, backend: str, fixture: Callable[[], AsyncGenerator[Any, None]]) -> list[str]:
        pytest.importorskip(backend)
        events: list[str] = []
        with get_backend(backend).create_test_runner({}) as runner:
            steps = runner.run_asyncgen_fixture(fixture, {})
            try:
                events.append(f"value {next(steps)}")
                next(steps, None)
            except Exception as exc:  # the outcome is what the test compares
                events.append(f"{type(exc).__name__}: {exc}")
        return events

    @pytest.mark.parametrize("backend", BACKENDS)
    def test_setup_and_teardown(self, backend: str) -> None:
        torn_down: list[bool] = []

        async def fixture() -> AsyncGenerator[int, None]:
            await checkpoint()
            yield 1
            await checkpoint()
            torn_down.append(True)

        assert self._run(backend, fixture) == ["value 1"]
        assert torn_down == [True]

    @pytest.mark.parametrize("backend", BACKENDS)
    def test_yields_twice(self, backend: str) -> None:
        closed: list[bool] = []

        async def fixture() -> AsyncGenerator[int, None]:
            try:
                yield 1
                yield 2
            finally:
                closed.append(True)

        assert self._run(backend, fixture) == [
            "value 1",
            "RuntimeError: Async generator fixture did not stop",
        ]
        assert closed == [True]

    @pytest.mark.parametrize("backend", BACKENDS)
    def test_teardown_raises(self, backend: str) -> None:
        async def fixture() -> AsyncGenerator[int, None]:
            yield 1
            raise ValueError("in teardown")

        assert self._run(backend, fixture) == ["value 1", "ValueError: in teardown"]

    @pytest.mark.parametrize("backend", BACKENDS)
    def test_setup_raises(self, backend: str) -> None:
        async def fixture() -> AsyncGenerator[int, None]:
            raise ValueError("in setup")
            yield 1  # pragma: no cover - makes it a generator

        assert self._run(backend, fixture) == ["ValueError: in setup"]

"""AnyIO 4.14-4.16 behaviour lines of anyio-core that have no better home (issue 16).

Async tests run on every backend variant; the `anyio.run()` ones start their own loop
on each backend.
"""

from __future__ import annotations

import gc
import math
import weakref
from typing import TYPE_CHECKING, Any

import pytest

import anyio
from anyio import (
    TASK_STATUS_IGNORED,
    TypedAttributeSet,
    create_task_group,
    get_cancelled_exc_class,
    typed_attribute,
)
from anyio._core._backend import current_backend
from anyio.lowlevel import checkpoint

if TYPE_CHECKING:
    from collections.abc import Generator

    from anyio.abc import TaskGroup, TaskStatus

BACKENDS = ["asyncio", "trio"]


class _Awaitable:
    """An awaitable that is not a coroutine."""

    def __await__(self) -> Generator[Any, None, int]:
        yield from ()
        return 42


@pytest.mark.parametrize("backend", BACKENDS)
def test_run_accepts_a_callable_returning_any_awaitable(backend: str) -> None:
    # anyio#1171
    pytest.importorskip(backend)
    assert anyio.run(_Awaitable, backend=backend) == 42


@pytest.mark.parametrize("backend", BACKENDS)
def test_run_does_not_keep_the_root_task_alive(backend: str) -> None:
    # anyio#1203: nothing of the run (its loop, its root task's locals) outlives it.
    pytest.importorskip(backend)
    refs: list[weakref.ref[object]] = []

    class Marker:
        pass

    async def main() -> None:
        marker = Marker()
        refs.append(weakref.ref(marker))
        await checkpoint()

    anyio.run(main, backend=backend)
    gc.collect()
    assert refs[0]() is None


@pytest.mark.parametrize("use_uvloop", [False, True], ids=["asyncio", "asyncio+uvloop"])
def test_run_does_not_keep_its_asyncio_loop_alive(use_uvloop: bool) -> None:
    # anyio#1203: the backend lookup's memory of the last loop it saw is dropped at
    # the end of the run, so the finished loop is garbage once nothing else has it.
    if use_uvloop:
        pytest.importorskip("uvloop")
    import asyncio

    async def main() -> weakref.ref[object]:
        await checkpoint()
        return weakref.ref(asyncio.get_running_loop())

    loop_ref = anyio.run(main, backend="asyncio", backend_options={"use_uvloop": use_uvloop})
    gc.collect()
    assert loop_ref() is None


@pytest.mark.anyio
class TestAsync:
    @pytest.mark.parametrize("delay", [-1, -0.001, -math.inf, math.nan])
    async def test_negative_sleep(self, delay: float) -> None:
        # anyio#1306; AnyIO's wording starts the message, NaN included
        with pytest.raises(ValueError, match=r"^delay must be a non-negative number, got"):
            await anyio.sleep(delay)

    async def test_start_into_a_cancelled_group(self) -> None:
        # anyio#1197: the task sees nothing until its first checkpoint after
        # started(); the value reaches the caller and the handle; start() raises
        # no cancellation.
        log: list[object] = []
        groups: list[TaskGroup] = []

        async def host(*, task_status: TaskStatus[None] = TASK_STATUS_IGNORED) -> None:
            async with create_task_group() as tg:
                groups.append(tg)
                task_status.started()
                await anyio.sleep_forever()

        async def child(*, task_status: TaskStatus[str] = TASK_STATUS_IGNORED) -> None:
            log.append("running")
            task_status.started("value")
            try:
                await checkpoint()
            except get_cancelled_exc_class():
                log.append("cancelled at first checkpoint")
                raise

        async with create_task_group() as outer:
            await outer.start(host)
            (target,) = groups
            target.cancel_scope.cancel()
            handle = await target.start(child, return_handle=True)
            assert handle.start_value == "value"
            await handle.wait()
            outer.cancel_scope.cancel()
        assert log == ["running", "cancelled at first checkpoint"]

    async def test_get_current_task_outside_a_task_is_a_clear_error(self) -> None:
        # anyio#773: from a callback the loop runs (no current task).
        outcome: list[BaseException | None] = []
        done = anyio.Event()
        backend = current_backend()
        native = backend.current_native_token()

        def callback() -> None:
            try:
                anyio.get_current_task()
            except RuntimeError as exc:
                outcome.append(exc)
            else:
                outcome.append(None)
            done.set()

        # A loop callback (call_soon_threadsafe on asyncio): it runs outside any task.
        backend.run_sync_soon(native, callback)
        with anyio.fail_after(5):
            await done.wait()
        if backend.name == "trio":
            assert outcome == [None]  # Trio runs such callbacks in a task of its own
        else:
            assert isinstance(outcome[0], RuntimeError)
            assert str(outcome[0]).startswith("There is no task currently running")


def test_typed_attribute_set_subclass_of_subclass() -> None:
    # anyio#1358
    class Base(TypedAttributeSet):
        first: int = typed_attribute()

    class Derived(Base):
        second: str = typed_attribute()

    assert Derived.first is Base.first
    assert Derived.second is not Derived.first

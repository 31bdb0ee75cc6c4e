"""Tests for anyio.to_interpreter (worker subinterpreters, Python 3.13+).

The functions run in the subinterpreters come from the standard library (`operator`,
`eval`, `exec`, `os.read`): a subinterpreter imports the module of the function it runs,
and this test module is not importable there (pytest puts its folder on `sys.path` of the
main interpreter only).
"""

from __future__ import annotations

import inspect
import json
import operator
import os
import pickle
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

import anyio
from anyio import CancelScope, CapacityLimiter, create_task_group, fail_after, to_interpreter
from anyio.lowlevel import checkpoint

if TYPE_CHECKING:
    from collections.abc import Iterator

pytestmark = pytest.mark.anyio

needs_subinterpreters = pytest.mark.skipif(
    sys.version_info < (3, 13), reason="subinterpreters need Python 3.13 or later"
)

#: The id of the interpreter that runs it (`_interpreters` is there from 3.13 on).
CURRENT_ID = "__import__('_interpreters').get_current()[0]"


def live_interpreters() -> set[int]:
    import _interpreters  # type: ignore[import-not-found,unused-ignore]  # 3.13+

    return {entry[0] for entry in _interpreters.list_all()}


@pytest.fixture
def pipe() -> Iterator[tuple[int, int]]:
    """A pipe whose read end blocks a worker interpreter until the test writes to it."""
    read_fd, write_fd = os.pipe()
    yield read_fd, write_fd
    os.close(read_fd)
    os.close(write_fd)


class TestSurface:
    def test_signatures_match_anyio(self) -> None:
        api_file = Path(__file__).parents[2] / "anyio-core" / "tests" / "anyio-4.13-api.json"
        api = json.loads(api_file.read_text("utf-8"))["modules"]["anyio.to_interpreter"]
        assert sorted(api) == sorted(to_interpreter.__all__)
        for name, entry in api.items():
            ours = inspect.signature(getattr(to_interpreter, name))
            assert str(ours).replace("'", "") == entry["signature"].replace("'", "")
            assert inspect.iscoroutinefunction(getattr(to_interpreter, name)) == entry["async"]

    async def test_default_limiter(self) -> None:
        limiter = to_interpreter.current_default_interpreter_limiter()
        assert isinstance(limiter, CapacityLimiter)
        assert limiter.total_tokens == (os.cpu_count() or 8)
        assert to_interpreter.current_default_interpreter_limiter() is limiter

    @pytest.mark.skipif(sys.version_info >= (3, 13), reason="this Python has subinterpreters")
    async def test_older_python_names_the_requirement(self) -> None:
        with pytest.raises(RuntimeError, match=r"subinterpreters require at least Python 3\.13"):
            await to_interpreter.run_sync(operator.add, 1, 2)


@needs_subinterpreters
class TestRunSync:
    async def test_returns_the_result(self) -> None:
        assert await to_interpreter.run_sync(operator.add, 2, 3) == 5
        assert await to_interpreter.run_sync(operator.concat, [1], [b"x"]) == [1, b"x"]

    async def test_runs_in_another_interpreter(self) -> None:
        # The worker never imported anyio: it is not the caller's interpreter.
        assert "anyio" in sys.modules
        found = await to_interpreter.run_sync(eval, "'anyio' in __import__('sys').modules")
        assert found is False
        assert await to_interpreter.run_sync(eval, CURRENT_ID) != 0

    async def test_raises_the_function_exception(self) -> None:
        with pytest.raises(ValueError, match="invalid literal") as excinfo:
            await to_interpreter.run_sync(int, "not a number")
        notes = getattr(excinfo.value, "__notes__", [])
        assert any("Traceback in the worker interpreter" in note for note in notes)

    async def test_unpicklable_function_is_explained(self) -> None:
        with pytest.raises((AttributeError, pickle.PicklingError, TypeError)) as excinfo:
            await to_interpreter.run_sync(lambda: 1)
        assert any("module-level function" in note for note in excinfo.value.__notes__)
        # The worker was not harmed.
        assert await to_interpreter.run_sync(operator.neg, 1) == -1

    async def test_unpicklable_result(self) -> None:
        with pytest.raises(TypeError, match=r"return value .* could not be pickled"):
            await to_interpreter.run_sync(eval, "lambda: 1")

    async def test_unpicklable_exception(self) -> None:
        with pytest.raises(TypeError, match=r"exception .* could not be pickled.* ValueError"):
            await to_interpreter.run_sync(exec, "raise ValueError(lambda: 1)")

    async def test_workers_are_reused(self) -> None:
        first = await to_interpreter.run_sync(eval, CURRENT_ID)
        assert await to_interpreter.run_sync(eval, CURRENT_ID) == first

    async def test_crashed_worker_raises_and_is_replaced(self) -> None:
        crashed = await to_interpreter.run_sync(eval, CURRENT_ID)
        # Breaks the worker's own machinery: it can no longer send its answer back.
        sabotage = "import __main__; __main__._anyio_pickle = None"
        with pytest.raises(anyio.BrokenWorkerInterpreter, match="AttributeError"):
            await to_interpreter.run_sync(exec, sabotage)
        assert crashed not in live_interpreters()
        replacement = await to_interpreter.run_sync(eval, CURRENT_ID)
        assert replacement != crashed

    async def test_limiter_bounds_the_calls(self) -> None:
        limiter = CapacityLimiter(1)
        holder = object()
        await limiter.acquire_on_behalf_of(holder)
        results: list[int] = []

        async def run() -> None:
            results.append(await to_interpreter.run_sync(operator.add, 1, 1, limiter=limiter))

        with fail_after(20):
            async with create_task_group() as tg:
                tg.start_soon(run)
                await anyio.wait_all_tasks_blocked()
                assert limiter.statistics().tasks_waiting == 1
                assert not results
                limiter.release_on_behalf_of(holder)
        assert results == [2]

    async def test_cancellation_waits_for_the_call(self, pipe: tuple[int, int]) -> None:
        read_fd, write_fd = pipe
        outcome: dict[str, Any] = {}

        async def run(scope: CancelScope) -> None:
            with scope:
                outcome["data"] = await to_interpreter.run_sync(os.read, read_fd, 10)
                await checkpoint()
                outcome["not cancelled"] = True

        scope = CancelScope()
        with fail_after(20):
            async with create_task_group() as tg:
                tg.start_soon(run, scope)
                await anyio.wait_all_tasks_blocked()
                scope.cancel()
                await anyio.wait_all_tasks_blocked()
                assert "data" not in outcome
                os.write(write_fd, b"late")
        assert outcome == {"data": b"late"}
        assert scope.cancelled_caught

    async def test_idle_workers_are_pruned(
        self, pipe: tuple[int, int], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        read_fd, write_fd = pipe
        limiter = CapacityLimiter(2)
        ids: list[int] = []

        async def blocked_call() -> None:
            # Both calls hold a worker at once, so the pool ends up with two of them.
            await to_interpreter.run_sync(os.read, read_fd, 1, limiter=limiter)
            ids.append(await to_interpreter.run_sync(eval, CURRENT_ID, limiter=limiter))

        with fail_after(20):
            async with create_task_group() as tg:
                tg.start_soon(blocked_call)
                tg.start_soon(blocked_call)
                await anyio.wait_all_tasks_blocked()
                os.write(write_fd, b"xy")
        assert len(set(ids)) == 2
        assert set(ids) <= live_interpreters()

        monkeypatch.setattr(to_interpreter, "MAX_IDLE_SECONDS", -1.0)  # every idle one is old
        fresh = await to_interpreter.run_sync(eval, CURRENT_ID)
        assert fresh not in ids
        assert not set(ids) & live_interpreters()

        monkeypatch.setattr(to_interpreter, "MAX_IDLE_SECONDS", 30.0)
        assert await to_interpreter.run_sync(eval, CURRENT_ID) == fresh


@needs_subinterpreters
@pytest.mark.parametrize("backend", ["asyncio", "trio"])
def test_workers_destroyed_when_the_run_ends(backend: str) -> None:
    """A sync test running its own event loop on each backend, to see the run end."""
    pytest.importorskip(backend)

    async def main() -> int:
        worker_id: int = await to_interpreter.run_sync(eval, CURRENT_ID)
        assert worker_id in live_interpreters()
        return worker_id

    assert anyio.run(main, backend=backend) not in live_interpreters()

"""A task waiting for a child process is not deadlocked (the test runners' deadlock watch).

The child works for a moment (``sleep``) while every task waits for it: the
watch must see the process (its pipes, its exit) as something that can still
wake a task. Each test drives a watched test runner of its own, as the pytest
plugin does, on every backend variant.
"""

from __future__ import annotations

import sys
import time
from typing import TYPE_CHECKING, Any

import pytest

import anyio
from anyio import to_process
from anyio._core.contract import get_backend

if TYPE_CHECKING:
    from collections.abc import Iterator

    from anyio.abc import TestRunner

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX commands")


@pytest.fixture
def runner(anyio_backend: Any) -> Iterator[TestRunner]:
    name, options = anyio_backend if isinstance(anyio_backend, tuple) else (anyio_backend, {})
    made = get_backend(name).create_test_runner(options)
    if not made.watch_deadlocks():
        pytest.skip("uvloop hides its timers and handles: its loop cannot be watched")
    with made:
        yield made


def test_run_process_that_works_a_while(runner: TestRunner) -> None:
    async def main() -> None:
        result = await anyio.run_process([sys.executable, "-c", "import time; time.sleep(0.3)"])
        assert result.returncode == 0

    runner.run_test(main, {})


def test_waiting_for_exit_without_pipes(runner: TestRunner) -> None:
    async def main() -> None:
        async with await anyio.open_process(
            ["sleep", "0.3"], stdin=None, stdout=None, stderr=None
        ) as process:
            assert await process.wait() == 0

    runner.run_test(main, {})


def test_waiting_for_a_worker_process(runner: TestRunner) -> None:
    async def main() -> None:
        await to_process.run_sync(time.sleep, 0.3)

    runner.run_test(main, {})

"""`anyio.to_process` on every backend variant.

The functions run in workers must be importable there by name, so the tests
use standard-library functions rather than functions defined in this module.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import threading
import time
import types
from functools import partial
from typing import Any

import pytest

import anyio
from anyio import BrokenWorkerProcess, to_process

from ._helpers import children

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="counts /proc")


@pytest.mark.anyio
class TestRunSync:
    async def test_result_comes_back(self) -> None:
        assert await to_process.run_sync(sum, [1, 2, 3]) == 6

    async def test_runs_in_another_process(self) -> None:
        assert await to_process.run_sync(os.getpid) != os.getpid()

    async def test_exception_comes_back(self) -> None:
        with pytest.raises(ValueError, match="invalid literal"):
            await to_process.run_sync(int, "x")

    async def test_workers_are_reused(self) -> None:
        first = await to_process.run_sync(os.getpid)
        assert await to_process.run_sync(os.getpid) == first

    async def test_idle_workers_retire(self, monkeypatch: pytest.MonkeyPatch) -> None:
        first = await to_process.run_sync(os.getpid)
        # Below zero: stale at once, even with a coarse clock (uvloop ticks in milliseconds).
        monkeypatch.setattr(to_process, "WORKER_MAX_IDLE_TIME", -1.0)
        second = await to_process.run_sync(os.getpid)
        assert second != first
        assert first not in children()  # retired and reaped

    async def test_concurrent_calls_use_several_workers(self) -> None:
        limiter = anyio.CapacityLimiter(3)
        async with anyio.create_task_group() as tg:
            for _ in range(3):
                tg.start_soon(partial(to_process.run_sync, time.sleep, 0.2, limiter=limiter))
        # The three calls overlapped (each slept in its worker): three workers,
        # now idle in the pool (there may be more from earlier tests).
        assert len(children()) >= 3

    async def test_a_dying_worker_raises_broken_worker_process(self) -> None:
        with pytest.raises(BrokenWorkerProcess, match="died"):
            await to_process.run_sync(os._exit, 3)
        assert await to_process.run_sync(sum, [1]) == 1  # a new worker takes over

    async def test_unpicklable_function_says_so(self) -> None:
        with pytest.raises(pickle.PicklingError, match="could not pickle"):
            await to_process.run_sync(lambda: 1)

    async def test_unpicklable_argument_says_so(self) -> None:
        with pytest.raises(pickle.PicklingError, match="or its arguments"):
            await to_process.run_sync(len, threading.Lock())

    async def test_unpicklable_result_says_so(self) -> None:
        with pytest.raises(pickle.PicklingError, match="return value"):
            await to_process.run_sync(threading.Lock)

    async def test_stdout_output_does_not_break_the_protocol(self) -> None:
        assert await to_process.run_sync(os.write, 1, b"noise\n" * 1000) == 6000

    async def test_stderr_flood_does_not_stall_the_worker(self) -> None:
        # Nobody reads the worker's stderr in this process: it must not be a pipe.
        with anyio.fail_after(30):
            written = await to_process.run_sync(os.write, 2, b"e" * (1 << 20))
        assert written > 0

    async def test_the_loop_thread_does_not_stat_the_main_script(
        self, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        # A new worker learns where our __main__ is; a stat() of that file in the
        # event loop thread would block the loop (the worker checks it instead).
        script = tmp_path / "fake_main.py"
        script.write_text("VALUE = 1\n")
        fake_main = types.ModuleType("__main__")
        fake_main.__file__ = str(script)
        monkeypatch.setitem(sys.modules, "__main__", fake_main)
        monkeypatch.setattr(to_process, "WORKER_MAX_IDLE_TIME", -1.0)  # so a new worker starts
        loop_thread = threading.get_ident()
        statted: list[object] = []
        real_stat = os.stat

        def recording_stat(path: Any, *args: Any, **kwargs: Any) -> os.stat_result:
            if threading.get_ident() == loop_thread and path == str(script):
                statted.append(path)
            return real_stat(path, *args, **kwargs)

        monkeypatch.setattr(os, "stat", recording_stat)
        assert await to_process.run_sync(sum, [1, 2]) == 3
        assert statted == []

    async def test_not_cancellable_waits_for_the_result(self) -> None:
        results: list[object] = []

        async def call() -> None:
            results.append(await to_process.run_sync(time.sleep, 0.2))

        async with anyio.create_task_group() as tg:
            tg.start_soon(call)
            await anyio.wait_all_tasks_blocked()
            tg.cancel_scope.cancel()
        assert results == [None]

    async def test_cancellable_kills_the_worker(self) -> None:
        pid = await to_process.run_sync(os.getpid)
        async with anyio.create_task_group() as tg:

            async def sleep_in_worker() -> None:
                await to_process.run_sync(time.sleep, 3600, cancellable=True)

            tg.start_soon(sleep_in_worker)
            await anyio.wait_all_tasks_blocked()
            tg.cancel_scope.cancel()
        assert pid not in children()  # killed and reaped
        assert await to_process.run_sync(os.getpid) != pid

    async def test_big_arguments_and_results_cross_intact(self) -> None:
        # Frames far larger than a pipe, in both directions, several in a row.
        for size in (3_000_000, 10, 200_000):
            assert await to_process.run_sync(len, b"a" * size) == size
            assert await to_process.run_sync(bytes, size) == bytes(size)

    async def test_a_cancelled_caller_takes_no_token(self) -> None:
        limiter = anyio.CapacityLimiter(1)
        with anyio.CancelScope() as scope:
            scope.cancel()
            await to_process.run_sync(os.getpid, limiter=limiter)
        assert scope.cancelled_caught
        assert limiter.borrowed_tokens == 0

    async def test_callers_queue_for_a_busy_limiter(self) -> None:
        limiter = anyio.CapacityLimiter(1)
        results: list[int] = []

        async def call(value: int) -> None:
            results.append(await to_process.run_sync(abs, -value, limiter=limiter))

        async with anyio.create_task_group() as tg:
            for value in range(4):
                tg.start_soon(call, value)
        assert sorted(results) == [0, 1, 2, 3]
        assert limiter.borrowed_tokens == 0

    async def test_default_limiter_has_one_token_per_cpu(self) -> None:
        limiter = to_process.current_default_process_limiter()
        assert limiter.total_tokens == (os.cpu_count() or 2)
        assert to_process.current_default_process_limiter() is limiter


SCRIPT = """\
import os, sys
import anyio
from anyio import to_process


def triple(x):
    return x * 3


async def main():
    print(await to_process.run_sync(triple, 14))


if __name__ == "__main__":
    {tweak}
    anyio.run(main, backend=sys.argv[1])
"""


@pytest.mark.parametrize(
    ("name", "tweak"),
    [
        pytest.param("mytool", "pass", id="console-script-without-py"),
        pytest.param("tool.py", "pass", id="plain-script"),
        pytest.param(
            "tool.py", "__file__ = '/nonexistent/dir/tool.py'", id="main-file-in-missing-dir"
        ),
    ],
)
def test_functions_of_the_main_script_run_in_workers(
    tmp_path: Any, name: str, tweak: str, anyio_backend_name: str
) -> None:
    # anyio#1027: a console-script entry point has no .py suffix; anyio#696: a
    # __main__.__file__ whose directory is gone must not break the worker.
    script = tmp_path / name
    script.write_text(SCRIPT.format(tweak=tweak))
    result = subprocess.run(
        [sys.executable, str(script), anyio_backend_name],
        capture_output=True,
        timeout=60,
        check=False,
    )
    if "missing" in tweak or "nonexistent" in tweak:
        # The worker cannot load main: triple() cannot be unpickled, clearly.
        assert b"could not unpickle" in result.stderr
    else:
        assert result.stdout == b"42\n", result.stderr.decode()

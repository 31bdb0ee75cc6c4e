"""Waiting for a child's exit (`_process._exit`), by every way this platform offers."""

from __future__ import annotations

import subprocess
import sys

import pytest

import anyio
from anyio._process import _exit

pytestmark = [
    pytest.mark.anyio,
    pytest.mark.skipif(sys.platform == "win32", reason="POSIX child processes"),
]


class TestWatchChild:
    async def test_a_child_reaped_by_someone_else_counts_as_exited(self, exit_method: str) -> None:
        # A SIGCHLD handler elsewhere in the program may reap every child before we
        # start watching: the watcher must report the exit, not fail or wait forever.
        popen = subprocess.Popen(["true"])  # noqa: ASYNC220 - a child outside anyio, on purpose
        popen.wait()
        watcher = _exit.watch_child(popen.pid)
        try:
            with anyio.fail_after(5):
                await watcher.wait_exited()
        finally:
            watcher.close()

    async def test_waiting_for_a_reaped_child_is_a_checkpoint(self, exit_method: str) -> None:
        popen = subprocess.Popen(["true"])  # noqa: ASYNC220 - as above
        popen.wait()
        watcher = _exit.watch_child(popen.pid)
        try:
            with anyio.CancelScope() as scope:
                scope.cancel()
                await watcher.wait_exited()
            assert scope.cancelled_caught
        finally:
            watcher.close()

    async def test_a_running_child_is_waited_for(self, exit_method: str) -> None:
        popen = subprocess.Popen(["cat"], stdin=subprocess.PIPE)  # noqa: ASYNC220 - as above
        watcher = _exit.watch_child(popen.pid)
        try:
            async with anyio.create_task_group() as tg:
                tg.start_soon(watcher.wait_exited)
                await anyio.wait_all_tasks_blocked()
                assert popen.poll() is None
                assert popen.stdin is not None
                popen.stdin.close()
            assert popen.wait() == 0
        finally:
            watcher.close()

"""`anyio.open_process`, `anyio.run_process` and their `Process`, on every backend variant."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from subprocess import DEVNULL, STDOUT, CalledProcessError
from typing import Any

import pytest

import anyio
from anyio import ClosedResourceError, EndOfStream
from anyio._process import _process
from anyio.abc import Process
from anyio.lowlevel import checkpoint

from ._helpers import children, open_fds

pytestmark = [
    pytest.mark.anyio,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="counts /proc entries"),
]

PY = sys.executable


def py(code: str) -> list[str]:
    return [PY, "-c", code]


class TestRunProcess:
    async def test_output_and_exit_code(self) -> None:
        result = await anyio.run_process(
            py("import sys; print('out'); print('err', file=sys.stderr)")
        )
        assert (result.returncode, result.stdout, result.stderr) == (0, b"out\n", b"err\n")
        assert isinstance(result, subprocess.CompletedProcess)

    async def test_input_goes_to_stdin_and_is_closed(self) -> None:
        data = os.urandom(1 << 20)  # larger than any pipe buffer: needs concurrent draining
        result = await anyio.run_process(["cat"], input=data)
        assert result.stdout == data

    async def test_empty_input_closes_stdin(self) -> None:
        result = await anyio.run_process(["cat"], input=b"")
        assert result.stdout == b""

    async def test_a_str_command_runs_in_the_shell(self) -> None:
        result = await anyio.run_process("echo $((6 * 7)) | cat")
        assert result.stdout == b"42\n"

    async def test_check_raises_with_output_and_stderr(self) -> None:
        code = "import sys; print('partial'); print('bad', file=sys.stderr); sys.exit(3)"
        with pytest.raises(CalledProcessError) as info:
            await anyio.run_process(py(code))
        assert info.value.returncode == 3
        assert info.value.output == b"partial\n"
        assert info.value.stderr == b"bad\n"

    async def test_check_false_returns_the_failure(self) -> None:
        result = await anyio.run_process(py("raise SystemExit(5)"), check=False)
        assert result.returncode == 5

    async def test_unpiped_output_is_none(self) -> None:
        result = await anyio.run_process(["true"], stdout=DEVNULL, stderr=DEVNULL)
        assert (result.stdout, result.stderr) == (None, None)

    async def test_stderr_to_stdout(self) -> None:
        code = "import sys; print('a', flush=True); print('b', file=sys.stderr)"
        result = await anyio.run_process(py(code), stderr=STDOUT)
        assert result.stdout == b"a\nb\n"
        assert result.stderr is None

    async def test_cwd_env_and_umask(self, tmp_path: Any) -> None:
        code = "import os; print(os.getcwd(), os.environ['ANYIO_X'], oct(os.umask(0)))"
        result = await anyio.run_process(
            py(code), cwd=tmp_path, env={**os.environ, "ANYIO_X": "y"}, umask=0o27
        )
        assert result.stdout.split() == [str(tmp_path).encode(), b"y", b"0o27"]

    async def test_input_and_stdin_together_are_refused(self) -> None:
        with pytest.raises(ValueError, match="both input and stdin"):
            await anyio.run_process(["cat"], input=b"x", stdin=DEVNULL)

    async def test_missing_program_leaves_nothing_open(self) -> None:
        before = open_fds()
        with pytest.raises(FileNotFoundError):
            await anyio.run_process(["/nonexistent/anyio-test-program"])
        assert open_fds() == before


class TestKeywordsReachPopen:
    """Every keyword reaches `subprocess.Popen` as given (anyio#1209: extra_groups)."""

    async def test_each_keyword_is_passed_unchanged(self, monkeypatch: pytest.MonkeyPatch) -> None:
        seen: dict[str, Any] = {}

        class Stop(Exception):
            pass

        def fake_popen(args: Any, **kwargs: Any) -> Any:
            seen.update(kwargs, args=args)
            raise Stop

        monkeypatch.setattr(_process.subprocess, "Popen", fake_popen)
        given = {
            "cwd": "/",
            "env": {"A": "1"},
            "startupinfo": None,
            "creationflags": 0,
            "start_new_session": True,
            "pass_fds": (0,),
            "user": 1234,
            "group": 2345,
            "extra_groups": [3456, 4567],
            "umask": 0o22,
        }
        with pytest.raises(Stop):
            await anyio.open_process(["prog", "arg"], **given)
        assert {key: seen[key] for key in given} == given
        assert seen["args"] == ["prog", "arg"]
        assert seen["shell"] is False

    @pytest.mark.skipif(os.geteuid() != 0, reason="setting groups needs root")
    async def test_extra_groups_reach_the_child(self) -> None:
        result = await anyio.run_process(
            py("import os; print(sorted(os.getgroups()))"), extra_groups=[4242, 4343]
        )
        assert result.stdout == b"[4242, 4343]\n"


class TestProcess:
    async def test_pipes_are_byte_streams(self) -> None:
        async with await anyio.open_process(["cat"]) as process:
            assert isinstance(process, Process)
            assert process.stdin is not None
            assert process.stdout is not None
            await process.stdin.send(b"hello")
            assert await process.stdout.receive() == b"hello"
            await process.stdin.aclose()
            with pytest.raises(EndOfStream):
                await process.stdout.receive()
        assert process.returncode == 0

    @pytest.mark.parametrize("max_bytes", [0, -1, 1.5, "4", None])
    async def test_receive_refuses_a_bad_max_bytes(self, max_bytes: Any) -> None:
        async with await anyio.open_process(["cat"]) as process:
            assert process.stdout is not None
            with anyio.fail_after(5), pytest.raises(ValueError, match="positive integer"):
                await process.stdout.receive(max_bytes)
            assert process.stdin is not None
            await process.stdin.aclose()

    async def test_unpiped_streams_are_none(self) -> None:
        async with await anyio.open_process(
            ["true"], stdin=DEVNULL, stdout=DEVNULL, stderr=DEVNULL
        ) as process:
            assert (process.stdin, process.stdout, process.stderr) == (None, None, None)
        assert process.returncode == 0

    async def test_kill_terminate_and_signal_give_negative_codes(self) -> None:
        for stop, signum in (
            (lambda p: p.kill(), signal.SIGKILL),
            (lambda p: p.terminate(), signal.SIGTERM),
            (lambda p: p.send_signal(signal.SIGUSR1), signal.SIGUSR1),
        ):
            async with await anyio.open_process(["cat"]) as process:
                assert process.returncode is None
                stop(process)
                assert await process.wait() == -signum

    async def test_wait_is_a_checkpoint_after_exit(self) -> None:
        async with await anyio.open_process(["true"]) as process:
            await process.wait()
            with anyio.CancelScope() as scope:
                scope.cancel()
                await process.wait()
            assert scope.cancelled_caught

    async def test_several_tasks_wait_at_once(self, exit_method: str) -> None:
        codes: list[int] = []
        async with await anyio.open_process(
            py("import sys; sys.stdin.read(); sys.exit(7)")
        ) as process:

            async def wait() -> None:
                codes.append(await process.wait())

            with anyio.fail_after(10):
                async with anyio.create_task_group() as tg:
                    for _ in range(3):
                        tg.start_soon(wait)
                    await anyio.wait_all_tasks_blocked()
                    assert process.stdin is not None
                    await process.stdin.aclose()
        assert codes == [7, 7, 7]

    async def test_waiting_does_not_block_the_loop(self, exit_method: str) -> None:
        # The child exits only when we close its stdin: if wait() blocked the
        # thread, the task that closes it could never run.
        async with await anyio.open_process(["cat"]) as process, anyio.create_task_group() as tg:

            async def close_stdin() -> None:
                await anyio.wait_all_tasks_blocked()
                assert process.stdin is not None
                await process.stdin.aclose()

            tg.start_soon(close_stdin)
            with anyio.fail_after(10):
                assert await process.wait() == 0

    async def test_waiting_arms_no_timer(self, exit_method: str, anyio_backend_name: str) -> None:
        # Backend-specific look at the loop: no timer is pending while a task waits
        # for a child (so nothing polls); asyncio has no public view of its timers.
        def timers_pending() -> bool:
            if anyio_backend_name == "trio":
                import trio

                deadline = trio.lowlevel.current_statistics().seconds_to_next_deadline
                return bool(deadline != float("inf"))
            import asyncio

            loop: Any = asyncio.get_running_loop()
            return bool(getattr(loop, "_scheduled", []))

        async with await anyio.open_process(["cat"]) as process, anyio.create_task_group() as tg:
            tg.start_soon(process.wait)
            await anyio.wait_all_tasks_blocked()
            assert not timers_pending()
            assert process.stdin is not None
            await process.stdin.aclose()

    async def test_wait_ignores_grandchildren_holding_the_pipes(self, exit_method: str) -> None:
        # anyio#1174: the child starts a grandchild that inherits stdin, stdout and
        # stderr and blocks reading stdin, then exits.
        code = (
            "import subprocess, sys;"
            "subprocess.Popen([sys.executable, '-c', 'import sys; sys.stdin.read()']);"
            "print('spawned', flush=True)"
        )
        async with await anyio.open_process(py(code)) as process:
            with anyio.fail_after(10):
                assert await process.wait() == 0
            assert process.stdout is not None
            assert await process.stdout.receive() == b"spawned\n"
            assert process.stdin is not None
            await process.stdin.aclose()  # now the grandchild exits too
            with anyio.fail_after(10), pytest.raises(EndOfStream):
                await process.stdout.receive()

    async def test_aclose_with_a_full_pipe_does_not_deadlock(self) -> None:
        # anyio#1166: nobody reads the child's output; it blocks writing.
        code = "import sys\nwhile True: sys.stdout.buffer.write(b'x' * 65536)"
        process = await anyio.open_process(py(code))
        with anyio.fail_after(10):
            await process.aclose()
        assert process.returncode is not None
        assert process.returncode != 0

    async def test_aclose_cancelled_kills_and_reaps(self) -> None:
        before = children()
        process = await anyio.open_process(["sleep", "3600"], stdin=DEVNULL)
        with anyio.CancelScope() as scope:
            scope.cancel()
            await process.aclose()
        assert process.returncode == -signal.SIGKILL
        assert children() == before

    async def test_stdin_send_after_close(self) -> None:
        # anyio#671/#1002: an error, not a silent write, and a checkpoint.
        async with await anyio.open_process(["cat"]) as process:
            assert process.stdin is not None
            await process.stdin.aclose()
            with pytest.raises(ClosedResourceError):
                await process.stdin.send(b"x")
            with anyio.CancelScope() as scope:
                scope.cancel()
                await process.stdin.send(b"x")
            assert scope.cancelled_caught

    async def test_stdin_send_after_the_child_exits(self) -> None:
        async with await anyio.open_process(["true"], stdout=DEVNULL, stderr=DEVNULL) as process:
            await process.wait()
            assert process.stdin is not None
            with pytest.raises(anyio.BrokenResourceError) as info:
                await process.stdin.send(b"x" * 1000)
            assert isinstance(info.value.__cause__, BrokenPipeError)

    async def test_receive_needs_a_positive_size(self) -> None:
        async with await anyio.open_process(["true"]) as process:
            assert process.stdout is not None
            with pytest.raises(ValueError, match="positive integer"):
                await process.stdout.receive(0)

    async def test_concurrent_receivers_are_refused(self) -> None:
        async with await anyio.open_process(["cat"]) as process:
            assert process.stdout is not None
            stdout = process.stdout
            async with anyio.create_task_group() as tg:
                tg.start_soon(stdout.receive)
                await anyio.wait_all_tasks_blocked()
                with pytest.raises(anyio.BusyResourceError):
                    await stdout.receive()
                tg.cancel_scope.cancel()


class TestNothingLeftBehind:
    """No zombie and no descriptor after cancellation at any point (counted)."""

    @pytest.mark.parametrize("delay", range(0, 40, 3))
    async def test_run_process_cancelled_after_n_checkpoints(self, delay: int) -> None:
        fds, kids = open_fds(), children()
        async with anyio.create_task_group() as tg:

            async def run() -> None:
                await anyio.run_process(["cat"], input=b"x" * 200_000)

            tg.start_soon(run)
            for _ in range(delay):
                await checkpoint()
            tg.cancel_scope.cancel()
        assert children() == kids
        assert open_fds() == fds

    @pytest.mark.parametrize("delay", range(0, 20, 4))
    async def test_process_block_cancelled_after_n_checkpoints(
        self, delay: int, exit_method: str
    ) -> None:
        fds, kids = open_fds(), children()
        with anyio.CancelScope() as scope:
            async with await anyio.open_process(["cat"]) as process:
                assert process.stdin is not None
                assert process.stdout is not None
                await process.stdin.send(b"ping")
                for _ in range(delay):
                    await checkpoint()
                scope.cancel()
                await process.stdout.receive()
                await process.wait()
        assert children() == kids
        assert open_fds() == fds


class TestDroppedWithoutClosing:
    async def test_pipes_and_watcher_descriptors_close_on_garbage_collection(
        self, exit_method: str
    ) -> None:
        import gc

        fds = open_fds()
        process = await anyio.open_process(["true"])
        popen = process._popen  # type: ignore[attr-defined]  # to reap it ourselves
        del process
        gc.collect()
        popen.wait()
        assert open_fds() == fds


class TestExitSeenThroughReturncode:
    """Programs that poll `returncode` and close the pipes, never calling wait() or aclose()."""

    async def test_the_watcher_descriptor_closes_once_the_exit_is_seen(
        self, exit_method: str
    ) -> None:
        # MCP's stdio client works this way and checks that it leaks no descriptor.
        fds = open_fds()
        process = await anyio.open_process(["true"], stdin=DEVNULL, stdout=DEVNULL, stderr=DEVNULL)
        with anyio.fail_after(10):
            await anyio.to_thread.run_sync(_wait_unreaped, process.pid)
        assert process.returncode == 0
        assert open_fds() == fds

    async def test_a_task_waiting_meanwhile_still_gets_the_exit_code(
        self, exit_method: str
    ) -> None:
        fds = open_fds()
        process = await anyio.open_process(["cat"], stdout=DEVNULL, stderr=DEVNULL)
        assert process.stdin is not None
        codes: list[int] = []

        async def wait() -> None:
            codes.append(await process.wait())

        with anyio.fail_after(10):
            async with anyio.create_task_group() as tg:
                tg.start_soon(wait)
                await anyio.wait_all_tasks_blocked()
                await process.stdin.aclose()
                await anyio.to_thread.run_sync(_wait_unreaped, process.pid)
                assert process.returncode == 0
        assert codes == [0]
        assert open_fds() == fds


def _wait_unreaped(pid: int) -> None:
    """Block until the child ``pid`` has exited, leaving it to be reaped (a worker thread)."""
    with contextlib.suppress(ChildProcessError):  # a waiting task reaped it first
        os.waitid(os.P_PID, pid, os.WEXITED | os.WNOWAIT)

"""`open_process()` and the `anyio.abc.Process` it returns.

The child is started by `subprocess.Popen` itself, with every keyword passed
through unchanged, so that it reaches the OS exactly as ``Popen`` would pass
it. We make the pipes ourselves (``os.pipe()``) and hand Popen the child's
ends: the parent's ends stay bare descriptors, which `_pipes` turns into
non-blocking byte streams. Exit is observed by `_exit` (pidfd, kqueue or a
waiter thread), never by polling, and is independent of the pipes: a
grandchild that inherited stdout cannot delay `wait()`.

``Popen()`` runs in a worker thread (see `_spawn`), so that the loop runs on
while the child starts, and concurrent spawns overlap.

No zombie, no descriptor left behind: once the child exists, nothing can
cancel the caller before it has the process (the thread call is shielded and
no checkpoint follows it), and `Process.aclose()` kills and reaps the child,
shielded, if it is cancelled.
"""

from __future__ import annotations

import os
import subprocess
import sys
from contextlib import ExitStack
from functools import partial
from subprocess import PIPE
from typing import IO, TYPE_CHECKING, Any

from anyio import CancelScope, CapacityLimiter, to_thread
from anyio.abc import Process as AbstractProcess
from anyio.lowlevel import RunVar, cancel_shielded_checkpoint, checkpoint_if_cancelled

from ._exit import ExitWatcher, watch_child
from ._pipes import PipeReceiveStream, PipeSendStream

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping, Sequence
    from signal import Signals

    from _typeshed import StrOrBytesPath

    from anyio.abc import ByteReceiveStream, ByteSendStream


class Process(AbstractProcess):
    """A child process started by `anyio.open_process()`."""

    def __init__(
        self,
        popen: subprocess.Popen[bytes],
        watcher: ExitWatcher,
        stdin: PipeSendStream | None,
        stdout: PipeReceiveStream | None,
        stderr: PipeReceiveStream | None,
    ) -> None:
        self._popen = popen
        self._watcher = watcher
        self._stdin = stdin
        self._stdout = stdout
        self._stderr = stderr

    def __repr__(self) -> str:
        return f"<Process pid={self.pid} returncode={self._popen.returncode}>"

    async def wait(self) -> int:
        """Wait until the process exits (not for its pipes), and reap it.

        Returns:
            The exit code: ``-N`` if signal ``N`` ended it.
        """
        await checkpoint_if_cancelled()
        returncode = self._popen.poll()
        if returncode is None:
            await self._watcher.wait_exited()
            # Exited; now reaping does not block (and the PID was never reused).
            returncode = self._popen.wait()
        else:
            await cancel_shielded_checkpoint()
        self._watcher.close()
        return returncode

    async def aclose(self) -> None:
        """Close the pipes, then wait for the process to exit.

        Closing stdout and stderr first means that a child blocked writing to
        a full pipe gets an error (or SIGPIPE) instead of waiting forever for
        us. If the wait is cancelled, the process is killed and reaped
        (shielded) before the cancellation goes on.
        """
        with CancelScope(shield=True):
            for stream in (self._stdin, self._stdout, self._stderr):
                if stream is not None:
                    await stream.aclose()
        try:
            await self.wait()
        except BaseException:
            with CancelScope(shield=True):
                self.kill()
                await self.wait()
            raise
        finally:
            self._watcher.close()

    def terminate(self) -> None:
        """Ask the process to end (SIGTERM)."""
        self._popen.terminate()

    def kill(self) -> None:
        """End the process at once (SIGKILL)."""
        self._popen.kill()

    def send_signal(self, signal: Signals) -> None:
        """Send ``signal`` to the process, unless it has already been reaped."""
        self._popen.send_signal(signal)

    @property
    def pid(self) -> int:
        """The process ID."""
        return self._popen.pid

    @property
    def returncode(self) -> int | None:
        """The exit code, or None while the process runs (reaps it if it has exited)."""
        returncode = self._popen.poll()
        if returncode is not None:
            # Reaped: the exit watcher has nothing more to tell, so its descriptor
            # (a pidfd) goes now. Programs that poll this and close the pipes never
            # call wait() or aclose() (MCP's stdio client), and AnyIO holds nothing
            # for a child whose exit it has seen.
            self._watcher.release()
        return returncode

    @property
    def stdin(self) -> ByteSendStream | None:
        """The stream to the child's standard input, if it was piped."""
        return self._stdin

    @property
    def stdout(self) -> ByteReceiveStream | None:
        """The stream from the child's standard output, if it was piped."""
        return self._stdout

    @property
    def stderr(self) -> ByteReceiveStream | None:
        """The stream from the child's standard error, if it was piped."""
        return self._stderr


def _pipe(spec: int | IO[Any] | None, child_reads: bool, stack: ExitStack) -> tuple[Any, int]:
    """Return (what Popen gets, our end or -1); our pipes are closed by ``stack`` on failure."""
    if spec != PIPE:
        return spec, -1
    read_end, write_end = os.pipe()
    ours, theirs = (write_end, read_end) if child_reads else (read_end, write_end)
    stack.callback(os.close, ours)
    return theirs, ours


async def open_process(
    command: StrOrBytesPath | Sequence[StrOrBytesPath],
    *,
    stdin: int | IO[Any] | None = PIPE,
    stdout: int | IO[Any] | None = PIPE,
    stderr: int | IO[Any] | None = PIPE,
    cwd: StrOrBytesPath | None = None,
    env: Mapping[str, str] | None = None,
    startupinfo: Any = None,
    creationflags: int = 0,
    start_new_session: bool = False,
    pass_fds: Sequence[int] = (),
    user: str | int | None = None,
    group: str | int | None = None,
    extra_groups: Iterable[str | int] | None = None,
    umask: int = -1,
) -> AbstractProcess:
    """Start a child process and return it, with its pipes as byte streams.

    A ``str`` or ``bytes`` command runs through the shell; a sequence runs
    the program directly. Every keyword argument goes to `subprocess.Popen`
    unchanged (see there for their meaning); ``stdin``, ``stdout`` and
    ``stderr`` may be `subprocess.PIPE` (the default: a stream on the returned
    process), `subprocess.DEVNULL`, `subprocess.STDOUT` (for stderr), a file
    descriptor, a file object or None (inherit ours).

    Use the process as an async context manager (``async with await
    open_process(...) as process:``) so that it is always waited for, and
    killed if that wait is cancelled.

    Returns:
        The running process.

    Raises:
        OSError: if the program could not be started (for example
            `FileNotFoundError`); nothing is left running or open.
        NotImplementedError: on Windows, which is not supported yet.
    """
    if sys.platform == "win32":
        raise NotImplementedError(
            "anyio-process does not support Windows yet: its pipes are built on "
            "descriptor readiness, which Windows pipes do not offer; use "
            "subprocess in a worker thread (anyio.to_thread.run_sync) meanwhile"
        )
    await checkpoint_if_cancelled()
    with ExitStack() as on_failure:
        child_stdin, our_stdin = _pipe(stdin, True, on_failure)
        child_stdout, our_stdout = _pipe(stdout, False, on_failure)
        child_stderr, our_stderr = _pipe(stderr, False, on_failure)
        try:
            popen: subprocess.Popen[bytes] = await _spawn(
                partial(
                    subprocess.Popen,
                    command,
                    stdin=child_stdin,
                    stdout=child_stdout,
                    stderr=child_stderr,
                    shell=isinstance(command, (str, bytes)),
                    cwd=cwd,
                    env=env,
                    startupinfo=startupinfo,
                    creationflags=creationflags,
                    start_new_session=start_new_session,
                    pass_fds=pass_fds,
                    user=user,
                    group=group,
                    extra_groups=extra_groups,
                    umask=umask,
                )
            )
        finally:
            # The child has its own copies now (or was never started).
            for spec, ours in (
                (child_stdin, our_stdin),
                (child_stdout, our_stdout),
                (child_stderr, our_stderr),
            ):
                if ours >= 0:
                    os.close(spec)
        on_failure.callback(_reap_killed, popen)
        process = Process(
            popen,
            watch_child(popen.pid),
            PipeSendStream(our_stdin) if our_stdin >= 0 else None,
            PipeReceiveStream(our_stdout) if our_stdout >= 0 else None,
            PipeReceiveStream(our_stderr) if our_stderr >= 0 else None,
        )
        on_failure.pop_all()
    return process


#: Start children in a worker thread (see `_spawn`); tests and benchmarks may switch it off.
spawn_in_thread = True
#: Spawning threads at once per event loop: their own limiter, so that user code that fills
#: `to_thread`'s default limiter with long calls cannot hold process creation up.
SPAWN_THREADS = 8
_spawn_limiters: RunVar[CapacityLimiter] = RunVar("anyio-process spawn limiter")


def _spawn_limiter() -> CapacityLimiter:
    try:
        return _spawn_limiters.get()
    except LookupError:
        limiter = CapacityLimiter(SPAWN_THREADS)
        _spawn_limiters.set(limiter)
        return limiter


async def _spawn(start: Callable[[], subprocess.Popen[Any]]) -> subprocess.Popen[Any]:
    """Run ``start`` (a ``Popen`` call) without blocking the event loop.

    ``Popen`` returns only once the child has called ``exec()`` (it reads the
    child's error pipe until then): a millisecond or more, longer for a big
    parent. In a worker thread, the loop runs on meanwhile and concurrent
    spawns overlap, as Trio does it. The thread call is shielded: once the
    child exists, the caller gets it (and with it the duty to reap it), even
    if cancelled meanwhile.
    """
    if spawn_in_thread:
        return await to_thread.run_sync(start, limiter=_spawn_limiter())
    popen = start()
    await cancel_shielded_checkpoint()
    return popen


def _reap_killed(popen: subprocess.Popen[bytes]) -> None:
    """Kill and reap a child we could not hand out (watching it failed)."""
    popen.kill()
    popen.wait()

"""Waiting for a child process to exit, without blocking the loop and without polling.

The problem
-----------
``Popen.wait()`` blocks the thread, and calling ``Popen.poll()`` on a timer
wastes CPU and adds latency. SIGCHLD handlers are process-global: they would
fight with any other library (asyncio's child watchers, a test runner) that
reaps children, and with the user's own handlers.

What we do
----------
We learn *that* the child exited without reaping it, then reap it with
``Popen.poll()``, so that `subprocess.Popen` stays the one owner of the exit
status (and of the PID: no reuse race, since an unreaped child's PID cannot
be reused). Three ways, the first that the platform offers:

* **pidfd** (Linux 5.3+): ``os.pidfd_open(pid)`` gives a descriptor that
  becomes readable when the child exits; we park on it with
  `anyio.wait_readable`. No thread, no timer.
* **kqueue** (macOS and the BSDs): a private kqueue with an
  ``EVFILT_PROC``/``NOTE_EXIT`` filter on the PID; the kqueue's own
  descriptor becomes readable when the event fires, so again
  `anyio.wait_readable`. (Written from the kqueue documentation; it cannot
  run on the Linux machines that test this code.)
* **a waiter thread** (anything else POSIX, for example Linux before 5.3):
  one daemon thread per child blocks in ``os.waitid(..., WEXITED | WNOWAIT)``,
  which waits for the exit but leaves the child to be reaped, then hands the
  news to the loop through the loop token (``run_sync_soon``), which sets an
  `anyio.Event`.

Where this lives, and why
-------------------------
Here, in anyio-process, and not as a backend concern in core: each way is
built from core's public, backend-neutral API (readiness waits, events, the
loop token), so asyncio, uvloop and Trio share one implementation and a
backend author has nothing more to write. Core's contract stays what only a
backend can provide (readiness, signals, tokens). Only this distribution
needs to wait for children; if another one ever does, this module can move
to core unchanged.
"""

from __future__ import annotations

import os
import select
import sys
import threading
from contextlib import suppress
from typing import TYPE_CHECKING, Literal, TypeAlias

from anyio import (
    Event,
    Lock,
    NoEventLoopError,
    RunFinishedError,
    notify_closing,
    wait_readable,
)
from anyio.lowlevel import checkpoint, current_token

if TYPE_CHECKING:
    from collections.abc import Callable

    from anyio.lowlevel import EventLoopToken

Method: TypeAlias = Literal["pidfd", "kqueue", "thread"]


def available_methods() -> list[Method]:
    """Return the ways of waiting that this platform offers, best first."""
    methods: list[Method] = []
    if hasattr(os, "pidfd_open"):
        methods.append("pidfd")
    if hasattr(select, "kqueue"):
        methods.append("kqueue")
    if hasattr(os, "waitid"):
        methods.append("thread")
    return methods


#: The way new watchers use; None: the best available (tests force one).
forced_method: Method | None = None


class ExitWatcher:
    """Tells when one child has exited (see the module docstring).

    `wait_exited()` returns once the child has exited; it may be called by
    several tasks at once and any number of times. `close()` releases what
    the watcher holds; call it from the event loop thread.
    """

    async def wait_exited(self) -> None:
        raise NotImplementedError

    def close(self) -> None:
        """Release the watcher's descriptor, if any (idempotent)."""

    def release(self) -> None:
        """Release what the watcher holds early, once the child is known to be reaped.

        Unlike `close()`, this leaves a watcher that a task is waiting on alone
        (that wait ends with the child's exit, and `Process.wait()` closes it),
        and it may be called outside the event loop.
        """


class _FdWatcher(ExitWatcher):
    """A descriptor that becomes readable when the child exits (pidfd, kqueue)."""

    def __init__(self, fd: int, close: Callable[[int], object] = os.close) -> None:
        self._fd = fd
        self._close = close
        # Only one task may wait for readability of a descriptor: the rest queue here.
        # fast_acquire: the one waiter of the usual case takes it without a yield of its
        # own (the readiness wait that follows is the checkpoint).
        self._lock = Lock(fast_acquire=True)
        self._exited = False

    async def wait_exited(self) -> None:
        async with self._lock:
            if not self._exited and self._fd >= 0:
                await wait_readable(self._fd)
                self._exited = True

    def close(self) -> None:
        fd, self._fd = self._fd, -1
        if fd >= 0:
            try:
                notify_closing(fd)
            finally:
                self._close(fd)

    def release(self) -> None:
        if self._fd < 0 or self._lock.locked():
            return
        # Nobody waits on the descriptor. Outside the loop there is no backend
        # to tell, and no task that could be waiting: close() has closed it
        # before notify_closing() failed.
        with suppress(NoEventLoopError):
            self.close()

    def __del__(self) -> None:
        # Dropped without close() (a process never waited for): no waiter is left.
        fd, self._fd = getattr(self, "_fd", -1), -1
        if fd >= 0:
            with suppress(OSError):
                self._close(fd)


def _pidfd_watcher(pid: int) -> ExitWatcher:
    try:
        fd = os.pidfd_open(pid)
    except ProcessLookupError:
        # Reaped already, by someone else's waitpid() (a SIGCHLD handler that reaps
        # every child): it has exited. As for kqueue below; Popen then reports 0.
        return _ExitedWatcher()
    return _FdWatcher(fd)


if sys.platform != "linux" and sys.platform != "win32":  # macOS, the BSDs (mypy: skipped on Linux)

    def _kqueue_watcher(pid: int) -> ExitWatcher:
        kqueue = select.kqueue()
        event = select.kevent(
            pid,
            filter=select.KQ_FILTER_PROC,
            flags=select.KQ_EV_ADD | select.KQ_EV_ONESHOT,
            fflags=select.KQ_NOTE_EXIT,
        )
        try:
            kqueue.control([event], 0)
        except ProcessLookupError:
            # The child has already exited (the kernel refuses to watch it).
            kqueue.close()
            return _ExitedWatcher()
        except BaseException:
            kqueue.close()
            raise
        # The kqueue object stays alive with the watcher, which closes it.
        return _FdWatcher(kqueue.fileno(), lambda fd: kqueue.close())

else:

    def _kqueue_watcher(pid: int) -> ExitWatcher:
        raise NotImplementedError("kqueue is not available on this platform")


class _ExitedWatcher(ExitWatcher):
    """For a child that had already exited (or been reaped) when watching began."""

    async def wait_exited(self) -> None:
        # Still a checkpoint, as every other way of waiting is (Process.wait() relies on it).
        await checkpoint()


class _ThreadWatcher(ExitWatcher):
    """A daemon thread waits (without reaping) and tells the loop through its token."""

    def __init__(self, pid: int) -> None:
        self._pid = pid
        self._exited = Event()
        self._started = False

    async def wait_exited(self) -> None:
        if not self._started:
            self._started = True
            thread = threading.Thread(
                target=self._watch,
                args=(current_token(),),
                name=f"anyio child watcher (pid {self._pid})",
                daemon=True,
            )
            thread.start()
        await self._exited.wait()

    def _watch(self, token: EventLoopToken) -> None:
        # ChildProcessError: reaped already (Popen.poll() in the loop thread), so it exited.
        with suppress(ChildProcessError):
            os.waitid(os.P_PID, self._pid, os.WEXITED | os.WNOWAIT)
        with suppress(RunFinishedError):  # nobody is left to tell
            token.backend.run_sync_soon(token.native_token, self._exited.set)


_FACTORIES = {"pidfd": _pidfd_watcher, "kqueue": _kqueue_watcher, "thread": _ThreadWatcher}


def watch_child(pid: int) -> ExitWatcher:
    """Return a watcher for the child ``pid``, by the best way available.

    Raises:
        NotImplementedError: on a platform with none of the ways (Windows).
    """
    methods = [forced_method] if forced_method is not None else available_methods()
    if not methods:
        raise NotImplementedError(
            "anyio-process cannot wait for a child process on this platform "
            f"({sys.platform}): it needs pidfd (Linux), kqueue (macOS, BSD) or os.waitid()"
        )
    return _FACTORIES[methods[0]](pid)

"""One worker-thread pool for every backend.

The hand-off
------------
A call to `to_thread.run_sync()` parks the calling task on a waiter (core's
parking API) and gives a job to an idle worker thread. When the function
returns, the worker hands the outcome back through the loop's token
(``run_sync_soon``, the only thread-safe entry into a loop), and the callback,
now on the loop thread, wakes the waiter and puts the worker back on the idle
stack. All bookkeeping of the pool happens on the loop thread, so it needs no
lock; a worker thread only ever touches its own queue.

Lifetime
--------
Each event loop run has its own pool (in a `RunVar`). Workers are reused most
recently used first; a worker idle for longer than `IDLE_TIMEOUT` is told to
exit when the pool is next used. When the loop run ends, a system task's
``finally`` tells every idle worker to exit and joins it, so no thread
outlives the loop unless it is still running an abandoned call. Workers are
daemon threads: an abandoned call never blocks interpreter exit.
"""

from __future__ import annotations

import threading
from queue import SimpleQueue
from time import monotonic
from typing import TYPE_CHECKING, Any

from .._core._exceptions import RunFinishedError
from .._core._lowlevel import RunVar

if TYPE_CHECKING:
    from collections.abc import Callable
    from contextvars import Context

    from .._core._backend import Backend
    from .._core._tasks import CancelScope

IDLE_TIMEOUT = 10.0

#: Set in a worker thread while it runs a job (read by `anyio.from_thread`).
thread_state = threading.local()


class Job:
    __slots__ = ("args", "context", "func", "scope", "waiter")

    def __init__(
        self,
        func: Callable[..., Any],
        args: tuple[Any, ...],
        context: Context,
        waiter: Any,
        scope: CancelScope,
    ) -> None:
        self.func = func
        self.args = args
        self.context = context
        self.waiter = waiter
        self.scope = scope


class Worker:
    """A thread that runs jobs from its own queue until it gets ``None``."""

    __slots__ = ("idle_since", "jobs", "pool", "thread")

    def __init__(self, pool: Pool) -> None:
        self.pool = pool
        self.jobs: SimpleQueue[Job | None] = SimpleQueue()
        self.idle_since = 0.0
        self.thread = threading.Thread(target=self._run, name="anyio worker thread", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        backend, token = self.pool.backend, self.pool.native_token
        thread_state.backend = backend
        thread_state.native_token = token
        while (job := self.jobs.get()) is not None:
            thread_state.scope = job.scope
            try:
                outcome = (True, job.context.run(job.func, *job.args))
            except BaseException as exc:
                outcome = (False, exc)
            thread_state.scope = None
            try:
                backend.run_sync_soon(token, self.pool.finish, self, job, outcome)
            except RunFinishedError:
                return  # the loop is gone; nobody waits for this result
            del job, outcome


class Pool:
    """The worker threads of one event loop run."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend
        self.native_token = backend.current_native_token()
        # Invariant: workers waiting for a job, the most recently used last.
        self.idle: list[Worker] = []
        self.workers: set[Worker] = set()
        self.closed = False

    def submit(self, job: Job) -> None:
        if self.idle:
            worker = self.idle.pop()
        else:
            worker = Worker(self)
            self.workers.add(worker)
        worker.jobs.put(job)

    def finish(self, worker: Worker, job: Job, outcome: tuple[bool, Any]) -> None:
        """Deliver a job's outcome; runs on the loop thread."""
        self.backend.wake(job.waiter, outcome)
        if self.closed:
            self._retire(worker)
            return
        now = monotonic()
        worker.idle_since = now
        self.idle.append(worker)
        while self.idle and now - self.idle[0].idle_since > IDLE_TIMEOUT:
            self._retire(self.idle.pop(0))

    def _retire(self, worker: Worker) -> None:
        worker.jobs.put(None)
        self.workers.discard(worker)

    def close(self) -> None:
        """Tell idle workers to exit and wait for them (busy ones exit when done)."""
        self.closed = True
        idle, self.idle = self.idle, []
        for worker in idle:
            self._retire(worker)
        for worker in idle:
            worker.thread.join()


_pools: RunVar[Pool] = RunVar("anyio worker thread pool")


def current_pool(backend: Backend) -> Pool:
    try:
        return _pools.get()
    except LookupError:
        pool = Pool(backend)
        _pools.set(pool)
        backend.spawn_system_task(_close_at_run_end, pool)
        return pool


async def _close_at_run_end(pool: Pool) -> None:
    try:
        await pool.backend.sleep_forever()
    finally:
        pool.close()

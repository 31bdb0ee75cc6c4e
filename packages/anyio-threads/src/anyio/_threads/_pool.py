"""One worker-thread pool for every backend.

The hand-off
------------
A call to `to_thread.run_sync()` gives a `Job` to an idle worker thread and
parks the calling task as the job's host (see `._job`). When the function
returns, the worker hands the outcome back through the loop's token
(``run_sync_soon``, the only thread-safe entry into a loop), and the callback,
now on the loop thread, delivers it to the host and puts the worker back on
the idle stack. All bookkeeping of the pool happens on the loop thread, so it needs no
lock; a worker thread only ever touches its own queue.

Lifetime
--------
Each event loop run has its own pool (in a `RunVar`). Workers are reused most
recently used first. A worker that gets no job for `IDLE_TIMEOUT` seconds
retires itself; the idle stack is shared with the loop thread for that one
purpose, under ``Pool.lock``, so that a job is never handed to a worker that
is just leaving. When the loop run ends, a system task's ``finally`` tells
every idle worker to exit. It does not join them there: that would block the
loop thread. The thread joins them once the run is over (core's run-end hook),
so that ``anyio.run()`` returns with none of its idle workers left. A worker
still running an abandoned call exits when it finishes (its result has nowhere
to go) or, if its last hand-off was accepted by a loop that then stopped,
after the idle timeout. Workers are daemon threads: an abandoned call never
blocks interpreter exit.

Nothing here keeps a finished event loop alive for ever (AnyIO's #1203). The
pool holds no reference to its loop: it lives in a `RunVar`, whose per-loop
storage is weakly keyed by the loop, so a value that referred to the loop
would never be freed. A worker knows its pool only weakly; it refers to the
loop through core's ``threadlocals`` record (AnyIO's) and, while it runs a
job, the job, so the loop is freed once the workers that the run's end told
to leave are gone (the thread-local goes with the thread). Recording the
token once per thread rather than per job keeps the worker's side of a call
short.
"""

from __future__ import annotations

import sys
import threading
import weakref
from contextvars import Context
from queue import Empty, SimpleQueue
from typing import TYPE_CHECKING, Any

from .. import RunFinishedError
from .._core.contract import register_handoff_check, register_run_end_hook, threadlocals
from ..lowlevel import EventLoopToken, RunVar

if TYPE_CHECKING:
    from .. import CapacityLimiter
    from .._core.contract import Backend
    from ._job import Job

IDLE_TIMEOUT = 10.0

#: The name of every worker thread (AnyIO's).
WORKER_THREAD_NAME = "AnyIO worker thread"


def empty_context() -> dict[str, Any]:
    """Return `threading.Thread` arguments that start the thread in a new, empty context.

    Since 3.14 a thread may inherit its starter's context (the default on
    free-threaded builds), which would keep the starter's context variable
    values alive, and visible, in a thread that outlives the call.
    """
    return {"context": Context()} if sys.version_info >= (3, 14) else {}


class _ThreadState(threading.local):
    #: The job a worker thread is running now (read by `anyio.from_thread`).
    job: Job | None = None
    #: In a loop thread: the threads of the workers that the end of its last
    #: run told to leave (see `join_departed_workers()`).
    departing: tuple[threading.Thread, ...] = ()


thread_state = _ThreadState()


class Worker:
    """A thread that runs jobs from its own queue until it gets ``None``."""

    __slots__ = ("jobs", "loop_token", "pool", "retired", "thread")

    def __init__(self, pool: Pool, loop_token: EventLoopToken) -> None:
        # Weak: the pool lives as long as its loop (and a job's host holds it).
        self.pool = weakref.ref(pool)
        self.jobs: SimpleQueue[Job | None] = SimpleQueue()
        # Invariant (under pool.lock): a retired worker is not on the idle stack
        # and gets no more jobs.
        self.retired = False
        # Handed to the thread, which takes it (not through Thread(args=), which the
        # Thread object, referenced from the pool's idle stack, would keep).
        self.loop_token: EventLoopToken | None = loop_token
        self.thread = threading.Thread(
            target=self._run, name=WORKER_THREAD_NAME, daemon=True, **empty_context()
        )
        self.thread.start()

    def _run(self) -> None:
        # AnyIO's record; it goes with the thread.
        threadlocals.current_token, self.loop_token = self.loop_token, None
        while (job := self._next_job()) is not None:
            pool = self.pool()
            if pool is None:
                return  # the loop is gone (an abandoned call's job); nobody waits for it
            pool.handed.discard(job)
            thread_state.job = job
            outcome = job.run()
            thread_state.job = None
            try:
                job.backend.run_sync_soon(job.native_token, pool.finish, self, job, outcome)
            except RunFinishedError:
                return  # the loop is gone; nobody waits for this result
            del job, outcome, pool

    def _next_job(self) -> Job | None:
        while True:
            try:
                return self.jobs.get(timeout=IDLE_TIMEOUT)
            except Empty:  # noqa: PERF203 - the timeout is the rare path
                pool = self.pool()
                if pool is None:
                    return None  # its loop is gone: no job can come
                with pool.lock:
                    if self.jobs.empty():
                        self.retired = True
                        if self in pool.idle:
                            pool.idle.remove(self)
                        return None
                del pool


class Pool:
    """The worker threads of one event loop run.

    It refers to nothing of its loop (see the module docstring).
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        # Invariant: workers waiting for a job, the most recently used last.
        self.idle: list[Worker] = []
        self.closed = False
        #: `to_thread.current_default_thread_limiter()` of this run, once looked up.
        self.default_limiter: CapacityLimiter | None = None
        # Jobs given to a worker that has not taken them from its queue yet (it
        # may be waiting for the GIL): `wait_all_tasks_blocked()` waits for them.
        # Added on the loop thread, removed by the worker (atomic set operations).
        self.handed: set[Job] = set()

    def submit(self, job: Job) -> None:
        self.handed.add(job)
        with self.lock:
            if self.idle:
                # Put the job in while holding the lock: the worker then
                # cannot decide to retire with an empty queue.
                self.idle.pop().jobs.put(job)
                return
        try:
            worker = Worker(self, EventLoopToken(type(job.backend), job.native_token))
        except BaseException:
            # No thread could be started (RuntimeError: can't start new thread):
            # nobody will take the job, so wait_all_tasks_blocked() must not wait for it.
            self.handed.discard(job)
            raise
        worker.jobs.put(job)

    def finish(self, worker: Worker, job: Job, outcome: tuple[bool, Any]) -> None:
        """Deliver a job's outcome; runs on the loop thread."""
        job.deliver_outcome(outcome)
        with self.lock:
            if self.closed:
                worker.retired = True
                worker.jobs.put(None)
            elif not worker.retired:
                self.idle.append(worker)

    def close(self) -> None:
        """Tell idle workers to exit (busy ones exit when done); joins none of them."""
        with self.lock:
            self.closed = True
            idle, self.idle = self.idle, []
            for worker in idle:
                worker.retired = True
                worker.jobs.put(None)
        thread_state.departing = tuple(worker.thread for worker in idle)


def join_departed_workers() -> None:
    """Wait until the workers that the end of this thread's last loop run told to leave are gone.

    For a thread whose event loop has finished, where blocking is fine: core
    calls it when a run has ended (a run-end hook) and a portal's thread after
    its loop, so that no idle worker thread outlives ``anyio.run()``, a test
    runner or ``start_blocking_portal()``. Those workers were idle when told to
    leave, so each exits at once; a worker still running an abandoned call is
    not among them.
    """
    departing, thread_state.departing = thread_state.departing, ()
    for thread in departing:
        thread.join()


_pools: RunVar[Pool] = RunVar("anyio worker thread pool")


def _jobs_not_taken() -> bool:
    """Tell whether this loop's pool handed a job that no worker has taken yet."""
    pool = _pools.get(None)
    return pool is not None and bool(pool.handed)


register_handoff_check(_jobs_not_taken)
# The end of a run tells its idle workers to leave without joining them (in the
# loop, that would block it); once the run is over, its thread waits for them.
register_run_end_hook(join_departed_workers)


def current_pool(backend: Backend) -> Pool:
    try:
        return _pools.get()
    except LookupError:
        pool = Pool()
        _pools.set(pool)
        # Spawned from an empty context: anything that copies the current one
        # (the task, its done-callbacks) would keep the first caller's values alive.
        Context().run(backend.spawn_system_task, _close_at_run_end, pool, backend)
        return pool


async def _close_at_run_end(pool: Pool, backend: Backend) -> None:
    try:
        await backend.sleep_forever()
    finally:
        pool.close()

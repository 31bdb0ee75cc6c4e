"""Events, locks, semaphores, conditions, capacity limiters and resource guards.

One module per primitive: `_event`, `_lock`, `_semaphore`, `_condition`,
`_limiter` and `_guard`, with the statistics dataclasses in `_statistics`.
The public names are re-exported by `anyio` (imported there on first use),
with their ``__module__`` rewritten to ``"anyio"``.

The problem
-----------
One set of primitives must serve both backends, be creatable where no event
loop runs (at import time, in the ``__init__`` of an object built by
synchronous code), keep working when the same object is later used under
``anyio.run()`` on asyncio and then on Trio, wake waiters first-in first-out,
and never let a cancelled waiter take a lock, permit or token and then lose
it. All of that at the speed of the backends' own primitives.

What does not work
------------------
* Wrapping the native primitives: ``asyncio.Lock`` binds itself to the first
  loop that uses it, Trio's primitives need a Trio run, and picking one lazily
  means a per-loop cache on every call.
* "Wake a waiter and let it retake the resource when it runs" (what
  ``asyncio.Semaphore`` does): between the wake-up and the waiter's next step
  a non-blocking acquire can barge in. Then either the waiter has to queue
  again (unfair), or the resource is over-granted, and a waiter cancelled in
  that window must notice whether it still owes a wake-up to someone else.

What we do
----------
Each primitive keeps its own FIFO queue of *waiters* from the backend's
parking API (`anyio._core._backend.SyncBackend`) and **hands the resource
over at wake time**: `Lock.release()` makes the next waiter the owner before
it wakes it; a released permit or token goes straight to the next waiter. The
counts are therefore always right, and a non-blocking acquire never competes
with a woken waiter. A waiter whose ``wait()`` raised calls ``abandon()``:

* True: it was never woken; it leaves the queue (unless a waker already
  popped it while skipping dead waiters) and re-raises;
* False: it had been woken first, so it owns what was handed to it (the lock,
  a permit, a token, a notification) and passes that on before re-raising.

`Condition` builds on this with no second wait: see `_condition`.

The objects store no loop: plain state, a queue of waiters (empty outside a
run, and created on first use: an empty deque takes 760 bytes) and the tasks
that hold them (only while they hold them). That makes creating them outside a loop free and
reusing them across runs safe. The one exception is an optimisation: the
backend that made the queued waiters is kept next to them, so that a wake-up
from `Event.set()`, `Semaphore.release()` or `CapacityLimiter.release_on_behalf_of()`
need not look the backend up again (waiters are only ever queued by tasks of
one running loop at a time, so it is the right one whenever the queue is not
empty).

Checkpoints: every ``async`` method is a cancel point and a schedule point.
Parking is both. An uncontended acquire takes the resource, then yields with
`checkpoint()`; if that raises (a cancellation), it gives the resource back
and re-raises, so a cancelled acquire never holds anything. With
``fast_acquire=True`` the uncontended path only checks for cancellation and
does not yield (AnyIO's contract for that flag).

Threads and other event loops
-----------------------------
A waiter is parked in one event loop, and `SyncBackend.wake()` must run in
that loop's thread: completing an asyncio future or rescheduling a Trio task
from another thread neither wakes the sleeping loop nor is safe. Every
park/wake pair was reviewed for a waker that may live elsewhere:

* `Event.set()` may be called from any thread (a task of another event loop,
  or a plain thread). It wakes each waiter with
  `SyncBackend.wake_threadsafe()`, which looks at the thread itself: in the
  waiter's loop thread (the usual case) it wakes directly, like `wake()`;
  from elsewhere, through the waiters' loop token (``call_soon_threadsafe``
  on asyncio, the run's entry queue on Trio). The check costs one
  thread-local read per waiter, and nothing while there are no waiters. A
  waiter that queues just as another thread sets the flag re-checks the flag
  after queueing, so no wake-up is lost.
* `TaskGroup.start()` called from another thread's event loop runs the child in
  the group's loop and wakes the caller through the caller's token (see
  `anyio._core._crossloop`).
* `Lock`, `Semaphore`, `Condition`, `CapacityLimiter` and `ResourceGuard`
  hand their resource over to the woken waiter, so their state and their
  waiters belong to one event loop at a time (as in AnyIO, whose primitives
  wrap loop-bound native ones). Use each from the tasks of one loop; to act on
  one from another thread, go through that loop with
  `anyio.from_thread.run_sync()`. They may be reused by a later loop once the
  earlier one is done with them.

Task identity: the owner of a `Lock` and the default borrower of a
`CapacityLimiter` are the loop library's own task object
(`current_native_task()`: an ``asyncio.Task`` or a ``trio.lowlevel.Task``), as
in AnyIO, so ``CapacityLimiter.statistics().borrowers`` lists tasks and
``acquire_on_behalf_of(task)`` pairs with ``release()`` in that task.
"""

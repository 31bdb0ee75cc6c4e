"""File-descriptor readiness on asyncio: ``wait_readable``, ``wait_writable``, ``notify_closing``.

The problem: anyio's sockets (and pipes, and anything else with a file
descriptor) are built Trio's way, on non-blocking system calls that park the
task only when the OS says "would block". Trio offers the parking as
``trio.lowlevel.wait_readable()``; asyncio offers callbacks
(``loop.add_reader()`` / ``add_writer()``), which fire on every loop turn
while the descriptor stays ready and allow one callback per descriptor and
direction.

What we do: a waiting task parks on a future; the loop callback completes
it. The waiter owns the registration and removes it in ``finally``, so a
cancelled or closed wait leaves no reader or writer with the loop.

Invariants, per loop (`_Waiters`):

* ``readers[fd]`` / ``writers[fd]`` is the future of the one task waiting in
  that direction; its callback is registered with the loop exactly while the
  entry exists. A second waiter in the same direction is refused with
  `BusyResourceError`, as on Trio.
* `notify_closing()` removes the entries and the registrations and fails the
  futures with `ClosedResourceError`; the waiters' ``finally`` then finds the
  entry gone (or owned by someone else) and leaves it alone.

Loops without readiness callbacks (Windows' ``ProactorEventLoop``) raise
`NotImplementedError` naming the way out: a selector event loop.

Owned watches (`watch_fd`, what anyio-net's sockets use)
--------------------------------------------------------
Adding and removing a reader around every wait is what a ping-pong over a
socket pays most for: two ``epoll_ctl()`` calls per wait on asyncio, and on
uvloop a poll handle created and closed per wait. An owned watch keeps its
*reader* registered after a wait that was woken normally, so that a socket
read again and again registers once. What makes that safe:

* Ownership is explicit: the owner (a socket object) calls ``close()``
  before closing the descriptor, which fails the waiter with
  `ClosedResourceError` and removes the registration.
* A descriptor closed behind the owner's back (or by the garbage collector)
  must not leave a registration that a new file with the same number would
  inherit: asyncio's selector would keep the old key, ``add_reader()`` would
  only swap the callback, and the new file would never be polled (the wait
  hangs). So the loop's table (``_Waiters.watches``) maps each descriptor to
  its watch; opening a watch, or a one-shot wait, on a number whose watch
  is orphaned (its socket closed or collected) first drops the old
  registration, and a weak reference to the socket drops it when the socket
  is collected.
* A level-triggered callback fires on every loop turn while the descriptor is
  ready: with nobody waiting, the second such idle call removes the
  registration (the first one is expected: the loop polls once more before
  the woken task reads). So unread data never spins the loop.
* On libuv's loops (uvloop, winloop) a kept reader can die under us. libuv
  stops a poll handle for good on an error event (a socket with an error
  pending, such as the reset that a closed peer sends back when we write to
  it); uvloop runs the reader one last time, drops its callback handle and
  closes the poll handle. A registration kept past that call is dead while we
  count it as registered, and a wait parked on it never woke (it hung a TLS
  close against a peer gone without its close_notify). How we notice: the
  callable we give uvloop is referenced only by uvloop's callback handle, and
  we hold a weak reference to it. uvloop drops that handle exactly when the
  registration ends (our own removal, or the error event), so the weak
  reference's callback marks the reader ``dead``, and the next wait removes the
  dead poll handle and registers afresh. A live kept reader costs the wait one
  attribute read. (Re-adding the reader before every wait, the first fix,
  cost uvloop's ``add_reader()``, about 1.1 us, per wait: 8-14 % of a
  ping-pong; registering per wait, as for writers, 1.6x-2x.) A one-shot writer
  needs no tracking (the error event runs it too, which wakes its waiter), but
  adding one to a dead poll handle raises `RuntimeError`, so it is replaced
  there the same way.
* A cancelled (or failed) wait removes the registration, exactly as a
  one-shot wait does. Writers stay one-shot: a socket is writable nearly
  always, so a kept writer would only fire idle calls.

The socket fast path (optional watch members; anyio-net looks them up)
----------------------------------------------------------------------
* ``wait_readable_then(call)``: the readiness callback runs ``call()`` (the
  socket's read) before it completes the waiter's future, so the woken task
  finds its chunk already read. That saves the task's own ``recv()`` call
  and, on asyncio's selector loop, the idle callback of the next poll (which
  would still see the unread data). Nothing is read ahead: ``call`` runs only
  for a waiter that is still waiting, once. If that waiter is then cancelled
  by a native ``Task.cancel()`` before it resumes (anyio's own delivery
  spares a task whose wait completed), the caller keeps the chunk for its
  next read (anyio-net's stream does: ``_StreamIO._chunk``).
* ``write(call, *args)``: Trio's protocol for a call that needs the
  descriptor writable (cancellation check, the call, a wait and retry on
  `BlockingIOError`, a cancel-shielded yield after an immediate success) as
  one coroutine, with the task looked up from the watch's loop, and the
  shielded yield made with the loop's one done future (`_yield_done`).
* Nothing long-lived per watch is touched on these paths beyond the watch
  and its two directions: with a thousand sockets, objects kept per socket
  (bound waits made once with `functools.partial`, a done future per watch,
  callables cached by the socket) missed the CPU's caches enough to make
  ``tcp_echo_1000`` on uvloop 1.1x-1.2x slower while a single ping-pong got
  faster (measured; see the performance page).
"""

from __future__ import annotations

import sys
from asyncio import current_task
from contextlib import suppress
from threading import get_ident
from types import coroutine
from typing import TYPE_CHECKING, Any, TypeVar
from weakref import finalize, ref

from ..._core._exceptions import BusyResourceError, ClosedResourceError
from ..._core._io import fileno_of
from ._cancel import cancelled_origin, fast_running_loop, task_states
from ._tasks import cancel_shielded_checkpoint, checkpoint_if_cancelled

if TYPE_CHECKING:
    from asyncio import AbstractEventLoop, Future
    from collections.abc import Callable, Coroutine, Generator

    from ..._core._io import FileDescriptorLike

T = TypeVar("T")

if sys.version_info >= (3, 12):
    #: The task running in a loop (None if none): with the loop given, one lookup.
    task_of = current_task
else:  # asyncio.current_task() is Python code here: look the task up ourselves
    import asyncio.tasks

    task_of = asyncio.tasks._current_tasks.get  # type: ignore[attr-defined]


class _Waiters:
    """The parked readiness waiters of one loop, by file descriptor."""

    __slots__ = ("done", "readers", "watches", "writers")

    def __init__(self, loop: AbstractEventLoop) -> None:
        #: A future that is already done: yielding it is the cheap cancel-shielded
        #: yield of `FDWatch.write`. One per loop, shared by every watch (a done
        #: future stays done); one object for all, which stays in the CPU's cache,
        #: measured faster with a thousand sockets than one per watch.
        self.done: Future[None] = loop.create_future()
        self.done.set_result(None)
        # Invariant: an entry exists exactly while its callback is registered.
        self.readers: dict[int, Future[None]] = {}
        self.writers: dict[int, Future[None]] = {}
        # Invariant: every open FDWatch of this loop, by descriptor; one-shot
        # waits on a watched descriptor go through its watch.
        self.watches: dict[int, FDWatch] = {}


#: The waiters of each live loop, by ``id(loop)``: cheaper to look up than a
#: WeakKeyDictionary (which makes a weak reference per lookup), and as safe, since
#: a finalizer removes the entry when the loop dies, before its id can be reused.
_waiters: dict[int, _Waiters] = {}


def _waiters_of(loop: AbstractEventLoop) -> _Waiters:
    try:
        return _waiters[id(loop)]
    except KeyError:
        waiters = _waiters[id(loop)] = _Waiters(loop)
        finalize(loop, _waiters.pop, id(loop), None)
        return waiters


def _ready(future: Future[None]) -> None:
    # The loop calls this on every turn while the fd stays ready, until the
    # waiter (resumed later) removes it: complete the future once.
    if not future.done():
        future.set_result(None)


def _unsupported(loop: AbstractEventLoop) -> NotImplementedError:
    return NotImplementedError(
        f"{type(loop).__name__} cannot wait for file descriptor readiness "
        "(Windows' ProactorEventLoop has no add_reader()/add_writer()); run anyio "
        "with a selector event loop, e.g. anyio.run(..., backend_options="
        '{"loop_factory": asyncio.SelectorEventLoop})'
    )


async def _wait(obj: FileDescriptorLike, writing: bool) -> None:
    fd = fileno_of(obj)
    loop = fast_running_loop()
    waiters = _waiters_of(loop)
    watch = waiters.watches.get(fd)
    if watch is not None:
        if not watch.orphaned():  # a socket's own descriptor: share its watch
            await watch.wait(watch.writer if writing else watch.reader)
            return
        watch.drop()
    await checkpoint_if_cancelled()
    if writing:
        waiting, add, remove = waiters.writers, loop.add_writer, loop.remove_writer
    else:
        waiting, add, remove = waiters.readers, loop.add_reader, loop.remove_reader
    if fd in waiting:
        raise BusyResourceError("writing to" if writing else "reading from")
    future: Future[None] = loop.create_future()
    try:
        add(fd, _ready, future)
    except NotImplementedError as exc:
        raise _unsupported(loop) from exc
    waiting[fd] = future
    try:
        await future
    finally:
        # notify_closing() may have taken the entry (and the registration).
        if waiting.get(fd) is future:
            del waiting[fd]
            remove(fd)


def wait_readable(obj: FileDescriptorLike) -> Coroutine[Any, Any, None]:
    """Park the current task until ``obj`` is readable (see the module docstring)."""
    return _wait(obj, False)


def wait_writable(obj: FileDescriptorLike) -> Coroutine[Any, Any, None]:
    """Park the current task until ``obj`` is writable (see the module docstring)."""
    return _wait(obj, True)


def notify_closing(obj: FileDescriptorLike) -> None:
    """Wake the waiters on ``obj`` with `ClosedResourceError`; call it before closing ``obj``."""
    fd = fileno_of(obj)
    loop = fast_running_loop()
    waiters = _waiters.get(id(loop))
    if waiters is None:
        return
    watch = waiters.watches.get(fd)
    if watch is not None:
        watch.drop()
    _fail_one_shot(loop, waiters, fd)


def _fail_one_shot(loop: AbstractEventLoop, waiters: _Waiters, fd: int) -> None:
    """Fail the one-shot waiters on ``fd`` with `ClosedResourceError`."""
    future = waiters.readers.pop(fd, None)
    if future is not None:
        loop.remove_reader(fd)
        _fail_closed(future)
    future = waiters.writers.pop(fd, None)
    if future is not None:
        loop.remove_writer(fd)
        _fail_closed(future)


def _fail_closed(future: Future[None]) -> None:
    if not future.done():
        future.set_exception(ClosedResourceError())


# -- owned watches ------------------------------------------------------------------------

#: Calls of a kept reader's callback with nobody waiting, in a row, that remove it.
#: The first is expected (see the module docstring); the second means unread data.
_IDLE_CALLS_TO_STOP = 2


class _Direction:
    """One direction of an `FDWatch`: its registration and the future of its waiter."""

    __slots__ = (
        "add",
        "busy",
        "call",
        "dead",
        "fd",
        "idle",
        "keep",
        "libuv",
        "one_shot",
        "registered",
        "remove",
        "tracker",
        "waiter",
    )

    def __init__(
        self,
        fd: int,
        add: Callable[..., object],
        remove: Callable[[int], object],
        one_shot: dict[int, Future[None]],
        *,
        keep: bool,
        busy: str,
    ) -> None:
        self.fd = fd
        self.add = add
        self.remove = remove
        #: The loop's one-shot waiters in this direction (a wait there makes ours busy).
        self.one_shot = one_shot
        #: Whether the registration outlives a normal wake-up (readers only).
        self.keep = keep
        self.busy = busy
        # Invariant: True exactly while `fire` is registered with the loop for `fd`
        # (on libuv's loops: or its poll handle died since, and then `dead` is True).
        self.registered = False
        #: Whether the loop is one of libuv's (see the module docstring).
        self.libuv = False
        #: Whether the loop dropped the callback of our kept registration (libuv's
        #: loops only; set by the weak reference's callback, see `register`).
        self.dead = False
        self.waiter: Future[None] | None = None
        #: What the waiter asked to run when the descriptor is ready, before it
        #: wakes (`FDWatch.wait_readable_then`), or None.
        self.call: Callable[[], object] | None = None
        #: Calls of `fire` in a row with nobody waiting.
        self.idle = 0
        #: A weak reference to the callable registered with a libuv loop (see `dead`).
        self.tracker: ref[Callable[[], None]] | None = None

    def fire(self) -> None:
        """The loop's callback: wake the waiter, or stop watching if nobody waits."""
        waiter = self.waiter
        if waiter is None:
            self.idle += 1
            if self.idle >= _IDLE_CALLS_TO_STOP:
                self.unregister()
        else:
            self.idle = 0
            if not waiter.done():
                call = self.call
                if call is not None:
                    try:
                        call()
                    except BlockingIOError:
                        return  # not ready after all: keep waiting
                    except Exception as exc:  # the waiter raises it
                        waiter.set_exception(exc)
                        return
                waiter.set_result(None)

    def register(self, loop: AbstractEventLoop) -> None:
        fire = self.fire  # a new bound method: on libuv's loops only uvloop holds it
        if self.libuv:
            if self.keep:
                # Its death is how we learn that libuv dropped the registration.
                self.dead = False
                self.tracker = ref(fire, self._dropped_by_loop)
            try:
                self.add(self.fd, fire)
            except RuntimeError:  # "unable to perform operation on <UVPoll closed=True>"
                # The poll handle died under the other direction: replace it.
                self.remove(self.fd)  # (drops the dead handle from the loop's table)
                self.add(self.fd, fire)
        else:
            try:
                self.add(self.fd, fire)
            except NotImplementedError as exc:
                raise _unsupported(loop) from exc
        self.registered = True
        self.idle = 0

    def _dropped_by_loop(self, _ref: object) -> None:
        # uvloop let go of our callback: we removed it, or an error event killed the
        # poll handle (then `registered` is still True and the next wait renews it).
        self.dead = True

    def renew(self, loop: AbstractEventLoop) -> None:
        """Replace a kept registration whose poll handle died (libuv)."""
        self.registered = False
        self.remove(self.fd)  # drops the dead handle from the loop's table
        self.register(loop)

    def unregister(self) -> None:
        if self.registered:
            self.registered = False
            self.remove(self.fd)

    def fail(self) -> None:
        """Remove the registration; the waiter (if any) gets `ClosedResourceError`."""
        waiter, self.waiter, self.call = self.waiter, None, None
        self.unregister()
        if waiter is not None:
            _fail_closed(waiter)


class FDWatch:
    """An owned readiness watch on one descriptor of the running loop (see the module docstring).

    Created by `watch_fd` for an object that waits on its descriptor again
    and again; the owner calls `close` before closing the descriptor.
    """

    __slots__ = (
        "__weakref__",
        "_dropped",
        "_loop",
        "_owner",
        "_thread",
        "_waiters",
        "fd",
        "reader",
        "writer",
    )

    def __init__(self, obj: FileDescriptorLike) -> None:
        fd = self.fd = fileno_of(obj)
        loop = self._loop = fast_running_loop()
        waiters = self._waiters = _waiters_of(loop)
        self._thread = get_ident()
        # Invariant: True once `drop()` ran (the watch left the loop's table for good).
        self._dropped = False
        self.reader = _Direction(
            fd,
            loop.add_reader,
            loop.remove_reader,
            waiters.readers,
            keep=True,
            busy="reading from",
        )
        self.writer = _Direction(
            fd, loop.add_writer, loop.remove_writer, waiters.writers, keep=False, busy="writing to"
        )
        self.reader.libuv = self.writer.libuv = _on_libuv(loop)
        # Only weakly: the loop's table must not keep a socket alive.
        self._owner = None if isinstance(obj, int) else ref(obj, self._owner_collected)
        previous = waiters.watches.get(fd)
        if previous is not None:  # its file was closed behind its back, or is wrapped twice
            previous.drop()
        waiters.watches[fd] = self

    def __repr__(self) -> str:
        return f"<FDWatch fd={self.fd} reading={self.reader.registered}>"

    def wait_readable(self) -> Coroutine[Any, Any, None]:
        return self.wait(self.reader)

    def wait_writable(self) -> Coroutine[Any, Any, None]:
        return self.wait(self.writer)

    def wait_readable_then(self, call: Callable[[], object]) -> Coroutine[Any, Any, None]:
        """Wait until readable, then run ``call()`` before waking (a checkpoint).

        ``call`` runs inside the loop's readiness callback, so the woken task
        finds its data already read: no second system call, and the loop's
        next poll does not see the descriptor ready again (no idle call of a
        kept reader). ``call`` raising `BlockingIOError` means "not ready
        after all": the wait goes on. Any other exception is raised by the
        wait. If the wait is cancelled after ``call()`` ran (only a native
        ``Task.cancel()`` can land there: anyio's delivery spares a task whose
        wait completed), the cancellation is raised all the same, so ``call``
        must keep what it read where the next operation finds it.
        """
        return self.wait(self.reader, call)

    async def wait(self, direction: _Direction, call: Callable[[], object] | None = None) -> None:
        """Park until the descriptor is ready in ``direction`` (a checkpoint).

        The hot path of every socket operation that waits, so the cancellation
        check of `checkpoint_if_cancelled` is inlined: only a task inside a
        cancelled scope pays for the coroutine that raises.
        """
        loop = self._loop
        task = task_of(loop)
        if task is None:
            # The owner moved to another loop (or runs outside a task): wait one-shot there.
            writing = direction is self.writer
            while True:
                await _wait(self.fd, writing)
                if call is None:
                    return
                try:
                    call()
                except BlockingIOError:
                    continue
                return
        state = task_states.get(task)
        if state is not None and cancelled_origin(state.scope) is not None:
            await checkpoint_if_cancelled()
        if direction.waiter is not None or self.fd in direction.one_shot:
            raise BusyResourceError(direction.busy)
        if self._dropped:  # closed meanwhile
            raise ClosedResourceError
        future: Future[None] = loop.create_future()
        if not direction.registered:
            direction.register(loop)
        elif direction.dead:  # libuv dropped it (see the module docstring)
            direction.renew(loop)
        direction.waiter = future
        direction.call = call
        try:
            await future
        except BaseException:
            # Cancelled, closed (then fail() already cleaned up) or call() failed:
            # leave nothing behind.
            if direction.waiter is future:
                direction.waiter = direction.call = None
                direction.unregister()
            raise
        if direction.waiter is future:
            direction.waiter = direction.call = None
            if not direction.keep:
                direction.unregister()

    @coroutine
    def write(self, call: Callable[..., T], *args: Any) -> Generator[Any, None, T]:
        """Run ``call(*args)``, which needs the descriptor writable, Trio's way (a checkpoint).

        Raise if the task's scope is cancelled (nothing done); then call; on
        `BlockingIOError`, wait until writable and call again (the wait is the
        checkpoint); if the call succeeded at once, yield cancel-shielded, so
        that a cancellation cannot hide that it was done. Other exceptions of
        ``call`` propagate. A socket's ``send()`` is all this, so it is one
        generator-based coroutine with the checks inlined, which yields the
        watch's done future itself (see `_yield_done`): no coroutine below it.
        """
        task = task_of(self._loop)
        if task is None:  # not in a task of this watch's loop: the generic way
            yield from checkpoint_if_cancelled().__await__()
            try:
                result = call(*args)
            except BlockingIOError:
                pass
            else:
                yield from cancel_shielded_checkpoint()
                return result
        else:
            state = task_states.get(task)
            if state is not None and cancelled_origin(state.scope) is not None:
                yield from checkpoint_if_cancelled().__await__()
            try:
                result = call(*args)
            except BlockingIOError:
                pass
            else:
                done = self._waiters.done
                done._asyncio_future_blocking = True
                yield done  # see _yield_done
                return result
        while True:
            yield from self.wait(self.writer).__await__()
            try:
                return call(*args)
            except BlockingIOError:
                continue

    def orphaned(self) -> bool:
        """Tell whether the owner's descriptor was closed or collected without `close`."""
        owner = None if self._owner is None else self._owner()
        if owner is None:
            return self._owner is not None
        try:
            return fileno_of(owner) != self.fd
        except (OSError, ValueError):  # a closed file object
            return True

    def drop(self) -> None:
        """Leave the loop's table, remove the registrations, fail the waiters."""
        self._dropped = True
        if self._waiters.watches.get(self.fd) is self:
            del self._waiters.watches[self.fd]
        self.reader.fail()
        self.writer.fail()

    def close(self) -> None:
        """Drop the watch and wake every waiter on the descriptor (`notify_closing`)."""
        orphaned = self.orphaned()
        self.drop()
        if not orphaned:  # else the number may belong to another file by now
            _fail_one_shot(self._loop, self._waiters, self.fd)

    def _owner_collected(self, _ref: object) -> None:
        # The socket was garbage-collected (and closed) without close(): its
        # descriptor number is free for the next file, so drop what we hold.
        if self._loop.is_closed():
            return
        if get_ident() == self._thread:
            self.drop()
        else:  # the collector ran in another thread: the loop's methods are not thread-safe
            with suppress(RuntimeError):  # the loop closed meanwhile
                self._loop.call_soon_threadsafe(self.drop)


@coroutine
def _yield_done(done: Future[None]) -> Generator[Any, None, None]:
    """Yield a future that is already done: a turn of the loop where no scope cancellation lands.

    asyncio schedules the task again at once, and the backend's `deliver()`
    never cancels a task whose wait has completed (the result would be lost),
    so a scope cancelled meanwhile is seen at the next checkpoint. What
    ``cancel_shielded_checkpoint()`` does, with the watch's own future instead
    of a new one (a done future stays done: it can be yielded again and again).
    """
    done._asyncio_future_blocking = True
    yield done


#: Per loop type: whether it is one of libuv's, whose poll handles die on an
#: error event (see the module docstring).
_libuv_by_type: dict[type, bool] = {}


def _on_libuv(loop: AbstractEventLoop) -> bool:
    loop_type = type(loop)
    libuv = _libuv_by_type.get(loop_type)
    if libuv is None:
        module = loop_type.__module__.partition(".")[0]
        libuv = _libuv_by_type[loop_type] = module in {"uvloop", "winloop"}
    return libuv


def watch_fd(obj: FileDescriptorLike) -> FDWatch:
    """Open an owned readiness watch on ``obj`` (see the module docstring)."""
    return FDWatch(obj)

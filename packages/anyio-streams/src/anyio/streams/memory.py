"""Memory object streams: a channel of Python objects between tasks.

`create_memory_object_stream()` returns a connected pair of stream ends; what
is sent on the send end comes out of the receive end, in order. The buffer
holds up to ``max_buffer_size`` items; with the default of 0 every ``send()``
waits until a receiver takes the item (a rendezvous).

The problem: no item lost, none doubled
---------------------------------------
The rule users build on is that an item handed over is received exactly once,
whatever gets cancelled. A ``send()`` that raised the cancellation exception
did not deliver; a ``receive()`` that raised it did not take an item. The
moments where this can break are the hand-overs between a parked task and the
task that wakes it:

* a receiver is parked, a sender gives it an item directly, and the receiver
  is cancelled before it runs again;
* a sender is parked with its item, a receiver takes it, and the sender is
  cancelled before it runs again.

(AnyIO keeps the second case open on purpose, and so do we: a receiver takes
the item of a parked sender even when that sender's cancellation is already
pending, and that ``send()`` raises the cancellation although its item was
delivered. Receivers are never handed an item once cancelled.)

Building on ``Event`` (wake the other task, let it look at shared state) leaves
a window in both cases. We build instead on core's parking API
(`SyncBackend`): ``wake(waiter)`` either succeeds - the task is woken and
owns the outcome - or reports that the task is no longer waiting, so the waker
moves on to the next one. On Trio a woken task is never cancelled before it
resumes; on asyncio core defers anyio's cancel scopes the same way, and only a
native ``Task.cancel()`` can land in the window. For that case ``abandon()``
tells the cancelled task that it was woken first: a receiver then passes the
item on (to the next parked receiver, or back to the front of the buffer) and
re-raises; a sender's item was taken, so its send did happen, and it
re-raises.

Checkpoints
-----------
Every ``send()``/``receive()`` is a checkpoint (a cancel point and a schedule
point), on the fast path too, and yields to the event loop exactly once:

* When it can act (an item or a parked sender to take from; room in the
  buffer or a parked receiver to give to), it checkpoints first and acts
  after, as AnyIO does. A cancellation at the checkpoint then leaves no trace,
  and a task woken by the hand-over runs only after this one has gone on to
  its next schedule point; code relies on that order (Starlette's test client
  sets an event right after it receives, before the woken sender may look at
  it). After the checkpoint the state is looked at again: it may have changed.
* On a rendezvous stream (no buffer), a ``receive()`` with nothing to take
  parks at once: parking is its checkpoint, and it wakes nobody, so the order
  above is not at stake. On a buffered stream it checkpoints first, like any
  other call: that lets the senders run once, which usually refills the
  buffer, and taking from the buffer is cheaper than parking and being woken.
* A ``send()`` checkpoints first even when it will have to park. On a
  rendezvous stream (no buffer) that is what lets a producer and a consumer
  meet once per turn of the event loop: the producer hands an item to the
  parked consumer and goes on to its next ``send()``, whose checkpoint lets
  the consumer take the item and park again before the producer looks for it.
  Parking at once there would leave the producer parked when the consumer
  comes back, and each item would cost two turns.

On Trio the last point holds only half the time: Trio runs the tasks of each
turn in reverse order at random, and when the producer runs first it parks.
Trio's own channels act first and yield after (so the woken task may run
before the waker goes on), which is why they meet every turn whatever the
order; we keep AnyIO's order instead (see docs/performance.md).

Invariants
----------
* Parked senders exist only while the buffer is full (or, after a cancelled
  receiver gave an item back, over-full); parked receivers only while it is
  empty. A parked record whose task was cancelled stays queued until its owner
  removes it or a waker pops it and sees ``wake()`` fail.
* Waiters are served first-in, first-out (``OrderedDict`` order).
"""

from __future__ import annotations

import math
import warnings
from collections import OrderedDict, deque
from typing import TYPE_CHECKING, Any, Generic, NamedTuple, TypeVar

from .. import BrokenResourceError, ClosedResourceError, EndOfStream, WouldBlock
from .._core.contract import current_backend
from ..abc import ObjectReceiveStream, ObjectSendStream

if TYPE_CHECKING:
    from types import TracebackType

    from .._core.contract import Backend

# `create_memory_object_stream` is public as `anyio.create_memory_object_stream`.
__all__ = (
    "MemoryObjectReceiveStream",
    "MemoryObjectSendStream",
    "MemoryObjectStreamStatistics",
)

T_Item = TypeVar("T_Item")
T_co = TypeVar("T_co", covariant=True)
T_contra = TypeVar("T_contra", contravariant=True)

#: "No item": what `try_take()` returns when it would block. Private, so it
#: never clashes with a user's item.
_NOTHING: Any = object()


class _Raise:
    """What a parked task is woken with when it must raise ``error`` instead.

    A parked receiver is woken with the item itself, so the wake value of a
    failure must be something no user can send: an instance of this class.
    """

    __slots__ = ("error",)

    def __init__(self, error: type[Exception]) -> None:
        self.error = error


class MemoryObjectStreamStatistics(NamedTuple):
    """A snapshot of a memory object stream's state (`statistics()`)."""

    #: Items in the buffer now.
    current_buffer_used: int
    #: The most items the buffer holds (``math.inf`` for unbounded).
    max_buffer_size: float
    #: Send ends (clones included) not yet closed.
    open_send_streams: int
    #: Receive ends (clones included) not yet closed.
    open_receive_streams: int
    #: Tasks blocked in ``send()``.
    tasks_waiting_send: int
    #: Tasks blocked in ``receive()``.
    tasks_waiting_receive: int


class _MemoryObjectStreamState(Generic[T_Item]):
    """What the ends of one memory object stream share."""

    __slots__ = (
        "backend",
        "buffer",
        "max_buffer_size",
        "open_receive_streams",
        "open_send_streams",
        "waiting_receivers",
        "waiting_senders",
    )

    def __init__(self, max_buffer_size: float) -> None:
        self.max_buffer_size = max_buffer_size
        self.buffer: deque[T_Item] = deque()
        self.open_send_streams = 0
        self.open_receive_streams = 0
        # Parked tasks by waiter (core's parking API), first come first served,
        # with O(1) removal of a cancelled one from the middle. A receiver's
        # entry is the end it waits on; it is woken with the item itself. A
        # sender's entry is its end and its item; it is woken with None once a
        # receiver took the item. Either is woken with a `_Raise` to fail.
        self.waiting_senders: OrderedDict[Any, tuple[object, T_Item]] = OrderedDict()
        self.waiting_receivers: OrderedDict[Any, object] = OrderedDict()
        # The backend of the parked tasks: a stream is used by one event loop
        # at a time, so it is right whenever a task is parked.
        self.backend: Backend | None = None

    def statistics(self) -> MemoryObjectStreamStatistics:
        return MemoryObjectStreamStatistics(
            len(self.buffer),
            self.max_buffer_size,
            self.open_send_streams,
            self.open_receive_streams,
            len(self.waiting_senders),
            len(self.waiting_receivers),
        )

    # -- moving items ------------------------------------------------------------

    def try_take(self) -> T_Item:
        """Take the next item, or return `_NOTHING` if none is available now."""
        buffer = self.buffer
        if buffer:
            item = buffer.popleft()
            # A place came free: the first parked sender's item moves in.
            if self.waiting_senders and len(buffer) < self.max_buffer_size:
                moved = self.take_from_sender()
                if moved is not _NOTHING:
                    buffer.append(moved)
            return item
        return self.take_from_sender() if self.waiting_senders else _NOTHING

    def try_put(self, item: T_Item) -> bool:
        """Hand ``item`` to a parked receiver or buffer it; False if full.

        Raises:
            BrokenResourceError: if every receive end is closed.
        """
        if not self.open_receive_streams:
            raise BrokenResourceError
        if self.waiting_receivers and self.hand_to_receiver(item):
            return True
        if len(self.buffer) < self.max_buffer_size:
            self.buffer.append(item)
            return True
        return False

    def hand_to_receiver(self, item: T_Item) -> bool:
        """Give ``item`` to the first parked receiver still waiting, if any."""
        receivers = self.waiting_receivers
        if receivers:
            assert self.backend is not None
            wake = self.backend.wake
            while receivers:
                if wake(receivers.popitem(last=False)[0], item):
                    return True
                # Its task was cancelled meanwhile: try the next one.
        return False

    def take_from_sender(self) -> T_Item:
        """Take the item of the first parked sender (or `_NOTHING`).

        A sender whose cancellation is pending (cancelled, not yet resumed)
        still delivers, as in AnyIO: its ``send()`` then raises the
        cancellation although the item was taken. Programs rely on that race
        (the MCP SDK sends a courtesy cancellation for such a request).
        """
        senders = self.waiting_senders
        if not senders:
            return _NOTHING  # type: ignore[no-any-return]  # the sentinel is Any
        assert self.backend is not None
        waiter, (_, item) = senders.popitem(last=False)
        self.backend.wake(waiter)  # False if its cancellation is pending: delivered anyway
        return item

    def give_back(self, item: T_Item) -> None:
        """Return an item that a cancelled receiver held but did not deliver.

        It was the oldest item in flight: the next parked receiver gets it, or
        it goes back to the front of the buffer.
        """
        if not self.hand_to_receiver(item):
            self.buffer.appendleft(item)

    # -- parking -----------------------------------------------------------------

    def park_receiver(self, backend: Backend, stream: object) -> Any:
        """Queue the current task as a receiver on ``stream``; return its waiter."""
        waiter = backend.create_waiter()
        self.waiting_receivers[waiter] = stream
        self.backend = backend
        return waiter

    def withdraw_receiver(self, backend: Backend, waiter: Any) -> None:
        """Clean up after a parked receiver's wait raised (cancellation)."""
        if backend.abandon(waiter):
            self.waiting_receivers.pop(waiter, None)
            return
        # Woken, then cancelled natively (asyncio) before it ran: an item it
        # was handed goes back to the stream.
        value = backend.woken_value(waiter)
        if type(value) is not _Raise:
            self.give_back(value)  # type: ignore[arg-type]  # an item

    def park_sender(self, backend: Backend, stream: object, item: T_Item) -> Any:
        """Queue the current task as a sender of ``item``; return its waiter."""
        waiter = backend.create_waiter()
        self.waiting_senders[waiter] = (stream, item)
        self.backend = backend
        return waiter

    def withdraw_sender(self, backend: Backend, waiter: Any) -> None:
        """Clean up after a parked sender's wait raised (cancellation)."""
        if backend.abandon(waiter):
            self.waiting_senders.pop(waiter, None)
        # Else a receiver took the item before a native cancellation hit the
        # sender: the send happened, but the cancellation must propagate.

    # -- closing -----------------------------------------------------------------

    def fail_receivers(self, stream: object | None, error: type[Exception]) -> None:
        """Wake the receivers parked on ``stream`` (None: all) to raise ``error``."""
        queue = self.waiting_receivers
        self._fail(
            [w for w, end in queue.items() if stream is None or end is stream], queue, error
        )

    def fail_senders(self, stream: object | None, error: type[Exception]) -> None:
        """Wake the senders parked on ``stream`` (None: all) to raise ``error``."""
        queue = self.waiting_senders
        self._fail([w for w, e in queue.items() if stream is None or e[0] is stream], queue, error)

    def _fail(
        self, waiters: list[Any], queue: OrderedDict[Any, Any], error: type[Exception]
    ) -> None:
        if not waiters:
            return
        assert self.backend is not None
        failure = _Raise(error)
        for waiter in waiters:
            del queue[waiter]
            self.backend.wake(waiter, failure)


def _warn_unclosed(stream: object) -> None:
    warnings.warn(
        f"Unclosed <{type(stream).__name__} at {id(stream):x}>; close memory object "
        "streams (close(), aclose() or a with block) when done with them",
        ResourceWarning,
        stacklevel=3,
        source=stream,
    )


class MemoryObjectReceiveStream(ObjectReceiveStream[T_co], Generic[T_co]):
    """The receiving end of a memory object stream.

    Create it with `create_memory_object_stream()`. Each `clone()` is an
    extra receive end of the same stream: the clones share the items (each
    item goes to exactly one of them), and the sending side sees the receiving
    side closed only once every clone is closed.

    Closing is synchronous (`close()`, or a ``with`` block); `aclose()` and
    ``async with`` do the same. A receive end that is garbage collected
    without being closed emits a `ResourceWarning`.
    """

    __slots__ = ("_closed", "_state")

    def __init__(self, _state: _MemoryObjectStreamState[T_co]) -> None:
        self._closed = False
        self._state = _state
        _state.open_receive_streams += 1

    def receive_nowait(self) -> T_co:
        """Receive the next item if one is available right away.

        Returns:
            The received item.

        Raises:
            anyio.ClosedResourceError: if this receive end was closed.
            anyio.EndOfStream: if the buffer is empty and every send end
                has been closed.
            anyio.WouldBlock: if no item is available now.
        """
        if self._closed:
            raise ClosedResourceError
        state = self._state
        item: T_co = state.try_take()
        if item is _NOTHING:
            if not state.open_send_streams:
                raise EndOfStream
            raise WouldBlock
        return item

    async def receive(self) -> T_co:
        """Receive the next item, waiting until one is available.

        This is a checkpoint. If it raises the cancellation exception, no item
        was taken from the stream.

        Returns:
            The received item.

        Raises:
            anyio.ClosedResourceError: if this receive end was closed, also
                while waiting.
            anyio.EndOfStream: if every send end has been closed and every
                item has been received.
        """
        # The hot path of every consumer, in one frame; `__anext__` is its twin.
        backend = current_backend()
        state = self._state
        buffer = state.buffer
        # Nothing to take on a rendezvous stream: park at once (see "Checkpoints"
        # in the module docstring).
        if (
            buffer
            or state.max_buffer_size
            or state.waiting_senders
            or self._closed
            or not state.open_send_streams
        ):
            await backend.checkpoint()
            if self._closed:
                raise ClosedResourceError
            if buffer and not state.waiting_senders:
                return buffer.popleft()  # try_take(), its common case inlined
            if buffer or state.waiting_senders:
                item: T_co = state.try_take()
                if item is not _NOTHING:
                    return item
            if not state.open_send_streams:
                raise EndOfStream
        waiter = state.park_receiver(backend, self)
        try:
            value = await backend.wait(waiter)
        except BaseException:
            state.withdraw_receiver(backend, waiter)
            raise
        if type(value) is _Raise:
            raise value.error
        return value  # type: ignore[no-any-return]  # the item

    async def __anext__(self) -> T_co:
        # The body of receive(), repeated rather than awaited: `async for` is
        # how most consumers receive, and one more coroutine per item costs a
        # few percent. Keep the two in step; the tests run both.
        backend = current_backend()
        state = self._state
        buffer = state.buffer
        # Nothing to take on a rendezvous stream: park at once (see "Checkpoints"
        # in the module docstring).
        if (
            buffer
            or state.max_buffer_size
            or state.waiting_senders
            or self._closed
            or not state.open_send_streams
        ):
            await backend.checkpoint()
            if self._closed:
                raise ClosedResourceError
            if buffer and not state.waiting_senders:
                return buffer.popleft()  # try_take(), its common case inlined
            if buffer or state.waiting_senders:
                item: T_co = state.try_take()
                if item is not _NOTHING:
                    return item
            if not state.open_send_streams:
                raise StopAsyncIteration
        waiter = state.park_receiver(backend, self)
        try:
            value = await backend.wait(waiter)
        except BaseException:
            state.withdraw_receiver(backend, waiter)
            raise
        if type(value) is _Raise:
            if value.error is EndOfStream:
                raise StopAsyncIteration
            raise value.error
        return value  # type: ignore[no-any-return]  # the item

    def clone(self) -> MemoryObjectReceiveStream[T_co]:
        """Create another receive end of the same stream.

        Returns:
            The new receive end; close it separately.

        Raises:
            anyio.ClosedResourceError: if this receive end was closed.
        """
        if self._closed:
            raise ClosedResourceError
        return MemoryObjectReceiveStream(self._state)

    def close(self) -> None:
        """Close this receive end.

        Tasks waiting in `receive()` on this end raise `ClosedResourceError`.
        When the last receive end closes, tasks waiting in ``send()`` raise
        `BrokenResourceError`, as does every later ``send()``. Closing again
        does nothing.
        """
        if self._closed:
            return
        self._closed = True
        state = self._state
        state.open_receive_streams -= 1
        state.fail_receivers(self, ClosedResourceError)
        if not state.open_receive_streams:
            state.fail_senders(None, BrokenResourceError)

    async def aclose(self) -> None:
        """Close this receive end (see `close()`); this does not wait."""
        self.close()

    def statistics(self) -> MemoryObjectStreamStatistics:
        """Return the current state of the stream (shared by all its ends)."""
        return self._state.statistics()

    def __enter__(self) -> MemoryObjectReceiveStream[T_co]:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_val: BaseException | None,
        exc_tb: TracebackType | None,
    ) -> None:
        self.close()

    def __del__(self) -> None:
        if not getattr(self, "_closed", True):
            _warn_unclosed(self)

    def __repr__(self) -> str:
        return _repr(self, self._state, self._closed)


class MemoryObjectSendStream(ObjectSendStream[T_contra], Generic[T_contra]):
    """The sending end of a memory object stream.

    Create it with `create_memory_object_stream()`. Each `clone()` is an
    extra send end of the same stream; receivers see the end of the stream
    (`EndOfStream`) once every clone is closed and the buffer is empty.

    Closing is synchronous (`close()`, or a ``with`` block); `aclose()` and
    ``async with`` do the same. A send end that is garbage collected without
    being closed emits a `ResourceWarning`.
    """

    __slots__ = ("_closed", "_state")

    def __init__(self, _state: _MemoryObjectStreamState[T_contra]) -> None:
        self._closed = False
        self._state = _state
        _state.open_send_streams += 1

    def send_nowait(self, item: T_contra) -> None:
        """Send an item if that can be done without waiting.

        The item goes to a waiting receiver, or else into the buffer.

        Args:
            item: the item to send.

        Raises:
            anyio.ClosedResourceError: if this send end was closed.
            anyio.BrokenResourceError: if every receive end was closed.
            anyio.WouldBlock: if the buffer is full and no receiver waits.
        """
        if self._closed:
            raise ClosedResourceError
        if not self._state.try_put(item):
            raise WouldBlock

    async def send(self, item: T_contra) -> None:
        """Send an item, waiting for room in the buffer or for a receiver.

        This is a checkpoint. If it raises the cancellation exception while it
        waited for a receiver, the item may have been delivered all the same:
        a receiver may take it between the cancellation and this task's
        resumption (as in AnyIO).

        Args:
            item: the item to send.

        Raises:
            anyio.ClosedResourceError: if this send end was closed, also while
                waiting (the item was then not delivered).
            anyio.BrokenResourceError: if every receive end was closed, also
                while waiting (the item was then not delivered).
        """
        backend = current_backend()
        # Always a checkpoint first, even if it will park: see "Checkpoints"
        # in the module docstring.
        await backend.checkpoint()
        if self._closed:
            raise ClosedResourceError
        state = self._state
        buffer = state.buffer
        if (
            len(buffer) < state.max_buffer_size
            and not state.waiting_receivers
            and state.open_receive_streams
        ):
            buffer.append(item)  # try_put(), its common case inlined
            return
        if state.try_put(item):
            return
        waiter = state.park_sender(backend, self, item)
        try:
            failure = await backend.wait(waiter)
        except BaseException:
            state.withdraw_sender(backend, waiter)
            raise
        if failure is not None:
            raise failure.error

    def clone(self) -> MemoryObjectSendStream[T_contra]:
        """Create another send end of the same stream.

        Returns:
            The new send end; close it separately.

        Raises:
            anyio.ClosedResourceError: if this send end was closed.
        """
        if self._closed:
            raise ClosedResourceError
        return MemoryObjectSendStream(self._state)

    def close(self) -> None:
        """Close this send end.

        Tasks waiting in `send()` on this end raise `ClosedResourceError`
        (their items are not delivered). When the last send end closes,
        receivers get the items left in the buffer and then `EndOfStream`.
        Closing again does nothing.
        """
        if self._closed:
            return
        self._closed = True
        state = self._state
        state.open_send_streams -= 1
        state.fail_senders(self, ClosedResourceError)
        if not state.open_send_streams:
            state.fail_receivers(None, EndOfStream)

    async def aclose(self) -> None:
        """Close this send end (see `close()`); this does not wait."""
        self.close()

    def statistics(self) -> MemoryObjectStreamStatistics:
        """Return the current state of the stream (shared by all its ends)."""
        return self._state.statistics()

    def __enter__(self) -> MemoryObjectSendStream[T_contra]:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_val: BaseException | None,
        exc_tb: TracebackType | None,
    ) -> None:
        self.close()

    def __del__(self) -> None:
        if not getattr(self, "_closed", True):
            _warn_unclosed(self)

    def __repr__(self) -> str:
        return _repr(self, self._state, self._closed)


def _repr(stream: object, state: _MemoryObjectStreamState[Any], closed: bool) -> str:
    return (
        f"<{type(stream).__name__} at {id(stream):#x} "
        f"{'closed' if closed else 'open'} buffer={len(state.buffer)}/{state.max_buffer_size}>"
    )


def _check_buffer_size(max_buffer_size: object) -> float:
    if max_buffer_size == math.inf:
        return math.inf
    if not isinstance(max_buffer_size, int) or isinstance(max_buffer_size, bool):
        # AnyIO's words first (users' tests match them), then what was given.
        raise ValueError(
            f"max_buffer_size must be either an integer or math.inf; got {max_buffer_size!r}"
        )
    if max_buffer_size < 0:
        raise ValueError(f"max_buffer_size cannot be negative; got {max_buffer_size}")
    return max_buffer_size


class create_memory_object_stream(  # a class so that [T] works; a function to its users
    tuple[MemoryObjectSendStream[T_Item], MemoryObjectReceiveStream[T_Item]],
):
    """Create a memory object stream: a connected (send end, receive end) pair.

    Subscript it with the item type, which type checkers then see on both
    ends: ``create_memory_object_stream[int](5)``. (It is a class only so
    that the subscription works at run time; calling it returns a plain tuple.)

    Args:
        max_buffer_size: how many items the stream holds before `send()`
            waits for a receiver: 0 (the default: every send waits for a
            receiver), a positive int, or ``math.inf`` (sends never wait).
        item_type: deprecated and ignored; subscript the call instead.

    Returns:
        A tuple of (send stream, receive stream).

    Raises:
        ValueError: if ``max_buffer_size`` is negative, or neither an int nor
            ``math.inf``.

    Example:
        ```python
        send, receive = create_memory_object_stream[str](10)
        async with send, receive:
            await send.send("hello")
            print(await receive.receive())
        ```
    """

    __slots__ = ()

    # It returns a plain tuple rather than an instance, which mypy flags.
    def __new__(  # type: ignore[misc]
        cls, max_buffer_size: float = 0, item_type: object = None
    ) -> tuple[MemoryObjectSendStream[T_Item], MemoryObjectReceiveStream[T_Item]]:
        size = _check_buffer_size(max_buffer_size)
        if item_type is not None:
            warnings.warn(
                "The item_type argument has been deprecated in AnyIO 4.0. It is ignored; "
                "subscript the call instead: create_memory_object_stream[ItemType](...)",
                DeprecationWarning,
                stacklevel=2,
            )
        state: _MemoryObjectStreamState[T_Item] = _MemoryObjectStreamState(size)
        return MemoryObjectSendStream(state), MemoryObjectReceiveStream(state)


create_memory_object_stream.__module__ = "anyio"

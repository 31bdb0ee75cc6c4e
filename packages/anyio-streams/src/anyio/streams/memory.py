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
* A ``receive()`` with nothing to take parks at once: parking is its
  checkpoint, and it wakes nobody, so the order above is not at stake.
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

from .._core._backend import current_backend
from .._core._exceptions import BrokenResourceError, ClosedResourceError, EndOfStream, WouldBlock
from ..abc import ObjectReceiveStream, ObjectSendStream

if TYPE_CHECKING:
    from types import TracebackType

    from .._core._backend import Backend

# `create_memory_object_stream` is public as `anyio.create_memory_object_stream`.
__all__ = (
    "MemoryObjectReceiveStream",
    "MemoryObjectSendStream",
    "MemoryObjectStreamStatistics",
)

T_Item = TypeVar("T_Item")
T_co = TypeVar("T_co", covariant=True)
T_contra = TypeVar("T_contra", contravariant=True)

#: "No item": what `try_take()` returns when it would block, and the empty
#: value of `_Parked.item`. Private, so it never clashes with a user's item.
_NOTHING: Any = object()


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


class _Parked:
    """A task blocked in ``send()`` or ``receive()`` on ``stream``.

    For a sender, ``item`` is what it sends; for a receiver, the waker stores
    the item it hands over there (`_NOTHING` until then, and also when the
    receiver is woken to be told that the stream ended or was closed).
    """

    __slots__ = ("backend", "item", "stream", "waiter")

    def __init__(self, backend: Backend, stream: object, item: Any) -> None:
        self.backend = backend
        self.waiter = backend.create_waiter()
        self.stream = stream
        self.item = item

    def wake(self, error: type[Exception] | None = None) -> bool:
        """Wake the task; it raises ``error`` if given. False if it is gone."""
        return self.backend.wake(self.waiter, error)


class _MemoryObjectStreamState(Generic[T_Item]):
    """What the ends of one memory object stream share."""

    __slots__ = (
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
        # Ordered sets (the values are always None): FIFO order, and O(1)
        # removal of a cancelled waiter from the middle.
        self.waiting_senders: OrderedDict[_Parked, None] = OrderedDict()
        self.waiting_receivers: OrderedDict[_Parked, None] = OrderedDict()

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
        while receivers:
            parked = receivers.popitem(last=False)[0]
            parked.item = item
            if parked.backend.wake(parked.waiter):
                return True
            parked.item = _NOTHING  # cancelled meanwhile: try the next one
        return False

    def take_from_sender(self) -> T_Item:
        """Take the item of the first parked sender still waiting (or `_NOTHING`)."""
        senders = self.waiting_senders
        while senders:
            parked = senders.popitem(last=False)[0]
            if parked.backend.wake(parked.waiter):
                item: T_Item = parked.item
                parked.item = _NOTHING
                return item
        return _NOTHING  # type: ignore[no-any-return]  # the sentinel is Any

    def give_back(self, item: T_Item) -> None:
        """Return an item that a cancelled receiver held but did not deliver.

        It was the oldest item in flight: the next parked receiver gets it, or
        it goes back to the front of the buffer.
        """
        if not self.hand_to_receiver(item):
            self.buffer.appendleft(item)

    # -- parking -----------------------------------------------------------------

    def park_receiver(self, backend: Backend, stream: object) -> _Parked:
        parked = _Parked(backend, stream, _NOTHING)
        self.waiting_receivers[parked] = None
        return parked

    def withdraw_receiver(self, parked: _Parked) -> None:
        """Clean up after a parked receiver's wait raised (cancellation)."""
        if parked.backend.abandon(parked.waiter):
            self.waiting_receivers.pop(parked, None)
        elif parked.item is not _NOTHING:
            # Woken with an item, then cancelled natively before it ran.
            item, parked.item = parked.item, _NOTHING
            self.give_back(item)

    def park_sender(self, backend: Backend, stream: object, item: T_Item) -> _Parked:
        parked = _Parked(backend, stream, item)
        self.waiting_senders[parked] = None
        return parked

    def withdraw_sender(self, parked: _Parked) -> None:
        """Clean up after a parked sender's wait raised (cancellation)."""
        if parked.backend.abandon(parked.waiter):
            self.waiting_senders.pop(parked, None)
        # Else a receiver took the item before a native cancellation hit the
        # sender: the send happened, but the cancellation must propagate.

    # -- closing -----------------------------------------------------------------

    @staticmethod
    def wake_all(queue: OrderedDict[_Parked, None], error: type[Exception]) -> None:
        """Wake every task in ``queue`` with ``error``, emptying it."""
        while queue:
            queue.popitem(last=False)[0].wake(error)

    @staticmethod
    def wake_stream(
        queue: OrderedDict[_Parked, None], stream: object, error: type[Exception]
    ) -> None:
        """Wake the tasks in ``queue`` that wait on ``stream`` with ``error``."""
        for parked in [parked for parked in queue if parked.stream is stream]:
            del queue[parked]
            parked.wake(error)


def _warn_unclosed(stream: object) -> None:
    warnings.warn(
        f"Unclosed <{type(stream).__name__} at {id(stream):x}>; close memory object "
        "streams (close(), aclose() or a with block) when done with them",
        ResourceWarning,
        stacklevel=3,
        source=stream,
    )


class MemoryObjectReceiveStream(ObjectReceiveStream[T_co]):
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
        # Nothing to take: park at once (see "Checkpoints" in the module docstring).
        if self._closed or state.buffer or state.waiting_senders or not state.open_send_streams:
            await backend.checkpoint()
            if self._closed:
                raise ClosedResourceError
            if state.buffer or state.waiting_senders:
                item: T_co = state.try_take()
                if item is not _NOTHING:
                    return item
            if not state.open_send_streams:
                raise EndOfStream
        parked = state.park_receiver(backend, self)
        try:
            error = await backend.wait(parked.waiter)
        except BaseException:
            state.withdraw_receiver(parked)
            raise
        if error is not None:
            raise error
        item = parked.item
        return item

    async def __anext__(self) -> T_co:
        # The body of receive(), repeated rather than awaited: `async for` is
        # how most consumers receive, and one more coroutine per item costs a
        # few percent. Keep the two in step; the tests run both.
        backend = current_backend()
        state = self._state
        if self._closed or state.buffer or state.waiting_senders or not state.open_send_streams:
            await backend.checkpoint()
            if self._closed:
                raise ClosedResourceError
            if state.buffer or state.waiting_senders:
                item: T_co = state.try_take()
                if item is not _NOTHING:
                    return item
            if not state.open_send_streams:
                raise StopAsyncIteration
        parked = state.park_receiver(backend, self)
        try:
            error = await backend.wait(parked.waiter)
        except BaseException:
            state.withdraw_receiver(parked)
            raise
        if error is EndOfStream:
            raise StopAsyncIteration
        if error is not None:
            raise error
        item = parked.item
        return item

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
        state.wake_stream(state.waiting_receivers, self, ClosedResourceError)
        if not state.open_receive_streams:
            state.wake_all(state.waiting_senders, BrokenResourceError)

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


class MemoryObjectSendStream(ObjectSendStream[T_contra]):
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

        This is a checkpoint. If it raises the cancellation exception, the item
        was not delivered (unless a native asyncio ``Task.cancel()``, rather
        than a cancel scope, hits the task just after a receiver took the item).

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
        if state.try_put(item):
            return
        parked = state.park_sender(backend, self, item)
        try:
            error = await backend.wait(parked.waiter)
        except BaseException:
            state.withdraw_sender(parked)
            raise
        if error is not None:
            raise error

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
        state.wake_stream(state.waiting_senders, self, ClosedResourceError)
        if not state.open_send_streams:
            state.wake_all(state.waiting_receivers, EndOfStream)

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
        raise ValueError(f"max_buffer_size must be an int or math.inf, not {max_buffer_size!r}")
    if max_buffer_size < 0:
        raise ValueError(f"max_buffer_size must not be negative, got {max_buffer_size}")
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
                "The item_type argument of create_memory_object_stream() is deprecated "
                "and ignored; subscript the call instead: "
                "create_memory_object_stream[ItemType](...)",
                DeprecationWarning,
                stacklevel=2,
            )
        state: _MemoryObjectStreamState[T_Item] = _MemoryObjectStreamState(size)
        return MemoryObjectSendStream(state), MemoryObjectReceiveStream(state)


create_memory_object_stream.__module__ = "anyio"

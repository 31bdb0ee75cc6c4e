"""The stream ABCs: the common language of every byte and object channel.

Two families, each split into a receive side, a send side and a two-way
stream:

- object streams carry arbitrary Python objects; the *unreliable* variants
  make no delivery or ordering promise (UDP datagrams), the plain ones do;
- byte streams carry a sequence of bytes with no message boundaries (TCP).

`send_eof()` on the two-way streams half-closes the sending direction.
Receiving raises `EndOfStream` once the peer has finished sending, which
`async for` turns into the end of the loop.
"""

from __future__ import annotations

from abc import ABCMeta, abstractmethod
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from .._core._exceptions import EndOfStream
from .._core._typedattr import TypedAttributeProvider
from ._resources import AsyncResource

if TYPE_CHECKING:
    from collections.abc import Callable

    from ._tasks import TaskGroup

T_Item = TypeVar("T_Item")
T_co = TypeVar("T_co", covariant=True)
T_contra = TypeVar("T_contra", contravariant=True)


# Generic comes first in the bases of these classes, as in AnyIO (same __bases__, same MRO).
class UnreliableObjectReceiveStream(Generic[T_co], AsyncResource, TypedAttributeProvider):  # noqa: PYI059
    """The receiving side of an object stream that may lose or reorder items.

    Iterating over it with `async for` receives items until the stream ends.
    """

    def __aiter__(self) -> UnreliableObjectReceiveStream[T_co]:
        return self

    async def __anext__(self) -> T_co:
        try:
            return await self.receive()
        except EndOfStream:
            raise StopAsyncIteration from None

    @abstractmethod
    async def receive(self) -> T_co:
        """Receive the next item.

        Returns:
            The received item.

        Raises:
            anyio.ClosedResourceError: if this side was already closed.
            anyio.EndOfStream: if the sending side has finished and every
                item has been received.
            anyio.BrokenResourceError: if the stream broke (for example, the
                connection was reset).
        """


class UnreliableObjectSendStream(Generic[T_contra], AsyncResource, TypedAttributeProvider):  # noqa: PYI059
    """The sending side of an object stream that may lose or reorder items."""

    @abstractmethod
    async def send(self, item: T_contra) -> None:
        """Send an item to the peer.

        Args:
            item: the item to send.

        Raises:
            anyio.ClosedResourceError: if this side was already closed.
            anyio.BrokenResourceError: if the receiving side is gone (for
                example, every receive end of a memory stream was closed).
        """


class UnreliableObjectStream(
    UnreliableObjectReceiveStream[T_Item], UnreliableObjectSendStream[T_Item]
):
    """A two-way object stream that may lose or reorder items."""


class ObjectReceiveStream(UnreliableObjectReceiveStream[T_co]):
    """The receiving side of a reliable object stream.

    Items arrive in the order they were sent and none is lost.
    """


class ObjectSendStream(UnreliableObjectSendStream[T_contra]):
    """The sending side of a reliable object stream.

    Items arrive in the order they were sent and none is lost.
    """


class ObjectStream(
    ObjectReceiveStream[T_Item],
    ObjectSendStream[T_Item],
    UnreliableObjectStream[T_Item],
):
    """A two-way, reliable object stream."""

    @abstractmethod
    async def send_eof(self) -> None:
        """Finish the sending direction, keeping the receiving one open.

        The peer's `receive()` raises `EndOfStream` once it has received
        everything sent before this call.
        """


class ByteReceiveStream(AsyncResource, TypedAttributeProvider):
    """The receiving side of a byte stream.

    Iterating over it with `async for` yields chunks of bytes until the
    stream ends.
    """

    def __aiter__(self) -> ByteReceiveStream:
        return self

    async def __anext__(self) -> bytes:
        try:
            return await self.receive()
        except EndOfStream:
            raise StopAsyncIteration from None

    @abstractmethod
    async def receive(self, max_bytes: int = 65536) -> bytes:
        """Receive at most `max_bytes` bytes.

        Byte streams keep no message boundaries: a chunk may hold part of what
        the peer sent in one `send()` call, or parts of several.

        Args:
            max_bytes: the most bytes to return.

        Returns:
            At least one byte, at most `max_bytes`.

        Raises:
            anyio.EndOfStream: if the peer has finished sending.
        """


class ByteSendStream(AsyncResource, TypedAttributeProvider):
    """The sending side of a byte stream."""

    @abstractmethod
    async def send(self, item: bytes) -> None:
        """Send all of the given bytes.

        Args:
            item: the bytes to send.
        """


class ByteStream(ByteReceiveStream, ByteSendStream):
    """A two-way byte stream."""

    @abstractmethod
    async def send_eof(self) -> None:
        """Finish the sending direction, keeping the receiving one open.

        The peer's `receive()` raises `EndOfStream` once it has received
        everything sent before this call. Not every transport can do this
        (TLS cannot); those raise `NotImplementedError`.
        """


#: Any receiving byte channel: an unreliable object stream of `bytes` or a byte stream.
AnyUnreliableByteReceiveStream = UnreliableObjectReceiveStream[bytes] | ByteReceiveStream
#: Any sending byte channel: an unreliable object stream of `bytes` or a byte stream.
AnyUnreliableByteSendStream = UnreliableObjectSendStream[bytes] | ByteSendStream
#: Any two-way byte channel: an unreliable object stream of `bytes` or a byte stream.
AnyUnreliableByteStream = UnreliableObjectStream[bytes] | ByteStream
#: Any reliable receiving byte channel: an object stream of `bytes` or a byte stream.
AnyByteReceiveStream = ObjectReceiveStream[bytes] | ByteReceiveStream
#: Any reliable sending byte channel: an object stream of `bytes` or a byte stream.
AnyByteSendStream = ObjectSendStream[bytes] | ByteSendStream
#: Any reliable two-way byte channel: an object stream of `bytes` or a byte stream.
AnyByteStream = ObjectStream[bytes] | ByteStream


class Listener(Generic[T_co], AsyncResource, TypedAttributeProvider):  # noqa: PYI059 - see above
    """Accepts incoming connections and hands each one to a handler."""

    @abstractmethod
    async def serve(
        self, handler: Callable[[T_co], Any], task_group: TaskGroup | None = None
    ) -> None:
        """Accept connections forever, calling `handler` in a new task for each.

        Args:
            handler: a callable (usually a coroutine function) that receives
                the accepted connection; it is responsible for closing it.
            task_group: the task group to run the handlers in; if omitted,
                the listener runs them in a task group of its own, which waits
                for them when serving stops.
        """


class ObjectStreamConnectable(Generic[T_co], metaclass=ABCMeta):
    """Something that can open a new object stream on demand (a "dialer")."""

    @abstractmethod
    async def connect(self) -> ObjectStream[T_co]:
        """Open a new connection.

        Returns:
            The connected stream; the caller owns it and must close it.
        """


class ByteStreamConnectable(metaclass=ABCMeta):
    """Something that can open a new byte stream on demand (a "dialer")."""

    @abstractmethod
    async def connect(self) -> ByteStream:
        """Open a new connection.

        Returns:
            The connected stream; the caller owns it and must close it.
        """


#: Anything that can open a byte channel on demand.
AnyByteStreamConnectable = ObjectStreamConnectable[bytes] | ByteStreamConnectable

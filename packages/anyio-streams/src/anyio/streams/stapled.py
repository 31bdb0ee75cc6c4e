"""Stapled streams: one two-way stream made of a send half and a receive half.

Also `MultiListener`, which serves several listeners as one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Generic, TypeVar

from .. import create_task_group
from ..abc import ByteStream, Listener, ObjectStream
from ._checks import check_max_bytes

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence

    from ..abc import ByteReceiveStream, ByteSendStream, ObjectReceiveStream, ObjectSendStream
    from ..abc._tasks import TaskGroup

__all__ = ("MultiListener", "StapledByteStream", "StapledObjectStream")

T_Item = TypeVar("T_Item")
T_Stream = TypeVar("T_Stream")


async def _close_both(first: Any, second: Any) -> None:
    """Close two resources; the second is closed even if closing the first fails."""
    try:
        await first.aclose()
    finally:
        await second.aclose()


class StapledByteStream(ByteStream):
    """A byte stream that sends on one stream and receives from another.

    Typical use: turning a pair of one-way channels (two pipes, say) into the
    two-way `ByteStream` an API wants. Typed attributes of both halves are
    offered; where both offer one, the receive half's value wins.

    Args:
        send_stream: where `send()` goes.
        receive_stream: where `receive()` comes from.

    Example:
        ```python
        stream = StapledByteStream(process.stdin, process.stdout)
        await stream.send(b"ping\\n")
        print(await stream.receive())
        ```
    """

    def __init__(self, send_stream: ByteSendStream, receive_stream: ByteReceiveStream) -> None:
        #: The half that `send()` uses.
        self.send_stream = send_stream
        #: The half that `receive()` uses.
        self.receive_stream = receive_stream

    async def receive(self, max_bytes: int = 65536) -> bytes:
        """Receive from the receive half.

        Raises:
            ValueError: if `max_bytes` is not a positive integer (checked here,
                whatever the receive half does).
        """
        check_max_bytes(max_bytes)
        return await self.receive_stream.receive(max_bytes)

    async def send(self, item: bytes) -> None:
        await self.send_stream.send(item)

    async def send_eof(self) -> None:
        """Close the send half; the receive half stays open."""
        await self.send_stream.aclose()

    async def aclose(self) -> None:
        """Close both halves (the send half first)."""
        await _close_both(self.send_stream, self.receive_stream)

    @property
    def extra_attributes(self) -> Mapping[Any, Callable[[], Any]]:
        return {
            **self.send_stream.extra_attributes,
            **self.receive_stream.extra_attributes,
        }

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(send_stream={self.send_stream!r}, "
            f"receive_stream={self.receive_stream!r})"
        )


class StapledObjectStream(ObjectStream[T_Item], Generic[T_Item]):
    """An object stream that sends on one stream and receives from another.

    Stapling the send end of one memory object stream to the receive end of
    another gives one end of an in-memory, two-way connection. Typed
    attributes of both halves are offered; where both offer one, the receive
    half's value wins.

    Args:
        send_stream: where `send()` goes.
        receive_stream: where `receive()` comes from.

    Example:
        ```python
        a_send, b_receive = create_memory_object_stream[str](1)
        b_send, a_receive = create_memory_object_stream[str](1)
        a_end = StapledObjectStream(a_send, a_receive)
        b_end = StapledObjectStream(b_send, b_receive)
        ```
    """

    def __init__(
        self, send_stream: ObjectSendStream[T_Item], receive_stream: ObjectReceiveStream[T_Item]
    ) -> None:
        #: The half that `send()` uses.
        self.send_stream = send_stream
        #: The half that `receive()` uses.
        self.receive_stream = receive_stream

    async def receive(self) -> T_Item:
        return await self.receive_stream.receive()

    async def send(self, item: T_Item) -> None:
        await self.send_stream.send(item)

    def send_nowait(self, item: T_Item) -> None:
        """Send ``item`` through the send half at once, without waiting.

        This works when the send half has a ``send_nowait()`` method of its
        own (a memory object stream's send end has one); the call goes to it,
        so it raises what that method raises.

        Raises:
            anyio.WouldBlock: if the send half cannot take the item now.
            NotImplementedError: if the send half has no ``send_nowait()``;
                use `send()` instead.
        """
        send_nowait = getattr(self.send_stream, "send_nowait", None)
        if send_nowait is None:
            raise NotImplementedError(
                f"'send_nowait' method not implemented in {type(self.send_stream)!r}: "
                f"the send half of this stapled stream cannot send without waiting; "
                f"use 'await send()' instead"
            )
        send_nowait(item)

    async def send_eof(self) -> None:
        """Close the send half; the receive half stays open."""
        await self.send_stream.aclose()

    async def aclose(self) -> None:
        """Close both halves (the send half first)."""
        await _close_both(self.send_stream, self.receive_stream)

    @property
    def extra_attributes(self) -> Mapping[Any, Callable[[], Any]]:
        return {
            **self.send_stream.extra_attributes,
            **self.receive_stream.extra_attributes,
        }

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(send_stream={self.send_stream!r}, "
            f"receive_stream={self.receive_stream!r})"
        )


class MultiListener(Listener[T_Stream], Generic[T_Stream]):
    """Several listeners served as one (for example IPv4 and IPv6 sockets).

    `serve()` serves every listener at once, all handing connections to the
    same handler; `aclose()` closes them all. A `MultiListener` given among
    the listeners is flattened: its listeners are taken over (and removed from
    it, so that closing it no longer closes them). Typed attributes of every
    listener are offered; where several offer one, the last listener's value
    wins.

    Args:
        listeners: the listeners to serve.
    """

    def __init__(self, listeners: Sequence[Listener[T_Stream]]) -> None:
        flattened: list[Listener[T_Stream]] = []
        for listener in listeners:
            if isinstance(listener, MultiListener):
                flattened.extend(listener.listeners)
                listener.listeners.clear()
            else:
                flattened.append(listener)
        #: The listeners served.
        self.listeners: list[Listener[T_Stream]] = flattened

    async def serve(
        self, handler: Callable[[T_Stream], Any], task_group: TaskGroup | None = None
    ) -> None:
        """Serve every listener until cancelled (or one of them fails).

        Args:
            handler: called in a new task with each accepted connection.
            task_group: where the handler tasks run; by default each listener
                uses its own.
        """
        async with create_task_group() as tg:
            for listener in self.listeners:
                tg.start_soon(listener.serve, handler, task_group)

    async def aclose(self) -> None:
        """Close every listener, even if closing one of them fails."""
        errors: list[BaseException] = []
        for listener in self.listeners:
            try:
                await listener.aclose()
            except BaseException as exc:  # noqa: PERF203 - the others must still close
                errors.append(exc)
        if errors:
            raise errors[0]

    @property
    def extra_attributes(self) -> Mapping[Any, Callable[[], Any]]:
        attributes: dict[Any, Callable[[], Any]] = {}
        for listener in self.listeners:
            attributes.update(listener.extra_attributes)
        return attributes

    def __repr__(self) -> str:
        return f"{type(self).__name__}(listeners={self.listeners!r})"

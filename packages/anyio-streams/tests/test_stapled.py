"""Stapled streams and MultiListener, over in-memory streams."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import pytest

from anyio import (
    ClosedResourceError,
    EndOfStream,
    TypedAttributeSet,
    WouldBlock,
    create_memory_object_stream,
    create_task_group,
    typed_attribute,
    wait_all_tasks_blocked,
)
from anyio.abc import ByteStream, Listener, ObjectStream, TaskGroup
from anyio.streams.buffered import BufferedByteReceiveStream
from anyio.streams.stapled import MultiListener, StapledByteStream, StapledObjectStream

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

pytestmark = pytest.mark.anyio


class HalfAttribute(TypedAttributeSet):
    half: str = typed_attribute()
    only_send: str = typed_attribute()


class TestStapledObjectStream:
    async def test_sends_on_one_half_and_receives_from_the_other(self) -> None:
        a_send, b_receive = create_memory_object_stream[str](5)
        b_send, a_receive = create_memory_object_stream[str](5)
        a_end = StapledObjectStream(a_send, a_receive)
        b_end = StapledObjectStream(b_send, b_receive)
        assert isinstance(a_end, ObjectStream)
        async with a_end, b_end:
            await a_end.send("ping")
            assert await b_end.receive() == "ping"
            await b_end.send("pong")
            assert await a_end.receive() == "pong"
            assert a_end.send_stream is a_send
            assert a_end.receive_stream is a_receive

    async def test_send_eof_closes_only_the_send_half(self) -> None:
        a_send, b_receive = create_memory_object_stream[str](5)
        b_send, a_receive = create_memory_object_stream[str](5)
        a_end = StapledObjectStream(a_send, a_receive)
        async with a_end, b_receive, b_send:
            await a_end.send("last")
            await a_end.send_eof()
            assert [item async for item in b_receive] == ["last"]
            await b_send.send("still open")
            assert await a_end.receive() == "still open"

    async def test_aclose_closes_both_halves(self) -> None:
        a_send, b_receive = create_memory_object_stream[str](5)
        b_send, a_receive = create_memory_object_stream[str](5)
        a_end = StapledObjectStream(a_send, a_receive)
        await a_end.aclose()
        with b_receive, b_send:
            with pytest.raises(EndOfStream):
                await b_receive.receive()
            with pytest.raises(ClosedResourceError):
                await a_end.receive()

    async def test_typed_attributes_of_both_halves(self) -> None:
        send = _AttributeSend({HalfAttribute.half: "send", HalfAttribute.only_send: "yes"})
        receive = _AttributeReceive({HalfAttribute.half: "receive"})
        stapled = StapledObjectStream(send, receive)
        assert stapled.extra(HalfAttribute.half) == "receive"
        assert stapled.extra(HalfAttribute.only_send) == "yes"

    async def test_send_nowait_goes_to_the_send_half(self) -> None:
        a_send, b_receive = create_memory_object_stream[str](1)
        b_send, a_receive = create_memory_object_stream[str](1)
        a_end = StapledObjectStream(a_send, a_receive)
        async with a_end, b_receive, b_send:
            a_end.send_nowait("now")
            assert a_send.statistics().current_buffer_used == 1
            with pytest.raises(WouldBlock):
                a_end.send_nowait("buffer full")
            assert b_receive.receive_nowait() == "now"
            await a_end.send_eof()
            with pytest.raises(ClosedResourceError):
                a_end.send_nowait("closed")

    async def test_send_nowait_without_one_on_the_send_half(self) -> None:
        stapled = StapledObjectStream(_AttributeSend({}), _AttributeReceive({}))
        with pytest.raises(
            NotImplementedError,
            match=(
                "^"
                + re.escape(f"'send_nowait' method not implemented in {_AttributeSend!r}")
                + r".*use 'await send\(\)'"
            ),
        ):
            stapled.send_nowait("x")


class _AttributeSend(ObjectStream[str]):
    """A do-nothing stream that only offers typed attributes."""

    def __init__(self, attributes: Mapping[Any, str]) -> None:
        self._attributes = attributes

    async def send(self, item: str) -> None:
        pass

    async def receive(self) -> str:
        raise EndOfStream

    async def send_eof(self) -> None:
        pass

    async def aclose(self) -> None:
        pass

    @property
    def extra_attributes(self) -> Mapping[Any, Callable[[], Any]]:
        return {key: (lambda value=value: value) for key, value in self._attributes.items()}


_AttributeReceive = _AttributeSend


class TestStapledByteStream:
    async def test_round_trip_and_attributes(self, byte_pair: Any, pipe_attribute: Any) -> None:
        left, right = byte_pair()
        # Any byte streams will do as halves; here both read and write "left".
        stapled = StapledByteStream(left, BufferedByteReceiveStream(left))
        assert isinstance(stapled, ByteStream)
        async with stapled, right:
            await stapled.send(b"hello")
            assert await right.receive() == b"hello"
            await right.send(b"world")
            assert await stapled.receive(3) == b"wor"
            assert await stapled.receive() == b"ld"
            assert stapled.extra(pipe_attribute.name) == "left"

    async def test_send_eof(self, byte_pair: Any) -> None:
        left, right = byte_pair()
        stapled = StapledByteStream(left, right)
        async with stapled:
            await stapled.send_eof()
            with pytest.raises(EndOfStream):
                await right.receive()


class _FakeListener(Listener[str]):
    def __init__(self, name: str, connections: list[str]) -> None:
        self.name = name
        self.connections = connections
        self.closed = False

    async def serve(
        self, handler: Callable[[str], Any], task_group: TaskGroup | None = None
    ) -> None:
        async with create_task_group() as own_group:
            group = task_group or own_group
            for connection in self.connections:
                group.start_soon(handler, f"{self.name}:{connection}")

    async def aclose(self) -> None:
        self.closed = True

    @property
    def extra_attributes(self) -> Mapping[Any, Callable[[], Any]]:
        return {HalfAttribute.half: lambda: self.name}


class TestMultiListener:
    async def test_serves_every_listener_with_one_handler(self) -> None:
        first = _FakeListener("first", ["a", "b"])
        second = _FakeListener("second", ["c"])
        multi = MultiListener([first, second])
        served: list[str] = []

        async def handler(connection: str) -> None:
            served.append(connection)

        async with multi:
            await multi.serve(handler)
        assert sorted(served) == ["first:a", "first:b", "second:c"]
        assert first.closed
        assert second.closed

    async def test_handlers_run_in_the_given_task_group(self) -> None:
        listener = _FakeListener("only", ["x"])
        send, receive = create_memory_object_stream[str](1)

        async with create_task_group() as tg, MultiListener([listener]) as multi:
            await multi.serve(send.send, task_group=tg)
            await wait_all_tasks_blocked()
            assert receive.receive_nowait() == "only:x"
        send.close()
        receive.close()

    async def test_nested_multilisteners_are_flattened(self) -> None:
        inner = MultiListener([_FakeListener("a", []), _FakeListener("b", [])])
        outer = MultiListener([inner, _FakeListener("c", [])])
        assert [listener.name for listener in outer.listeners] == ["a", "b", "c"]  # type: ignore[attr-defined]
        assert inner.listeners == []
        await inner.aclose()  # closes nothing now
        assert not any(listener.closed for listener in outer.listeners)  # type: ignore[attr-defined]
        await outer.aclose()
        assert all(listener.closed for listener in outer.listeners)  # type: ignore[attr-defined]

    async def test_typed_attributes_of_all_listeners(self) -> None:
        multi = MultiListener([_FakeListener("a", []), _FakeListener("b", [])])
        assert multi.extra(HalfAttribute.half) == "b"
        await multi.aclose()

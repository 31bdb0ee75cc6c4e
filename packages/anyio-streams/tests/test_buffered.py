"""Buffered byte streams, over in-memory byte and object streams."""

from __future__ import annotations

import math
from typing import Any

import pytest

from anyio import (
    CancelScope,
    ClosedResourceError,
    DelimiterNotFound,
    EndOfStream,
    Event,
    IncompleteRead,
    create_memory_object_stream,
    create_task_group,
    fail_after,
    wait_all_tasks_blocked,
)
from anyio.abc import ByteReceiveStream, ByteStream, ByteStreamConnectable, ObjectReceiveStream
from anyio.streams.buffered import (
    BufferedByteReceiveStream,
    BufferedByteStream,
    BufferedConnectable,
)
from anyio.streams.stapled import StapledObjectStream

pytestmark = pytest.mark.anyio


async def _feed(stream: Any, *chunks: bytes, eof: bool = True) -> None:
    for chunk in chunks:
        await stream.send(chunk)
    if eof:
        await stream.send_eof()


class TestReceive:
    async def test_from_a_byte_stream(self, byte_pair: Any, pipe_attribute: Any) -> None:
        left, right = byte_pair()
        buffered = BufferedByteReceiveStream(left)
        assert isinstance(buffered, ByteReceiveStream)
        async with buffered, right:
            await _feed(right, b"abc")
            assert await buffered.receive() == b"abc"
            with pytest.raises(EndOfStream):
                await buffered.receive()
            assert buffered.extra(pipe_attribute.name) == "left"

    async def test_surplus_of_an_object_stream_chunk_is_buffered(self) -> None:
        send, receive = create_memory_object_stream[bytes](5)
        buffered = BufferedByteReceiveStream(receive)
        async with buffered, send:
            await send.send(b"0123456789")
            assert await buffered.receive(4) == b"0123"
            assert buffered.buffer == b"456789"
            assert await buffered.receive(4) == b"4567"
            assert await buffered.receive() == b"89"
            assert buffered.buffer == b""

    async def test_feed_data_is_read_first(self, byte_pair: Any) -> None:
        left, right = byte_pair()
        buffered = BufferedByteReceiveStream(left)
        async with buffered, right:
            await right.send(b"later")
            buffered.feed_data(b"first ")
            buffered.feed_data([0x21])  # any iterable of byte values
            assert buffered.buffer == b"first !"
            assert await buffered.receive_exactly(12) == b"first !later"

    async def test_closed(self, byte_pair: Any) -> None:
        left, right = byte_pair()
        buffered = BufferedByteReceiveStream(left)
        buffered.feed_data(b"data")
        await buffered.aclose()
        await right.aclose()
        for call in (
            buffered.receive(),
            buffered.receive_exactly(1),
            buffered.receive_until(b"\n", 10),
        ):
            with pytest.raises(ClosedResourceError):
                await call


class _Gate(ObjectReceiveStream[bytes]):
    """Delivers its chunks only once opened, then ends; closing it wakes nobody."""

    def __init__(self, *chunks: bytes, end_on_close: bool = False) -> None:
        self.opened = Event()
        self.chunks = list(chunks)
        self.end_on_close = end_on_close

    async def receive(self) -> bytes:
        await self.opened.wait()
        if self.chunks:
            return self.chunks.pop(0)
        raise EndOfStream

    async def aclose(self) -> None:
        if self.end_on_close:
            self.chunks.clear()
            self.opened.set()


_READS = {
    "receive": lambda buffered: buffered.receive(),
    "receive_exactly": lambda buffered: buffered.receive_exactly(4),
    "receive_until": lambda buffered: buffered.receive_until(b"\n", 100),
}


class TestClosedWhileWaiting:
    """A read that was waiting when the stream was closed raises ClosedResourceError."""

    @pytest.mark.parametrize("read", sorted(_READS))
    @pytest.mark.parametrize("end_on_close", [False, True], ids=["data-arrives", "wrapped-ends"])
    async def test_read_waiting_at_close(self, read: str, end_on_close: bool) -> None:
        gate = _Gate(b"cd\n", end_on_close=end_on_close)
        buffered = BufferedByteReceiveStream(gate)
        if read != "receive":
            buffered.feed_data(b"ab")  # too little for the read to complete
        outcome: list[object] = []

        async def reader() -> None:
            try:
                outcome.append(await _READS[read](buffered))
            except Exception as exc:
                outcome.append(exc)

        with fail_after(5):
            async with create_task_group() as tg:
                tg.start_soon(reader)
                await wait_all_tasks_blocked()
                await buffered.aclose()
                gate.opened.set()
        assert len(outcome) == 1
        assert isinstance(outcome[0], ClosedResourceError), outcome


class TestEmptyMessages:
    """An object stream may deliver b"": that is no data, never a result and never the end."""

    async def test_receive_skips_empty_messages(self) -> None:
        send, receive = create_memory_object_stream[bytes](5)
        buffered = BufferedByteReceiveStream(receive)
        async with buffered, send:
            await send.send(b"")
            await send.send(b"")
            await send.send(b"x")
            assert await buffered.receive() == b"x"

    async def test_receive_waits_for_data_after_an_empty_message(self) -> None:
        send, receive = create_memory_object_stream[bytes](5)
        buffered = BufferedByteReceiveStream(receive)
        received: list[bytes] = []
        async with buffered, send:
            with fail_after(5):
                async with create_task_group() as tg:
                    tg.start_soon(lambda: _append(received, buffered.receive()))
                    await send.send(b"")
                    await wait_all_tasks_blocked()
                    assert received == []
                    await send.send(b"late")
            assert received == [b"late"]

    async def test_receive_raises_end_of_stream_after_empty_messages(self) -> None:
        send, receive = create_memory_object_stream[bytes](5)
        buffered = BufferedByteReceiveStream(receive)
        async with buffered:
            await send.send(b"")
            send.close()
            with pytest.raises(EndOfStream):
                await buffered.receive()

    async def test_exactly_and_until_skip_empty_messages(self) -> None:
        send, receive = create_memory_object_stream[bytes](10)
        buffered = BufferedByteReceiveStream(receive)
        async with buffered, send:
            for chunk in (b"", b"ab", b"", b"cd\n", b""):
                await send.send(chunk)
            assert await buffered.receive_exactly(1) == b"a"
            assert await buffered.receive_until(b"\n", 10) == b"bcd"
            send.close()
            with pytest.raises(IncompleteRead):
                await buffered.receive_exactly(1)


async def _append(results: list[bytes], read: Any) -> None:
    results.append(await read)


class TestReceiveExactly:
    @pytest.mark.parametrize("max_chunk", [1, 3, 100])
    async def test_assembles_across_chunks(self, byte_pair: Any, max_chunk: int) -> None:
        left, right = byte_pair(max_chunk=max_chunk)
        buffered = BufferedByteReceiveStream(left)
        async with buffered, right:
            await _feed(right, b"0123", b"456789")
            assert await buffered.receive_exactly(3) == b"012"
            assert await buffered.receive_exactly(5) == b"34567"
            assert await buffered.receive_exactly(2) == b"89"

    async def test_incomplete_read_keeps_what_arrived(self, byte_pair: Any) -> None:
        left, right = byte_pair()
        buffered = BufferedByteReceiveStream(left)
        async with buffered, right:
            await _feed(right, b"abc")
            with pytest.raises(IncompleteRead) as info:
                await buffered.receive_exactly(5)
            assert isinstance(info.value.__cause__, EndOfStream)
            assert buffered.buffer == b"abc"

    async def test_cancelled_read_loses_nothing(self, byte_pair: Any) -> None:
        left, right = byte_pair()
        buffered = BufferedByteReceiveStream(left)
        async with buffered, right:
            async with create_task_group() as tg:

                async def read() -> None:
                    with CancelScope() as scope:
                        scopes.append(scope)
                        await buffered.receive_exactly(6)

                scopes: list[CancelScope] = []
                tg.start_soon(read)
                await right.send(b"abc")
                await wait_all_tasks_blocked()
                scopes[0].cancel()
            assert buffered.buffer == b"abc"
            await right.send(b"def")
            assert await buffered.receive_exactly(6) == b"abcdef"

    async def test_buffered_read_is_a_checkpoint(self, byte_pair: Any) -> None:
        left, right = byte_pair()
        buffered = BufferedByteReceiveStream(left)
        buffered.feed_data(b"abc")
        async with buffered, right:
            with CancelScope() as scope:
                scope.cancel()
                await buffered.receive_exactly(2)
            assert scope.cancelled_caught
            assert buffered.buffer == b"abc"
            with CancelScope() as scope:
                scope.cancel()
                await buffered.receive()
            assert buffered.buffer == b"abc"


class TestReceiveUntil:
    @pytest.mark.parametrize("max_chunk", [1, 2, 100])
    async def test_records(self, byte_pair: Any, max_chunk: int) -> None:
        left, right = byte_pair(max_chunk=max_chunk)
        buffered = BufferedByteReceiveStream(left)
        async with buffered, right:
            await _feed(right, b"first\r", b"\nsecond\r\n\r\nthird")
            assert await buffered.receive_until(b"\r\n", 100) == b"first"
            assert await buffered.receive_until(b"\r\n", 100) == b"second"
            assert await buffered.receive_until(b"\r\n", 100) == b""
            with pytest.raises(IncompleteRead):
                await buffered.receive_until(b"\r\n", 100)
            assert buffered.buffer == b"third"

    async def test_delimiter_not_found_within_max_bytes(self, byte_pair: Any) -> None:
        left, right = byte_pair(max_chunk=4)
        buffered = BufferedByteReceiveStream(left)
        async with buffered, right:
            await _feed(right, b"0123456789\n", eof=False)
            with pytest.raises(DelimiterNotFound) as info:
                await buffered.receive_until(b"\n", 6)
            assert "6" in str(info.value)
            # What was read stays buffered; a larger limit finds the delimiter.
            assert buffered.buffer == b"01234567"
            assert await buffered.receive_until(b"\n", 20) == b"0123456789"

    async def test_empty_delimiter_is_rejected(self, byte_pair: Any) -> None:
        left, right = byte_pair()
        buffered = BufferedByteReceiveStream(left)
        async with buffered, right:
            with pytest.raises(ValueError, match="delimiter"):
                await buffered.receive_until(b"", 10)


class TestBufferedByteStream:
    async def test_two_way(self, byte_pair: Any, pipe_attribute: Any) -> None:
        left, right = byte_pair()
        stream = BufferedByteStream(left)
        assert isinstance(stream, ByteStream)
        async with stream, right:
            await stream.send(b"request\n")
            assert await right.receive() == b"request\n"
            await right.send(b"reply\nrest")
            assert await stream.receive_until(b"\n", 100) == b"reply"
            assert stream.buffer == b"rest"
            await stream.send_eof()
            with pytest.raises(EndOfStream):
                await right.receive()
            assert stream.extra(pipe_attribute.name) == "left"

    async def test_over_an_object_stream_of_bytes(self) -> None:
        a_send, b_receive = create_memory_object_stream[bytes](math.inf)
        b_send, a_receive = create_memory_object_stream[bytes](math.inf)
        stream = BufferedByteStream(StapledObjectStream(a_send, a_receive))
        async with stream, b_send, b_receive:
            await b_send.send(b"12345678")
            assert await stream.receive_exactly(4) == b"1234"
            await stream.send(b"x")
            assert await b_receive.receive() == b"x"


class _PairConnectable(ByteStreamConnectable):
    def __init__(self, stream: ByteStream) -> None:
        self.stream = stream

    async def connect(self) -> ByteStream:
        return self.stream


async def test_buffered_connectable(byte_pair: Any) -> None:
    left, right = byte_pair()
    connectable = BufferedConnectable(_PairConnectable(left))
    async with await connectable.connect() as stream, right:
        assert isinstance(stream, BufferedByteStream)
        await right.send(b"line\n")
        assert await stream.receive_until(b"\n", 10) == b"line"

"""Text streams over in-memory byte streams."""

from __future__ import annotations

from typing import Any

import pytest

from anyio import EndOfStream
from anyio.abc import ByteStream, ByteStreamConnectable, ObjectStream
from anyio.streams.text import TextConnectable, TextReceiveStream, TextSendStream, TextStream

pytestmark = pytest.mark.anyio


async def _receive_all(stream: TextReceiveStream | TextStream) -> str:
    return "".join([text async for text in stream])


class TestTextReceiveStream:
    @pytest.mark.parametrize("max_chunk", [1, 2, 3, 1000])
    async def test_multibyte_characters_split_across_chunks(
        self, byte_pair: Any, max_chunk: int
    ) -> None:
        text = "naïve café, 日本語 and 🐍"
        left, right = byte_pair(max_chunk=max_chunk)
        stream = TextReceiveStream(left)
        async with stream, right:
            await right.send(text.encode())
            await right.send_eof()
            pieces = [piece async for piece in stream]
        assert "".join(pieces) == text
        assert "" not in pieces

    async def test_encoding_and_errors(self, byte_pair: Any) -> None:
        left, right = byte_pair()
        stream = TextReceiveStream(left, encoding="latin-1")
        assert (stream.encoding, stream.errors) == ("latin-1", "strict")
        async with stream, right:
            await right.send("déjà".encode("latin-1"))
            assert await stream.receive() == "déjà"

    async def test_strict_errors_raise(self, byte_pair: Any) -> None:
        left, right = byte_pair()
        async with TextReceiveStream(left) as stream, right:
            await right.send(b"ok \xff")
            with pytest.raises(UnicodeDecodeError):
                await stream.receive()

    async def test_replace_errors(self, byte_pair: Any) -> None:
        left, right = byte_pair()
        async with TextReceiveStream(left, errors="replace") as stream, right:
            await right.send(b"ok \xff")
            assert await stream.receive() == "ok \ufffd"

    async def test_unfinished_character_at_end_of_stream(self, byte_pair: Any) -> None:
        left, right = byte_pair()
        async with TextReceiveStream(left, errors="replace") as stream, right:
            await right.send("é".encode()[:1])
            await right.send_eof()
            assert await stream.receive() == "\ufffd"
            with pytest.raises(EndOfStream):
                await stream.receive()

    async def test_unfinished_character_is_an_error_when_strict(self, byte_pair: Any) -> None:
        left, right = byte_pair()
        async with TextReceiveStream(left) as stream, right:
            await right.send(b"ab" + "é".encode()[:1])
            await right.send_eof()
            assert await stream.receive() == "ab"
            with pytest.raises(UnicodeDecodeError):
                await stream.receive()
            # Reported once: after it the stream has ended.
            with pytest.raises(EndOfStream):
                await stream.receive()

    async def test_typed_attributes_pass_through(
        self, byte_pair: Any, pipe_attribute: Any
    ) -> None:
        left, right = byte_pair()
        async with TextReceiveStream(left) as stream, right:
            assert stream.extra(pipe_attribute.name) == "left"

    def test_unknown_encoding_or_errors_fail_at_once(self, byte_pair: Any) -> None:
        left, right = byte_pair()
        with pytest.raises(LookupError):
            TextReceiveStream(left, encoding="no-such-codec")
        with pytest.raises(LookupError):
            TextSendStream(right, errors="no-such-handler")
        with pytest.raises(LookupError):
            TextStream(left, encoding="no-such-codec")
        for end in (left, right):
            end._send.close()
            end._receive.close()


class TestTextSendStream:
    async def test_encodes(self, byte_pair: Any, pipe_attribute: Any) -> None:
        left, right = byte_pair()
        stream = TextSendStream(left, encoding="utf-16-le")
        async with stream, right:
            await stream.send("hé")
            assert await right.receive() == "hé".encode("utf-16-le")
            assert stream.extra(pipe_attribute.name) == "left"
            assert (stream.encoding, stream.errors) == ("utf-16-le", "strict")

    async def test_errors(self, byte_pair: Any) -> None:
        left, right = byte_pair()
        async with TextSendStream(left, encoding="ascii", errors="replace") as stream, right:
            await stream.send("hé")
            assert await right.receive() == b"h?"
        left, right = byte_pair()
        async with TextSendStream(left, encoding="ascii") as stream, right:
            with pytest.raises(UnicodeEncodeError):
                await stream.send("hé")


class TestByteOrderMark:
    """An encoding that writes a byte order mark writes it once per stream."""

    @pytest.mark.parametrize("encoding", ["utf-16", "utf-32", "utf-8-sig"])
    async def test_written_once(self, byte_pair: Any, encoding: str) -> None:
        left, right = byte_pair()
        async with TextSendStream(left, encoding=encoding) as stream, right:
            for piece in ("hé", "llo", " wörld"):
                await stream.send(piece)
            await left.send_eof()
            data = b"".join([chunk async for chunk in right])
        assert data == "héllo wörld".encode(encoding)
        assert data.decode(encoding) == "héllo wörld"  # a second BOM would decode as U+FEFF

    async def test_still_written_after_a_failed_first_send(self, byte_pair: Any) -> None:
        left, right = byte_pair()
        async with TextSendStream(left, encoding="utf-16") as stream, right:
            with pytest.raises(UnicodeEncodeError):
                await stream.send("\ud800")  # a lone surrogate: nothing is sent
            await stream.send("ok")
            assert left.sent == ["ok".encode("utf-16")]

    async def test_errors_changed_after_creation_apply(self, byte_pair: Any) -> None:
        left, right = byte_pair()
        async with TextSendStream(left, encoding="ascii") as stream, right:
            stream.errors = "replace"
            await stream.send("é")
            assert await right.receive() == b"?"

    async def test_round_trip_through_text_streams(self, byte_pair: Any) -> None:
        left, right = byte_pair(max_chunk=3)
        async with TextStream(left, "utf-16") as sender, TextStream(right, "utf-16") as receiver:
            await sender.send("ab")
            await sender.send("cd")
            await sender.send_eof()
            assert await _receive_all(receiver) == "abcd"


class TestTextStream:
    async def test_two_way(self, byte_pair: Any, pipe_attribute: Any) -> None:
        left, right = byte_pair(max_chunk=1)
        text_left = TextStream(left)
        text_right = TextStream(right)
        assert isinstance(text_left, ObjectStream)
        async with text_left, text_right:
            await text_left.send("héllo ")
            await text_left.send("wörld")
            await text_left.send_eof()
            assert await _receive_all(text_right) == "héllo wörld"
            await text_right.send("réponse")
            assert await text_left.receive() == "r"  # one byte per chunk
            assert text_left.extra(pipe_attribute.name) == "left"


class _PairConnectable(ByteStreamConnectable):
    def __init__(self, stream: ByteStream) -> None:
        self.stream = stream

    async def connect(self) -> ByteStream:
        return self.stream


async def test_text_connectable(byte_pair: Any) -> None:
    left, right = byte_pair()
    async with await TextConnectable(_PairConnectable(left)).connect() as stream, right:
        assert isinstance(stream, TextStream)
        await stream.send("ça va")
        assert await right.receive() == "ça va".encode()

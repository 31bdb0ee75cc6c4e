"""Test helpers for the stream wrappers: in-memory byte streams with a typed attribute."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import pytest

from anyio import (
    EndOfStream,
    TypedAttributeSet,
    WouldBlock,
    create_memory_object_stream,
    typed_attribute,
)
from anyio.abc import ByteStream

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from anyio.streams.memory import MemoryObjectReceiveStream, MemoryObjectSendStream


class PipeAttribute(TypedAttributeSet):
    """A typed attribute the test streams offer, to check that wrappers pass it on."""

    name: str = typed_attribute()


class MemoryByteStream(ByteStream):
    """One end of an in-memory, two-way byte connection (see `make_byte_pair`).

    ``max_chunk`` limits how many bytes one `receive()` returns, so that tests
    can split data at awkward places.
    """

    def __init__(
        self,
        name: str,
        send: MemoryObjectSendStream[bytes],
        receive: MemoryObjectReceiveStream[bytes],
        max_chunk: int,
    ) -> None:
        self.name = name
        self._send = send
        self._receive = receive
        self._max_chunk = max_chunk
        self._pending = b""
        self.sent: list[bytes] = []

    async def receive(self, max_bytes: int = 65536) -> bytes:
        if not self._pending:
            self._pending = await self._receive.receive()
        size = min(max_bytes, self._max_chunk)
        # Like a socket: what has arrived in separate sends can come out in one piece.
        while len(self._pending) < size:
            try:
                self._pending += self._receive.receive_nowait()
            except (WouldBlock, EndOfStream):  # noqa: PERF203 - ends the loop
                break
        chunk, self._pending = self._pending[:size], self._pending[size:]
        return chunk

    async def send(self, item: bytes) -> None:
        self.sent.append(bytes(item))
        if item:
            await self._send.send(bytes(item))

    async def send_eof(self) -> None:
        self._send.close()

    async def aclose(self) -> None:
        self._send.close()
        self._receive.close()

    @property
    def extra_attributes(self) -> Mapping[Any, Callable[[], Any]]:
        return {PipeAttribute.name: lambda: self.name}


def make_byte_pair(max_chunk: int = 65536) -> tuple[MemoryByteStream, MemoryByteStream]:
    """Return two connected in-memory byte streams, named "left" and "right"."""
    left_send, right_receive = create_memory_object_stream[bytes](math.inf)
    right_send, left_receive = create_memory_object_stream[bytes](math.inf)
    return (
        MemoryByteStream("left", left_send, left_receive, max_chunk),
        MemoryByteStream("right", right_send, right_receive, max_chunk),
    )


@pytest.fixture
def byte_pair() -> Callable[..., tuple[MemoryByteStream, MemoryByteStream]]:
    """A factory of connected in-memory byte streams: ``byte_pair(max_chunk=...)``."""
    return make_byte_pair


@pytest.fixture
def pipe_attribute() -> type[PipeAttribute]:
    """The typed attribute set that the test streams offer."""
    return PipeAttribute

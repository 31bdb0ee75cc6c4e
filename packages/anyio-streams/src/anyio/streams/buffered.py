"""Buffered byte streams: read exact sizes and delimited records from a byte stream.

A byte stream delivers data in chunks of whatever size the transport chose.
`BufferedByteReceiveStream` keeps what a read did not consume in a buffer, so
that protocol code can ask for "exactly 4 bytes" (`receive_exactly()`) or
"everything up to the next CRLF" (`receive_until()`).

Cancellation never loses data: whatever was received from the wrapped stream
is in the buffer before the next wait, so a cancelled read leaves it there for
the next one.

Two rules hold for every read method:

* Once `aclose()` was called, reads raise `ClosedResourceError`: also a read that
  was waiting when the stream was closed and then got data from the wrapped
  stream, and also when bytes were buffered. Data read after a close is dropped.
* An empty chunk from the wrapped stream (an object stream may deliver
  ``b""``) is no data: the read goes on waiting, and ends with `EndOfStream`
  (or `IncompleteRead`) only when the wrapped stream ends. `receive()` never
  returns ``b""``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .. import ClosedResourceError, DelimiterNotFound, EndOfStream, IncompleteRead
from ..abc import ByteReceiveStream, ByteStream, ByteStreamConnectable
from ..lowlevel import checkpoint
from ._checks import check_max_bytes, check_nbytes

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping
    from typing import SupportsIndex

    from ..abc import AnyByteReceiveStream, AnyByteStream, AnyByteStreamConnectable

__all__ = ("BufferedByteReceiveStream", "BufferedByteStream", "BufferedConnectable")


class BufferedByteReceiveStream(ByteReceiveStream):
    """Wrap a byte stream (or an object stream of bytes) with a receive buffer.

    Args:
        receive_stream: the stream to read from. Typed attributes pass through
            from it.

    Example:
        ```python
        buffered = BufferedByteReceiveStream(stream)
        header = await buffered.receive_exactly(4)
        line = await buffered.receive_until(b"\\r\\n", max_bytes=8192)
        ```
    """

    def __init__(self, receive_stream: AnyByteReceiveStream) -> None:
        #: The wrapped stream.
        self.receive_stream = receive_stream
        self._buffer = bytearray()
        self._closed = False

    @property
    def buffer(self) -> bytes:
        """The bytes received from the wrapped stream and not yet read."""
        return bytes(self._buffer)

    def feed_data(self, data: Iterable[SupportsIndex], /) -> None:
        """Append bytes to the buffer, to be read before anything new arrives.

        Args:
            data: the bytes (or any iterable of ints in ``range(256)``).
        """
        self._buffer.extend(data)

    async def aclose(self) -> None:
        """Close this stream and the wrapped one; the buffer is discarded."""
        self._closed = True
        self._buffer.clear()
        await self.receive_stream.aclose()

    async def _receive_chunk(self, max_bytes: int) -> bytes:
        """Read a non-empty chunk from the wrapped stream, whichever kind it is.

        Raises:
            anyio.ClosedResourceError: if this stream was closed while waiting.
        """
        stream = self.receive_stream
        chunk = b""
        while not chunk:  # an object stream may deliver b"": that is no data yet
            try:
                if isinstance(stream, ByteReceiveStream):
                    chunk = await stream.receive(max_bytes)
                else:
                    chunk = await stream.receive()
            except EndOfStream:
                if self._closed:  # our aclose() ended the wrapped stream under us
                    raise ClosedResourceError from None
                raise
            if self._closed:  # closed by another task while we waited
                raise ClosedResourceError
        return chunk

    async def receive(self, max_bytes: int = 65536) -> bytes:
        """Return buffered bytes if there are any, else read from the wrapped stream.

        Args:
            max_bytes: the most bytes to return; the rest of a larger chunk
                from an object stream stays in the buffer.

        Raises:
            ValueError: if `max_bytes` is not a positive integer.
            anyio.ClosedResourceError: if this stream was closed.
            anyio.EndOfStream: if the buffer is empty and the wrapped stream
                has ended.
        """
        check_max_bytes(max_bytes)
        if self._closed:
            raise ClosedResourceError
        if self._buffer:
            await checkpoint()
            return self._take(max_bytes)
        chunk = await self._receive_chunk(max_bytes)
        if len(chunk) > max_bytes:
            self._buffer.extend(memoryview(chunk)[max_bytes:])
            return chunk[:max_bytes]
        return chunk

    async def receive_exactly(self, nbytes: int) -> bytes:
        """Read exactly ``nbytes`` bytes.

        Args:
            nbytes: how many bytes to read.

        Raises:
            ValueError: if `nbytes` is negative or not an integer.
            anyio.ClosedResourceError: if this stream was closed.
            anyio.IncompleteRead: if the wrapped stream ends first (the bytes
                read so far stay in the buffer).
        """
        check_nbytes(nbytes)
        if self._closed:
            raise ClosedResourceError
        if len(self._buffer) >= nbytes:
            await checkpoint()
        while len(self._buffer) < nbytes:
            await self._fill(nbytes - len(self._buffer))
        return self._take(nbytes)

    async def receive_until(self, delimiter: bytes, max_bytes: int) -> bytes:
        """Read up to the next ``delimiter``; it is consumed but not returned.

        Args:
            delimiter: the byte sequence that ends the record.
            max_bytes: give up once this many bytes are buffered without the
                delimiter among them.

        Raises:
            anyio.ClosedResourceError: if this stream was closed.
            anyio.DelimiterNotFound: if ``max_bytes`` bytes were buffered
                without finding the delimiter (they stay in the buffer).
            anyio.IncompleteRead: if the wrapped stream ends before the
                delimiter arrives.
        """
        if self._closed:
            raise ClosedResourceError
        if not delimiter:
            raise ValueError("the delimiter must not be empty")
        start = 0  # no match can begin before this offset
        waited = False
        while True:
            index = self._buffer.find(delimiter, start)
            if index >= 0:
                if not waited:
                    await checkpoint()  # found without waiting: still a checkpoint
                record = self._take(index)
                del self._buffer[: len(delimiter)]
                return record
            if len(self._buffer) >= max_bytes:
                raise DelimiterNotFound(max_bytes)
            start = max(len(self._buffer) - len(delimiter) + 1, 0)
            await self._fill(65536)
            waited = True

    async def _fill(self, max_bytes: int) -> None:
        """Read one chunk from the wrapped stream into the buffer."""
        try:
            chunk = await self._receive_chunk(max_bytes)
        except EndOfStream as exc:
            raise IncompleteRead from exc
        self._buffer.extend(chunk)

    def _take(self, nbytes: int) -> bytes:
        taken = bytes(self._buffer[:nbytes])
        del self._buffer[:nbytes]
        return taken

    @property
    def extra_attributes(self) -> Mapping[Any, Callable[[], Any]]:
        return self.receive_stream.extra_attributes


class BufferedByteStream(BufferedByteReceiveStream, ByteStream):
    """A two-way byte stream with a receive buffer (see `BufferedByteReceiveStream`).

    Sending goes straight to the wrapped stream.

    Args:
        stream: the two-way stream to wrap.
    """

    def __init__(self, stream: AnyByteStream) -> None:
        super().__init__(stream)
        self._stream = stream

    async def send(self, item: bytes) -> None:
        await self._stream.send(item)

    async def send_eof(self) -> None:
        await self._stream.send_eof()


class BufferedConnectable(ByteStreamConnectable):
    """Wrap each connection that ``connectable`` makes in a `BufferedByteStream`.

    Args:
        connectable: what makes the connections.
    """

    def __init__(self, connectable: AnyByteStreamConnectable) -> None:
        self.connectable = connectable

    async def connect(self) -> BufferedByteStream:
        return BufferedByteStream(await self.connectable.connect())

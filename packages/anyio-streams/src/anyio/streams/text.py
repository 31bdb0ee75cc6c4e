"""Text streams: send and receive ``str`` over a byte stream.

Decoding is incremental: a multi-byte character split between two chunks of
the byte stream is decoded once its last byte arrives, never garbled.
"""

from __future__ import annotations

import codecs
from typing import TYPE_CHECKING, Any

from .. import EndOfStream
from ..abc import ObjectReceiveStream, ObjectSendStream, ObjectStream, ObjectStreamConnectable

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from ..abc import (
        AnyByteReceiveStream,
        AnyByteSendStream,
        AnyByteStream,
        AnyByteStreamConnectable,
    )

__all__ = ("TextConnectable", "TextReceiveStream", "TextSendStream", "TextStream")


class TextReceiveStream(ObjectReceiveStream[str]):
    """Receive text decoded from a byte stream.

    Each `receive()` returns the text decoded from one or more chunks of the
    byte stream (never an empty string). At the end of the byte stream, bytes
    of an unfinished character are handled by ``errors``: ``"strict"`` raises
    `UnicodeDecodeError` (once: the following `receive()` raises
    `anyio.EndOfStream`), ``"replace"`` gives ``"\\ufffd"``, and so on.

    Args:
        transport_stream: the byte stream to read; typed attributes pass
            through from it.
        encoding: any encoding known to `codecs`.
        errors: the error handler for undecodable bytes (see `codecs`).

    Raises:
        LookupError: if the encoding or the error handler is unknown.
    """

    #: The encoding (the class attribute is the default).
    encoding: str = "utf-8"
    #: The error handler (the class attribute is the default).
    errors: str = "strict"

    def __init__(
        self,
        transport_stream: AnyByteReceiveStream,
        encoding: str = "utf-8",
        errors: str = "strict",
    ) -> None:
        codecs.lookup_error(errors)
        #: The wrapped byte stream.
        self.transport_stream = transport_stream
        self.encoding = encoding
        self.errors = errors
        self._decoder = codecs.getincrementaldecoder(encoding)(errors=errors)

    async def receive(self) -> str:
        """Receive the next piece of text.

        Raises:
            anyio.EndOfStream: once the byte stream has ended and everything
                was decoded.
            UnicodeDecodeError: for undecodable bytes, with ``errors="strict"``.
        """
        while True:
            try:
                chunk = await self.transport_stream.receive()
            except EndOfStream:
                try:
                    text: str = self._decoder.decode(b"", True)
                except UnicodeDecodeError:
                    # The unfinished character is reported once; the next
                    # receive() finds an empty decoder and ends the stream.
                    self._decoder.reset()
                    raise
                if text:
                    return text
                raise
            text = self._decoder.decode(chunk)
            if text:
                return text

    async def aclose(self) -> None:
        """Close the wrapped byte stream."""
        await self.transport_stream.aclose()

    @property
    def extra_attributes(self) -> Mapping[Any, Callable[[], Any]]:
        return self.transport_stream.extra_attributes


class TextSendStream(ObjectSendStream[str]):
    """Send text encoded onto a byte stream.

    Encoding is incremental, across sends: an encoding that starts its output
    with a byte order mark (``"utf-16"``, ``"utf-32"``, ``"utf-8-sig"``) writes
    it once, before the first text, not in front of every `send()`. Changing
    `errors` on the stream applies to the next `send()`.

    Args:
        transport_stream: the byte stream to write; typed attributes pass
            through from it.
        encoding: any encoding known to `codecs`.
        errors: the error handler for characters the encoding cannot
            represent (see `codecs`).

    Raises:
        LookupError: if the encoding or the error handler is unknown.
    """

    #: The encoding (the class attribute is the default).
    encoding: str = "utf-8"
    #: The error handler (the class attribute is the default).
    errors: str = "strict"

    def __init__(
        self,
        transport_stream: AnyByteSendStream,
        encoding: str = "utf-8",
        errors: str = "strict",
    ) -> None:
        codecs.lookup_error(errors)
        #: The wrapped byte stream.
        self.transport_stream = transport_stream
        self.encoding = encoding
        self.errors = errors
        # One encoder for the whole stream: it remembers whether the BOM was written.
        self._encoder = codecs.getincrementalencoder(encoding)(errors)

    async def send(self, item: str) -> None:
        """Encode ``item`` and send the bytes.

        Raises:
            UnicodeEncodeError: for characters the encoding cannot represent,
                with ``errors="strict"`` (nothing is sent then, and a BOM not
                yet written comes with the next text).
        """
        self._encoder.errors = self.errors
        encoded = self._encoder.encode(item)
        await self.transport_stream.send(encoded)

    async def aclose(self) -> None:
        """Close the wrapped byte stream."""
        await self.transport_stream.aclose()

    @property
    def extra_attributes(self) -> Mapping[Any, Callable[[], Any]]:
        return self.transport_stream.extra_attributes


class TextStream(ObjectStream[str]):
    """A two-way text stream over a two-way byte stream.

    Args:
        transport_stream: the byte stream; typed attributes pass through
            from it.
        encoding: any encoding known to `codecs`, used both ways.
        errors: the error handler, used both ways (see `codecs`).

    Raises:
        LookupError: if the encoding or the error handler is unknown.

    Example:
        ```python
        text_stream = TextStream(byte_stream)
        await text_stream.send("héllo")
        reply = await text_stream.receive()
        ```
    """

    #: The encoding (the class attribute is the default).
    encoding: str = "utf-8"
    #: The error handler (the class attribute is the default).
    errors: str = "strict"

    def __init__(
        self,
        transport_stream: AnyByteStream,
        encoding: str = "utf-8",
        errors: str = "strict",
    ) -> None:
        #: The wrapped byte stream.
        self.transport_stream = transport_stream
        self.encoding = encoding
        self.errors = errors
        self._receive_stream = TextReceiveStream(transport_stream, encoding, errors)
        self._send_stream = TextSendStream(transport_stream, encoding, errors)

    async def receive(self) -> str:
        return await self._receive_stream.receive()

    async def send(self, item: str) -> None:
        await self._send_stream.send(item)

    async def send_eof(self) -> None:
        await self.transport_stream.send_eof()

    async def aclose(self) -> None:
        """Close the wrapped byte stream."""
        await self.transport_stream.aclose()

    @property
    def extra_attributes(self) -> Mapping[Any, Callable[[], Any]]:
        return self.transport_stream.extra_attributes


class TextConnectable(ObjectStreamConnectable[str]):
    """Wrap each connection that ``connectable`` makes in a UTF-8 `TextStream`.

    Args:
        connectable: what makes the byte stream connections.
    """

    def __init__(self, connectable: AnyByteStreamConnectable) -> None:
        self.connectable = connectable

    async def connect(self) -> TextStream:
        return TextStream(await self.connectable.connect())

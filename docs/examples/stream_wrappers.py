"""Stream wrappers: stapled, buffered and text streams over an in-memory pipe."""

from __future__ import annotations

import anyio
from anyio.streams.buffered import BufferedByteReceiveStream
from anyio.streams.stapled import StapledObjectStream
from anyio.streams.text import TextStream


def byte_pipe() -> tuple[StapledObjectStream[bytes], StapledObjectStream[bytes]]:
    """Return two connected two-way byte streams, like the ends of a socket pair."""
    a_to_b_send, a_to_b_receive = anyio.create_memory_object_stream[bytes](10)
    b_to_a_send, b_to_a_receive = anyio.create_memory_object_stream[bytes](10)
    return (
        StapledObjectStream(a_to_b_send, b_to_a_receive),
        StapledObjectStream(b_to_a_send, a_to_b_receive),
    )


async def main() -> None:
    left, right = byte_pipe()
    async with left, right:
        # Buffered: read exact sizes and delimited records from any byte stream.
        await left.send(b"HEAD")
        await left.send(b"ER\r\nbody")
        buffered = BufferedByteReceiveStream(right)
        print(await buffered.receive_exactly(4))  # b'HEAD'
        print(await buffered.receive_until(b"\r\n", max_bytes=100))  # b'ER'
        print(buffered.buffer)  # b'body', already received, not yet consumed

        # Text: str in, str out, encoded and decoded incrementally.
        text_left, text_right = TextStream(left), TextStream(right)
        await text_left.send("grüße")
        print(await text_right.receive())


if __name__ == "__main__":
    anyio.run(main)

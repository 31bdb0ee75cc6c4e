"""Every byte receive stream of anyio-streams refuses a bad read size at once.

A `receive(max_bytes)` with zero, a negative number or a non-integer cannot return
the non-empty bytes that `ByteReceiveStream.receive()` promises. It raises
`ValueError` before waiting for anything: nothing is ever sent to these streams, so
a call that waited would hang (the `fail_after` guard turns that into a failure).
"""

from __future__ import annotations

import io
import ssl
from contextlib import AsyncExitStack
from typing import TYPE_CHECKING, Any

import pytest

from anyio import create_memory_object_stream, create_task_group, fail_after
from anyio.streams.buffered import BufferedByteReceiveStream, BufferedByteStream
from anyio.streams.file import FileReadStream
from anyio.streams.stapled import StapledByteStream
from anyio.streams.tls import TLSStream

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from anyio.abc import ByteReceiveStream

trustme = pytest.importorskip("trustme")

pytestmark = pytest.mark.anyio

BAD_SIZES = [0, -1, -65536, 1.5, "10", None, b"1"]

#: Guard against a call that waits instead of raising (nothing is ever sent).
GUARD = 5


async def _buffered(stack: AsyncExitStack, byte_pair: Any) -> ByteReceiveStream:
    left, right = byte_pair()
    stack.push_async_callback(right.aclose)
    return await stack.enter_async_context(BufferedByteReceiveStream(left))


async def _buffered_with_data(stack: AsyncExitStack, byte_pair: Any) -> ByteReceiveStream:
    stream = await _buffered(stack, byte_pair)
    assert isinstance(stream, BufferedByteReceiveStream)
    stream.feed_data(b"already here")
    return stream


async def _buffered_objects(stack: AsyncExitStack, byte_pair: Any) -> ByteReceiveStream:
    send, receive = create_memory_object_stream[bytes](1)
    stack.enter_context(send)
    return await stack.enter_async_context(BufferedByteReceiveStream(receive))


async def _buffered_two_way(stack: AsyncExitStack, byte_pair: Any) -> ByteReceiveStream:
    left, right = byte_pair()
    stack.push_async_callback(right.aclose)
    return await stack.enter_async_context(BufferedByteStream(left))


async def _stapled(stack: AsyncExitStack, byte_pair: Any) -> ByteReceiveStream:
    left, right = byte_pair()
    stack.push_async_callback(right.aclose)
    return await stack.enter_async_context(StapledByteStream(left, left))


async def _file(stack: AsyncExitStack, byte_pair: Any) -> ByteReceiveStream:
    return await stack.enter_async_context(FileReadStream(io.BytesIO(b"some data")))


async def _tls(stack: AsyncExitStack, byte_pair: Any) -> ByteReceiveStream:
    ca = trustme.CA()
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("localhost").configure_cert(server_context)
    client_context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH)
    ca.configure_trust(client_context)
    client_transport, server_transport = byte_pair()
    servers: list[TLSStream] = []

    async def serve() -> None:
        servers.append(
            await TLSStream.wrap(server_transport, server_side=True, ssl_context=server_context)
        )

    async with create_task_group() as tg:
        tg.start_soon(serve)
        client = await TLSStream.wrap(
            client_transport, hostname="localhost", ssl_context=client_context
        )
    stack.push_async_callback(servers[0].transport_stream.aclose)
    stack.push_async_callback(client.transport_stream.aclose)
    return client


MAKERS: dict[str, Callable[[AsyncExitStack, Any], Awaitable[ByteReceiveStream]]] = {
    "BufferedByteReceiveStream": _buffered,
    "BufferedByteReceiveStream+buffered": _buffered_with_data,
    "BufferedByteReceiveStream+objects": _buffered_objects,
    "BufferedByteStream": _buffered_two_way,
    "StapledByteStream": _stapled,
    "FileReadStream": _file,
    "TLSStream": _tls,
}


@pytest.mark.parametrize("max_bytes", BAD_SIZES, ids=repr)
@pytest.mark.parametrize("make", MAKERS.values(), ids=MAKERS.keys())
async def test_bad_max_bytes_raises_at_once(
    make: Callable[[AsyncExitStack, Any], Awaitable[ByteReceiveStream]],
    max_bytes: Any,
    byte_pair: Any,
) -> None:
    async with AsyncExitStack() as stack:
        stream = await make(stack, byte_pair)
        with fail_after(GUARD), pytest.raises(ValueError, match="max_bytes must be a positive"):
            await stream.receive(max_bytes)


@pytest.mark.parametrize("make", [_file, _buffered_with_data])
async def test_one_byte_is_a_good_size(
    make: Callable[[AsyncExitStack, Any], Awaitable[ByteReceiveStream]], byte_pair: Any
) -> None:
    async with AsyncExitStack() as stack:
        stream = await make(stack, byte_pair)
        with fail_after(GUARD):
            assert len(await stream.receive(1)) == 1


@pytest.mark.parametrize("nbytes", [-1, 1.5, None], ids=repr)
async def test_receive_exactly_refuses_a_bad_count(nbytes: Any, byte_pair: Any) -> None:
    async with AsyncExitStack() as stack:
        stream = await _buffered_with_data(stack, byte_pair)
        assert isinstance(stream, BufferedByteReceiveStream)
        with fail_after(GUARD), pytest.raises(ValueError, match="nbytes must be"):
            await stream.receive_exactly(nbytes)
        assert stream.buffer == b"already here"

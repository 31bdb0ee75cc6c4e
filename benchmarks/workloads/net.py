"""TCP and UNIX stream workloads (issue 14).

- `tcp_ping_pong`: a 64-byte message sent and echoed back over one loopback TCP connection,
  `n` round trips in a row (latency).
- `tcp_bulk`: `n` chunks of 64 KiB sent one way over one connection while the peer reads
  them (throughput; the figure is the time per chunk).
- `tcp_connect`: connect to a local listener, accept, and close both ends (`n` in a row).
- `unix_ping_pong`: `tcp_ping_pong` over a UNIX stream socket.

Bodies: anyio's `connect_tcp()` / `create_tcp_listener()` / `connect_unix()` /
`create_unix_listener()` streams; the asyncio twins use asyncio's streams
(`open_connection()` / `start_server()`, the usual way to write this in asyncio, reading
with `read(n)` and writing with `write()` + `drain()`); the trio twins use trio's own
`SocketStream`s (`open_tcp_stream()`, `open_tcp_listeners()`, `open_unix_socket()`). Only
the timed loops are measured: listeners, the first connection and server tasks are setup.
"""

from __future__ import annotations

import asyncio
import os
import tempfile

from harness import Workload, start_timer, stop_timer

#: Issue 14: at most 1.10x raw asyncio and uvloop, 1.05x raw trio, for every row.
TARGETS = {"asyncio": 1.10, "uvloop": 1.10, "trio": 1.05}
LOCALHOST = "127.0.0.1"
MESSAGE = b"x" * 64
CHUNK = b"x" * 65536

tcp_ping_pong = Workload(
    name="tcp_ping_pong",
    summary="a 64-byte message echoed back over one TCP connection, n round trips",
    n=2_000,
    quick_n=500,
    unit="round trip",
    targets=TARGETS,
)
tcp_bulk = Workload(
    name="tcp_bulk",
    summary="64 KiB chunks sent one way over one TCP connection while the peer reads",
    n=500,
    quick_n=200,
    unit="64 KiB chunk",
    targets=TARGETS,
)
tcp_connect = Workload(
    name="tcp_connect",
    summary="connect to a local listener, accept, close both ends, n in a row",
    n=300,
    quick_n=100,
    unit="connection",
    targets=TARGETS,
)
unix_ping_pong = Workload(
    name="unix_ping_pong",
    summary="a 64-byte message echoed back over one UNIX stream socket, n round trips",
    n=2_000,
    quick_n=500,
    unit="round trip",
    targets=TARGETS,
)


def _socket_path() -> str:
    return os.path.join(tempfile.mkdtemp(prefix="anyio-bench-"), "s")


# -- anyio ----------------------------------------------------------------------------


async def _anyio_echo(stream: object, n: int) -> None:
    for _ in range(n):
        data = await stream.receive()  # type: ignore[attr-defined]
        await stream.send(data)  # type: ignore[attr-defined]


async def _anyio_ping_pong(listener: object, connect: object, n: int) -> None:
    import anyio

    async with listener, anyio.create_task_group() as tg:  # type: ignore[attr-defined]
        accepted = anyio.Event()
        streams: list[object] = []

        async def serve() -> None:
            stream = await listener.accept()  # type: ignore[attr-defined]
            streams.append(stream)
            accepted.set()
            async with stream:
                await _anyio_echo(stream, n)

        tg.start_soon(serve)
        async with await connect() as client:  # type: ignore[operator]
            await accepted.wait()
            start_timer()
            for _ in range(n):
                await client.send(MESSAGE)
                await client.receive()
            stop_timer()


@tcp_ping_pong.anyio
async def tcp_ping_pong_anyio(n: int) -> None:
    import anyio

    multi = await anyio.create_tcp_listener(local_host=LOCALHOST)
    listener = multi.listeners[0]
    port = listener.extra(anyio.abc.SocketAttribute.local_port)
    await _anyio_ping_pong(listener, lambda: anyio.connect_tcp(LOCALHOST, port), n)


@unix_ping_pong.anyio
async def unix_ping_pong_anyio(n: int) -> None:
    import anyio

    path = _socket_path()
    listener = await anyio.create_unix_listener(path)
    await _anyio_ping_pong(listener, lambda: anyio.connect_unix(path), n)


@tcp_bulk.anyio
async def tcp_bulk_anyio(n: int) -> None:
    import anyio

    total = n * len(CHUNK)
    multi = await anyio.create_tcp_listener(local_host=LOCALHOST)
    port = multi.extra(anyio.abc.SocketAttribute.local_port)
    async with multi, anyio.create_task_group() as tg:
        done = anyio.Event()

        async def sink(stream: anyio.abc.SocketStream) -> None:
            received = 0
            async with stream:
                while received < total:
                    received += len(await stream.receive(65536))
            done.set()

        tg.start_soon(multi.listeners[0].serve, sink, tg)
        async with await anyio.connect_tcp(LOCALHOST, port) as client:
            start_timer()
            for _ in range(n):
                await client.send(CHUNK)
            await done.wait()
            stop_timer()
        tg.cancel_scope.cancel()


@tcp_connect.anyio
async def tcp_connect_anyio(n: int) -> None:
    import anyio

    multi = await anyio.create_tcp_listener(local_host=LOCALHOST)
    port = multi.extra(anyio.abc.SocketAttribute.local_port)
    listener = multi.listeners[0]
    assert isinstance(listener, anyio.abc.SocketListener)  # what create_tcp_listener() makes
    async with multi, anyio.create_task_group() as tg:

        async def accept_all() -> None:
            for _ in range(n):
                stream = await listener.accept()
                await stream.aclose()

        tg.start_soon(accept_all)
        start_timer()
        for _ in range(n):
            stream = await anyio.connect_tcp(LOCALHOST, port)
            await stream.aclose()
        stop_timer()


# -- asyncio --------------------------------------------------------------------------


async def _asyncio_echo(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, n: int
) -> None:
    for _ in range(n):
        writer.write(await reader.read(65536))
        await writer.drain()
    writer.close()


async def _asyncio_ping_pong(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, n: int
) -> None:
    start_timer()
    for _ in range(n):
        writer.write(MESSAGE)
        await writer.drain()
        await reader.read(65536)
    stop_timer()
    writer.close()
    await writer.wait_closed()


@tcp_ping_pong.asyncio
async def tcp_ping_pong_asyncio(n: int) -> None:
    server = await asyncio.start_server(lambda r, w: _asyncio_echo(r, w, n), LOCALHOST, 0)
    port = server.sockets[0].getsockname()[1]
    async with server:
        reader, writer = await asyncio.open_connection(LOCALHOST, port)
        await _asyncio_ping_pong(reader, writer, n)


@unix_ping_pong.asyncio
async def unix_ping_pong_asyncio(n: int) -> None:
    path = _socket_path()
    server = await asyncio.start_unix_server(lambda r, w: _asyncio_echo(r, w, n), path)
    async with server:
        reader, writer = await asyncio.open_unix_connection(path)
        await _asyncio_ping_pong(reader, writer, n)


@tcp_bulk.asyncio
async def tcp_bulk_asyncio(n: int) -> None:
    total = n * len(CHUNK)
    done = asyncio.get_running_loop().create_future()

    async def sink(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        received = 0
        while received < total:
            received += len(await reader.read(65536))
        writer.close()
        done.set_result(None)

    server = await asyncio.start_server(sink, LOCALHOST, 0)
    port = server.sockets[0].getsockname()[1]
    async with server:
        _reader, writer = await asyncio.open_connection(LOCALHOST, port)
        start_timer()
        for _ in range(n):
            writer.write(CHUNK)
            await writer.drain()
        await done
        stop_timer()
        writer.close()
        await writer.wait_closed()


@tcp_connect.asyncio
async def tcp_connect_asyncio(n: int) -> None:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.close()

    server = await asyncio.start_server(handler, LOCALHOST, 0)
    port = server.sockets[0].getsockname()[1]
    async with server:
        start_timer()
        for _ in range(n):
            _reader, writer = await asyncio.open_connection(LOCALHOST, port)
            writer.close()
            await writer.wait_closed()
        stop_timer()


# -- trio -----------------------------------------------------------------------------


async def _trio_ping_pong(server_stream: object, client: object, n: int) -> None:
    import trio

    async def echo() -> None:
        async with server_stream:  # type: ignore[attr-defined]
            for _ in range(n):
                await server_stream.send_all(await server_stream.receive_some(65536))  # type: ignore[attr-defined]

    async with trio.open_nursery() as nursery:
        nursery.start_soon(echo)
        async with client:  # type: ignore[attr-defined]
            start_timer()
            for _ in range(n):
                await client.send_all(MESSAGE)  # type: ignore[attr-defined]
                await client.receive_some(65536)  # type: ignore[attr-defined]
            stop_timer()


@tcp_ping_pong.trio
async def tcp_ping_pong_trio(n: int) -> None:
    import trio

    (listener,) = await trio.open_tcp_listeners(0, host=LOCALHOST)
    async with listener:
        port = listener.socket.getsockname()[1]
        client = await trio.open_tcp_stream(LOCALHOST, port)
        server_stream = await listener.accept()
        await _trio_ping_pong(server_stream, client, n)


@unix_ping_pong.trio
async def unix_ping_pong_trio(n: int) -> None:
    import trio

    path = _socket_path()
    sock = trio.socket.socket(trio.socket.AF_UNIX)
    await sock.bind(path)
    sock.listen()
    listener = trio.SocketListener(sock)
    async with listener:
        client = await trio.open_unix_socket(path)
        server_stream = await listener.accept()
        await _trio_ping_pong(server_stream, client, n)


@tcp_bulk.trio
async def tcp_bulk_trio(n: int) -> None:
    import trio

    total = n * len(CHUNK)
    (listener,) = await trio.open_tcp_listeners(0, host=LOCALHOST)
    async with listener:
        port = listener.socket.getsockname()[1]
        client = await trio.open_tcp_stream(LOCALHOST, port)
        server_stream = await listener.accept()

        async def sink() -> None:
            received = 0
            async with server_stream:
                while received < total:
                    received += len(await server_stream.receive_some(65536))

        async with client:
            start_timer()
            async with trio.open_nursery() as nursery:
                nursery.start_soon(sink)
                for _ in range(n):
                    await client.send_all(CHUNK)
            stop_timer()


@tcp_connect.trio
async def tcp_connect_trio(n: int) -> None:
    import trio

    (listener,) = await trio.open_tcp_listeners(0, host=LOCALHOST)
    async with listener, trio.open_nursery() as nursery:
        port = listener.socket.getsockname()[1]

        async def accept_all() -> None:
            for _ in range(n):
                stream = await listener.accept()
                await stream.aclose()

        nursery.start_soon(accept_all)
        start_timer()
        for _ in range(n):
            stream = await trio.open_tcp_stream(LOCALHOST, port)
            await stream.aclose()
        stop_timer()

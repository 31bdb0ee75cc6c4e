"""Networking at scale (issue 14): many connections, TLS, and idle connections' memory.

- `tcp_echo_1000`: 1,000 client connections to one local server, each in its own task,
  echo 64-byte messages at the same time (`n / 1000` round trips per connection); the
  figure is the time per round trip with all of them going on together.
- `tls_handshake`: connect over TCP, complete a TLS handshake, the server sends one byte and
  both ends close (`n` in a row, each to a fresh connection); the figure is the time per
  connection.
- `tls_bulk`: `tcp_bulk` over TLS: `n` chunks of 64 KiB sent one way while the peer reads.
- `idle_connection_memory`: bytes held per idle connection, with `n` = 1,000 connected pairs
  to one server, a server task waiting to receive on each accepted stream and the client
  end held by the test (tracemalloc, as every memory workload of the harness).

Bodies: anyio's `connect_tcp()` / `create_tcp_listener()` / `Listener.serve()` and
`TLSListener`; the asyncio twins use asyncio's streams (`open_connection()` /
`start_server()`, with `ssl=` for TLS); the trio twins use `trio.open_tcp_stream()` /
`trio.serve_tcp()` and `trio.SSLStream` (`open_ssl_over_tcp_stream()` /
`serve_ssl_over_tcp()`). All three use the same two `ssl.SSLContext`s per process, made from
a `trustme` certificate authority (a certificate for 127.0.0.1), and the library defaults
for closing (a TLS close_notify is sent on close). Listeners, connections that a row does
not time, and server tasks are setup: only the round trips, the handshakes and the chunks
are timed.
"""

from __future__ import annotations

import asyncio
import functools
import resource
from typing import TYPE_CHECKING, Any

from harness import Workload, sample_memory, start_timer, stop_timer

if TYPE_CHECKING:
    import ssl

#: Issue 14: at most 1.10x raw asyncio and uvloop, 1.05x raw trio, for every time row.
TARGETS = {"asyncio": 1.10, "uvloop": 1.10, "trio": 1.05}
#: Issue 14: memory per idle connection at most 1.2x raw.
MEMORY_TARGETS = {"asyncio": 1.2, "uvloop": 1.2, "trio": 1.2}
LOCALHOST = "127.0.0.1"
MESSAGE = b"x" * 64
CHUNK = b"x" * 65536
CONNECTIONS = 1000
#: Checkpoints before sampling memory, so that every server task reaches its receive().
SETTLE_CHECKPOINTS = 5

tcp_echo_1000 = Workload(
    name="tcp_echo_1000",
    summary="1,000 TCP connections echo 64-byte messages at once, n round trips in all",
    n=10_000,
    quick_n=5_000,
    unit="round trip",
    targets=TARGETS,
)
tls_handshake = Workload(
    name="tls_handshake",
    summary="TCP connect + TLS handshake + 1 byte + close of both ends, n in a row",
    n=200,
    quick_n=100,
    unit="handshake",
    targets=TARGETS,
)
tls_bulk = Workload(
    name="tls_bulk",
    summary="64 KiB chunks sent one way over one TLS connection while the peer reads",
    n=500,
    quick_n=200,
    unit="64 KiB chunk",
    targets=TARGETS,
)
idle_connection_memory = Workload(
    name="idle_connection_memory",
    summary="bytes held per idle TCP connection (both ends), 1,000 connected pairs",
    n=CONNECTIONS,
    kind="memory",
    unit="connection",
    targets=MEMORY_TARGETS,
)


def _ensure_fd_limit(connections: int) -> None:
    """Raise the soft limit on open files if `connections` pairs would not fit in it."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = 2 * connections + 256
    if soft != resource.RLIM_INFINITY and soft < wanted:
        ceiling = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (ceiling, hard))


@functools.cache
def _tls_contexts() -> tuple[ssl.SSLContext, ssl.SSLContext]:
    """Return (server, client) contexts: one trustme CA per process, a cert for 127.0.0.1."""
    import ssl

    import trustme

    authority = trustme.CA()
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert(LOCALHOST).configure_cert(server)
    client = ssl.create_default_context()
    authority.configure_trust(client)
    return server, client


class _Arrivals:
    """Counts connections as the server sees them; `done` fires at the expected count."""

    def __init__(self, expected: int, done: Any) -> None:
        self.expected = expected
        self.count = 0
        self.done = done

    def arrived(self) -> None:
        self.count += 1
        if self.count == self.expected:
            self.done()


# -- anyio ----------------------------------------------------------------------------


@tcp_echo_1000.anyio
async def tcp_echo_1000_anyio(n: int) -> None:
    import anyio
    from anyio.abc import SocketAttribute, SocketStream

    _ensure_fd_limit(CONNECTIONS)
    all_in = anyio.Event()
    arrivals = _Arrivals(CONNECTIONS, all_in.set)

    async def echo(stream: SocketStream) -> None:
        arrivals.arrived()
        async with stream:
            async for data in stream:
                await stream.send(data)

    async def chat(client: SocketStream, rounds: int) -> None:
        for _ in range(rounds):
            await client.send(MESSAGE)
            await client.receive()

    multi = await anyio.create_tcp_listener(local_host=LOCALHOST)
    port = multi.extra(SocketAttribute.local_port)
    async with multi, anyio.create_task_group() as tg:
        tg.start_soon(multi.serve, echo, tg)
        clients = [await anyio.connect_tcp(LOCALHOST, port) for _ in range(CONNECTIONS)]
        await all_in.wait()
        start_timer()
        async with anyio.create_task_group() as chats:
            for client in clients:
                chats.start_soon(chat, client, n // CONNECTIONS)
        stop_timer()
        for client in clients:
            await client.aclose()
        tg.cancel_scope.cancel()


@tls_handshake.anyio
async def tls_handshake_anyio(n: int) -> None:
    import anyio
    from anyio.abc import SocketAttribute
    from anyio.streams.tls import TLSListener, TLSStream

    server_context, client_context = _tls_contexts()

    async def greet(stream: TLSStream) -> None:
        async with stream:
            await stream.send(b"k")

    multi = await anyio.create_tcp_listener(local_host=LOCALHOST)
    port = multi.extra(SocketAttribute.local_port)
    async with multi, anyio.create_task_group() as tg:
        tg.start_soon(TLSListener(multi, server_context).serve, greet, tg)
        start_timer()
        for _ in range(n):
            async with await anyio.connect_tcp(
                LOCALHOST, port, ssl_context=client_context
            ) as client:
                await client.receive()
        stop_timer()
        tg.cancel_scope.cancel()


@tls_bulk.anyio
async def tls_bulk_anyio(n: int) -> None:
    import anyio
    from anyio.abc import SocketAttribute
    from anyio.streams.tls import TLSListener, TLSStream

    server_context, client_context = _tls_contexts()
    total = n * len(CHUNK)
    ready, done = anyio.Event(), anyio.Event()

    async def sink(stream: TLSStream) -> None:
        ready.set()
        received = 0
        async with stream:
            while received < total:
                received += len(await stream.receive(65536))
            done.set()

    multi = await anyio.create_tcp_listener(local_host=LOCALHOST)
    port = multi.extra(SocketAttribute.local_port)
    async with multi, anyio.create_task_group() as tg:
        tg.start_soon(TLSListener(multi, server_context).serve, sink, tg)
        async with await anyio.connect_tcp(LOCALHOST, port, ssl_context=client_context) as client:
            await ready.wait()
            start_timer()
            for _ in range(n):
                await client.send(CHUNK)
            await done.wait()
            stop_timer()
        tg.cancel_scope.cancel()


@idle_connection_memory.anyio
async def idle_connection_memory_anyio(n: int) -> None:
    import anyio
    from anyio.abc import SocketAttribute, SocketStream

    _ensure_fd_limit(n)
    all_in = anyio.Event()
    arrivals = _Arrivals(n, all_in.set)

    async def park(stream: SocketStream) -> None:
        arrivals.arrived()
        async with stream:
            await stream.receive()

    multi = await anyio.create_tcp_listener(local_host=LOCALHOST)
    port = multi.extra(SocketAttribute.local_port)
    async with multi, anyio.create_task_group() as tg:
        tg.start_soon(multi.serve, park, tg)
        clients = [await anyio.connect_tcp(LOCALHOST, port) for _ in range(n)]
        await all_in.wait()
        for _ in range(SETTLE_CHECKPOINTS):
            await anyio.lowlevel.checkpoint()
        sample_memory()
        tg.cancel_scope.cancel()
    for client in clients:
        await client.aclose()


# -- asyncio --------------------------------------------------------------------------


@tcp_echo_1000.asyncio
async def tcp_echo_1000_asyncio(n: int) -> None:
    _ensure_fd_limit(CONNECTIONS)
    all_in = asyncio.get_running_loop().create_future()
    arrivals = _Arrivals(CONNECTIONS, lambda: all_in.set_result(None))

    async def echo(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        arrivals.arrived()
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
        writer.close()

    async def chat(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter, rounds: int
    ) -> None:
        for _ in range(rounds):
            writer.write(MESSAGE)
            await writer.drain()
            await reader.read(65536)

    server = await asyncio.start_server(echo, LOCALHOST, 0, backlog=CONNECTIONS)
    port = server.sockets[0].getsockname()[1]
    async with server:
        pairs = [await asyncio.open_connection(LOCALHOST, port) for _ in range(CONNECTIONS)]
        await all_in
        start_timer()
        async with asyncio.TaskGroup() as chats:
            for reader, writer in pairs:
                chats.create_task(chat(reader, writer, n // CONNECTIONS))
        stop_timer()
        for _reader, writer in pairs:
            writer.close()
        await asyncio.gather(*(writer.wait_closed() for _reader, writer in pairs))


@tls_handshake.asyncio
async def tls_handshake_asyncio(n: int) -> None:
    server_context, client_context = _tls_contexts()

    async def greet(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(b"k")
        await writer.drain()
        writer.close()
        await writer.wait_closed()

    server = await asyncio.start_server(greet, LOCALHOST, 0, ssl=server_context)
    port = server.sockets[0].getsockname()[1]
    async with server:
        start_timer()
        for _ in range(n):
            reader, writer = await asyncio.open_connection(LOCALHOST, port, ssl=client_context)
            await reader.read(65536)
            writer.close()
            await writer.wait_closed()
        stop_timer()


@tls_bulk.asyncio
async def tls_bulk_asyncio(n: int) -> None:
    server_context, client_context = _tls_contexts()
    total = n * len(CHUNK)
    loop = asyncio.get_running_loop()
    ready, done = loop.create_future(), loop.create_future()

    async def sink(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        ready.set_result(None)
        received = 0
        while received < total:
            received += len(await reader.read(65536))
        done.set_result(None)
        writer.close()
        await writer.wait_closed()

    server = await asyncio.start_server(sink, LOCALHOST, 0, ssl=server_context)
    port = server.sockets[0].getsockname()[1]
    async with server:
        _reader, writer = await asyncio.open_connection(LOCALHOST, port, ssl=client_context)
        await ready
        start_timer()
        for _ in range(n):
            writer.write(CHUNK)
            await writer.drain()
        await done
        stop_timer()
        writer.close()
        await writer.wait_closed()


@idle_connection_memory.asyncio
async def idle_connection_memory_asyncio(n: int) -> None:
    _ensure_fd_limit(n)
    all_in = asyncio.get_running_loop().create_future()
    arrivals = _Arrivals(n, lambda: all_in.set_result(None))

    async def park(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        arrivals.arrived()
        await reader.read(65536)
        writer.close()

    server = await asyncio.start_server(park, LOCALHOST, 0, backlog=n)
    port = server.sockets[0].getsockname()[1]
    async with server:
        pairs = [await asyncio.open_connection(LOCALHOST, port) for _ in range(n)]
        await all_in
        for _ in range(SETTLE_CHECKPOINTS):
            await asyncio.sleep(0)
        sample_memory()
        for _reader, writer in pairs:
            writer.close()
        await asyncio.gather(*(writer.wait_closed() for _reader, writer in pairs))


# -- trio -----------------------------------------------------------------------------


async def _trio_serve(nursery: Any, handler: Any, **kwargs: Any) -> int:
    """Start `trio.serve_tcp` (or `serve_ssl_over_tcp` with `ssl_context`); return the port."""
    import trio

    if "ssl_context" in kwargs:
        serve = functools.partial(
            trio.serve_ssl_over_tcp, handler, 0, kwargs.pop("ssl_context"), **kwargs
        )
        listeners = await nursery.start(serve)
        sock = listeners[0].transport_listener.socket
    else:
        listeners = await nursery.start(functools.partial(trio.serve_tcp, handler, 0, **kwargs))
        sock = listeners[0].socket
    port: int = sock.getsockname()[1]
    return port


@tcp_echo_1000.trio
async def tcp_echo_1000_trio(n: int) -> None:
    import trio

    _ensure_fd_limit(CONNECTIONS)
    all_in = trio.Event()
    arrivals = _Arrivals(CONNECTIONS, all_in.set)

    async def echo(stream: trio.SocketStream) -> None:
        arrivals.arrived()
        async with stream:
            while data := await stream.receive_some(65536):
                await stream.send_all(data)

    async def chat(client: trio.SocketStream, rounds: int) -> None:
        for _ in range(rounds):
            await client.send_all(MESSAGE)
            await client.receive_some(65536)

    async with trio.open_nursery() as nursery:
        port = await _trio_serve(nursery, echo, host=LOCALHOST)
        clients = [await trio.open_tcp_stream(LOCALHOST, port) for _ in range(CONNECTIONS)]
        await all_in.wait()
        start_timer()
        async with trio.open_nursery() as chats:
            for client in clients:
                chats.start_soon(chat, client, n // CONNECTIONS)
        stop_timer()
        for client in clients:
            await client.aclose()
        nursery.cancel_scope.cancel()


@tls_handshake.trio
async def tls_handshake_trio(n: int) -> None:
    import trio

    server_context, client_context = _tls_contexts()

    async def greet(stream: trio.SSLStream[trio.SocketStream]) -> None:
        async with stream:
            await stream.send_all(b"k")

    async with trio.open_nursery() as nursery:
        port = await _trio_serve(nursery, greet, ssl_context=server_context, host=LOCALHOST)
        start_timer()
        for _ in range(n):
            client = await trio.open_ssl_over_tcp_stream(
                LOCALHOST, port, ssl_context=client_context
            )
            async with client:
                await client.receive_some(65536)
        stop_timer()
        nursery.cancel_scope.cancel()


@tls_bulk.trio
async def tls_bulk_trio(n: int) -> None:
    import trio

    server_context, client_context = _tls_contexts()
    total = n * len(CHUNK)
    ready, done = trio.Event(), trio.Event()

    async def sink(stream: trio.SSLStream[trio.SocketStream]) -> None:
        await stream.do_handshake()
        ready.set()
        received = 0
        async with stream:
            while received < total:
                received += len(await stream.receive_some(65536))
            done.set()

    async with trio.open_nursery() as nursery:
        port = await _trio_serve(nursery, sink, ssl_context=server_context, host=LOCALHOST)
        client = await trio.open_ssl_over_tcp_stream(LOCALHOST, port, ssl_context=client_context)
        async with client:
            await client.do_handshake()
            await ready.wait()
            start_timer()
            for _ in range(n):
                await client.send_all(CHUNK)
            await done.wait()
            stop_timer()
        nursery.cancel_scope.cancel()


@idle_connection_memory.trio
async def idle_connection_memory_trio(n: int) -> None:
    import trio

    _ensure_fd_limit(n)
    all_in = trio.Event()
    arrivals = _Arrivals(n, all_in.set)

    async def park(stream: trio.SocketStream) -> None:
        arrivals.arrived()
        async with stream:
            await stream.receive_some(65536)

    async with trio.open_nursery() as nursery:
        port = await _trio_serve(nursery, park, host=LOCALHOST)
        clients = [await trio.open_tcp_stream(LOCALHOST, port) for _ in range(n)]
        await all_in.wait()
        for _ in range(SETTLE_CHECKPOINTS):
            await trio.lowlevel.checkpoint()
        sample_memory()
        nursery.cancel_scope.cancel()
    for client in clients:
        await client.aclose()

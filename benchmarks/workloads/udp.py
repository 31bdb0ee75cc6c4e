"""UDP ping-pong (issue 14).

Two tasks bounce a 64-byte datagram over the loopback interface, `n` round trips in a row:
a client on a connected UDP socket sends and waits for the echo, an echo task on an
unconnected socket receives each datagram and sends it back to its sender. The figure is
the latency of one round trip (two sends, two receives, two task wake-ups).

- anyio: `create_connected_udp_socket()` (client) and `create_udp_socket()` (echo task).
- asyncio twin: two `loop.create_datagram_endpoint()`s whose protocols hand each datagram to
  the task that awaits it (a deque plus one future per wait), which is what a user needs to
  write to receive datagrams in a task; sends go through `transport.sendto()`.
- trio twin: `trio.socket` sockets, `send`/`recv` on the connected client,
  `recvfrom`/`sendto` in the echo task.

Only the round trips are timed: creating the sockets and starting the echo task are setup.
"""

from __future__ import annotations

import asyncio
import collections
from typing import Any

from harness import Workload, start_timer, stop_timer

#: Issue 14: at most 1.10x raw asyncio and uvloop, 1.05x raw trio, for every row.
TARGETS = {"asyncio": 1.10, "uvloop": 1.10, "trio": 1.05}
PAYLOAD = b"x" * 64
LOCALHOST = "127.0.0.1"

udp_ping_pong = Workload(
    name="udp_ping_pong",
    summary="a 64-byte datagram echoed back over loopback, n round trips in a row",
    n=2_000,
    quick_n=500,
    unit="round trip",
    targets=TARGETS,
)


@udp_ping_pong.anyio
async def udp_ping_pong_anyio(n: int) -> None:
    import anyio
    from anyio.abc import SocketAttribute

    async def echo(server: anyio.abc.UDPSocket) -> None:
        for _ in range(n):
            await server.send(await server.receive())

    async with await anyio.create_udp_socket(local_host=LOCALHOST) as server:
        port = server.extra(SocketAttribute.local_port)
        async with (
            await anyio.create_connected_udp_socket(LOCALHOST, port) as client,
            anyio.create_task_group() as tg,
        ):
            tg.start_soon(echo, server)
            start_timer()
            for _ in range(n):
                await client.send(PAYLOAD)
                await client.receive()
            stop_timer()


class _Endpoint(asyncio.DatagramProtocol):
    """Queues received datagrams for the one task that awaits them."""

    def __init__(self) -> None:
        self.received: collections.deque[tuple[bytes, Any]] = collections.deque()
        self.waiter: asyncio.Future[None] | None = None
        self.transport: asyncio.DatagramTransport

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]  # a datagram endpoint's

    def datagram_received(self, data: bytes, addr: Any) -> None:
        self.received.append((data, addr))
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_result(None)

    async def receive(self) -> tuple[bytes, Any]:
        while not self.received:
            self.waiter = asyncio.get_running_loop().create_future()
            try:
                await self.waiter
            finally:
                self.waiter = None
        return self.received.popleft()


@udp_ping_pong.asyncio
async def udp_ping_pong_asyncio(n: int) -> None:
    loop = asyncio.get_running_loop()
    server_transport, server = await loop.create_datagram_endpoint(
        _Endpoint, local_addr=(LOCALHOST, 0)
    )
    port = server_transport.get_extra_info("sockname")[1]
    client_transport, client = await loop.create_datagram_endpoint(
        _Endpoint, remote_addr=(LOCALHOST, port)
    )

    async def echo() -> None:
        for _ in range(n):
            data, addr = await server.receive()
            server_transport.sendto(data, addr)

    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(echo())
            start_timer()
            for _ in range(n):
                client_transport.sendto(PAYLOAD)
                await client.receive()
            stop_timer()
    finally:
        client_transport.close()
        server_transport.close()


@udp_ping_pong.trio
async def udp_ping_pong_trio(n: int) -> None:
    import trio

    with (
        trio.socket.socket(trio.socket.AF_INET, trio.socket.SOCK_DGRAM) as server,
        trio.socket.socket(trio.socket.AF_INET, trio.socket.SOCK_DGRAM) as client,
    ):
        await server.bind((LOCALHOST, 0))
        await client.connect(server.getsockname())

        async def echo() -> None:
            for _ in range(n):
                data, addr = await server.recvfrom(65536)
                await server.sendto(data, addr)

        async with trio.open_nursery() as nursery:
            nursery.start_soon(echo)
            start_timer()
            for _ in range(n):
                await client.send(PAYLOAD)
                await client.recv(65536)
            stop_timer()

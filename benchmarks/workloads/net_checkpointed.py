"""The ping-pongs against raw asyncio twins that checkpoint where AnyIO does (information).

AnyIO's `send()` is a checkpoint: a cancellation point and a schedule point, on every
backend (AnyIO 4.13's asyncio streams call `sleep(0)` before `transport.write()`; Trio's
`send_all()` does the same). The raw asyncio twins of `tcp_ping_pong`, `unix_ping_pong`, `udp_ping_pong`
and `tcp_echo_1000` do not: `write()` + `drain()` and `sendto()` hand the bytes to the
transport and go on without yielding, so each round trip of theirs has two task steps
fewer than any implementation of AnyIO's semantics can have. These rows run the same anyio
bodies against twins that add `await asyncio.sleep(0)` after each send, which is the
cheapest schedule point asyncio has, to show how much of the gap to the plain twins is
that rule and how much is ours. No targets: the plain rows carry issue 14's targets; Trio's
twins already checkpoint in every send, so there is no Trio row here.
"""

from __future__ import annotations

import asyncio

from harness import Workload, start_timer, stop_timer

from . import net, net_scale, udp


def _info_row(plain: Workload) -> Workload:
    return Workload(
        name=f"{plain.name}_cp",
        summary=f"{plain.name} against an asyncio twin with a schedule point per send (info)",
        n=plain.n,
        quick_n=plain.quick_n,
        unit=plain.unit,
    )


tcp_ping_pong_cp = _info_row(net.tcp_ping_pong)
unix_ping_pong_cp = _info_row(net.unix_ping_pong)
udp_ping_pong_cp = _info_row(udp.udp_ping_pong)
tcp_echo_1000_cp = _info_row(net_scale.tcp_echo_1000)

tcp_ping_pong_cp.anyio(net.tcp_ping_pong_anyio)
unix_ping_pong_cp.anyio(net.unix_ping_pong_anyio)
udp_ping_pong_cp.anyio(udp.udp_ping_pong_anyio)
tcp_echo_1000_cp.anyio(net_scale.tcp_echo_1000_anyio)


async def _echo(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, n: int) -> None:
    for _ in range(n):
        writer.write(await reader.read(65536))
        await writer.drain()
        await asyncio.sleep(0)
    writer.close()


async def _ping_pong(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, n: int) -> None:
    start_timer()
    for _ in range(n):
        writer.write(net.MESSAGE)
        await writer.drain()
        await asyncio.sleep(0)
        await reader.read(65536)
    stop_timer()
    writer.close()
    await writer.wait_closed()


@tcp_ping_pong_cp.asyncio
async def tcp_ping_pong_cp_asyncio(n: int) -> None:
    server = await asyncio.start_server(lambda r, w: _echo(r, w, n), net.LOCALHOST, 0)
    port = server.sockets[0].getsockname()[1]
    async with server:
        reader, writer = await asyncio.open_connection(net.LOCALHOST, port)
        await _ping_pong(reader, writer, n)


@unix_ping_pong_cp.asyncio
async def unix_ping_pong_cp_asyncio(n: int) -> None:
    path = net._socket_path()
    server = await asyncio.start_unix_server(lambda r, w: _echo(r, w, n), path)
    async with server:
        reader, writer = await asyncio.open_unix_connection(path)
        await _ping_pong(reader, writer, n)


@udp_ping_pong_cp.asyncio
async def udp_ping_pong_cp_asyncio(n: int) -> None:
    loop = asyncio.get_running_loop()
    server_transport, server = await loop.create_datagram_endpoint(
        udp._Endpoint, local_addr=(udp.LOCALHOST, 0)
    )
    port = server_transport.get_extra_info("sockname")[1]
    client_transport, client = await loop.create_datagram_endpoint(
        udp._Endpoint, remote_addr=(udp.LOCALHOST, port)
    )

    async def echo() -> None:
        for _ in range(n):
            data, addr = await server.receive()
            server_transport.sendto(data, addr)
            await asyncio.sleep(0)

    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(echo())
            start_timer()
            for _ in range(n):
                client_transport.sendto(udp.PAYLOAD)
                await asyncio.sleep(0)
                await client.receive()
            stop_timer()
    finally:
        client_transport.close()
        server_transport.close()


@tcp_echo_1000_cp.asyncio
async def tcp_echo_1000_cp_asyncio(n: int) -> None:
    connections = net_scale.CONNECTIONS
    net_scale._ensure_fd_limit(connections)
    all_in = asyncio.get_running_loop().create_future()
    arrivals = net_scale._Arrivals(connections, lambda: all_in.set_result(None))

    async def echo(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        arrivals.arrived()
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
            await asyncio.sleep(0)
        writer.close()

    async def chat(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter, rounds: int
    ) -> None:
        for _ in range(rounds):
            writer.write(net_scale.MESSAGE)
            await writer.drain()
            await asyncio.sleep(0)
            await reader.read(65536)

    server = await asyncio.start_server(echo, net_scale.LOCALHOST, 0, backlog=connections)
    port = server.sockets[0].getsockname()[1]
    async with server:
        pairs = [
            await asyncio.open_connection(net_scale.LOCALHOST, port) for _ in range(connections)
        ]
        await all_in
        start_timer()
        async with asyncio.TaskGroup() as chats:
            for reader, writer in pairs:
                chats.create_task(chat(reader, writer, n // connections))
        stop_timer()
        for _reader, writer in pairs:
            writer.close()
        await asyncio.gather(*(writer.wait_closed() for _reader, writer in pairs))

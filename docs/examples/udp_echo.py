"""A UDP echo service and a client that asks it a few questions, on one event loop."""

from __future__ import annotations

import socket

import anyio
from anyio.abc import SocketAttribute, UDPSocket


async def echo(server: UDPSocket) -> None:
    """Send every datagram back to whoever sent it."""
    async for data, sender in server:
        await server.send((data.upper(), sender))


async def main() -> None:
    # Bound to an OS-chosen port on the loopback interface; read the port back.
    async with await anyio.create_udp_socket(local_host="127.0.0.1") as server:
        port = server.extra(SocketAttribute.local_port)
        async with anyio.create_task_group() as tg:
            tg.start_soon(echo, server)

            # A connected socket talks to one peer: send() and receive() take plain bytes.
            async with await anyio.create_connected_udp_socket("127.0.0.1", port) as client:
                for question in (b"hello", b"anyone there?"):
                    await client.send(question)
                    with anyio.fail_after(5):  # UDP may lose datagrams: never wait forever
                        print("client got:", await client.receive())

            # Name resolution that does not block the event loop.
            results = await anyio.getaddrinfo("localhost", port, type=socket.SOCK_DGRAM)
            for family, _, _, _, address in results:
                print("localhost is", family.name, address)

            tg.cancel_scope.cancel()  # stop the echo task


if __name__ == "__main__":
    anyio.run(main)

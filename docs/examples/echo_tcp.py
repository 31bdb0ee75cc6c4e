"""A TCP echo server and a client that talks to it, on one event loop."""

from __future__ import annotations

import anyio
from anyio.abc import SocketAttribute, SocketStream


async def echo(stream: SocketStream) -> None:
    """Serve one connection: send back every chunk until the client stops sending."""
    async with stream:
        peer = stream.extra(SocketAttribute.remote_address)
        try:
            while True:
                await stream.send(await stream.receive())
        except anyio.EndOfStream:
            print("server: client", peer, "is done")


async def main() -> None:
    # Port 0: the OS picks a free port; read it back from the listener.
    listener = await anyio.create_tcp_listener(local_host="127.0.0.1", local_port=0)
    port = listener.extra(SocketAttribute.local_port)
    async with listener, anyio.create_task_group() as tg:
        tg.start_soon(listener.serve, echo)

        async with await anyio.connect_tcp("127.0.0.1", port) as client:
            for message in (b"hello", b"world"):
                await client.send(message)
                print("client got:", await client.receive())
            await client.send_eof()  # "no more data": the server's receive() ends
            try:
                await client.receive()
            except anyio.EndOfStream:
                print("client: server closed the connection")

        tg.cancel_scope.cancel()  # stop serving


if __name__ == "__main__":
    anyio.run(main)

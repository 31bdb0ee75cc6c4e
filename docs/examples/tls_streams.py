"""TLS over any byte stream: here an in-memory pipe, with a throwaway CA (trustme)."""

from __future__ import annotations

import ssl

import trustme

import anyio
from anyio.streams.stapled import StapledObjectStream
from anyio.streams.tls import TLSAttribute, TLSStream


def byte_pipe() -> tuple[StapledObjectStream[bytes], StapledObjectStream[bytes]]:
    a_send, a_receive = anyio.create_memory_object_stream[bytes](10)
    b_send, b_receive = anyio.create_memory_object_stream[bytes](10)
    return StapledObjectStream(a_send, b_receive), StapledObjectStream(b_send, a_receive)


async def main() -> None:
    ca = trustme.CA()  # a certificate authority for tests only
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("example.test").configure_cert(server_context)
    client_context = ssl.create_default_context()
    ca.configure_trust(client_context)

    client_transport, server_transport = byte_pipe()

    async def serve() -> None:
        server = await TLSStream.wrap(
            server_transport, server_side=True, ssl_context=server_context
        )
        request = await server.receive()
        await server.send(b"echo: " + request)
        await server.aclose()  # sends close_notify, then closes the transport

    async with anyio.create_task_group() as tg:
        tg.start_soon(serve)
        client = await TLSStream.wrap(
            client_transport, hostname="example.test", ssl_context=client_context
        )
        print("TLS version:", client.extra(TLSAttribute.tls_version))
        await client.send(b"hello")
        print(await client.receive())
        await client.aclose()


if __name__ == "__main__":
    anyio.run(main)

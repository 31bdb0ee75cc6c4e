"""A TLS client (`connect_tcp(..., tls=True)`) against a local TLS server.

The certificates come from trustme, a throwaway certificate authority for tests
(`pip install trustme`). Against a real server you would pass no `ssl_context`:
the default one trusts the system's certificate authorities.
"""

from __future__ import annotations

import ssl

import trustme

import anyio
from anyio.abc import SocketAttribute
from anyio.streams.tls import TLSAttribute, TLSListener, TLSStream


async def greet(stream: TLSStream) -> None:
    async with stream:
        name = await stream.receive()
        await stream.send(b"hello, " + name)


async def main() -> None:
    ca = trustme.CA()
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("localhost").configure_cert(server_context)
    client_context = ssl.create_default_context()
    ca.configure_trust(client_context)

    tcp_listener = await anyio.create_tcp_listener(local_host="127.0.0.1")
    port = tcp_listener.extra(SocketAttribute.local_port)
    listener = TLSListener(tcp_listener, server_context)
    async with listener, anyio.create_task_group() as tg:
        tg.start_soon(listener.serve, greet)

        # The certificate is checked against tls_hostname (by default, the host given).
        async with await anyio.connect_tcp(
            "127.0.0.1", port, ssl_context=client_context, tls_hostname="localhost"
        ) as client:
            print("TLS version:", client.extra(TLSAttribute.tls_version))
            await client.send(b"TLS")
            print(await client.receive())

        tg.cancel_scope.cancel()


if __name__ == "__main__":
    anyio.run(main)

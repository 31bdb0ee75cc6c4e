"""httpx's AsyncClient against a local HTTP/1.1 server, both on this project's anyio.

Run by ``run_httpx.py`` in a throwaway virtualenv (httpx depends on anyio, so it
never goes into the project's own environments). On asyncio, httpcore opens its
connections with ``anyio.connect_tcp()`` and wraps them with anyio's
``TLSStream``; on Trio it uses Trio's sockets, against our anyio server.
"""

from __future__ import annotations

import socket
import ssl
from typing import TYPE_CHECKING

import httpx
import pytest
import trustme

import anyio
from anyio.abc import SocketAttribute
from anyio.streams.buffered import BufferedByteReceiveStream
from anyio.streams.tls import TLSListener

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from anyio.abc import ByteStream

pytestmark = pytest.mark.anyio


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


async def serve_http(stream: ByteStream) -> None:
    """Answer HTTP/1.1 requests on one connection (keep-alive) until the client leaves."""
    buffered = BufferedByteReceiveStream(stream)
    async with stream:
        while True:
            try:
                head = await buffered.receive_until(b"\r\n\r\n", 65536)
            except (anyio.IncompleteRead, anyio.EndOfStream, anyio.BrokenResourceError):
                return
            request_line, *header_lines = head.decode("latin-1").split("\r\n")
            method, target, _version = request_line.split(" ")
            headers = dict(line.split(": ", 1) for line in header_lines if line)
            length = int(headers.get("Content-Length", headers.get("content-length", "0")))
            body = await buffered.receive_exactly(length) if length else b""
            reply = f"{method} {target} {len(body)}".encode()
            await stream.send(
                b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                + f"Content-Length: {len(reply)}\r\n\r\n".encode()
                + reply
            )


@pytest.fixture
async def server(request: pytest.FixtureRequest, ca: trustme.CA) -> AsyncIterator[str]:
    """Yield the base URL of a local server: plain HTTP, or HTTPS when parametrized so."""
    tls = getattr(request, "param", False)
    multi = await anyio.create_tcp_listener(local_host="127.0.0.1")
    port = multi.extra(SocketAttribute.local_port)
    listener: anyio.abc.Listener = multi  # type: ignore[type-arg]
    if tls:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ca.issue_cert("localhost").configure_cert(context)
        listener = TLSListener(multi, context, standard_compatible=False)
    async with listener, anyio.create_task_group() as tg:
        tg.start_soon(listener.serve, serve_http)
        yield f"{'https' if tls else 'http'}://localhost:{port}"
        tg.cancel_scope.cancel()


def client_context(ca: trustme.CA) -> ssl.SSLContext:
    context = ssl.create_default_context()
    ca.configure_trust(context)
    return context


@pytest.mark.parametrize("server", [False, True], ids=["http", "https"], indirect=True)
async def test_requests(server: str, ca: trustme.CA) -> None:
    with anyio.fail_after(30):
        async with httpx.AsyncClient(verify=client_context(ca)) as client:
            response = await client.get(f"{server}/hello")
            assert response.status_code == 200
            assert response.text == "GET /hello 0"
            # Several requests, some concurrent: pooled keep-alive connections.
            async with anyio.create_task_group() as tg:
                for i in range(5):
                    tg.start_soon(post, client, server, f"/upload/{i}", b"x" * (i * 100_000))
            response = await client.get(f"{server}/again")
            assert response.text == "GET /again 0"


async def post(client: httpx.AsyncClient, server: str, path: str, body: bytes) -> None:
    response = await client.post(f"{server}{path}", content=body)
    assert response.text == f"POST {path} {len(body)}"


async def test_connection_refused() -> None:
    port = unused_port()
    with pytest.raises(httpx.ConnectError):
        async with httpx.AsyncClient() as client:
            await client.get(f"http://127.0.0.1:{port}/")


async def test_untrusted_certificate(ca: trustme.CA) -> None:
    # A server whose certificate no one trusts: the handshake must fail cleanly.
    other = trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    other.issue_cert("localhost").configure_cert(context)
    multi = await anyio.create_tcp_listener(local_host="127.0.0.1")
    port = multi.extra(SocketAttribute.local_port)
    listener = TLSListener(multi, context, standard_compatible=False)
    async with listener, anyio.create_task_group() as tg:
        tg.start_soon(listener.serve, serve_http)
        with pytest.raises(httpx.ConnectError):
            async with httpx.AsyncClient(verify=client_context(ca)) as client:
                await client.get(f"https://localhost:{port}/")
        tg.cancel_scope.cancel()


def unused_port() -> int:
    """A port where nothing listens (bound and closed at once)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port

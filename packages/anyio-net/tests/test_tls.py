"""TLS over anyio-net's TCP streams: ``connect_tcp(tls=...)``, attributes, cancelled sends."""

from __future__ import annotations

import ssl
from typing import TYPE_CHECKING

import pytest

import anyio
from anyio import BrokenResourceError, connect_tcp, create_tcp_listener, wait_all_tasks_blocked
from anyio.abc import SocketAttribute
from anyio.streams.tls import TLSAttribute, TLSListener, TLSStream

from ._net_helpers import guarded_group

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

trustme = pytest.importorskip("trustme")

pytestmark = pytest.mark.anyio


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="module")
def server_context(ca: trustme.CA) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("localhost", "127.0.0.1").configure_cert(context)
    return context


@pytest.fixture(scope="module")
def client_context(ca: trustme.CA) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH)
    ca.configure_trust(context)
    return context


@pytest.fixture
async def tls_server(server_context: ssl.SSLContext) -> AsyncIterator[tuple[int, list[bytes]]]:
    """A TLS echo server on 127.0.0.1 that answers one message; yields (port, received)."""
    received: list[bytes] = []

    async def handler(stream: TLSStream) -> None:
        async with stream:
            data = await stream.receive()
            received.append(data)
            await stream.send(data[::-1])

    multi = await create_tcp_listener(local_host="127.0.0.1")
    port = multi.extra(SocketAttribute.local_port)
    listener = TLSListener(multi, server_context, standard_compatible=False)
    async with listener, anyio.create_task_group() as tg:
        tg.start_soon(listener.serve, handler)
        yield port, received
        tg.cancel_scope.cancel()


class TestConnectTLS:
    async def test_tls_with_context(
        self, tls_server: tuple[int, list[bytes]], client_context: ssl.SSLContext
    ) -> None:
        port, received = tls_server
        with anyio.fail_after(10):
            stream = await connect_tcp(
                "127.0.0.1", port, ssl_context=client_context, tls_standard_compatible=False
            )
            async with stream:
                assert isinstance(stream, TLSStream)
                await stream.send(b"hello")
                assert await stream.receive() == b"olleh"
                assert stream.extra(TLSAttribute.server_side) is False
                assert stream.extra(SocketAttribute.remote_port) == port
        assert received == [b"hello"]

    async def test_hostname_is_checked(
        self, tls_server: tuple[int, list[bytes]], client_context: ssl.SSLContext
    ) -> None:
        port, _received = tls_server
        with pytest.raises(ssl.SSLCertVerificationError), anyio.fail_after(10):
            await connect_tcp(
                "127.0.0.1", port, ssl_context=client_context, tls_hostname="elsewhere.example"
            )

    async def test_default_context_rejects_unknown_ca(
        self, tls_server: tuple[int, list[bytes]]
    ) -> None:
        port, _received = tls_server
        with pytest.raises(ssl.SSLCertVerificationError), anyio.fail_after(10):
            await connect_tcp("127.0.0.1", port, tls=True)

    async def test_tls_hostname_alone_asks_for_tls(
        self, tls_server: tuple[int, list[bytes]]
    ) -> None:
        port, _received = tls_server
        # The handshake happens (and fails: the default context does not trust our CA).
        with pytest.raises(ssl.SSLCertVerificationError), anyio.fail_after(10):
            await connect_tcp("127.0.0.1", port, tls_hostname="localhost")


class TestCancelledSend:
    async def test_stream_is_broken_after_a_lost_record(
        self, server_context: ssl.SSLContext, client_context: ssl.SSLContext
    ) -> None:
        gate = anyio.Event()

        async def handler(stream: TLSStream) -> None:
            async with stream:
                await gate.wait()  # never reads: the client's sends pile up

        multi = await create_tcp_listener(local_host="127.0.0.1")
        port = multi.extra(SocketAttribute.local_port)
        listener = TLSListener(multi, server_context, standard_compatible=False)
        async with listener, guarded_group() as tg:
            tg.start_soon(listener.serve, handler)
            stream = await connect_tcp(
                "127.0.0.1", port, ssl_context=client_context, tls_standard_compatible=False
            )
            async with stream:
                with anyio.CancelScope() as scope:
                    tg.start_soon(_cancel_when_blocked, scope)
                    while True:
                        await stream.send(b"x" * 65536)
                # Were the stream not broken, this send would block (nobody reads).
                with pytest.raises(BrokenResourceError), anyio.fail_after(1):
                    await stream.send(b"after the cancel")
            gate.set()
            tg.cancel_scope.cancel()


async def _cancel_when_blocked(scope: anyio.CancelScope) -> None:
    await wait_all_tasks_blocked()
    scope.cancel()

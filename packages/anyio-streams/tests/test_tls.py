"""TLS over in-memory byte streams, with a certificate authority made by trustme."""

from __future__ import annotations

import contextlib
import logging
import ssl
import threading
from typing import TYPE_CHECKING, Any

import pytest

from anyio import (
    BrokenResourceError,
    CancelScope,
    ClosedResourceError,
    EndOfStream,
    Event,
    create_task_group,
    fail_after,
    get_cancelled_exc_class,
    wait_all_tasks_blocked,
)
from anyio.abc import ByteStream, ByteStreamConnectable, Listener
from anyio.lowlevel import checkpoint
from anyio.streams.tls import TLSAttribute, TLSConnectable, TLSListener, TLSStream

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from anyio.abc import TaskGroup

trustme = pytest.importorskip("trustme")

pytestmark = pytest.mark.anyio


@pytest.fixture(scope="module")
def ca() -> Any:
    return trustme.CA()


@pytest.fixture(scope="module")
def server_context(ca: Any) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("localhost").configure_cert(context)
    return context


@pytest.fixture(scope="module")
def client_context(ca: Any) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH)
    ca.configure_trust(context)
    return context


async def _connect(
    client_transport: ByteStream,
    server_transport: ByteStream,
    client_context: ssl.SSLContext,
    server_context: ssl.SSLContext,
    *,
    standard_compatible: bool = True,
) -> tuple[TLSStream, TLSStream]:
    """Run both handshakes at once; return (client, server)."""
    streams: dict[str, TLSStream] = {}

    async def server() -> None:
        streams["server"] = await TLSStream.wrap(
            server_transport,
            server_side=True,
            ssl_context=server_context,
            standard_compatible=standard_compatible,
        )

    async with create_task_group() as tg:
        tg.start_soon(server)
        streams["client"] = await TLSStream.wrap(
            client_transport,
            hostname="localhost",
            ssl_context=client_context,
            standard_compatible=standard_compatible,
        )
    return streams["client"], streams["server"]


async def _close_both(client: TLSStream, server: TLSStream) -> None:
    async with create_task_group() as tg:
        tg.start_soon(client.aclose)
        await server.aclose()


class TestHandshakeAndData:
    @pytest.mark.parametrize("max_chunk", [1, 7, 65536])
    async def test_data_both_ways(
        self, byte_pair: Any, client_context: Any, server_context: Any, max_chunk: int
    ) -> None:
        left, right = byte_pair(max_chunk=max_chunk)
        client, server = await _connect(left, right, client_context, server_context)
        try:
            await client.send(b"hello server")
            assert await server.receive() == b"hello server"
            await server.send(b"hello client")
            assert await client.receive() == b"hello client"
        finally:
            await _close_both(client, server)

    async def test_large_transfer(
        self, byte_pair: Any, client_context: Any, server_context: Any
    ) -> None:
        left, right = byte_pair(max_chunk=5000)
        client, server = await _connect(left, right, client_context, server_context)
        payload = bytes(range(256)) * 4096  # 1 MiB
        received = bytearray()

        async def read_all() -> None:
            while len(received) < len(payload):
                received.extend(await server.receive(100_000))

        try:
            async with create_task_group() as tg:
                tg.start_soon(read_all)
                for start in range(0, len(payload), 65536):
                    await client.send(payload[start : start + 65536])
            assert received == payload
        finally:
            await _close_both(client, server)

    async def test_receive_respects_max_bytes(
        self, byte_pair: Any, client_context: Any, server_context: Any
    ) -> None:
        left, right = byte_pair()
        client, server = await _connect(left, right, client_context, server_context)
        try:
            await client.send(b"0123456789")
            assert await server.receive(4) == b"0123"
            assert await server.receive() == b"456789"
        finally:
            await _close_both(client, server)

    async def test_typed_attributes(self, byte_pair: Any, ca: Any, pipe_attribute: Any) -> None:
        server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ca.issue_cert("localhost").configure_cert(server_context)
        server_context.set_alpn_protocols(["h2", "http/1.1"])
        client_context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH)
        ca.configure_trust(client_context)
        client_context.set_alpn_protocols(["h2"])
        left, right = byte_pair()
        client, server = await _connect(left, right, client_context, server_context)
        try:
            assert client.extra(TLSAttribute.alpn_protocol) == "h2"
            assert server.extra(TLSAttribute.alpn_protocol) == "h2"
            assert client.extra(TLSAttribute.server_side) is False
            assert server.extra(TLSAttribute.server_side) is True
            assert client.extra(TLSAttribute.tls_version).startswith("TLSv1.")
            _name, version, bits = client.extra(TLSAttribute.cipher)
            assert version.startswith("TLSv1")
            assert bits >= 128
            certificate = client.extra(TLSAttribute.peer_certificate)
            assert certificate is not None
            assert ("DNS", "localhost") in certificate["subjectAltName"]
            assert isinstance(client.extra(TLSAttribute.peer_certificate_binary), bytes)
            assert server.extra(TLSAttribute.peer_certificate) is None  # no client cert
            assert server.extra(TLSAttribute.peer_certificate_binary) is None
            assert client.extra(TLSAttribute.shared_ciphers) is None
            assert server.extra(TLSAttribute.shared_ciphers)
            assert isinstance(client.extra(TLSAttribute.ssl_object), ssl.SSLObject)
            assert client.extra(TLSAttribute.standard_compatible) is True
            binding = client.extra(TLSAttribute.channel_binding_tls_unique)
            assert binding is None or isinstance(binding, bytes)  # None on TLS 1.3
            # The transport's attributes pass through.
            assert client.extra(pipe_attribute.name) == "left"
            assert server.extra(pipe_attribute.name) == "right"
            assert "client side" in repr(client)
        finally:
            await _close_both(client, server)

    async def test_default_context_verifies_the_server(
        self, byte_pair: Any, server_context: Any
    ) -> None:
        # Without an ssl_context, the client trusts only the system's CAs: not trustme's.
        left, right = byte_pair()

        async def server() -> None:
            with pytest.raises((ssl.SSLError, BrokenResourceError)):
                await TLSStream.wrap(right, server_side=True, ssl_context=server_context)

        async with create_task_group() as tg:
            tg.start_soon(server)
            with pytest.raises(ssl.SSLCertVerificationError):
                await TLSStream.wrap(left, hostname="localhost")
            await left.aclose()
        await right.aclose()

    async def test_hostname_mismatch(
        self, byte_pair: Any, client_context: Any, server_context: Any
    ) -> None:
        left, right = byte_pair()

        async def server() -> None:
            with pytest.raises((ssl.SSLError, BrokenResourceError)):
                await TLSStream.wrap(right, server_side=True, ssl_context=server_context)

        async with create_task_group() as tg:
            tg.start_soon(server)
            with pytest.raises(ssl.SSLCertVerificationError, match=r"localhost|match"):
                await TLSStream.wrap(left, hostname="example.org", ssl_context=client_context)
            await left.aclose()
        await right.aclose()

    async def test_send_eof_is_not_supported(
        self, byte_pair: Any, client_context: Any, server_context: Any
    ) -> None:
        left, right = byte_pair()
        client, server = await _connect(left, right, client_context, server_context)
        try:
            # AnyIO's words, which users' tests match.
            with pytest.raises(
                NotImplementedError,
                match=r"^send_eof\(\) has not yet been implemented for TLS streams",
            ):
                await client.send_eof()
        finally:
            await _close_both(client, server)

    async def test_send_eof_names_old_tls_versions(self, byte_pair: Any, ca: Any) -> None:
        server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ca.issue_cert("localhost").configure_cert(server_context)
        client_context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH)
        ca.configure_trust(client_context)
        client_context.maximum_version = ssl.TLSVersion.TLSv1_2
        left, right = byte_pair()
        client, server = await _connect(left, right, client_context, server_context)
        try:
            assert client.extra(TLSAttribute.tls_version) == "TLSv1.2"
            assert isinstance(client.extra(TLSAttribute.channel_binding_tls_unique), bytes)
            with pytest.raises(
                NotImplementedError,
                match=r"^send_eof\(\) requires at least TLSv1\.3; current session uses TLSv1\.2",
            ):
                await client.send_eof()
        finally:
            await _close_both(client, server)


class TestClosing:
    async def test_closing_handshake(
        self, byte_pair: Any, client_context: Any, server_context: Any
    ) -> None:
        left, right = byte_pair()
        client, server = await _connect(left, right, client_context, server_context)
        async with create_task_group() as tg:
            tg.start_soon(client.aclose)  # sends close_notify, waits for the reply
            with pytest.raises(EndOfStream):
                await server.receive()
            await server.aclose()
        # Both transports were closed after the closing handshake.
        for transport in (left, right):
            with pytest.raises(ClosedResourceError):
                await transport.receive()

    @pytest.mark.parametrize("standard_compatible", [True, False])
    async def test_transport_ending_without_close_notify(
        self,
        byte_pair: Any,
        client_context: Any,
        server_context: Any,
        standard_compatible: bool,
    ) -> None:
        left, right = byte_pair()
        _client, server = await _connect(
            left,
            right,
            client_context,
            server_context,
            standard_compatible=standard_compatible,
        )
        await left.aclose()  # the client's transport goes away: no close_notify
        expected = BrokenResourceError if standard_compatible else EndOfStream
        with pytest.raises(expected):
            await server.receive()
        await server.transport_stream.aclose()

    async def test_unstandard_aclose_does_not_wait_for_the_peer(
        self, byte_pair: Any, client_context: Any, server_context: Any
    ) -> None:
        left, right = byte_pair()
        client, server = await _connect(
            left, right, client_context, server_context, standard_compatible=False
        )
        await client.aclose()  # no closing handshake
        with pytest.raises(EndOfStream):
            await server.receive()
        await server.aclose()

    async def test_cancelled_aclose_closes_the_transport(
        self, byte_pair: Any, client_context: Any, server_context: Any
    ) -> None:
        left, right = byte_pair()
        client, server = await _connect(left, right, client_context, server_context)
        async with create_task_group() as tg:
            scope = CancelScope()

            async def close_client() -> None:
                with scope:
                    await client.aclose()  # the server never replies

            tg.start_soon(close_client)
            await wait_all_tasks_blocked()
            scope.cancel()
        assert scope.cancelled_caught
        # The server sees close_notify, then the forcefully closed transport.
        with pytest.raises(EndOfStream):
            await server.receive()
        with pytest.raises(EndOfStream):
            await right.receive()
        await right.aclose()


class _StallingTransport(ByteStream):
    """A byte stream whose sends can be made to wait forever (until cancelled)."""

    def __init__(self, inner: ByteStream) -> None:
        self.inner = inner
        self.stall = False

    async def send(self, item: bytes) -> None:
        if self.stall:
            await Event().wait()
        await self.inner.send(item)

    async def receive(self, max_bytes: int = 65536) -> bytes:
        return await self.inner.receive(max_bytes)

    async def send_eof(self) -> None:
        await self.inner.send_eof()

    async def aclose(self) -> None:
        await self.inner.aclose()


class TestLostRecords:
    """A send cancelled with encrypted data on the way breaks the stream for good."""

    async def test_cancelled_send_breaks_the_stream(
        self, byte_pair: Any, client_context: Any, server_context: Any
    ) -> None:
        left, right = byte_pair()
        transport = _StallingTransport(left)
        client, server = await _connect(transport, right, client_context, server_context)
        transport.stall = True
        with fail_after(5):
            async with create_task_group() as tg:
                tg.start_soon(client.send, b"lost on the way")
                await wait_all_tasks_blocked()
                tg.cancel_scope.cancel()
        transport.stall = False
        with pytest.raises(BrokenResourceError, match="records may be lost"):
            await client.send(b"would be corrupt")
        with pytest.raises(BrokenResourceError):
            await client.receive()
        with pytest.raises(BrokenResourceError):
            await client.unwrap()
        with fail_after(5):
            await client.aclose()  # no closing handshake on a broken stream
        with pytest.raises(ClosedResourceError):
            await left.receive()  # the transport was closed
        await server.transport_stream.aclose()

    async def test_send_in_a_cancelled_scope_loses_nothing(
        self, byte_pair: Any, client_context: Any, server_context: Any
    ) -> None:
        left, right = byte_pair()
        client, server = await _connect(left, right, client_context, server_context)
        try:
            with CancelScope() as scope:
                scope.cancel()
                await client.send(b"never encrypted")
            assert scope.cancelled_caught
            await client.send(b"still fine")
            assert await server.receive() == b"still fine"
        finally:
            await _close_both(client, server)


class TestInternationalHostNames:
    """Non-ASCII host names are matched in their IDNA 2008 form (UTS #46 mapping)."""

    async def _handshake(
        self, byte_pair: Any, ca: Any, client_context: Any, cert_name: str, hostname: str
    ) -> TLSStream | ssl.SSLCertVerificationError:
        """Connect to a server whose certificate is for ``cert_name`` only."""
        server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ca.issue_cert(cert_name).configure_cert(server_context)
        left, right = byte_pair()
        outcome: TLSStream | ssl.SSLCertVerificationError

        async def server() -> None:
            # Fails if the client rejects the certificate; no data follows either way.
            with contextlib.suppress(ssl.SSLError, BrokenResourceError):
                await TLSStream.wrap(right, server_side=True, ssl_context=server_context)

        async with create_task_group() as tg:
            tg.start_soon(server)
            try:
                outcome = await TLSStream.wrap(left, hostname=hostname, ssl_context=client_context)
            except ssl.SSLCertVerificationError as exc:
                outcome = exc
            await left.aclose()
        await right.aclose()
        return outcome

    async def test_idna_2008_name_matches(
        self, byte_pair: Any, ca: Any, client_context: Any
    ) -> None:
        client = await self._handshake(
            byte_pair, ca, client_context, "xn--strae-oqa.de", "straße.de"
        )
        assert isinstance(client, TLSStream)
        assert client.extra(TLSAttribute.ssl_object).server_hostname == "xn--strae-oqa.de"

    async def test_idna_2003_name_does_not_match(
        self, byte_pair: Any, ca: Any, client_context: Any
    ) -> None:
        # IDNA 2003 (the standard library's codec) maps "straße.de" to "strasse.de".
        outcome = await self._handshake(byte_pair, ca, client_context, "strasse.de", "straße.de")
        assert isinstance(outcome, ssl.SSLCertVerificationError)

    async def test_uts46_mapping_applies(
        self, byte_pair: Any, ca: Any, client_context: Any
    ) -> None:
        client = await self._handshake(
            byte_pair, ca, client_context, "xn--strae-oqa.de", "Straße.DE"
        )
        assert isinstance(client, TLSStream)

    async def test_ascii_names_are_unchanged(
        self, byte_pair: Any, ca: Any, client_context: Any
    ) -> None:
        client = await self._handshake(byte_pair, ca, client_context, "localhost", "localhost")
        assert isinstance(client, TLSStream)
        assert client.extra(TLSAttribute.ssl_object).server_hostname == "localhost"

    async def test_invalid_name_is_a_value_error(
        self, byte_pair: Any, client_context: Any
    ) -> None:
        left, right = byte_pair()
        # No server: it must fail before any I/O. idna's error is a ValueError.
        with fail_after(5), pytest.raises(ValueError, match=r"U\+200D not allowed"):
            await TLSStream.wrap(left, hostname="a\u200db.example", ssl_context=client_context)
        await left.aclose()
        await right.aclose()


class _ThreadRecordingContext(ssl.SSLContext):
    """A context subclass (as truststore's is) that records where wrap_bio() ran."""

    wrap_threads: list[int]

    def wrap_bio(self, *args: Any, **kwargs: Any) -> ssl.SSLObject:
        self.wrap_threads.append(threading.get_ident())
        return super().wrap_bio(*args, **kwargs)


class TestSetupOffTheEventLoop:
    """What may read files while setting up TLS runs in a worker thread."""

    async def test_context_subclass_wraps_in_a_worker_thread(
        self, byte_pair: Any, ca: Any, server_context: Any
    ) -> None:
        client_context = _ThreadRecordingContext(ssl.PROTOCOL_TLS_CLIENT)
        client_context.wrap_threads = []
        ca.configure_trust(client_context)
        left, right = byte_pair()
        client, server = await _connect(left, right, client_context, server_context)
        try:
            await client.send(b"works")
            assert await server.receive() == b"works"
        finally:
            await _close_both(client, server)
        assert len(client_context.wrap_threads) == 1
        assert client_context.wrap_threads[0] != threading.get_ident()

    async def test_default_context_is_made_in_a_worker_thread(
        self, byte_pair: Any, server_context: Any, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        made: list[tuple[ssl.SSLContext, int]] = []
        create_default_context = ssl.create_default_context

        def recording_create_default_context(*args: Any, **kwargs: Any) -> ssl.SSLContext:
            context = create_default_context(*args, **kwargs)
            # As some Pythons and OpenSSL builds do by default: the stream must undo it.
            context.options |= getattr(ssl, "OP_IGNORE_UNEXPECTED_EOF", 0)
            made.append((context, threading.get_ident()))
            return context

        monkeypatch.setattr(ssl, "create_default_context", recording_create_default_context)
        left, right = byte_pair()

        async def server() -> None:
            with pytest.raises((ssl.SSLError, BrokenResourceError)):
                await TLSStream.wrap(right, server_side=True, ssl_context=server_context)

        async with create_task_group() as tg:
            tg.start_soon(server)
            # The system's CAs do not include trustme's.
            with pytest.raises(ssl.SSLCertVerificationError):
                await TLSStream.wrap(left, hostname="localhost")
            await left.aclose()
        await right.aclose()
        [(context, thread)] = made
        assert thread != threading.get_ident()
        assert not context.options & getattr(ssl, "OP_IGNORE_UNEXPECTED_EOF", 0)


class TestUnwrap:
    async def test_back_to_plain_text(
        self, byte_pair: Any, client_context: Any, server_context: Any
    ) -> None:
        left, right = byte_pair()
        client, server = await _connect(left, right, client_context, server_context)
        await client.send(b"secret")
        assert await server.receive() == b"secret"
        results: dict[str, tuple[Any, bytes]] = {}

        async def unwrap_server() -> None:
            with pytest.raises(EndOfStream):
                await server.receive()  # the client's close_notify
            results["server"] = await server.unwrap()

        async with create_task_group() as tg:
            tg.start_soon(unwrap_server)
            results["client"] = await client.unwrap()
        assert results["client"] == (left, b"")
        assert results["server"] == (right, b"")
        await left.send(b"plain")
        assert await right.receive() == b"plain"
        await left.aclose()
        await right.aclose()

    async def test_plain_text_read_ahead_is_returned(
        self, byte_pair: Any, client_context: Any, server_context: Any
    ) -> None:
        left, right = byte_pair()
        client, server = await _connect(left, right, client_context, server_context)
        results: dict[str, tuple[Any, bytes]] = {}

        async def unwrap_server() -> None:
            results["server"] = await server.unwrap()

        async with create_task_group() as tg:
            tg.start_soon(unwrap_server)  # sends close_notify, then waits for ours
            await wait_all_tasks_blocked()
            await right.send(b"plain text")  # right behind the server's close_notify
            results["client"] = await client.unwrap()
        assert results["client"] == (left, b"plain text")
        assert results["server"] == (right, b"")
        await left.aclose()
        await right.aclose()


class _PairListener(Listener[ByteStream]):
    """Hands out prepared server-side transports, then waits to be cancelled."""

    def __init__(self, transports: list[ByteStream]) -> None:
        self.transports = transports
        self.closed = False

    async def serve(
        self, handler: Callable[[ByteStream], Any], task_group: TaskGroup | None = None
    ) -> None:
        async with create_task_group() as own_group:
            for transport in self.transports:
                (task_group or own_group).start_soon(handler, transport)

    async def aclose(self) -> None:
        self.closed = True

    @property
    def extra_attributes(self) -> Mapping[Any, Callable[[], Any]]:
        return {}


class _PairConnectable(ByteStreamConnectable):
    def __init__(self, stream: ByteStream) -> None:
        self.stream = stream

    async def connect(self) -> ByteStream:
        return self.stream


class TestListenerAndConnectable:
    async def test_serve_and_connect(
        self, byte_pair: Any, client_context: Any, server_context: Any
    ) -> None:
        left, right = byte_pair()
        listener = TLSListener(_PairListener([right]), server_context)
        assert listener.extra(TLSAttribute.standard_compatible) is True
        served: list[bytes] = []

        async def handler(stream: TLSStream) -> None:
            assert stream.extra(TLSAttribute.server_side)
            served.append(await stream.receive())
            await stream.send(b"bye")
            with pytest.raises(EndOfStream):
                await stream.receive()
            await stream.aclose()

        connectable = TLSConnectable(
            _PairConnectable(left), hostname="localhost", ssl_context=client_context
        )
        async with create_task_group() as tg:
            tg.start_soon(listener.serve, handler)
            client = await connectable.connect()
            assert not client.extra(TLSAttribute.server_side)
            await client.send(b"hi")
            assert await client.receive() == b"bye"
            await client.aclose()
        await listener.aclose()
        assert served == [b"hi"]
        assert listener.listener.closed  # type: ignore[attr-defined]

    async def test_failed_handshake_is_logged_and_the_listener_goes_on(
        self,
        byte_pair: Any,
        server_context: Any,
        caplog: pytest.LogCaptureFixture,
    ) -> None:
        left, right = byte_pair()
        handled: list[TLSStream] = []
        listener = TLSListener(_PairListener([right]), server_context)
        caplog.set_level(logging.ERROR, "anyio.streams.tls")

        async def handler(stream: TLSStream) -> None:
            handled.append(stream)

        async with create_task_group() as tg:
            tg.start_soon(listener.serve, handler)
            # A client that does not trust the server's CA gives up.
            connectable = TLSConnectable(_PairConnectable(left), hostname="localhost")
            with pytest.raises(ssl.SSLCertVerificationError):
                await connectable.connect()
        assert handled == []
        assert [record.message for record in caplog.records] == ["Error during TLS handshake"]
        assert caplog.records[0].exc_info is not None
        # Both transports were closed.
        for transport in (left, right):
            with pytest.raises(ClosedResourceError):
                await transport.receive()
        await listener.aclose()

    async def test_handle_handshake_error_reraises_cancellation_only(
        self, byte_pair: Any, caplog: pytest.LogCaptureFixture
    ) -> None:
        left, right = byte_pair()
        caplog.set_level(logging.ERROR, "anyio.streams.tls")
        await TLSListener.handle_handshake_error(ValueError("not fatal"), left)
        assert len(caplog.records) == 1
        with CancelScope() as scope:
            scope.cancel()
            try:
                await checkpoint()
            except get_cancelled_exc_class() as exc:
                await TLSListener.handle_handshake_error(exc, right)
        assert scope.cancelled_caught  # re-raised, and not logged
        assert len(caplog.records) == 1
        with pytest.raises(KeyboardInterrupt):
            await TLSListener.handle_handshake_error(KeyboardInterrupt(), right)
        assert len(caplog.records) == 2

    def test_connectable_rejects_other_contexts(self, byte_pair: Any) -> None:
        with pytest.raises(TypeError, match="SSLContext"):
            TLSConnectable(_PairConnectable(None), ssl_context="not a context")  # type: ignore[arg-type]
        connectable = TLSConnectable(_PairConnectable(None))  # type: ignore[arg-type]
        assert isinstance(connectable.ssl_context, ssl.SSLContext)
        assert connectable.ssl_context.verify_mode == ssl.CERT_REQUIRED

"""TLS over any byte stream, driven through memory BIOs.

`TLSStream` does not need a socket: it feeds an `ssl.SSLObject` from two
`ssl.MemoryBIO` buffers and moves the bytes between them and the wrapped
("transport") stream itself. So TLS works over anything that is a byte stream
(a TCP connection, a pipe, a stapled pair of memory streams in a test), and
stays backend-neutral.

The pump
--------
Each TLS operation (handshake, read, write, shutdown) is retried in `_pump()`
until OpenSSL stops asking for I/O: on ``SSLWantReadError`` we first flush what
OpenSSL wants sent, then receive one chunk from the transport into the
incoming BIO; on ``SSLWantWriteError`` we flush the outgoing BIO. After the
operation succeeds, whatever it produced for the peer is flushed too.

Closing, and "standard compatible"
----------------------------------
A TLS peer should announce the end of its data with a ``close_notify`` alert,
so that a truncation attack (the connection cut short by an attacker) can be
told apart from a clean end. With ``standard_compatible=True`` (the default)
`aclose()` performs that closing handshake, and a transport that ends without
one raises `BrokenResourceError`. Some protocols (HTTP/1.1 with a
``Content-Length``, for one) do not need it, and many peers skip it: with
``standard_compatible=False`` an end without ``close_notify`` is a plain
`EndOfStream`, and `aclose()` closes the transport at once.

Lost records break the stream
-----------------------------
Each TLS record carries a sequence number that the peer checks. Once bytes
have left the outgoing BIO, they must reach the peer: if the transport's
`send()` is cancelled or fails at that point, some records may be lost, and
anything encrypted afterwards would be rejected by the peer as corrupt (or,
worse, arrive with a gap). So the stream remembers it, and every later
operation raises `BrokenResourceError`; `aclose()` then closes the transport
without a closing handshake. A `send()` in a scope that is already cancelled
raises the cancellation before it encrypts anything, and breaks nothing.

Setting up off the event loop
-----------------------------
Two steps of `TLSStream.wrap()` may read files, for some 20 ms each: creating
the default context (it loads the system's CA certificates), and
``wrap_bio()`` of an `ssl.SSLContext` subclass (truststore's loads the
system's trust store into the context every time). Both run in a worker
thread. A plain `ssl.SSLContext` wraps in memory only, so that stays on the
loop.

Host names
----------
A host name that is not ASCII is turned into its ASCII form ("A-label") with
IDNA 2008 and the UTS #46 mapping (the `idna` package), before it goes to
OpenSSL for SNI and the certificate check: the standard library would use
IDNA 2003, under which ``"straße.de"`` becomes ``"strasse.de"``, a different
domain than the ``"xn--strae-oqa.de"`` that registries and browsers use.
"""

from __future__ import annotations

import logging
import re
import ssl
from functools import partial, wraps
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

from .. import (
    BrokenResourceError,
    EndOfStream,
    TypedAttributeSet,
    aclose_forcefully,
    fail_after,
    get_cancelled_exc_class,
    to_thread,
    typed_attribute,
)
from ..abc import ByteStream, ByteStreamConnectable, Listener
from ..lowlevel import checkpoint_if_cancelled
from ._checks import check_max_bytes

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from ..abc import AnyByteStream, AnyByteStreamConnectable
    from ..abc._tasks import TaskGroup

__all__ = ("TLSAttribute", "TLSConnectable", "TLSListener", "TLSStream")

T = TypeVar("T")

# The shape of a decoded peer certificate (`ssl.SSLSocket.getpeercert()`).
_PCTRTT = tuple[tuple[str, str], ...]
_PCTRTTT = tuple[_PCTRTT, ...]


class TLSAttribute(TypedAttributeSet):
    """The typed attributes of a TLS stream (see `TypedAttributeProvider.extra`)."""

    #: The protocol chosen by ALPN, or None if none was negotiated.
    alpn_protocol: str | None = typed_attribute()
    #: The channel binding for the ``tls-unique`` type (RFC 5929).
    channel_binding_tls_unique: bytes = typed_attribute()
    #: The cipher in use: (name, protocol version, secret bits).
    cipher: tuple[str, str, int] = typed_attribute()
    #: The peer's certificate as a dict (empty if it was not verified).
    peer_certificate: dict[str, str | _PCTRTTT | _PCTRTT] | None = typed_attribute()
    #: The peer's certificate in DER form, or None if it sent none.
    peer_certificate_binary: bytes | None = typed_attribute()
    #: True on the server side of the connection.
    server_side: bool = typed_attribute()
    #: On the server side, the ciphers both ends support; None on the client side.
    shared_ciphers: list[tuple[str, str, int]] | None = typed_attribute()
    #: The `ssl.SSLObject` doing the work.
    ssl_object: ssl.SSLObject = typed_attribute()
    #: Whether the closing handshake is required (see the module notes).
    standard_compatible: bool = typed_attribute()
    #: The TLS version in use, such as ``"TLSv1.3"``.
    tls_version: str = typed_attribute()


def _ascii_hostname(hostname: str) -> str:
    """Return the ASCII form of a host name for OpenSSL (IDNA 2008, UTS #46).

    ASCII names (IP addresses included) are returned as they are.

    Raises:
        idna.IDNAError: if ``hostname`` is not a valid internationalized
            domain name (a `ValueError`).
    """
    if hostname.isascii():
        return hostname
    import idna  # only for names that need it

    return idna.encode(hostname, uts46=True).decode("ascii")


def _default_context(server_side: bool) -> ssl.SSLContext:
    purpose = ssl.Purpose.CLIENT_AUTH if server_side else ssl.Purpose.SERVER_AUTH
    context = ssl.create_default_context(purpose)
    # Some Pythons ignore a transport that ends without close_notify; we want to see it.
    context.options &= ~getattr(ssl, "OP_IGNORE_UNEXPECTED_EOF", 0)
    return context


class TLSStream(ByteStream):
    """A TLS connection over a byte stream.

    Create it with `wrap()`, which also performs the handshake. Typed
    attributes: those of `TLSAttribute`, plus the transport stream's.

    Example:
        ```python
        tls = await TLSStream.wrap(tcp_stream, hostname="example.org")
        await tls.send(b"GET / HTTP/1.0\\r\\nHost: example.org\\r\\n\\r\\n")
        ```
    """

    def __init__(
        self,
        transport_stream: AnyByteStream,
        standard_compatible: bool,
        _ssl_object: ssl.SSLObject,
        _read_bio: ssl.MemoryBIO,
        _write_bio: ssl.MemoryBIO,
    ) -> None:
        #: The wrapped byte stream.
        self.transport_stream = transport_stream
        #: Whether the closing handshake is required (see the module notes).
        self.standard_compatible = standard_compatible
        self._ssl_object = _ssl_object
        self._read_bio = _read_bio
        self._write_bio = _write_bio
        # Invariant: once True, stays True; set when encrypted bytes taken from
        # the outgoing BIO may not have reached the peer (see the module notes).
        self._records_lost = False

    @classmethod
    async def wrap(
        cls,
        transport_stream: AnyByteStream,
        *,
        server_side: bool | None = None,
        hostname: str | None = None,
        ssl_context: ssl.SSLContext | None = None,
        standard_compatible: bool = True,
    ) -> TLSStream:
        """Wrap a byte stream in TLS and perform the handshake.

        Args:
            transport_stream: the byte stream to run TLS over.
            server_side: whether this is the server side; by default, the
                client side if ``hostname`` is given and the server side if not.
            hostname: the server's host name: sent with SNI and checked
                against its certificate (client side). A name that is not
                ASCII is encoded with IDNA 2008 (see the module notes).
            ssl_context: the TLS settings; by default
                `ssl.create_default_context()` for the side in use (created in
                a worker thread, as it reads the system's CA certificates). The
                context of a subclass of `ssl.SSLContext` (such as truststore's)
                makes its `ssl.SSLObject` in a worker thread too, as it may read
                files then.
            standard_compatible: require the closing handshake (see the
                module notes).

        Returns:
            The TLS stream, handshake done.

        Raises:
            ssl.SSLError: if the handshake fails (a certificate that does not
                verify, no common protocol version, ...).
            anyio.BrokenResourceError: if the transport breaks or ends during
                the handshake.
            ValueError: if ``hostname`` is not a valid internationalized
                domain name (`idna.IDNAError`).
        """
        if server_side is None:
            server_side = not hostname
        if ssl_context is None:
            # Loading the system's CA certificates reads files (some 20 ms).
            ssl_context = await to_thread.run_sync(_default_context, server_side)
        if hostname is not None:
            hostname = _ascii_hostname(hostname)
        read_bio, write_bio = ssl.MemoryBIO(), ssl.MemoryBIO()
        wrap_bio = partial(
            ssl_context.wrap_bio,
            read_bio,
            write_bio,
            server_side=server_side,
            server_hostname=hostname,
        )
        if type(ssl_context) is ssl.SSLContext:
            ssl_object = wrap_bio()  # no I/O: only OpenSSL's in-memory setup
        else:
            # A subclass may do file I/O here: truststore's loads the system's
            # trust store into the context on every wrap_bio().
            ssl_object = await to_thread.run_sync(wrap_bio)
        stream = cls(transport_stream, standard_compatible, ssl_object, read_bio, write_bio)
        await stream._pump(ssl_object.do_handshake)
        return stream

    # -- the pump ------------------------------------------------------------------

    async def _pump(self, operation: Callable[..., T], *args: Any) -> T:
        """Run one `ssl.SSLObject` operation to completion (see the module notes)."""
        self._check_records_intact()
        while True:
            try:
                result = operation(*args)
            except ssl.SSLWantReadError:  # noqa: PERF203 - retrying is the point
                await self._flush()
                await self._receive_into_bio()
            except ssl.SSLWantWriteError:
                await self._flush()
            except ssl.SSLError as exc:
                self._fail(exc)
            else:
                await self._flush()
                return result

    async def _flush(self) -> None:
        if self._write_bio.pending:
            data = self._write_bio.read()
            try:
                await self.transport_stream.send(data)
            except BaseException:
                # Cancelled or failed with records in flight: they may be lost.
                self._records_lost = True
                raise

    def _check_records_intact(self) -> None:
        if self._records_lost:
            raise BrokenResourceError(
                "a send() on this TLS stream was cancelled or failed after encrypting its "
                "data, so TLS records may be lost; the connection cannot be used any more"
            )

    async def _receive_into_bio(self) -> None:
        try:
            data = await self.transport_stream.receive()
        except EndOfStream:
            self._read_bio.write_eof()  # OpenSSL decides whether that was clean
        except OSError as exc:
            self._close_bios()
            raise BrokenResourceError from exc
        else:
            self._read_bio.write(data)

    def _fail(self, exc: ssl.SSLError) -> NoReturn:
        """Translate a TLS error; always raises."""
        self._close_bios()
        if isinstance(exc, ssl.SSLSyscallError):
            raise BrokenResourceError from exc
        if isinstance(exc, ssl.SSLEOFError) or "UNEXPECTED_EOF_WHILE_READING" in (
            exc.strerror or ""
        ):
            # The transport ended without close_notify.
            if self.standard_compatible:
                raise BrokenResourceError from exc
            raise EndOfStream from None
        raise exc

    def _close_bios(self) -> None:
        self._read_bio.write_eof()
        self._write_bio.write_eof()

    # -- the stream -----------------------------------------------------------------

    async def receive(self, max_bytes: int = 65536) -> bytes:
        """Receive and decrypt at most ``max_bytes`` bytes.

        Raises:
            anyio.EndOfStream: after the peer's ``close_notify`` (or a plain
                end of the transport, if not ``standard_compatible``).
            anyio.BrokenResourceError: if the transport broke, or ended
                without ``close_notify`` while ``standard_compatible``, or if
                an earlier send may have lost records (see the module notes).
            ValueError: if `max_bytes` is not a positive integer.
        """
        check_max_bytes(max_bytes)
        data = await self._pump(self._ssl_object.read, max_bytes)
        if not data:
            raise EndOfStream
        return data

    async def send(self, item: bytes) -> None:
        """Encrypt and send ``item``.

        Raises:
            anyio.BrokenResourceError: if the transport broke, or if an
                earlier send was cancelled or failed while its encrypted data
                was on the way (see the module notes).
        """
        # Cancelled already: raise before encrypting, so that no record is lost.
        await checkpoint_if_cancelled()
        await self._pump(self._ssl_object.write, item)

    async def send_eof(self) -> None:
        """Not supported: TLS cannot half-close a connection.

        TLS 1.2 and older define no way to end one direction only. TLS 1.3
        does (its ``close_notify`` ends only the sender's direction), but the
        `ssl` module offers no way to send it without shutting down both.

        Raises:
            NotImplementedError: always; the message names the TLS version.
        """
        version = self._ssl_object.version() or "an unknown TLS version"
        match = re.match(r"TLSv(\d+)(?:\.(\d+))?", version)
        if match and (int(match[1]), int(match[2] or 0)) < (1, 3):
            raise NotImplementedError(
                f"send_eof() requires at least TLSv1.3; current session uses {version}"
            )
        raise NotImplementedError(
            "send_eof() has not yet been implemented for TLS streams "
            f"(this connection uses {version})"
        )

    async def unwrap(self) -> tuple[AnyByteStream, bytes]:
        """Perform the closing handshake and return the transport stream.

        Waits for the peer's ``close_notify`` (the peer must close or unwrap
        too). Use it to go back to plain text on the same connection, as
        STARTTLS protocols do.

        Returns:
            The transport stream and the bytes it delivered after the peer's
            ``close_notify`` (plain text that the TLS layer had read ahead).
        """
        await self._pump(self._ssl_object.unwrap)
        self._close_bios()
        return self.transport_stream, self._read_bio.read()

    async def aclose(self) -> None:
        """Close the TLS connection, then the transport stream.

        With ``standard_compatible``, perform the closing handshake first; if
        that fails or is cancelled, the transport is closed forcefully. A
        stream broken by lost records closes its transport without it.
        """
        if self.standard_compatible and not self._records_lost:
            try:
                await self.unwrap()
            except BaseException:
                await aclose_forcefully(self.transport_stream)
                raise
        await self.transport_stream.aclose()

    @property
    def extra_attributes(self) -> Mapping[Any, Callable[[], Any]]:
        ssl_object = self._ssl_object
        return {
            **self.transport_stream.extra_attributes,
            TLSAttribute.alpn_protocol: ssl_object.selected_alpn_protocol,
            TLSAttribute.channel_binding_tls_unique: ssl_object.get_channel_binding,
            TLSAttribute.cipher: ssl_object.cipher,
            TLSAttribute.peer_certificate: lambda: ssl_object.getpeercert(False),
            TLSAttribute.peer_certificate_binary: lambda: ssl_object.getpeercert(True),
            TLSAttribute.server_side: lambda: ssl_object.server_side,
            TLSAttribute.shared_ciphers: lambda: (
                ssl_object.shared_ciphers() if ssl_object.server_side else None
            ),
            TLSAttribute.standard_compatible: lambda: self.standard_compatible,
            TLSAttribute.ssl_object: lambda: ssl_object,
            TLSAttribute.tls_version: ssl_object.version,
        }

    def __repr__(self) -> str:
        side = "server" if self._ssl_object.server_side else "client"
        return (
            f"<TLSStream {side} side, {self._ssl_object.version() or 'handshake pending'}, "
            f"over {self.transport_stream!r}>"
        )


class TLSListener(Listener[TLSStream]):
    """Wrap every connection of a listener in TLS (server side).

    Each handshake runs in the connection's handler task, under a timeout; a
    failed handshake goes to `handle_handshake_error()` and the handler is not
    called.

    Args:
        listener: the listener of the underlying byte streams.
        ssl_context: the server's TLS settings (certificate and key).
        standard_compatible: passed on to each `TLSStream`.
        handshake_timeout: seconds allowed for each handshake.
    """

    #: Passed on to each `TLSStream` (the class attribute is the default).
    standard_compatible: bool = True
    #: Seconds allowed for each handshake (the class attribute is the default).
    handshake_timeout: float = 30

    def __init__(
        self,
        listener: Listener[Any],
        ssl_context: ssl.SSLContext,
        standard_compatible: bool = True,
        handshake_timeout: float = 30,
    ) -> None:
        #: The wrapped listener.
        self.listener = listener
        #: The server's TLS settings.
        self.ssl_context = ssl_context
        self.standard_compatible = standard_compatible
        self.handshake_timeout = handshake_timeout

    @staticmethod
    async def handle_handshake_error(exc: BaseException, stream: AnyByteStream) -> None:
        """Deal with a failed handshake (override it to change what happens).

        The default closes the stream forcefully, logs the error on the
        ``anyio.streams.tls`` logger (unless it is a cancellation) and re-raises
        it if it is a cancellation or not an `Exception` at all (so that an
        ordinary handshake failure does not stop the listener).

        Args:
            exc: what the handshake raised.
            stream: the transport stream of the connection.
        """
        await aclose_forcefully(stream)
        cancelled = isinstance(exc, get_cancelled_exc_class())
        if not cancelled:
            # Pass the exception explicitly: on asyncio, sys.exc_info() can be
            # wrong here (CPython issue 108668).
            logging.getLogger(__name__).exception("Error during TLS handshake", exc_info=exc)
        if cancelled or not isinstance(exc, Exception):
            raise exc

    async def serve(
        self, handler: Callable[[TLSStream], Any], task_group: TaskGroup | None = None
    ) -> None:
        """Serve the wrapped listener, handing TLS streams to ``handler``.

        Args:
            handler: called with each connection, handshake done.
            task_group: where the handler tasks run (see `Listener.serve`).
        """

        @wraps(handler)
        async def handshake_then_handle(stream: AnyByteStream) -> None:
            try:
                with fail_after(self.handshake_timeout):
                    tls_stream = await TLSStream.wrap(
                        stream,
                        server_side=True,
                        ssl_context=self.ssl_context,
                        standard_compatible=self.standard_compatible,
                    )
            except BaseException as exc:
                await self.handle_handshake_error(exc, stream)
            else:
                await handler(tls_stream)

        await self.listener.serve(handshake_then_handle, task_group)

    async def aclose(self) -> None:
        """Close the wrapped listener."""
        await self.listener.aclose()

    @property
    def extra_attributes(self) -> Mapping[Any, Callable[[], Any]]:
        return {
            **self.listener.extra_attributes,
            TLSAttribute.standard_compatible: lambda: self.standard_compatible,
        }


class TLSConnectable(ByteStreamConnectable):
    """Wrap each connection that ``connectable`` makes in TLS (client side).

    Args:
        connectable: what makes the underlying byte stream connections.
        hostname: the server's host name, for SNI and certificate checks.
        ssl_context: the client's TLS settings; by default
            `ssl.create_default_context()`.
        standard_compatible: passed on to each `TLSStream`.

    Raises:
        TypeError: if ``ssl_context`` is not an `ssl.SSLContext`.
    """

    def __init__(
        self,
        connectable: AnyByteStreamConnectable,
        *,
        hostname: str | None = None,
        ssl_context: ssl.SSLContext | None = None,
        standard_compatible: bool = True,
    ) -> None:
        if ssl_context is None:
            ssl_context = _default_context(server_side=False)
        elif not isinstance(ssl_context, ssl.SSLContext):
            raise TypeError(
                f"ssl_context must be an ssl.SSLContext, not {type(ssl_context).__name__}"
            )
        #: What makes the underlying connections.
        self.connectable = connectable
        #: The server's host name.
        self.hostname = hostname
        #: The client's TLS settings.
        self.ssl_context = ssl_context
        #: Passed on to each `TLSStream`.
        self.standard_compatible = standard_compatible

    async def connect(self) -> TLSStream:
        """Connect, then perform the TLS handshake (client side).

        If the handshake fails, the new connection is closed forcefully.
        """
        stream = await self.connectable.connect()
        try:
            return await TLSStream.wrap(
                stream,
                server_side=False,
                hostname=self.hostname,
                ssl_context=self.ssl_context,
                standard_compatible=self.standard_compatible,
            )
        except BaseException:
            await aclose_forcefully(stream)
            raise

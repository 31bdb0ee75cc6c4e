"""The ABCs in `anyio.abc`: AnyIO 4.13's contracts, default methods and namespace."""

from __future__ import annotations

import inspect
import json
import os
import re
import socket
from contextlib import nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

import anyio
import anyio.abc
from anyio import (
    EndOfStream,
    TypedAttributeLookupError,
    create_task_group,
    wait_all_tasks_blocked,
)
from anyio.abc import (
    AsyncBackend,
    ByteReceiveStream,
    ObjectStream,
    SocketAttribute,
    SocketListener,
    SocketStream,
    UDPPacketType,
    UDPSocket,
    UNIXDatagramPacketType,
    UNIXDatagramSocket,
    UNIXSocketStream,
    UnreliableObjectReceiveStream,
)
from anyio.abc._sockets import convert_ipv6_sockaddr

if TYPE_CHECKING:
    from collections.abc import Iterator

API = json.loads((Path(__file__).parent / "anyio-4.13-api.json").read_text("utf-8"))
ABC_API: dict[str, Any] = API["modules"]["anyio.abc"]
# AsyncBackend follows AnyIO 4.16 (issue 16: run_sync_soon, connect_unix(kind), the
# spelled-out open_process() keywords); test_namespace checks the whole 4.16 surface.
ABC_API["AsyncBackend"] = json.loads(
    (Path(__file__).parent / "anyio-4.16-api.json").read_text("utf-8")
)["modules"]["anyio.abc"]["AsyncBackend"]

# The classes of anyio.abc defined in this package's own abc modules (the rest of
# anyio.abc is re-exported from elsewhere and tested where it is defined).
OWN_CLASSES = sorted(
    name
    for name in ABC_API
    if name
    not in {
        "BlockingPortal",
        "CancelScope",
        "CapacityLimiter",
        "Condition",
        "Event",
        "Lock",
        "Semaphore",
        "TaskGroup",
        "TaskStatus",
        "TestRunner",
    }
)
AnyIO_DUNDERS = {"__aenter__", "__aexit__", "__aiter__", "__anext__", "__init__"}
HAS_IPV6 = socket.has_ipv6
HAS_UNIX = hasattr(socket, "AF_UNIX")


def _qualified(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def _normalize(signature: str) -> str:
    # Sentinel defaults print with their address, which differs between processes.
    return re.sub(r"<object object at 0x[0-9a-f]+>", "<object>", signature)


def _signature_of(cls: type, name: str, kind: str) -> str:
    raw = inspect.getattr_static(cls, name)
    func = raw.__func__ if kind == "classmethod" else raw
    return _normalize(str(inspect.signature(func)))


def _public_abstract(cls: type) -> set[str]:
    # AnyIO's list leaves out private abstract members such as `_raw_socket`.
    return {
        name
        for name in getattr(cls, "__abstractmethods__", ())
        if not name.startswith("_") or name.startswith("__")
    }


class TestAgainstAnyIO413:
    """Each class matches the API surface read from AnyIO 4.13."""

    @pytest.mark.parametrize("name", OWN_CLASSES)
    def test_bases(self, name: str) -> None:
        cls = getattr(anyio.abc, name)
        assert [_qualified(base) for base in cls.__bases__] == ABC_API[name]["bases"]

    @pytest.mark.parametrize("name", OWN_CLASSES)
    def test_abstract_methods(self, name: str) -> None:
        cls = getattr(anyio.abc, name)
        assert _public_abstract(cls) == set(ABC_API[name]["abstract"])

    @pytest.mark.parametrize("name", OWN_CLASSES)
    def test_own_members(self, name: str) -> None:
        cls = getattr(anyio.abc, name)
        own = {
            member for member in vars(cls) if not member.startswith("_") or member in AnyIO_DUNDERS
        }
        assert own == set(ABC_API[name]["members"])

    @pytest.mark.parametrize(
        ("name", "member"),
        [
            (name, member)
            for name in OWN_CLASSES
            for member, spec in ABC_API[name]["members"].items()
            if spec["kind"] in {"method", "classmethod"}
        ],
    )
    def test_method_signature(self, name: str, member: str) -> None:
        spec = ABC_API[name]["members"][member]
        cls = getattr(anyio.abc, name)
        assert _signature_of(cls, member, spec["kind"]) == _normalize(spec["signature"])
        assert inspect.iscoroutinefunction(getattr(cls, member)) == spec["async"]
        is_classmethod = isinstance(inspect.getattr_static(cls, member), classmethod)
        assert is_classmethod == (spec["kind"] == "classmethod")

    @pytest.mark.parametrize(
        ("name", "member"),
        [
            (name, member)
            for name in OWN_CLASSES
            for member, spec in ABC_API[name]["members"].items()
            if spec["kind"] == "property"
        ],
    )
    def test_property(self, name: str, member: str) -> None:
        prop = inspect.getattr_static(getattr(anyio.abc, name), member)
        assert isinstance(prop, property)
        assert prop.fset is None

    @pytest.mark.parametrize("name", OWN_CLASSES)
    def test_public_module(self, name: str) -> None:
        assert getattr(anyio.abc, name).__module__ == "anyio.abc"

    @pytest.mark.parametrize(
        "name",
        [
            "TypedAttributeSet",
            "TypedAttributeProvider",
            "ContextManagerMixin",
            "AsyncContextManagerMixin",
            "typed_attribute",
            "aclose_forcefully",
        ],
    )
    def test_top_level_signatures(self, name: str) -> None:
        spec = API["modules"]["anyio"][name]
        obj = getattr(anyio, name)
        assert _normalize(str(inspect.signature(obj))) == _normalize(spec["signature"])
        for member, member_spec in spec.get("members", {}).items():
            if member_spec["kind"] == "method":
                actual = _signature_of(obj, member, "method")
                assert actual == _normalize(member_spec["signature"]), member


class TestNamespace:
    @pytest.mark.parametrize("name", sorted(ABC_API))
    def test_every_anyio_413_name_is_available(self, name: str) -> None:
        if name == "BlockingPortal":
            pytest.importorskip("anyio.from_thread")
        assert isinstance(getattr(anyio.abc, name), type)

    def test_type_aliases(self) -> None:
        for alias in (
            "AnyByteReceiveStream",
            "AnyByteSendStream",
            "AnyByteStream",
            "AnyByteStreamConnectable",
            "AnyUnreliableByteReceiveStream",
            "AnyUnreliableByteSendStream",
            "AnyUnreliableByteStream",
            "IPAddressType",
            "IPSockAddrType",
            "UDPPacketType",
            "UNIXDatagramPacketType",
        ):
            assert getattr(anyio.abc, alias) is not None

    def test_dir_lists_the_lazy_names(self) -> None:
        names = set(dir(anyio.abc))
        expected = set(ABC_API) - {"BlockingPortal"}
        assert expected <= names
        assert "TYPE_CHECKING" not in names

    def test_lazy_name_is_cached(self) -> None:
        backend = anyio.abc.AsyncBackend
        assert vars(anyio.abc)["AsyncBackend"] is backend

    def test_unknown_name(self) -> None:
        with pytest.raises(AttributeError, match="no attribute 'Nonexistent'"):
            anyio.abc.Nonexistent  # noqa: B018

    def test_missing_distribution_names_what_to_install(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        lazy = anyio.abc._LAZY  # type: ignore[attr-defined]
        monkeypatch.setitem(lazy, "Gadget", ("anyio._no_such_module", "anyio-gadgets"))
        with pytest.raises(anyio.MissingDistributionError, match="pip install anyio-gadgets"):
            anyio.abc.Gadget  # noqa: B018
        with pytest.raises(ModuleNotFoundError, match="anyio-gadgets"):
            from anyio.abc import Gadget  # noqa: F401
        assert "Gadget" not in dir(anyio.abc)

    def test_missing_core_module_is_not_reported_as_a_distribution(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        lazy = anyio.abc._LAZY  # type: ignore[attr-defined]
        monkeypatch.setitem(lazy, "Gadget", ("anyio._no_such_module", "anyio-core"))
        with pytest.raises(ModuleNotFoundError) as exc_info:
            anyio.abc.Gadget  # noqa: B018
        assert "pip install" not in str(exc_info.value)


# -- streams ---------------------------------------------------------------------------


class ListReceiveStream(UnreliableObjectReceiveStream[int]):
    def __init__(self, items: list[int], error: Exception) -> None:
        self.items = items
        self.error = error

    async def receive(self) -> int:
        if self.items:
            return self.items.pop(0)
        raise self.error

    async def aclose(self) -> None:
        pass


class ChunkReceiveStream(ByteReceiveStream):
    def __init__(self, chunks: list[bytes]) -> None:
        self.chunks = chunks

    async def receive(self, max_bytes: int = 65536) -> bytes:
        if self.chunks:
            return self.chunks.pop(0)[:max_bytes]
        raise EndOfStream

    async def aclose(self) -> None:
        pass


class TestStreams:
    @pytest.mark.anyio
    async def test_object_stream_iteration_ends_at_end_of_stream(self) -> None:
        stream = ListReceiveStream([1, 2, 3], EndOfStream())
        assert stream.__aiter__() is stream
        assert [item async for item in stream] == [1, 2, 3]

    @pytest.mark.anyio
    async def test_object_stream_iteration_passes_on_other_errors(self) -> None:
        stream = ListReceiveStream([1], anyio.BrokenResourceError())
        received: list[int] = []

        async def drain() -> None:
            async for item in stream:
                received.append(item)  # noqa: PERF401 - the items before the error

        with pytest.raises(anyio.BrokenResourceError):
            await drain()
        assert received == [1]

    @pytest.mark.anyio
    async def test_end_of_stream_is_not_chained(self) -> None:
        stream = ListReceiveStream([], EndOfStream())
        with pytest.raises(StopAsyncIteration) as exc_info:
            await stream.__anext__()
        assert exc_info.value.__suppress_context__

    @pytest.mark.anyio
    async def test_byte_stream_iteration(self) -> None:
        stream = ChunkReceiveStream([b"ab", b"cd"])
        assert stream.__aiter__() is stream
        assert [chunk async for chunk in stream] == [b"ab", b"cd"]

    def test_complete_object_stream_can_be_instantiated(self) -> None:
        class Loopback(ObjectStream[str]):
            async def receive(self) -> str:
                return ""

            async def send(self, item: str) -> None:
                pass

            async def send_eof(self) -> None:
                pass

            async def aclose(self) -> None:
                pass

        assert isinstance(Loopback(), anyio.abc.UnreliableObjectStream)

    def test_incomplete_stream_cannot_be_instantiated(self) -> None:
        class NoSendEOF(ObjectStream[str]):
            async def receive(self) -> str:
                return ""

            async def send(self, item: str) -> None:
                pass

            async def aclose(self) -> None:
                pass

        with pytest.raises(TypeError, match="send_eof"):
            NoSendEOF()  # type: ignore[abstract]


# -- sockets ---------------------------------------------------------------------------


class FakeSocketStream(SocketStream):
    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock

    @property
    def _raw_socket(self) -> socket.socket:
        return self.sock

    async def receive(self, max_bytes: int = 65536) -> bytes:
        raise EndOfStream

    async def send(self, item: bytes) -> None:
        pass

    async def send_eof(self) -> None:
        pass

    async def aclose(self) -> None:
        pass


class FakeUDPSocket(UDPSocket):
    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.sent: list[UDPPacketType] = []

    @property
    def _raw_socket(self) -> socket.socket:
        return self.sock

    async def receive(self) -> UDPPacketType:
        raise EndOfStream

    async def send(self, item: UDPPacketType) -> None:
        self.sent.append(item)

    async def aclose(self) -> None:
        pass


class FakeUNIXDatagramSocket(UNIXDatagramSocket):
    def __init__(self) -> None:
        self.sent: list[UNIXDatagramPacketType] = []

    @property
    def _raw_socket(self) -> socket.socket:
        raise NotImplementedError

    async def receive(self) -> UNIXDatagramPacketType:
        raise EndOfStream

    async def send(self, item: UNIXDatagramPacketType) -> None:
        self.sent.append(item)

    async def aclose(self) -> None:
        pass


class FakeListener(SocketListener):
    """Accepts the given streams, then blocks forever."""

    def __init__(self, streams: list[SocketStream]) -> None:
        self.streams = streams

    @property
    def _raw_socket(self) -> socket.socket:
        raise NotImplementedError

    async def accept(self) -> SocketStream:
        if self.streams:
            return self.streams.pop(0)
        await anyio.sleep_forever()
        raise AssertionError("unreachable")

    async def aclose(self) -> None:
        pass


@pytest.fixture
def tcp_pair() -> Iterator[tuple[socket.socket, socket.socket]]:
    with socket.create_server(("127.0.0.1", 0)) as server:
        client = socket.create_connection(server.getsockname())
        accepted, _ = server.accept()
        with client, accepted:
            yield client, accepted


class TestSocketAttributes:
    def test_connected_tcp_socket(self, tcp_pair: tuple[socket.socket, socket.socket]) -> None:
        client, server = tcp_pair
        stream = FakeSocketStream(client)
        host, port = server.getsockname()
        assert stream.extra(SocketAttribute.family) == socket.AF_INET
        assert stream.extra(SocketAttribute.raw_socket) is client
        assert stream.extra(SocketAttribute.local_address) == client.getsockname()
        assert stream.extra(SocketAttribute.local_port) == client.getsockname()[1]
        assert stream.extra(SocketAttribute.remote_address) == (host, port)
        assert stream.extra(SocketAttribute.remote_port) == port

    def test_unconnected_socket_has_no_remote_attributes(self) -> None:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            sock.bind(("127.0.0.1", 0))
            udp = FakeUDPSocket(sock)
            assert udp.extra(SocketAttribute.local_port) == sock.getsockname()[1]
            with pytest.raises(TypedAttributeLookupError):
                udp.extra(SocketAttribute.remote_address)
            assert udp.extra(SocketAttribute.remote_port, None) is None

    @pytest.mark.skipif(not HAS_IPV6, reason="no IPv6 support")
    def test_ipv6_addresses_are_two_tuples(self) -> None:
        try:
            server = socket.create_server(("::1", 0), family=socket.AF_INET6)
        except OSError:
            pytest.skip("cannot bind to ::1")
        with server, socket.create_connection(server.getsockname()[:2]) as client:
            stream = FakeSocketStream(client)
            assert stream.extra(SocketAttribute.family) == socket.AF_INET6
            assert stream.extra(SocketAttribute.remote_address) == ("::1", server.getsockname()[1])
            assert len(stream.extra(SocketAttribute.local_address)) == 2

    @pytest.mark.skipif(not HAS_UNIX, reason="no UNIX sockets")
    def test_unix_socket_has_no_ports(self) -> None:
        left, right = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        with left, right:
            stream = FakeSocketStream(left)
            assert stream.extra(SocketAttribute.family) == socket.AF_UNIX
            assert stream.extra(SocketAttribute.local_address) == ""
            assert stream.extra(SocketAttribute.remote_address) == ""
            assert stream.extra(SocketAttribute.local_port, None) is None
            assert stream.extra(SocketAttribute.remote_port, None) is None

    @pytest.mark.parametrize(
        ("address", "expected"),
        [
            (("fe80::1", 80, 0, 3), ("fe80::1%3", 80)),
            (("fe80::1%eth0", 80, 0, 3), ("fe80::1%3", 80)),
            (("::1", 443, 0, 0), ("::1", 443)),
            (("127.0.0.1", 80), ("127.0.0.1", 80)),
            ("/tmp/sock", "/tmp/sock"),
        ],
    )
    def test_convert_ipv6_sockaddr(self, address: Any, expected: Any) -> None:
        assert convert_ipv6_sockaddr(address) == expected


class TestSocketDefaults:
    @pytest.mark.anyio
    async def test_udp_sendto(self) -> None:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            udp = FakeUDPSocket(sock)
            await udp.sendto(b"hi", "127.0.0.1", 9999)
            assert udp.sent == [(b"hi", ("127.0.0.1", 9999))]

    @pytest.mark.anyio
    async def test_unix_datagram_sendto(self) -> None:
        unix = FakeUNIXDatagramSocket()
        await unix.sendto(b"hi", "/tmp/peer")
        assert unix.sent == [(b"hi", "/tmp/peer")]

    @pytest.mark.anyio
    async def test_serve_in_the_given_task_group(self) -> None:
        socks = [socket.socket() for _ in range(2)]
        streams: list[SocketStream] = [FakeSocketStream(sock) for sock in socks]
        handled: list[SocketStream] = []

        async def handler(stream: SocketStream) -> None:
            handled.append(stream)

        try:
            async with create_task_group() as tg:
                tg.start_soon(FakeListener(list(streams)).serve, handler, tg)
                await wait_all_tasks_blocked()
                tg.cancel_scope.cancel()
        finally:
            for sock in socks:
                sock.close()
        # One handler task per stream (task start order is up to the backend).
        assert len(handled) == 2
        assert set(handled) == set(streams)

    @pytest.mark.anyio
    async def test_serve_in_its_own_task_group(self) -> None:
        stream = FakeSocketStream(socket.socket())
        handled: list[SocketStream] = []

        async def handler(accepted: SocketStream) -> None:
            handled.append(accepted)
            await anyio.sleep_forever()  # the listener's own group must cancel this

        try:
            async with create_task_group() as tg:
                tg.start_soon(FakeListener([stream]).serve, handler)
                await wait_all_tasks_blocked()
                assert handled == [stream]
                tg.cancel_scope.cancel()
        finally:
            stream.sock.close()


class TestFromSocket:
    @pytest.mark.anyio
    async def test_rejects_other_types(self) -> None:
        with pytest.raises(TypeError, match="got str"):
            await SocketStream.from_socket("localhost")  # type: ignore[arg-type]

    @pytest.mark.anyio
    async def test_rejects_a_non_socket_fd_and_leaves_it_open(self) -> None:
        read_fd, write_fd = os.pipe()
        try:
            with pytest.raises(ValueError, match="does not refer to a socket"):
                await SocketStream.from_socket(read_fd)
            os.fstat(read_fd)  # still open
        finally:
            os.close(read_fd)
            os.close(write_fd)

    @pytest.mark.anyio
    async def test_stream_needs_a_connected_socket(self) -> None:
        with socket.socket() as sock:
            with pytest.raises(ValueError, match="must be connected"):
                await SocketStream.from_socket(sock)
            assert sock.getblocking()  # untouched

    @pytest.mark.anyio
    async def test_failed_fd_validation_leaves_the_fd_open(self) -> None:
        with socket.socket() as sock:
            with pytest.raises(ValueError, match="must be connected"):
                await SocketStream.from_socket(sock.fileno())
            assert sock.fileno() >= 0
            os.fstat(sock.fileno())

    @pytest.mark.anyio
    async def test_stream_rejects_a_datagram_socket(self) -> None:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            sock.connect(("127.0.0.1", 9))
            with pytest.raises(ValueError, match="socket type mismatch"):
                await SocketStream.from_socket(sock)

    @pytest.mark.skipif(not HAS_UNIX, reason="no UNIX sockets")
    @pytest.mark.anyio
    async def test_unix_stream_rejects_a_tcp_socket(
        self, tcp_pair: tuple[socket.socket, socket.socket]
    ) -> None:
        with pytest.raises(ValueError, match="address family mismatch"):
            await UNIXSocketStream.from_socket(tcp_pair[0])

    @pytest.mark.anyio
    async def test_listener_needs_a_bound_socket(self) -> None:
        with socket.socket() as sock, pytest.raises(ValueError, match="must be bound"):
            await SocketListener.from_socket(sock)

    @pytest.mark.anyio
    async def test_udp_socket_needs_a_bound_socket(self) -> None:
        with (
            socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock,
            pytest.raises(ValueError, match="must be bound"),
        ):
            await UDPSocket.from_socket(sock)

    @pytest.mark.anyio
    async def test_connected_udp_socket_needs_a_connected_socket(self) -> None:
        with (
            socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock,
            pytest.raises(ValueError, match="must be connected"),
        ):
            await anyio.abc.ConnectedUDPSocket.from_socket(sock)


# -- AsyncBackend ------------------------------------------------------------------------


class TestAsyncBackend:
    def test_is_abstract(self) -> None:
        with pytest.raises(TypeError):
            AsyncBackend()  # type: ignore[abstract]

    def test_documented_as_compatibility_interface(self) -> None:
        assert "compatibility" in (AsyncBackend.__doc__ or "")

    @pytest.mark.anyio
    async def test_default_checkpoints(self) -> None:
        calls: list[str] = []
        deadline = float("-inf")

        class Recorder:
            @classmethod
            def current_effective_deadline(cls) -> float:
                return deadline

            @classmethod
            async def checkpoint(cls) -> None:
                calls.append("checkpoint")

            @classmethod
            def create_cancel_scope(cls, *, shield: bool = False) -> Any:
                calls.append(f"scope shield={shield}")
                return nullcontext()

            @classmethod
            async def sleep(cls, delay: float) -> None:
                calls.append(f"sleep {delay}")

        # Run the default implementations against the recording classmethods.
        await AsyncBackend.checkpoint_if_cancelled.__func__(Recorder)  # type: ignore[attr-defined]
        deadline = 0.0
        await AsyncBackend.checkpoint_if_cancelled.__func__(Recorder)  # type: ignore[attr-defined]
        await AsyncBackend.cancel_shielded_checkpoint.__func__(Recorder)  # type: ignore[attr-defined]
        assert calls == ["checkpoint", "scope shield=True", "sleep 0"]

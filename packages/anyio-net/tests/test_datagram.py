"""Tests of the UDP sockets (`_net/_datagram.py`); UNIX datagrams are in test_datagram_unix.py."""

from __future__ import annotations

import os
import socket
import sys
from ipaddress import IPv4Address
from typing import TYPE_CHECKING

import pytest

import anyio
from anyio import (
    BrokenResourceError,
    BusyResourceError,
    CancelScope,
    ClosedResourceError,
    TypedAttributeLookupError,
    create_connected_udp_socket,
    create_task_group,
    create_udp_socket,
    fail_after,
    wait_all_tasks_blocked,
)
from anyio.abc import ConnectedUDPSocket, SocketAttribute, UDPSocket

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

pytestmark = pytest.mark.anyio

LOCALHOST = "127.0.0.1"


def _has_ipv6() -> bool:
    if not socket.has_ipv6:
        return False
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_DGRAM) as sock:
            sock.bind(("::1", 0))
    except OSError:
        return False
    return True


needs_ipv6 = pytest.mark.skipif(not _has_ipv6(), reason="IPv6 is not available")
needs_reuse_port = pytest.mark.skipif(
    not hasattr(socket, "SO_REUSEPORT"), reason="no SO_REUSEPORT on this platform"
)


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


@pytest.fixture
async def udp() -> AsyncIterator[UDPSocket]:
    async with await create_udp_socket(local_host=LOCALHOST) as sock:
        yield sock


@pytest.fixture
async def peer() -> AsyncIterator[UDPSocket]:
    async with await create_udp_socket(local_host=LOCALHOST) as sock:
        yield sock


def port_of(sock: UDPSocket | ConnectedUDPSocket) -> int:
    return sock.extra(SocketAttribute.local_port)


class TestCreateUDPSocket:
    async def test_send_and_receive(self, udp: UDPSocket, peer: UDPSocket) -> None:
        await udp.sendto(b"ping", LOCALHOST, port_of(peer))
        assert await peer.receive() == (b"ping", (LOCALHOST, port_of(udp)))
        await peer.send((b"pong", (LOCALHOST, port_of(udp))))
        assert await udp.receive() == (b"pong", (LOCALHOST, port_of(peer)))

    async def test_async_iteration(self, udp: UDPSocket, peer: UDPSocket) -> None:
        for payload in (b"1", b"2"):
            await udp.sendto(payload, LOCALHOST, port_of(peer))
        received = []
        async for packet in peer:
            received.append(packet[0])
            if len(received) == 2:
                break
        assert received == [b"1", b"2"]

    async def test_send_to_a_host_name(self, udp: UDPSocket, peer: UDPSocket) -> None:
        await udp.sendto(b"by name", "localhost", port_of(peer))
        assert await peer.receive() == (b"by name", (LOCALHOST, port_of(udp)))

    async def test_send_to_an_ip_address_object(self, udp: UDPSocket, peer: UDPSocket) -> None:
        destination = (IPv4Address(LOCALHOST), port_of(peer))
        await udp.send((b"object", destination))  # type: ignore[arg-type]
        assert await peer.receive() == (b"object", (LOCALHOST, port_of(udp)))

    async def test_typed_attributes(self, udp: UDPSocket) -> None:
        raw = udp.extra(SocketAttribute.raw_socket)
        assert isinstance(raw, socket.socket)
        assert udp.extra(SocketAttribute.family) == socket.AF_INET
        assert udp.extra(SocketAttribute.local_address) == raw.getsockname()
        assert udp.extra(SocketAttribute.local_port) == raw.getsockname()[1] != 0
        with pytest.raises(TypedAttributeLookupError):
            udp.extra(SocketAttribute.remote_address)
        with pytest.raises(TypedAttributeLookupError):
            udp.extra(SocketAttribute.remote_port)

    async def test_needs_family_or_local_host(self) -> None:
        with pytest.raises(ValueError, match='Either "family" or "local_host" must be given'):
            await create_udp_socket()

    async def test_rejects_a_non_ip_family(self) -> None:
        with pytest.raises(ValueError, match="create_unix_datagram_socket"):
            await create_udp_socket(socket.AF_UNIX)  # type: ignore[arg-type]

    async def test_family_alone_binds_every_interface(self) -> None:
        async with await create_udp_socket(socket.AF_INET) as udp:
            host, port = udp.extra(SocketAttribute.local_address)
            assert host == "0.0.0.0"
            assert port != 0

    async def test_local_port_without_local_host_is_honoured(self, free_udp_port: int) -> None:
        port = free_udp_port
        async with await create_udp_socket(socket.AF_INET, local_port=port) as udp:
            assert udp.extra(SocketAttribute.local_address) == ("0.0.0.0", port)

    async def test_local_host_and_port(self, free_udp_port: int) -> None:
        port = free_udp_port
        async with await create_udp_socket(local_host=LOCALHOST, local_port=port) as udp:
            assert udp.extra(SocketAttribute.local_address) == (LOCALHOST, port)

    async def test_local_host_by_name(self) -> None:
        async with await create_udp_socket(socket.AF_INET, local_host="localhost") as udp:
            assert udp.extra(SocketAttribute.local_address)[0] == LOCALHOST

    @needs_ipv6
    async def test_ipv6(self) -> None:
        async with (
            await create_udp_socket(local_host="::1") as first,
            await create_udp_socket(socket.AF_INET6, local_host="::1") as second,
        ):
            assert first.extra(SocketAttribute.family) == socket.AF_INET6
            await first.sendto(b"six", "::1", port_of(second))
            assert await second.receive() == (b"six", ("::1", port_of(first)))

    @needs_reuse_port
    async def test_reuse_port(self) -> None:
        async with await create_udp_socket(local_host=LOCALHOST, reuse_port=True) as first:
            port = port_of(first)
            async with await create_udp_socket(
                local_host=LOCALHOST, local_port=port, reuse_port=True
            ) as second:
                assert port_of(second) == port

    async def test_port_in_use_without_reuse_port(self, udp: UDPSocket) -> None:
        with pytest.raises(OSError, match="in use"):
            await create_udp_socket(local_host=LOCALHOST, local_port=port_of(udp))


class TestCreateConnectedUDPSocket:
    async def test_send_and_receive(self, peer: UDPSocket) -> None:
        async with await create_connected_udp_socket(LOCALHOST, port_of(peer)) as udp:
            await udp.send(b"ping")
            data, address = await peer.receive()
            assert (data, address) == (b"ping", (LOCALHOST, port_of(udp)))
            await peer.send((b"pong", address))
            assert await udp.receive() == b"pong"

    async def test_typed_attributes(self, peer: UDPSocket) -> None:
        async with await create_connected_udp_socket(LOCALHOST, port_of(peer)) as udp:
            assert udp.extra(SocketAttribute.remote_address) == (LOCALHOST, port_of(peer))
            assert udp.extra(SocketAttribute.remote_port) == port_of(peer)
            assert udp.extra(SocketAttribute.family) == socket.AF_INET
            assert udp.extra(SocketAttribute.local_port) != 0

    async def test_remote_host_by_name(self, peer: UDPSocket) -> None:
        async with await create_connected_udp_socket(
            "localhost", port_of(peer), family=socket.AF_INET
        ) as udp:
            assert udp.extra(SocketAttribute.remote_address) == (LOCALHOST, port_of(peer))

    async def test_local_port_without_local_host_is_honoured(
        self, peer: UDPSocket, free_udp_port: int
    ) -> None:
        port = free_udp_port
        async with await create_connected_udp_socket(
            LOCALHOST, port_of(peer), local_port=port
        ) as udp:
            assert port_of(udp) == port
            await udp.send(b"from my port")
            assert await peer.receive() == (b"from my port", (LOCALHOST, port))

    async def test_local_host_and_port(self, peer: UDPSocket, free_udp_port: int) -> None:
        port = free_udp_port
        async with await create_connected_udp_socket(
            LOCALHOST, port_of(peer), local_host=LOCALHOST, local_port=port
        ) as udp:
            assert udp.extra(SocketAttribute.local_address) == (LOCALHOST, port)

    @needs_reuse_port
    async def test_reuse_port(self, peer: UDPSocket) -> None:
        async with (
            await create_connected_udp_socket(
                LOCALHOST, port_of(peer), local_host=LOCALHOST, reuse_port=True
            ) as first,
            await create_connected_udp_socket(
                LOCALHOST, port_of(peer), local_port=port_of(first), reuse_port=True
            ) as second,
        ):
            assert port_of(second) == port_of(first)

    @pytest.mark.skipif(sys.platform != "linux", reason="relies on Linux reporting ICMP errors")
    async def test_unreachable_peer_gives_broken_resource_error(self, free_udp_port: int) -> None:
        async with await create_connected_udp_socket(LOCALHOST, free_udp_port) as udp:
            await udp.send(b"anyone?")
            with fail_after(5), pytest.raises(BrokenResourceError) as exc_info:
                await udp.receive()
            assert isinstance(exc_info.value.__cause__, ConnectionRefusedError)


class TestSendAndReceive:
    async def test_concurrent_receive_is_refused(self, udp: UDPSocket) -> None:
        async with create_task_group() as tg:
            tg.start_soon(udp.receive)
            await wait_all_tasks_blocked()
            with pytest.raises(BusyResourceError, match="reading from"):
                await udp.receive()
            tg.cancel_scope.cancel()

    async def test_send_returns_once_the_os_has_the_datagram(self, udp: UDPSocket) -> None:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as raw:
            raw.bind((LOCALHOST, 0))
            raw.setblocking(False)
            await udp.sendto(b"handed over", *raw.getsockname())
            # No further loop iteration: the datagram is already there.
            assert raw.recv(100) == b"handed over"

    async def test_receive_is_a_checkpoint_and_loses_no_datagram(
        self, udp: UDPSocket, peer: UDPSocket
    ) -> None:
        await udp.sendto(b"kept", LOCALHOST, port_of(peer))
        with CancelScope() as scope:
            scope.cancel()
            await peer.receive()
            pytest.fail("receive() should have raised the cancellation exception")
        assert await peer.receive() == (b"kept", (LOCALHOST, port_of(udp)))

    async def test_send_is_a_checkpoint(self, udp: UDPSocket, peer: UDPSocket) -> None:
        with CancelScope() as scope:
            scope.cancel()
            await udp.sendto(b"never sent", LOCALHOST, port_of(peer))
        assert scope.cancelled_caught
        await udp.sendto(b"sent", LOCALHOST, port_of(peer))
        assert (await peer.receive())[0] == b"sent"

    async def test_cancelled_receive_leaves_the_socket_usable(
        self, udp: UDPSocket, peer: UDPSocket
    ) -> None:
        async with create_task_group() as tg:
            tg.start_soon(peer.receive)
            await wait_all_tasks_blocked()
            tg.cancel_scope.cancel()
        await udp.sendto(b"after", LOCALHOST, port_of(peer))
        with fail_after(5):
            assert (await peer.receive())[0] == b"after"

    async def test_large_datagram(self, udp: UDPSocket, peer: UDPSocket) -> None:
        payload = os.urandom(60000)
        await udp.sendto(payload, LOCALHOST, port_of(peer))
        assert (await peer.receive())[0] == payload


class TestClose:
    async def test_close_wakes_a_waiting_receiver(self) -> None:
        udp = await create_udp_socket(local_host=LOCALHOST)
        with fail_after(5):
            async with create_task_group() as tg:

                async def receive() -> None:
                    with pytest.raises(ClosedResourceError):
                        await udp.receive()

                tg.start_soon(receive)
                await wait_all_tasks_blocked()
                await udp.aclose()

    async def test_use_after_close(self) -> None:
        udp = await create_udp_socket(local_host=LOCALHOST)
        port = port_of(udp)
        await udp.aclose()
        with pytest.raises(ClosedResourceError):
            await udp.receive()
        with pytest.raises(ClosedResourceError):
            await udp.sendto(b"x", LOCALHOST, port)
        await udp.aclose()  # closing twice is fine

    async def test_aclose_in_a_cancelled_scope_still_closes(self) -> None:
        udp = await create_udp_socket(local_host=LOCALHOST)
        raw = udp.extra(SocketAttribute.raw_socket)
        with CancelScope() as scope:
            scope.cancel()
            await udp.aclose()
            pytest.fail("aclose() should have raised the cancellation exception")
        assert scope.cancelled_caught
        assert raw.fileno() == -1

    async def test_connected_aclose_in_a_cancelled_scope_still_closes(
        self, peer: UDPSocket
    ) -> None:
        udp = await create_connected_udp_socket(LOCALHOST, port_of(peer))
        raw = udp.extra(SocketAttribute.raw_socket)
        with CancelScope() as scope:
            scope.cancel()
            await udp.aclose()
        assert scope.cancelled_caught
        assert raw.fileno() == -1

    async def test_aclose_forcefully(self) -> None:
        udp = await create_udp_socket(local_host=LOCALHOST)
        await anyio.aclose_forcefully(udp)
        assert udp.extra(SocketAttribute.raw_socket).fileno() == -1

    async def test_concurrent_aclose_forcefully_calls(self) -> None:
        udp = await create_udp_socket(local_host=LOCALHOST)
        raw = udp.extra(SocketAttribute.raw_socket)
        closed_when_returned: list[bool] = []

        async def close() -> None:
            await anyio.aclose_forcefully(udp)
            closed_when_returned.append(raw.fileno() == -1)

        async with create_task_group() as tg:
            tg.start_soon(close)
            tg.start_soon(close)
        assert closed_when_returned == [True, True]

    @pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs /proc/self/fd")
    async def test_no_fd_leaks(self, peer: UDPSocket) -> None:
        before = open_fds()
        for _ in range(20):
            udp = await create_udp_socket(local_host=LOCALHOST)
            connected = await create_connected_udp_socket(LOCALHOST, port_of(peer))
            async with create_task_group() as tg:
                tg.start_soon(udp.receive)
                tg.start_soon(connected.receive)
                await wait_all_tasks_blocked()
                tg.cancel_scope.cancel()
            await connected.send(b"x")
            await peer.receive()
            with CancelScope() as scope:
                scope.cancel()
                await create_udp_socket(local_host="localhost")  # cancelled while resolving
            await udp.aclose()
            with CancelScope() as scope:
                scope.cancel()
                await connected.aclose()
        assert open_fds() == before


class TestFromSocket:
    async def test_udp_socket(self, peer: UDPSocket) -> None:
        raw = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        raw.bind((LOCALHOST, 0))
        async with await UDPSocket.from_socket(raw) as udp:
            assert udp.extra(SocketAttribute.raw_socket) is raw
            assert not raw.getblocking()
            await udp.sendto(b"adopted", LOCALHOST, port_of(peer))
            assert await peer.receive() == (b"adopted", raw.getsockname())

    async def test_udp_socket_from_fd(self, peer: UDPSocket) -> None:
        raw = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        raw.bind((LOCALHOST, 0))
        address = raw.getsockname()
        async with await UDPSocket.from_socket(raw.detach()) as udp:
            assert udp.extra(SocketAttribute.local_address) == address
            await udp.sendto(b"from fd", LOCALHOST, port_of(peer))
            assert await peer.receive() == (b"from fd", address)

    async def test_connected_udp_socket(self, peer: UDPSocket) -> None:
        raw = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        raw.connect((LOCALHOST, port_of(peer)))
        async with await ConnectedUDPSocket.from_socket(raw) as udp:
            await udp.send(b"adopted")
            assert (await peer.receive())[0] == b"adopted"

    async def test_udp_socket_rejects_a_stream_socket(self) -> None:
        with socket.socket() as raw:
            raw.bind((LOCALHOST, 0))
            with pytest.raises(ValueError, match="socket type mismatch"):
                await UDPSocket.from_socket(raw)

    @pytest.mark.skipif(not hasattr(socket, "AF_UNIX"), reason="no UNIX sockets")
    async def test_udp_socket_rejects_a_unix_socket_and_leaves_it_open(
        self, tmp_path: os.PathLike[str]
    ) -> None:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as raw:
            raw.bind(os.path.join(tmp_path, "sock"))
            with pytest.raises(ValueError, match="UNIXDatagramSocket"):
                await UDPSocket.from_socket(raw)
            with pytest.raises(ValueError, match="UNIXDatagramSocket"):
                await UDPSocket.from_socket(raw.fileno())
            os.fstat(raw.fileno())  # still open, still ours

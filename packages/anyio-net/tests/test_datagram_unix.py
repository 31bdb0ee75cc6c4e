"""Tests of the UNIX datagram sockets (`_net/_datagram.py`)."""

from __future__ import annotations

import os
import socket
import stat
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from anyio import (
    BrokenResourceError,
    BusyResourceError,
    CancelScope,
    ClosedResourceError,
    TypedAttributeLookupError,
    create_connected_unix_datagram_socket,
    create_task_group,
    create_unix_datagram_socket,
    fail_after,
    wait_all_tasks_blocked,
)
from anyio.abc import ConnectedUNIXDatagramSocket, SocketAttribute, UNIXDatagramSocket

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

pytestmark = [
    pytest.mark.anyio,
    pytest.mark.skipif(not hasattr(socket, "AF_UNIX"), reason="no UNIX sockets"),
]
HAS_PROC_FD = os.path.isdir("/proc/self/fd")
needs_linux = pytest.mark.skipif(
    sys.platform != "linux", reason="abstract namespace names are Linux-only"
)


@pytest.fixture
def path(tmp_path: Path) -> str:
    return str(tmp_path / "peer.sock")


@pytest.fixture
async def peer(path: str) -> AsyncIterator[UNIXDatagramSocket]:
    async with await create_unix_datagram_socket(local_path=path) as sock:
        yield sock


def write_text(path: Path, text: str) -> None:
    path.write_text(text)


def read_text(path: Path) -> str:
    return path.read_text()


def fill_queue(sock: socket.socket) -> None:
    """Send on `sock` until the peer's receive queue is full."""
    sock.setblocking(False)
    try:
        while True:
            sock.send(b"filler")
    except BlockingIOError:
        pass


class TestCreateUNIXDatagramSocket:
    async def test_send_and_receive(
        self, tmp_path: Path, path: str, peer: UNIXDatagramSocket
    ) -> None:
        own_path = str(tmp_path / "own.sock")
        async with await create_unix_datagram_socket(local_path=own_path) as sock:
            await sock.sendto(b"ping", path)
            assert await peer.receive() == (b"ping", own_path)
            await peer.send((b"pong", own_path))
            assert await sock.receive() == (b"pong", path)

    async def test_unbound_socket_can_send(self, path: str, peer: UNIXDatagramSocket) -> None:
        async with await create_unix_datagram_socket() as sock:
            await sock.sendto(b"anonymous", path)
            data, _sender = await peer.receive()
            assert data == b"anonymous"

    async def test_path_forms(self, tmp_path: Path, path: str, peer: UNIXDatagramSocket) -> None:
        async with (
            await create_unix_datagram_socket(local_path=tmp_path / "pathlike.sock") as first,
            await create_unix_datagram_socket(
                local_path=os.fsencode(tmp_path / "b.sock")
            ) as second,
        ):
            await first.send((b"1", tmp_path / "peer.sock"))  # type: ignore[arg-type]
            await second.sendto(b"2", path)
            assert await peer.receive() == (b"1", str(tmp_path / "pathlike.sock"))
            assert (await peer.receive())[0] == b"2"

    async def test_typed_attributes(self, path: str, peer: UNIXDatagramSocket) -> None:
        assert peer.extra(SocketAttribute.family) == socket.AF_UNIX
        assert peer.extra(SocketAttribute.local_address) == path
        assert isinstance(peer.extra(SocketAttribute.raw_socket), socket.socket)
        for attribute in (
            SocketAttribute.local_port,
            SocketAttribute.remote_address,
            SocketAttribute.remote_port,
        ):
            with pytest.raises(TypedAttributeLookupError):
                peer.extra(attribute)

    async def test_local_mode(self, tmp_path: Path) -> None:
        path = tmp_path / "mode.sock"
        async with await create_unix_datagram_socket(local_path=path, local_mode=0o600):
            assert stat.S_IMODE(os.stat(path).st_mode) == 0o600

    async def test_replaces_a_stale_socket_file(self, path: str) -> None:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as stale:
            stale.bind(path)
        async with await create_unix_datagram_socket(local_path=path) as sock:
            assert sock.extra(SocketAttribute.local_address) == path

    async def test_does_not_clobber_a_regular_file(self, path: str) -> None:
        regular_file = Path(path)
        write_text(regular_file, "precious")
        with pytest.raises(FileExistsError, match="not a socket"):
            await create_unix_datagram_socket(local_path=path)
        assert read_text(regular_file) == "precious"

    @needs_linux
    async def test_abstract_namespace(self) -> None:
        name = f"\0anyio-test-{os.getpid()}-{id(self)}"
        async with (
            await create_unix_datagram_socket(local_path=name) as receiver,
            await create_connected_unix_datagram_socket(name) as sender,
        ):
            assert receiver.extra(SocketAttribute.local_address) == name.encode()
            await sender.send(b"abstract")
            assert (await receiver.receive())[0] == b"abstract"

    async def test_cancelled_creation_closes_the_socket(self, path: str) -> None:
        before = set(os.listdir("/proc/self/fd")) if HAS_PROC_FD else set()
        with CancelScope() as scope:
            scope.cancel()
            await create_unix_datagram_socket(local_path=path)
        assert scope.cancelled_caught
        if HAS_PROC_FD:
            assert set(os.listdir("/proc/self/fd")) <= before


class TestCreateConnectedUNIXDatagramSocket:
    async def test_send_and_receive(
        self, tmp_path: Path, path: str, peer: UNIXDatagramSocket
    ) -> None:
        own_path = str(tmp_path / "own.sock")
        async with await create_connected_unix_datagram_socket(path, local_path=own_path) as sock:
            await sock.send(b"ping")
            assert await peer.receive() == (b"ping", own_path)
            await peer.sendto(b"pong", own_path)
            assert await sock.receive() == b"pong"

    async def test_typed_attributes(self, path: str, peer: UNIXDatagramSocket) -> None:
        async with await create_connected_unix_datagram_socket(path) as sock:
            assert sock.extra(SocketAttribute.remote_address) == path
            assert sock.extra(SocketAttribute.family) == socket.AF_UNIX

    async def test_no_peer(self, path: str) -> None:
        with pytest.raises(FileNotFoundError):
            await create_connected_unix_datagram_socket(path)

    async def test_peer_gone(self, path: str) -> None:
        receiver = await create_unix_datagram_socket(local_path=path)
        async with await create_connected_unix_datagram_socket(path) as sock:
            await receiver.aclose()
            with pytest.raises(BrokenResourceError):
                await sock.send(b"lost")


class TestBlockedSend:
    """A datagram send waits only while the peer's queue is full."""

    async def test_waits_for_room_then_sends(self, path: str, peer: UNIXDatagramSocket) -> None:
        async with await create_connected_unix_datagram_socket(path) as sock:
            fill_queue(sock.extra(SocketAttribute.raw_socket))
            async with create_task_group() as tg:
                tg.start_soon(sock.send, b"last")
                await wait_all_tasks_blocked()
                with fail_after(5):
                    while (await peer.receive())[0] != b"last":
                        pass

    async def test_concurrent_send_is_refused(self, path: str, peer: UNIXDatagramSocket) -> None:
        async with await create_connected_unix_datagram_socket(path) as sock:
            fill_queue(sock.extra(SocketAttribute.raw_socket))
            async with create_task_group() as tg:
                tg.start_soon(sock.send, b"waiting")
                await wait_all_tasks_blocked()
                with pytest.raises(BusyResourceError, match="writing to"):
                    await sock.send(b"second")
                tg.cancel_scope.cancel()

    async def test_close_does_not_hang_with_a_send_in_flight(
        self, path: str, peer: UNIXDatagramSocket
    ) -> None:
        sock = await create_connected_unix_datagram_socket(path)
        fill_queue(sock.extra(SocketAttribute.raw_socket))
        with fail_after(5):
            async with create_task_group() as tg:

                async def send() -> None:
                    with pytest.raises(ClosedResourceError):
                        await sock.send(b"in flight")

                tg.start_soon(send)
                await wait_all_tasks_blocked()
                await sock.aclose()

    async def test_cancelled_send_sends_nothing(self, path: str, peer: UNIXDatagramSocket) -> None:
        async with await create_connected_unix_datagram_socket(path) as sock:
            raw = sock.extra(SocketAttribute.raw_socket)
            fill_queue(raw)
            async with create_task_group() as tg:
                tg.start_soon(sock.send, b"cancelled")
                await wait_all_tasks_blocked()
                tg.cancel_scope.cancel()
            peer_raw = peer.extra(SocketAttribute.raw_socket)
            peer_raw.setblocking(False)
            received = []
            try:
                while True:
                    received.append(peer_raw.recv(100))
            except BlockingIOError:
                pass
            assert b"cancelled" not in received
            assert received


class TestClose:
    async def test_close_wakes_a_waiting_receiver(self, peer: UNIXDatagramSocket) -> None:
        sock = await create_unix_datagram_socket()
        with fail_after(5):
            async with create_task_group() as tg:

                async def receive() -> None:
                    with pytest.raises(ClosedResourceError):
                        await sock.receive()

                tg.start_soon(receive)
                await wait_all_tasks_blocked()
                await sock.aclose()

    @pytest.mark.parametrize("connected", [False, True], ids=["unconnected", "connected"])
    async def test_aclose_in_a_cancelled_scope_still_closes(
        self, path: str, peer: UNIXDatagramSocket, connected: bool
    ) -> None:
        sock: UNIXDatagramSocket | ConnectedUNIXDatagramSocket
        if connected:
            sock = await create_connected_unix_datagram_socket(path)
        else:
            sock = await create_unix_datagram_socket()
        raw = sock.extra(SocketAttribute.raw_socket)
        with CancelScope() as scope:
            scope.cancel()
            await sock.aclose()
        assert scope.cancelled_caught
        assert raw.fileno() == -1


class TestFromSocket:
    async def test_unix_datagram_socket(
        self, tmp_path: Path, path: str, peer: UNIXDatagramSocket
    ) -> None:
        raw = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        raw.bind(str(tmp_path / "adopted.sock"))
        async with await UNIXDatagramSocket.from_socket(raw) as sock:
            await sock.sendto(b"adopted", path)
            assert await peer.receive() == (b"adopted", str(tmp_path / "adopted.sock"))

    async def test_connected_unix_datagram_socket(
        self, path: str, peer: UNIXDatagramSocket
    ) -> None:
        raw = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        raw.connect(path)
        async with await ConnectedUNIXDatagramSocket.from_socket(raw.detach()) as sock:
            assert sock.extra(SocketAttribute.remote_address) == path
            await sock.send(b"adopted")
            assert (await peer.receive())[0] == b"adopted"

    async def test_rejects_a_udp_socket(self) -> None:
        with (
            socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as raw,
            pytest.raises(ValueError, match="address family mismatch"),
        ):
            await UNIXDatagramSocket.from_socket(raw)

    async def test_connected_needs_a_connected_socket(self) -> None:
        with (
            socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as raw,
            pytest.raises(ValueError, match="must be connected"),
        ):
            await ConnectedUNIXDatagramSocket.from_socket(raw)


@pytest.mark.skipif(not HAS_PROC_FD, reason="needs /proc/self/fd")
async def test_no_fd_leaks(tmp_path: Path, path: str, peer: UNIXDatagramSocket) -> None:
    before = len(os.listdir("/proc/self/fd"))
    for i in range(20):
        own = await create_unix_datagram_socket(local_path=tmp_path / f"{i}.sock")
        connected = await create_connected_unix_datagram_socket(path)
        async with create_task_group() as tg:
            tg.start_soon(own.receive)
            await wait_all_tasks_blocked()
            tg.cancel_scope.cancel()
        with CancelScope() as scope:
            scope.cancel()
            await create_connected_unix_datagram_socket(path)  # cancelled while connecting
        with pytest.raises(FileNotFoundError):
            await create_connected_unix_datagram_socket(tmp_path / "nobody.sock")
        await connected.send(b"x")
        await peer.receive()
        await own.aclose()
        with CancelScope() as scope:
            scope.cancel()
            await connected.aclose()
    assert len(os.listdir("/proc/self/fd")) == before

"""UNIX socket streams and listeners: paths, stale files, file descriptor passing."""

from __future__ import annotations

import os
import socket
import stat
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

import anyio
from anyio import (
    ClosedResourceError,
    EndOfStream,
    connect_unix,
    create_unix_listener,
)
from anyio.abc import SocketAttribute, SocketStream, UNIXSocketStream

from ._net_helpers import guarded_group

if TYPE_CHECKING:
    from collections.abc import Callable

pytestmark = [
    pytest.mark.anyio,
    pytest.mark.skipif(sys.platform == "win32", reason="UNIX sockets"),
]


@pytest.fixture
def socket_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # A short directory: socket paths are limited to about 100 bytes.
    return tmp_path_factory.mktemp("u") / "sock"


async def unix_pair(path: Any, kind: socket.SocketKind = socket.SOCK_STREAM) -> Any:
    """Return (listener, client, server side) for a UNIX socket at ``path``."""
    listener = await create_unix_listener(path, kind=kind)
    accepted: list[Any] = []

    async def accept() -> None:
        accepted.append(await listener.accept())

    async with guarded_group() as tg:
        tg.start_soon(accept)
        client = await connect_unix(path, kind)
    return listener, client, accepted[0]


PATH_FORMS: list[Any] = [
    pytest.param(str, id="str"),
    pytest.param(lambda path: os.fsencode(path), id="bytes"),
    pytest.param(Path, id="pathlike"),
]


class TestPaths:
    @pytest.mark.parametrize("form", PATH_FORMS)
    async def test_round_trip(self, socket_path: Path, form: Callable[[Path], Any]) -> None:
        listener, client, server = await unix_pair(form(socket_path))
        async with listener, client, server:
            assert isinstance(client, UNIXSocketStream)
            assert isinstance(server, UNIXSocketStream)
            await client.send(b"hello")
            assert await server.receive() == b"hello"
            assert client.extra(SocketAttribute.family) == socket.AF_UNIX
            assert client.extra(SocketAttribute.remote_address) == str(socket_path)
            assert listener.extra(SocketAttribute.local_address) == str(socket_path)

    @pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux only")
    async def test_abstract_namespace(self) -> None:
        name = f"\0anyio-test-{os.getpid()}-{id(self)}"
        listener, client, server = await unix_pair(name)
        async with listener, client, server:
            await server.send(b"abstract")
            assert await client.receive() == b"abstract"

    async def test_stale_socket_file_is_replaced(self, socket_path: Path) -> None:
        with socket.socket(socket.AF_UNIX) as stale:
            stale.bind(str(socket_path))
        assert stat.S_ISSOCK(socket_path.stat().st_mode)  # noqa: ASYNC240 - the test's own temp file
        async with await create_unix_listener(socket_path) as listener:
            assert listener.extra(SocketAttribute.local_address) == str(socket_path)

    async def test_regular_file_is_left_alone(self, socket_path: Path) -> None:
        socket_path.write_text("precious")  # noqa: ASYNC240 - the test's own temp file
        with pytest.raises(FileExistsError, match="not a socket"):
            await create_unix_listener(socket_path)
        assert socket_path.read_text() == "precious"  # noqa: ASYNC240 - the test's own temp file

    async def test_mode(self, socket_path: Path) -> None:
        async with await create_unix_listener(socket_path, mode=0o600):
            assert stat.S_IMODE(socket_path.stat().st_mode) == 0o600  # noqa: ASYNC240 - the test's own temp file

    async def test_nothing_listening(self, socket_path: Path) -> None:
        with pytest.raises(OSError):  # noqa: PT011 - FileNotFoundError or ConnectionRefusedError
            await connect_unix(socket_path)

    async def test_seqpacket(self, socket_path: Path) -> None:
        listener, client, server = await unix_pair(socket_path, socket.SOCK_SEQPACKET)
        async with listener, client, server:
            await client.send(b"one")
            await client.send(b"two")
            assert await server.receive() == b"one"  # message boundaries are kept
            assert await server.receive() == b"two"


class TestClosing:
    async def test_stream_aclose_in_cancelled_scope(self, socket_path: Path) -> None:
        listener, client, server = await unix_pair(socket_path)
        async with listener, server:
            sock = client.extra(SocketAttribute.raw_socket)
            with anyio.CancelScope() as scope:
                scope.cancel()
                await client.aclose()
                pytest.fail("aclose() in a cancelled scope did not raise")
            assert scope.cancelled_caught
            assert sock.fileno() == -1
            with pytest.raises(EndOfStream):
                await server.receive()

    async def test_listener_aclose_in_cancelled_scope(self, socket_path: Path) -> None:
        listener = await create_unix_listener(socket_path)
        sock = listener.extra(SocketAttribute.raw_socket)
        with anyio.CancelScope() as scope:
            scope.cancel()
            await listener.aclose()
            pytest.fail("aclose() in a cancelled scope did not raise")
        assert scope.cancelled_caught
        assert sock.fileno() == -1


class TestFileDescriptors:
    async def test_pass_a_pipe(self, socket_path: Path) -> None:
        listener, client, server = await unix_pair(socket_path)
        read_end, write_end = os.pipe()
        try:
            async with listener, client, server:
                with open(write_end, "wb", closefd=False) as file:  # noqa: ASYNC230 - a pipe
                    await client.send_fds(b"take this", [read_end, file])
                message, fds = await server.receive_fds(9, 2)
                assert message == b"take this"
                assert len(fds) == 2
                os.write(write_end, b"through the pipe")
                assert os.read(fds[0], 100) == b"through the pipe"
                for fd in fds:
                    os.close(fd)
        finally:
            os.close(read_end)
            os.close(write_end)

    async def test_long_message_is_not_truncated(self, socket_path: Path) -> None:
        message = os.urandom(4 * 1024 * 1024)
        received = bytearray()
        listener, client, server = await unix_pair(socket_path)
        read_end, write_end = os.pipe()
        async with listener, client, server, guarded_group() as tg:

            async def read_all() -> None:
                data, fds = await server.receive_fds(65536, 1)
                received.extend(data)
                for fd in fds:
                    os.close(fd)
                while len(received) < len(message):
                    received.extend(await server.receive())

            tg.start_soon(read_all)
            await client.send_fds(message, [read_end])
        os.close(read_end)
        os.close(write_end)
        assert received == message

    async def test_empty_message_refused(self, socket_path: Path) -> None:
        listener, client, server = await unix_pair(socket_path)
        async with listener, client, server:
            with pytest.raises(ValueError, match="message must not be empty"):
                await client.send_fds(b"", [0])

    async def test_end_of_stream(self, socket_path: Path) -> None:
        listener, client, server = await unix_pair(socket_path)
        async with listener, client, server:
            await client.aclose()
            with pytest.raises(EndOfStream):
                await server.receive_fds(10, 1)
            with pytest.raises(ClosedResourceError):
                await client.send_fds(b"x", [0])


class TestFromSocket:
    @pytest.mark.parametrize("wrapper", [UNIXSocketStream, SocketStream])
    async def test_connected_pair(self, wrapper: type[SocketStream]) -> None:
        left, right = socket.socketpair()
        stream = await wrapper.from_socket(left)
        async with stream:
            assert isinstance(stream, UNIXSocketStream)
            right.sendall(b"hi")
            with anyio.fail_after(10):
                assert await stream.receive() == b"hi"
        right.close()

    async def test_file_descriptor(self) -> None:
        left, right = socket.socketpair()
        stream = await UNIXSocketStream.from_socket(left.detach())
        async with stream:
            await stream.send(b"by fd")
            assert right.recv(10) == b"by fd"
        right.close()

    async def test_tcp_socket_refused(self) -> None:
        with socket.socket() as unconnected:
            with pytest.raises(ValueError, match="must be connected"):
                await UNIXSocketStream.from_socket(unconnected)
            assert unconnected.fileno() != -1

    async def test_datagram_pair_refused(self) -> None:
        left, right = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
        with left, right, pytest.raises(ValueError, match="socket type mismatch"):
            await UNIXSocketStream.from_socket(left)

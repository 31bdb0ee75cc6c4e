"""Connectables (``_net/_connectable.py``): TCPConnectable, UNIXConnectable, as_connectable()."""

from __future__ import annotations

import socket
import sys
from pathlib import Path
from typing import Any

import pytest

import anyio
from anyio import (
    ConnectionFailed,
    TCPConnectable,
    UNIXConnectable,
    as_connectable,
    create_tcp_listener,
    create_unix_listener,
)
from anyio.abc import ByteStreamConnectable, SocketAttribute, SocketStream, UNIXSocketStream
from anyio.streams.tls import TLSConnectable

from ._net_helpers import guarded_group

pytestmark = pytest.mark.anyio


async def close_stream(stream: SocketStream) -> None:
    await stream.aclose()


class TestTCPConnectable:
    async def test_connects(self) -> None:
        async with await create_tcp_listener(local_host="127.0.0.1") as multi:
            port = multi.extra(SocketAttribute.local_port)
            async with guarded_group() as tg:
                tg.start_soon(multi.serve, close_stream)
                stream = await TCPConnectable("127.0.0.1", port).connect()
                async with stream:
                    assert stream.extra(SocketAttribute.remote_port) == port
                tg.cancel_scope.cancel()

    async def test_failure(self) -> None:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        with pytest.raises(ConnectionFailed):
            await TCPConnectable("127.0.0.1", port).connect()


@pytest.mark.skipif(sys.platform == "win32", reason="UNIX sockets")
class TestUNIXConnectable:
    async def test_connects(self, tmp_path_factory: pytest.TempPathFactory) -> None:
        path = tmp_path_factory.mktemp("c") / "s"
        async with await create_unix_listener(path) as listener, guarded_group() as tg:
            tg.start_soon(listener.serve, close_stream)
            stream = await UNIXConnectable(path).connect()
            async with stream:
                assert isinstance(stream, UNIXSocketStream)
            tg.cancel_scope.cancel()

    async def test_failure(self, tmp_path_factory: pytest.TempPathFactory) -> None:
        path = tmp_path_factory.mktemp("c") / "nothing-here"
        with pytest.raises(ConnectionFailed) as info:
            await UNIXConnectable(path).connect()
        assert isinstance(info.value.__cause__, OSError)


class TestAsConnectable:
    def test_tuple(self) -> None:
        connectable = as_connectable(("example.org", 80))
        assert isinstance(connectable, TCPConnectable)
        assert (connectable.host, connectable.port) == ("example.org", 80)

    @pytest.mark.parametrize("path", ["/tmp/s", b"/tmp/s", Path("/tmp/s")])
    def test_path(self, path: Any) -> None:
        connectable = as_connectable(path)
        assert isinstance(connectable, UNIXConnectable)
        assert connectable.path == path

    def test_connectable_returned_as_is(self) -> None:
        connectable = TCPConnectable("example.org", 80)
        assert as_connectable(connectable) is connectable

    def test_tls(self) -> None:
        connectable = as_connectable(("example.org", 443), tls=True)
        assert isinstance(connectable, TLSConnectable)
        assert isinstance(connectable, ByteStreamConnectable)

    @pytest.mark.parametrize("remote", [42, ("example.org",), ("example.org", "80")])
    def test_bad_input(self, remote: Any) -> None:
        with pytest.raises(TypeError, match="as_connectable"):
            as_connectable(remote)

    async def test_round_trip_through_tuple(self) -> None:
        async with await create_tcp_listener(local_host="127.0.0.1") as multi:
            port = multi.extra(SocketAttribute.local_port)
            async with guarded_group() as tg:
                tg.start_soon(multi.serve, close_stream)
                async with await as_connectable(("127.0.0.1", port)).connect() as stream:
                    assert isinstance(stream, anyio.abc.SocketStream)
                tg.cancel_scope.cancel()

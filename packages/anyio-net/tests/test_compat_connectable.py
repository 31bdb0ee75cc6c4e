"""Connectables behave like AnyIO's: dataclass equality, port checks, error wording."""

from __future__ import annotations

import dataclasses
import socket
import sys
from typing import TYPE_CHECKING, Any

import pytest

from anyio import ConnectionFailed, TCPConnectable, UNIXConnectable, as_connectable

if TYPE_CHECKING:
    from pathlib import Path


class TestConnectableDataclass:
    def test_tcp_equality(self) -> None:
        assert TCPConnectable("127.0.0.1", 80) == TCPConnectable("127.0.0.1", 80)
        assert TCPConnectable("127.0.0.1", 80) != TCPConnectable("127.0.0.1", 81)

    def test_unix_equality(self) -> None:
        assert UNIXConnectable("/tmp/s") == UNIXConnectable("/tmp/s")
        assert UNIXConnectable("/tmp/s") != UNIXConnectable("/tmp/t")

    def test_fields_and_replace(self) -> None:
        connectable = TCPConnectable("example.org", 80)
        assert [field.name for field in dataclasses.fields(connectable)] == ["host", "port"]
        assert dataclasses.replace(connectable, port=443) == TCPConnectable("example.org", 443)

    def test_repr(self) -> None:
        assert repr(TCPConnectable("h", 1)) == "TCPConnectable(host='h', port=1)"
        assert repr(UNIXConnectable(b"/s")) == "UNIXConnectable(path=b'/s')"


class TestTCPConnectablePort:
    @pytest.mark.parametrize("port", [0, -1, 65536])
    def test_out_of_range(self, port: int) -> None:
        with pytest.raises(ValueError, match="TCP port number out of range"):
            TCPConnectable("127.0.0.1", port)

    @pytest.mark.parametrize("port", ["80", 80.0, None])
    def test_not_an_integer(self, port: Any) -> None:
        with pytest.raises(TypeError, match="must be an integer"):
            TCPConnectable("127.0.0.1", port)


class TestAsConnectableErrors:
    @pytest.mark.parametrize("remote", [42, None, ["127.0.0.1", 80], (1, 2, 3)])
    def test_wording(self, remote: Any) -> None:
        with pytest.raises(TypeError, match=r"^cannot convert .* to a connectable"):
            as_connectable(remote)


@pytest.mark.anyio
class TestConnectFailureWording:
    async def test_tcp(self) -> None:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        with pytest.raises(ConnectionFailed, match=rf"^error connecting to 127\.0\.0\.1:{port}: "):
            await TCPConnectable("127.0.0.1", port).connect()

    @pytest.mark.skipif(sys.platform == "win32", reason="UNIX sockets")
    async def test_unix(self, tmp_path: Path) -> None:
        path = str(tmp_path / "missing")
        with pytest.raises(ConnectionFailed, match=r"^error connecting to '.*missing': ") as info:
            await UNIXConnectable(path).connect()
        assert isinstance(info.value.__cause__, FileNotFoundError)

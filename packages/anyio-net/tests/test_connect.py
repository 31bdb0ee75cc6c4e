"""Connecting (``_net/_connect.py``): Happy Eyeballs, failures, cancellation, local addresses."""

from __future__ import annotations

import socket
import sys
from ipaddress import IPv4Address
from typing import TYPE_CHECKING, Any

import pytest

import anyio
from anyio import (
    CancelScope,
    ConnectionFailed,
    connect_tcp,
    create_tcp_listener,
    fail_after,
    sleep_forever,
)
from anyio._net import _connect
from anyio.abc import SocketAttribute, SocketStream

from ._net_helpers import count_fds, guarded_group, needs_ipv6

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

if sys.version_info < (3, 11):
    from exceptiongroup import BaseExceptionGroup

pytestmark = pytest.mark.anyio


@pytest.fixture
async def server() -> AsyncIterator[int]:
    """A TCP server on 127.0.0.1 that closes every connection; yields its port."""

    multi = await create_tcp_listener(local_host="127.0.0.1")
    async with multi, anyio.create_task_group() as tg:
        tg.start_soon(multi.serve, close_stream)
        yield multi.extra(SocketAttribute.local_port)
        tg.cancel_scope.cancel()


async def close_stream(stream: SocketStream) -> None:
    await stream.aclose()


def refused_ports(count: int) -> list[int]:
    """``count`` different ports where nothing listens (bound together, then closed)."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def refused_port() -> int:
    """A port where nothing listens (bound and closed at once)."""
    return refused_ports(1)[0]


def fake_resolver(monkeypatch: pytest.MonkeyPatch, targets: list[tuple[Any, ...]]) -> None:
    """Make connect_tcp() see ``targets`` as the resolved addresses, in this order."""

    def family(target: tuple[Any, ...]) -> socket.AddressFamily:
        return socket.AF_INET6 if ":" in target[0] else socket.AF_INET

    async def resolve(*args: Any, **kwargs: Any) -> list[Any]:
        await anyio.lowlevel.checkpoint()
        return [(family(target), socket.SOCK_STREAM, 6, "", target) for target in targets]

    monkeypatch.setattr(_connect, "resolve", resolve)


@pytest.fixture
def hanging_ports(monkeypatch: pytest.MonkeyPatch) -> set[int]:
    """Connection attempts to ports in this set never finish (a silent host)."""
    hanging: set[int] = set()
    real = _connect._connect_socket

    async def connect(sock: socket.socket, address: Any) -> None:
        if address[1] in hanging:
            await sleep_forever()
        await real(sock, address)

    monkeypatch.setattr(_connect, "_connect_socket", connect)
    return hanging


class TestConnectTCP:
    @pytest.mark.parametrize("host", ["127.0.0.1", IPv4Address("127.0.0.1"), "localhost"])
    async def test_hosts(self, server: int, host: Any) -> None:
        with fail_after(10):
            async with await connect_tcp(host, server) as stream:
                assert isinstance(stream, SocketStream)
                assert stream.extra(SocketAttribute.remote_port) == server

    async def test_local_host_and_port(self, server: int, free_tcp_port: int) -> None:
        with fail_after(10):
            stream = await connect_tcp(
                "127.0.0.1", server, local_host="127.0.0.1", local_port=free_tcp_port
            )
        async with stream:
            assert stream.extra(SocketAttribute.local_port) == free_tcp_port

    async def test_local_port_without_local_host(self, server: int, free_tcp_port: int) -> None:
        with fail_after(10):
            async with await connect_tcp("127.0.0.1", server, local_port=free_tcp_port) as stream:
                assert stream.extra(SocketAttribute.local_port) == free_tcp_port

    async def test_refused(self) -> None:
        with pytest.raises(ConnectionFailed, match="All connection attempts failed") as info:
            await connect_tcp("127.0.0.1", refused_port())
        assert isinstance(info.value, OSError)
        assert isinstance(info.value.__cause__, ConnectionRefusedError)

    async def test_every_error_is_kept(self, monkeypatch: pytest.MonkeyPatch) -> None:
        # Two distinct ports: one port bound and closed twice may come back twice.
        first, second = refused_ports(2)
        fake_resolver(monkeypatch, [("127.0.0.1", first), ("127.0.0.1", second)])
        with pytest.raises(ConnectionFailed) as info:
            await connect_tcp("example.invalid", 1)
        group = info.value.__cause__
        assert isinstance(group, BaseExceptionGroup)
        assert len(group.exceptions) == 2

    async def test_unresolvable_host(self) -> None:
        with pytest.raises(OSError):  # noqa: PT011 - socket.gaierror's text varies by libc
            await connect_tcp("no-such-host.invalid", 80)


class TestIPv4AddressFastPath:
    """An IPv4 address and an int port skip name resolution (no worker thread, no yield)."""

    async def test_needs_no_resolver(self, monkeypatch: pytest.MonkeyPatch, server: int) -> None:
        async def resolve(*args: Any, **kwargs: Any) -> list[Any]:
            raise AssertionError("an IPv4 address was resolved")

        monkeypatch.setattr(_connect, "resolve", resolve)
        with fail_after(10):
            async with await connect_tcp("127.0.0.1", server) as stream:
                assert stream.extra(SocketAttribute.remote_port) == server

    @pytest.mark.parametrize("host", ["127.1", "localhost"])
    async def test_other_forms_are_still_resolved(self, server: int, host: str) -> None:
        with fail_after(10):
            async with await connect_tcp(host, server) as stream:
                assert stream.extra(SocketAttribute.remote_port) == server

    async def test_no_attempt_when_already_cancelled(
        self, monkeypatch: pytest.MonkeyPatch, server: int
    ) -> None:
        attempts: list[Any] = []

        async def connect(sock: socket.socket, address: Any) -> None:
            attempts.append(address)

        monkeypatch.setattr(_connect, "_connect_socket", connect)
        before = count_fds()
        with CancelScope() as scope:
            scope.cancel()
            await connect_tcp("127.0.0.1", server)
        assert scope.cancelled_caught
        assert attempts == []
        assert count_fds() == before


class TestHappyEyeballs:
    def test_families_alternate_first_family_first(self) -> None:
        v6 = [(socket.AF_INET6, (f"::{i}", 1)) for i in range(1, 4)]
        v4 = [(socket.AF_INET, (f"10.0.0.{i}", 1)) for i in range(1, 3)]
        ordered = _connect._interleave([*v6, *v4])
        assert ordered == [v6[0], v4[0], v6[1], v4[1], v6[2]]

    async def test_failed_attempt_starts_the_next_at_once(
        self, monkeypatch: pytest.MonkeyPatch, server: int
    ) -> None:
        fake_resolver(monkeypatch, [("127.0.0.1", refused_port()), ("127.0.0.1", server)])
        with fail_after(5):  # not happy_eyeballs_delay: the refusal moves on at once
            stream = await connect_tcp("example.invalid", 1, happy_eyeballs_delay=3600)
        async with stream:
            assert stream.extra(SocketAttribute.remote_port) == server

    async def test_slow_attempt_gets_company_after_the_delay(
        self, monkeypatch: pytest.MonkeyPatch, server: int, hanging_ports: set[int]
    ) -> None:
        hanging_ports.add(1)
        fake_resolver(monkeypatch, [("127.0.0.1", 1), ("127.0.0.1", server)])
        before = count_fds()
        with fail_after(10):
            stream = await connect_tcp("example.invalid", 1, happy_eyeballs_delay=0.01)
        async with stream:
            assert stream.extra(SocketAttribute.remote_port) == server
            assert count_fds() == before + 1  # the hanging loser was closed

    @needs_ipv6
    async def test_both_families(self, monkeypatch: pytest.MonkeyPatch) -> None:
        async with await create_tcp_listener(local_host="::1") as multi:
            port = multi.extra(SocketAttribute.local_port)
            fake_resolver(monkeypatch, [("127.0.0.1", port), ("::1", port, 0, 0)])
            async with guarded_group() as tg:
                tg.start_soon(multi.serve, close_stream)
                async with await connect_tcp("dual.invalid", port) as stream:
                    assert stream.extra(SocketAttribute.family) == socket.AF_INET6
                tg.cancel_scope.cancel()


class TestCancellationLeaksNothing:
    async def test_during_resolution(self, monkeypatch: pytest.MonkeyPatch) -> None:
        async def resolve(*args: Any, **kwargs: Any) -> list[Any]:
            await sleep_forever()
            raise AssertionError

        monkeypatch.setattr(_connect, "resolve", resolve)
        before = count_fds()
        with CancelScope() as scope:
            scope.cancel()
            await connect_tcp("example.invalid", 80)
        assert scope.cancelled_caught
        assert count_fds() == before

    async def test_during_the_race(
        self, monkeypatch: pytest.MonkeyPatch, hanging_ports: set[int]
    ) -> None:
        hanging_ports.update({1, 2, 3})
        fake_resolver(monkeypatch, [("127.0.0.1", 1), ("127.0.0.1", 2), ("127.0.0.1", 3)])
        before = count_fds()
        with anyio.move_on_after(0.05) as scope:
            await connect_tcp("example.invalid", 1, happy_eyeballs_delay=0.01)
        assert scope.cancelled_caught
        assert count_fds() == before

    @pytest.mark.parametrize("attempts", [1, 2], ids=["one_address", "race"])
    async def test_just_after_a_winner_connected(
        self, monkeypatch: pytest.MonkeyPatch, server: int, attempts: int
    ) -> None:
        fake_resolver(monkeypatch, [("127.0.0.1", server), ("127.0.0.2", server)][:attempts])
        real = _connect._connect_socket
        outer = CancelScope()

        async def connect_then_cancel(sock: socket.socket, address: Any) -> None:
            await real(sock, address)
            outer.cancel()  # the caller gives up as the winner arrives

        monkeypatch.setattr(_connect, "_connect_socket", connect_then_cancel)
        before = count_fds()
        with outer:
            await connect_tcp("example.invalid", server)
            pytest.fail("the cancellation was lost")
        assert count_fds() == before

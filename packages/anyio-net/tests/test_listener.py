"""Listeners (``_net/_listener.py``): binding, accepting, serving and closing."""

from __future__ import annotations

import errno
import socket
import sys
from typing import TYPE_CHECKING, Any

import pytest

import anyio
from anyio import (
    BusyResourceError,
    CancelScope,
    ClosedResourceError,
    create_tcp_listener,
    wait_all_tasks_blocked,
)
from anyio._net import _listener
from anyio.abc import SocketAttribute, SocketListener
from anyio.streams.stapled import MultiListener

from ._net_helpers import guarded_group, has_ipv6, linux_only, needs_ipv6, needs_unix, raw

if TYPE_CHECKING:
    from anyio.abc import SocketStream

pytestmark = pytest.mark.anyio

needs_dual_stack = pytest.mark.skipif(
    not (has_ipv6() and socket.has_dualstack_ipv6()), reason="no dual-stack IPv6 here"
)


def ports(listener: MultiListener[SocketStream]) -> set[int]:
    return {sub.extra(SocketAttribute.local_port) for sub in listener.listeners}


class TestCreateTCPListener:
    async def test_returns_a_multilistener(self) -> None:
        async with await create_tcp_listener(local_host="127.0.0.1") as multi:
            assert isinstance(multi, MultiListener)
            assert len(multi.listeners) == 1
            assert isinstance(multi.listeners[0], SocketListener)
            assert multi.extra(SocketAttribute.family) == socket.AF_INET

    @needs_dual_stack
    @pytest.mark.parametrize("local_port", [0, "free"])
    async def test_every_interface_one_dual_stack_socket(
        self, local_port: int | str, free_tcp_port: int
    ) -> None:
        """AnyIO 4.11+: no host and no family: one IPv6 socket that takes IPv4 too."""
        port = free_tcp_port if local_port == "free" else 0
        async with await create_tcp_listener(local_port=port) as multi:
            assert len(multi.listeners) == 1
            sock = raw(multi.listeners[0])
            assert sock.family == socket.AF_INET6
            assert sock.getsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY) == 0
            if sys.platform != "win32":
                assert sock.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR)
            (bound,) = ports(multi)
            if port:
                assert bound == port
            listener = multi.listeners[0]
            for host in ("127.0.0.1", "::1"):
                async with guarded_group() as tg:
                    tg.start_soon(accept_and_close, listener)
                    client = await anyio.connect_tcp(host, bound)
                    await client.aclose()

    @needs_ipv6
    async def test_each_family_without_dual_stack(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(socket, "has_dualstack_ipv6", lambda: False)
        async with await create_tcp_listener() as multi:
            families = [sub.extra(SocketAttribute.family) for sub in multi.listeners]
            assert families == [socket.AF_INET, socket.AF_INET6]  # IPv4 first, as AnyIO
            assert len(ports(multi)) == 1
            for sub in multi.listeners:
                sock = raw(sub)
                if sys.platform != "win32":
                    assert sock.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR)
                if sock.family == socket.AF_INET6:
                    assert sock.getsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY)

    @needs_ipv6
    @pytest.mark.parametrize(
        ("local_host", "family"),
        [("::", socket.AF_UNSPEC), (None, socket.AF_INET6)],
        ids=["explicit-wildcard", "family-inet6"],
    )
    async def test_ipv6_wildcard_asked_for_is_ipv6_only(
        self, local_host: str | None, family: socket.AddressFamily
    ) -> None:
        async with await create_tcp_listener(local_host=local_host, family=family) as multi:
            assert len(multi.listeners) == 1
            sock = raw(multi.listeners[0])
            assert sock.family == socket.AF_INET6
            assert sock.getsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY)

    async def test_ipv4_family_without_host(self) -> None:
        async with await create_tcp_listener(family=socket.AF_INET) as multi:
            assert [sub.extra(SocketAttribute.family) for sub in multi.listeners] == [
                socket.AF_INET
            ]

    async def test_given_port(self, free_tcp_port: int) -> None:
        async with await create_tcp_listener(
            local_host="127.0.0.1", local_port=free_tcp_port
        ) as m:
            assert ports(m) == {free_tcp_port}

    @pytest.mark.skipif(not hasattr(socket, "SO_REUSEPORT"), reason="no SO_REUSEPORT")
    async def test_reuse_port(self) -> None:
        async with await create_tcp_listener(local_host="127.0.0.1", reuse_port=True) as first:
            (port,) = ports(first)
            async with await create_tcp_listener(
                local_host="127.0.0.1", local_port=port, reuse_port=True
            ) as second:
                assert ports(second) == {port}

    async def test_port_taken(self) -> None:
        async with await create_tcp_listener(local_host="127.0.0.1") as first:
            (port,) = ports(first)
            with pytest.raises(OSError, match="in use"):
                await create_tcp_listener(local_host="127.0.0.1", local_port=port)

    @needs_ipv6
    async def test_family_filter(self) -> None:
        async with await create_tcp_listener(family=socket.AF_INET6) as multi:
            assert {sub.extra(SocketAttribute.family) for sub in multi.listeners} == {
                socket.AF_INET6
            }


class TestSamePortOnEveryAddress:
    """With ``local_port=0`` every socket gets the port the OS gave the first one.

    Two IPv4 loopback addresses stand in for two families (Linux answers on all of
    127/8), so these run without IPv6; ``bind()`` is patched to simulate collisions.
    """

    @pytest.fixture
    def two_addresses(self, monkeypatch: pytest.MonkeyPatch) -> list[str]:
        hosts = ["127.0.0.1", "127.0.0.2"]

        async def resolve(host: object, port: int, **kwargs: object) -> list[Any]:
            kind = socket.SOCK_STREAM
            return [(socket.AF_INET, kind, 6, "", (name, port)) for name in reversed(hosts)]

        monkeypatch.setattr(_listener, "resolve", resolve)
        return hosts

    @linux_only
    async def test_same_port(self, two_addresses: list[str]) -> None:
        async with await create_tcp_listener(local_host="two") as multi:
            addresses = [sub.extra(SocketAttribute.local_address) for sub in multi.listeners]
            assert [host for host, _ in addresses] == two_addresses  # sorted
            assert len(ports(multi)) == 1

    @linux_only
    async def test_retries_when_the_port_is_taken(
        self, two_addresses: list[str], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        real_bind = socket.socket.bind
        attempts: list[tuple[str, int]] = []

        def bind(sock: socket.socket, address: tuple[str, int]) -> None:
            attempts.append(address)
            if len(attempts) == 2:  # the second address, on the first address's port
                raise OSError(errno.EADDRINUSE, "simulated: port in use")
            real_bind(sock, address)

        monkeypatch.setattr(socket.socket, "bind", bind)
        async with await create_tcp_listener(local_host="two") as multi:
            assert len(multi.listeners) == 2
            assert len(ports(multi)) == 1
        # The retry let the other address pick the port first.
        hosts = [host for host, _ in attempts]
        assert hosts == ["127.0.0.1", "127.0.0.2", "127.0.0.2", "127.0.0.1"]
        assert attempts[2][1] == 0  # the OS picked again, for 127.0.0.2 this time

    @linux_only
    async def test_gives_up_with_anyio_message(
        self, two_addresses: list[str], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        real_bind = socket.socket.bind
        bound: list[socket.socket] = []

        def bind(sock: socket.socket, address: tuple[str, int]) -> None:
            if address[1] != 0:
                raise OSError(errno.EADDRINUSE, "simulated: port in use")
            real_bind(sock, address)
            bound.append(sock)

        monkeypatch.setattr(socket.socket, "bind", bind)
        with pytest.raises(OSError, match="Could not create 2 listeners with a consistent port"):
            await create_tcp_listener(local_host="two")
        assert len(bound) > 1
        assert all(sock.fileno() == -1 for sock in bound)  # nothing leaked

    @linux_only
    async def test_explicit_port_taken_is_not_retried(
        self, two_addresses: list[str], free_tcp_port: int
    ) -> None:
        with socket.socket() as squatter:
            squatter.bind(("127.0.0.2", free_tcp_port))
            squatter.listen()
            with pytest.raises(OSError, match="in use") as caught:
                await create_tcp_listener(local_host="two", local_port=free_tcp_port)
            assert caught.value.errno == errno.EADDRINUSE


class TestAccept:
    async def test_close_wakes_accept(self, anyio_backend_name: str) -> None:
        async with await create_tcp_listener(local_host="127.0.0.1") as multi:
            listener = multi.listeners[0]
            fd = raw(listener).fileno()
            outcome: list[BaseException] = []

            async def accept() -> None:
                try:
                    await listener.accept()
                except ClosedResourceError as exc:
                    outcome.append(exc)

            async with guarded_group() as tg:
                tg.start_soon(accept)
                await wait_all_tasks_blocked()
                await listener.aclose()
            assert len(outcome) == 1
            if anyio_backend_name == "asyncio":
                import asyncio

                assert not asyncio.get_running_loop().remove_reader(fd)

    async def test_second_accept_is_busy(self) -> None:
        async with await create_tcp_listener(local_host="127.0.0.1") as multi:
            listener = multi.listeners[0]
            async with guarded_group() as tg:
                tg.start_soon(listener.accept)
                await wait_all_tasks_blocked()
                with pytest.raises(BusyResourceError):
                    await listener.accept()
                tg.cancel_scope.cancel()

    async def test_aclose_in_cancelled_scope(self) -> None:
        multi = await create_tcp_listener(local_host="127.0.0.1")
        sock = raw(multi.listeners[0])
        with CancelScope() as scope:
            scope.cancel()
            await multi.aclose()
            pytest.fail("aclose() in a cancelled scope did not raise")
        assert scope.cancelled_caught
        assert sock.fileno() == -1

    async def test_accept_after_close(self) -> None:
        multi = await create_tcp_listener(local_host="127.0.0.1")
        await multi.aclose()
        with pytest.raises(ClosedResourceError):
            await multi.listeners[0].accept()


class TestServe:
    @pytest.mark.parametrize("own_group", [False, True])
    async def test_serves_each_connection(self, own_group: bool) -> None:
        served: list[bytes] = []

        async def handler(stream: SocketStream) -> None:
            async with stream:
                served.append(await stream.receive())
                await stream.send(b"bye")

        async with await create_tcp_listener(local_host="127.0.0.1") as multi:
            (port,) = ports(multi)
            async with guarded_group() as tg:
                if own_group:
                    tg.start_soon(multi.serve, handler, tg)
                else:
                    tg.start_soon(multi.serve, handler)
                for message in (b"one", b"two"):
                    async with await anyio.connect_tcp("127.0.0.1", port) as client:
                        await client.send(message)
                        assert await client.receive() == b"bye"
                tg.cancel_scope.cancel()
        assert served == [b"one", b"two"]


async def accept_and_close(listener: SocketListener) -> None:
    stream = await listener.accept()
    await stream.aclose()


class TestFromSocket:
    async def test_bound_tcp_socket(self) -> None:
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        listener = await SocketListener.from_socket(sock)
        async with listener:
            port = listener.extra(SocketAttribute.local_port)
            async with guarded_group() as tg:
                tg.start_soon(accept_and_close, listener)
                client = await anyio.connect_tcp("127.0.0.1", port)
                await client.aclose()

    async def test_unix_socket(self, tmp_path_factory: pytest.TempPathFactory) -> None:
        path = str(tmp_path_factory.mktemp("unix") / "s")
        sock = socket.socket(socket.AF_UNIX)
        sock.bind(path)
        sock.listen()
        listener = await SocketListener.from_socket(sock.fileno())
        sock.detach()
        async with listener, guarded_group() as tg:
            assert listener.extra(SocketAttribute.family) == socket.AF_UNIX
            tg.start_soon(accept_and_close, listener)
            stream = await anyio.connect_unix(path)
            await stream.aclose()

    async def test_datagram_socket_refused(self) -> None:
        with socket.socket(type=socket.SOCK_DGRAM) as sock:
            sock.bind(("127.0.0.1", 0))
            with pytest.raises(ValueError, match="socket type mismatch"):
                await SocketListener.from_socket(sock)
            assert sock.fileno() != -1  # still the caller's

    @pytest.mark.parametrize("end", ["client", "server"])
    @pytest.mark.parametrize("as_fd", [False, True], ids=["socket", "fd"])
    async def test_connected_socket_refused(self, end: str, as_fd: bool) -> None:
        with socket.socket() as server:
            server.bind(("127.0.0.1", 0))
            server.listen()
            with socket.create_connection(server.getsockname()) as client:
                accepted = server.accept()[0]
                with accepted:
                    sock = client if end == "client" else accepted
                    with pytest.raises(ValueError, match=r"^the socket must be listening"):
                        await SocketListener.from_socket(sock.fileno() if as_fd else sock)
                    assert sock.fileno() != -1  # still the caller's
                    # ...and still connected: nothing was done to it.
                    peer = accepted if sock is client else client
                    sock.sendall(b"x")
                    assert peer.recv(1) == b"x"

    @needs_unix
    async def test_connected_unix_socket_refused(
        self, tmp_path_factory: pytest.TempPathFactory
    ) -> None:
        path = str(tmp_path_factory.mktemp("unix") / "s")
        with socket.socket(socket.AF_UNIX) as server:
            server.bind(path)
            server.listen()
            with socket.socket(socket.AF_UNIX) as client:
                client.connect(path)
                accepted = server.accept()[0]
                with accepted, pytest.raises(ValueError, match=r"^the socket must be listening"):
                    await SocketListener.from_socket(accepted)  # bound to the path, connected

"""The pytest plugin's free-port fixtures (anyio-testing) with anyio-net's sockets."""

from __future__ import annotations

import socket
from typing import TYPE_CHECKING

import pytest

from anyio import connect_tcp, create_tcp_listener, create_udp_socket
from anyio.abc import SocketAttribute

from ._net_helpers import guarded_group

if TYPE_CHECKING:
    from collections.abc import Callable

    from anyio.abc import SocketStream

pytestmark = pytest.mark.anyio


async def close_stream(stream: SocketStream) -> None:
    await stream.aclose()


async def test_free_tcp_port(free_tcp_port: int) -> None:
    async with await create_tcp_listener(local_host="127.0.0.1", local_port=free_tcp_port) as m:
        assert m.extra(SocketAttribute.local_port) == free_tcp_port
        async with guarded_group() as tg:
            tg.start_soon(m.serve, close_stream)
            async with await connect_tcp("127.0.0.1", free_tcp_port) as stream:
                assert stream.extra(SocketAttribute.remote_port) == free_tcp_port
            tg.cancel_scope.cancel()


async def test_free_tcp_port_on_every_family(free_tcp_port: int) -> None:
    async with await create_tcp_listener(local_port=free_tcp_port) as multi:
        assert {sub.extra(SocketAttribute.local_port) for sub in multi.listeners} == {
            free_tcp_port
        }


async def test_free_udp_port(free_udp_port: int) -> None:
    async with await create_udp_socket(
        socket.AF_INET, local_host="127.0.0.1", local_port=free_udp_port
    ) as udp:
        assert udp.extra(SocketAttribute.local_port) == free_udp_port


async def test_factories_hand_out_distinct_ports(
    free_tcp_port_factory: Callable[[], int], free_udp_port_factory: Callable[[], int]
) -> None:
    tcp_ports = {free_tcp_port_factory() for _ in range(5)}
    udp_ports = {free_udp_port_factory() for _ in range(5)}
    assert len(tcp_ports) == len(udp_ports) == 5
    listeners = [
        await create_tcp_listener(local_host="127.0.0.1", local_port=port) for port in tcp_ports
    ]
    for listener in listeners:
        await listener.aclose()

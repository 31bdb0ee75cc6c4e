"""The checkpoint of a socket operation that succeeded at once (``_stream.py``, ``_datagram.py``).

A ``send()`` or ``receive()`` whose system call succeeds without waiting still
yields to the loop once. The tests here cancel the caller's scope from
another task *during* that yield: a stream's ``send()`` / ``receive()`` and a
datagram ``send()`` then return normally (their yield is cancel-shielded, so
the bytes are neither sent nor read in vain) and the cancellation surfaces at
the next checkpoint; a datagram ``receive()`` raises it, but keeps the
datagram for the next ``receive()``.

How the cancellation lands inside the yield: the canceller waits on an event
that the caller sets right before its operation, so the canceller is woken
first (on Trio both run in the next batch, in either order; then the
operation may also finish before the cancellation, which the assertions
accept).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from anyio import (
    CancelScope,
    Event,
    create_connected_udp_socket,
    create_udp_socket,
    fail_after,
    sleep_forever,
    wait_all_tasks_blocked,
)
from anyio.abc import SocketAttribute

from ._net_helpers import guarded_group, tcp_pair

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

pytestmark = pytest.mark.anyio

LOCALHOST = "127.0.0.1"


async def cancelled_during(operation: Callable[[], Awaitable[Any]]) -> tuple[bool, Any]:
    """Run ``operation`` while another task cancels its scope; return (returned?, result)."""
    go = Event()
    scope = CancelScope()
    returned: list[Any] = []

    async def cancel_on_go() -> None:
        await go.wait()
        scope.cancel()

    async with guarded_group() as tg:
        tg.start_soon(cancel_on_go)
        await wait_all_tasks_blocked()
        with scope:
            go.set()
            returned.append(await operation())
            await sleep_forever()  # the cancellation lands here if not before
    assert scope.cancelled_caught
    return bool(returned), returned[0] if returned else None


class TestStreams:
    async def test_send_that_succeeded_returns_despite_a_cancel(self) -> None:
        async with tcp_pair() as (client, server):
            returned, _ = await cancelled_during(lambda: client.send(b"sent"))
            assert returned, "send() raised the cancellation after the OS took the bytes"
            assert await server.receive() == b"sent"

    async def test_receive_that_read_returns_despite_a_cancel(self) -> None:
        async with tcp_pair() as (client, server):
            await client.send(b"read")
            await wait_all_tasks_blocked()
            returned, data = await cancelled_during(server.receive)
            assert returned, "receive() raised the cancellation after reading the bytes"
            assert data == b"read"


class TestDatagrams:
    async def test_send_that_succeeded_returns_despite_a_cancel(self) -> None:
        async with await create_udp_socket(local_host=LOCALHOST) as peer:
            port = peer.extra(SocketAttribute.local_port)
            async with await create_connected_udp_socket(LOCALHOST, port) as sock:
                returned, _ = await cancelled_during(lambda: sock.send(b"sent"))
                assert returned, "send() raised the cancellation after the OS took the datagram"
                assert (await peer.receive())[0] == b"sent"

    @pytest.mark.parametrize("connected", [False, True], ids=["unconnected", "connected"])
    async def test_cancelled_receive_keeps_the_datagram(self, connected: bool) -> None:
        async with await create_udp_socket(local_host=LOCALHOST) as peer:
            port = peer.extra(SocketAttribute.local_port)
            async with await create_connected_udp_socket(LOCALHOST, port) as sock:
                receiver = sock if connected else peer
                sender = peer if connected else sock
                if connected:
                    await peer.sendto(b"first", LOCALHOST, sock.extra(SocketAttribute.local_port))
                else:
                    await sender.send(b"first")  # type: ignore[arg-type]
                await wait_all_tasks_blocked()
                returned, item = await cancelled_during(receiver.receive)
                if not returned:  # cancelled after the read: the next receive() has it
                    with fail_after(5):
                        item = await receiver.receive()
                payload = item if connected else item[0]
                assert payload == b"first"

    async def test_kept_datagram_comes_before_newer_ones(self) -> None:
        async with await create_udp_socket(local_host=LOCALHOST) as peer:
            port = peer.extra(SocketAttribute.local_port)
            async with await create_connected_udp_socket(LOCALHOST, port) as sock:
                await sock.send(b"1")
                await wait_all_tasks_blocked()
                returned, item = await cancelled_during(peer.receive)
                await sock.send(b"2")
                received = [item[0]] if returned else []
                with fail_after(5):
                    while len(received) < 2:  # the two datagrams
                        received.append((await peer.receive())[0])
                assert received == [b"1", b"2"]


class TestDatagramWaitFirst:
    async def test_queued_datagrams_arrive_after_a_receive_that_waited(self) -> None:
        """After a receive that found nothing, the next ones wait first: queued data wakes them."""
        async with await create_udp_socket(local_host=LOCALHOST) as peer:
            port = peer.extra(SocketAttribute.local_port)
            async with await create_connected_udp_socket(LOCALHOST, port) as sock:
                async with guarded_group() as tg:
                    tg.start_soon(peer.receive)  # finds nothing, then waits
                    await wait_all_tasks_blocked()
                    await sock.send(b"0")
                for index in range(1, 12):
                    await sock.send(str(index).encode())
                with fail_after(5):
                    received = [(await peer.receive())[0] for _ in range(1, 12)]
                assert received == [str(index).encode() for index in range(1, 12)]

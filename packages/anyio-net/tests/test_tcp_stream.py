"""TCP socket streams (``_net/_stream.py``): data, ends, errors, closing and cancellation."""

from __future__ import annotations

import socket

import pytest

import anyio
from anyio import (
    BrokenResourceError,
    BusyResourceError,
    CancelScope,
    ClosedResourceError,
    EndOfStream,
    aclose_forcefully,
    wait_all_tasks_blocked,
)
from anyio.abc import SocketAttribute

from ._net_helpers import fill, guarded_group, raw, reset, tcp_pair

pytestmark = pytest.mark.anyio


class TestData:
    async def test_round_trip(self) -> None:
        async with tcp_pair() as (client, server):
            await client.send(b"ping")
            assert await server.receive() == b"ping"
            await server.send(b"pong")
            assert await client.receive() == b"pong"

    async def test_bulk_transfer_arrives_whole(self) -> None:
        payload = bytes(range(256)) * 16384  # 4 MiB: many times the socket buffers
        received = bytearray()
        async with tcp_pair() as (client, server), guarded_group() as tg:

            async def read_all() -> None:
                while len(received) < len(payload):
                    received.extend(await server.receive())

            tg.start_soon(read_all)
            await client.send(payload)
        assert received == payload

    async def test_receive_returns_bytes_up_to_max(self) -> None:
        async with tcp_pair() as (client, server):
            await client.send(b"abcdef")
            with anyio.fail_after(10):
                first = await server.receive(4)
            assert type(first) is bytes
            assert first == b"abcd"[: len(first)]

    @pytest.mark.parametrize("max_bytes", [0, -1, 1.5, "10", None])
    async def test_max_bytes_must_be_a_positive_integer(self, max_bytes: object) -> None:
        async with tcp_pair() as (_client, server):
            with pytest.raises(ValueError, match="max_bytes must be a positive integer"):
                await server.receive(max_bytes)  # type: ignore[arg-type]

    async def test_nodelay_on_both_sides(self) -> None:
        async with tcp_pair() as (client, server):
            for stream in (client, server):
                assert raw(stream).getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)

    async def test_attributes(self) -> None:
        async with tcp_pair() as (client, server):
            assert client.extra(SocketAttribute.family) == socket.AF_INET
            assert client.extra(SocketAttribute.remote_address) == server.extra(
                SocketAttribute.local_address
            )
            assert client.extra(SocketAttribute.local_port) == server.extra(
                SocketAttribute.remote_port
            )
            assert client.extra(SocketAttribute.remote_port) == server.extra(
                SocketAttribute.local_port
            )
            assert isinstance(client.extra(SocketAttribute.raw_socket), socket.socket)


class TestBusy:
    async def test_second_receive(self) -> None:
        async with tcp_pair() as (_client, server), guarded_group() as tg:
            tg.start_soon(server.receive)
            await wait_all_tasks_blocked()
            with pytest.raises(
                BusyResourceError, match=r"^Another task is already reading from this resource$"
            ):
                await server.receive()
            tg.cancel_scope.cancel()

    async def test_second_send(self) -> None:
        async with tcp_pair() as (client, _server), guarded_group() as tg:
            tg.start_soon(fill, client)
            await wait_all_tasks_blocked()
            with pytest.raises(
                BusyResourceError, match=r"^Another task is already writing to this resource$"
            ):
                await client.send(b"more")
            tg.cancel_scope.cancel()


class TestEnds:
    async def test_fin_gives_end_of_stream_every_time(self) -> None:
        async with tcp_pair() as (client, server):
            await client.aclose()
            for _ in range(2):
                with pytest.raises(EndOfStream):
                    await server.receive()

    async def test_reset_gives_broken_resource(self) -> None:
        async with tcp_pair() as (client, server):
            reset(raw(client).dup())
            await client.aclose()
            with pytest.raises(BrokenResourceError) as info:
                await server.receive()
            assert isinstance(info.value.__cause__, ConnectionResetError)

    async def test_send_eof_half_closes(self) -> None:
        async with tcp_pair() as (client, server):
            await client.send(b"request")
            await client.send_eof()
            assert await server.receive() == b"request"
            with pytest.raises(EndOfStream):
                await server.receive()
            await server.send(b"reply")  # the other direction still works
            assert await client.receive() == b"reply"
            await client.aclose()
            with pytest.raises(ClosedResourceError):
                await client.send_eof()


class TestClosing:
    async def test_aclose_in_cancelled_scope_closes_then_raises(self) -> None:
        async with tcp_pair() as (client, _server):
            sock = raw(client)
            with CancelScope() as scope:
                scope.cancel()
                await client.aclose()
                pytest.fail("aclose() in a cancelled scope did not raise")
            assert scope.cancelled_caught
            assert sock.fileno() == -1

    async def test_use_after_close(self) -> None:
        async with tcp_pair() as (client, _server):
            await client.aclose()
            with pytest.raises(ClosedResourceError):
                await client.send(b"x")
            with pytest.raises(ClosedResourceError):
                await client.receive()
            await client.aclose()  # closing again is harmless

    async def test_close_wakes_a_waiting_receive(self) -> None:
        async with tcp_pair() as (_client, server), guarded_group() as tg:
            outcome: list[BaseException] = []

            async def receive() -> None:
                try:
                    await server.receive()
                except ClosedResourceError as exc:
                    outcome.append(exc)

            tg.start_soon(receive)
            await wait_all_tasks_blocked()
            await server.aclose()
        assert len(outcome) == 1

    async def test_send_waiting_when_another_task_closes(self) -> None:
        async with tcp_pair() as (client, _server), guarded_group() as tg:
            outcome: list[BaseException] = []

            async def send() -> None:
                try:
                    await fill(client)
                except ClosedResourceError as exc:
                    outcome.append(exc)

            tg.start_soon(send)
            await wait_all_tasks_blocked()
            await client.aclose()
        assert len(outcome) == 1

    async def test_send_waiting_when_the_connection_is_lost(self) -> None:
        async with tcp_pair() as (client, server), guarded_group() as tg:
            outcome: list[BaseException] = []

            async def send() -> None:
                try:
                    await fill(client)
                except BrokenResourceError as exc:
                    outcome.append(exc)

            tg.start_soon(send)
            await wait_all_tasks_blocked()
            reset(raw(server).dup())
            await server.aclose()
        assert len(outcome) == 1

    async def test_concurrent_aclose_forcefully(self) -> None:
        async with tcp_pair() as (client, _server):
            sock = raw(client)
            closed_when_returned: list[bool] = []

            async def close() -> None:
                await aclose_forcefully(client)
                closed_when_returned.append(sock.fileno() == -1)

            async with guarded_group() as tg:
                tg.start_soon(close)
                tg.start_soon(close)
            assert closed_when_returned == [True, True]


class TestCancellation:
    async def test_cancelled_receive_leaves_data_with_the_os(
        self, anyio_backend_name: str
    ) -> None:
        async with tcp_pair() as (client, server):
            async with guarded_group() as tg:
                tg.start_soon(server.receive)
                await wait_all_tasks_blocked()
                tg.cancel_scope.cancel()
            if anyio_backend_name == "asyncio":  # nothing reads behind our back
                import asyncio

                assert not asyncio.get_running_loop().remove_reader(raw(server).fileno())
            await client.send(b"after the cancel")
            with anyio.fail_after(10):
                assert await server.receive() == b"after the cancel"

    async def test_cancel_point_with_data_ready(self) -> None:
        async with tcp_pair() as (client, server):
            await client.send(b"ready")
            await wait_all_tasks_blocked()
            with CancelScope() as scope:
                scope.cancel()
                await server.receive()
                pytest.fail("receive() in a cancelled scope did not raise")
            assert await server.receive() == b"ready"  # not consumed by the cancelled call


class TestFromSocket:
    async def test_connected_tcp_socket(self) -> None:
        with socket.create_server(("127.0.0.1", 0)) as server_sock:
            client_sock = socket.create_connection(server_sock.getsockname())
            peer, _ = server_sock.accept()
        stream = await anyio.abc.SocketStream.from_socket(client_sock)
        async with stream:
            assert type(stream).__name__ == "SocketStream"
            assert raw(stream).getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
            await stream.send(b"adopted")
            assert peer.recv(10) == b"adopted"
        peer.close()

    async def test_unconnected_socket_refused(self) -> None:
        with socket.socket() as sock:
            with pytest.raises(ValueError, match="must be connected"):
                await anyio.abc.SocketStream.from_socket(sock)
            assert sock.fileno() != -1  # still the caller's

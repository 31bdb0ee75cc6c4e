"""A peer that is gone while nobody reads: the next `receive()` ends, it never hangs.

The sequence is that of a TLS close against a peer that closed without its close_notify
(AnyIO's ragged-EOF case) and of an HTTP client reusing a keep-alive connection that the
server has closed: the peer sends its last bytes and closes, we read them, we write (the
peer's kernel answers with a reset), and then we receive again. By then the socket has an
error pending. On uvloop that error event kills the descriptor's poll handle (libuv stops a
poll handle on any error event; uvloop runs the reader one last time and closes it), so a
reader registration kept from the earlier receive was dead, and the receive that parked on
it waited for ever.
"""

from __future__ import annotations

import socket

import pytest

import anyio
from anyio import BrokenResourceError, EndOfStream, fail_after, wait_all_tasks_blocked

pytestmark = pytest.mark.anyio


async def test_receive_after_writing_to_a_closed_peer() -> None:
    outcomes: list[str] = []
    with socket.create_server(("127.0.0.1", 0)) as server:
        for _ in range(10):
            async with await anyio.connect_tcp(*server.getsockname()[:2]) as client:
                peer, _ = server.accept()

                async def converse() -> None:
                    # This receive finds nothing and waits for readiness: the data
                    # arrives while it waits, as a TLS stream's reads do.
                    assert await client.receive() == b"last words"
                    await client.send(b"are you there?")  # the reply is a reset
                    try:
                        await client.receive()
                    except (EndOfStream, BrokenResourceError) as exc:
                        outcomes.append(type(exc).__name__)

                with fail_after(10):
                    async with anyio.create_task_group() as tg:
                        tg.start_soon(converse)
                        await wait_all_tasks_blocked()
                        peer.sendall(b"last words")
                        peer.close()  # a FIN after the data

    assert len(outcomes) == 10

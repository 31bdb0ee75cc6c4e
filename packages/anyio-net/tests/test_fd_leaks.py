"""No file descriptor leaks: a storm of connects, accepts, cancellations and closes."""

from __future__ import annotations

import gc
import os
from contextlib import suppress
from typing import TYPE_CHECKING

import pytest

import anyio
from anyio import (
    CancelScope,
    connect_tcp,
    connect_unix,
    create_task_group,
    create_tcp_listener,
    create_unix_listener,
    wait_all_tasks_blocked,
)
from anyio.abc import SocketAttribute

from ._net_helpers import count_fds

if TYPE_CHECKING:
    from anyio.abc import SocketStream

pytestmark = [
    pytest.mark.anyio,
    pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="counts fds in /proc"),
]

ROUNDS = 30


async def echo_once(stream: SocketStream) -> None:
    async with stream:
        with suppress(anyio.EndOfStream, anyio.BrokenResourceError):
            await stream.send(await stream.receive())


async def storm(connect: object, listener: object) -> None:
    """Connect, talk, cancel and close in every order that could leak."""
    async with create_task_group() as tg:
        tg.start_soon(listener.serve, echo_once)  # type: ignore[attr-defined]
        for round_ in range(ROUNDS):
            stream = await connect()  # type: ignore[operator]
            if round_ % 3 == 0:  # a full exchange
                async with stream:
                    await stream.send(b"ping")
                    await stream.receive()
            elif round_ % 3 == 1:  # a receive cancelled while it waits
                async with stream, create_task_group() as inner:
                    inner.start_soon(stream.receive)
                    await wait_all_tasks_blocked()
                    inner.cancel_scope.cancel()
            else:  # closed inside a cancelled scope
                with CancelScope() as scope:
                    scope.cancel()
                    await stream.aclose()
            with CancelScope() as scope:  # a connect cancelled before it finished
                scope.cancel()
                await connect()  # type: ignore[operator]
        tg.cancel_scope.cancel()


async def test_tcp_storm() -> None:
    gc.collect()
    before = count_fds()
    with anyio.fail_after(30):
        async with await create_tcp_listener(local_host="127.0.0.1") as listener:
            port = listener.extra(SocketAttribute.local_port)
            await storm(lambda: connect_tcp("127.0.0.1", port), listener)
    gc.collect()
    assert count_fds() == before


async def test_unix_storm(tmp_path_factory: pytest.TempPathFactory) -> None:
    path = tmp_path_factory.mktemp("storm") / "s"
    gc.collect()
    before = count_fds()
    with anyio.fail_after(30):
        async with await create_unix_listener(path) as listener:
            await storm(lambda: connect_unix(path), listener)
    gc.collect()
    assert count_fds() == before

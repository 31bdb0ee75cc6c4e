"""A process forked while an asyncio loop runs (the asyncio backend's probe, `_detect`).

Test suites start servers with ``multiprocessing`` (fork on Linux): the child
inherits the parent's records of its running loop, yet no loop runs there
until the child starts one. anyio code in the child's own loop must find that
loop, not the parent's.
"""

from __future__ import annotations

import asyncio
import os
import sys

import pytest

import anyio

pytestmark = [
    pytest.mark.anyio,
    pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork()"),
    # Worker threads of earlier tests may be alive: the child runs no other thread.
    pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning"),
]


async def _child_work() -> int:
    async with anyio.create_task_group() as tg:
        tg.start_soon(anyio.sleep, 0)
    send, receive = anyio.create_memory_object_stream[int](1)
    with send, receive:
        await send.send(42)
        with anyio.fail_after(5):
            return await receive.receive()


def _in_child(run: str) -> None:
    """Run anyio code in a new loop of the forked child; exit 0 if it worked."""
    code = 1
    try:
        if run == "asyncio.run":
            result = asyncio.run(_child_work())
        else:
            result = anyio.run(_child_work, backend="asyncio")
        code = 0 if result == 42 else 2
    finally:
        os._exit(code)


@pytest.mark.parametrize("run", ["asyncio.run", "anyio.run"])
async def test_a_forked_child_runs_anyio_in_its_own_loop(
    run: str, anyio_backend_name: str
) -> None:
    # asyncio only: a child forked from inside a Trio run inherits Trio's own record
    # of that run, and Trio refuses to run there itself.
    if anyio_backend_name != "asyncio":
        pytest.skip("asyncio only: the parent's loop must be an asyncio one")
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        _in_child(run)
    with anyio.fail_after(30):
        _, status = await anyio.to_thread.run_sync(os.waitpid, pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0

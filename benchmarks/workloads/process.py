"""Subprocesses and worker processes (issue 15).

`spawn_wait_serial` and `spawn_wait_50` start `/bin/true` with no pipes and wait for it: 200
in a row, and 50 at once. `pipe_throughput` streams 64 MiB (16 with `--quick`) through
`cat`: one task writes 64 KiB chunks to its stdin, another reads its stdout (as many rounds
as the other rows: with three, one slow spell of the shared machine decided the median).
`run_process` runs `seq 20000` (about 110 KB of output) and collects stdout and stderr.
`to_process_round_trip` runs a no-op function in a worker process (the worker is started
during warm-up). The raw twins: `asyncio.create_subprocess_exec()` and
`loop.run_in_executor()` with a one-worker `ProcessPoolExecutor` on asyncio;
`trio.lowlevel.open_process()` / `trio.run_process()` and `trio.to_thread.run_sync()` around
a `multiprocessing` pool on trio.
"""

from __future__ import annotations

import asyncio
import subprocess

from harness import Workload, start_timer, stop_timer

#: Issue 15: at most 1.10x raw for every row.
TARGETS = {"asyncio": 1.10, "uvloop": 1.10, "trio": 1.10}
CHUNK = 65536
TRUE = "/bin/true"
SEQ = ("seq", "20000")


def noop() -> None:
    """The function the worker-process round trip runs."""


# --- spawn_wait_serial ---------------------------------------------------------------------

spawn_wait_serial = Workload(
    name="spawn_wait_serial",
    summary="start /bin/true (no pipes) and wait for it, n times in a row",
    n=200,
    quick_n=50,
    unit="process",
    targets=TARGETS,
)


@spawn_wait_serial.anyio
async def spawn_wait_serial_anyio(n: int) -> None:
    import anyio

    for _ in range(n):
        process = await anyio.open_process(
            [TRUE], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        await process.wait()


@spawn_wait_serial.asyncio
async def spawn_wait_serial_asyncio(n: int) -> None:
    for _ in range(n):
        process = await asyncio.create_subprocess_exec(
            TRUE, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        await process.wait()


@spawn_wait_serial.trio
async def spawn_wait_serial_trio(n: int) -> None:
    import trio

    for _ in range(n):
        process = await trio.lowlevel.open_process(
            [TRUE], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        await process.wait()


# --- spawn_wait_50 -------------------------------------------------------------------------

spawn_wait_50 = Workload(
    name="spawn_wait_50",
    summary="start 50 /bin/true at once (no pipes) and wait for all of them",
    n=50,
    unit="process",
    targets=TARGETS,
)


@spawn_wait_50.anyio
async def spawn_wait_50_anyio(n: int) -> None:
    import anyio

    async def one() -> None:
        process = await anyio.open_process(
            [TRUE], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        await process.wait()

    async with anyio.create_task_group() as tg:
        for _ in range(n):
            tg.start_soon(one)


@spawn_wait_50.asyncio
async def spawn_wait_50_asyncio(n: int) -> None:
    async def one() -> None:
        process = await asyncio.create_subprocess_exec(
            TRUE, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        await process.wait()

    async with asyncio.TaskGroup() as tg:
        for _ in range(n):
            tg.create_task(one())


@spawn_wait_50.trio
async def spawn_wait_50_trio(n: int) -> None:
    import trio

    async def one() -> None:
        process = await trio.lowlevel.open_process(
            [TRUE], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        await process.wait()

    async with trio.open_nursery() as nursery:
        for _ in range(n):
            nursery.start_soon(one)


# --- pipe_throughput -----------------------------------------------------------------------

pipe_throughput = Workload(
    name="pipe_throughput",
    summary="stream n x 64 KiB through cat (stdin to stdout)",
    n=1024,
    quick_n=256,
    unit="64 KiB",
    targets=TARGETS,
)


@pipe_throughput.anyio
async def pipe_throughput_anyio(n: int) -> None:
    import anyio

    chunk = b"x" * CHUNK
    async with await anyio.open_process(["cat"], stderr=subprocess.DEVNULL) as process:
        stdin, stdout = process.stdin, process.stdout
        assert stdin is not None
        assert stdout is not None

        async def write() -> None:
            for _ in range(n):
                await stdin.send(chunk)
            await stdin.aclose()

        async with anyio.create_task_group() as tg:
            tg.start_soon(write)
            received = 0
            async for data in stdout:
                received += len(data)
        assert received == n * CHUNK


@pipe_throughput.asyncio
async def pipe_throughput_asyncio(n: int) -> None:
    chunk = b"x" * CHUNK
    process = await asyncio.create_subprocess_exec(
        "cat", stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
    )
    stdin, stdout = process.stdin, process.stdout
    assert stdin is not None
    assert stdout is not None

    async def write() -> None:
        for _ in range(n):
            stdin.write(chunk)
            await stdin.drain()
        stdin.close()

    async with asyncio.TaskGroup() as tg:
        tg.create_task(write())
        received = 0
        while data := await stdout.read(CHUNK):
            received += len(data)
    await process.wait()
    assert received == n * CHUNK


@pipe_throughput.trio
async def pipe_throughput_trio(n: int) -> None:
    import trio

    chunk = b"x" * CHUNK
    process = await trio.lowlevel.open_process(
        ["cat"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
    )
    stdin, stdout = process.stdin, process.stdout
    assert stdin is not None
    assert stdout is not None

    async def write() -> None:
        for _ in range(n):
            await stdin.send_all(chunk)
        await stdin.aclose()

    async with trio.open_nursery() as nursery:
        nursery.start_soon(write)
        received = 0
        while data := await stdout.receive_some(CHUNK):
            received += len(data)
    await process.wait()
    await stdout.aclose()
    assert received == n * CHUNK


# --- run_process ---------------------------------------------------------------------------

run_process = Workload(
    name="run_process",
    summary="run `seq 20000` and collect its stdout and stderr, n times in a row",
    n=50,
    quick_n=20,
    unit="run",
    targets=TARGETS,
)


@run_process.anyio
async def run_process_anyio(n: int) -> None:
    import anyio

    for _ in range(n):
        await anyio.run_process(SEQ)


@run_process.asyncio
async def run_process_asyncio(n: int) -> None:
    for _ in range(n):
        process = await asyncio.create_subprocess_exec(
            *SEQ, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        await process.communicate()


@run_process.trio
async def run_process_trio(n: int) -> None:
    import trio

    for _ in range(n):
        await trio.run_process(SEQ, capture_stdout=True, capture_stderr=True)


# --- to_process_round_trip -----------------------------------------------------------------

to_process_round_trip = Workload(
    name="to_process_round_trip",
    summary="run a no-op function in a worker process, n times in a row",
    n=200,
    quick_n=50,
    unit="call",
    targets=TARGETS,
)


@to_process_round_trip.anyio
async def to_process_round_trip_anyio(n: int) -> None:
    from anyio import to_process

    await to_process.run_sync(noop)  # the worker starts here (setup)
    start_timer()
    for _ in range(n):
        await to_process.run_sync(noop)
    stop_timer()


@to_process_round_trip.asyncio
async def to_process_round_trip_asyncio(n: int) -> None:
    from concurrent.futures import ProcessPoolExecutor

    loop = asyncio.get_running_loop()
    with ProcessPoolExecutor(1) as pool:
        await loop.run_in_executor(pool, noop)
        start_timer()
        for _ in range(n):
            await loop.run_in_executor(pool, noop)
        stop_timer()


@to_process_round_trip.trio
async def to_process_round_trip_trio(n: int) -> None:
    import multiprocessing

    import trio

    with multiprocessing.get_context("forkserver").Pool(1) as pool:
        await trio.to_thread.run_sync(pool.apply, noop)
        start_timer()
        for _ in range(n):
            await trio.to_thread.run_sync(pool.apply, noop)
        stop_timer()

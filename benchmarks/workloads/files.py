"""File I/O in worker threads: `anyio.Path` and `anyio.open_file()` (issue 6).

Each anyio body uses the public API on a small file (1 KiB); its raw twins make the same
blocking calls (pathlib's `read_bytes()`, `write_bytes()`, `stat()`; `open()`, `read()`,
`close()`) through `loop.run_in_executor(None, ...)` on asyncio and
`trio.to_thread.run_sync()` on trio, one worker-thread hop per call, as a careful user of
either would. Creating the scratch file is setup and not timed. Operations run one after
another (each awaits the previous), so the figure is the latency of one call, thread hop
included. The scratch file lives on a RAM file system (`/dev/shm`) where there is one, so
that disk latency (journal commits dominate small writes) does not drown the difference
between the columns; elsewhere in the default temporary directory.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from harness import Workload, start_timer, stop_timer

if TYPE_CHECKING:
    from collections.abc import Iterator

#: Issue 6: at most 1.1x the raw twins on every backend (AnyIO 4.13: about 1.16x for
#: read/write/stat and 1.27x for open_file + read on asyncio).
TARGETS = {"asyncio": 1.1, "uvloop": 1.1, "trio": 1.1}

PAYLOAD = bytes(range(256)) * 4  # 1 KiB
N = 500
#: A RAM file system for the scratch files, where the platform has one.
_RAM_DIR = "/dev/shm" if os.path.isdir("/dev/shm") else None
QUICK_N = 200


class _ScratchFile:
    """A small file in a fresh temporary directory, removed by `close()`."""

    def __init__(self) -> None:
        self.directory = tempfile.mkdtemp(prefix="anyio-bench-", dir=_RAM_DIR)
        self.path = Path(self.directory, "small.bin")
        self.path.write_bytes(PAYLOAD)

    def close(self) -> None:
        for name in os.listdir(self.directory):
            os.unlink(os.path.join(self.directory, name))
        os.rmdir(self.directory)


@contextmanager
def _scratch() -> Iterator[_ScratchFile]:
    scratch = _ScratchFile()
    try:
        yield scratch
    finally:
        scratch.close()


def _workload(name: str, summary: str) -> Workload:
    return Workload(name=name, summary=summary, n=N, quick_n=QUICK_N, unit="call", targets=TARGETS)


# --- Path.read_bytes() -------------------------------------------------------------------

path_read = _workload("path_read", "read a 1 KiB file with Path.read_bytes()")


@path_read.anyio
async def path_read_anyio(n: int) -> None:
    import anyio

    with _scratch() as scratch:
        path = anyio.Path(scratch.path)
        start_timer()
        for _ in range(n):
            await path.read_bytes()
        stop_timer()


@path_read.asyncio
async def path_read_asyncio(n: int) -> None:
    loop = asyncio.get_running_loop()
    with _scratch() as scratch:
        path = scratch.path
        start_timer()
        for _ in range(n):
            await loop.run_in_executor(None, path.read_bytes)
        stop_timer()


@path_read.trio
async def path_read_trio(n: int) -> None:
    import trio

    with _scratch() as scratch:
        path = scratch.path
        start_timer()
        for _ in range(n):
            await trio.to_thread.run_sync(path.read_bytes)
        stop_timer()


# --- Path.write_bytes() ------------------------------------------------------------------

path_write = _workload("path_write", "write a 1 KiB file with Path.write_bytes()")


@path_write.anyio
async def path_write_anyio(n: int) -> None:
    import anyio

    with _scratch() as scratch:
        path = anyio.Path(scratch.path)
        start_timer()
        for _ in range(n):
            await path.write_bytes(PAYLOAD)
        stop_timer()


@path_write.asyncio
async def path_write_asyncio(n: int) -> None:
    loop = asyncio.get_running_loop()
    with _scratch() as scratch:
        path = scratch.path
        start_timer()
        for _ in range(n):
            await loop.run_in_executor(None, path.write_bytes, PAYLOAD)
        stop_timer()


@path_write.trio
async def path_write_trio(n: int) -> None:
    import trio

    with _scratch() as scratch:
        path = scratch.path
        start_timer()
        for _ in range(n):
            await trio.to_thread.run_sync(path.write_bytes, PAYLOAD)
        stop_timer()


# --- Path.stat() -------------------------------------------------------------------------

path_stat = _workload("path_stat", "stat a file with Path.stat()")


@path_stat.anyio
async def path_stat_anyio(n: int) -> None:
    import anyio

    with _scratch() as scratch:
        path = anyio.Path(scratch.path)
        start_timer()
        for _ in range(n):
            await path.stat()
        stop_timer()


@path_stat.asyncio
async def path_stat_asyncio(n: int) -> None:
    loop = asyncio.get_running_loop()
    with _scratch() as scratch:
        path = scratch.path
        start_timer()
        for _ in range(n):
            await loop.run_in_executor(None, path.stat)
        stop_timer()


@path_stat.trio
async def path_stat_trio(n: int) -> None:
    import trio

    with _scratch() as scratch:
        path = scratch.path
        start_timer()
        for _ in range(n):
            await trio.to_thread.run_sync(path.stat)
        stop_timer()


# --- open_file() + read() + close ----------------------------------------------------------

open_read = _workload(
    "open_file_read", "open_file() a 1 KiB file, read() it, close it (3 thread hops)"
)


@open_read.anyio
async def open_read_anyio(n: int) -> None:
    import anyio

    with _scratch() as scratch:
        path = scratch.path
        start_timer()
        for _ in range(n):
            async with await anyio.open_file(path, "rb") as f:
                await f.read()
        stop_timer()


@open_read.asyncio
async def open_read_asyncio(n: int) -> None:
    loop = asyncio.get_running_loop()
    with _scratch() as scratch:
        path = scratch.path
        start_timer()
        for _ in range(n):
            f = await loop.run_in_executor(None, open, path, "rb")
            try:
                await loop.run_in_executor(None, f.read)
            finally:
                await loop.run_in_executor(None, f.close)
        stop_timer()


@open_read.trio
async def open_read_trio(n: int) -> None:
    import trio

    with _scratch() as scratch:
        path = scratch.path
        start_timer()
        for _ in range(n):
            f = await trio.to_thread.run_sync(open, path, "rb")
            try:
                await trio.to_thread.run_sync(f.read)
            finally:
                await trio.to_thread.run_sync(f.close)
        stop_timer()

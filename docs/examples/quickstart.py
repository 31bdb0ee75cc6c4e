"""Quickstart: a task group, a timeout and a worker thread."""

from __future__ import annotations

import time

import anyio
from anyio import to_thread


def blocking_read(n: int) -> str:
    time.sleep(0.01)  # stands for any blocking call
    return f"result {n}"


async def worker(n: int) -> None:
    result = await to_thread.run_sync(blocking_read, n)  # the event loop keeps running
    print(result)


async def main() -> None:
    async with anyio.create_task_group() as tg:  # waits for every child task
        for n in range(3):
            tg.start_soon(worker, n)

    with anyio.move_on_after(0.1) as scope:  # give up after 0.1 seconds
        await anyio.sleep(5)
    print("timed out:", scope.cancelled_caught)


if __name__ == "__main__":
    anyio.run(main)  # or anyio.run(main, backend="trio")

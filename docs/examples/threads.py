"""Worker threads: to_thread, from_thread and capacity limits."""

from __future__ import annotations

import threading
import time

import anyio
from anyio import from_thread, to_thread


def blocking_work(n: int) -> int:
    time.sleep(0.01)  # any blocking call: file I/O, a C library, requests.get()...
    return n * n


def report_progress(done: int) -> None:
    # Runs in a worker thread: call back into the event loop to await something.
    from_thread.run(anyio.sleep, 0)
    from_thread.run_sync(
        print, f"progress reported from {threading.current_thread().name}: {done}"
    )


async def main() -> None:
    print(await to_thread.run_sync(blocking_work, 7))

    # At most 2 of these calls run in threads at the same time.
    limiter = anyio.CapacityLimiter(2)
    results: list[int] = []

    async def one(n: int) -> None:
        results.append(await to_thread.run_sync(blocking_work, n, limiter=limiter))

    async with anyio.create_task_group() as tg:
        for n in range(4):
            tg.start_soon(one, n)
    print(sorted(results))

    await to_thread.run_sync(report_progress, 4)
    print("default thread limit:", to_thread.current_default_thread_limiter().total_tokens)


if __name__ == "__main__":
    anyio.run(main)

"""The anyio quickstart demo: run it with ``python examples/demo.py asyncio|trio``."""

from __future__ import annotations

import sys
import time

import anyio


async def sleeper(name: str, delay: float) -> None:
    print(f"{name}: started, sleeping {delay} s")
    await anyio.sleep(delay)
    print(f"{name}: finished")


async def main() -> None:
    async with anyio.create_task_group() as tg:
        tg.start_soon(sleeper, "task 1", 1.0)
        tg.start_soon(sleeper, "task 2", 0.5)
    print("both tasks finished")

    with anyio.move_on_after(2.0) as scope:
        await anyio.sleep(5)
    if scope.cancelled_caught:
        print("moved on after 2 seconds instead of sleeping 5")

    try:
        to_thread = anyio.to_thread
    except anyio.MissingDistributionError as exc:  # only anyio-core is installed
        print(f"skipping the worker-thread line: {exc}")
        return
    now = await to_thread.run_sync(time.strftime, "%X")
    print(f"the time, read in a worker thread: {now}")


if __name__ == "__main__":
    backend = sys.argv[1] if len(sys.argv) > 1 else "asyncio"
    print(f"--- running on {backend}")
    anyio.run(main, backend=backend)

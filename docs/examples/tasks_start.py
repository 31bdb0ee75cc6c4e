"""`start_soon()` versus `start()`: waiting until a child task is ready."""

from __future__ import annotations

from typing import TYPE_CHECKING

import anyio
import anyio.lowlevel

if TYPE_CHECKING:
    from anyio.abc import TaskStatus


async def ticker(name: str, count: int) -> None:
    for i in range(count):
        print(f"{name}: tick {i}")
        await anyio.lowlevel.checkpoint()


async def server(*, task_status: TaskStatus[str] = anyio.TASK_STATUS_IGNORED) -> None:
    address = "memory://server"  # a real server would bind a socket here
    task_status.started(address)  # start() returns this value to its caller
    await anyio.sleep_forever()


async def main() -> None:
    async with anyio.create_task_group() as tg:
        # start_soon() schedules the task and returns at once.
        tg.start_soon(ticker, "a", 2)
        tg.start_soon(ticker, "b", 2, name="ticker b")

        # start() returns only once the task has called task_status.started().
        address = await tg.start(server)
        print("server ready at", address)

        tg.cancel_scope.cancel()  # stops the server (and anything still running)


if __name__ == "__main__":
    anyio.run(main)

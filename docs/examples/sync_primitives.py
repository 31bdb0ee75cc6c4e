"""Events, locks, semaphores, conditions and capacity limiters."""

from __future__ import annotations

import anyio
import anyio.lowlevel


async def main() -> None:
    # Event: one task waits until another sets it; it stays set.
    ready = anyio.Event()

    async def prepare() -> None:
        await anyio.lowlevel.checkpoint()
        ready.set()

    async with anyio.create_task_group() as tg:
        tg.start_soon(prepare)
        await ready.wait()
        print("event set:", ready.is_set())

    # Lock: one task at a time in the critical section.
    lock = anyio.Lock()
    counter = 0

    async def increment() -> None:
        nonlocal counter
        async with lock:
            value = counter
            await anyio.lowlevel.checkpoint()  # without the lock, another task could run here
            counter = value + 1

    async with anyio.create_task_group() as tg:
        for _ in range(10):
            tg.start_soon(increment)
    print("counter:", counter)

    # Semaphore / CapacityLimiter: at most N at a time.
    limiter = anyio.CapacityLimiter(2)
    running = peak = 0

    async def job() -> None:
        nonlocal running, peak
        async with limiter:
            running += 1
            peak = max(peak, running)
            await anyio.sleep(0.001)
            running -= 1

    async with anyio.create_task_group() as tg:
        for _ in range(6):
            tg.start_soon(job)
    print("at most", peak, "jobs at once")

    # Condition: wait until shared state changes.
    condition = anyio.Condition()
    items: list[int] = []

    async def consumer() -> None:
        async with condition:
            while not items:
                await condition.wait()
            print("consumer got", items.pop())

    async with anyio.create_task_group() as tg:
        tg.start_soon(consumer)
        await anyio.wait_all_tasks_blocked()
        async with condition:
            items.append(42)
            condition.notify()


if __name__ == "__main__":
    anyio.run(main)

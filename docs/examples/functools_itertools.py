"""Caching coroutine functions, and the itertools functions over async iterables."""

from __future__ import annotations

from typing import TYPE_CHECKING

import anyio
import anyio.functools
import anyio.itertools
import anyio.lowlevel

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

calls = 0


@anyio.functools.lru_cache(maxsize=256)
async def fetch_user(user_id: int) -> str:
    global calls
    calls += 1
    await anyio.sleep(0.01)  # pretend to ask a database
    return f"user-{user_id}"


async def readings() -> AsyncIterator[float]:
    for value in (20.5, 21.0, 22.5, 22.0, 19.5):
        await anyio.lowlevel.checkpoint()  # pretend to read a sensor
        yield value


async def main() -> None:
    # Ten concurrent callers for the same user: the function runs once, the others wait.
    async with anyio.create_task_group() as tg:
        for _ in range(10):
            tg.start_soon(fetch_user, 1)
    print("calls:", calls, fetch_user.cache_info())

    # reduce() folds a plain or an async iterable with an async function.
    async def maximum(a: float, b: float) -> float:
        return max(a, b)

    print("peak:", await anyio.functools.reduce(maximum, readings()))

    # The itertools functions take plain and async iterables and return async generators.
    async for pair in anyio.itertools.pairwise(readings()):
        print("change:", round(pair[1] - pair[0], 1))
    async for batch in anyio.itertools.batched(anyio.itertools.chain(readings(), [18.0]), 4):
        print("batch:", batch)


if __name__ == "__main__":
    anyio.run(main)

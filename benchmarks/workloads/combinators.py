"""`anyio.gather()` against `asyncio.gather()` and a Trio nursery (issue 16).

Each body gathers the results of `n` coroutines that return a value at once; the raw
twins are what a careful user would write: `asyncio.gather()` on asyncio, and on Trio a
nursery whose children store their results in a list by index.
"""

from __future__ import annotations

import asyncio

from harness import Workload

gather = Workload(
    name="gather",
    summary="gather the results of n coroutines that return at once",
    n=1000,
    unit="coroutine",
    targets={"asyncio": 1.2, "uvloop": 1.2, "trio": 1.2},
)


async def _value(number: int) -> int:
    return number


@gather.anyio
async def gather_anyio(n: int) -> None:
    import anyio

    results = await anyio.gather(*[_value(i) for i in range(n)])
    assert len(results) == n


@gather.asyncio
async def gather_asyncio(n: int) -> None:
    results = await asyncio.gather(*[_value(i) for i in range(n)])
    assert len(results) == n


@gather.trio
async def gather_trio(n: int) -> None:
    import trio

    results: list[int | None] = [None] * n

    async def store(index: int) -> None:
        results[index] = await _value(index)

    async with trio.open_nursery() as nursery:
        for index in range(n):
            nursery.start_soon(store, index)
    assert len(results) == n

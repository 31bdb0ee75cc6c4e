"""`anyio.functools.lru_cache` hits (issue 16).

One operation is one cache hit on a coroutine function: `await cached(key)` for a key that
is in the cache (`KEYS` keys, filled before the timer starts, visited round-robin).

The raw asyncio twin is what asyncio code writes without anyio: `functools.lru_cache`
cannot cache a coroutine (it can be awaited once), so it caches a future for it,
`functools.lru_cache` around `asyncio.ensure_future(fetch(key))`; awaiting a done future
returns at once, without a trip through the event loop. Neither side yields on a hit
(`always_checkpoint=False`, the default). There is no Trio twin: Trio has no futures, and
the issue asks for asyncio only.
"""

from __future__ import annotations

import asyncio
import functools

from harness import Workload, start_timer

#: Distinct keys in the cache (all fit: maxsize is 128).
KEYS = 64

lru_cache_hit = Workload(
    name="lru_cache_hit",
    summary="one cache hit on an lru_cache'd coroutine function",
    n=20_000,
    quick_n=5_000,
    unit="hit",
)


async def _fetch(key: int) -> int:
    return key * 2


@lru_cache_hit.anyio
async def lru_cache_hit_anyio(n: int) -> None:
    import anyio.functools

    cached = anyio.functools.lru_cache(_fetch)
    for key in range(KEYS):
        await cached(key)
    start_timer()
    for i in range(n):
        await cached(i % KEYS)


@lru_cache_hit.asyncio
async def lru_cache_hit_asyncio(n: int) -> None:
    cached = functools.lru_cache(maxsize=128)(lambda key: asyncio.ensure_future(_fetch(key)))
    for key in range(KEYS):
        await cached(key)
    start_timer()
    for i in range(n):
        await cached(i % KEYS)

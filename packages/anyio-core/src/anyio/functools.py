"""Async counterparts of `functools`: `lru_cache`, `cache` and `reduce`.

`lru_cache` and `cache` work on coroutine functions (and fall back to
`functools.lru_cache` for synchronous ones); `reduce` folds a plain or async
iterable with an async function.
"""

from __future__ import annotations

from ._core._functools import (
    AsyncCacheInfo,
    AsyncCacheParameters,
    AsyncLRUCacheWrapper,
    cache,
    lru_cache,
    reduce,
)

__all__ = (
    "AsyncCacheInfo",
    "AsyncCacheParameters",
    "AsyncLRUCacheWrapper",
    "cache",
    "lru_cache",
    "reduce",
)

for _name in __all__:
    globals()[_name].__module__ = __name__
del _name

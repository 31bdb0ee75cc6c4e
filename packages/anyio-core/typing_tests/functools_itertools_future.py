"""Static type checks for `anyio.functools`, `anyio.itertools` and `anyio.Future`.

Run by mypy --strict (mypy.ini lists ``packages/*/typing_tests``). Nothing here needs to
run: each ``assert_type`` fails the type check if the type a checker infers differs, and
each ``# type: ignore[code]`` fails it (``warn_unused_ignores``) if the error it expects
does not occur.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import AsyncGenerator, AsyncIterator

import anyio
from anyio.functools import AsyncCacheInfo, AsyncCacheParameters, AsyncLRUCacheWrapper

if sys.version_info >= (3, 11):
    from typing import assert_type
else:
    from typing_extensions import assert_type


async def fetch(user_id: int, *, verbose: bool = False) -> str:
    return str(user_id)


def square(x: int) -> int:
    return x * x


async def fetch_one(user_id: int, /) -> str:
    return str(user_id)


async def lru_cache_keeps_the_argument_and_return_types() -> None:
    assert_type(anyio.functools.lru_cache(fetch_one), AsyncLRUCacheWrapper[[int], str])
    bare = anyio.functools.lru_cache(fetch)
    assert_type(await bare(1, verbose=True), str)
    await bare("1")  # type: ignore[arg-type]
    await bare(1, loud=True)  # type: ignore[call-arg]

    configured = anyio.functools.lru_cache(maxsize=10, ttl=60)(fetch)
    assert_type(await configured(2), str)
    assert_type(configured.cache_info(), AsyncCacheInfo)
    assert_type(configured.cache_parameters(), AsyncCacheParameters)


def lru_cache_on_a_sync_function_is_functools_lru_cache() -> None:
    assert_type(anyio.functools.lru_cache(square), functools._lru_cache_wrapper[int])
    assert_type(anyio.functools.lru_cache(typed=True)(square)(3), int)
    assert_type(anyio.functools.cache(square)(3), int)


async def cache_keeps_the_types() -> None:
    cached = anyio.functools.cache(fetch)
    assert_type(await cached(3), str)


async def reduce_gives_the_accumulator_type() -> None:
    async def add(a: int, b: int) -> int:
        return a + b

    async def append(acc: str, item: int) -> str:
        return acc + str(item)

    assert_type(await anyio.functools.reduce(add, [1, 2]), int)
    assert_type(await anyio.functools.reduce(append, [1, 2], ""), str)


async def numbers() -> AsyncIterator[int]:
    yield 1


async def itertools_keep_the_item_types() -> None:
    assert_type(anyio.itertools.chain([1], numbers()), AsyncGenerator[int, None])
    assert_type(anyio.itertools.islice(numbers(), 2), AsyncGenerator[int, None])
    assert_type(anyio.itertools.batched([1, 2], 2), AsyncGenerator[tuple[int, ...], None])
    assert_type(anyio.itertools.pairwise(numbers()), AsyncGenerator[tuple[int, int], None])
    assert_type(anyio.itertools.count(), AsyncGenerator[int, None])
    assert_type(anyio.itertools.repeat("x", 2), AsyncGenerator[str, None])
    assert_type(anyio.itertools.tee(numbers()), tuple[AsyncIterator[int], ...])

    async def double(x: int) -> int:
        return 2 * x

    async def pair(a: int, b: int) -> tuple[int, int]:
        return a, b

    assert_type(anyio.itertools.accumulate([1, 2]), AsyncGenerator[int, None])
    assert_type(anyio.itertools.starmap(pair, [(1, 2)]), AsyncGenerator[tuple[int, int], None])
    assert_type(anyio.itertools.takewhile(double, numbers()), AsyncGenerator[int, None])
    async for key, group in anyio.itertools.groupby([1, 2]):
        assert_type(key, object)
        assert_type(group, list[int])


async def future_is_generic() -> None:
    future: anyio.Future[int] = anyio.Future(name="answer")
    future.return_value = 42
    future.return_value = "42"  # type: ignore[assignment]
    future.exception = ValueError("boom")
    assert_type(await future, int)
    assert_type(future.return_value, int)
    assert_type(future.exception, BaseException | None)
    assert_type(future.status, anyio.Future.Status)
    future.cancel("why")  # type: ignore[call-arg]

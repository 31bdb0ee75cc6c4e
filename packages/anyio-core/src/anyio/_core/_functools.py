"""`anyio.functools`: `lru_cache`, `cache` and `reduce` for coroutine functions.

The problem. `functools.lru_cache` around an `async def` caches the coroutine object,
which can be awaited only once; the second hit raises `RuntimeError`. Caching the
awaited value instead raises a question the sync cache never has: while the first call
for a key is still running, a second caller for the same key arrives. Running the
function again wastes the work the cache exists to save (a thundering herd on a cold
cache), so the second caller waits for the first.

What we do. `AsyncLRUCacheWrapper` keeps two tables: the cache (key -> value and
expiry time, in least-recently-used order) and the calls in flight (key -> an `Event`).
A caller that finds its key in flight waits for that event, then looks again: the value
is there if the first call succeeded. If it failed or was cancelled, nothing was cached,
and the first waiter to look again makes the call itself (errors are never cached). A
cache hit costs a dictionary lookup and, only with `always_checkpoint=True`, a
checkpoint.

Time-to-live uses `time.monotonic()`, not the event loop's clock: a cache is usually a
module-level object that outlives event loops (one per `anyio.run()`, one per test),
and loop clocks are not comparable across runs (Trio's starts at a random offset).
"""

from __future__ import annotations

import functools
import inspect
from collections import OrderedDict
from time import monotonic
from types import MethodType
from typing import (
    TYPE_CHECKING,
    Any,
    Generic,
    NamedTuple,
    ParamSpec,
    TypedDict,
    TypeVar,
    overload,
)

from ._itertools import aiter_any
from ._lowlevel import checkpoint
from ._sync._event import Event

if TYPE_CHECKING:
    from collections.abc import AsyncIterable, Awaitable, Callable, Coroutine, Hashable, Iterable

T = TypeVar("T")
S = TypeVar("S")
R = TypeVar("R")
P = ParamSpec("P")


class AsyncCacheInfo(NamedTuple):
    """Statistics of an async LRU cache, as `cache_info()` returns them."""

    #: Calls answered from the cache.
    hits: int
    #: Calls that ran the function.
    misses: int
    #: The most entries the cache keeps (None: no limit).
    maxsize: int | None
    #: The entries it holds now.
    currsize: int
    #: Seconds an entry stays valid (None: until evicted).
    ttl: int | None


class AsyncCacheParameters(TypedDict):
    """The settings of an async LRU cache, as `cache_parameters()` returns them."""

    maxsize: int | None
    typed: bool
    always_checkpoint: bool
    ttl: int | None


class _KeywordMark:
    """Separates positional from keyword arguments in a cache key."""

    __slots__ = ()


_KEYWORD_MARK = _KeywordMark()


def _make_key(args: tuple[Any, ...], kwargs: dict[str, Any], typed: bool) -> Hashable:
    """Return the cache key of a call with keyword arguments, or of a typed cache.

    Without either, the key is the tuple of positional arguments itself (no copy; see
    `AsyncLRUCacheWrapper.__call__`). Unless `typed`, equal arguments share a key
    whatever their types (`1`, `1.0`, `True`); `functools.lru_cache` keeps a single int
    or str apart from equal values of other types, which we do not copy. An unhashable
    argument makes the first cache lookup raise `TypeError`, before any call.
    """
    key: tuple[Any, ...] = args
    if kwargs:
        key += (_KEYWORD_MARK, *kwargs.items())
    if typed:
        key += tuple(type(arg) for arg in args)
        key += tuple(type(value) for value in kwargs.values())
    return key


class AsyncLRUCacheWrapper(Generic[P, T]):
    """A coroutine function with a least-recently-used cache of its results.

    `anyio.functools.lru_cache()` and `cache()` create it; you rarely construct one
    yourself. Calling it returns the cached value for the same arguments, or awaits the
    wrapped function and caches what it returns. Concurrent calls with the same
    arguments run the function once: the later callers wait for the first. Exceptions
    are not cached. Used on a method, it caches per instance (the instance is part of
    the key, so it must be hashable).

    Args:
        func: the coroutine function to wrap.
        maxsize: the most entries to keep (None: unbounded; 0: cache nothing).
        typed: if True, arguments of different types are cached apart (`1` and `1.0`).
        always_checkpoint: if True, a cache hit is a checkpoint too.
        ttl: seconds after which an entry expires (None: never).
    """

    def __init__(
        self,
        func: Callable[P, Awaitable[T]],
        maxsize: int | None,
        typed: bool,
        always_checkpoint: bool,
        ttl: int | None,
    ):
        self._func = func
        self._maxsize = maxsize if maxsize is None else max(maxsize, 0)
        self._typed = typed
        self._always_checkpoint = always_checkpoint
        self._ttl = ttl
        # key -> (value, expiry on the monotonic clock or None); oldest use first.
        self._cache: OrderedDict[Hashable, tuple[T, float | None]] = OrderedDict()
        # key -> set when the call that computes it ends, however it ends.
        # Invariant: a key is in here only while a call for it is running.
        self._in_flight: dict[Hashable, Event] = {}
        self._hits = 0
        self._misses = 0
        functools.update_wrapper(self, func)

    def __repr__(self) -> str:
        return f"<AsyncLRUCacheWrapper of {self._func!r} {self.cache_info()}>"

    def __get__(self, instance: object, owner: type | None = None) -> Any:
        """Bind to `instance` like a function does, when used as a method."""
        return self if instance is None else MethodType(self, instance)

    async def __call__(self, *args: P.args, **kwargs: P.kwargs) -> T:
        """Return the cached value for these arguments, calling the function on a miss."""
        # The usual key, inline: the positional arguments' own tuple.
        key = _make_key(args, kwargs, self._typed) if kwargs or self._typed else args
        while True:
            entry = self._cache.get(key)
            if entry is not None and (entry[1] is None or monotonic() < entry[1]):
                # The hot path, inlined: a hit costs no further coroutine.
                self._hits += 1
                self._cache.move_to_end(key)
                if self._always_checkpoint:
                    await checkpoint()
                return entry[0]
            in_flight = self._in_flight.get(key)
            if in_flight is None:
                return await self._miss(key, args, kwargs)
            # Another task is computing this key: wait for it, then look again.
            await in_flight.wait()

    async def _miss(self, key: Hashable, args: Any, kwargs: Any) -> T:
        self._misses += 1
        if self._maxsize == 0:  # nothing is cached, so there is nothing to wait for
            return await self._func(*args, **kwargs)
        self._cache.pop(key, None)  # an expired entry
        done = self._in_flight[key] = Event()
        try:
            value = await self._func(*args, **kwargs)
            self._store(key, value)  # before the waiters wake, so that they find it
        finally:
            del self._in_flight[key]
            done.set()
        return value

    def _store(self, key: Hashable, value: T) -> None:
        maxsize = self._maxsize
        expiry = None if self._ttl is None else monotonic() + self._ttl
        self._cache[key] = (value, expiry)
        if maxsize is not None and len(self._cache) > maxsize:
            self._cache.popitem(last=False)

    def cache_info(self) -> AsyncCacheInfo:
        """Return the hit and miss counts and the size of the cache."""
        return AsyncCacheInfo(self._hits, self._misses, self._maxsize, len(self._cache), self._ttl)

    def cache_parameters(self) -> AsyncCacheParameters:
        """Return the settings the cache was created with."""
        return AsyncCacheParameters(
            maxsize=self._maxsize,
            typed=self._typed,
            always_checkpoint=self._always_checkpoint,
            ttl=self._ttl,
        )

    def cache_clear(self) -> None:
        """Empty the cache and reset the statistics (calls in flight go on)."""
        self._cache.clear()
        self._hits = self._misses = 0


def _check_settings(maxsize: object, ttl: object) -> None:
    if maxsize is not None and (not isinstance(maxsize, int) or isinstance(maxsize, bool)):
        raise TypeError(f"maxsize must be an int or None, not {maxsize!r}")
    if ttl is not None and (not isinstance(ttl, int) or isinstance(ttl, bool) or ttl <= 0):
        raise ValueError(f"ttl must be a positive number of seconds (an int) or None, not {ttl!r}")


class _LRUCacheWrapper:
    """The decorator that `lru_cache(maxsize=...)` returns (settings, no function yet)."""

    def __init__(
        self, maxsize: int | None, typed: bool, always_checkpoint: bool, ttl: int | None
    ) -> None:
        _check_settings(maxsize, ttl)
        self._maxsize = maxsize
        self._typed = typed
        self._always_checkpoint = always_checkpoint
        self._ttl = ttl

    @overload
    def __call__(  # type: ignore[overload-overlap]  # a coroutine function is a Callable too
        self, func: Callable[P, Coroutine[Any, Any, R]], /
    ) -> AsyncLRUCacheWrapper[P, R]: ...

    @overload
    def __call__(self, func: Callable[..., R], /) -> functools._lru_cache_wrapper[R]: ...

    def __call__(self, func: Callable[..., Any], /) -> Any:
        if not callable(func):
            raise TypeError(
                f"the first argument must be callable (got {func!r}); "
                "lru_cache() decorates a function, or takes only keyword arguments"
            )
        if inspect.iscoroutinefunction(func):
            return AsyncLRUCacheWrapper(
                func, self._maxsize, self._typed, self._always_checkpoint, self._ttl
            )
        if self._ttl is not None:
            raise TypeError(
                f"ttl applies to coroutine functions only, and {func!r} is synchronous; "
                "drop ttl, or make the function async"
            )
        return functools.lru_cache(maxsize=self._maxsize, typed=self._typed)(func)


@overload
def lru_cache(  # type: ignore[overload-overlap]  # a coroutine function is a Callable too
    func: Callable[P, Coroutine[Any, Any, T]], /
) -> AsyncLRUCacheWrapper[P, T]: ...


@overload
def lru_cache(func: Callable[..., T], /) -> functools._lru_cache_wrapper[T]: ...


@overload
def lru_cache(
    func: None = None,
    /,
    *,
    maxsize: int | None = 128,
    typed: bool = False,
    always_checkpoint: bool = False,
    ttl: int | None = None,
) -> _LRUCacheWrapper: ...


def lru_cache(
    func: Callable[..., Coroutine[Any, Any, Any]] | Callable[..., Any] | None = None,
    /,
    *,
    maxsize: int | None = 128,
    typed: bool = False,
    always_checkpoint: bool = False,
    ttl: int | None = None,
) -> Any:
    """Cache the results of a coroutine function, least recently used first out.

    Use it bare (`@lru_cache`) or with settings (`@lru_cache(maxsize=32)`). On a
    coroutine function it returns an `AsyncLRUCacheWrapper`: concurrent calls with the
    same arguments run the function once, the later callers waiting for the first, and
    exceptions are not cached. On a synchronous function it returns
    `functools.lru_cache`'s wrapper. Arguments must be hashable.

    Args:
        func: the function to decorate (when used bare).
        maxsize: the most entries to keep (None: unbounded; 0: cache nothing).
        typed: if True, arguments of different types are cached apart (`1` and `1.0`).
        always_checkpoint: if True, a cache hit is a checkpoint too (by default a hit
            returns without letting other tasks run).
        ttl: seconds after which an entry expires (None: never); coroutine functions only.

    Returns:
        The wrapped function, or, without `func`, a decorator.

    Raises:
        TypeError: if `maxsize` is not an int or None, or `ttl` is given for a
            synchronous function.
        ValueError: if `ttl` is not a positive int.

    Example:
        ```python
        @anyio.functools.lru_cache(maxsize=256, ttl=60)
        async def user_name(user_id: int) -> str:
            return await database.fetch_name(user_id)
        ```
    """
    decorator = _LRUCacheWrapper(maxsize, typed, always_checkpoint, ttl)
    return decorator if func is None else decorator(func)


@overload
def cache(  # type: ignore[overload-overlap]  # a coroutine function is a Callable too
    func: Callable[P, Coroutine[Any, Any, T]], /
) -> AsyncLRUCacheWrapper[P, T]: ...


@overload
def cache(func: Callable[..., T], /) -> functools._lru_cache_wrapper[T]: ...


def cache(func: Callable[..., Any] | Callable[P, Coroutine[Any, Any, Any]], /) -> Any:
    """Cache every result of a function, without limit (`lru_cache(maxsize=None)`).

    Works on coroutine functions (see `lru_cache()`) and on synchronous ones
    (`functools.cache`).

    Example:
        ```python
        @anyio.functools.cache
        async def settings() -> dict[str, str]:
            return await load_settings()
        ```
    """
    return _LRUCacheWrapper(None, False, False, None)(func)


class _InitialMissingType:
    """The type of the marker for "no initial value" in `reduce()`."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<no initial value>"


_INITIAL_MISSING = _InitialMissingType()


@overload
async def reduce(
    function: Callable[[T, T], Awaitable[T]],
    iterable: Iterable[T] | AsyncIterable[T],
    /,
) -> T: ...


@overload
async def reduce(
    function: Callable[[T, S], Awaitable[T]],
    iterable: Iterable[S] | AsyncIterable[S],
    /,
    initial: T,
) -> T: ...


async def reduce(
    function: Callable[[Any, Any], Awaitable[Any]],
    iterable: Iterable[Any] | AsyncIterable[Any],
    /,
    initial: Any = _INITIAL_MISSING,
) -> Any:
    """Fold an iterable into one value with an async two-argument function.

    Like `functools.reduce()`: `await function(value, item)` for each item in turn,
    starting from `initial`, or from the first item without it. The iterable may be
    synchronous or asynchronous. A checkpoint, also for an empty iterable.

    Args:
        function: an async function of the value so far and the next item.
        iterable: the items (a plain or an async iterable).
        initial: the starting value (by default, the first item).

    Returns:
        The last value `function` returned (or the only value there was).

    Raises:
        TypeError: if the iterable is empty and no `initial` was given.

    Example:
        ```python
        async def add(a: int, b: int) -> int:
            return a + b


        assert await anyio.functools.reduce(add, [1, 2, 3]) == 6
        ```
    """
    await checkpoint()
    try:
        items = aiter_any(iterable)
    except TypeError:
        raise TypeError(
            "reduce() argument 2 must be an iterable or async iterable, "
            f"got {type(iterable).__name__}"
        ) from None
    value: Any = initial
    if value is _INITIAL_MISSING:
        try:
            value = await items.__anext__()
        except StopAsyncIteration:
            raise TypeError(
                "reduce() of empty sequence with no initial value; pass initial="
            ) from None
    async for item in items:
        value = await function(value, item)
    return value

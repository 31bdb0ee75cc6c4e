"""`anyio.itertools`: the `itertools` module for async code.

Each function takes plain and async iterables alike (`aiter_any()` adapts a plain one)
and returns an async generator; the callbacks (`predicate`, `key`, `function`) are
async functions. The functions are plain functions, not async generator functions, so
that bad arguments fail at the call, as in `itertools`: each checks its arguments (the
numeric ones through `itertools` itself, for the same errors) and then returns the
generator that does the work.

Items pass through without extra checkpoints: an async generator lets other tasks run
only where its source or a callback does. The functions that need the whole input
before their first item (`product`, `permutations`, `combinations*`) read it into a
list first, then let `itertools` do the combinatorics.
"""

from __future__ import annotations

import itertools
from collections import deque
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from ._sync._lock import Lock

if TYPE_CHECKING:
    from collections.abc import (
        AsyncGenerator,
        AsyncIterable,
        AsyncIterator,
        Awaitable,
        Callable,
        Iterable,
        Iterator,
    )

T = TypeVar("T")
R = TypeVar("R")


class _SyncIterator(Generic[T]):
    """An async iterator over a plain iterator (no checkpoints: it never waits)."""

    __slots__ = ("_iterator",)

    def __init__(self, iterator: Iterator[T]) -> None:
        self._iterator = iterator

    def __aiter__(self) -> _SyncIterator[T]:
        return self

    async def __anext__(self) -> T:
        try:
            return next(self._iterator)
        except StopIteration:
            raise StopAsyncIteration from None


def aiter_any(iterable: Iterable[T] | AsyncIterable[T]) -> AsyncIterator[T]:
    """Return an async iterator over a plain or an async iterable.

    Raises:
        TypeError: if `iterable` is neither.
    """
    if hasattr(type(iterable), "__aiter__"):
        return iterable.__aiter__()  # type: ignore[union-attr]  # checked just above
    try:
        return _SyncIterator(iter(iterable))  # type: ignore[arg-type]  # not async: plain
    except TypeError:
        raise TypeError(
            f"expected an iterable or an async iterable, got {type(iterable).__name__}"
        ) from None


async def _to_list(iterable: Iterable[T] | AsyncIterable[T]) -> list[T]:
    if not hasattr(type(iterable), "__aiter__"):
        return list(iterable)  # type: ignore[arg-type]  # not async: plain
    return [item async for item in aiter_any(iterable)]


async def _operator_add(a: Any, b: Any) -> Any:
    """`a + b`, as the async function that `accumulate()` uses by default."""
    return a + b


def accumulate(
    iterable: Iterable[T] | AsyncIterable[T],
    function: Callable[[T, T], Awaitable[T]] = _operator_add,
    *,
    initial: T | None = None,
) -> AsyncGenerator[T, None]:
    """Yield running totals: the first item, then `await function(total, item)` for each.

    Args:
        iterable: the items.
        function: the async two-argument function (by default, addition).
        initial: a value to start from, yielded first (None: start from the first item).
    """
    return _accumulate(aiter_any(iterable), function, initial)


async def _accumulate(
    items: AsyncIterator[T], function: Callable[[T, T], Awaitable[T]], initial: T | None
) -> AsyncGenerator[T, None]:
    if initial is None:
        try:
            total = await items.__anext__()
        except StopAsyncIteration:
            return
    else:
        total = initial
    yield total
    async for item in items:
        total = await function(total, item)
        yield total


def batched(
    iterable: Iterable[T] | AsyncIterable[T], n: int, *, strict: bool = False
) -> AsyncGenerator[tuple[T, ...], None]:
    """Yield tuples of `n` items; the last one may be shorter.

    Args:
        iterable: the items.
        n: the batch size (at least 1).
        strict: if True, a short last batch raises `ValueError` instead.

    Raises:
        ValueError: if `n` is less than 1.
    """
    if n < 1:
        raise ValueError(f"n must be at least one, got {n!r}")
    return _batched(aiter_any(iterable), n, strict)


async def _batched(
    items: AsyncIterator[T], n: int, strict: bool
) -> AsyncGenerator[tuple[T, ...], None]:
    batch: list[T] = []
    async for item in items:
        batch.append(item)
        if len(batch) == n:
            yield tuple(batch)
            batch = []
    if batch:
        if strict:
            raise ValueError(f"batched(): incomplete batch of {len(batch)} items (n={n})")
        yield tuple(batch)


class Chain:
    """Chain iterables one after the other; `anyio.itertools.chain` is its instance.

    Call it with the iterables (`chain(a, b)`), or give it an iterable of them
    (`chain.from_iterable(groups)`); either may be plain or async, at both levels.
    """

    def __call__(self, *iterables: Iterable[T] | AsyncIterable[T]) -> AsyncGenerator[T, None]:
        """Yield the items of each iterable in turn."""
        return self.from_iterable(iterables)

    def from_iterable(
        self,
        iterables: Iterable[Iterable[T] | AsyncIterable[T]]
        | AsyncIterable[Iterable[T] | AsyncIterable[T]],
    ) -> AsyncGenerator[T, None]:
        """Yield the items of each iterable that `iterables` yields, in turn."""
        return _chain(aiter_any(iterables))


async def _chain(
    iterables: AsyncIterator[Iterable[T] | AsyncIterable[T]],
) -> AsyncGenerator[T, None]:
    async for iterable in iterables:
        async for item in aiter_any(iterable):
            yield item


chain = Chain()


def combinations(
    iterable: Iterable[T] | AsyncIterable[T], r: int
) -> AsyncGenerator[tuple[T, ...], None]:
    """Yield the `r`-long combinations of the items, in `itertools.combinations` order."""
    itertools.combinations((), r)  # the same errors for a bad r
    return _combinatoric(itertools.combinations, iterable, r)


def combinations_with_replacement(
    iterable: Iterable[T] | AsyncIterable[T], r: int
) -> AsyncGenerator[tuple[T, ...], None]:
    """Yield the `r`-long combinations of the items, each item repeatable."""
    itertools.combinations_with_replacement((), r)
    return _combinatoric(itertools.combinations_with_replacement, iterable, r)


def permutations(
    iterable: Iterable[T] | AsyncIterable[T], r: int | None = None
) -> AsyncGenerator[tuple[T, ...], None]:
    """Yield the `r`-long permutations of the items (all of them, by default)."""
    itertools.permutations((), r)
    return _combinatoric(itertools.permutations, iterable, r)


async def _combinatoric(
    make: Callable[[list[T], Any], Iterable[tuple[T, ...]]],
    iterable: Iterable[T] | AsyncIterable[T],
    r: int | None,
) -> AsyncGenerator[tuple[T, ...], None]:
    for combination in make(await _to_list(iterable), r):
        yield combination


def compress(
    data: Iterable[T] | AsyncIterable[T], selectors: Iterable[object] | AsyncIterable[object]
) -> AsyncGenerator[T, None]:
    """Yield the items of `data` whose selector is true, until either runs out."""
    return _compress(aiter_any(data), aiter_any(selectors))


async def _compress(
    data: AsyncIterator[T], selectors: AsyncIterator[object]
) -> AsyncGenerator[T, None]:
    async for item in data:
        try:
            selected = await selectors.__anext__()
        except StopAsyncIteration:
            return
        if selected:
            yield item


def count(start: int = 0, step: int = 1) -> AsyncGenerator[int, None]:
    """Yield `start`, `start + step`, `start + 2 * step`, ... without end."""
    return _count(start, step)


async def _count(start: int, step: int) -> AsyncGenerator[int, None]:
    value = start
    while True:
        yield value
        value += step


def cycle(iterable: Iterable[T] | AsyncIterable[T]) -> AsyncGenerator[T, None]:
    """Yield the items, then the same items again, without end (nothing if empty)."""
    return _cycle(aiter_any(iterable))


async def _cycle(items: AsyncIterator[T]) -> AsyncGenerator[T, None]:
    saved: list[T] = []
    async for item in items:
        saved.append(item)
        yield item
    while saved:
        for item in saved:
            yield item


def dropwhile(
    predicate: Callable[[T], Awaitable[object]], iterable: Iterable[T] | AsyncIterable[T]
) -> AsyncGenerator[T, None]:
    """Skip items while `await predicate(item)` is true, then yield every item left."""
    return _dropwhile(predicate, aiter_any(iterable))


async def _dropwhile(
    predicate: Callable[[T], Awaitable[object]], items: AsyncIterator[T]
) -> AsyncGenerator[T, None]:
    async for item in items:
        if not await predicate(item):
            yield item
            break
    async for item in items:
        yield item


def filterfalse(
    predicate: Callable[[T], Awaitable[object]], iterable: Iterable[T] | AsyncIterable[T]
) -> AsyncGenerator[T, None]:
    """Yield the items for which `await predicate(item)` is false."""
    return _filterfalse(predicate, aiter_any(iterable))


async def _filterfalse(
    predicate: Callable[[T], Awaitable[object]], items: AsyncIterator[T]
) -> AsyncGenerator[T, None]:
    async for item in items:
        if not await predicate(item):
            yield item


def groupby(
    iterable: Iterable[T] | AsyncIterable[T], key: Callable[[T], Awaitable[object]] | None = None
) -> AsyncGenerator[tuple[object, list[T]], None]:
    """Yield `(key, items)` for each run of consecutive items with equal keys.

    Unlike `itertools.groupby`, each group comes as a list, so it stays valid after the
    generator moves on.

    Args:
        iterable: the items.
        key: an async function giving each item's key (by default, the item itself).
    """
    return _groupby(aiter_any(iterable), key)


async def _groupby(
    items: AsyncIterator[T], key: Callable[[T], Awaitable[object]] | None
) -> AsyncGenerator[tuple[object, list[T]], None]:
    group: list[T] = []
    group_key: object = None
    async for item in items:
        item_key = item if key is None else await key(item)
        if group and item_key != group_key:
            yield group_key, group
            group = []
        group_key = item_key
        group.append(item)
    if group:
        yield group_key, group


def islice(iterable: Iterable[T] | AsyncIterable[T], *args: int | None) -> AsyncGenerator[T, None]:
    """Yield a slice of the items: `islice(it, stop)` or `islice(it, start, stop[, step])`.

    As in `itertools.islice`, the first `start` items are consumed even when `stop`
    is not above `start`, and no item is read past the slice.

    Raises:
        ValueError: for negative or non-integer bounds, or a step below 1.
    """
    itertools.islice((), *args)  # the same errors for bad bounds
    bounds = slice(*args)
    start, stop, step = bounds.start or 0, bounds.stop, bounds.step or 1
    return _islice(aiter_any(iterable), start, stop, step)


async def _islice(
    items: AsyncIterator[T], start: int, stop: int | None, step: int
) -> AsyncGenerator[T, None]:
    position = 0  # items consumed so far
    wanted = start  # the position of the next item to yield
    while True:
        while position < wanted:  # skip (also when the slice turns out empty)
            try:
                await items.__anext__()
            except StopAsyncIteration:
                return
            position += 1
        if stop is not None and position >= stop:
            return
        try:
            item = await items.__anext__()
        except StopAsyncIteration:
            return
        position += 1
        yield item
        wanted += step
        if stop is not None:
            wanted = min(wanted, stop)  # never skip past the end of the slice


def pairwise(iterable: Iterable[T] | AsyncIterable[T]) -> AsyncGenerator[tuple[T, T], None]:
    """Yield overlapping pairs of consecutive items: (a, b), (b, c), ..."""
    return _pairwise(aiter_any(iterable))


async def _pairwise(items: AsyncIterator[T]) -> AsyncGenerator[tuple[T, T], None]:
    try:
        previous = await items.__anext__()
    except StopAsyncIteration:
        return
    async for item in items:
        yield previous, item
        previous = item


def product(
    *iterables: Iterable[T] | AsyncIterable[T], repeat: int = 1
) -> AsyncGenerator[tuple[T, ...], None]:
    """Yield the cartesian product of the iterables, as `itertools.product` does.

    Every input is read completely before the first tuple. With `repeat=0` the only
    tuple is `()` and nothing is read from the inputs.

    Raises:
        ValueError: if `repeat` is negative.
    """
    itertools.product(repeat=repeat)  # the same errors for a bad repeat
    return _product(iterables, repeat)


async def _product(
    iterables: tuple[Iterable[T] | AsyncIterable[T], ...], repeat: int
) -> AsyncGenerator[tuple[T, ...], None]:
    if repeat == 0:
        yield ()
        return
    pools = [await _to_list(iterable) for iterable in iterables]
    for combination in itertools.product(*pools, repeat=repeat):
        yield combination


def repeat(element: T, times: int | None = None) -> AsyncGenerator[T, None]:
    """Yield `element` `times` times (without end if `times` is None)."""
    return _repeat(element, times)


async def _repeat(element: T, times: int | None) -> AsyncGenerator[T, None]:
    if times is None:
        while True:
            yield element
    for _ in range(times):
        yield element


def starmap(
    function: Callable[..., Awaitable[R]],
    iterable: Iterable[Iterable[object] | AsyncIterable[object]]
    | AsyncIterable[Iterable[object] | AsyncIterable[object]],
) -> AsyncGenerator[R, None]:
    """Yield `await function(*args)` for each `args` (a plain or async iterable) in turn."""
    return _starmap(function, aiter_any(iterable))


async def _starmap(
    function: Callable[..., Awaitable[R]],
    arguments: AsyncIterator[Iterable[object] | AsyncIterable[object]],
) -> AsyncGenerator[R, None]:
    async for args in arguments:
        yield await function(*await _to_list(args))


def takewhile(
    predicate: Callable[[T], Awaitable[object]], iterable: Iterable[T] | AsyncIterable[T]
) -> AsyncGenerator[T, None]:
    """Yield items while `await predicate(item)` is true; stop at the first false one."""
    return _takewhile(predicate, aiter_any(iterable))


async def _takewhile(
    predicate: Callable[[T], Awaitable[object]], items: AsyncIterator[T]
) -> AsyncGenerator[T, None]:
    async for item in items:
        if not await predicate(item):
            return
        yield item


class _TeeSource(Generic[T]):
    """The iterator that `tee()`'s branches share, with a queue per branch."""

    def __init__(self, items: AsyncIterator[T], n: int) -> None:
        self._items = items
        self.queues: list[deque[T]] = [deque() for _ in range(n)]
        # One branch reads from the source at a time; the others wait here, then
        # find the item in their queue. Fast: no extra checkpoint when nobody waits.
        self._lock = Lock(fast_acquire=True)
        self.exhausted = False

    async def fill(self, queue: deque[T]) -> None:
        """Read the next item into every queue, unless `queue` got one meanwhile."""
        async with self._lock:
            if queue or self.exhausted:
                return
            try:
                item = await self._items.__anext__()
            except StopAsyncIteration:
                self.exhausted = True
                return
            for each in self.queues:
                each.append(item)


class _TeeIterator(Generic[T]):
    """One branch of `tee()`."""

    __slots__ = ("_queue", "_source")

    def __init__(self, source: _TeeSource[T], index: int) -> None:
        self._source = source
        self._queue = source.queues[index]

    def __aiter__(self) -> _TeeIterator[T]:
        return self

    async def __anext__(self) -> T:
        queue = self._queue
        while not queue:
            if self._source.exhausted:
                raise StopAsyncIteration
            await self._source.fill(queue)
        return queue.popleft()


def tee(iterable: Iterable[T] | AsyncIterable[T], n: int = 2) -> tuple[AsyncIterator[T], ...]:
    """Return `n` independent async iterators over the same items.

    Each item is read from `iterable` once and kept until every branch has taken it.
    The branches may be consumed by different tasks: one of them reads from the source
    at a time.

    Raises:
        ValueError: if `n` is negative.
    """
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n!r}")
    source = _TeeSource(aiter_any(iterable), n)
    return tuple(_TeeIterator(source, index) for index in range(n))


def zip_longest(
    *iterables: Iterable[object] | AsyncIterable[object], fillvalue: object = None
) -> AsyncGenerator[tuple[object, ...], None]:
    """Yield tuples of one item from each iterable, filling in for the shorter ones.

    Args:
        iterables: the inputs.
        fillvalue: what stands in for the items of an input that ran out.
    """
    return _zip_longest([aiter_any(iterable) for iterable in iterables], fillvalue)


async def _zip_longest(
    iterators: list[AsyncIterator[object]], fillvalue: object
) -> AsyncGenerator[tuple[object, ...], None]:
    active = len(iterators)
    finished = [False] * len(iterators)
    while active:
        row: list[object] = []
        for index, iterator in enumerate(iterators):
            if finished[index]:
                row.append(fillvalue)
                continue
            try:
                row.append(await iterator.__anext__())
            except StopAsyncIteration:
                finished[index] = True
                active -= 1
                row.append(fillvalue)
        if active:
            yield tuple(row)

"""`anyio.itertools`: the `itertools` module for async code.

Each function takes plain and async iterables alike (`aiter_any()` adapts a plain one)
and returns an async generator; the callbacks (`predicate`, `key`, `function`) are
async functions. The functions are plain functions, not async generator functions, so
that bad arguments fail at the call, as in `itertools`: each checks its arguments (the
numeric ones through `itertools` itself, for the same errors) and then returns the
generator that does the work.

The functions that need the whole input before their first item (`product`,
`permutations`, `combinations*`) read it into a list first, then let `itertools` do
the combinatorics.

Checkpoints (AnyIO 4.16): every `__anext__()` call on a returned iterator is a
checkpoint, at its start, before anything is read from the inputs: a cancelled call
raises there and takes no item, and a call that yields a buffered or computed item
lets other tasks run too. Nothing the inputs or callbacks do is relied on, since an
async source need not checkpoint at all. So each generator awaits `checkpoint()` first
and again right after each `yield` (the start of the next call).

The call that ends the iteration also lets other tasks run once more, shielded, just
before `StopAsyncIteration`. Trio's scheduler runs each batch of ready tasks in random
order, so after a single schedule point a task started just before the call has even
odds of running before the call returns; AnyIO's tests expect it to, for an iteration
that ends at its first call. The second point costs once per iteration, not per item.
"""

from __future__ import annotations

import itertools
import operator
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from ._lowlevel import cancel_shielded_checkpoint, checkpoint
from ._sync._event import Event

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
    await checkpoint()
    if initial is None:
        try:
            total = await items.__anext__()
        except StopAsyncIteration:
            await cancel_shielded_checkpoint()
            return
    else:
        total = initial
    yield total
    await checkpoint()
    async for item in items:
        total = await function(total, item)
        yield total
        await checkpoint()
    await cancel_shielded_checkpoint()


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
    n = operator.index(n)
    if n < 1:
        raise ValueError(f"n must be at least one, got {n!r}")
    return _batched(aiter_any(iterable), n, strict)


async def _batched(
    items: AsyncIterator[T], n: int, strict: bool
) -> AsyncGenerator[tuple[T, ...], None]:
    await checkpoint()
    batch: list[T] = []
    async for item in items:
        batch.append(item)
        if len(batch) == n:
            yield tuple(batch)
            await checkpoint()
            batch = []
    if batch:
        if strict:
            raise ValueError(f"batched(): incomplete batch of {len(batch)} items (n={n})")
        yield tuple(batch)
        await checkpoint()
    await cancel_shielded_checkpoint()


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
    await checkpoint()
    async for iterable in iterables:
        async for item in aiter_any(iterable):
            yield item
            await checkpoint()
    await cancel_shielded_checkpoint()


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
    await checkpoint()
    for combination in make(await _to_list(iterable), r):
        yield combination
        await checkpoint()
    await cancel_shielded_checkpoint()


def compress(
    data: Iterable[T] | AsyncIterable[T], selectors: Iterable[object] | AsyncIterable[object]
) -> AsyncGenerator[T, None]:
    """Yield the items of `data` whose selector is true, until either runs out."""
    return _compress(aiter_any(data), aiter_any(selectors))


async def _compress(
    data: AsyncIterator[T], selectors: AsyncIterator[object]
) -> AsyncGenerator[T, None]:
    await checkpoint()
    async for item in data:
        try:
            selected = await selectors.__anext__()
        except StopAsyncIteration:
            await cancel_shielded_checkpoint()
            return
        if selected:
            yield item
            await checkpoint()
    await cancel_shielded_checkpoint()


def count(start: int = 0, step: int = 1) -> AsyncGenerator[int, None]:
    """Yield `start`, `start + step`, `start + 2 * step`, ... without end."""
    return _count(start, step)


async def _count(start: int, step: int) -> AsyncGenerator[int, None]:
    value = start
    while True:
        await checkpoint()
        yield value
        value += step


def cycle(iterable: Iterable[T] | AsyncIterable[T]) -> AsyncGenerator[T, None]:
    """Yield the items, then the same items again, without end (nothing if empty)."""
    return _cycle(aiter_any(iterable))


async def _cycle(items: AsyncIterator[T]) -> AsyncGenerator[T, None]:
    await checkpoint()
    saved: list[T] = []
    async for item in items:
        saved.append(item)
        yield item
        await checkpoint()
    while saved:
        for item in saved:
            yield item
            await checkpoint()
    await cancel_shielded_checkpoint()


def dropwhile(
    predicate: Callable[[T], Awaitable[object]], iterable: Iterable[T] | AsyncIterable[T]
) -> AsyncGenerator[T, None]:
    """Skip items while `await predicate(item)` is true, then yield every item left."""
    return _dropwhile(predicate, aiter_any(iterable))


async def _dropwhile(
    predicate: Callable[[T], Awaitable[object]], items: AsyncIterator[T]
) -> AsyncGenerator[T, None]:
    await checkpoint()
    async for item in items:
        if not await predicate(item):
            yield item
            await checkpoint()
            break
    async for item in items:
        yield item
        await checkpoint()
    await cancel_shielded_checkpoint()


def filterfalse(
    predicate: Callable[[T], Awaitable[object]], iterable: Iterable[T] | AsyncIterable[T]
) -> AsyncGenerator[T, None]:
    """Yield the items for which `await predicate(item)` is false."""
    return _filterfalse(predicate, aiter_any(iterable))


async def _filterfalse(
    predicate: Callable[[T], Awaitable[object]], items: AsyncIterator[T]
) -> AsyncGenerator[T, None]:
    await checkpoint()
    async for item in items:
        if not await predicate(item):
            yield item
            await checkpoint()
    await cancel_shielded_checkpoint()


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
    await checkpoint()
    group: list[T] = []
    group_key: object = None
    async for item in items:
        item_key = item if key is None else await key(item)
        if group and item_key != group_key:
            yield group_key, group
            await checkpoint()
            group = []
        group_key = item_key
        group.append(item)
    if group:
        yield group_key, group
        await checkpoint()
    await cancel_shielded_checkpoint()


def islice(iterable: Iterable[T] | AsyncIterable[T], *args: int | None) -> AsyncGenerator[T, None]:
    """Yield a slice of the items: `islice(it, stop)` or `islice(it, start, stop[, step])`.

    As in `itertools.islice`, the first `start` items are consumed even when `stop`
    is not above `start`, and no item is read past the slice. The bounds may be any
    objects with `__index__()`.

    Raises:
        ValueError: for negative or non-integer bounds, or a step below 1.
    """
    itertools.islice((), *args)  # the same errors for bad bounds
    bounds = slice(*[None if arg is None else operator.index(arg) for arg in args])
    start, stop, step = bounds.start or 0, bounds.stop, bounds.step or 1
    return _islice(aiter_any(iterable), start, stop, step)


async def _islice(
    items: AsyncIterator[T], start: int, stop: int | None, step: int
) -> AsyncGenerator[T, None]:
    await checkpoint()
    position = 0  # items consumed so far
    wanted = start  # the position of the next item to yield
    while True:
        while position < wanted:  # skip (also when the slice turns out empty)
            try:
                await items.__anext__()
            except StopAsyncIteration:
                await cancel_shielded_checkpoint()
                return
            position += 1
        if stop is not None and position >= stop:
            await cancel_shielded_checkpoint()
            return
        try:
            item = await items.__anext__()
        except StopAsyncIteration:
            await cancel_shielded_checkpoint()
            return
        position += 1
        yield item
        await checkpoint()
        wanted += step
        if stop is not None:
            wanted = min(wanted, stop)  # never skip past the end of the slice


def pairwise(iterable: Iterable[T] | AsyncIterable[T]) -> AsyncGenerator[tuple[T, T], None]:
    """Yield overlapping pairs of consecutive items: (a, b), (b, c), ..."""
    return _pairwise(aiter_any(iterable))


async def _pairwise(items: AsyncIterator[T]) -> AsyncGenerator[tuple[T, T], None]:
    await checkpoint()
    try:
        previous = await items.__anext__()
    except StopAsyncIteration:
        await cancel_shielded_checkpoint()
        return
    async for item in items:
        yield previous, item
        await checkpoint()
        previous = item
    await cancel_shielded_checkpoint()


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
    await checkpoint()
    if repeat == 0:
        yield ()
        await checkpoint()
        await cancel_shielded_checkpoint()
        return
    pools = [await _to_list(iterable) for iterable in iterables]
    for combination in itertools.product(*pools, repeat=repeat):
        yield combination
        await checkpoint()
    await cancel_shielded_checkpoint()


def repeat(element: T, times: int | None = None) -> AsyncGenerator[T, None]:
    """Yield `element` `times` times (without end if `times` is None)."""
    # itertools.repeat() checks `times` (any object with __index__) and counts it down.
    return _repeat(
        itertools.repeat(element) if times is None else itertools.repeat(element, times)
    )


async def _repeat(elements: Iterator[T]) -> AsyncGenerator[T, None]:
    await checkpoint()
    for element in elements:
        yield element
        await checkpoint()
    await cancel_shielded_checkpoint()


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
    await checkpoint()
    async for args in arguments:
        yield await function(*await _to_list(args))
        await checkpoint()
    await cancel_shielded_checkpoint()


def takewhile(
    predicate: Callable[[T], Awaitable[object]], iterable: Iterable[T] | AsyncIterable[T]
) -> AsyncGenerator[T, None]:
    """Yield items while `await predicate(item)` is true; stop at the first false one."""
    return _takewhile(predicate, aiter_any(iterable))


async def _takewhile(
    predicate: Callable[[T], Awaitable[object]], items: AsyncIterator[T]
) -> AsyncGenerator[T, None]:
    await checkpoint()
    async for item in items:
        if not await predicate(item):
            await cancel_shielded_checkpoint()
            return
        yield item
        await checkpoint()
    await cancel_shielded_checkpoint()


class _TeeLink(Generic[T]):
    """A place in the items that `tee()` reads: empty until filled with the next item.

    The branches share one chain of links, each branch holding the link of the item it
    takes next; a link nobody holds any more is freed, so the items kept are those that
    some branch has still to take. Filling a link adds an empty one after it.
    """

    __slots__ = ("item", "next")

    def __init__(self) -> None:
        self.item: T
        self.next: _TeeLink[T] | None = None  # Invariant: None until `item` is set


class _TeeSource(Generic[T]):
    """The iterator that `tee()`'s branches share, read by one branch at a time."""

    __slots__ = ("_exhausted", "_items", "_read_done", "_reading")

    def __init__(self, items: AsyncIterator[T]) -> None:
        self._items = items
        self._exhausted = False
        # True while a branch reads from the source; the others wait for `_read_done`
        # (made by the first of them), then look again. A lock would cost more on the
        # usual path, where nobody waits.
        self._reading = False
        self._read_done: Event | None = None

    async def fill(self, link: _TeeLink[T]) -> _TeeLink[T] | None:
        """Fill the empty `link` from the source and return the link after it.

        Returns None if the source has no more items.
        """
        while self._reading:
            if self._read_done is None:
                self._read_done = Event()
            await self._read_done.wait()
        if link.next is None and not self._exhausted:  # nobody filled it meanwhile
            self._reading = True
            try:
                link.item = await self._items.__anext__()
            except StopAsyncIteration:
                self._exhausted = True
                return None
            finally:
                self._reading = False
                read_done, self._read_done = self._read_done, None
                if read_done is not None:
                    read_done.set()
            link.next = _TeeLink()
        return link.next


class _TeeIterator(Generic[T]):
    """One branch of `tee()`."""

    __slots__ = ("_link", "_source")

    def __init__(self, source: _TeeSource[T], link: _TeeLink[T]) -> None:
        self._source = source
        self._link = link  # the link of the item this branch takes next

    def __aiter__(self) -> _TeeIterator[T]:
        return self

    async def __anext__(self) -> T:
        await checkpoint()
        link = self._link
        following = link.next
        if following is None:
            following = await self._source.fill(link)
            if following is None:
                await cancel_shielded_checkpoint()
                raise StopAsyncIteration
        self._link = following
        return link.item


def tee(iterable: Iterable[T] | AsyncIterable[T], n: int = 2) -> tuple[AsyncIterator[T], ...]:
    """Return `n` independent async iterators over the same items.

    Each item is read from `iterable` once and kept until every branch has taken it.
    The branches may be consumed by different tasks: one of them reads from the source
    at a time. A branch given to `tee()` again is not consumed: the new branches start
    where it stands and share its items, so `tee(branch, 1)` gives a look-ahead copy.

    Raises:
        ValueError: if `n` is negative.
    """
    n = operator.index(n)
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n!r}")
    if isinstance(iterable, _TeeIterator):
        source, link = iterable._source, iterable._link
    else:
        source, link = _TeeSource(aiter_any(iterable)), _TeeLink[T]()
    return tuple(_TeeIterator(source, link) for _ in range(n))


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
    await checkpoint()
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
            await checkpoint()
    await cancel_shielded_checkpoint()

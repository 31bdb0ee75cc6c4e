"""Where `anyio.itertools` iterators checkpoint (AnyIO 4.16): at every `__anext__()` call.

The inputs here are plain iterables, async iterables that never checkpoint, and
callbacks that never checkpoint, so every checkpoint seen is the function's own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

import anyio.itertools as aitertools
from anyio import CancelScope, create_task_group
from anyio.lowlevel import checkpoint

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable, Iterable

pytestmark = pytest.mark.anyio


class Silent:
    """An async iterator that never checkpoints, counting the items taken from it."""

    def __init__(self, items: Iterable[Any]) -> None:
        self._items = iter(list(items))
        self.taken = 0

    def __aiter__(self) -> Silent:
        return self

    async def __anext__(self) -> Any:
        try:
            item = next(self._items)
        except StopIteration:
            raise StopAsyncIteration from None
        self.taken += 1
        return item


async def is_small(x: int) -> bool:
    return x < 3


async def add(*args: int) -> int:
    return sum(args)


def tee_branch(items: Iterable[Any]) -> AsyncIterator[Any]:
    first, _second = aitertools.tee(items)
    return first


#: name -> (a fresh iterator, the items it yields). Each ends after those items.
FINITE: dict[str, tuple[Callable[[], AsyncIterator[Any]], list[Any]]] = {
    "accumulate": (lambda: aitertools.accumulate([1, 2, 3], add), [1, 3, 6]),
    "accumulate_initial": (lambda: aitertools.accumulate([], initial=5), [5]),
    "batched": (lambda: aitertools.batched(range(5), 2), [(0, 1), (2, 3), (4,)]),
    "chain": (lambda: aitertools.chain([1], [], Silent([2])), [1, 2]),
    "chain_from_silent": (
        lambda: aitertools.chain.from_iterable(Silent([[], (), [3]])),
        [3],
    ),
    "combinations": (
        lambda: aitertools.combinations("abc", 2),
        [("a", "b"), ("a", "c"), ("b", "c")],
    ),
    "combinations_too_long": (lambda: aitertools.combinations("ab", 3), []),
    "combinations_with_replacement": (
        lambda: aitertools.combinations_with_replacement("ab", 2),
        [("a", "a"), ("a", "b"), ("b", "b")],
    ),
    "permutations": (lambda: aitertools.permutations("ab"), [("a", "b"), ("b", "a")]),
    "permutations_too_long": (lambda: aitertools.permutations("ab", 3), []),
    "compress": (lambda: aitertools.compress("abcd", [1, 0, 1]), ["a", "c"]),
    "compress_empty": (lambda: aitertools.compress([], [1]), []),
    "cycle_empty": (lambda: aitertools.cycle(Silent([])), []),
    "dropwhile": (lambda: aitertools.dropwhile(is_small, [1, 2, 3, 4]), [3, 4]),
    "dropwhile_all": (lambda: aitertools.dropwhile(is_small, [1, 2]), []),
    "filterfalse": (lambda: aitertools.filterfalse(is_small, [5, 1, 6]), [5, 6]),
    "filterfalse_none": (lambda: aitertools.filterfalse(is_small, [1, 2]), []),
    "groupby": (lambda: aitertools.groupby("aab"), [("a", ["a", "a"]), ("b", ["b"])]),
    "groupby_empty": (lambda: aitertools.groupby(Silent([])), []),
    "islice": (lambda: aitertools.islice(range(10), 1, 6, 2), [1, 3, 5]),
    "islice_empty": (lambda: aitertools.islice(range(10), 0), []),
    "pairwise": (lambda: aitertools.pairwise([1, 2, 3]), [(1, 2), (2, 3)]),
    "pairwise_one": (lambda: aitertools.pairwise(Silent([1])), []),
    "product": (lambda: aitertools.product("ab", [1]), [("a", 1), ("b", 1)]),
    "product_empty": (lambda: aitertools.product([], "ab"), []),
    "product_repeat_zero": (lambda: aitertools.product("ab", repeat=0), [()]),
    "repeat": (lambda: aitertools.repeat("x", 2), ["x", "x"]),
    "repeat_zero": (lambda: aitertools.repeat("x", 0), []),
    "starmap": (lambda: aitertools.starmap(add, [(1, 2), (3,)]), [3, 3]),
    "starmap_empty": (lambda: aitertools.starmap(add, []), []),
    "takewhile": (lambda: aitertools.takewhile(is_small, [1, 2, 5, 1]), [1, 2]),
    "takewhile_none": (lambda: aitertools.takewhile(is_small, [7]), []),
    "zip_longest": (lambda: aitertools.zip_longest([1, 2], "a"), [(1, "a"), (2, None)]),
    "zip_longest_none": (lambda: aitertools.zip_longest(), []),
    "tee": (lambda: tee_branch([1, 2]), [1, 2]),
    "tee_empty": (lambda: tee_branch([]), []),
}

#: name -> (a fresh endless iterator, its first items).
ENDLESS: dict[str, tuple[Callable[[], AsyncIterator[Any]], list[Any]]] = {
    "count": (lambda: aitertools.count(5), [5, 6, 7]),
    "cycle": (lambda: aitertools.cycle(Silent("ab")), ["a", "b", "a", "b"]),
    "repeat_endless": (lambda: aitertools.repeat("y"), ["y", "y", "y"]),
}

ALL = {**FINITE, **ENDLESS}


def calls(name: str) -> int:
    """How many `__anext__()` calls the case takes: one per item, plus the ending one."""
    return len(ALL[name][1]) + (name in FINITE)


async def close(iterator: AsyncIterator[Any]) -> None:
    aclose = getattr(iterator, "aclose", None)
    if aclose is not None:
        await aclose()


class TestEveryCallIsACheckpoint:
    @pytest.mark.parametrize("name", sorted(ALL))
    async def test_a_cancelled_call_raises(self, name: str) -> None:
        # The first call, every later one (replays and buffered items too), the last.
        factory, expected = ALL[name]
        for before in range(calls(name)):
            iterator = factory()
            for item in expected[:before]:
                assert await iterator.__anext__() == item
            with CancelScope() as scope:
                scope.cancel()
                await iterator.__anext__()
            assert scope.cancelled_caught, f"call {before + 1} was not cancelled"
            await close(iterator)

    @pytest.mark.parametrize("name", sorted(ALL))
    async def test_each_call_lets_other_tasks_run(self, name: str) -> None:
        # A task that counts its turns. Every call is a schedule point, the ending call
        # two; between two of our turns the ticker has one (on Trio, where a batch of
        # ready tasks runs in random order, maybe not before our first or after our
        # last one): so at least one turn per schedule point, minus one.
        factory, expected = ALL[name]
        turns = 0

        async def ticker() -> None:
            nonlocal turns
            while True:
                turns += 1
                await checkpoint()

        async with create_task_group() as tg:
            tg.start_soon(ticker)
            iterator = factory()
            await checkpoint()
            before = turns
            items = [await iterator.__anext__() for _ in expected]
            if name in FINITE:
                with pytest.raises(StopAsyncIteration):
                    await iterator.__anext__()
            schedule_points = len(expected) + (2 if name in FINITE else 0)
            assert turns - before >= schedule_points - 1
            assert items == expected
            await close(iterator)
            tg.cancel_scope.cancel()

    @pytest.mark.parametrize("name", sorted(FINITE))
    async def test_the_ending_call_lets_a_new_task_run_first(self, name: str) -> None:
        # Also on Trio, whose scheduler runs a batch of ready tasks in random order.
        factory, expected = FINITE[name]
        iterator = factory()
        for item in expected:
            assert await iterator.__anext__() == item
        events: list[str] = []

        async def newcomer() -> None:
            events.append("newcomer ran")

        async with create_task_group() as tg:
            tg.start_soon(newcomer)
            with pytest.raises(StopAsyncIteration):
                await iterator.__anext__()
            events.append("iteration ended")
        assert events == ["newcomer ran", "iteration ended"]

    @pytest.mark.parametrize(
        "make",
        [
            lambda source: aitertools.accumulate(source),
            lambda source: aitertools.chain(source),
            lambda source: aitertools.filterfalse(is_small, source),
            lambda source: aitertools.islice(source, 1, None),
            lambda source: aitertools.pairwise(source),
            lambda source: aitertools.tee(source, 1)[0],
        ],
        ids=["accumulate", "chain", "filterfalse", "islice", "pairwise", "tee"],
    )
    async def test_a_cancelled_call_reads_nothing(self, make: Any) -> None:
        source = Silent(range(10))
        iterator = make(source)
        await iterator.__anext__()
        taken = source.taken
        with CancelScope() as scope:
            scope.cancel()
            await iterator.__anext__()
        assert scope.cancelled_caught
        assert source.taken == taken
        await close(iterator)

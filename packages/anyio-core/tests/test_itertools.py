"""`anyio.itertools` (``_core/_itertools.py``), checked against `itertools` itself."""

from __future__ import annotations

import gc
import inspect
import itertools
import operator
import weakref
from contextlib import aclosing
from typing import TYPE_CHECKING, Any

import pytest

import anyio.itertools as aitertools
from anyio import CancelScope, Event, create_task_group, fail_after, wait_all_tasks_blocked
from anyio.lowlevel import checkpoint

if TYPE_CHECKING:
    from collections.abc import AsyncGenerator, AsyncIterable, AsyncIterator, Iterable

pytestmark = pytest.mark.anyio


class Source:
    """An async iterator over `items` that counts how many items were taken from it.

    A class rather than an async generator: a test may leave it unfinished, and an
    abandoned async generator would be finalized by the event loop, after the test.
    """

    def __init__(self, items: Iterable[Any]) -> None:
        self._items = iter(list(items))
        self.taken = 0

    def __aiter__(self) -> Source:
        return self

    async def __anext__(self) -> Any:
        await checkpoint()
        try:
            item = next(self._items)
        except StopIteration:
            raise StopAsyncIteration from None
        self.taken += 1
        return item


class CountingIterable:
    """A plain iterable that counts how many items were taken from it."""

    def __init__(self, items: Iterable[Any]) -> None:
        self._items = list(items)
        self.taken = 0

    def __iter__(self) -> Any:
        for item in self._items:
            self.taken += 1
            yield item


class Index:
    """An integer in disguise: only `__index__()` makes it one."""

    def __init__(self, value: int) -> None:
        self._value = value

    def __index__(self) -> int:
        return self._value


class Item:
    """An item that can be weakly referenced, to see when nothing holds it any more."""


@pytest.fixture(params=["plain", "async"])
def wrap(request: pytest.FixtureRequest) -> Any:
    """Turn a list into the kind of iterable under test."""
    return (lambda items: list(items)) if request.param == "plain" else Source


async def collect(iterable: AsyncIterable[Any]) -> list[Any]:
    return [item async for item in iterable]


async def take(n: int, endless: AsyncGenerator[Any, None]) -> list[Any]:
    """The first `n` items of an endless generator, closed afterwards (Trio warns if not)."""
    async with aclosing(endless):
        return await collect(aitertools.islice(endless, n))


async def async_add(a: Any, b: Any) -> Any:
    return a + b


async def is_small(x: int) -> bool:
    return x < 3


async def parity(x: int) -> int:
    return x % 2


async def first(x: Any, *rest: Any) -> Any:
    return (x, *rest)


DATA = [1, 4, 2, 5, 0, 3, 3, 6]


class TestAgainstItertools:
    """The same results as the `itertools` function, from plain and async inputs."""

    async def test_accumulate(self, wrap: Any) -> None:
        assert await collect(aitertools.accumulate(wrap(DATA))) == list(itertools.accumulate(DATA))
        assert await collect(aitertools.accumulate(wrap(DATA), async_add, initial=100)) == list(
            itertools.accumulate(DATA, operator.add, initial=100)
        )
        assert await collect(aitertools.accumulate(wrap([]))) == []

    @pytest.mark.parametrize("n", [1, 3, 8, 10])
    async def test_batched(self, wrap: Any, n: int) -> None:
        expected = [tuple(DATA[i : i + n]) for i in range(0, len(DATA), n)]
        assert await collect(aitertools.batched(wrap(DATA), n)) == expected

    async def test_batched_strict(self, wrap: Any) -> None:
        assert await collect(aitertools.batched(wrap(DATA), 4, strict=True)) == [
            (1, 4, 2, 5),
            (0, 3, 3, 6),
        ]
        with pytest.raises(ValueError, match="incomplete batch"):
            await collect(aitertools.batched(wrap(DATA), 3, strict=True))

    async def test_chain(self, wrap: Any) -> None:
        assert await collect(aitertools.chain(wrap([1, 2]), [], wrap([3]))) == [1, 2, 3]
        assert await collect(aitertools.chain()) == []

    async def test_chain_from_iterable(self, wrap: Any) -> None:
        groups = wrap([wrap([1, 2]), Source([3]), [4, 5]])
        assert await collect(aitertools.chain.from_iterable(groups)) == [1, 2, 3, 4, 5]
        assert isinstance(aitertools.chain, aitertools.Chain)

    @pytest.mark.parametrize(
        "name", ["combinations", "combinations_with_replacement", "permutations"]
    )
    @pytest.mark.parametrize("r", [0, 2, 3, 5])
    async def test_combinatorics(self, wrap: Any, name: str, r: int) -> None:
        ours = getattr(aitertools, name)(wrap("abcd"), r)
        assert await collect(ours) == list(getattr(itertools, name)("abcd", r))

    async def test_permutations_default_length(self, wrap: Any) -> None:
        assert await collect(aitertools.permutations(wrap("abc"))) == list(
            itertools.permutations("abc")
        )

    async def test_compress(self, wrap: Any) -> None:
        selectors = [1, 0, 1, 1, 0]
        assert await collect(aitertools.compress(wrap(DATA), wrap(selectors))) == list(
            itertools.compress(DATA, selectors)
        )

    async def test_count(self) -> None:
        assert await take(4, aitertools.count()) == [0, 1, 2, 3]
        assert await take(3, aitertools.count(10, -3)) == [10, 7, 4]

    async def test_cycle(self, wrap: Any) -> None:
        assert await take(5, aitertools.cycle(wrap("ab"))) == list("ababa")
        assert await collect(aitertools.cycle(wrap([]))) == []

    async def test_dropwhile_takewhile_filterfalse(self, wrap: Any) -> None:
        assert await collect(aitertools.dropwhile(is_small, wrap(DATA))) == list(
            itertools.dropwhile(lambda x: x < 3, DATA)
        )
        assert await collect(aitertools.takewhile(is_small, wrap(DATA))) == list(
            itertools.takewhile(lambda x: x < 3, DATA)
        )
        assert await collect(aitertools.filterfalse(is_small, wrap(DATA))) == list(
            itertools.filterfalse(lambda x: x < 3, DATA)
        )

    async def test_groupby(self, wrap: Any) -> None:
        expected = [(key, list(group)) for key, group in itertools.groupby("aabbbcdd")]
        assert await collect(aitertools.groupby(wrap("aabbbcdd"))) == expected
        expected = [(key, list(group)) for key, group in itertools.groupby(DATA, lambda x: x % 2)]
        assert await collect(aitertools.groupby(wrap(DATA), parity)) == expected
        assert await collect(aitertools.groupby(wrap([]))) == []

    @pytest.mark.parametrize(
        "args",
        [(3,), (0,), (None,), (2, 6), (2, None), (1, 7, 2), (0, 8, 3), (5, 3), (3, 3), (9, 20)],
        ids=str,
    )
    async def test_islice(self, wrap: Any, args: tuple[int | None, ...]) -> None:
        assert await collect(aitertools.islice(wrap(DATA), *args)) == list(
            itertools.islice(DATA, *args)
        )

    async def test_pairwise(self, wrap: Any) -> None:
        assert await collect(aitertools.pairwise(wrap(DATA))) == list(itertools.pairwise(DATA))
        assert await collect(aitertools.pairwise(wrap([1]))) == []

    @pytest.mark.parametrize("repeat", [0, 1, 2])
    async def test_product(self, wrap: Any, repeat: int) -> None:
        assert await collect(aitertools.product(wrap("ab"), wrap([1, 2]), repeat=repeat)) == list(
            itertools.product("ab", [1, 2], repeat=repeat)
        )
        assert await collect(aitertools.product()) == [()]

    async def test_repeat(self) -> None:
        assert await collect(aitertools.repeat("x", 3)) == ["x"] * 3
        assert await collect(aitertools.repeat("x", -1)) == []
        assert await take(4, aitertools.repeat("y")) == ["y"] * 4

    async def test_integer_arguments_may_be_any_index(self, wrap: Any) -> None:
        # As in itertools: the counts and bounds are taken through __index__().
        assert await collect(aitertools.islice(wrap(DATA), Index(1), Index(7), Index(2))) == list(
            itertools.islice(DATA, 1, 7, 2)
        )
        assert await collect(aitertools.islice(wrap(DATA), Index(2))) == DATA[:2]
        assert await collect(aitertools.repeat("x", Index(2))) == ["x", "x"]  # type: ignore[arg-type]
        assert (
            await collect(aitertools.batched(wrap(DATA), Index(5)))
            == [  # type: ignore[arg-type]
                tuple(DATA[:5]),
                tuple(DATA[5:]),
            ]
        )
        assert len(aitertools.tee(wrap(DATA), Index(3))) == 3  # type: ignore[arg-type]

    async def test_starmap(self, wrap: Any) -> None:
        arguments = wrap([wrap([1, 2]), (3,), Source([4, 5, 6])])
        assert await collect(aitertools.starmap(first, arguments)) == [(1, 2), (3,), (4, 5, 6)]

    async def test_zip_longest(self, wrap: Any) -> None:
        assert await collect(aitertools.zip_longest(wrap([1, 2, 3]), wrap("ab"), [])) == list(
            itertools.zip_longest([1, 2, 3], "ab", [])
        )
        assert await collect(aitertools.zip_longest(wrap([1]), wrap("ab"), fillvalue=0)) == [
            (1, "a"),
            (0, "b"),
        ]
        assert await collect(aitertools.zip_longest()) == []


class TestConsumption:
    """How much of the input each function takes: no more than `itertools` does."""

    @pytest.mark.parametrize("kind", [Source, CountingIterable])
    @pytest.mark.parametrize(("start", "stop"), [(5, 3), (4, 4), (4, 0)])
    async def test_islice_consumes_start_items_even_when_stop_is_not_above(
        self, kind: Any, start: int, stop: int
    ) -> None:
        # AnyIO 4.16 (anyio#1372), as itertools.islice does.
        source = kind(range(10))
        assert await collect(aitertools.islice(source, start, stop)) == []
        assert source.taken == start

    @pytest.mark.parametrize("kind", [Source, CountingIterable])
    async def test_islice_reads_nothing_past_the_slice(self, kind: Any) -> None:
        source = kind(range(10))
        assert await collect(aitertools.islice(source, 0, 5, 3)) == [0, 3]
        assert source.taken == 5
        source = kind(range(10))
        assert await collect(aitertools.islice(source, 0)) == []
        assert source.taken == 0

    @pytest.mark.parametrize("kind", [Source, CountingIterable])
    async def test_product_with_repeat_zero_takes_nothing(self, kind: Any) -> None:
        # AnyIO 4.16 (anyio#1394).
        sources = [kind("ab"), kind("cd")]
        assert await collect(aitertools.product(*sources, repeat=0)) == [()]
        assert [source.taken for source in sources] == [0, 0]

    async def test_takewhile_stops_at_the_first_false_item(self) -> None:
        source = Source(DATA)
        assert await collect(aitertools.takewhile(is_small, source)) == [1]
        assert source.taken == 2

    async def test_results_are_async_generators(self) -> None:
        generator = aitertools.count()
        assert inspect.isasyncgen(generator)
        await generator.aclose()


class TestTee:
    async def test_branches_see_every_item(self, wrap: Any) -> None:
        a, b, c = aitertools.tee(wrap(DATA), 3)
        assert await collect(a) == DATA
        assert await collect(b) == DATA
        assert await collect(aitertools.islice(c, 2)) == DATA[:2]

    async def test_each_item_is_read_once(self) -> None:
        source = Source(DATA)
        a, b = aitertools.tee(source)
        assert [await a.__anext__() for _ in range(3)] == DATA[:3]
        assert [await b.__anext__() for _ in range(2)] == DATA[:2]
        assert source.taken == 3

    async def test_teeing_a_branch_forks_it_where_it_stands(self) -> None:
        # tee(branch, 1) is a look-ahead copy: reading it leaves the branch in place.
        (branch,) = aitertools.tee(Source("abcd"), 1)
        assert await branch.__anext__() == "a"
        (fork,) = aitertools.tee(branch, 1)
        assert [await fork.__anext__() for _ in range(2)] == ["b", "c"]
        assert await collect(branch) == ["b", "c", "d"]
        assert await collect(fork) == ["d"]

    async def test_a_buffered_item_is_still_a_checkpoint(self) -> None:
        a, b = aitertools.tee([1, 2])
        assert await collect(a) == [1, 2]
        with CancelScope() as scope:
            scope.cancel()
            await b.__anext__()
        assert scope.cancelled_caught
        assert await collect(b) == [1, 2]  # the cancelled call took nothing

    async def test_items_are_kept_only_for_branches_that_still_need_them(self) -> None:
        items = [Item() for _ in range(3)]
        refs = [weakref.ref(item) for item in items]
        a, b, c = aitertools.tee(items, 3)
        del items
        del c  # a dropped branch keeps nothing
        assert await a.__anext__() is refs[0]()
        assert await collect(b) == [ref() for ref in refs]
        gc.collect()
        assert [ref() is None for ref in refs] == [True, False, False]
        del a, b
        gc.collect()
        assert [ref() for ref in refs] == [None, None, None]

    async def test_zero_branches(self) -> None:
        assert aitertools.tee([1, 2], 0) == ()

    async def test_branches_consumed_by_concurrent_tasks(self) -> None:
        gate = Event()
        taken = 0

        async def slow_source() -> AsyncIterator[int]:
            nonlocal taken
            for i in range(3):
                await gate.wait()
                taken += 1
                yield i

        results: dict[int, list[int]] = {}

        async def consume(index: int, branch: AsyncIterator[int]) -> None:
            results[index] = await collect(branch)

        with fail_after(10):
            async with create_task_group() as tg:
                for index, branch in enumerate(aitertools.tee(slow_source(), 3)):
                    tg.start_soon(consume, index, branch)
                await wait_all_tasks_blocked()
                gate.set()
        assert results == {0: [0, 1, 2], 1: [0, 1, 2], 2: [0, 1, 2]}
        assert taken == 3

    @pytest.mark.parametrize("cancelled", ["reader", "waiter"])
    async def test_a_branch_cancelled_while_another_waits(self, cancelled: str) -> None:
        # One branch reads from the source (blocked in it), another waits for that read;
        # either may be cancelled meanwhile, and no item is lost or read twice.
        gate = Event()

        class Gated(Source):
            async def __anext__(self) -> Any:
                await gate.wait()
                return await super().__anext__()

        source = Gated(range(3))
        a, b = aitertools.tee(source)
        scope = CancelScope()
        got: list[int] = []

        async def next_of_a() -> None:
            with scope:
                got.append(await a.__anext__())

        async def next_of_b() -> None:
            got.append(await b.__anext__())

        first, second = (next_of_a, next_of_b) if cancelled == "reader" else (next_of_b, next_of_a)
        with fail_after(10):
            async with create_task_group() as tg:
                tg.start_soon(first)
                await wait_all_tasks_blocked()  # it reads, stuck at the gate
                tg.start_soon(second)
                await wait_all_tasks_blocked()  # it waits for that read
                scope.cancel()
                await wait_all_tasks_blocked()  # b reads (again) or still waits
                gate.set()
        assert scope.cancelled_caught
        assert got == [0]  # b's item
        assert await collect(a) == [0, 1, 2]
        assert source.taken == 3


class TestArguments:
    """Bad arguments fail at the call, with the errors `itertools` gives."""

    @pytest.mark.parametrize(
        ("call", "error"),
        [
            (lambda: aitertools.batched([], 0), ValueError),
            (lambda: aitertools.combinations([], -1), ValueError),
            (lambda: aitertools.combinations_with_replacement([], -1), ValueError),
            (lambda: aitertools.permutations([], -1), ValueError),
            (lambda: aitertools.islice([], -1), ValueError),
            (lambda: aitertools.islice([], 1, 2, 0), ValueError),
            (lambda: aitertools.islice([], 1, 2, 3, 4), TypeError),
            (lambda: aitertools.product([], repeat=-1), ValueError),
            (lambda: aitertools.tee([], -1), ValueError),
            (lambda: aitertools.tee([], "2"), TypeError),  # type: ignore[arg-type]
            (lambda: aitertools.repeat("x", "2"), TypeError),  # type: ignore[arg-type]
            (lambda: aitertools.batched([], "2"), TypeError),  # type: ignore[arg-type]
            (lambda: aitertools.islice([], Index(1), "2"), ValueError),  # type: ignore[arg-type]
            (lambda: aitertools.accumulate(42), TypeError),  # type: ignore[arg-type]
            (lambda: aitertools.chain.from_iterable(None), TypeError),  # type: ignore[arg-type]
        ],
        ids=[
            "batched",
            "combinations",
            "combinations_with_replacement",
            "permutations",
            "islice_stop",
            "islice_step",
            "islice_arity",
            "product",
            "tee",
            "tee_not_integer",
            "repeat_not_integer",
            "batched_not_integer",
            "islice_not_integer",
            "not_iterable",
            "chain_not_iterable",
        ],
    )
    def test_fail_at_the_call(self, call: Any, error: type[Exception]) -> None:
        with pytest.raises(error):
            call()

    def test_integer_messages(self) -> None:
        # AnyIO's (and itertools') wording.
        with pytest.raises(ValueError, match="n must be >= 0"):
            aitertools.tee([], -1)
        for call in (
            lambda: aitertools.tee([], "2"),  # type: ignore[arg-type]
            lambda: aitertools.repeat("x", "2"),  # type: ignore[arg-type]
        ):
            with pytest.raises(TypeError, match="cannot be interpreted as an integer"):
                call()

    def test_not_iterable_message(self) -> None:
        with pytest.raises(TypeError, match="expected an iterable or an async iterable, got int"):
            aitertools.cycle(42)  # type: ignore[arg-type]


class TestCancellation:
    async def test_a_cancelled_consumer_stops_at_the_source_checkpoint(self) -> None:
        gate = Event()

        async def blocked() -> AsyncIterator[int]:
            yield 1
            await gate.wait()
            yield 2  # pragma: no cover

        received: list[int] = []
        with fail_after(10):
            async with create_task_group() as tg:

                async def consume() -> None:
                    with CancelScope() as scope:
                        async for item in aitertools.pairwise(aitertools.chain([0], blocked())):
                            received.extend(item)
                    assert scope.cancelled_caught

                tg.start_soon(consume)
                await wait_all_tasks_blocked()
                tg.cancel_scope.cancel()
        assert received == [0, 1]


#: The 4.16 API file's entries for anyio.itertools: name -> parameters.
API_416: dict[str, str] = {
    "Chain": "",
    "accumulate": "iterable, function, *, initial",
    "batched": "iterable, n, *, strict",
    "combinations": "iterable, r",
    "combinations_with_replacement": "iterable, r",
    "compress": "data, selectors",
    "count": "start, step",
    "cycle": "iterable",
    "dropwhile": "predicate, iterable",
    "filterfalse": "predicate, iterable",
    "groupby": "iterable, key",
    "islice": "iterable, *args",
    "pairwise": "iterable",
    "permutations": "iterable, r",
    "product": "*iterables, repeat",
    "repeat": "element, times",
    "starmap": "function, iterable",
    "takewhile": "predicate, iterable",
    "tee": "iterable, n",
    "zip_longest": "*iterables, fillvalue",
}


def parameters(obj: Any) -> str:
    plain = [
        parameter.replace(annotation=inspect.Parameter.empty, default=inspect.Parameter.empty)
        for parameter in inspect.signature(obj).parameters.values()
    ]
    return str(inspect.Signature(plain))[1:-1]


class TestSurface:
    def test_names_match_the_416_api_file(self) -> None:
        assert set(aitertools.__all__) == set(API_416)

    def test_chain_is_importable_but_not_in_all(self) -> None:
        # An instance of `Chain`, neither function nor class: AnyIO 4.16 leaves it out
        # of __all__ (its own test of every module's __all__ demands so).
        assert "chain" not in aitertools.__all__
        namespace: dict[str, Any] = {}
        exec("from anyio.itertools import chain", namespace)
        assert namespace["chain"] is aitertools.chain

    @pytest.mark.parametrize("name", sorted(set(API_416) - {"Chain"}))
    def test_signature(self, name: str) -> None:
        func = getattr(aitertools, name)
        assert func.__module__ == "anyio.itertools"
        assert not inspect.iscoroutinefunction(func)
        assert not inspect.isasyncgenfunction(func)  # plain functions: eager argument checks
        assert parameters(func) == API_416[name]

    def test_chain_members(self) -> None:
        assert aitertools.Chain.__module__ == "anyio.itertools"
        assert parameters(aitertools.Chain.__call__) == "self, *iterables"
        assert parameters(aitertools.Chain.from_iterable) == "self, iterables"

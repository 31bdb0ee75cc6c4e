"""`anyio.functools` (``_core/_functools.py``): `lru_cache`, `cache` and `reduce`."""

from __future__ import annotations

import functools
import inspect
import subprocess
import sys
from typing import TYPE_CHECKING, Any

import pytest

import anyio.functools as afunctools
from anyio import (
    CancelScope,
    Event,
    create_task_group,
    fail_after,
    get_cancelled_exc_class,
    wait_all_tasks_blocked,
)
from anyio._core import _functools
from anyio.functools import AsyncCacheInfo, AsyncCacheParameters, AsyncLRUCacheWrapper

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

pytestmark = pytest.mark.anyio


class Recorder:
    """An async function that records its calls and can be held at a gate."""

    def __init__(self) -> None:
        self.calls: list[tuple[Any, ...]] = []
        self.gate: Event | None = None
        self.fail_next = False

    async def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.calls.append((*args, *sorted(kwargs.items())))
        if self.gate is not None:
            await self.gate.wait()
        if self.fail_next:
            self.fail_next = False
            raise ValueError("first call fails")
        return (args, kwargs)


def cached(recorder: Recorder, **settings: Any) -> AsyncLRUCacheWrapper[..., Any]:
    async def func(*args: Any, **kwargs: Any) -> Any:
        return await recorder(*args, **kwargs)

    return afunctools.lru_cache(**settings)(func)


class TestLRUCache:
    async def test_a_hit_does_not_call_again(self) -> None:
        recorder = Recorder()
        func = cached(recorder)
        assert await func(1, b=2) == ((1,), {"b": 2})
        assert await func(1, b=2) == ((1,), {"b": 2})
        assert recorder.calls == [(1, ("b", 2))]
        assert func.cache_info() == AsyncCacheInfo(1, 1, 128, 1, None)

    async def test_bare_and_with_settings(self) -> None:
        @afunctools.lru_cache
        async def bare(x: int) -> int:
            return x

        @afunctools.lru_cache(maxsize=3)
        async def configured(x: int) -> int:
            return x

        assert isinstance(bare, AsyncLRUCacheWrapper)
        assert bare.cache_parameters() == AsyncCacheParameters(
            maxsize=128, typed=False, always_checkpoint=False, ttl=None
        )
        assert configured.cache_parameters()["maxsize"] == 3
        assert await bare(1) == await configured(1) == 1

    async def test_concurrent_callers_wait_for_the_first_call(self) -> None:
        recorder = Recorder()
        recorder.gate = Event()
        func = cached(recorder)
        results: list[Any] = []

        async def call() -> None:
            results.append(await func("key"))

        with fail_after(10):
            async with create_task_group() as tg:
                for _ in range(4):
                    tg.start_soon(call)
                await wait_all_tasks_blocked()
                assert len(recorder.calls) == 1
                recorder.gate.set()
        assert results == [(("key",), {})] * 4
        assert recorder.calls == [("key",)]
        assert func.cache_info().misses == 1
        assert func.cache_info().hits == 3

    async def test_different_keys_run_concurrently(self) -> None:
        recorder = Recorder()
        recorder.gate = Event()
        func = cached(recorder)
        with fail_after(10):
            async with create_task_group() as tg:
                tg.start_soon(func, 1)
                tg.start_soon(func, 2)
                await wait_all_tasks_blocked()
                assert sorted(recorder.calls) == [(1,), (2,)]
                recorder.gate.set()

    async def test_a_failed_first_call_lets_a_waiter_call_and_is_not_cached(self) -> None:
        recorder = Recorder()
        recorder.gate = Event()
        recorder.fail_next = True
        func = cached(recorder)
        outcomes: list[str] = []

        async def call() -> None:
            try:
                await func("key")
            except ValueError:
                outcomes.append("failed")
            else:
                outcomes.append("ok")

        with fail_after(10):
            async with create_task_group() as tg:
                tg.start_soon(call)
                await wait_all_tasks_blocked()
                tg.start_soon(call)
                await wait_all_tasks_blocked()
                recorder.gate.set()
        assert outcomes == ["failed", "ok"]
        assert recorder.calls == [("key",), ("key",)]
        assert func.cache_info().currsize == 1

    async def test_a_cancelled_first_call_lets_a_waiter_call(self) -> None:
        recorder = Recorder()
        recorder.gate = Event()
        func = cached(recorder)
        results: list[Any] = []
        first_scope = CancelScope()

        async def first_call() -> None:
            with first_scope:
                await func("key")

        with fail_after(10):
            async with create_task_group() as tg:
                tg.start_soon(first_call)
                await wait_all_tasks_blocked()
                tg.start_soon(call_into, func, results)
                await wait_all_tasks_blocked()
                assert len(recorder.calls) == 1  # the second caller waits
                first_scope.cancel()
                await wait_all_tasks_blocked()
                assert len(recorder.calls) == 2  # the waiter took over
                recorder.gate.set()
        assert first_scope.cancelled_caught
        assert results == [(("key",), {})]

    async def test_least_recently_used_is_evicted(self) -> None:
        recorder = Recorder()
        func = cached(recorder, maxsize=2)
        for key in (1, 2, 1, 3):  # 1 was used after 2: 2 goes
            await func(key)
        recorder.calls.clear()
        await func(1)
        await func(3)
        assert recorder.calls == []
        await func(2)
        assert recorder.calls == [(2,)]
        assert func.cache_info().currsize == 2

    async def test_maxsize_zero_caches_nothing_and_none_is_unbounded(self) -> None:
        recorder = Recorder()
        nothing = cached(recorder, maxsize=0)
        await nothing(1)
        await nothing(1)
        assert len(recorder.calls) == 2
        assert nothing.cache_info().currsize == 0
        unbounded = cached(Recorder(), maxsize=None)
        for key in range(300):
            await unbounded(key)
        assert unbounded.cache_info().currsize == 300

    async def test_maxsize_zero_runs_concurrent_calls_at_once(self) -> None:
        recorder = Recorder()
        recorder.gate = Event()
        func = cached(recorder, maxsize=0)
        with fail_after(10):
            async with create_task_group() as tg:
                for _ in range(3):
                    tg.start_soon(func, "key")
                await wait_all_tasks_blocked()
                assert len(recorder.calls) == 3  # nobody waits for a value never cached
                recorder.gate.set()
        assert func.cache_info() == AsyncCacheInfo(0, 3, 0, 0, None)

    async def test_typed_caches_equal_values_of_different_types_apart(self) -> None:
        recorder = Recorder()
        func = cached(recorder, typed=True)
        await func(1)
        await func(1.0)
        assert len(recorder.calls) == 2
        untyped_recorder = Recorder()
        untyped = cached(untyped_recorder)
        await untyped(1)
        await untyped(1.0)
        assert len(untyped_recorder.calls) == 1

    async def test_keyword_and_positional_keys_differ(self) -> None:
        recorder = Recorder()
        func = cached(recorder)
        await func(1)
        await func(x=1)
        await func((1,))
        await func("1")
        assert len(recorder.calls) == 4

    async def test_unhashable_arguments_raise_type_error(self) -> None:
        recorder = Recorder()
        func = cached(recorder)
        with pytest.raises(TypeError, match="unhashable"):
            await func([1])
        assert recorder.calls == []

    async def test_ttl_expires_entries(self, monkeypatch: pytest.MonkeyPatch) -> None:
        now = [1000.0]
        monkeypatch.setattr(_functools, "monotonic", lambda: now[0])
        recorder = Recorder()
        func = cached(recorder, ttl=10)
        await func(1)
        now[0] += 9.9
        await func(1)
        assert len(recorder.calls) == 1
        now[0] += 0.1
        await func(1)
        assert len(recorder.calls) == 2
        assert func.cache_info().ttl == 10
        assert func.cache_info().currsize == 1

    @pytest.mark.parametrize("always_checkpoint", [False, True])
    async def test_always_checkpoint_makes_a_hit_a_checkpoint(
        self, always_checkpoint: bool
    ) -> None:
        func = cached(Recorder(), always_checkpoint=always_checkpoint)
        await func(1)
        with CancelScope() as scope:
            scope.cancel()
            await func(1)
        assert scope.cancelled_caught is always_checkpoint

    async def test_cache_clear(self) -> None:
        recorder = Recorder()
        func = cached(recorder)
        await func(1)
        await func(1)
        func.cache_clear()
        assert func.cache_info() == AsyncCacheInfo(0, 0, 128, 0, None)
        await func(1)
        assert len(recorder.calls) == 2

    async def test_methods_cache_per_instance(self) -> None:
        calls: list[tuple[str, int]] = []

        class Service:
            def __init__(self, name: str) -> None:
                self.name = name

            @afunctools.lru_cache
            async def lookup(self, key: int) -> str:
                calls.append((self.name, key))
                return f"{self.name}:{key}"

        a, b = Service("a"), Service("b")
        assert await a.lookup(1) == "a:1"
        assert await a.lookup(1) == "a:1"
        assert await b.lookup(1) == "b:1"
        assert calls == [("a", 1), ("b", 1)]
        assert a.lookup.cache_info().hits == 1
        assert Service.lookup.cache_info().currsize == 2

    async def test_keeps_the_wrapped_function_metadata(self) -> None:
        async def documented(x: int) -> int:
            """Docs."""
            return x

        func = afunctools.lru_cache(documented)
        assert func.__name__ == "documented"
        assert func.__doc__ == "Docs."
        assert func.__wrapped__ is documented  # type: ignore[attr-defined]
        assert inspect.signature(func) == inspect.signature(documented)

    @pytest.mark.parametrize("decorate", ["lru_cache", "cache"])
    def test_sync_functions_get_functools_lru_cache(self, decorate: str) -> None:
        calls: list[int] = []

        def square(x: int) -> int:
            calls.append(x)
            return x * x

        func = getattr(afunctools, decorate)(square)
        assert isinstance(func, functools._lru_cache_wrapper)
        assert func(3) == func(3) == 9
        assert calls == [3]
        assert func.cache_info().maxsize == (None if decorate == "cache" else 128)

    def test_ttl_on_a_sync_function_is_an_error(self) -> None:
        with pytest.raises(TypeError, match="ttl applies to coroutine functions only"):

            @afunctools.lru_cache(ttl=5)
            def square(x: int) -> int:
                return x * x

    @pytest.mark.parametrize(
        ("settings", "error", "match"),
        [
            ({"maxsize": 1.5}, TypeError, "maxsize must be an int or None"),
            ({"maxsize": "10"}, TypeError, "maxsize must be an int or None"),
            ({"ttl": 0}, ValueError, "ttl must be a positive"),
            ({"ttl": 1.5}, ValueError, "ttl must be a positive"),
        ],
    )
    def test_bad_settings(
        self, settings: dict[str, Any], error: type[Exception], match: str
    ) -> None:
        with pytest.raises(error, match=match):
            afunctools.lru_cache(**settings)

    def test_not_a_function(self) -> None:
        with pytest.raises(TypeError, match="the first argument must be callable"):
            afunctools.lru_cache(maxsize=3)(42)  # type: ignore[call-overload]

    def test_positional_maxsize_is_refused(self) -> None:
        # functools.lru_cache(10) means maxsize=10; ours takes settings by keyword only.
        with pytest.raises(TypeError, match="the first argument must be callable"):
            afunctools.lru_cache(10)  # type: ignore[call-overload]


async def call_into(func: AsyncLRUCacheWrapper[..., Any], results: list[Any]) -> None:
    results.append(await func("key"))


class TestCache:
    async def test_unbounded(self) -> None:
        calls: list[int] = []

        @afunctools.cache
        async def double(x: int) -> int:
            calls.append(x)
            return 2 * x

        for x in [1, 2, 1, 2]:
            await double(x)
        assert calls == [1, 2]
        assert double.cache_parameters()["maxsize"] is None


async def add(a: int, b: int) -> int:
    return a + b


async def arange(n: int) -> AsyncIterator[int]:
    for i in range(n):
        yield i


class TestReduce:
    @pytest.mark.parametrize("source", ["list", "async"])
    async def test_folds_plain_and_async_iterables(self, source: str) -> None:
        items = range(5) if source == "list" else arange(5)
        assert await afunctools.reduce(add, items) == 10

    async def test_initial(self) -> None:
        assert await afunctools.reduce(add, [1, 2], 10) == 13
        assert await afunctools.reduce(add, [], 10) == 10
        assert await afunctools.reduce(add, arange(0), 7) == 7

    async def test_a_single_item_is_returned_without_a_call(self) -> None:
        async def never(a: object, b: object) -> object:
            raise AssertionError("called")

        assert await afunctools.reduce(never, ["only"]) == "only"

    @pytest.mark.parametrize("source", ["list", "async"])
    async def test_empty_without_initial(self, source: str) -> None:
        items = [] if source == "list" else arange(0)
        with pytest.raises(TypeError, match=r"reduce\(\) of empty sequence with no initial value"):
            await afunctools.reduce(add, items)

    async def test_not_iterable(self) -> None:
        with pytest.raises(TypeError, match="argument 2 must be an iterable or async iterable"):
            await afunctools.reduce(add, 5)  # type: ignore[call-overload]

    async def test_order_of_arguments(self) -> None:
        async def concat(acc: str, item: int) -> str:
            return f"{acc}{item}"

        assert await afunctools.reduce(concat, [1, 2, 3], ">") == ">123"

    async def test_is_a_checkpoint(self) -> None:
        with CancelScope() as scope:
            scope.cancel()
            with pytest.raises(get_cancelled_exc_class()):
                await afunctools.reduce(add, [], 0)


#: The 4.16 API file's entries for anyio.functools: name -> (kind, parameters).
API_416: dict[str, tuple[str, str]] = {
    "AsyncCacheInfo": ("class", "hits, misses, maxsize, currsize, ttl"),
    "AsyncCacheParameters": ("class", ""),
    "AsyncLRUCacheWrapper": ("class", "func, maxsize, typed, always_checkpoint, ttl"),
    "cache": ("function", "func, /"),
    "lru_cache": ("function", "func, /, *, maxsize, typed, always_checkpoint, ttl"),
    "reduce": ("async function", "function, iterable, /, initial"),
}


def parameters(obj: Any) -> str:
    """The parameter names and kind markers (`/`, `*`) of a signature, as text."""
    plain = [
        parameter.replace(annotation=inspect.Parameter.empty, default=inspect.Parameter.empty)
        for parameter in inspect.signature(obj).parameters.values()
    ]
    return str(inspect.Signature(plain))[1:-1]


class TestSurface:
    def test_using_the_new_modules_imports_no_event_loop_library(self) -> None:
        code = (
            "import sys, anyio\n"
            "anyio.functools.lru_cache, anyio.itertools.chain, anyio.Future\n"
            "print(sorted(m for m in ('asyncio', 'trio') if m in sys.modules))\n"
        )
        result = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        assert result.stdout.strip() == "[]"

    def test_names_match_the_416_api_file(self) -> None:
        assert set(afunctools.__all__) == set(API_416)

    @pytest.mark.parametrize("name", sorted(API_416))
    def test_signature(self, name: str) -> None:
        kind, expected = API_416[name]
        obj = getattr(afunctools, name)
        assert obj.__module__ == "anyio.functools"
        if kind == "class":
            assert isinstance(obj, type)
            if expected:
                assert parameters(obj) == expected
        else:
            assert inspect.iscoroutinefunction(obj) == kind.startswith("async")
            assert parameters(obj) == expected

    def test_wrapper_members(self) -> None:
        assert inspect.iscoroutinefunction(AsyncLRUCacheWrapper.__call__)
        for method in ("cache_clear", "cache_info", "cache_parameters"):
            assert parameters(getattr(AsyncLRUCacheWrapper, method)) == "self"
        assert AsyncCacheParameters.__required_keys__ == {
            "maxsize",
            "typed",
            "always_checkpoint",
            "ttl",
        }

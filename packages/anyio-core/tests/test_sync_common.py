"""What all synchronization primitives share: surface, checkpoints, use across runs.

The public classes' ``__module__``, signatures and members against AnyIO's, the
statistics dataclasses, the checkpoint every acquire or wait makes, and objects
created where no event loop runs, then used by runs on every backend in turn.
"""

from __future__ import annotations

import dataclasses
import inspect
import json
import weakref
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

import anyio
from anyio import (
    CancelScope,
    CapacityLimiter,
    CapacityLimiterStatistics,
    Condition,
    ConditionStatistics,
    Event,
    EventStatistics,
    Lock,
    LockStatistics,
    ResourceGuard,
    Semaphore,
    SemaphoreStatistics,
)

from ._sync_helpers import start_in_order, task_group

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

pytestmark = pytest.mark.anyio

PUBLIC_CLASSES = (
    Event,
    EventStatistics,
    Lock,
    LockStatistics,
    Semaphore,
    SemaphoreStatistics,
    Condition,
    ConditionStatistics,
    CapacityLimiter,
    CapacityLimiterStatistics,
    ResourceGuard,
)

# Created at import time, where no event loop runs (see TestCreatedOutsideALoop).
MODULE_LEVEL_EVENT = Event()
MODULE_LEVEL_LOCK = Lock()


async def _append_to(items: list[object]) -> None:
    items.append(None)


# -- surface ---------------------------------------------------------------------------


def _api() -> dict[str, Any]:
    path = Path(__file__).with_name("anyio-4.13-api.json")
    module: dict[str, Any] = json.loads(path.read_text())["modules"]["anyio"]
    return module


def _strip_return(signature: str) -> str:
    return signature.rsplit(" -> ", 1)[0] if signature.endswith(("'", "None")) else signature


class TestSurface:
    @pytest.mark.parametrize("cls", PUBLIC_CLASSES, ids=lambda cls: cls.__name__)
    def test_public_module(self, cls: type) -> None:
        assert cls.__module__ == "anyio"

    @pytest.mark.parametrize("cls", PUBLIC_CLASSES, ids=lambda cls: cls.__name__)
    def test_signature_matches_anyio(self, cls: type) -> None:
        expected = _api()[cls.__name__]
        assert _strip_return(str(inspect.signature(cls))) == _strip_return(expected["signature"])

    @pytest.mark.parametrize("cls", PUBLIC_CLASSES, ids=lambda cls: cls.__name__)
    def test_members_match_anyio(self, cls: type) -> None:
        # __new__ is how AnyIO picks a backend class; ours are backend-neutral.
        members = {k: v for k, v in _api()[cls.__name__]["members"].items() if k != "__new__"}
        for name, info in members.items():
            ours = inspect.getattr_static(cls, name)
            if info["kind"] == "property":
                assert isinstance(ours, property), name
                assert (ours.fset is not None) == info["settable"], name
            elif info["kind"] == "method":
                assert inspect.iscoroutinefunction(ours) == info["async"], name
                if name != "__init__":
                    assert _strip_return(str(inspect.signature(ours))) == _strip_return(
                        info["signature"]
                    ), name

    @pytest.mark.parametrize(
        "cls", [c for c in PUBLIC_CLASSES if c.__name__.endswith("Statistics")]
    )
    def test_statistics_are_frozen_dataclasses(self, cls: type) -> None:
        assert dataclasses.is_dataclass(cls)
        fields = [f.name for f in dataclasses.fields(cls)]
        assert fields == list(inspect.signature(cls).parameters)
        instance = cls(*range(len(fields)))
        with pytest.raises(dataclasses.FrozenInstanceError):
            instance.tasks_waiting = 5  # type: ignore[attr-defined]


class TestWeakReferences:
    """fastapi keys a ``WeakKeyDictionary`` on semaphores: weak references must work."""

    @pytest.mark.parametrize(
        "make",
        [
            Event,
            Lock,
            lambda: Semaphore(1),
            Condition,
            lambda: CapacityLimiter(1),
            ResourceGuard,
        ],
        ids=["Event", "Lock", "Semaphore", "Condition", "CapacityLimiter", "ResourceGuard"],
    )
    def test_primitives(self, make: Callable[[], object]) -> None:
        _check_weakly_referenceable(make())

    async def test_cancel_scopes(self) -> None:
        _check_weakly_referenceable(CancelScope())
        async with anyio.create_task_group() as tg:
            _check_weakly_referenceable(tg.cancel_scope)


def _check_weakly_referenceable(obj: object) -> None:
    cache: weakref.WeakKeyDictionary[object, int] = weakref.WeakKeyDictionary()
    cache[obj] = 1
    assert weakref.ref(obj)() is obj
    assert cache[obj] == 1
    assert not hasattr(obj, "__dict__")  # still slotted: no per-object dict


# -- checkpoints -----------------------------------------------------------------------


def _set_event() -> tuple[Callable[[], Awaitable[Any]], Callable[[], None]]:
    event = Event()
    event.set()
    return event.wait, lambda: None


def _lock() -> tuple[Callable[[], Awaitable[Any]], Callable[[], None]]:
    lock = Lock()
    return lock.acquire, lambda: lock.release() if lock.locked() else None


def _semaphore() -> tuple[Callable[[], Awaitable[Any]], Callable[[], None]]:
    semaphore = Semaphore(1)
    return semaphore.acquire, lambda: semaphore.release() if semaphore.value == 0 else None


def _limiter() -> tuple[Callable[[], Awaitable[Any]], Callable[[], None]]:
    limiter = CapacityLimiter(1)
    return limiter.acquire, lambda: limiter.release() if limiter.borrowed_tokens else None


def _condition_wait_for() -> tuple[Callable[[], Awaitable[Any]], Callable[[], None]]:
    condition = Condition()

    async def wait_for_true() -> None:
        condition.acquire_nowait()
        try:
            await condition.wait_for(lambda: True)
        finally:
            condition.release()

    return wait_for_true, lambda: None


UNCONTENDED_OPERATIONS = [
    pytest.param(_set_event, id="Event.wait"),
    pytest.param(_lock, id="Lock.acquire"),
    pytest.param(_semaphore, id="Semaphore.acquire"),
    pytest.param(_limiter, id="CapacityLimiter.acquire"),
    pytest.param(_condition_wait_for, id="Condition.wait_for"),
]


class TestCheckpoints:
    @pytest.mark.parametrize("make", UNCONTENDED_OPERATIONS)
    async def test_uncontended_operation_lets_other_tasks_run(self, make: Any) -> None:
        # Trio runs the tasks that are ready in a random order, so one yield lets
        # the other task run only half of the time; thirty in a row will not miss.
        operation, cleanup = make()
        ran: list[object] = []
        async with task_group() as tg:
            tg.start_soon(_append_to, ran)
            for _ in range(30):
                await operation()
                cleanup()
                if ran:
                    break
            assert ran

    @pytest.mark.parametrize("make", UNCONTENDED_OPERATIONS)
    async def test_uncontended_operation_raises_when_cancelled(self, make: Any) -> None:
        operation, cleanup = make()
        with CancelScope() as scope:
            scope.cancel()
            await operation()
            pytest.fail("not cancelled")
        assert scope.cancelled_caught
        cleanup()

    @pytest.mark.parametrize(
        "make", [lambda: Lock(fast_acquire=True), lambda: Semaphore(1, fast_acquire=True)]
    )
    async def test_fast_acquire_does_not_yield_when_uncontended(self, make: Any) -> None:
        primitive = make()
        ran: list[object] = []
        async with task_group() as tg:
            tg.start_soon(_append_to, ran)
            await primitive.acquire()
            assert not ran
            primitive.release()

    @pytest.mark.parametrize(
        "make", [lambda: Lock(fast_acquire=True), lambda: Semaphore(1, fast_acquire=True)]
    )
    async def test_fast_acquire_still_raises_when_cancelled(self, make: Any) -> None:
        primitive = make()
        with CancelScope() as scope:
            scope.cancel()
            await primitive.acquire()
        assert scope.cancelled_caught
        assert primitive.statistics().tasks_waiting == 0
        # Nothing was taken.
        primitive.acquire_nowait()


# -- created outside a loop, used on every backend -------------------------------------


def _backends() -> list[str]:
    return list(anyio.get_available_backends())


async def _exercise(
    event: Event,
    lock: Lock,
    semaphore: Semaphore,
    condition: Condition,
    limiter: CapacityLimiter,
) -> list[str]:
    """Use every primitive with contention; return what happened, in order."""
    log: list[str] = []

    async def worker(i: int) -> None:
        await event.wait()
        async with lock, semaphore, limiter:
            log.append(f"worker {i}")
            await anyio.lowlevel.checkpoint()
        async with condition:
            condition.notify()

    async def watcher() -> None:
        async with condition:
            await condition.wait_for(lambda: len(log) == 3)
            log.append("watcher")

    async with task_group() as tg:
        await start_in_order(tg, watcher)
        for i in range(3):
            await start_in_order(tg, worker, i)
        event.set()
    return log


class TestCreatedOutsideALoop:
    def test_used_under_each_backend_in_turn(self) -> None:
        # One set of objects, created here where no loop runs, then used by
        # consecutive runs on different backends.
        lock = Lock()
        semaphore = Semaphore(1)
        condition = Condition()
        limiter = CapacityLimiter(1)
        for backend in _backends() * 2:
            event = Event()
            log = anyio.run(_exercise, event, lock, semaphore, condition, limiter, backend=backend)
            # The workers are woken together; Trio runs them in any order.
            assert sorted(log[:3]) == ["worker 0", "worker 1", "worker 2"], backend
            assert log[3:] == ["watcher"], backend
            assert not lock.locked()
            assert semaphore.value == 1
            assert limiter.borrowed_tokens == 0

    def test_event_set_before_any_loop(self) -> None:
        event = Event()
        event.set()
        for backend in _backends():
            anyio.run(event.wait, backend=backend)

    def test_module_level_objects(self) -> None:
        async def use() -> None:
            async with MODULE_LEVEL_LOCK:
                assert MODULE_LEVEL_LOCK.locked()
            MODULE_LEVEL_EVENT.set()
            await MODULE_LEVEL_EVENT.wait()

        for backend in _backends():
            anyio.run(use, backend=backend)
        assert not MODULE_LEVEL_LOCK.locked()

    def test_sync_methods_outside_a_loop(self) -> None:
        semaphore = Semaphore(1, max_value=1)
        semaphore.acquire_nowait()
        semaphore.release()
        limiter = CapacityLimiter(1)
        limiter.acquire_on_behalf_of_nowait("x")
        limiter.total_tokens = 2
        limiter.release_on_behalf_of("x")
        assert limiter.statistics() == CapacityLimiterStatistics(0, 2, (), 0)
        assert Condition().statistics().tasks_waiting == 0

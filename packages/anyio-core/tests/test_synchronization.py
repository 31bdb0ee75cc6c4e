"""Events, locks, semaphores, conditions, capacity limiters and resource guards."""

from __future__ import annotations

import dataclasses
import inspect
import json
import math
import re
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

import anyio
from anyio import (
    BusyResourceError,
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
    WouldBlock,
    create_task_group,
    fail_after,
    get_cancelled_exc_class,
    get_current_task,
    wait_all_tasks_blocked,
)

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Awaitable, Callable

    from anyio.abc import TaskGroup

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


def exactly(message: str) -> str:
    """A ``pytest.raises(match=...)`` pattern for exactly this message."""
    return f"^{re.escape(message)}$"


@pytest.fixture
def asyncio_only(anyio_backend_name: str) -> None:
    """For tests of native asyncio cancellation (``Task.cancel()``)."""
    if anyio_backend_name != "asyncio":
        pytest.skip("tests native asyncio Task.cancel()")


async def start_native(func: Callable[..., Awaitable[Any]], *args: Any) -> Any:
    """Start ``func(*args)`` as a plain asyncio task, outside any task group.

    A task group would treat the native cancellation of its child as a reason
    to cancel all its children (as AnyIO does), which these tests must avoid.
    """
    import asyncio

    async def run() -> None:
        await func(*args)

    task = asyncio.get_running_loop().create_task(run())
    await wait_all_tasks_blocked()
    return task


async def was_cancelled(task: Any) -> bool:
    """Wait for a task started by `start_native()`; tell whether it was cancelled."""
    import asyncio

    await asyncio.wait([task], timeout=10)
    assert task.done(), "the natively cancelled task never finished"
    return bool(task.cancelled())


async def _append_to(items: list[object]) -> None:
    items.append(None)


@asynccontextmanager
async def task_group() -> AsyncIterator[TaskGroup]:
    """A task group that fails the test, rather than hang it, if a task never finishes."""
    with fail_after(10):
        async with create_task_group() as tg:
            yield tg


async def start_in_order(tg: TaskGroup, func: Callable[..., Awaitable[Any]], *args: Any) -> None:
    """Start ``func(*args)`` and let it run until it blocks, so tasks queue in order."""
    tg.start_soon(func, *args)
    await wait_all_tasks_blocked()


class Cancellable:
    """Runs a coroutine function in its own cancel scope and records the outcome."""

    def __init__(self, func: Callable[[], Awaitable[Any]]) -> None:
        self.func = func
        self.scope: CancelScope | None = None
        self.finished = False

    async def __call__(self) -> None:
        with CancelScope() as self.scope:
            await self.func()
            self.finished = True

    def cancel(self) -> None:
        assert self.scope is not None
        self.scope.cancel()


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


# -- Event -----------------------------------------------------------------------------


class TestEvent:
    async def test_set_wakes_every_waiter(self) -> None:
        event = Event()
        woken: list[int] = []

        async def waiter(i: int) -> None:
            await event.wait()
            woken.append(i)

        async with task_group() as tg:
            for i in range(3):
                await start_in_order(tg, waiter, i)
            assert event.statistics() == EventStatistics(tasks_waiting=3)
            assert not event.is_set()
            event.set()
            assert event.is_set()
            assert event.statistics().tasks_waiting == 0
        assert sorted(woken) == [0, 1, 2]  # Trio runs woken tasks in any order

    async def test_set_twice_is_harmless(self) -> None:
        event = Event()
        event.set()
        event.set()
        assert event.is_set()
        await event.wait()

    async def test_cancelled_waiter_leaves(self) -> None:
        event = Event()
        waiter = Cancellable(event.wait)
        async with task_group() as tg:
            await start_in_order(tg, waiter)
            assert event.statistics().tasks_waiting == 1
            waiter.cancel()
        assert not waiter.finished
        assert event.statistics().tasks_waiting == 0
        event.set()

    async def test_waiter_cancelled_as_the_event_is_set(self) -> None:
        event = Event()
        waiter = Cancellable(event.wait)
        async with task_group() as tg:
            await start_in_order(tg, waiter)
            event.set()
            waiter.cancel()
        assert event.statistics().tasks_waiting == 0

    async def test_native_cancel_after_set(self, asyncio_only: None) -> None:
        event = Event()
        woken: list[int] = []

        async def waiter(i: int) -> None:
            await event.wait()
            woken.append(i)

        first = await start_native(waiter, 0)
        async with task_group() as tg:
            await start_in_order(tg, waiter, 1)
            first.cancel()
            event.set()  # the first waiter's future is cancelled already
        assert await was_cancelled(first)
        assert woken == [1]
        assert event.statistics().tasks_waiting == 0

    def test_repr(self) -> None:
        assert repr(Event()) == "<Event set=False tasks_waiting=0>"


# -- Lock ------------------------------------------------------------------------------


class TestLock:
    async def test_acquire_release(self) -> None:
        lock = Lock()
        assert not lock.locked()
        await lock.acquire()
        assert lock.locked()
        lock.release()
        assert not lock.locked()

    async def test_context_manager(self) -> None:
        lock = Lock()
        async with lock as entered:
            assert entered is None
            assert lock.locked()
        assert not lock.locked()

    async def test_fifo(self) -> None:
        lock = Lock()
        order: list[int] = []

        async def worker(i: int) -> None:
            async with lock:
                order.append(i)

        async with task_group() as tg:
            await lock.acquire()
            for i in range(5):
                await start_in_order(tg, worker, i)
            assert lock.statistics().tasks_waiting == 5
            lock.release()
        assert order == [0, 1, 2, 3, 4]

    async def test_release_hands_over_before_a_nowait_acquire(self) -> None:
        lock = Lock()
        got: list[str] = []

        async def waiter() -> None:
            async with lock:
                got.append("waiter")

        async with task_group() as tg:
            await lock.acquire()
            await start_in_order(tg, waiter)
            lock.release()
            # The lock belongs to the woken waiter already.
            assert lock.locked()
            with pytest.raises(WouldBlock):
                lock.acquire_nowait()
        assert got == ["waiter"]

    @pytest.mark.parametrize("fast_acquire", [False, True])
    async def test_acquire_twice(self, fast_acquire: bool) -> None:
        lock = Lock(fast_acquire=fast_acquire)
        async with lock:
            with pytest.raises(
                RuntimeError, match=exactly("Attempted to acquire an already held Lock")
            ):
                await lock.acquire()
            with pytest.raises(
                RuntimeError, match=exactly("Attempted to acquire an already held Lock")
            ):
                lock.acquire_nowait()
            assert lock.statistics().tasks_waiting == 0

    async def test_acquire_twice_while_others_wait(self) -> None:
        lock = Lock()
        async with task_group() as tg:
            await lock.acquire()
            await start_in_order(tg, lock.acquire)
            with pytest.raises(
                RuntimeError, match=exactly("Attempted to acquire an already held Lock")
            ):
                await lock.acquire()
            lock.release()
        # The other task took the lock and finished without releasing it.
        assert lock.locked()

    async def test_acquire_nowait(self) -> None:
        lock = Lock()
        lock.acquire_nowait()
        assert lock.locked()
        got = []

        async def other() -> None:
            with pytest.raises(WouldBlock):
                lock.acquire_nowait()
            got.append(True)

        async with task_group() as tg:
            tg.start_soon(other)
        assert got
        lock.release()

    async def test_release_unlocked(self) -> None:
        with pytest.raises(
            RuntimeError, match=exactly("The current task is not holding this lock")
        ):
            Lock().release()

    async def test_release_by_another_task(self) -> None:
        lock = Lock()
        await lock.acquire()
        errors = []

        async def other() -> None:
            try:
                lock.release()
            except RuntimeError as exc:
                errors.append(str(exc))

        async with task_group() as tg:
            tg.start_soon(other)
        assert errors == ["The current task is not holding this lock"]
        assert lock.locked()
        lock.release()

    async def test_cancelled_waiter_never_takes_the_lock(self) -> None:
        lock = Lock()
        order: list[str] = []

        async def acquire_then_release(name: str) -> None:
            async with lock:
                order.append(name)

        first = Cancellable(lambda: acquire_then_release("first"))
        async with task_group() as tg:
            await lock.acquire()
            await start_in_order(tg, first)
            await start_in_order(tg, acquire_then_release, "second")
            first.cancel()
            await wait_all_tasks_blocked()
            assert lock.statistics().tasks_waiting == 1
            lock.release()
        assert order == ["second"]
        assert not lock.locked()

    async def test_cancelled_as_the_lock_is_handed_over(self) -> None:
        # Cancellation and hand-over at the same moment: whoever ends up with the
        # lock releases it; it is never lost.
        lock = Lock()
        order: list[str] = []

        async def acquire_then_release(name: str) -> None:
            async with lock:
                order.append(name)

        first = Cancellable(lambda: acquire_then_release("first"))
        async with task_group() as tg:
            await lock.acquire()
            await start_in_order(tg, first)
            await start_in_order(tg, acquire_then_release, "second")
            lock.release()
            first.cancel()
        assert order in (["second"], ["first", "second"])
        assert not lock.locked()

    async def test_cancelled_uncontended_acquire_does_not_hold(self) -> None:
        lock = Lock()
        with CancelScope() as scope:
            scope.cancel()
            await lock.acquire()
        assert scope.cancelled_caught
        assert not lock.locked()

    async def test_native_cancel_after_hand_over_passes_the_lock_on(
        self, asyncio_only: None
    ) -> None:
        lock = Lock()
        order: list[int] = []

        async def worker(i: int) -> None:
            async with lock:
                order.append(i)

        await lock.acquire()
        first = await start_native(worker, 0)
        async with task_group() as tg:
            await start_in_order(tg, worker, 1)
            lock.release()  # hands the lock to worker 0 ...
            first.cancel()  # ... which is cancelled before it can run
        assert await was_cancelled(first)
        assert order == [1]
        assert not lock.locked()

    async def test_native_cancel_before_release(self, asyncio_only: None) -> None:
        lock = Lock()
        order: list[int] = []

        async def worker(i: int) -> None:
            async with lock:
                order.append(i)

        await lock.acquire()
        first = await start_native(worker, 0)
        async with task_group() as tg:
            await start_in_order(tg, worker, 1)
            first.cancel()  # its waiter is dead, but still queued ...
            lock.release()  # ... so the release skips it
        assert await was_cancelled(first)
        assert order == [1]
        assert not lock.locked()
        assert lock.statistics().tasks_waiting == 0

    async def test_statistics(self) -> None:
        lock = Lock()
        assert lock.statistics() == LockStatistics(locked=False, owner=None, tasks_waiting=0)
        async with task_group() as tg:
            await lock.acquire()
            stats = lock.statistics()
            assert stats.locked
            assert stats.owner == get_current_task()
            await start_in_order(tg, lock.acquire)
            assert lock.statistics().tasks_waiting == 1
            seen: list[LockStatistics] = []

            async def look() -> None:
                seen.append(lock.statistics())

            await start_in_order(tg, look)
            assert seen[0].owner == get_current_task()
            lock.release()
        assert lock.statistics().tasks_waiting == 0

    def test_statistics_outside_a_loop(self) -> None:
        assert Lock().statistics() == LockStatistics(False, None, 0)

    def test_repr(self) -> None:
        assert repr(Lock()) == "<Lock locked=False tasks_waiting=0>"


# -- Semaphore -------------------------------------------------------------------------


class TestSemaphore:
    async def test_acquire_release(self) -> None:
        semaphore = Semaphore(2)
        await semaphore.acquire()
        await semaphore.acquire()
        assert semaphore.value == 0
        semaphore.release()
        assert semaphore.value == 1

    async def test_context_manager_returns_the_semaphore(self) -> None:
        semaphore = Semaphore(1)
        async with semaphore as entered:
            assert entered is semaphore
            assert semaphore.value == 0
        assert semaphore.value == 1

    def test_max_value(self) -> None:
        assert Semaphore(1).max_value is None
        assert Semaphore(1, max_value=3).max_value == 3

    @pytest.mark.parametrize(
        ("args", "kwargs", "exc", "message"),
        [
            ((1.5,), {}, TypeError, "initial_value must be an integer"),
            ((-1,), {}, ValueError, "initial_value must be >= 0"),
            ((1,), {"max_value": 2.0}, TypeError, "max_value must be an integer or None"),
            (
                (2,),
                {"max_value": 1},
                ValueError,
                "max_value must be equal to or higher than initial_value",
            ),
        ],
    )
    def test_bad_arguments(
        self, args: tuple[Any, ...], kwargs: dict[str, Any], exc: type[Exception], message: str
    ) -> None:
        with pytest.raises(exc, match=exactly(message)):
            Semaphore(*args, **kwargs)

    async def test_release_above_max_value(self) -> None:
        semaphore = Semaphore(1, max_value=1)
        with pytest.raises(ValueError, match=exactly("semaphore released too many times")):
            semaphore.release()
        assert semaphore.value == 1

    async def test_acquire_nowait(self) -> None:
        semaphore = Semaphore(1)
        semaphore.acquire_nowait()
        with pytest.raises(WouldBlock):
            semaphore.acquire_nowait()
        semaphore.release()

    async def test_fifo(self) -> None:
        semaphore = Semaphore(0)
        order: list[int] = []

        async def worker(i: int) -> None:
            await semaphore.acquire()
            order.append(i)

        async with task_group() as tg:
            for i in range(4):
                await start_in_order(tg, worker, i)
            assert semaphore.statistics() == SemaphoreStatistics(tasks_waiting=4)
            for _ in range(4):
                semaphore.release()
                # Handed over: a nowait acquire finds nothing.
                with pytest.raises(WouldBlock):
                    semaphore.acquire_nowait()
                await wait_all_tasks_blocked()
        assert order == [0, 1, 2, 3]
        assert semaphore.value == 0

    async def test_cancelled_waiter_never_takes_a_permit(self) -> None:
        semaphore = Semaphore(0)
        order: list[str] = []

        async def take(name: str) -> None:
            await semaphore.acquire()
            order.append(name)

        first = Cancellable(lambda: take("first"))
        async with task_group() as tg:
            await start_in_order(tg, first)
            await start_in_order(tg, take, "second")
            first.cancel()
            await wait_all_tasks_blocked()
            assert semaphore.statistics().tasks_waiting == 1
            semaphore.release()
        assert order == ["second"]
        assert semaphore.value == 0

    async def test_cancelled_as_the_permit_is_handed_over(self) -> None:
        semaphore = Semaphore(0, max_value=1)

        async def take_and_give_back() -> None:
            async with semaphore:
                pass

        first = Cancellable(take_and_give_back)
        async with task_group() as tg:
            await start_in_order(tg, first)
            await start_in_order(tg, take_and_give_back)
            semaphore.release()
            first.cancel()
        assert semaphore.value == 1
        assert semaphore.statistics().tasks_waiting == 0

    async def test_cancelled_uncontended_acquire_gives_the_permit_back(self) -> None:
        semaphore = Semaphore(1)
        with CancelScope() as scope:
            scope.cancel()
            await semaphore.acquire()
        assert semaphore.value == 1

    async def test_native_cancel_after_hand_over_passes_the_permit_on(
        self, asyncio_only: None
    ) -> None:
        semaphore = Semaphore(0)
        order: list[int] = []

        async def worker(i: int) -> None:
            await semaphore.acquire()
            order.append(i)

        first = await start_native(worker, 0)
        async with task_group() as tg:
            await start_in_order(tg, worker, 1)
            semaphore.release()  # hands the permit to worker 0 ...
            first.cancel()  # ... which is cancelled before it can run
        assert await was_cancelled(first)
        assert order == [1]
        assert semaphore.value == 0
        assert semaphore.statistics().tasks_waiting == 0

    def test_repr(self) -> None:
        assert repr(Semaphore(2)) == "<Semaphore value=2 max_value=None tasks_waiting=0>"


# -- Condition -------------------------------------------------------------------------


class TestCondition:
    async def test_lock_methods(self) -> None:
        condition = Condition()
        assert not condition.locked()
        await condition.acquire()
        assert condition.locked()
        condition.release()
        condition.acquire_nowait()
        with pytest.raises(RuntimeError, match="already held"):
            condition.acquire_nowait()
        condition.release()
        async with condition as entered:
            assert entered is None
            assert condition.locked()
        assert not condition.locked()

    async def test_shares_the_given_lock(self) -> None:
        lock = Lock()
        condition = Condition(lock)
        async with lock:
            assert condition.locked()
            condition.notify()  # holding the lock is holding the condition
        assert condition.statistics().lock_statistics == lock.statistics()

    async def test_notify_wakes_in_order(self) -> None:
        condition = Condition()
        woken: list[int] = []

        async def waiter(i: int) -> None:
            async with condition:
                await condition.wait()
                woken.append(i)

        async with task_group() as tg:
            for i in range(4):
                await start_in_order(tg, waiter, i)
            assert condition.statistics().tasks_waiting == 4
            async with condition:
                condition.notify()
            await wait_all_tasks_blocked()
            assert woken == [0]
            async with condition:
                condition.notify(2)
            await wait_all_tasks_blocked()
            # Tasks woken together may run in any order (Trio shuffles them).
            assert sorted(woken) == [0, 1, 2]
            async with condition:
                condition.notify_all()
        assert sorted(woken) == [0, 1, 2, 3]
        assert condition.statistics().tasks_waiting == 0

    async def test_notify_without_waiters(self) -> None:
        condition = Condition()
        async with condition:
            condition.notify(5)
            condition.notify_all()

    @pytest.mark.parametrize("method", ["notify", "notify_all"])
    async def test_notify_without_the_lock(self, method: str) -> None:
        condition = Condition()
        with pytest.raises(
            RuntimeError, match=exactly("The current task is not holding the underlying lock")
        ):
            getattr(condition, method)()

    async def test_wait_without_the_lock(self) -> None:
        condition = Condition()
        message = exactly("The current task is not holding the underlying lock")
        with pytest.raises(RuntimeError, match=message):
            await condition.wait()
        with pytest.raises(RuntimeError, match=message):
            await condition.wait_for(lambda: True)
        assert condition.statistics().tasks_waiting == 0

    async def test_notify_with_the_lock_held_by_another_task(self) -> None:
        condition = Condition()
        await condition.acquire()
        errors: list[str] = []

        async def other() -> None:
            try:
                condition.notify()
            except RuntimeError as exc:
                errors.append(str(exc))

        async with task_group() as tg:
            tg.start_soon(other)
        assert errors == ["The current task is not holding the underlying lock"]
        condition.release()

    async def test_wait_releases_and_reacquires_the_lock(self) -> None:
        condition = Condition()
        events: list[str] = []

        async def waiter() -> None:
            async with condition:
                await condition.wait()
                assert condition.statistics().lock_statistics.owner == get_current_task()
                events.append("waiter resumed")

        async with task_group() as tg:
            await start_in_order(tg, waiter)
            assert not condition.locked()
            async with condition:
                condition.notify()
                await wait_all_tasks_blocked()
                # The waiter was notified but cannot run until we release the lock.
                assert events == []
                events.append("notifier released")
        assert events == ["notifier released", "waiter resumed"]

    async def test_cancelled_wait_reacquires_before_raising(self) -> None:
        condition = Condition()
        events: list[str] = []

        async def wait_in_scope() -> None:
            async with condition:
                with CancelScope() as scope:
                    scopes.append(scope)
                    await condition.wait()
                events.append(f"cancelled, holding={condition.locked()}")
                assert condition.statistics().lock_statistics.owner == get_current_task()

        scopes: list[CancelScope] = []
        async with task_group() as tg:
            await start_in_order(tg, wait_in_scope)
            async with condition:
                scopes[0].cancel()
                await wait_all_tasks_blocked()
                assert events == []  # blocked on the lock, shielded
                events.append("released")
        assert events == ["released", "cancelled, holding=True"]
        assert not condition.locked()
        assert condition.statistics().tasks_waiting == 0

    async def test_wait_when_already_cancelled_keeps_the_lock(self) -> None:
        condition = Condition()
        order: list[str] = []

        async def take_lock() -> None:
            async with condition:
                order.append("other")

        async with task_group() as tg:
            await condition.acquire()
            await start_in_order(tg, take_lock)
            with CancelScope() as scope:
                scope.cancel()
                await condition.wait()
            assert scope.cancelled_caught
            order.append("cancelled")
            condition.release()
        assert order == ["cancelled", "other"]

    async def test_notification_is_not_lost_to_a_cancellation(self) -> None:
        # The first waiter is cancelled just after it is notified, before it has
        # the lock back: it passes the notification on to the second one.
        condition = Condition()
        woken: list[str] = []
        held_when_cancelled: list[bool] = []

        async def waiter(name: str) -> None:
            async with condition:
                try:
                    await condition.wait()
                except get_cancelled_exc_class():
                    held_when_cancelled.append(condition.locked())
                    raise
                woken.append(name)

        first = Cancellable(lambda: waiter("first"))
        async with task_group() as tg:
            await start_in_order(tg, first)
            await start_in_order(tg, waiter, "second")
            async with condition:
                condition.notify()
                first.cancel()
        assert woken == ["second"]
        assert held_when_cancelled == [True]
        assert condition.statistics().tasks_waiting == 0

    async def test_notified_and_cancelled_while_another_task_holds_the_lock(self) -> None:
        condition = Condition()
        woken: list[str] = []

        async def waiter(name: str) -> None:
            async with condition:
                await condition.wait()
                woken.append(name)

        first = Cancellable(lambda: waiter("first"))
        async with task_group() as tg:
            await start_in_order(tg, first)
            await start_in_order(tg, waiter, "second")
            async with condition:
                condition.notify()
                await wait_all_tasks_blocked()
                first.cancel()
                await wait_all_tasks_blocked()
                # Still waiting for the lock, shielded, with nothing to show yet.
                assert woken == []
                assert not first.finished
        assert woken == ["second"]
        assert not first.finished
        assert not condition.locked()

    async def test_notified_waiter_queues_behind_earlier_lock_waiters(self) -> None:
        condition = Condition()
        order: list[str] = []

        async def wait_for_notification() -> None:
            async with condition:
                await condition.wait()
                order.append("notified waiter")

        async def take_lock() -> None:
            async with condition:
                order.append("lock waiter")

        async with task_group() as tg:
            await start_in_order(tg, wait_for_notification)
            await condition.acquire()
            await start_in_order(tg, take_lock)
            condition.notify()
            assert condition.statistics() == ConditionStatistics(
                0, LockStatistics(True, get_current_task(), 2)
            )
            condition.release()
        assert order == ["lock waiter", "notified waiter"]

    async def test_native_cancel_after_notify_passes_it_on(self, asyncio_only: None) -> None:
        condition = Condition()
        woken: list[int] = []
        held_when_cancelled: list[bool] = []

        async def waiter(i: int) -> None:
            async with condition:
                try:
                    await condition.wait()
                except BaseException:
                    held_when_cancelled.append(condition.locked())
                    raise
                woken.append(i)

        first = await start_native(waiter, 0)
        async with task_group() as tg:
            for i in (1, 2):
                await start_in_order(tg, waiter, i)
            async with condition:
                condition.notify()  # notifies waiter 0 ...
                first.cancel()  # ... which is cancelled before it can run
            await wait_all_tasks_blocked()
            assert woken == [1]
            async with condition:
                condition.notify()
        assert await was_cancelled(first)
        assert woken == [1, 2]
        assert held_when_cancelled == [True]
        assert not condition.locked()

    async def test_native_cancel_after_getting_the_lock_back(self, asyncio_only: None) -> None:
        # Notified and handed the lock, then cancelled before it could run: the
        # waiter leaves holding the lock, and passes the notification on.
        condition = Condition()
        woken: list[int] = []
        held_when_cancelled: list[bool] = []

        async def waiter(i: int) -> None:
            async with condition:
                try:
                    await condition.wait()
                except BaseException:
                    held_when_cancelled.append(condition.locked())
                    raise
                woken.append(i)

        first = await start_native(waiter, 0)
        async with task_group() as tg:
            await start_in_order(tg, waiter, 1)
            async with condition:
                condition.notify()
            # The lock went to waiter 0 on release; it has not run yet.
            assert condition.statistics().lock_statistics.locked
            first.cancel()
        assert await was_cancelled(first)
        assert woken == [1]
        assert held_when_cancelled == [True]
        assert not condition.locked()

    async def test_native_cancel_while_reacquiring(self, asyncio_only: None) -> None:
        condition = Condition()
        held_when_cancelled: list[bool] = []

        async def waiter() -> None:
            async with condition:
                try:
                    await condition.wait()
                except BaseException:
                    held_when_cancelled.append(condition.locked())
                    raise

        first = await start_native(waiter)
        async with condition:
            condition.notify()
            await wait_all_tasks_blocked()  # the waiter is parked on the lock now
            first.cancel()
            await wait_all_tasks_blocked()
            assert held_when_cancelled == []  # still waiting for the lock
        assert await was_cancelled(first)
        assert held_when_cancelled == [True]
        assert not condition.locked()

    async def test_wait_for(self) -> None:
        condition = Condition()
        items: list[int] = []
        results: list[Any] = []

        async def consumer() -> None:
            async with condition:
                results.append(await condition.wait_for(lambda: len(items) >= 2 and items))

        async with task_group() as tg:
            await start_in_order(tg, consumer)
            for i in range(2):
                async with condition:
                    items.append(i)
                    condition.notify()
                await wait_all_tasks_blocked()
        assert results == [[0, 1]]

    async def test_wait_for_true_at_once(self) -> None:
        condition = Condition()
        async with condition:
            assert await condition.wait_for(lambda: 42) == 42
            assert condition.locked()

    async def test_statistics(self) -> None:
        condition = Condition()
        assert condition.statistics() == ConditionStatistics(
            0, LockStatistics(locked=False, owner=None, tasks_waiting=0)
        )

        async def waiter() -> None:
            async with condition:
                await condition.wait()

        async with task_group() as tg:
            await start_in_order(tg, waiter)
            async with condition:
                stats = condition.statistics()
                assert stats.tasks_waiting == 1
                assert stats.lock_statistics.owner == get_current_task()
                condition.notify()

    def test_repr(self) -> None:
        assert repr(Condition()) == "<Condition locked=False tasks_waiting=0>"


# -- CapacityLimiter -------------------------------------------------------------------

ALREADY_BORROWING = "this borrower is already holding one of this CapacityLimiter's tokens"
NOT_BORROWING = "this borrower isn't holding any of this CapacityLimiter's tokens"


class TestCapacityLimiter:
    async def test_acquire_release(self) -> None:
        limiter = CapacityLimiter(2)
        assert (limiter.total_tokens, limiter.borrowed_tokens, limiter.available_tokens) == (
            2,
            0,
            2,
        )
        await limiter.acquire()
        assert (limiter.borrowed_tokens, limiter.available_tokens) == (1, 1)
        limiter.release()
        assert limiter.borrowed_tokens == 0

    async def test_context_manager(self) -> None:
        limiter = CapacityLimiter(1)
        async with limiter as entered:
            assert entered is None
            assert limiter.borrowed_tokens == 1
        assert limiter.borrowed_tokens == 0

    async def test_default_borrower_is_the_native_task(self, anyio_backend_name: str) -> None:
        # As in AnyIO: the borrower is the loop library's task object.
        if anyio_backend_name == "trio":
            import trio

            task: object = trio.lowlevel.current_task()
        else:
            import asyncio

            task = asyncio.current_task()
        limiter = CapacityLimiter(2)
        limiter.acquire_nowait()
        (borrower,) = limiter.statistics().borrowers
        assert borrower is task
        assert id(borrower) == get_current_task().id
        limiter.release_on_behalf_of(task)
        # ...and the other way round: a token borrowed on behalf of the task is
        # the task's own token.
        await limiter.acquire_on_behalf_of(task)
        with pytest.raises(RuntimeError, match="already holding"):
            limiter.acquire_nowait()
        limiter.release()
        assert limiter.borrowed_tokens == 0

    @pytest.mark.parametrize("value", [0, 1, 10**12, math.inf, float("inf")])
    def test_total_tokens_accepts(self, value: float) -> None:
        limiter = CapacityLimiter(value)
        assert limiter.total_tokens == value
        limiter.total_tokens = 3
        limiter.total_tokens = value
        assert limiter.total_tokens == value

    @pytest.mark.parametrize(
        ("value", "exc", "message"),
        [
            (2.5, TypeError, "total_tokens must be an int or math.inf"),
            ("1", TypeError, "total_tokens must be an int or math.inf"),
            (math.nan, TypeError, "total_tokens must be an int or math.inf"),
            (-1, ValueError, "total_tokens must be >= 0"),
            (-math.inf, ValueError, "total_tokens must be >= 0"),
        ],
    )
    def test_total_tokens_rejects(self, value: Any, exc: type[Exception], message: str) -> None:
        with pytest.raises(exc, match=exactly(message)):
            CapacityLimiter(value)
        limiter = CapacityLimiter(1)
        with pytest.raises(exc, match=exactly(message)):
            limiter.total_tokens = value
        assert limiter.total_tokens == 1

    async def test_zero_tokens(self) -> None:
        limiter = CapacityLimiter(0)
        with pytest.raises(WouldBlock):
            limiter.acquire_nowait()
        async with task_group() as tg:
            await start_in_order(tg, limiter.acquire_on_behalf_of, "a")
            assert limiter.statistics().tasks_waiting == 1
            limiter.total_tokens = 1
            assert limiter.statistics().borrowers == ("a",)
        limiter.release_on_behalf_of("a")

    async def test_raising_total_tokens_wakes_that_many_waiters(self) -> None:
        limiter = CapacityLimiter(1)
        order: list[int] = []

        async def borrow(i: int) -> None:
            await limiter.acquire_on_behalf_of(i)
            order.append(i)

        async with task_group() as tg:
            limiter.acquire_on_behalf_of_nowait("holder")
            for i in range(4):
                await start_in_order(tg, borrow, i)
            limiter.total_tokens = 3
            assert set(limiter.statistics().borrowers) == {"holder", 0, 1}
            assert limiter.statistics().tasks_waiting == 2
            await wait_all_tasks_blocked()
            assert sorted(order) == [0, 1]
            limiter.total_tokens = math.inf
        assert sorted(order) == [0, 1, 2, 3]
        assert limiter.available_tokens == math.inf

    async def test_lowering_total_tokens_takes_nothing_back(self) -> None:
        limiter = CapacityLimiter(2)
        limiter.acquire_on_behalf_of_nowait("a")
        limiter.acquire_on_behalf_of_nowait("b")
        limiter.total_tokens = 1
        assert limiter.borrowed_tokens == 2
        assert limiter.available_tokens == -1
        limiter.release_on_behalf_of("a")
        with pytest.raises(WouldBlock):
            limiter.acquire_on_behalf_of_nowait("c")

    async def test_fifo(self) -> None:
        limiter = CapacityLimiter(1)
        order: list[int] = []

        async def worker(i: int) -> None:
            async with limiter:
                order.append(i)

        async with task_group() as tg:
            limiter.acquire_on_behalf_of_nowait("holder")
            for i in range(4):
                await start_in_order(tg, worker, i)
            limiter.release_on_behalf_of("holder")
        assert order == [0, 1, 2, 3]

    async def test_borrow_twice(self) -> None:
        limiter = CapacityLimiter(5)
        await limiter.acquire()
        with pytest.raises(RuntimeError, match=exactly(ALREADY_BORROWING)):
            await limiter.acquire()
        with pytest.raises(RuntimeError, match=exactly(ALREADY_BORROWING)):
            limiter.acquire_nowait()
        limiter.acquire_on_behalf_of_nowait("x")
        with pytest.raises(RuntimeError, match=exactly(ALREADY_BORROWING)):
            await limiter.acquire_on_behalf_of("x")
        with pytest.raises(RuntimeError, match=exactly(ALREADY_BORROWING)):
            limiter.acquire_on_behalf_of_nowait("x")
        assert limiter.borrowed_tokens == 2

    async def test_wait_twice_with_the_same_borrower(self) -> None:
        limiter = CapacityLimiter(0)
        errors: list[str] = []

        async def second() -> None:
            try:
                await limiter.acquire_on_behalf_of("x")
            except RuntimeError as exc:
                errors.append(str(exc))

        async with task_group() as tg:
            await start_in_order(tg, limiter.acquire_on_behalf_of, "x")
            await start_in_order(tg, second)
            assert errors == [ALREADY_BORROWING]
            limiter.total_tokens = 2
        assert limiter.statistics().borrowers == ("x",)

    async def test_release_without_a_token(self) -> None:
        limiter = CapacityLimiter(1)
        with pytest.raises(RuntimeError, match=exactly(NOT_BORROWING)):
            limiter.release()
        with pytest.raises(RuntimeError, match=exactly(NOT_BORROWING)):
            limiter.release_on_behalf_of("nobody")
        limiter.acquire_on_behalf_of_nowait("somebody")
        with pytest.raises(RuntimeError, match=exactly(NOT_BORROWING)):
            limiter.release()
        assert limiter.borrowed_tokens == 1

    async def test_nowait_does_not_steal_a_handed_over_token(self) -> None:
        limiter = CapacityLimiter(1)
        got: list[str] = []

        async def waiter() -> None:
            await limiter.acquire_on_behalf_of("waiter")
            got.append("waiter")

        async with task_group() as tg:
            limiter.acquire_on_behalf_of_nowait("holder")
            await start_in_order(tg, waiter)
            limiter.release_on_behalf_of("holder")
            # The token went to the woken waiter, which has not run yet.
            with pytest.raises(WouldBlock):
                limiter.acquire_on_behalf_of_nowait("thief")
            assert limiter.statistics().borrowers == ("waiter",)
        assert got == ["waiter"]
        assert limiter.borrowed_tokens == 1

    async def test_cancelled_waiter_never_takes_a_token(self) -> None:
        limiter = CapacityLimiter(1)
        order: list[str] = []

        async def borrow(name: str) -> None:
            await limiter.acquire_on_behalf_of(name)
            order.append(name)

        first = Cancellable(lambda: borrow("first"))
        async with task_group() as tg:
            limiter.acquire_on_behalf_of_nowait("holder")
            await start_in_order(tg, first)
            await start_in_order(tg, borrow, "second")
            first.cancel()
            await wait_all_tasks_blocked()
            assert limiter.statistics().tasks_waiting == 1
            limiter.release_on_behalf_of("holder")
        assert order == ["second"]
        assert limiter.statistics().borrowers == ("second",)

    async def test_cancelled_as_the_token_is_handed_over(self) -> None:
        limiter = CapacityLimiter(1)

        async def borrow_and_return() -> None:
            async with limiter:
                pass

        first = Cancellable(borrow_and_return)
        async with task_group() as tg:
            limiter.acquire_on_behalf_of_nowait("holder")
            await start_in_order(tg, first)
            await start_in_order(tg, borrow_and_return)
            limiter.release_on_behalf_of("holder")
            first.cancel()
        assert limiter.borrowed_tokens == 0
        assert limiter.statistics().tasks_waiting == 0

    async def test_cancelled_uncontended_acquire_returns_the_token(self) -> None:
        limiter = CapacityLimiter(1)
        with CancelScope() as scope:
            scope.cancel()
            await limiter.acquire_on_behalf_of("x")
        assert limiter.borrowed_tokens == 0

    async def test_native_cancel_after_hand_over_passes_the_token_on(
        self, asyncio_only: None
    ) -> None:
        limiter = CapacityLimiter(1)
        order: list[int] = []

        async def worker(i: int) -> None:
            await limiter.acquire_on_behalf_of(i)
            order.append(i)

        limiter.acquire_on_behalf_of_nowait("holder")
        first = await start_native(worker, 0)
        async with task_group() as tg:
            await start_in_order(tg, worker, 1)
            limiter.release_on_behalf_of("holder")  # hands the token to worker 0 ...
            first.cancel()  # ... which is cancelled before it can run
        assert await was_cancelled(first)
        assert order == [1]
        assert limiter.statistics().borrowers == (1,)

    async def test_statistics(self) -> None:
        limiter = CapacityLimiter(1)
        assert limiter.statistics() == CapacityLimiterStatistics(0, 1, (), 0)
        async with task_group() as tg:
            limiter.acquire_on_behalf_of_nowait("a")
            await start_in_order(tg, limiter.acquire_on_behalf_of, "b")
            assert limiter.statistics() == CapacityLimiterStatistics(1, 1, ("a",), 1)
            limiter.release_on_behalf_of("a")
        assert limiter.statistics() == CapacityLimiterStatistics(1, 1, ("b",), 0)

    def test_repr(self) -> None:
        assert repr(CapacityLimiter(2)) == (
            "<CapacityLimiter borrowed_tokens=0 total_tokens=2 tasks_waiting=0>"
        )


# -- ResourceGuard ---------------------------------------------------------------------


class TestResourceGuard:
    def test_default_action(self) -> None:
        guard = ResourceGuard()
        assert guard.action == "using"
        with guard, pytest.raises(BusyResourceError) as exc_info, guard:
            pass
        assert str(exc_info.value) == "Another task is already using this resource"

    def test_action_in_message(self) -> None:
        guard = ResourceGuard("reading from")
        with (
            guard,
            pytest.raises(
                BusyResourceError,
                match=exactly("Another task is already reading from this resource"),
            ),
        ):
            guard.__enter__()

    def test_reusable_after_exit_and_after_an_error(self) -> None:
        guard = ResourceGuard()
        with guard:
            pass
        with pytest.raises(ZeroDivisionError), guard:
            1 / 0  # noqa: B018
        with guard:
            pass

    async def test_concurrent_tasks(self) -> None:
        guard = ResourceGuard("writing to")
        event = Event()
        errors: list[str] = []

        async def use() -> None:
            with guard:
                await event.wait()

        async def intrude() -> None:
            try:
                with guard:
                    pass
            except BusyResourceError as exc:
                errors.append(str(exc))

        async with task_group() as tg:
            await start_in_order(tg, use)
            await start_in_order(tg, intrude)
            event.set()
        assert errors == ["Another task is already writing to this resource"]

    def test_repr(self) -> None:
        assert repr(ResourceGuard()) == "<ResourceGuard action='using' in_use=False>"


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

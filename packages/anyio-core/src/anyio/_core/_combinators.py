"""`gather()`, `amap()` and `as_completed()`: task groups for the common shapes.

Each is a task group underneath, so the usual rules hold: the caller waits for
every task, cancelling the caller cancels them all, and nothing outlives the call
(or the ``async with`` block of `as_completed()`).

`gather()` and `amap()` spawn with `TaskGroup.create_task()` and read each
`TaskHandle` afterwards: on asyncio the handle reads the finished ``asyncio.Task``,
so gathering costs no wrapper coroutine per task. An error in one task cancels the
others and leaves as the task group's exception group (an `ExceptionGroup`, even
for a single error), as everywhere in anyio.

`as_completed()` hands out handles in the order the tasks finish. A failure
follows the same rule as in `gather()` (as in AnyIO): it cancels the other tasks
and the block that reads the stream, and leaves the ``async with`` as the task
group's exception group.
"""

from __future__ import annotations

from contextlib import asynccontextmanager
from types import CoroutineType
from typing import TYPE_CHECKING, Any, TypeVar, overload

from ._handles import TaskHandle, not_a_coroutine
from ._lowlevel import checkpoint
from ._tasks import CancelScope, create_task_group

if TYPE_CHECKING:
    from collections.abc import AsyncGenerator, Awaitable, Callable, Coroutine, Iterable

    from ..streams.memory import MemoryObjectReceiveStream, MemoryObjectSendStream

T = TypeVar("T")
R = TypeVar("R")
T1 = TypeVar("T1")
T2 = TypeVar("T2")
T3 = TypeVar("T3")
T4 = TypeVar("T4")
T5 = TypeVar("T5")
T6 = TypeVar("T6")


@overload
async def gather() -> tuple[()]: ...
@overload
async def gather(coro1: Coroutine[Any, Any, T1], /) -> tuple[T1]: ...
@overload
async def gather(
    coro1: Coroutine[Any, Any, T1], coro2: Coroutine[Any, Any, T2], /
) -> tuple[T1, T2]: ...
@overload
async def gather(
    coro1: Coroutine[Any, Any, T1],
    coro2: Coroutine[Any, Any, T2],
    coro3: Coroutine[Any, Any, T3],
    /,
) -> tuple[T1, T2, T3]: ...
@overload
async def gather(
    coro1: Coroutine[Any, Any, T1],
    coro2: Coroutine[Any, Any, T2],
    coro3: Coroutine[Any, Any, T3],
    coro4: Coroutine[Any, Any, T4],
    /,
) -> tuple[T1, T2, T3, T4]: ...
@overload
async def gather(
    coro1: Coroutine[Any, Any, T1],
    coro2: Coroutine[Any, Any, T2],
    coro3: Coroutine[Any, Any, T3],
    coro4: Coroutine[Any, Any, T4],
    coro5: Coroutine[Any, Any, T5],
    /,
) -> tuple[T1, T2, T3, T4, T5]: ...
@overload
async def gather(
    coro1: Coroutine[Any, Any, T1],
    coro2: Coroutine[Any, Any, T2],
    coro3: Coroutine[Any, Any, T3],
    coro4: Coroutine[Any, Any, T4],
    coro5: Coroutine[Any, Any, T5],
    coro6: Coroutine[Any, Any, T6],
    /,
) -> tuple[T1, T2, T3, T4, T5, T6]: ...
@overload
async def gather(*coros: Coroutine[Any, Any, T]) -> tuple[T, ...]: ...


async def gather(*coros: Coroutine[Any, Any, Any]) -> tuple[Any, ...]:
    """Run the coroutines concurrently, each in a task; return their results in order.

    Unlike ``asyncio.gather()``, this is structured: if a task raises, the others are
    cancelled, and the call raises the task group's exception group once every
    task has finished. Cancelling the caller cancels every task.

    Args:
        *coros: coroutine objects (``fetch(url)``, not ``fetch``).

    Returns:
        A tuple of the return values, in the order of the arguments.

    Raises:
        TypeError: if an argument is not a coroutine object (then none of them runs).
        ExceptionGroup: the errors of the tasks that failed.

    Example:
        ```python
        user, orders = await anyio.gather(get_user(uid), get_orders(uid))
        ```
    """
    _check_coroutines(coros)
    async with create_task_group() as tg:
        handles = [tg.create_task(coro) for coro in coros]
    return tuple([handle.return_value for handle in handles])


async def amap(func: Callable[[T], Coroutine[Any, Any, R]], args: Iterable[T]) -> list[R]:
    """Call ``func`` on each item of ``args`` concurrently; return the results in order.

    A concurrent ``map()``: one task per item, all started at once, under
    `gather()`'s rules (an error cancels the rest and leaves as an exception
    group). To limit the concurrency, take a `CapacityLimiter` inside ``func``.

    Args:
        func: an async function taking one argument.
        args: the arguments (any iterable; it is read to the end first).

    Returns:
        The return values, in the order of ``args``.
    """
    coros = [func(arg) for arg in args]
    return list(await gather(*coros))


@asynccontextmanager
async def as_completed(
    *awaitables: Awaitable[R],
) -> AsyncGenerator[MemoryObjectReceiveStream[TaskHandle[R]]]:
    """Run the awaitables concurrently and hand out their handles as they finish.

    Entering starts one task per awaitable; the stream yields each task's
    `TaskHandle` once that task has finished, in the order they finish, and ends
    after the last one. If a task raises, the other tasks and the ``async with``
    block are cancelled and the error leaves the block in an exception group, as
    with `gather()`. Leaving the block early cancels the tasks still running and
    waits for them.

    Needs the ``anyio-streams`` distribution (for the memory object stream).

    Args:
        *awaitables: coroutines or other awaitables.

    Yields:
        A receive stream of finished task handles.

    Raises:
        ValueError: if no awaitable is given.
        ExceptionGroup: the errors of the tasks that failed.

    Example:
        ```python
        async with anyio.as_completed(fetch(a), fetch(b)) as finished:
            async for handle in finished:
                print(handle.return_value)
        ```
    """
    if not awaitables:
        raise ValueError(
            "as_completed() needs at least one awaitable; with none there is nothing to wait for"
        )
    from ..streams.memory import create_memory_object_stream

    send, receive = create_memory_object_stream[TaskHandle[R]](len(awaitables))
    handles = [_SettledHandle[R](awaitable) for awaitable in awaitables]
    with send, receive:
        async with create_task_group() as tg:
            for handle in handles:
                tg.start_soon(handle._run, send.clone(), name=handle.name)
            send.close()
            try:
                yield receive
            finally:
                tg.cancel_scope.cancel()


def _check_coroutines(coros: tuple[object, ...]) -> None:
    for coro in coros:
        # The type first: reading cr_frame makes a frame object.
        if type(coro) is not CoroutineType and not hasattr(coro, "cr_frame"):
            for other in coros:
                close = getattr(other, "close", None)
                if close is not None and hasattr(other, "cr_frame"):
                    close()  # never awaited: no warning on top of the error
            raise not_a_coroutine("every argument of gather()", coro)


class _SettledHandle(TaskHandle[T]):
    """The handle `as_completed()` gives out: it records the task's outcome."""

    def __init__(self, awaitable: Awaitable[T]) -> None:
        name = getattr(awaitable, "__qualname__", None) or type(awaitable).__qualname__
        super().__init__(awaitable, name)  # type: ignore[arg-type]  # any awaitable
        self._scope: CancelScope | None = None
        self._status = TaskHandle.Status.PENDING
        self._value: Any = None
        self._exc: BaseException | None = None

    def _get_status(self) -> TaskHandle.Status:
        return self._status

    def _get_value(self) -> T:
        return self._value  # type: ignore[no-any-return]  # set with FINISHED

    def _get_exception(self) -> BaseException:
        assert self._exc is not None
        return self._exc

    def cancel(self) -> None:
        self._d_cancelled = True
        if self._scope is not None:
            self._scope.cancel()

    async def wait(self) -> None:
        # as_completed() hands the handle out once the task has finished.
        await checkpoint()

    async def _run(self, send: MemoryObjectSendStream[TaskHandle[T]]) -> None:
        with send:
            with CancelScope() as scope:
                self._scope = scope
                if self._d_cancelled:
                    scope.cancel()
                try:
                    self._value = await self._d_coro
                    self._status = TaskHandle.Status.FINISHED
                except Exception as exc:
                    self._exc = exc
                    self._status = TaskHandle.Status.FAILED
                    raise  # the group cancels the rest and collects it
                except BaseException:
                    # A cancellation: ours (swallowed by the scope) or the group's.
                    self._status = TaskHandle.Status.CANCELLED
                    raise
                finally:
                    self._scope = None
            send.send_nowait(self)

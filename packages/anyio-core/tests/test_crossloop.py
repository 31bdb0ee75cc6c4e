"""`TaskGroup.start()` called from an event loop in another thread (issue 18.1).

The pattern (from the MCP SDK's tests): a task group is opened inside
`anyio.run()` in a helper thread, and ``await tg.start(fn)`` is called from an
event loop running in the main thread. The child runs in the group's loop;
`task_status.started()` must wake the caller's loop, which sleeps in its own
thread. Each test pairs the group's backend with the caller's: both asyncio,
both Trio, and one of each. The loops are started by the tests themselves, so
these are plain (not ``anyio``-marked) tests.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

import pytest

import anyio
from anyio import (
    CancelScope,
    Event,
    create_task_group,
    fail_after,
    get_cancelled_exc_class,
    sleep_forever,
    wait_all_tasks_blocked,
)
from anyio.lowlevel import EventLoopToken, current_token

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Iterator

    from typing_extensions import Self

    from anyio.abc import TaskGroup, TaskStatus

PAIRS = [
    pytest.param(("asyncio", "asyncio"), id="asyncio-asyncio"),
    pytest.param(("trio", "trio"), id="trio-trio"),
    pytest.param(("trio", "asyncio"), id="trio-group-asyncio-caller"),
    pytest.param(("asyncio", "trio"), id="asyncio-group-trio-caller"),
]


class GroupThread:
    """A task group kept open by `anyio.run()` in a helper thread until `close()`."""

    def __init__(self, backend: str) -> None:
        self.backend = backend
        self.group: TaskGroup
        self.token: EventLoopToken
        self.events: list[str] = []
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        try:
            anyio.run(self._main, backend=self.backend, backend_options=options_for(self.backend))
        except BaseException as exc:  # reported by close()
            self._error = exc
            self._ready.set()

    async def _main(self) -> None:
        async with create_task_group() as tg:
            self.group = tg
            self.token = current_token()
            tg.start_soon(sleep_forever)  # keeps the group open until close()
            self._ready.set()

    def __enter__(self) -> Self:
        self._thread.start()
        assert self._ready.wait(10), "the group's loop did not start"
        if self._error is not None:
            raise self._error
        return self

    def call_soon(self, func: Callable[[], object]) -> None:
        """Run ``func()`` in the group's loop (from any thread)."""
        self.token.backend.run_sync_soon(self.token.native_token, func)

    def __exit__(self, *exc_info: object) -> None:
        self.call_soon(self.group.cancel_scope.cancel)
        self._thread.join(10)
        assert not self._thread.is_alive(), "the group's loop did not stop"
        if self._error is not None:
            raise self._error


@pytest.fixture(params=PAIRS)
def backends(request: pytest.FixtureRequest) -> tuple[str, str]:
    group_backend, caller_backend = request.param
    for name in (group_backend, caller_backend):
        if name == "trio":
            pytest.importorskip("trio")
    return group_backend, caller_backend


@pytest.fixture
def group(backends: tuple[str, str]) -> Iterator[GroupThread]:
    with GroupThread(backends[0]) as group_thread:
        yield group_thread


def options_for(backend: str) -> dict[str, Any]:
    # asyncio's debug mode raises at once on a non-thread-safe call made from
    # another thread, instead of leaving it to chance whether the loop sleeps.
    return {"debug": True} if backend == "asyncio" else {}


def run_caller(backends: tuple[str, str], func: Callable[[], Awaitable[Any]]) -> Any:
    return anyio.run(func, backend=backends[1], backend_options=options_for(backends[1]))


def test_started_wakes_the_caller_in_another_loop(
    backends: tuple[str, str], group: GroupThread
) -> None:
    child_thread: list[int] = []

    async def child(*, task_status: TaskStatus[str]) -> None:
        child_thread.append(threading.get_ident())
        task_status.started("ready")
        await sleep_forever()

    async def caller() -> str:
        with fail_after(5):
            value: str = await group.group.start(child)
        return value

    assert run_caller(backends, caller) == "ready"
    # The child runs in the group's loop, not in the caller's.
    assert len(child_thread) == 1
    assert child_thread[0] != threading.get_ident()


def test_child_keeps_running_in_the_group_after_started(
    backends: tuple[str, str], group: GroupThread
) -> None:
    finished = threading.Event()

    async def child(release: Event, *, task_status: TaskStatus[None]) -> None:
        task_status.started()
        await release.wait()
        finished.set()

    async def caller() -> None:
        release = Event()
        with fail_after(5):
            await group.group.start(child, release)
        group.call_soon(release.set)  # in the group's loop

    run_caller(backends, caller)
    assert finished.wait(5)


def test_error_before_started_reaches_the_caller(
    backends: tuple[str, str], group: GroupThread
) -> None:
    async def child(*, task_status: TaskStatus[None]) -> None:
        raise ValueError("broken before it started")

    async def caller() -> None:
        with fail_after(5), pytest.raises(ValueError, match="broken before it started"):
            await group.group.start(child)

    run_caller(backends, caller)


def test_cancelling_the_caller_cancels_the_child(
    backends: tuple[str, str], group: GroupThread
) -> None:
    child_cancelled = threading.Event()

    async def caller() -> bool:
        parked = Event()
        caller_token = current_token()

        async def child(*, task_status: TaskStatus[None]) -> None:
            # Tell the caller's loop (from the group's thread) that we wait.
            caller_token.backend.run_sync_soon(caller_token.native_token, parked.set)
            try:
                await sleep_forever()
            except get_cancelled_exc_class():
                child_cancelled.set()
                raise

        async def cancel_when_parked(scope: CancelScope) -> None:
            await parked.wait()
            scope.cancel()

        with fail_after(5), CancelScope() as scope:
            async with create_task_group() as tg:
                tg.start_soon(cancel_when_parked, scope)
                await group.group.start(child)
        return scope.cancelled_caught

    assert run_caller(backends, caller) is True
    assert child_cancelled.wait(5)


# -- Event.set() from another thread --------------------------------------------------


@pytest.mark.timeout(30, method="thread")  # without the fix asyncio could hang for good
@pytest.mark.parametrize("backend", ["asyncio", "trio"])
@pytest.mark.parametrize("setter", ["plain thread", "other loop"])
def test_event_set_from_another_thread_wakes_the_waiter(backend: str, setter: str) -> None:
    # The waiting loop sleeps in its selector: only a wake-up through its token
    # gets it out before the fail_after() guard fires.
    if backend == "trio" or setter == "other loop":
        pytest.importorskip("trio")
    parked = threading.Event()
    event = Event()

    def set_when_parked() -> None:
        assert parked.wait(10)
        if setter == "plain thread":
            event.set()
        else:  # from a callback running in an event loop of the other backend
            other = "trio" if backend == "asyncio" else "asyncio"
            with GroupThread(other) as group_thread:
                done = threading.Event()

                def set_and_tell() -> None:
                    event.set()
                    done.set()

                group_thread.call_soon(set_and_tell)
                assert done.wait(10)

    async def report_parked() -> None:
        await wait_all_tasks_blocked()
        parked.set()

    async def main() -> None:
        with fail_after(5):
            async with create_task_group() as tg:
                tg.start_soon(report_parked)
                await event.wait()

    setter_thread = threading.Thread(target=set_when_parked)
    setter_thread.start()
    try:
        anyio.run(main, backend=backend, backend_options=options_for(backend))
    finally:
        parked.set()
        setter_thread.join(10)


# -- a memory object stream shared by two asyncio loops --------------------------------


@pytest.mark.timeout(60, method="thread")  # without the fix a loop could sleep for good
@pytest.mark.parametrize("parked", ["receiver", "sender"])
def test_stream_shared_by_two_loops_wakes_the_parked_side(parked: str) -> None:
    """The MCP SDK's pattern: a child started from one loop's task group runs in another
    thread's loop and shares memory object streams with the first loop's tasks.

    The side that parks first is woken from the other thread: its loop must be woken
    through its token (as AnyIO's Event-based streams are, by luck, when a timer fires).
    """
    send, receive = anyio.create_memory_object_stream[str]()
    in_other_loop = threading.Event()
    got: list[str] = []

    async def other_side() -> None:
        if parked == "receiver":
            await send.send("from the other loop")
        else:
            got.append(await receive.receive())

    def run_other_loop() -> None:
        in_other_loop.wait()  # set by main() once its side is parked (or it failed)
        anyio.run(other_side)

    async def main() -> None:
        thread = threading.Thread(target=run_other_loop)
        thread.start()
        try:
            with send, receive:
                # Park first, and only then let the other loop act: no timer in this
                # loop could wake it (an idle worker thread joins at the end).
                async with create_task_group() as tg:
                    if parked == "receiver":

                        async def receive_one() -> None:
                            got.append(await receive.receive())

                        tg.start_soon(receive_one)
                    else:
                        tg.start_soon(send.send, "from this loop")
                    await wait_all_tasks_blocked()
                    in_other_loop.set()
        finally:
            in_other_loop.set()
        await anyio.to_thread.run_sync(thread.join)

    anyio.run(main)
    assert got == ["from the other loop" if parked == "receiver" else "from this loop"]

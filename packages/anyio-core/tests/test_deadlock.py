"""Deadlock reports of the test runners (`TestRunner.watch_deadlocks`), in both directions.

Each test drives a test runner of its own (as the pytest plugin does) on every
backend variant, from a synchronous test. A deadlocked step must raise
`DeadlockError` with the task tree; a step whose tasks wait for something real
(a worker thread, another thread, a socket, a signal, a timer) must finish
normally. In the second kind, the other thread *works* for a moment
(``time.sleep`` in that thread stands for real work), which is exactly the
window in which a careless check would report a deadlock.
"""

from __future__ import annotations

import os
import signal
import socket
import sys
import threading
import time
from typing import TYPE_CHECKING, Any

import pytest

import anyio
from anyio import from_thread, to_thread
from anyio._core.contract import get_backend
from anyio.lowlevel import DeadlockError, VirtualClock, checkpoint, current_token

if TYPE_CHECKING:
    from collections.abc import Callable, Coroutine, Iterator

    from anyio.abc import TestRunner

#: How long the "other side" works before it wakes the waiting task (real seconds).
WORK = 0.3


@pytest.fixture
def runner(anyio_backend: Any) -> Iterator[TestRunner]:
    name, options = anyio_backend if isinstance(anyio_backend, tuple) else (anyio_backend, {})
    made = get_backend(name).create_test_runner(options)
    if not made.watch_deadlocks():
        assert options.get("use_uvloop"), "only uvloop's loop cannot be watched"
        pytest.skip("uvloop hides its timers and handles: its loop cannot be watched")
    with made:
        yield made


def run(runner: TestRunner, func: Callable[[], Coroutine[Any, Any, Any]]) -> None:
    runner.run_test(func, {})


# -- deadlocks are reported --------------------------------------------------------------


def test_event_nobody_sets(runner: TestRunner) -> None:
    async def main() -> None:
        event = anyio.Event()
        async with anyio.create_task_group() as tg:
            tg.start_soon(event.wait, name="waiter")
            await event.wait()

    with pytest.raises(DeadlockError) as info:
        run(runner, main)
    message = str(info.value)
    assert message.startswith("Deadlock: every task is blocked")
    assert "task 'waiter'" in message
    assert f"{__file__}:" in message  # where the test's own task waits
    assert info.value.tree in message


def test_locks_taken_in_opposite_orders(runner: TestRunner) -> None:
    async def main() -> None:
        first, second = anyio.Lock(), anyio.Lock()
        both_hold_one = anyio.Event()
        holding = []

        async def take(a: anyio.Lock, b: anyio.Lock) -> None:
            async with a:
                holding.append(a)
                if len(holding) == 2:
                    both_hold_one.set()
                await both_hold_one.wait()
                async with b:
                    pass

        async with anyio.create_task_group() as tg:
            tg.start_soon(take, first, second, name="first-then-second")
            tg.start_soon(take, second, first, name="second-then-first")

    with pytest.raises(DeadlockError, match="first-then-second"):
        run(runner, main)


def test_receive_from_a_stream_nobody_sends_on(runner: TestRunner) -> None:
    async def main() -> None:
        send, receive = anyio.create_memory_object_stream[int]()
        async with send, receive:
            await receive.receive()

    with pytest.raises(DeadlockError, match="receive"):
        run(runner, main)


def test_runner_runs_the_next_step_after_a_deadlock(runner: TestRunner) -> None:
    cleaned_up = []

    async def stuck() -> None:
        try:
            await anyio.Event().wait()
        finally:
            cleaned_up.append(True)

    async def fine() -> str:
        await checkpoint()
        return "ran"

    with pytest.raises(DeadlockError):
        run(runner, stuck)
    assert cleaned_up == [True]  # cancelled, so its cleanup ran
    assert runner.run_fixture(fine, {}) == "ran"


def test_step_that_ignores_its_cancellation(anyio_backend: Any) -> None:
    """A step that waits again, shielded, after the deadlock cancelled it: reported, not hung."""
    name, options = anyio_backend if isinstance(anyio_backend, tuple) else (anyio_backend, {})
    made = get_backend(name).create_test_runner(options)
    if not made.watch_deadlocks():
        pytest.skip("uvloop's loop cannot be watched")

    async def stubborn() -> None:
        try:
            await anyio.Event().wait()
        finally:
            with anyio.CancelScope(shield=True):
                await anyio.Event().wait()

    async def fine() -> None:
        await checkpoint()

    with made:
        with pytest.raises(DeadlockError):
            run(made, stubborn)
        with pytest.raises(RuntimeError, match="deadlock"):
            run(made, fine)  # the loop is stuck in the old step: refused, not hung


def test_deadlock_on_a_virtual_clock(anyio_backend: Any) -> None:
    """Auto-jumping time has no deadline to jump to: still a deadlock, found at once."""
    name, options = anyio_backend if isinstance(anyio_backend, tuple) else (anyio_backend, {})
    if options.get("use_uvloop"):
        pytest.skip("uvloop cannot run on a virtual clock")
    clock = VirtualClock(autojump_threshold=0)
    made = get_backend(name).create_test_runner({**options, "clock": clock})
    assert made.watch_deadlocks()

    async def hour_then_stuck() -> None:
        await anyio.sleep(3600)  # jumped over: not a deadlock
        await anyio.Event().wait()

    with made, pytest.raises(DeadlockError):
        run(made, hour_then_stuck)
    assert clock.current_time() >= 3600


# -- waits for the real world are not deadlocks -------------------------------------------


def test_waiting_for_a_worker_thread(runner: TestRunner) -> None:
    async def main() -> None:
        await to_thread.run_sync(time.sleep, WORK)

    run(runner, main)


def test_waiting_for_another_thread_that_holds_a_token(runner: TestRunner) -> None:
    async def main() -> None:
        event = anyio.Event()
        token = current_token()

        def other() -> None:
            time.sleep(WORK)
            from_thread.run_sync(event.set, token=token)

        thread = threading.Thread(target=other)
        thread.start()
        await event.wait()
        thread.join()

    run(runner, main)


def test_waiting_for_a_socket(runner: TestRunner) -> None:
    async def main() -> None:
        ours, theirs = socket.socketpair()
        with ours, theirs:
            thread = threading.Timer(WORK, theirs.send, (b"x",))
            thread.start()
            await anyio.wait_readable(ours)
            assert ours.recv(1) == b"x"
            thread.join()

    run(runner, main)


@pytest.mark.skipif(sys.platform == "win32", reason="no SIGUSR1 on Windows")
def test_waiting_for_a_signal(runner: TestRunner) -> None:
    async def main() -> None:
        with anyio.open_signal_receiver(signal.SIGUSR1) as signals:
            thread = threading.Timer(WORK, os.kill, (os.getpid(), signal.SIGUSR1))
            thread.start()
            async for signum in signals:
                assert signum == signal.SIGUSR1
                break
            thread.join()

    run(runner, main)


def test_waiting_for_a_timer(runner: TestRunner) -> None:
    async def main() -> None:
        with anyio.move_on_after(WORK):
            await anyio.Event().wait()

    run(runner, main)


def test_waiting_for_all_tasks_to_block(runner: TestRunner) -> None:
    async def main() -> None:
        event = anyio.Event()
        async with anyio.create_task_group() as tg:
            tg.start_soon(event.wait)
            await anyio.wait_all_tasks_blocked()
            event.set()

    run(runner, main)


def test_waiting_for_a_portal_call_from_another_thread(runner: TestRunner) -> None:
    async def main() -> None:
        event = anyio.Event()
        async with from_thread.BlockingPortal() as portal:
            thread = threading.Timer(WORK, portal.call, (event.set,))
            thread.start()
            await event.wait()
            thread.join()

    run(runner, main)

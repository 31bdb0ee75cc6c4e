"""`anyio.open_signal_receiver` on every backend variant (POSIX only: it sends itself signals)."""

from __future__ import annotations

import os
import signal
import sys
import threading
from typing import TYPE_CHECKING, Any

import pytest

import anyio

if TYPE_CHECKING:
    from anyio.abc import TaskStatus

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="sends POSIX signals to itself")


def _marker_handler(signum: int, frame: object) -> None:
    """A Python-level handler that the tests install beforehand, to see it restored."""


@pytest.fixture
def own_handlers() -> Any:
    """Install `_marker_handler` for SIGUSR1/SIGUSR2 and put the old ones back afterwards."""
    previous = {
        sig: signal.signal(sig, _marker_handler) for sig in (signal.SIGUSR1, signal.SIGUSR2)
    }
    yield
    for sig, handler in previous.items():
        signal.signal(sig, handler)


@pytest.mark.anyio
@pytest.mark.usefixtures("own_handlers")
class TestOpenSignalReceiver:
    async def test_receives_a_signal_as_a_signals_member(self) -> None:
        with anyio.open_signal_receiver(signal.SIGUSR1) as signals:
            os.kill(os.getpid(), signal.SIGUSR1)
            with anyio.fail_after(5):
                received = await signals.__anext__()
        assert received is signal.SIGUSR1

    async def test_a_parked_receiver_is_woken(self) -> None:
        async def receive(*, task_status: TaskStatus[None]) -> None:
            with anyio.open_signal_receiver(signal.SIGUSR2) as signals:
                task_status.started()
                async for signum in signals:
                    got.append(signum)
                    return

        got: list[signal.Signals] = []
        with anyio.fail_after(5):
            async with anyio.create_task_group() as tg:
                await tg.start(receive)
                await anyio.wait_all_tasks_blocked()
                os.kill(os.getpid(), signal.SIGUSR2)
        assert got == [signal.SIGUSR2]

    async def test_a_burst_loses_no_kind(self) -> None:
        with anyio.open_signal_receiver(signal.SIGUSR1, signal.SIGUSR2) as signals:
            for sig in (signal.SIGUSR1, signal.SIGUSR2, signal.SIGUSR1, signal.SIGUSR1):
                os.kill(os.getpid(), sig)
            kinds: list[signal.Signals] = []
            with anyio.fail_after(5):
                async for signum in signals:
                    kinds.append(signum)
                    if set(kinds) == {signal.SIGUSR1, signal.SIGUSR2}:
                        break
        # Each kind in the order it first arrived; repeats still pending merged.
        assert kinds[:2] == [signal.SIGUSR1, signal.SIGUSR2]

    async def test_previous_handlers_come_back(self) -> None:
        with anyio.open_signal_receiver(signal.SIGUSR1, signal.SIGUSR2):
            assert signal.getsignal(signal.SIGUSR1) is not _marker_handler
        assert signal.getsignal(signal.SIGUSR1) is _marker_handler
        assert signal.getsignal(signal.SIGUSR2) is _marker_handler

    async def test_a_signal_after_exit_reaches_the_previous_handler(self) -> None:
        received = threading.Event()
        signal.signal(signal.SIGUSR1, lambda signum, frame: received.set())
        with anyio.open_signal_receiver(signal.SIGUSR1):
            pass
        os.kill(os.getpid(), signal.SIGUSR1)
        assert received.wait(5)

    async def test_cancelled_wait_keeps_the_pending_signal(self) -> None:
        with anyio.open_signal_receiver(signal.SIGUSR1) as signals:
            with anyio.move_on_after(0):
                await signals.__anext__()
            os.kill(os.getpid(), signal.SIGUSR1)
            with anyio.fail_after(5):
                assert await signals.__anext__() is signal.SIGUSR1

    async def test_waiting_is_a_checkpoint_even_with_a_signal_pending(self) -> None:
        with anyio.open_signal_receiver(signal.SIGUSR1, signal.SIGUSR2) as signals:
            os.kill(os.getpid(), signal.SIGUSR1)
            os.kill(os.getpid(), signal.SIGUSR2)
            with anyio.fail_after(5):
                await signals.__anext__()  # the other one is pending by now
            with anyio.CancelScope() as scope:
                scope.cancel()
                await signals.__anext__()
            assert scope.cancelled_caught

    async def test_no_signal_is_refused(self) -> None:
        with pytest.raises(TypeError, match="at least one signal"):
            anyio.open_signal_receiver()


def test_refused_outside_the_main_thread(
    anyio_backend_name: str, anyio_backend_options: Any
) -> None:
    async def main() -> None:
        anyio.open_signal_receiver(signal.SIGUSR1)

    errors: list[BaseException] = []

    def run() -> None:
        try:
            anyio.run(main, backend=anyio_backend_name, backend_options=anyio_backend_options)
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(10)
    assert len(errors) == 1
    assert isinstance(errors[0], RuntimeError)
    assert "only be used in the main thread" in str(errors[0])

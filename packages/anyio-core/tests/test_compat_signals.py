"""`open_signal_receiver` details that AnyIO users meet: nesting, re-entry, use after exit."""

from __future__ import annotations

import os
import signal
import sys
from typing import Any

import pytest

import anyio

pytestmark = [
    pytest.mark.skipif(sys.platform == "win32", reason="sends POSIX signals to itself"),
    pytest.mark.anyio,
]


def _marker_handler(signum: int, frame: object) -> None:
    """Installed beforehand, so that a signal nobody receives is harmless and visible."""


@pytest.fixture(autouse=True)
def marker_handler() -> Any:
    previous = signal.signal(signal.SIGUSR1, _marker_handler)
    yield
    signal.signal(signal.SIGUSR1, previous)


async def next_signal(signals: Any) -> signal.Signals:
    with anyio.fail_after(5):
        received: signal.Signals = await signals.__anext__()
        return received


class TestNestedReceivers:
    async def test_the_innermost_receiver_gets_the_signal(self) -> None:
        with anyio.open_signal_receiver(signal.SIGUSR1) as outer:
            with anyio.open_signal_receiver(signal.SIGUSR1) as inner:
                os.kill(os.getpid(), signal.SIGUSR1)
                assert await next_signal(inner) is signal.SIGUSR1
            with anyio.move_on_after(0) as scope:
                await outer.__anext__()  # nothing for the outer one
            assert scope.cancelled_caught

    async def test_the_outer_receiver_takes_over_when_the_inner_one_closes(self) -> None:
        with anyio.open_signal_receiver(signal.SIGUSR1) as outer:
            with anyio.open_signal_receiver(signal.SIGUSR1, signal.SIGUSR2):
                pass
            os.kill(os.getpid(), signal.SIGUSR1)
            assert await next_signal(outer) is signal.SIGUSR1
        assert signal.getsignal(signal.SIGUSR1) is _marker_handler


class TestReceiverObject:
    async def test_can_be_entered_again_after_exit(self) -> None:
        receiver = anyio.open_signal_receiver(signal.SIGUSR1)
        with receiver:
            pass
        with receiver as signals:
            os.kill(os.getpid(), signal.SIGUSR1)
            assert await next_signal(signals) is signal.SIGUSR1
        assert signal.getsignal(signal.SIGUSR1) is _marker_handler

    async def test_refuses_to_be_entered_twice_at_once(self) -> None:
        receiver = anyio.open_signal_receiver(signal.SIGUSR1)
        with receiver, pytest.raises(RuntimeError, match="already been entered"), receiver:
            pass

    async def test_iterating_after_exit_raises(self) -> None:
        with anyio.open_signal_receiver(signal.SIGUSR1) as signals:
            pass
        with anyio.fail_after(5), pytest.raises(RuntimeError, match="block already exited"):
            await signals.__anext__()

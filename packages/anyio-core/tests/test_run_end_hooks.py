"""Run-end hooks (`anyio._core.contract.register_run_end_hook`), on every backend variant.

A hook runs in the thread of the loop run, after the run has ended: after `anyio.run()`
has finished its loop (also when the main function raised) and after a test runner has
closed, never while a loop runs. The worker-thread pool uses one to wait for the idle
workers that the run's end told to leave.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

import pytest

import anyio
import anyio.lowlevel
from anyio._core import _eventloop
from anyio._core.contract import current_backend, get_backend, register_run_end_hook

if TYPE_CHECKING:
    from collections.abc import Iterator


def _backend(anyio_backend: Any) -> tuple[str, dict[str, Any]]:
    if isinstance(anyio_backend, tuple):
        return anyio_backend[0], dict(anyio_backend[1])
    return anyio_backend, {}


@pytest.fixture
def calls() -> Iterator[list[tuple[int, bool]]]:
    """Register a hook that records its thread and whether a loop was running."""
    seen: list[tuple[int, bool]] = []

    def hook() -> None:
        try:
            current_backend()
        except anyio.NoEventLoopError:
            seen.append((threading.get_ident(), False))
        else:
            seen.append((threading.get_ident(), True))

    register_run_end_hook(hook)
    register_run_end_hook(hook)  # a second registration changes nothing
    try:
        yield seen
    finally:
        _eventloop._run_end_hooks.remove(hook)


def test_after_run(anyio_backend: Any, calls: list[tuple[int, bool]]) -> None:
    name, options = _backend(anyio_backend)

    async def main() -> int:
        assert not calls  # not before the run has ended
        return 7

    assert anyio.run(main, backend=name, backend_options=options) == 7
    assert calls == [(threading.get_ident(), False)]


def test_after_a_failed_run(anyio_backend: Any, calls: list[tuple[int, bool]]) -> None:
    name, options = _backend(anyio_backend)

    async def main() -> None:
        raise LookupError("boom")

    with pytest.raises(LookupError, match="boom"):
        anyio.run(main, backend=name, backend_options=options)
    assert calls == [(threading.get_ident(), False)]


def test_after_a_test_runner_closed(anyio_backend: Any, calls: list[tuple[int, bool]]) -> None:
    name, options = _backend(anyio_backend)

    async def step() -> None:
        await anyio.lowlevel.checkpoint()

    with get_backend(name).create_test_runner(options) as runner:
        runner.run_test(step, {})
        runner.run_test(step, {})
        assert not calls  # a step is not the end of the run
    assert calls == [(threading.get_ident(), False)]

"""`TestRunner.is_running()` (AnyIO 4.14+) on each backend's test runner.

Synchronous tests: a test runner drives its own event loop.
"""

from __future__ import annotations

import pytest

from anyio._core._backend import get_backend
from anyio.abc import TestRunner


@pytest.mark.parametrize("backend", ["asyncio", "trio"])
def test_is_running(backend: str) -> None:
    pytest.importorskip(backend)
    seen: list[bool] = []
    with get_backend(backend).create_test_runner({}) as runner:
        assert isinstance(runner, TestRunner)
        assert not runner.is_running()

        async def probe() -> None:
            seen.append(runner.is_running())

        runner.run_test(probe, {})
        assert not runner.is_running()
    assert seen == [True]


def test_is_abstract() -> None:
    assert "is_running" in TestRunner.__abstractmethods__

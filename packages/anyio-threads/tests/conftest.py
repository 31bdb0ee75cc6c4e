"""Shared fixtures of the anyio-threads tests."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

import pytest

from anyio._threads._pool import IDLE_TIMEOUT

if TYPE_CHECKING:
    from collections.abc import Iterator


@pytest.fixture(scope="module", autouse=True)
def no_threads_left_behind() -> Iterator[None]:
    """Fail the module if it leaves threads running (worker, portal or helper threads).

    Abandoned worker threads may still be finishing when the module ends, so
    new threads get a few seconds to exit before they count as leaked.
    """
    before = set(threading.enumerate())
    yield
    leaked = [
        thread
        for thread in threading.enumerate()
        # Trio keeps idle threads of its own thread cache for 10 s, and
        # pytest-timeout (thread method) runs a timer per test: not ours.
        if thread not in before and not thread.name.startswith(("Trio thread", "pytest_timeout"))
    ]
    for thread in leaked:
        # A worker whose last hand-off went to a loop that then stopped exits when its idle
        # timeout ends (see anyio._threads._pool); on a loaded machine that is the long pole.
        thread.join(IDLE_TIMEOUT + 5 if thread.name == "AnyIO worker thread" else 5)
    assert [thread for thread in leaked if thread.is_alive()] == []

"""The ``anyio_clock`` marker: run a test, and its function-scoped async fixtures, on a virtual clock.

``@pytest.mark.anyio_clock`` gives the test a fresh `anyio.lowlevel.VirtualClock`
standing still (``rate=0``) that only `VirtualClock.jump()` moves;
``@pytest.mark.anyio_clock("autojump")`` jumps to the next deadline as soon as
every task is blocked, so that a 30-minute timeout takes milliseconds. Keyword
arguments (``rate=``, ``autojump_threshold=``) go to `VirtualClock`.

The clock is added to the backend's options, so the test gets a test runner
(an event loop) of its own, shared with its function-scoped async fixtures:
fixtures of a wider scope keep running on the real clock. uvloop cannot run
on a virtual clock: such a test is skipped on it.
"""

from __future__ import annotations

from typing import Any

import pytest

from anyio.lowlevel import VirtualClock

from ._runners import extract_backend_and_options

MARKER = "anyio_clock"
MARKER_HELP = (
    'anyio_clock(mode="standstill", *, rate=0, autojump_threshold=inf): run the test '
    'on an anyio.lowlevel.VirtualClock; mode "autojump" jumps to the next deadline '
    "as soon as every task is blocked"
)
_MODES = ("standstill", "autojump")
_clock_key = pytest.StashKey[VirtualClock]()


def clock_backend(node: pytest.Item, backend: object, *, for_test: bool = True) -> object:
    """Return ``backend`` with the test's virtual clock in its options, if it is marked.

    On uvloop the test is skipped (``for_test``); its fixtures keep the real
    clock, since a skip raised during a fixture's setup, before pytest's own
    setup hook ran, would leave that fixture half set up.
    """
    marker = node.get_closest_marker(MARKER)
    if marker is None:
        return backend
    name, options = extract_backend_and_options(backend)
    if options.get("use_uvloop"):
        if not for_test:
            return backend
        pytest.skip("uvloop keeps its own clock in C and cannot run on a VirtualClock")
    clock = node.stash.get(_clock_key, None)
    if clock is None:
        clock = node.stash[_clock_key] = make_clock(*marker.args, **marker.kwargs)
    return name, {**options, "clock": clock}


def make_clock(mode: str = "standstill", **kwargs: Any) -> VirtualClock:
    """Make the `VirtualClock` that the marker's arguments describe."""
    if mode not in _MODES:
        raise ValueError(
            f"unknown anyio_clock mode {mode!r}; use one of {', '.join(map(repr, _MODES))}"
        )
    if mode == "autojump":
        kwargs.setdefault("autojump_threshold", 0.0)
    return VirtualClock(**kwargs)


def marked_clock(node: pytest.Item) -> VirtualClock:
    """Return the virtual clock of the marked test ``node`` (the ``anyio_clock`` fixture)."""
    if node.get_closest_marker(MARKER) is None:
        raise RuntimeError(
            "the anyio_clock fixture needs a test marked with @pytest.mark.anyio_clock"
        )
    clock = node.stash.get(_clock_key, None)
    if clock is None:
        marker = node.get_closest_marker(MARKER)
        assert marker is not None
        clock = node.stash[_clock_key] = make_clock(*marker.args, **marker.kwargs)
    return clock

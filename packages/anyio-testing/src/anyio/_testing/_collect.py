"""Deciding which tests the plugin runs, and on which backend.

At collection, a coroutine test that carries the ``anyio`` marker (on itself,
its class or its module; or every coroutine test in ``anyio_mode = auto``)
gets ``usefixtures("anyio_backend")``. pytest then parametrizes it over the
``anyio_backend`` fixture, which gives the familiar IDs (``test_x[asyncio]``,
``test_x[trio]``) and lets users override or parametrize that fixture in the
ordinary pytest ways.

Markers added after collection (by a ``pytest_collection_modifyitems`` hook)
come too late for parametrization, and pytest has no public way to clone an
item per backend. Such a test runs once: on the backend of an
``anyio_backend`` fixture that is not parametrized (a user's override), or on
the default backend, `DEFAULT_BACKEND`. The `late_backend` fixture resolves
that choice; it is put first in the test's fixture list so that the test's
async fixtures, set up after it, use the same backend.
"""

from __future__ import annotations

import inspect
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from collections.abc import Iterator

#: The backend of tests marked after collection, when no `anyio_backend` applies.
DEFAULT_BACKEND = "asyncio"

#: The name of the fixture that picks the backend of a test marked after collection.
LATE_BACKEND_FIXTURE = "_anyio_late_backend"

# The backend chosen by `late_backend` for the test being set up, for the async
# fixtures of that test (whatever their scope). Invariant: not None only between
# the setup and the teardown of such a test.
_late_backend: object = None


def coroutine_test_function(obj: object) -> Any:
    """Return the coroutine function a test runs, or None for a synchronous test.

    A test decorated with Hypothesis's ``@given`` is a synchronous wrapper whose
    ``hypothesis.inner_test`` is the user's function.
    """
    hypothesis = getattr(obj, "hypothesis", None)
    inner = getattr(hypothesis, "inner_test", None)
    if inner is not None and inspect.iscoroutinefunction(inner):
        return inner
    return obj if inspect.iscoroutinefunction(obj) else None


def auto_mode(config: pytest.Config) -> bool:
    """Whether ``anyio_mode = auto``, checking the option's value."""
    mode = config.getini("anyio_mode")
    if mode not in ("auto", "strict"):
        raise pytest.UsageError(f'anyio_mode must be "auto" or "strict", not {mode!r}')
    return bool(mode == "auto")


def marked_at_collection(collector: pytest.Module | pytest.Class, obj: object) -> bool:
    """Whether the test function ``obj`` of ``collector`` is to run with anyio."""
    if auto_mode(collector.config):
        return True
    own_marks = getattr(obj, "pytestmark", [])
    if any(getattr(mark, "name", None) == "anyio" for mark in own_marks):
        return True
    return collector.get_closest_marker("anyio") is not None


def wants_backend_late(item: pytest.Item) -> bool:
    """Whether ``item`` is an anyio test that collection did not parametrize."""
    if not isinstance(item, pytest.Function) or "anyio_backend" in item.fixturenames:
        return False
    if coroutine_test_function(item.obj) is None:
        return False
    return auto_mode(item.config) or item.get_closest_marker("anyio") is not None


def late_backend_value() -> object:
    """The backend of the late-marked test being run, or None."""
    return _late_backend


@pytest.fixture(name=LATE_BACKEND_FIXTURE)
def late_backend(request: pytest.FixtureRequest) -> Iterator[object]:
    """Pick the backend of a test marked after collection (see the module docstring)."""
    global _late_backend
    try:
        backend = request.getfixturevalue("anyio_backend")
    except pytest.fail.Exception:
        # The fixture in effect is parametrized, and this test is not: pytest
        # refuses to set it up (before caching anything), so we use the default.
        backend = DEFAULT_BACKEND
    _late_backend = backend
    try:
        yield backend
    finally:
        _late_backend = None

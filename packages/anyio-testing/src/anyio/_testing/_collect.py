"""Deciding which tests the plugin runs, and on which backend.

At collection, a coroutine test that carries the ``anyio`` marker (on itself,
its class or its module; or every coroutine test in ``anyio_mode = auto``)
gets ``usefixtures("anyio_backend")``. pytest then parametrizes it over the
``anyio_backend`` fixture, which gives the familiar IDs (``test_x[asyncio]``,
``test_x[trio]``) and lets users override or parametrize that fixture in the
ordinary pytest ways.

Markers added after collection (by a ``pytest_collection_modifyitems`` hook)
come too late for that parametrization. For such a test, `expand_late_marked`
asks pytest to collect its function again (the public
``pytest_pycollect_makeitem`` hook, called on the test's module or class),
now with ``usefixtures("anyio_backend")``, and puts the items pytest makes,
one per backend, in place of the original, with the original's markers. That
is what ordinary collection does, so the IDs, fixtures and parametrization
are the usual ones; of the new items, only those with the original's other
parameters are kept.

A test whose parent is not a module or a class (a plugin's own collector)
cannot be collected again that way. It runs once: on the backend of an
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
    from collections.abc import Iterable, Iterator

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
    """Whether ``--anyio-mode=auto``, or else ``anyio_mode = auto``, checking the value."""
    mode = config.getoption("anyio_mode", None) or config.getini("anyio_mode")
    if mode not in ("auto", "strict"):
        raise pytest.UsageError(f'anyio_mode must be "auto" or "strict", not {mode!r}')
    return bool(mode == "auto")


def asyncio_plugin_in_auto_mode(config: pytest.Config) -> bool:
    """Whether pytest-asyncio is loaded and in auto mode (``--asyncio-mode`` or ``asyncio_mode``).

    Read the way pytest-asyncio reads it: the command-line option first, then
    the ini setting; both exist only when pytest-asyncio declared them.
    """
    mode = config.getoption("asyncio_mode", None)
    if mode is None:
        try:
            mode = config.getini("asyncio_mode")
        except ValueError:  # not declared: pytest-asyncio is not loaded
            return False
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
    if not isinstance(item, pytest.Function):
        return False
    if "anyio_backend" in item.fixturenames or LATE_BACKEND_FIXTURE in item.fixturenames:
        return False
    if coroutine_test_function(item.obj) is None:
        return False
    return auto_mode(item.config) or item.get_closest_marker("anyio") is not None


def expand_late_marked(items: Iterable[pytest.Item]) -> Iterator[pytest.Item]:
    """Yield ``items``, each anyio test that collection did not parametrize once per backend."""
    collected_again: dict[tuple[int, str], dict[str, list[pytest.Function]]] = {}
    for item in items:
        if not wants_backend_late(item):
            yield item
            continue
        assert isinstance(item, pytest.Function)
        clones = _per_backend(item, collected_again)
        if clones:
            yield from clones
        else:
            item.fixturenames.insert(0, LATE_BACKEND_FIXTURE)
            yield item


def _per_backend(
    item: pytest.Function, collected_again: dict[tuple[int, str], dict[str, list[pytest.Function]]]
) -> list[pytest.Function]:
    """The items of ``item``'s function collected again with the backend fixture, or []."""
    parent = item.parent
    if not isinstance(parent, (pytest.Module, pytest.Class)):
        return []
    key = (id(parent), item.originalname)
    if key not in collected_again:
        function = item.function
        plain = _collect_again(parent, item.originalname, function)
        pytest.mark.usefixtures("anyio_backend")(function)
        with_backend = _collect_again(parent, item.originalname, function)
        collected_again[key] = _clones_by_name(plain, with_backend)
    clones = collected_again[key].get(item.name, [])
    for clone in clones:
        for mark in item.own_markers:
            if mark not in clone.own_markers:
                clone.add_marker(getattr(pytest.mark, mark.name)(*mark.args, **mark.kwargs))
    return clones


def _collect_again(
    parent: pytest.Module | pytest.Class, name: str, function: object
) -> list[pytest.Function]:
    made = parent.ihook.pytest_pycollect_makeitem(collector=parent, name=name, obj=function)
    return [
        new
        for new in (made if isinstance(made, list) else [made])
        if isinstance(new, pytest.Function)
    ]


def _clones_by_name(
    plain: list[pytest.Function], with_backend: list[pytest.Function]
) -> dict[str, list[pytest.Function]]:
    """Pair each item collected without the backend with its items collected with it.

    pytest parametrizes the same way both times, so the items of each backend
    come in the order of ``plain``: the n-th item of a backend is a clone of
    the n-th plain one. Returns {} if the items do not line up that way.
    """
    per_backend: list[tuple[object, list[pytest.Function]]] = []
    for new in with_backend:
        callspec = getattr(new, "callspec", None)
        backend = callspec.params.get("anyio_backend") if callspec is not None else None
        for value, group in per_backend:
            if value is backend:
                group.append(new)
                break
        else:
            per_backend.append((backend, [new]))
    if not per_backend or any(len(group) != len(plain) for _, group in per_backend):
        return {}
    return {
        original.name: [group[index] for _, group in per_backend]
        for index, original in enumerate(plain)
    }


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

"""Running async fixtures on the test runner of the test that uses them.

pytest only knows synchronous fixtures. For an async fixture requested by an
anyio test, `wrap_async_fixture` swaps the fixture's function, for the
duration of one setup, for a synchronous generator that leases the runner of
the test's backend (see `_runners`), runs the fixture on it and keeps the lease
until the fixture's teardown. That one lease is what keeps a module-scoped
fixture's event loop alive for all the tests of the module. The wrapper's only
parameter is ``**kwargs``, so no argument name of a user's fixture can clash.

The fixture depends on ``anyio_backend`` without saying so, and pytest must
still tear it down when the backend changes (a module-scoped fixture set up
for ``test_x[asyncio]`` must not be reused by ``test_x[trio]``). pytest
arranges that only for the arguments a fixture declares, and reads them
before our hook runs, so adding ``anyio_backend`` to the fixture's arguments
there is too late for the first setup. Instead we register the fixture's
``finish`` with every live ``anyio_backend`` fixture definition ourselves
(we see them being set up, through the same hook), exactly as pytest does
for a declared argument. With overrides of ``anyio_backend`` at several
levels, that may tear a fixture down more often than needed, never less.
"""

from __future__ import annotations

import functools
import inspect
import weakref
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from ._clock import clock_backend
from ._collect import LATE_BACKEND_FIXTURE, late_backend_value
from ._interrupts import unwrap_interrupts
from ._runners import extract_backend_and_options, get_runner

if TYPE_CHECKING:
    from collections.abc import Callable, Generator, Iterator

    import pytest

# Every fixture definition named anyio_backend that was set up (the default one, and
# users' overrides).
_backend_fixturedefs: weakref.WeakSet[pytest.FixtureDef[Any]] = weakref.WeakSet()


def _async_fixture_function(func: Callable[..., Any]) -> Callable[..., Any] | None:
    if inspect.iscoroutinefunction(func) or inspect.isasyncgenfunction(func):
        return func
    return None


def _rebind(func: Any, instance: object) -> Any:
    """Bind a fixture defined in a test class to the instance running the test.

    pytest binds class fixtures to an instance of its own; a test runs on a
    fresh instance, and the fixture must see that one (``self.x = ...`` in a
    fixture is read by the test).
    """
    owner = getattr(func, "__self__", None)
    if instance is not None and owner is not None and isinstance(instance, type(owner)):
        return func.__func__.__get__(instance)
    return func


def _make_wrapper(
    func: Callable[..., Any], instance: object, backend: object
) -> Callable[..., Generator[Any, None, None]]:
    target = _rebind(func, instance)
    name, options = extract_backend_and_options(backend)

    def anyio_fixture(**kwargs: Any) -> Generator[Any, None, None]:
        with get_runner(name, options) as runner:
            if inspect.isasyncgenfunction(func):
                steps = iter(runner.run_asyncgen_fixture(target, kwargs))
                with unwrap_interrupts():
                    value = next(steps)
                yield value
                with unwrap_interrupts():
                    for _ in steps:
                        pass
            else:
                with unwrap_interrupts():
                    value = runner.run_fixture(target, kwargs)
                yield value

    anyio_fixture.__qualname__ = getattr(func, "__qualname__", anyio_fixture.__qualname__)
    return anyio_fixture


def _finish_with_backend(
    fixturedef: pytest.FixtureDef[Any], request: pytest.FixtureRequest
) -> None:
    """Have pytest finish ``fixturedef`` when any live ``anyio_backend`` is finished."""
    # The hook's request is a SubRequest, the type finish() wants (not exported by pytest).
    finish = functools.partial(fixturedef.finish, request=request)  # type: ignore[arg-type]
    for backend_def in list(_backend_fixturedefs):
        if backend_def.cached_result is not None:
            backend_def.addfinalizer(finish)


@contextmanager
def wrap_async_fixture(
    fixturedef: pytest.FixtureDef[Any], request: pytest.FixtureRequest
) -> Iterator[None]:
    """Run ``fixturedef`` on the anyio test runner during this setup, if it is async.

    Leaves sync fixtures alone, and async fixtures of tests that do not run
    with anyio (pytest, or another plugin, deals with those).
    """
    if fixturedef.argname == "anyio_backend":
        _backend_fixturedefs.add(fixturedef)
    func = _async_fixture_function(fixturedef.func)
    names = request.fixturenames
    late = late_backend_value() if LATE_BACKEND_FIXTURE in names else None
    if func is None or not ("anyio_backend" in names or late is not None):
        yield
        return
    backend = late
    if backend is None:
        backend = request.getfixturevalue("anyio_backend")
        if "anyio_backend" not in fixturedef.argnames:
            _finish_with_backend(fixturedef, request)
    if fixturedef.scope == "function":  # it shares the test's virtual clock, if any
        backend = clock_backend(request.node, backend, for_test=False)
    # pytest types `func` as Final, but swapping it for one setup is the only way a
    # plugin can run a fixture differently; it is put back right after.
    original_func = fixturedef.func
    fixturedef.func = _make_wrapper(func, request.instance, backend)  # type: ignore[misc]
    try:
        yield
    finally:
        fixturedef.func = original_func  # type: ignore[misc]

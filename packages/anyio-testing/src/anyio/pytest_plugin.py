"""The anyio pytest plugin: runs async tests and fixtures on every anyio backend.

Registered under the name ``anyio`` (entry point ``pytest11``), so ``-p anyio``
and ``-p no:anyio`` work. Mark a coroutine test with ``@pytest.mark.anyio``
(or set ``anyio_mode = auto``) and it runs once per value of the
``anyio_backend`` fixture. Async fixtures used by such tests run on the same
event loop, in the same task, as the test. How each backend keeps one loop
alive across fixtures and tests is the backend's business: this plugin only
talks to the test runner from the backend protocol.
"""

from __future__ import annotations

import inspect
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import pytest

from anyio._core._backend import get_backend
from anyio._core._eventloop import get_available_backends

if TYPE_CHECKING:
    from collections.abc import Generator, Iterator

    from anyio.abc import TestRunner

__all__ = (
    "anyio_backend",
    "anyio_backend_name",
    "anyio_backend_options",
    "extract_backend_and_options",
    "get_runner",
)

_runner_key: tuple[str, tuple[tuple[str, Any], ...]] | None = None
_runner: TestRunner | None = None
_runner_leases = 0


def extract_backend_and_options(backend: object) -> tuple[str, dict[str, Any]]:
    """Split an ``anyio_backend`` value into a backend name and its options.

    Args:
        backend: a backend name, or a ``(name, options)`` tuple.

    Raises:
        TypeError: for anything else.
    """
    if isinstance(backend, str):
        return backend, {}
    if isinstance(backend, tuple) and len(backend) == 2:
        name, options = backend
        if isinstance(name, str) and isinstance(options, dict):
            return name, options
    raise TypeError(
        f"anyio_backend must be a backend name or a (name, options dict) tuple, not {backend!r}"
    )


@contextmanager
def get_runner(backend_name: str, backend_options: dict[str, Any]) -> Iterator[TestRunner]:
    """Lend the test runner for a backend, starting it if nobody holds it.

    The runner (and its event loop) lives as long as any fixture or test
    holds it, so a module-scoped async fixture keeps one loop alive for all
    the tests of its module.
    """
    global _runner, _runner_key, _runner_leases
    key = (backend_name, tuple(sorted(backend_options.items(), key=lambda kv: kv[0])))
    if _runner is None:
        runner = get_backend(backend_name).create_test_runner(backend_options)
        runner.__enter__()
        _runner, _runner_key = runner, key
    elif key != _runner_key:
        raise RuntimeError(
            f"A test runner for {_runner_key!r} is still in use (by a fixture of "
            f"a wider scope) while {backend_name!r} was requested; give the "
            "fixture the same anyio_backend"
        )
    _runner_leases += 1
    try:
        yield _runner
    finally:
        _runner_leases -= 1
        if _runner_leases == 0:
            runner, _runner, _runner_key = _runner, None, None
            runner.__exit__(None, None, None)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(
        "anyio_mode",
        default="strict",
        help='"auto": run every coroutine test with anyio; "strict" (default): '
        "only those marked with @pytest.mark.anyio",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "anyio: run the marked coroutine test (or every coroutine test of the "
        "marked class or module) on each anyio backend of the anyio_backend fixture",
    )


def _is_coroutine_test(obj: object) -> bool:
    return inspect.iscoroutinefunction(obj)


def _wants_anyio(collector: pytest.Collector, obj: object) -> bool:
    if collector.config.getini("anyio_mode") == "auto":
        return True
    own_marks = getattr(obj, "pytestmark", [])
    if any(mark.name == "anyio" for mark in own_marks):
        return True
    return any(True for _ in collector.iter_markers(name="anyio"))


@pytest.hookimpl(tryfirst=True)
def pytest_pycollect_makeitem(
    collector: pytest.Module | pytest.Class, name: str, obj: object
) -> None:
    if (
        collector.istestfunction(obj, name)
        and _is_coroutine_test(obj)
        and _wants_anyio(collector, obj)
    ):
        # Requesting the fixture makes pytest parametrize the test over it.
        pytest.mark.usefixtures("anyio_backend")(obj)


def _test_arguments(pyfuncitem: pytest.Function) -> dict[str, Any]:
    parameters = inspect.signature(pyfuncitem.obj).parameters
    return {name: pyfuncitem.funcargs[name] for name in parameters if name in pyfuncitem.funcargs}


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    if "anyio_backend" not in pyfuncitem.funcargs or not _is_coroutine_test(pyfuncitem.obj):
        return None
    name, options = extract_backend_and_options(pyfuncitem.funcargs["anyio_backend"])
    with get_runner(name, options) as runner:
        runner.run_test(pyfuncitem.obj, _test_arguments(pyfuncitem))
    return True


@pytest.hookimpl(tryfirst=True)
def pytest_fixture_setup(fixturedef: Any, request: pytest.FixtureRequest) -> None:
    original = getattr(fixturedef.func, "__anyio_original__", fixturedef.func)
    is_asyncgen = inspect.isasyncgenfunction(original)
    if not (is_asyncgen or inspect.iscoroutinefunction(original)):
        return
    if "anyio_backend" not in request.fixturenames:
        return
    target = _rebind(original, request.instance)
    wants_backend = "anyio_backend" in inspect.signature(original).parameters

    def runner_args(kwargs: dict[str, Any]) -> tuple[str, dict[str, Any], Any]:
        backend = kwargs["anyio_backend"] if wants_backend else kwargs.pop("anyio_backend")
        name, options = extract_backend_and_options(backend)
        return name, options, target

    if is_asyncgen:

        def asyncgen_wrapper(**kwargs: Any) -> Generator[Any, None, None]:
            name, options, func = runner_args(kwargs)
            with get_runner(name, options) as runner:
                yield from runner.run_asyncgen_fixture(func, kwargs)

        wrapper: Any = asyncgen_wrapper
    else:

        def wrapper(**kwargs: Any) -> Any:
            name, options, func = runner_args(kwargs)
            with get_runner(name, options) as runner:
                return runner.run_fixture(func, kwargs)

    wrapper.__anyio_original__ = original
    fixturedef.func = wrapper
    if "anyio_backend" not in fixturedef.argnames:
        fixturedef.argnames = (*fixturedef.argnames, "anyio_backend")


def _rebind(func: Any, instance: object) -> Any:
    """Bind a fixture defined in a test class to the instance running the test."""
    self = getattr(func, "__self__", None)
    if instance is not None and self is not None and isinstance(instance, type(self)):
        return func.__func__.__get__(instance)
    return func


@pytest.fixture(scope="module", params=get_available_backends())
def anyio_backend(request: pytest.FixtureRequest) -> Any:
    """The backend to run async tests on: a name or a ``(name, options)`` tuple.

    Runs each test on every installed backend by default; override it in a
    ``conftest.py`` to choose.
    """
    return request.param


@pytest.fixture
def anyio_backend_name(anyio_backend: Any) -> str:
    """The name of the backend of `anyio_backend`."""
    return extract_backend_and_options(anyio_backend)[0]


@pytest.fixture
def anyio_backend_options(anyio_backend: Any) -> dict[str, Any]:
    """The options of the backend of `anyio_backend`."""
    return extract_backend_and_options(anyio_backend)[1]

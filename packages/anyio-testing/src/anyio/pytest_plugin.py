"""The anyio pytest plugin: run async tests and fixtures on every anyio backend.

Registered under the name ``anyio`` (entry point ``pytest11``), so ``-p anyio``
and ``-p no:anyio`` work. Mark a coroutine test with ``@pytest.mark.anyio``
(or its class, or its module with ``pytestmark``; or set ``anyio_mode = auto``)
and it runs once per value of the ``anyio_backend`` fixture. Async fixtures
used by such tests run on the same event loop, in the same task, as the test.

How each backend keeps one loop alive across fixtures and tests is the
backend's business: this plugin only talks to the `anyio.abc.TestRunner` of
the backend protocol and never imports asyncio or trio. The machinery lives in
`anyio._testing`; this module holds pytest's hooks and the public fixtures.
"""

from __future__ import annotations

import socket
from typing import TYPE_CHECKING, Any

import pytest

from anyio import get_available_backends
from anyio._testing import _runners
from anyio._testing._calls import backend_of, run_test
from anyio._testing._clock import MARKER_HELP, marked_clock
from anyio._testing._collect import (
    LATE_BACKEND_FIXTURE,
    asyncio_plugin_in_auto_mode,
    auto_mode,
    coroutine_test_function,
    expand_late_marked,
    late_backend,
    marked_at_collection,
    wants_backend_late,
)
from anyio._testing._fixtures import wrap_async_fixture
from anyio._testing._ports import FreePortFactory
from anyio._testing._runners import extract_backend_and_options, get_runner
from anyio.abc import TestRunner

if TYPE_CHECKING:
    from collections.abc import Callable, Generator

    from anyio.lowlevel import VirtualClock

__all__ = (
    "FreePortFactory",
    "anyio_backend",
    "anyio_backend_name",
    "anyio_backend_options",
    "extract_backend_and_options",
    "free_tcp_port",
    "free_tcp_port_factory",
    "free_udp_port",
    "free_udp_port_factory",
    "get_runner",
    "pytest_addoption",
    "pytest_collection_modifyitems",
    "pytest_configure",
    "pytest_fixture_setup",
    "pytest_pycollect_makeitem",
    "pytest_pyfunc_call",
)

for _obj in (FreePortFactory, extract_backend_and_options, get_runner):
    _obj.__module__ = __name__
del _obj

# Imported for the hooks' sake (pytest finds fixtures among a plugin's attributes) and,
# like AnyIO's module, re-exported for convenience.
_ = (late_backend, TestRunner, get_available_backends)


# -- hooks -----------------------------------------------------------------------------------


_MODE_HELP = (
    '"auto": run every coroutine test with anyio; "strict" (default): '
    "only those marked with @pytest.mark.anyio"
)


_DEADLOCK_HELP = (
    "stop and fail an async test or fixture at once when every task is blocked with "
    "nothing that could wake one, with the task tree in the report (default: true)"
)


def pytest_addoption(parser: pytest.Parser) -> None:
    """Declare the ``anyio_mode`` and ``anyio_deadlock_detection`` ini options and their flags."""
    parser.addini("anyio_mode", default="strict", help=_MODE_HELP)
    group = parser.getgroup("anyio")
    group.addoption(
        "--anyio-mode",
        dest="anyio_mode",
        choices=("auto", "strict"),
        default=None,
        help=_MODE_HELP + " (overrides the anyio_mode ini option)",
    )
    parser.addini("anyio_deadlock_detection", type="bool", default=True, help=_DEADLOCK_HELP)
    group.addoption(
        "--anyio-deadlock-detection",
        dest="anyio_deadlock_detection",
        choices=("on", "off"),
        default=None,
        help=_DEADLOCK_HELP + " (overrides the anyio_deadlock_detection ini option)",
    )


_previous_watch_key = pytest.StashKey[bool]()


def pytest_unconfigure(config: pytest.Config) -> None:
    """Put back the deadlock setting of the enclosing session (pytester's inner runs)."""
    previous = config.stash.get(_previous_watch_key, None)
    if previous is not None:
        _runners.watch_deadlocks = previous


def _deadlock_detection(config: pytest.Config) -> bool:
    flag = config.getoption("anyio_deadlock_detection", None)
    if flag is not None:
        return bool(flag == "on")
    return bool(config.getini("anyio_deadlock_detection"))


def pytest_configure(config: pytest.Config) -> None:
    """Declare the ``anyio`` marker, and check the mode."""
    if auto_mode(config) and asyncio_plugin_in_auto_mode(config):
        config.issue_config_time_warning(
            pytest.PytestConfigWarning(
                "AnyIO auto mode has been enabled together with pytest-asyncio auto mode. "
                "This may cause unexpected behavior."
            ),
            stacklevel=1,
        )
    config.stash[_previous_watch_key] = _runners.watch_deadlocks
    _runners.watch_deadlocks = _deadlock_detection(config)
    config.addinivalue_line("markers", MARKER_HELP)
    config.addinivalue_line(
        "markers",
        "anyio: run the marked coroutine test (or every coroutine test of the "
        "marked class or module) on each backend of the anyio_backend fixture",
    )


@pytest.hookimpl(tryfirst=True)
def pytest_pycollect_makeitem(
    collector: pytest.Module | pytest.Class, name: str, obj: object
) -> None:
    """Make pytest parametrize each anyio test over the ``anyio_backend`` fixture."""
    if (
        collector.istestfunction(obj, name)
        and coroutine_test_function(obj) is not None
        and marked_at_collection(collector, obj)
    ):
        pytest.mark.usefixtures("anyio_backend")(obj)


def pytest_collection_modifyitems(
    session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
) -> None:
    """Run the tests marked by other ``pytest_collection_modifyitems`` hooks on each backend.

    See `anyio._testing._collect` for how. This runs after the hooks of
    ``conftest.py`` files and before pytest's own, so that ``-k`` and ``-m``
    select among the new items (``-k asyncio`` keeps only the asyncio ones).
    """
    items[:] = list(expand_late_marked(items))


@pytest.hookimpl(wrapper=True, specname="pytest_collection_modifyitems")
def pytest_collection_modifyitems_last(items: list[pytest.Item]) -> Generator[None, None, None]:
    """Run the tests marked by hooks that ran after ours once, on the default backend."""
    yield
    for item in items:
        if wants_backend_late(item):
            assert isinstance(item, pytest.Function)
            item.fixturenames.insert(0, LATE_BACKEND_FIXTURE)


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    """Run a coroutine test that has a backend on that backend's test runner."""
    __tracebackhide__ = True
    if coroutine_test_function(pyfuncitem.obj) is None:
        return None
    backend = backend_of(pyfuncitem)
    if backend is None:
        return None
    run_test(pyfuncitem, backend)
    return True


@pytest.hookimpl(wrapper=True)
def pytest_fixture_setup(
    fixturedef: pytest.FixtureDef[Any], request: pytest.FixtureRequest
) -> Generator[None, object, object]:
    """Run an async fixture used by an anyio test on the test's runner."""
    with wrap_async_fixture(fixturedef, request):
        return (yield)


# -- fixtures --------------------------------------------------------------------------------


@pytest.fixture(scope="module", params=get_available_backends())
def anyio_backend(request: pytest.FixtureRequest) -> Any:
    """The backend to run anyio tests on: a name, or a ``(name, options)`` tuple.

    By default, each anyio test runs on every installed backend. Override the
    fixture (in a ``conftest.py``, a module or a class) to choose, e.g. to
    return ``"trio"`` or ``("asyncio", {"debug": True})``, or parametrize it
    with ``pytest.mark.parametrize("anyio_backend", [...])``. An async fixture
    of a scope wider than the module needs an ``anyio_backend`` of that scope.
    """
    return request.param


@pytest.fixture
def anyio_backend_name(anyio_backend: Any) -> str:
    """The name of the backend of ``anyio_backend``."""
    return extract_backend_and_options(anyio_backend)[0]


@pytest.fixture
def anyio_backend_options(anyio_backend: Any) -> dict[str, Any]:
    """The options of the backend of ``anyio_backend`` (empty if there are none)."""
    return extract_backend_and_options(anyio_backend)[1]


@pytest.fixture
def anyio_clock(request: pytest.FixtureRequest) -> VirtualClock:
    """The `anyio.lowlevel.VirtualClock` of a test marked ``@pytest.mark.anyio_clock``."""
    return marked_clock(request.node)


@pytest.fixture(scope="session")
def free_tcp_port_factory() -> FreePortFactory:
    """A callable returning a free TCP port, a different one on each call of the session."""
    return FreePortFactory(socket.SOCK_STREAM)


@pytest.fixture(scope="session")
def free_udp_port_factory() -> FreePortFactory:
    """A callable returning a free UDP port, a different one on each call of the session."""
    return FreePortFactory(socket.SOCK_DGRAM)


@pytest.fixture
def free_tcp_port(free_tcp_port_factory: Callable[[], int]) -> int:
    """A free TCP port, not handed out before in this session."""
    return free_tcp_port_factory()


@pytest.fixture
def free_udp_port(free_udp_port_factory: Callable[[], int]) -> int:
    """A free UDP port, not handed out before in this session."""
    return free_udp_port_factory()

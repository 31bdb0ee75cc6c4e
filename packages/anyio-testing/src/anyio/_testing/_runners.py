"""Lending test runners: one event loop per backend, alive while anything uses it.

The problem: pytest calls into the plugin many times for one test (each async
fixture's setup, the test, each teardown), in an order decided by fixture
scopes. All of those calls must run on *one* event loop, in one task, so that
a module-scoped fixture's objects are usable by every test of the module and
context variables set by a fixture are seen by the test.

What we do: every fixture and test *leases* the runner of its backend for as
long as it lives (a coroutine fixture until its teardown, a test for its
call). The first lease starts the runner (core's `anyio.abc.TestRunner` for that
backend), the last one to be returned closes it. So the loop lives exactly as
long as the widest-scoped async fixture that uses it, and a test with no async
fixture gets a fresh loop: nothing a failed test left behind survives into
the next one.

Runners are kept per backend *and* options: a test that asks for another
backend while a wider-scoped fixture still holds a runner gets its own runner
instead of silently running on the wrong loop. Only one runner's loop runs at
a time (pytest is single-threaded), so runners do not disturb each other.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from anyio._core.contract import get_backend

if TYPE_CHECKING:
    from collections.abc import Iterator

    from anyio.abc import TestRunner


def extract_backend_and_options(backend: object) -> tuple[str, dict[str, Any]]:
    """Split an `anyio_backend` value into a backend name and its options.

    Args:
        backend: a backend name (`"asyncio"`), or a `(name, options)` tuple
            such as `("asyncio", {"debug": True})`.

    Returns:
        The backend name and a (possibly empty) dict of its options.

    Raises:
        TypeError: if `backend` is neither of those.

    Example:
        ```python
        assert extract_backend_and_options("trio") == ("trio", {})
        ```
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


class _Lease:
    """A started runner and how many fixtures and tests hold it.

    Invariant: `holders > 0` while the lease is in `_leases`; the runner is
    entered exactly once and exited when `holders` drops to zero.
    """

    __slots__ = ("holders", "name", "options", "runner")

    def __init__(self, name: str, options: dict[str, Any], runner: TestRunner) -> None:
        self.name = name
        self.options = options
        self.runner = runner
        self.holders = 0


#: Whether new runners watch for deadlocks (the ``anyio_deadlock_detection`` ini option
#: and ``--anyio-deadlock-detection``; set when pytest is configured).
watch_deadlocks = True

# The live runners, at most one per (backend name, options). Options are compared
# by equality (they may hold unhashable values such as a loop factory's closure).
_leases: list[_Lease] = []


def _find_lease(name: str, options: dict[str, Any]) -> _Lease | None:
    for lease in _leases:
        if lease.name == name and lease.options == options:
            return lease
    return None


def _start_lease(name: str, options: dict[str, Any]) -> _Lease:
    runner = get_backend(name).create_test_runner(options)
    if watch_deadlocks:
        runner.watch_deadlocks()  # False (nothing watched) on uvloop
    runner.__enter__()
    lease = _Lease(name, dict(options), runner)
    _leases.append(lease)
    return lease


def _return_lease(lease: _Lease) -> None:
    lease.holders -= 1
    if lease.holders == 0:
        _leases.remove(lease)
        lease.runner.__exit__(None, None, None)


@contextmanager
def get_runner(backend_name: str, backend_options: dict[str, Any]) -> Iterator[TestRunner]:
    """Lend the test runner of a backend, starting it if nobody holds it yet.

    While any caller holds the runner, every other caller asking for the same
    backend and options gets the same runner (the same event loop, the same
    task). The runner closes when the last holder is done.

    Args:
        backend_name: `"asyncio"` or `"trio"`.
        backend_options: the backend's options (as for `anyio.run`).

    Yields:
        The backend's `anyio.abc.TestRunner`.

    Raises:
        LookupError: for an unknown backend name.
    """
    lease = _find_lease(backend_name, backend_options) or _start_lease(
        backend_name, backend_options
    )
    lease.holders += 1
    try:
        yield lease.runner
    finally:
        _return_lease(lease)

"""The backend contract: the stable module for anyio's other distributions and for backends.

anyio's distributions other than anyio-core (streams, threads, path, testing,
net, process) and any backend talk to the event loop through the names
re-exported here, and only these. They are kept stable within anyio's major
version even though they live under the private ``anyio._core`` package: a
change to them is a change to the contract between distributions, made in
step with every user (the narrow-waist test in ``test_imports_policy.py``
holds the other distributions to this module).

This module names no backend and imports neither asyncio nor Trio.

* `Backend` and its per-concern protocols (`TaskBackend`, `TimeBackend`,
  `SyncBackend`, `TokenBackend`, `IOBackend`, `SignalBackend`,
  `RunnerBackend`) and `FDWatch` (what `IOBackend.watch_fd()` returns):
  what a backend provides;
* `current_backend()`: the backend of the loop running in this thread;
* `get_backend()`: a backend by name, imported on first use;
* `BACKENDS`, `register_backend()`, `unregister_backend()` and `Probe`: the
  registry, for backend authors (see ``docs/add-a-backend.md``);
* core internals that other distributions need and that have no public
  equivalent:

  * `LazyExports`: the one lazy-export helper, for a package whose names or
    submodules load on first use (``anyio.streams``);
  * `threadlocals`: core's per-thread record, where a worker thread notes the
    `EventLoopToken` of the loop that started it (``anyio.from_thread`` reads it);
  * `clock_busy()`: a context manager that keeps a virtual clock from jumping
    while work outside the loop (a worker thread) is in progress;
  * `register_handoff_check()`: makes ``wait_all_tasks_blocked()`` wait while
    work handed to another thread has not been taken by it yet;
  * `register_run_end_hook()`: a call in the loop's thread once a loop run
    (``anyio.run()``, a test runner) has ended, where blocking briefly is fine.

Every name but ``LazyExports`` loads on first use (and is then cached here),
so importing this module costs next to nothing.

Everything else other distributions use from core comes from its public
modules (``anyio``, ``anyio.abc``, ``anyio.lowlevel``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._lazy import LazyExports

if TYPE_CHECKING:
    from ._backend import (
        BACKENDS,
        Backend,
        FDWatch,
        IOBackend,
        Probe,
        RunnerBackend,
        SignalBackend,
        SyncBackend,
        TaskBackend,
        TimeBackend,
        TokenBackend,
        current_backend,
        get_backend,
        register_backend,
        unregister_backend,
    )
    from ._clock import clock_busy
    from ._eventloop import register_run_end_hook, threadlocals
    from ._taskinfo import register_handoff_check

#: Names loaded on first use, so that importing this module (which
#: ``anyio.streams`` does for `LazyExports`) imports none of their modules:
#: name -> module (relative to this package).
_ON_FIRST_USE = {
    **dict.fromkeys(
        (
            "BACKENDS",
            "Backend",
            "FDWatch",
            "IOBackend",
            "Probe",
            "RunnerBackend",
            "SignalBackend",
            "SyncBackend",
            "TaskBackend",
            "TimeBackend",
            "TokenBackend",
            "current_backend",
            "get_backend",
            "register_backend",
            "unregister_backend",
        ),
        "._backend",
    ),
    "clock_busy": "._clock",
    "threadlocals": "._eventloop",
    "register_run_end_hook": "._eventloop",
    "register_handoff_check": "._taskinfo",
}

__all__ = [
    "BACKENDS",
    "Backend",
    "FDWatch",
    "IOBackend",
    "LazyExports",
    "Probe",
    "RunnerBackend",
    "SignalBackend",
    "SyncBackend",
    "TaskBackend",
    "TimeBackend",
    "TokenBackend",
    "clock_busy",
    "current_backend",
    "get_backend",
    "register_backend",
    "register_handoff_check",
    "register_run_end_hook",
    "threadlocals",
    "unregister_backend",
]


def __getattr__(name: str) -> Any:
    """Load a name of `_ON_FIRST_USE` on first use (this module's attribute hook)."""
    module = _ON_FIRST_USE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(module, __package__), name)
    globals()[name] = value
    return value

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
  registry, for backend authors (see ``docs/add-a-backend.md``).
"""

from __future__ import annotations

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

__all__ = [
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
]

"""The backend protocol: the one contract between anyio's API and an event loop.

Everything outside ``anyio._backends`` talks to the running event loop only
through the protocols below. They are split by concern so that a reader (and
a type checker) can see which capability each public function needs:

* `TaskBackend`: cancel scopes, task groups, checkpoints, task introspection;
* `TimeBackend`: the clock and sleeping (every read of "now" goes through it,
  so that a virtual clock can be plugged in later);
* `SyncBackend`: parking and waking a task, which the synchronization
  primitives (one implementation for every backend) build on;
* `TokenBackend`: a thread-safe handle on the running loop, used to hand
  callbacks over from other threads;
* `IOBackend`: waiting for file descriptors to become readable or writable
  (what sockets and pipes build on);
* `SignalBackend`: receiving operating-system signals;
* `RunnerBackend`: starting a loop (`anyio.run`) and the pytest test runner.

`Backend` composes them. Each backend module defines one class that
implements `Backend` and is checked against it by mypy.

Finding the current backend
---------------------------
`current_backend()` is on every hot path (each `sleep`, checkpoint, scope), so
it must be cheap and it must also work when anyio did not start the loop (a
library called from a plain ``asyncio.run()`` or ``trio.run()``). A context
variable set by `anyio.run` would be cheap but wrong in a worker thread that
copied the caller's context and then started an event loop of another kind.
So we ask the loops themselves: each backend module, when imported, registers
a *probe* with `register_backend()`, a cheap callable that returns the backend
if its loop runs in this thread (how it knows is the backend's business; see
its ``_detect``/``__init__`` module). A library that was never imported cannot
be running, and one that is imported but whose backend module is not yet gets
it imported on the slow path. This module names no backend: adding one is a
new ``anyio._backends._<name>`` package and one `BACKENDS` line.

A probe is a Python call, and a frame costs more than the rest of the check,
so a loop that anyio's own runner drives (`anyio.run()`, the pytest runner)
is answered before any probe is called: the runner records its backend in a
thread-local while the loop runs (`record_running_backend()`). Only the probes
of backends that nest inside another loop (Trio's guest mode) come before that
record.
"""

from __future__ import annotations

import importlib
import sys
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from ._exceptions import NoEventLoopError

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Awaitable, Coroutine, Mapping
    from contextlib import AbstractContextManager
    from contextvars import Context

    from ..abc._tasks import TaskGroup
    from ..abc._testing import TestRunner
    from ._io import FileDescriptorLike
    from ._taskinfo import TaskInfo
    from ._tasks import CancelScope

T = TypeVar("T")

#: Known backend names, in the order `get_all_backends()` lists them, with the
#: module that implements each and how to install its library. A name is also
#: the import name of the backend's loop library (see `current_backend()`).
BACKENDS: dict[str, tuple[str, str]] = {
    "asyncio": ("anyio._backends._asyncio", "asyncio (standard library)"),
    "trio": ("anyio._backends._trio", "pip install 'anyio-core[trio]'"),
}


class TaskBackend(Protocol):
    """Tasks, cancel scopes and checkpoints."""

    @property
    def cancel_scope_class(self) -> type[CancelScope]:
        """The backend's subclass of `anyio.CancelScope`.

        It must define ``__new__`` as ``return object.__new__(cls)`` (the public
        class's ``__new__`` makes the running backend's class), and implement
        every property of the public class, ``timed_out`` included (what
        `fail_after()` asks).
        """
        ...

    def cancelled_exception_class(self) -> type[BaseException]: ...

    def make_cancelled(self) -> BaseException:
        """Create an instance of the cancellation exception (for worker threads)."""
        ...

    def create_task_group(self) -> TaskGroup: ...

    def current_effective_deadline(self) -> float: ...

    def checkpoint(self) -> Awaitable[None]: ...

    def checkpoint_if_cancelled(self) -> Awaitable[None]: ...

    def cancel_shielded_checkpoint(self) -> Awaitable[None]: ...

    def current_native_task(self) -> object:
        """Return the running task object of the loop library (hashable)."""
        ...

    def get_current_task(self) -> TaskInfo: ...

    def get_running_tasks(self) -> list[TaskInfo]: ...

    def wait_all_tasks_blocked(self) -> Awaitable[None]: ...


class TimeBackend(Protocol):
    """The clock; the only place that reads "now" or arms a timer."""

    def current_time(self) -> float: ...

    def sleep(self, delay: float) -> Awaitable[None]: ...

    def sleep_forever(self) -> Awaitable[None]: ...


class SyncBackend(Protocol):
    """Parking and waking tasks: what the synchronization primitives build on.

    A *waiter* is an opaque object made by `create_waiter()` for the current
    task. `wait()` parks the task until someone calls `wake()` on the waiter
    (it then returns the value given to `wake()`), or until the task is
    cancelled (it then raises the cancellation exception). A waiter is woken
    at most once.
    """

    def create_waiter(self) -> Any: ...

    def wait(self, waiter: Any) -> Awaitable[Any]: ...

    def wake(self, waiter: Any, value: object = None) -> bool:
        """Hand ``value`` to the parked task.

        Returns:
            False if the waiter was already woken or abandoned.
        """
        ...

    def wake_threadsafe(self, waiter: Any, value: object = None) -> object:
        """Wake ``waiter`` from any thread (callers ignore what it returns).

        `wake()` must be called in the waiter's own loop thread. This one may be
        called from anywhere: in the waiter's loop thread it is `wake()`; from
        elsewhere (another event loop's thread, a plain thread) it goes through
        the loop's token, and the wake-up happens a little later in the
        waiter's loop, unless the waiter was abandoned meanwhile, and nothing
        happens if that loop has finished. Telling the two apart is the
        backend's business, and should cost no more than a thread-local read.
        """
        ...

    def abandon(self, waiter: Any) -> bool:
        """Withdraw a waiter whose `wait()` raised (call it in the ``except``).

        Returns:
            True if the waiter is now dead; False if it had been woken first,
            so that the caller owns what `wake()` handed to it and must pass
            it on.
        """
        ...

    def woken_value(self, waiter: Any) -> object:
        """Return the value that `wake()` gave to a woken waiter.

        For the caller of `abandon()` that got False: its `wait()` raised, so
        this is how it learns what it was handed.
        """
        ...


class TokenBackend(Protocol):
    """A thread-safe handle on the running loop."""

    def current_native_token(self) -> object: ...

    def run_sync_soon(
        self, native_token: object, func: Callable[..., object], *args: object
    ) -> None:
        """Schedule ``func(*args)`` on the token's loop; callable from any thread.

        Raises:
            RunFinishedError: if that loop has finished.
        """
        ...

    def run_vars(self) -> dict[object, Any]:
        """Return the storage of `anyio.lowlevel.RunVar` values of the running loop."""
        ...

    def spawn_system_task(
        self,
        func: Callable[..., Coroutine[Any, Any, Any]],
        *args: object,
        context: Context | None = None,
    ) -> None:
        """Start ``func(*args)`` as a task that belongs to no task group.

        It runs in ``context`` (default: a copy of the caller's context).

        Callable from a callback scheduled with `run_sync_soon` (outside any
        task). ``func`` must not raise: it is meant for wrappers that deliver
        their outcome elsewhere (a portal, a thread waiting for a result).
        """
        ...

    def cancelled_outside(self, scope: CancelScope) -> bool:
        """Tell whether code just outside the active ``scope`` is cancelled.

        Lets a worker thread learn whether the task waiting for it, inside a
        shielded scope, has been cancelled (`anyio.from_thread.check_cancelled`).
        Safe to call from any thread (it only reads).
        """
        ...


class IOBackend(Protocol):
    """File-descriptor readiness: what sockets, pipes and processes build on.

    ``obj`` is a file descriptor or an object with a ``fileno()`` method. At
    most one task waits per descriptor and direction (a second one gets
    `BusyResourceError`); each wait is a checkpoint; a cancelled wait leaves
    nothing registered with the loop. On loops that cannot observe readiness
    (Windows' ``ProactorEventLoop``) the waits raise `NotImplementedError`.
    """

    def wait_readable(self, obj: FileDescriptorLike) -> Awaitable[None]: ...

    def wait_writable(self, obj: FileDescriptorLike) -> Awaitable[None]: ...

    def notify_closing(self, obj: FileDescriptorLike) -> None:
        """Wake the tasks waiting on ``obj`` with `ClosedResourceError` (call before closing)."""
        ...

    def watch_fd(self, obj: FileDescriptorLike) -> FDWatch:
        """Return a readiness watch for ``obj``, owned by the caller until its ``close()``.

        For objects that wait on one descriptor again and again (anyio-net's
        sockets): a backend may keep its registration with the loop between
        waits. The owner must call ``close()`` before closing the descriptor;
        a backend also drops the registration once ``obj`` is garbage-collected
        or another watch is opened for the same descriptor number.
        """
        ...


class FDWatch(Protocol):
    """One owner's readiness watch on one file descriptor (`IOBackend.watch_fd`).

    The waits follow `IOBackend`'s rules (one task per direction, each a
    checkpoint, a cancelled wait leaves nothing registered).
    """

    def wait_readable(self) -> Awaitable[None]: ...

    def wait_writable(self) -> Awaitable[None]: ...

    def close(self) -> None:
        """Wake the waiters with `ClosedResourceError`; drop every registration."""
        ...


class SignalBackend(Protocol):
    """Receiving operating-system signals (`anyio.open_signal_receiver`)."""

    def open_signal_receiver(self, *signals: int) -> AbstractContextManager[AsyncIterator[int]]:
        """Return a context manager that receives ``signals`` while entered.

        It yields an async iterator of signal numbers. Pending signals form an
        ordered set of kinds (a burst loses no kind); on exit the previous
        handlers come back. The caller has checked that it runs in the main
        thread and that ``signals`` is not empty.
        """
        ...


class RunnerBackend(Protocol):
    """Running an event loop."""

    name: str

    def check_options(self, options: Mapping[str, Any]) -> None:
        """Raise `TypeError` naming the first option this backend does not know."""
        ...

    def run(
        self,
        func: Callable[..., Coroutine[Any, Any, T]],
        args: tuple[Any, ...],
        options: Mapping[str, Any],
    ) -> T: ...

    def create_test_runner(self, options: Mapping[str, Any]) -> TestRunner: ...


class Backend(
    TaskBackend,
    TimeBackend,
    SyncBackend,
    TokenBackend,
    IOBackend,
    SignalBackend,
    RunnerBackend,
    Protocol,
):
    """Everything a backend provides; see the module docstring."""


#: A backend's probe: returns the backend if its loop runs in this thread, else None.
Probe = Callable[[], "Backend | None"]

#: Backend implementations imported so far, by name.
_loaded: dict[str, Backend] = {}
#: The probes of the loaded backends, in the order `current_backend()` asks them.
_probes: tuple[Probe, ...] = ()
#: The probes of the backends that nest, asked before the runner record: the
#: first one called directly (None if there is none: one identity test on the
#: hot path), the others (None if there are none) in a loop; then the others.
_nesting_probe: Probe | None = None
_more_nesting_probes: tuple[Probe, ...] | None = None
_other_probes: tuple[Probe, ...] = ()

#: Its "backend" item, if any, is the backend whose loop one of anyio's runners
#: drives in this thread right now (`record_running_backend()`). A plain
#: ``threading.local`` read through its ``__dict__``: a subclass with a class
#: default costs a type lookup more on each read, and a missing attribute an
#: exception.
_runner_record = threading.local()


def record_running_backend(backend: Backend | None) -> Backend | None:
    """Record that anyio's runner drives ``backend``'s loop in this thread now.

    For a backend's runner, wrapped tightly around the call that runs its loop:
    record the backend (the object `current_backend()` should return) just
    before, and restore the record this returns just after, so the record never
    outlives the running loop. While it is set, `current_backend()` answers from
    it with one thread-local read, without asking the probes of the backends
    that do not nest (the probes stay right for loops that anyio did not
    start). The record belongs to this thread only, so it is right in a worker
    thread that copied the caller's context (where a context variable would
    not be).

    Returns:
        The record it replaces (None unless runs are nested in this thread).
    """
    record = _runner_record.__dict__
    previous: Backend | None = record.get("backend")
    record["backend"] = backend
    return previous


def register_backend(name: str, backend: Backend, probe: Probe, *, nests: bool = False) -> None:
    """Record a backend implementation and its probe (called once by each backend module).

    Args:
        name: the backend's name, a key of `BACKENDS`.
        backend: the implementation, returned by `get_backend()`.
        probe: a cheap callable (no system call, no allocation on the hit path)
            that returns the backend to use if this backend's loop runs in the
            calling thread, else None. It may return a different object than
            ``backend`` (one bound to the running loop).
        nests: True if this backend's loop can run inside another backend's
            loop in the same thread (Trio's guest mode): its probe is then asked
            before the others, and before the record of a running runner.
    """
    _loaded[name] = backend
    _set_probes((probe, *_probes) if nests else (*_probes, probe), probe if nests else None)


def unregister_backend(name: str, probe: Probe) -> None:
    """Undo `register_backend()` (for test-only backends)."""
    _loaded.pop(name, None)
    _set_probes(tuple(known for known in _probes if known is not probe), None)


#: Which of the registered probes nest (see `register_backend()`).
_nesting: set[Probe] = set()


def _set_probes(probes: tuple[Probe, ...], nesting: Probe | None) -> None:
    global _probes, _nesting_probe, _more_nesting_probes, _other_probes
    if nesting is not None:
        _nesting.add(nesting)
    _probes = probes
    nesting_probes = [probe for probe in probes if probe in _nesting]
    # Written in the order a reader in another thread reads them: at worst it
    # asks a probe twice, never skips one.
    _other_probes = tuple(probe for probe in probes if probe not in _nesting)
    _more_nesting_probes = tuple(nesting_probes[1:]) or None
    _nesting_probe = nesting_probes[0] if nesting_probes else None


def current_backend() -> Backend:
    """Return the backend of the event loop running in this thread.

    The probes of backends that nest come first (a Trio guest run inside
    another loop), then the record of a loop that anyio's own runner drives
    here (`record_running_backend()`: the hot path, one thread-local read),
    then the other probes, in turn (see `register_backend()`). A backend whose
    loop library is imported but whose backend module is not yet (a plain
    ``asyncio.run()`` in a program that never called ``anyio.run()``) is
    imported on this slow path, then asked too.

    Raises:
        NoEventLoopError: if no event loop known to anyio runs in this thread.
    """
    if _nesting_probe is not None:
        backend = _nesting_probe()
        if backend is not None:
            return backend
        if _more_nesting_probes is not None:
            for probe in _more_nesting_probes:
                backend = probe()
                if backend is not None:
                    return backend
    backend = _runner_record.__dict__.get("backend")
    if backend is not None:
        return backend  # type: ignore[no-any-return]  # only Backend objects are recorded
    for probe in _other_probes:
        backend = probe()
        if backend is not None:
            return backend
    if _import_running_backends():
        return current_backend()
    raise NoEventLoopError(
        "This function needs a running event loop; call it from a task started "
        "with anyio.run() (or asyncio.run()/trio.run()), or pass a token from "
        "anyio.lowlevel.current_token() when calling from another thread"
    )


def _import_running_backends() -> bool:
    """Import the backend of any loop library that is loaded but not registered.

    A backend's name is the import name of its loop library (`BACKENDS`).
    """
    imported = False
    for name in BACKENDS:
        if name in sys.modules and name not in _loaded:
            try:
                get_backend(name)
            except ImportError:  # pragma: no cover - library importable but broken
                continue
            imported = True
    return imported


class BackendNotInstalledError(ModuleNotFoundError, LookupError):
    """A known backend whose event loop library is not installed.

    Both a `LookupError` (what AnyIO raises for a backend it cannot run, and what
    callers catch) and a `ModuleNotFoundError` (the library is what is missing).
    """


def get_backend(name: str) -> Backend:
    """Return the backend called ``name``, importing it on first use.

    Raises:
        LookupError: for a name that is not a known backend.
        BackendNotInstalledError: (a `LookupError` and a `ModuleNotFoundError`) for a
            known backend whose library is missing.
    """
    try:
        return _loaded[name]
    except KeyError:
        pass
    try:
        module_name, install = BACKENDS[name]
    except (KeyError, TypeError):
        known = ", ".join(BACKENDS)
        raise LookupError(f"No such backend: {name}; the known backends are: {known}") from None
    try:
        importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name != name:
            raise
        raise BackendNotInstalledError(
            f"The {name!r} backend needs the {name!r} package, which is not installed; "
            f"install it with: pip install anyio[{name}] (or {install})",
            name=name,
        ) from exc
    return _loaded[name]

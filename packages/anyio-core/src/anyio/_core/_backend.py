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
So we ask the loops themselves: Trio through its thread-local run context,
asyncio through the running loop (see "The fast paths" below). Each backend
module, when imported, installs its check with `register_fast_path()`; a
library that was never imported cannot be running, and one that is imported
but whose backend module is not yet gets it imported on the slow path.
"""

from __future__ import annotations

import importlib
import sys
import threading
from sys import get_asyncgen_hooks as _asyncgen_hooks
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from ._exceptions import NoEventLoopError

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Mapping
    from contextlib import AbstractContextManager
    from contextvars import Context

    from ..abc._tasks import TaskGroup
    from ..abc._testing import TestRunner
    from ._io import FileDescriptorLike
    from ._taskinfo import TaskInfo
    from ._tasks import CancelScope

T = TypeVar("T")

#: Known backend names, in the order `get_all_backends()` lists them, with the
#: module that implements each and the distribution extra that installs it.
BACKENDS: dict[str, tuple[str, str]] = {
    "asyncio": ("anyio._backends._asyncio", "asyncio (standard library)"),
    "trio": ("anyio._backends._trio", "pip install 'anyio-core[trio]'"),
}


class TaskBackend(Protocol):
    """Tasks, cancel scopes and checkpoints."""

    @property
    def cancel_scope_class(self) -> type[CancelScope]: ...

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

    def wake_threadsafe(self, waiter: Any, value: object = None) -> None:
        """Wake ``waiter`` from any thread, through its loop's token.

        `wake()` must be called in the waiter's own loop thread. This one may be
        called from anywhere (another event loop's thread, a plain thread); the
        wake-up then happens a little later in the waiter's loop, unless the
        waiter was abandoned meanwhile, and nothing happens if that loop has
        finished.
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


#: Backend implementations imported so far, by name.
_loaded: dict[str, Backend] = {}


# The fast paths of current_backend()
# --------------------------------------
# Trio keeps its run in a thread-local object that has a ``runner`` attribute
# exactly while a run is active in this thread: one ``hasattr``.
#
# asyncio's own answer, ``_get_running_loop()``, makes a getpid() system call
# on Python < 3.12. But a running asyncio loop (uvloop too) installs its bound
# method as this thread's async generator ``firstiter`` hook, and removes it
# when it stops; so the hook's owner *is* the running loop. We accept an owner
# whose type was confirmed once as the running loop's type; anything else
# (no loop, custom hooks) takes the slow path, which asks asyncio itself.
#
# Fastest of all: while anyio's own runner drives an asyncio loop in this
# thread (`anyio.run()`, the pytest runner), it records the loop's bound
# backend in a thread-local for exactly as long as the loop runs
# (`running_here()`). No other asyncio loop can run in this thread meanwhile
# (asyncio refuses to nest loops), so the record is right whenever it is set;
# Trio is still asked first, since a Trio run (guest or nested) may start
# inside it. Everything else takes the paths above.
_trio_run_context: object | None = None  # Trio's run context, once its backend is loaded
_trio_backend: Backend | None = None


class _RunningHere(threading.local):
    #: The backend of the loop that anyio's runner drives in this thread now.
    backend: Backend | None = None
    #: That loop, if it is an asyncio loop.
    asyncio_loop: object = None


_running_here = _RunningHere()


class running_here:  # a context manager, named like a function
    """Record the asyncio ``loop`` as running in this thread inside ``with``.

    Only for code that runs the loop itself, wrapped tightly around the call
    that runs it, so that the record never outlives the running loop.
    """

    __slots__ = ("_loop", "_previous")

    def __init__(self, loop: object) -> None:
        self._loop = loop
        self._previous: tuple[Backend | None, object] = (None, None)

    def __enter__(self) -> None:
        here = _running_here
        self._previous = (here.backend, here.asyncio_loop)
        here.backend = bind_asyncio_loop(self._loop)
        here.asyncio_loop = self._loop

    def __exit__(self, *exc_info: object) -> None:
        _running_here.backend, _running_here.asyncio_loop = self._previous


def _no_loop() -> object:
    return None


_asyncio_running: Callable[[], object] = _no_loop
_asyncio_backend: Backend | None = None
#: Makes the asyncio backend object bound to a loop (set by the asyncio backend).
_asyncio_bind: Callable[[object], Backend]
#: The last loop seen by current_backend() and its bound backend.
_asyncio_last: tuple[object, Backend] = (object(), None)  # type: ignore[assignment]
#: Since 3.12 asyncio's running-loop lookup is a cheap C call (no getpid()).
_CHEAP_RUNNING_LOOP = sys.version_info >= (3, 12)
#: Types of asyncio loops seen running: their instances are recognised by the hook.
asyncio_loop_types: set[type] = set()


def register_backend(name: str, backend: Backend) -> None:
    """Record a backend implementation (called once by each backend module)."""
    _loaded[name] = backend


def register_asyncio_binder(bind: Callable[[object], Backend]) -> None:
    """Set how `current_backend()` gets the asyncio backend bound to a loop."""
    global _asyncio_bind
    _asyncio_bind = bind


def register_fast_path(name: str, running: object, backend: Backend) -> None:
    """Let `current_backend()` recognise a backend's loop cheaply.

    Args:
        name: ``"asyncio"`` or ``"trio"``.
        running: for asyncio, the function returning the running loop (or
            None); for Trio, its thread-local run context object.
        backend: the backend to return.
    """
    global _asyncio_running, _asyncio_backend, _trio_run_context, _trio_backend
    if name == "asyncio":
        _asyncio_backend, _asyncio_running = backend, running  # type: ignore[assignment]
    else:
        _trio_backend, _trio_run_context = backend, running


def running_asyncio_loop() -> Any:
    """Return the running asyncio loop if a cheap check shows it, else None.

    The record of `running_here()` first, then the async generator hook; None
    means "ask asyncio" (no loop, or one these checks do not recognise).
    """
    loop = _running_here.asyncio_loop
    if loop is not None:
        return loop
    owner = getattr(_asyncgen_hooks().firstiter, "__self__", None)
    return owner if type(owner) in asyncio_loop_types else None


def current_backend() -> Backend:
    """Return the backend of the event loop running in this thread.

    On asyncio this is a backend object bound to the running loop (made once
    per loop), so that its methods need not look the loop up again.

    Raises:
        NoEventLoopError: if no event loop known to anyio runs in this thread.
    """
    if _trio_run_context is not None and hasattr(_trio_run_context, "runner"):
        return _trio_backend  # type: ignore[return-value]  # set together
    backend = _running_here.backend
    if backend is not None:
        return backend
    last = _asyncio_last  # one read: the pair stays consistent across threads
    if _CHEAP_RUNNING_LOOP:
        owner = _asyncio_running()
        if owner is not None and last[0] is owner:
            return last[1]
    else:
        owner = getattr(_asyncgen_hooks().firstiter, "__self__", None)
        if last[0] is owner:
            return last[1]
    if type(owner) in asyncio_loop_types:
        return bind_asyncio_loop(owner)
    loop = _asyncio_running()
    if loop is not None:
        if owner is loop:
            asyncio_loop_types.add(type(loop))
            return bind_asyncio_loop(loop)
        return _asyncio_backend  # type: ignore[return-value]  # set together
    # A backend module may be importable but not yet imported while its loop
    # runs (a plain asyncio.run() in a program that never called anyio.run()).
    if _import_running_backends():
        return current_backend()
    raise NoEventLoopError(
        "This function needs a running event loop; call it from a task started "
        "with anyio.run() (or asyncio.run()/trio.run()), or pass a token from "
        "anyio.lowlevel.current_token() when calling from another thread"
    )


def bind_asyncio_loop(loop: object) -> Backend:
    """Return the asyncio backend bound to ``loop`` (and remember the pair)."""
    global _asyncio_last
    backend = _asyncio_bind(loop)
    _asyncio_last = (loop, backend)
    # Any real loop type: when its bound method is the hook, that loop runs.
    asyncio_loop_types.add(type(loop))
    return backend


def _import_running_backends() -> bool:
    """Import the backend of any loop library that is loaded but not registered."""
    imported = False
    for name in ("asyncio", "trio"):
        if name in sys.modules and name not in _loaded:
            try:
                get_backend(name)
            except ImportError:  # pragma: no cover - trio importable but broken
                continue
            imported = True
    return imported


def get_backend(name: str) -> Backend:
    """Return the backend called ``name``, importing it on first use.

    Raises:
        LookupError: for a name that is not a known backend.
        ModuleNotFoundError: for a known backend whose library is missing.
    """
    try:
        return _loaded[name]
    except KeyError:
        pass
    try:
        module_name, install = BACKENDS[name]
    except (KeyError, TypeError):
        known = ", ".join(repr(known) for known in BACKENDS)
        raise LookupError(f"No such backend: {name!r}; the known backends are {known}") from None
    try:
        importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name != name:
            raise
        raise ModuleNotFoundError(
            f"The {name!r} backend needs the {name!r} package, which is not "
            f"installed; install it with: {install}",
            name=name,
        ) from exc
    return _loaded[name]

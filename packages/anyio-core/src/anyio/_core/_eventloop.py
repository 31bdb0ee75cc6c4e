"""Running an event loop, the clock, sleeping and backend discovery."""

from __future__ import annotations

import functools
import importlib.util
import inspect
import sys
import threading
from contextlib import suppress
from typing import TYPE_CHECKING, Any, TypeVar

from ._backend import BACKENDS, current_backend, get_backend
from ._exceptions import NoEventLoopError
from ._treesignal import dump_signal_from_env

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Coroutine

if sys.version_info >= (3, 11):
    from typing import TypeVarTuple, Unpack
else:
    from typing_extensions import TypeVarTuple, Unpack

T_Retval = TypeVar("T_Retval")
PosArgsT = TypeVarTuple("PosArgsT")

#: Per-thread state under AnyIO 4.13's name and place. Worker threads of
#: `anyio.to_thread` set ``current_token`` (an `EventLoopToken` of the loop that
#: started them); third-party code such as asyncer reads it to tell whether it
#: runs in a worker thread. anyio itself keeps its own records elsewhere.
threadlocals = threading.local()

#: What other distributions asked to run when an event loop run has ended
#: (`register_run_end_hook()`).
_run_end_hooks: list[Callable[[], object]] = []


def register_run_end_hook(hook: Callable[[], object]) -> None:
    """Call ``hook()`` in the thread of every loop run, once the run has ended.

    For cleanup that must not block a running loop but should be done before
    `anyio.run()` returns (or a test runner closes): the worker-thread pool
    waits there for the idle workers that the run's end told to leave, so that
    none outlives the run. ``hook`` must return soon, must not raise, and must
    act only on what the finished run of the calling thread left behind. A
    hook registered twice is called once.
    """
    if hook not in _run_end_hooks:
        _run_end_hooks.append(hook)


def run_ended() -> None:
    """Call the run-end hooks: the caller's event loop run has just ended (see above)."""
    for hook in _run_end_hooks:
        hook()


def run(
    func: Callable[[Unpack[PosArgsT]], Awaitable[T_Retval]],
    *args: Unpack[PosArgsT],
    backend: str = "asyncio",
    backend_options: dict[str, Any] | None = None,
) -> T_Retval:
    """Run ``func(*args)`` in a new event loop of the chosen backend and return its result.

    Args:
        func: the async function to run.
        *args: positional arguments for it.
        backend: ``"asyncio"`` (default) or ``"trio"``.
        backend_options: keyword options for the backend. asyncio takes
            ``debug``, ``loop_factory`` and ``use_uvloop``; trio takes the
            keyword arguments of ``trio.run()`` (``clock``, ``instruments``,
            ``restrict_keyboard_interrupt_to_checkpoints``, ...).

    Returns:
        What ``func`` returned.

    Raises:
        LookupError: for an unknown backend name.
        ModuleNotFoundError: if the backend's library is not installed (the
            message says how to install it).
        TypeError: for an option the backend does not accept.
        RuntimeError: if an event loop is already running in this thread.
    """
    implementation = get_backend(backend)
    options = dict(backend_options) if backend_options else {}
    implementation.check_options(options)
    try:
        running = current_backend()
    except NoEventLoopError:
        pass
    else:
        raise RuntimeError(
            f"Already running {running.name} in this thread; anyio.run() starts a "
            "new event loop, so call the function directly (await it) instead"
        )
    preload()
    if not inspect.iscoroutinefunction(func):
        func = _awaiting(func)  # a callable returning some other awaitable (anyio#1171)
    with dump_signal_from_env():  # ANYIO_TASK_TREE_SIGNAL: print the task tree on a signal
        try:
            return implementation.run(func, args, options)
        finally:
            run_ended()


def _awaiting(
    func: Callable[[Unpack[PosArgsT]], Awaitable[T_Retval]],
) -> Callable[[Unpack[PosArgsT]], Coroutine[Any, Any, T_Retval]]:
    """Wrap ``func`` in an async function that awaits what it returns (any awaitable).

    Trio (and asyncio's ``Runner``) run coroutines only; the wrapper keeps the name
    of ``func`` for the main task.
    """

    async def main(*args: Unpack[PosArgsT]) -> T_Retval:
        return await func(*args)

    with suppress(AttributeError, TypeError):
        functools.update_wrapper(main, func)
    return main


# First use without a stall
# -------------------------
# ``import anyio`` imports almost nothing: each public name is imported on
# first use. Inside a running loop that first use would stall every task for
# the length of the import (milliseconds; a tenth of a second under
# tracemalloc, which asyncio's debug mode then reports as a slow callback).
# So `run()` imports, once per process and before the loop starts, what a
# running program almost surely reaches for: the synchronization primitives,
# memory streams, worker threads and file I/O of whichever distributions are
# installed. Networking and processes are left to their first use: they are
# heavier (ssl, subprocess) and a program that uses them opens its first
# connection or process at its start anyway.
PRELOADED_MODULES = (
    "anyio._core._sync._event",
    "anyio._core._sync._lock",
    "anyio._core._sync._semaphore",
    "anyio._core._sync._condition",
    "anyio._core._sync._limiter",
    "anyio._core._sync._guard",
    "anyio.lowlevel",
    "anyio.streams.memory",  # anyio-streams
    "anyio.to_thread",  # anyio-threads
    "anyio.from_thread",
    "anyio._path",  # anyio-path
)
_preloaded = False


def preload() -> None:
    """Import `PRELOADED_MODULES` (once per process; missing distributions skipped)."""
    global _preloaded
    if _preloaded:
        return
    _preloaded = True
    for name in PRELOADED_MODULES:
        # An import that fails here fails again, with its full story, at the
        # first real use; a program that never gets there must not break.
        with suppress(ImportError):
            importlib.import_module(name)


def get_all_backends() -> tuple[str, ...]:
    """Return the names of every backend anyio knows, installed or not."""
    return tuple(BACKENDS)


def get_available_backends() -> tuple[str, ...]:
    """Return the names of the backends whose libraries are installed."""
    return tuple(name for name in BACKENDS if _importable(name))


def _importable(name: str) -> bool:
    if name in sys.modules:
        return sys.modules[name] is not None  # None: imports are blocked
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def get_cancelled_exc_class() -> type[BaseException]:
    """Return the exception class the current backend uses for cancellation.

    Catch it only to clean up, and always re-raise it.
    """
    return current_backend().cancelled_exception_class()


def current_time() -> float:
    """Return the current value of the event loop's clock (seconds, monotonic)."""
    return current_backend().current_time()


async def sleep(delay: float) -> None:
    """Pause the current task for ``delay`` seconds.

    Args:
        delay: seconds to sleep; ``0`` just yields to other tasks.

    Raises:
        ValueError: if ``delay`` is negative (``-math.inf`` too) or NaN, on every
            backend (AnyIO 4.14+, anyio#1306).
    """
    if not delay >= 0:  # also refuses NaN, which compares false to everything
        raise ValueError(
            f"delay must be a non-negative number, got {delay!r}; to wait until a point "
            "in time use sleep_until()"
        )
    await current_backend().sleep(delay)


async def sleep_forever() -> None:
    """Pause the current task until it is cancelled."""
    await current_backend().sleep_forever()


async def sleep_until(deadline: float) -> None:
    """Pause the current task until `current_time()` reaches ``deadline``.

    Args:
        deadline: a value of the event loop clock; a past one returns after one
            checkpoint.
    """
    backend = current_backend()
    await backend.sleep(max(deadline - backend.current_time(), 0))

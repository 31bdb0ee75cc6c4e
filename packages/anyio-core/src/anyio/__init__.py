"""anyio: structured concurrency that runs unchanged on asyncio or Trio.

This package is split over several distributions (``anyio-core``,
``anyio-streams``, ``anyio-threads``, ``anyio-path``, ``anyio-testing``; the
``anyio`` distribution installs them all). `_PUBLIC_NAMES` below lists every
public name of AnyIO 4.13 with the module and the distribution that provide
it. Names are imported on first use, so ``import anyio`` stays cheap and
imports neither asyncio nor Trio; a name whose distribution is not installed
raises `MissingDistributionError`, which says what to install.
"""

from __future__ import annotations

import pkgutil as _pkgutil
from contextlib import suppress as _suppress
from importlib import import_module as _import_module
from typing import TYPE_CHECKING, Any

__path__ = _pkgutil.extend_path(__path__, __name__)

_CORE = "anyio-core"
_STREAMS = "anyio-streams"
_THREADS = "anyio-threads"
_PATH = "anyio-path"
_NET = "anyio-net"
_PROCESS = "anyio-process"

# name -> (module, attribute or None for the module itself, distribution)
_PUBLIC_NAMES: dict[str, tuple[str, str | None, str]] = {}


def _add(module: str, dist: str, names: str) -> None:
    for name in names.split():
        _PUBLIC_NAMES[name] = (module, name, dist)


_add(
    "anyio._core._exceptions",
    _CORE,
    "BrokenResourceError BrokenWorkerInterpreter BrokenWorkerProcess "
    "BusyResourceError ClosedResourceError ConnectionFailed DelimiterNotFound "
    "EndOfStream IncompleteRead NoEventLoopError RunFinishedError "
    "TypedAttributeLookupError WouldBlock",
)
_add(
    "anyio._core._eventloop",
    _CORE,
    "run get_all_backends get_available_backends get_cancelled_exc_class "
    "current_time sleep sleep_forever sleep_until",
)
_add(
    "anyio._core._tasks",
    _CORE,
    "CancelScope move_on_after fail_after current_effective_deadline "
    "create_task_group TASK_STATUS_IGNORED",
)
_add(
    "anyio._core._taskinfo",
    _CORE,
    "TaskInfo get_current_task get_running_tasks wait_all_tasks_blocked",
)
_add(
    "anyio._core._sync._statistics",
    _CORE,
    "EventStatistics LockStatistics SemaphoreStatistics ConditionStatistics "
    "CapacityLimiterStatistics",
)
_add("anyio._core._sync._event", _CORE, "Event")
_add("anyio._core._sync._lock", _CORE, "Lock")
_add("anyio._core._sync._semaphore", _CORE, "Semaphore")
_add("anyio._core._sync._condition", _CORE, "Condition")
_add("anyio._core._sync._limiter", _CORE, "CapacityLimiter")
_add("anyio._core._sync._guard", _CORE, "ResourceGuard")
_add(
    "anyio._core._typedattr",
    _CORE,
    "typed_attribute TypedAttributeSet TypedAttributeProvider",
)
_add("anyio._core._resources", _CORE, "aclose_forcefully")
_add("anyio._core._contextmanagers", _CORE, "AsyncContextManagerMixin ContextManagerMixin")
_add("anyio.streams.memory", _STREAMS, "create_memory_object_stream")
_add(
    "anyio._path",
    _PATH,
    "Path AsyncFile open_file wrap_file TemporaryFile NamedTemporaryFile "
    "SpooledTemporaryFile TemporaryDirectory mkstemp mkdtemp gettempdir gettempdirb",
)
_add(
    "anyio._net",
    _NET,
    "TCPConnectable UNIXConnectable as_connectable connect_tcp connect_unix "
    "create_connected_udp_socket create_connected_unix_datagram_socket "
    "create_tcp_listener create_udp_socket create_unix_datagram_socket "
    "create_unix_listener getaddrinfo getnameinfo",
)
_add(
    "anyio._core._io",
    _CORE,
    "wait_readable wait_writable wait_socket_readable wait_socket_writable notify_closing",
)
_add("anyio._core._signals", _CORE, "open_signal_receiver")
_add("anyio._process", _PROCESS, "open_process run_process")
for _module, _dist in (
    ("abc", _CORE),
    ("lowlevel", _CORE),
    ("streams", _STREAMS),
    ("to_thread", _THREADS),
    ("from_thread", _THREADS),
    ("to_interpreter", _THREADS),
    ("to_process", _PROCESS),
    ("pytest_plugin", "anyio-testing"),
):
    _PUBLIC_NAMES[_module] = (f"anyio.{_module}", None, _dist)
_PROVIDED_BY_DISTRIBUTION = {_CORE, _STREAMS, _THREADS, _PATH, _NET, _PROCESS, "anyio-testing"}


class MissingDistributionError(ModuleNotFoundError):
    """Raised for a public name whose anyio distribution is not installed."""


def _missing(name: str, module: str, dist: str) -> MissingDistributionError:
    if dist in _PROVIDED_BY_DISTRIBUTION:
        message = (
            f"anyio.{name} is provided by the {dist!r} distribution, which is not "
            f"installed; install it with: pip install {dist} (or pip install anyio "
            "for every part)"
        )
    else:
        message = (
            f"anyio.{name} belongs to AnyIO's {dist} API, which no anyio distribution provides yet"
        )
    return MissingDistributionError(message, name=module)


def _load(name: str) -> Any:
    module_name, attribute, dist = _PUBLIC_NAMES[name]
    try:
        module = _import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name is None or not module_name.startswith(exc.name):
            raise
        raise _missing(name, module_name, dist) from None
    value = module if attribute is None else getattr(module, attribute)
    if attribute is not None and getattr(value, "__module__", "").startswith("anyio._"):
        # Reprs and the API reference say anyio.X, not where X is implemented.
        with _suppress(AttributeError, TypeError):
            value.__module__ = __name__
    globals()[name] = value
    return value


if not TYPE_CHECKING:

    def __getattr__(name: str) -> Any:
        if name in _PUBLIC_NAMES:
            return _load(name)
        if name == "BrokenWorkerIntepreter":
            return _import_module("anyio._core._exceptions").resolve_deprecated_alias(
                name, stacklevel=2
            )
        raise AttributeError(f"module 'anyio' has no attribute {name!r}")


def _installed(name: str) -> bool:
    module_name, _attribute, dist = _PUBLIC_NAMES[name]
    if dist not in _PROVIDED_BY_DISTRIBUTION:
        return False
    try:
        from importlib.util import find_spec

        return find_spec(module_name) is not None
    except ModuleNotFoundError:
        return False


def __dir__() -> list[str]:
    return sorted(
        {name for name in globals() if not name.startswith("_")}
        | {name for name in _PUBLIC_NAMES if _installed(name)}
    )


if TYPE_CHECKING:
    from anyio import abc as abc
    from anyio import from_thread as from_thread
    from anyio import lowlevel as lowlevel
    from anyio import streams as streams
    from anyio import to_thread as to_thread
    from anyio._core._contextmanagers import (
        AsyncContextManagerMixin as AsyncContextManagerMixin,
    )
    from anyio._core._contextmanagers import ContextManagerMixin as ContextManagerMixin
    from anyio._core._eventloop import current_time as current_time
    from anyio._core._eventloop import get_all_backends as get_all_backends
    from anyio._core._eventloop import get_available_backends as get_available_backends
    from anyio._core._eventloop import get_cancelled_exc_class as get_cancelled_exc_class
    from anyio._core._eventloop import run as run
    from anyio._core._eventloop import sleep as sleep
    from anyio._core._eventloop import sleep_forever as sleep_forever
    from anyio._core._eventloop import sleep_until as sleep_until
    from anyio._core._exceptions import BrokenResourceError as BrokenResourceError
    from anyio._core._exceptions import BrokenWorkerInterpreter as BrokenWorkerInterpreter
    from anyio._core._exceptions import BrokenWorkerProcess as BrokenWorkerProcess
    from anyio._core._exceptions import BusyResourceError as BusyResourceError
    from anyio._core._exceptions import ClosedResourceError as ClosedResourceError
    from anyio._core._exceptions import ConnectionFailed as ConnectionFailed
    from anyio._core._exceptions import DelimiterNotFound as DelimiterNotFound
    from anyio._core._exceptions import EndOfStream as EndOfStream
    from anyio._core._exceptions import IncompleteRead as IncompleteRead
    from anyio._core._exceptions import NoEventLoopError as NoEventLoopError
    from anyio._core._exceptions import RunFinishedError as RunFinishedError
    from anyio._core._exceptions import (
        TypedAttributeLookupError as TypedAttributeLookupError,
    )
    from anyio._core._exceptions import WouldBlock as WouldBlock
    from anyio._core._io import notify_closing as notify_closing
    from anyio._core._io import wait_readable as wait_readable
    from anyio._core._io import wait_socket_readable as wait_socket_readable
    from anyio._core._io import wait_socket_writable as wait_socket_writable
    from anyio._core._io import wait_writable as wait_writable
    from anyio._core._resources import aclose_forcefully as aclose_forcefully
    from anyio._core._signals import open_signal_receiver as open_signal_receiver
    from anyio._core._sync._condition import Condition as Condition
    from anyio._core._sync._event import Event as Event
    from anyio._core._sync._guard import ResourceGuard as ResourceGuard
    from anyio._core._sync._limiter import CapacityLimiter as CapacityLimiter
    from anyio._core._sync._lock import Lock as Lock
    from anyio._core._sync._semaphore import Semaphore as Semaphore
    from anyio._core._sync._statistics import (
        CapacityLimiterStatistics as CapacityLimiterStatistics,
    )
    from anyio._core._sync._statistics import ConditionStatistics as ConditionStatistics
    from anyio._core._sync._statistics import EventStatistics as EventStatistics
    from anyio._core._sync._statistics import LockStatistics as LockStatistics
    from anyio._core._sync._statistics import SemaphoreStatistics as SemaphoreStatistics
    from anyio._core._taskinfo import TaskInfo as TaskInfo
    from anyio._core._taskinfo import get_current_task as get_current_task
    from anyio._core._taskinfo import get_running_tasks as get_running_tasks
    from anyio._core._taskinfo import wait_all_tasks_blocked as wait_all_tasks_blocked
    from anyio._core._tasks import TASK_STATUS_IGNORED as TASK_STATUS_IGNORED
    from anyio._core._tasks import CancelScope as CancelScope
    from anyio._core._tasks import create_task_group as create_task_group
    from anyio._core._tasks import (
        current_effective_deadline as current_effective_deadline,
    )
    from anyio._core._tasks import fail_after as fail_after
    from anyio._core._tasks import move_on_after as move_on_after
    from anyio._core._typedattr import TypedAttributeProvider as TypedAttributeProvider
    from anyio._core._typedattr import TypedAttributeSet as TypedAttributeSet
    from anyio._core._typedattr import typed_attribute as typed_attribute
    from anyio._path import AsyncFile as AsyncFile
    from anyio._path import NamedTemporaryFile as NamedTemporaryFile
    from anyio._path import Path as Path
    from anyio._path import SpooledTemporaryFile as SpooledTemporaryFile
    from anyio._path import TemporaryDirectory as TemporaryDirectory
    from anyio._path import TemporaryFile as TemporaryFile
    from anyio._path import gettempdir as gettempdir
    from anyio._path import gettempdirb as gettempdirb
    from anyio._path import mkdtemp as mkdtemp
    from anyio._path import mkstemp as mkstemp
    from anyio._path import open_file as open_file
    from anyio._path import wrap_file as wrap_file
    from anyio.streams.memory import (
        create_memory_object_stream as create_memory_object_stream,
    )

"""anyio: structured concurrency that runs unchanged on asyncio or Trio.

This package is split over several distributions (``anyio-core``,
``anyio-streams``, ``anyio-threads``, ``anyio-path``, ``anyio-testing``,
``anyio-net``, ``anyio-process``; the ``anyio`` distribution installs them all).
The table below lists every public name of AnyIO 4.13 with the module and the
distribution that provide it. Names are imported on first use, so
``import anyio`` stays cheap and imports neither asyncio nor Trio. A name whose
distribution is not installed raises `MissingDistributionError` (an
`AttributeError`, so ``hasattr(anyio, name)`` is False) or, in an import
statement, `MissingDistributionImportError` (an `ImportError`); both say what to
install. `anyio._core._lazy` explains the rules.
"""

from __future__ import annotations

import pkgutil as _pkgutil
from typing import TYPE_CHECKING

from anyio._core._lazy import LazyExports as _LazyExports
from anyio._core._lazy import MissingDistributionError as MissingDistributionError
from anyio._core._lazy import (
    MissingDistributionImportError as MissingDistributionImportError,
)

__path__ = _pkgutil.extend_path(__path__, __name__)

_CORE = "anyio-core"
_STREAMS = "anyio-streams"
_THREADS = "anyio-threads"
_PATH = "anyio-path"
_NET = "anyio-net"
_PROCESS = "anyio-process"
_TESTING = "anyio-testing"


def _deprecated_alias(name: str) -> object:
    from anyio._core._exceptions import resolve_deprecated_alias

    # Frames: resolve_deprecated_alias <- this hook <- LazyExports.getattr <- the user.
    return resolve_deprecated_alias(name, stacklevel=3)


_exports = _LazyExports(globals(), deprecated=_deprecated_alias)
#: name -> (module, distribution): every lazily imported public name.
_LAZY = _exports.table
_add = _exports.add

_add(
    "anyio._core._exceptions",
    _CORE,
    "BrokenResourceError BrokenWorkerInterpreter BrokenWorkerProcess "
    "BusyResourceError ClosedResourceError ConnectionFailed DelimiterNotFound "
    "EndOfStream FutureAlreadyFinished FutureCancelled FutureFailed FutureNotFinished "
    "IncompleteRead NoEventLoopError RunFinishedError "
    "TaskCancelled TaskFailed TaskNotFinished "
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
    "CancelScope move_on_after move_on_at fail_after fail_at current_effective_deadline "
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
_add("anyio._core._future", _CORE, "Future")
_add("anyio._core._handles", _CORE, "TaskHandle")
_add("anyio._core._combinators", _CORE, "gather amap as_completed")
_add("anyio._process", _PROCESS, "open_process run_process")
_exports.add_submodules(_CORE, "abc lowlevel functools itertools")
_exports.add_submodules(_STREAMS, "streams")
_exports.add_submodules(_THREADS, "to_thread from_thread to_interpreter")
_exports.add_submodules(_PROCESS, "to_process")
_exports.add_submodules(_TESTING, "pytest_plugin")
del _add

if not TYPE_CHECKING:
    __getattr__ = _exports.getattr
__dir__ = _exports.dir


if TYPE_CHECKING:
    from anyio import abc as abc
    from anyio import from_thread as from_thread
    from anyio import functools as functools
    from anyio import itertools as itertools
    from anyio import lowlevel as lowlevel
    from anyio import pytest_plugin as pytest_plugin
    from anyio import streams as streams
    from anyio import to_interpreter as to_interpreter
    from anyio import to_process as to_process
    from anyio import to_thread as to_thread
    from anyio._core._combinators import amap as amap
    from anyio._core._combinators import as_completed as as_completed
    from anyio._core._combinators import gather as gather
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
    from anyio._core._exceptions import FutureAlreadyFinished as FutureAlreadyFinished
    from anyio._core._exceptions import FutureCancelled as FutureCancelled
    from anyio._core._exceptions import FutureFailed as FutureFailed
    from anyio._core._exceptions import FutureNotFinished as FutureNotFinished
    from anyio._core._exceptions import IncompleteRead as IncompleteRead
    from anyio._core._exceptions import NoEventLoopError as NoEventLoopError
    from anyio._core._exceptions import RunFinishedError as RunFinishedError
    from anyio._core._exceptions import TaskCancelled as TaskCancelled
    from anyio._core._exceptions import TaskFailed as TaskFailed
    from anyio._core._exceptions import TaskNotFinished as TaskNotFinished
    from anyio._core._exceptions import (
        TypedAttributeLookupError as TypedAttributeLookupError,
    )
    from anyio._core._exceptions import WouldBlock as WouldBlock
    from anyio._core._future import Future as Future
    from anyio._core._handles import TaskHandle as TaskHandle
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
    from anyio._core._tasks import fail_at as fail_at
    from anyio._core._tasks import move_on_after as move_on_after
    from anyio._core._tasks import move_on_at as move_on_at
    from anyio._core._typedattr import TypedAttributeProvider as TypedAttributeProvider
    from anyio._core._typedattr import TypedAttributeSet as TypedAttributeSet
    from anyio._core._typedattr import typed_attribute as typed_attribute
    from anyio._net import TCPConnectable as TCPConnectable
    from anyio._net import UNIXConnectable as UNIXConnectable
    from anyio._net import as_connectable as as_connectable
    from anyio._net import connect_tcp as connect_tcp
    from anyio._net import connect_unix as connect_unix
    from anyio._net import create_connected_udp_socket as create_connected_udp_socket
    from anyio._net import (
        create_connected_unix_datagram_socket as create_connected_unix_datagram_socket,
    )
    from anyio._net import create_tcp_listener as create_tcp_listener
    from anyio._net import create_udp_socket as create_udp_socket
    from anyio._net import create_unix_datagram_socket as create_unix_datagram_socket
    from anyio._net import create_unix_listener as create_unix_listener
    from anyio._net import getaddrinfo as getaddrinfo
    from anyio._net import getnameinfo as getnameinfo
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
    from anyio._process import open_process as open_process
    from anyio._process import run_process as run_process
    from anyio.streams.memory import (
        create_memory_object_stream as create_memory_object_stream,
    )

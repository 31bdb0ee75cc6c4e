"""Abstract base classes: the contracts between anyio, its backends and its users.

Streams, listeners, sockets, processes, task groups and test runners are
defined here as ABCs; the backends and the other anyio distributions
implement them. For compatibility with AnyIO 4, this module also re-exports
`CancelScope`, the synchronization primitives and `BlockingPortal`; those
(and the other names that live in modules outside this package's core
set) are imported on first use.
"""

from __future__ import annotations

from importlib import import_module as _import_module
from importlib.util import find_spec as _find_spec
from typing import TYPE_CHECKING, Any

from .. import MissingDistributionError as _MissingDistributionError
from ._resources import AsyncResource as AsyncResource
from ._sockets import ConnectedUDPSocket as ConnectedUDPSocket
from ._sockets import ConnectedUNIXDatagramSocket as ConnectedUNIXDatagramSocket
from ._sockets import IPAddressType as IPAddressType
from ._sockets import IPSockAddrType as IPSockAddrType
from ._sockets import SocketAttribute as SocketAttribute
from ._sockets import SocketListener as SocketListener
from ._sockets import SocketStream as SocketStream
from ._sockets import UDPPacketType as UDPPacketType
from ._sockets import UDPSocket as UDPSocket
from ._sockets import UNIXDatagramPacketType as UNIXDatagramPacketType
from ._sockets import UNIXDatagramSocket as UNIXDatagramSocket
from ._sockets import UNIXSocketStream as UNIXSocketStream
from ._streams import AnyByteReceiveStream as AnyByteReceiveStream
from ._streams import AnyByteSendStream as AnyByteSendStream
from ._streams import AnyByteStream as AnyByteStream
from ._streams import AnyByteStreamConnectable as AnyByteStreamConnectable
from ._streams import AnyUnreliableByteReceiveStream as AnyUnreliableByteReceiveStream
from ._streams import AnyUnreliableByteSendStream as AnyUnreliableByteSendStream
from ._streams import AnyUnreliableByteStream as AnyUnreliableByteStream
from ._streams import ByteReceiveStream as ByteReceiveStream
from ._streams import ByteSendStream as ByteSendStream
from ._streams import ByteStream as ByteStream
from ._streams import ByteStreamConnectable as ByteStreamConnectable
from ._streams import Listener as Listener
from ._streams import ObjectReceiveStream as ObjectReceiveStream
from ._streams import ObjectSendStream as ObjectSendStream
from ._streams import ObjectStream as ObjectStream
from ._streams import ObjectStreamConnectable as ObjectStreamConnectable
from ._streams import UnreliableObjectReceiveStream as UnreliableObjectReceiveStream
from ._streams import UnreliableObjectSendStream as UnreliableObjectSendStream
from ._streams import UnreliableObjectStream as UnreliableObjectStream
from ._subprocesses import Process as Process

if TYPE_CHECKING:
    from anyio._core._sync._condition import Condition as Condition
    from anyio._core._sync._event import Event as Event
    from anyio._core._sync._limiter import CapacityLimiter as CapacityLimiter
    from anyio._core._sync._lock import Lock as Lock
    from anyio._core._sync._semaphore import Semaphore as Semaphore
    from anyio._core._tasks import CancelScope as CancelScope
    from anyio.abc._eventloop import AsyncBackend as AsyncBackend
    from anyio.abc._tasks import TaskGroup as TaskGroup
    from anyio.abc._tasks import TaskStatus as TaskStatus
    from anyio.abc._testing import TestRunner as TestRunner
    from anyio.from_thread import BlockingPortal as BlockingPortal

# Shown as `anyio.abc.X` in reprs and docs, where users find them.
for _value in list(globals().values()):
    if isinstance(_value, type) and _value.__module__.startswith("anyio.abc."):
        _value.__module__ = __name__
del _value

# Helpers of this module that are not part of its API (hidden from `dir()`).
_NOT_API = frozenset({"annotations", "TYPE_CHECKING", "Any"})

_CORE = "anyio-core"

# Names imported on first use: name -> (module, distribution that ships the module).
_LAZY: dict[str, tuple[str, str]] = {
    "AsyncBackend": ("anyio.abc._eventloop", _CORE),
    "TaskGroup": ("anyio.abc._tasks", _CORE),
    "TaskStatus": ("anyio.abc._tasks", _CORE),
    "TestRunner": ("anyio.abc._testing", _CORE),
    "CancelScope": ("anyio._core._tasks", _CORE),
    "CapacityLimiter": ("anyio._core._sync._limiter", _CORE),
    "Condition": ("anyio._core._sync._condition", _CORE),
    "Event": ("anyio._core._sync._event", _CORE),
    "Lock": ("anyio._core._sync._lock", _CORE),
    "Semaphore": ("anyio._core._sync._semaphore", _CORE),
    "BlockingPortal": ("anyio.from_thread", "anyio-threads"),
}


def _import_lazy(name: str) -> Any:
    module_name, distribution = _LAZY[name]
    try:
        module = _import_module(module_name)
    except ModuleNotFoundError as exc:
        # Only the absence of the module itself means "not installed"; a
        # failing import inside it is a real error and propagates as is.
        if exc.name != module_name or distribution == _CORE:
            raise
        raise _MissingDistributionError(
            f"{__name__}.{name} is provided by the {distribution} distribution, "
            f"which is not installed; install it with: pip install {distribution}",
            name=module_name,
        ) from exc
    value = getattr(module, name)
    globals()[name] = value  # cache: later lookups do not reach __getattr__
    return value


if not TYPE_CHECKING:

    def __getattr__(name: str) -> Any:
        if name in _LAZY:
            return _import_lazy(name)
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _installed(name: str) -> bool:
    module_name, distribution = _LAZY[name]
    return distribution == _CORE or _find_spec(module_name) is not None


def __dir__() -> list[str]:
    names = {name for name in globals() if name not in _NOT_API}
    return sorted(names | {name for name in _LAZY if _installed(name)})

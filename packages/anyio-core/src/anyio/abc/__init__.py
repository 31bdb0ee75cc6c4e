"""Abstract base classes: the contracts between anyio, its backends and its users.

Streams, listeners, sockets, processes, task groups and test runners are
defined here as ABCs; the backends and the other anyio distributions
implement them. For compatibility with AnyIO 4, this module also re-exports
`CancelScope`, the synchronization primitives and `BlockingPortal`; those
(and the other names that live in modules outside this package's core
set) are imported on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from anyio._core._lazy import LazyExports as _LazyExports

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

_CORE = "anyio-core"

_exports = _LazyExports(globals())
#: name -> (module, distribution): the names imported on first use.
_LAZY = _exports.table
_exports.add("anyio.abc._eventloop", _CORE, "AsyncBackend")
_exports.add("anyio.abc._tasks", _CORE, "TaskGroup TaskStatus")
_exports.add("anyio.abc._testing", _CORE, "TestRunner")
_exports.add("anyio._core._tasks", _CORE, "CancelScope")
_exports.add("anyio._core._sync._limiter", _CORE, "CapacityLimiter")
_exports.add("anyio._core._sync._condition", _CORE, "Condition")
_exports.add("anyio._core._sync._event", _CORE, "Event")
_exports.add("anyio._core._sync._lock", _CORE, "Lock")
_exports.add("anyio._core._sync._semaphore", _CORE, "Semaphore")
_exports.add("anyio.from_thread", "anyio-threads", "BlockingPortal")

if not TYPE_CHECKING:
    __getattr__ = _exports.getattr
__dir__ = _exports.dir

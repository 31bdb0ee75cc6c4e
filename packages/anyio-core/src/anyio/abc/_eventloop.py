"""`AsyncBackend`: AnyIO 4's backend class interface, kept for compatibility.

AnyIO 4 defines a backend as a class of classmethods and exposes that class
as `anyio.abc.AsyncBackend`. This anyio defines its backend contract
differently: as small typed protocols in `anyio._core._backend` (one per
concern, composed into `Backend`), which `anyio._backends.*` implement. The
class below is not used by anyio itself. It exists so that third-party code
that imports `anyio.abc.AsyncBackend` (for annotations, `issubclass()`
checks or introspection) keeps working, with the same abstract classmethods
and signatures as AnyIO 4.13.
"""

from __future__ import annotations

import math
import sys
from abc import ABCMeta, abstractmethod
from typing import IO, TYPE_CHECKING, Any, Literal, TypeVar

if sys.version_info >= (3, 11):
    from typing import TypeVarTuple, Unpack
else:
    from typing_extensions import TypeVarTuple, Unpack

if TYPE_CHECKING:
    from collections.abc import (
        AsyncIterator,
        Awaitable,
        Callable,
        Coroutine,
        Iterable,
        Mapping,
        Sequence,
    )
    from contextlib import AbstractContextManager
    from signal import Signals
    from socket import AddressFamily, SocketKind, socket

    from _typeshed import FileDescriptorLike, StrOrBytesPath

    from .._core._sync._event import Event
    from .._core._sync._limiter import CapacityLimiter
    from .._core._sync._lock import Lock
    from .._core._sync._semaphore import Semaphore
    from .._core._taskinfo import TaskInfo
    from .._core._tasks import CancelScope
    from ._sockets import (
        ConnectedUDPSocket,
        ConnectedUNIXDatagramSocket,
        IPSockAddrType,
        SocketListener,
        SocketStream,
        UDPSocket,
        UNIXDatagramSocket,
        UNIXSocketStream,
    )
    from ._subprocesses import Process
    from ._tasks import TaskGroup
    from ._testing import TestRunner


T_Retval = TypeVar("T_Retval")
T_co = TypeVar("T_co", covariant=True)
PosArgsT = TypeVarTuple("PosArgsT")


class AsyncBackend(metaclass=ABCMeta):
    """The AnyIO 4 backend class interface, kept for compatibility.

    anyio's own backends implement the protocols in `anyio._core._backend`
    instead, and never subclass this. Every method is a classmethod; all
    but `checkpoint_if_cancelled()` and `cancel_shielded_checkpoint()` are
    abstract.
    """

    # -- running the event loop --------------------------------------------

    @classmethod
    @abstractmethod
    def run(
        cls,
        func: Callable[[Unpack[PosArgsT]], Awaitable[T_Retval]],
        args: tuple[Unpack[PosArgsT]],
        kwargs: dict[str, Any],
        options: dict[str, Any],
    ) -> T_Retval:
        """Run `func(*args, **kwargs)` in a new event loop, with backend `options`."""

    @classmethod
    @abstractmethod
    def current_token(cls) -> object:
        """Return an object identifying the running event loop."""

    @classmethod
    @abstractmethod
    def current_time(cls) -> float:
        """Return the event loop's current time, in seconds."""

    # -- cancellation and checkpoints ----------------------------------------

    @classmethod
    @abstractmethod
    def cancelled_exception_class(cls) -> type[BaseException]:
        """Return the exception class the backend uses for cancellation."""

    @classmethod
    @abstractmethod
    async def checkpoint(cls) -> None:
        """Check for cancellation and let other tasks run."""

    @classmethod
    async def checkpoint_if_cancelled(cls) -> None:
        """Raise the cancellation exception if the current task is cancelled."""
        if cls.current_effective_deadline() == -math.inf:
            await cls.checkpoint()

    @classmethod
    async def cancel_shielded_checkpoint(cls) -> None:
        """Let other tasks run, without checking for cancellation."""
        with cls.create_cancel_scope(shield=True):
            await cls.sleep(0)

    @classmethod
    @abstractmethod
    def check_cancelled(cls) -> None:
        """Raise the cancellation exception if the current task is cancelled (sync)."""

    @classmethod
    @abstractmethod
    async def sleep(cls, delay: float) -> None:
        """Sleep for `delay` seconds."""

    @classmethod
    @abstractmethod
    def create_cancel_scope(
        cls, *, deadline: float = math.inf, shield: bool = False
    ) -> CancelScope:
        """Return a new cancel scope."""

    @classmethod
    @abstractmethod
    def current_effective_deadline(cls) -> float:
        """Return the nearest deadline among the current task's cancel scopes."""

    # -- tasks and synchronization -------------------------------------------

    @classmethod
    @abstractmethod
    def create_task_group(cls) -> TaskGroup:
        """Return a new task group."""

    @classmethod
    @abstractmethod
    def create_event(cls) -> Event:
        """Return a new event."""

    @classmethod
    @abstractmethod
    def create_lock(cls, *, fast_acquire: bool) -> Lock:
        """Return a new lock."""

    @classmethod
    @abstractmethod
    def create_semaphore(
        cls,
        initial_value: int,
        *,
        max_value: int | None = None,
        fast_acquire: bool = False,
    ) -> Semaphore:
        """Return a new semaphore."""

    @classmethod
    @abstractmethod
    def create_capacity_limiter(cls, total_tokens: float) -> CapacityLimiter:
        """Return a new capacity limiter."""

    @classmethod
    @abstractmethod
    def get_current_task(cls) -> TaskInfo:
        """Return information about the current task."""

    @classmethod
    @abstractmethod
    def get_running_tasks(cls) -> Sequence[TaskInfo]:
        """Return information about every running task."""

    @classmethod
    @abstractmethod
    async def wait_all_tasks_blocked(cls) -> None:
        """Wait until every other task is blocked."""

    # -- threads ---------------------------------------------------------------

    @classmethod
    @abstractmethod
    async def run_sync_in_worker_thread(
        cls,
        func: Callable[[Unpack[PosArgsT]], T_Retval],
        args: tuple[Unpack[PosArgsT]],
        abandon_on_cancel: bool = False,
        limiter: CapacityLimiter | None = None,
    ) -> T_Retval:
        """Run `func(*args)` in a worker thread and return its result."""

    @classmethod
    @abstractmethod
    def run_async_from_thread(
        cls,
        func: Callable[[Unpack[PosArgsT]], Coroutine[Any, Any, T_co]],
        args: tuple[Unpack[PosArgsT]],
        token: object,
    ) -> T_co:
        """From another thread, run `func(*args)` in the event loop of `token`."""

    @classmethod
    @abstractmethod
    def run_sync_from_thread(
        cls,
        func: Callable[[Unpack[PosArgsT]], T_Retval],
        args: tuple[Unpack[PosArgsT]],
        token: object,
    ) -> T_Retval:
        """From another thread, call `func(*args)` in the event loop of `token`."""

    @classmethod
    @abstractmethod
    def run_sync_soon(
        cls,
        func: Callable[[Unpack[PosArgsT]], object],
        args: tuple[Unpack[PosArgsT]],
        token: object,
    ) -> None:
        """From any thread, schedule `func(*args)` in the event loop of `token`; do not wait.

        AnyIO 4.14+.
        """

    @classmethod
    @abstractmethod
    def current_default_thread_limiter(cls) -> CapacityLimiter:
        """Return the capacity limiter that worker threads use by default."""

    # -- processes and signals -------------------------------------------------

    @classmethod
    @abstractmethod
    async def open_process(
        cls,
        command: StrOrBytesPath | Sequence[StrOrBytesPath],
        *,
        stdin: int | IO[Any] | None,
        stdout: int | IO[Any] | None,
        stderr: int | IO[Any] | None,
        cwd: StrOrBytesPath | None = None,
        env: Mapping[str, str] | None = None,
        startupinfo: Any = None,
        creationflags: int = 0,
        start_new_session: bool = False,
        pass_fds: Sequence[int] = (),
        user: str | int | None = None,
        group: str | int | None = None,
        extra_groups: Iterable[str | int] | None = None,
        umask: int = -1,
        **kwargs: Any,
    ) -> Process:
        """Start a child process (the keyword arguments of 4.14+ spelled out)."""

    @classmethod
    @abstractmethod
    def setup_process_pool_exit_at_shutdown(cls, workers: set[Process]) -> None:
        """Arrange for the worker processes to be ended when the event loop ends."""

    @classmethod
    @abstractmethod
    def open_signal_receiver(
        cls, *signals: Signals
    ) -> AbstractContextManager[AsyncIterator[Signals]]:
        """Return a context manager that yields the signals received."""

    # -- networking --------------------------------------------------------------

    @classmethod
    @abstractmethod
    async def connect_tcp(
        cls, host: str, port: int, local_address: IPSockAddrType | None = None
    ) -> SocketStream:
        """Connect to a TCP server."""

    @classmethod
    @abstractmethod
    async def connect_unix(
        cls,
        path: str | bytes,
        kind: Literal[SocketKind.SOCK_STREAM, SocketKind.SOCK_SEQPACKET],
    ) -> UNIXSocketStream:
        """Connect to a UNIX socket server (``kind``: AnyIO 4.15+, anyio#1349)."""

    @classmethod
    @abstractmethod
    def create_tcp_listener(cls, sock: socket) -> SocketListener:
        """Wrap a listening TCP socket."""

    @classmethod
    @abstractmethod
    def create_unix_listener(cls, sock: socket) -> SocketListener:
        """Wrap a listening UNIX socket."""

    @classmethod
    @abstractmethod
    async def create_udp_socket(
        cls,
        family: AddressFamily,
        local_address: IPSockAddrType | None,
        remote_address: IPSockAddrType | None,
        reuse_port: bool,
    ) -> UDPSocket | ConnectedUDPSocket:
        """Create a UDP socket, connected if `remote_address` is given."""

    @classmethod
    @abstractmethod
    async def create_unix_datagram_socket(
        cls, raw_socket: socket, remote_path: str | bytes | None
    ) -> UNIXDatagramSocket | ConnectedUNIXDatagramSocket:
        """Wrap a UNIX datagram socket, connected if `remote_path` is given."""

    @classmethod
    @abstractmethod
    async def getaddrinfo(
        cls,
        host: bytes | str | None,
        port: str | int | None,
        *,
        family: int | AddressFamily = 0,
        type: int | SocketKind = 0,  # noqa: A002 - AnyIO's parameter name
        proto: int = 0,
        flags: int = 0,
    ) -> Sequence[
        tuple[
            AddressFamily,
            SocketKind,
            int,
            str,
            tuple[str, int] | tuple[str, int, int, int] | tuple[int, bytes],
        ]
    ]:
        """Resolve a host and port (as `socket.getaddrinfo()`)."""

    @classmethod
    @abstractmethod
    async def getnameinfo(cls, sockaddr: IPSockAddrType, flags: int = 0) -> tuple[str, str]:
        """Look up the host name and service of an address."""

    @classmethod
    @abstractmethod
    async def wait_readable(cls, obj: FileDescriptorLike) -> None:
        """Wait until `obj` can be read from."""

    @classmethod
    @abstractmethod
    async def wait_writable(cls, obj: FileDescriptorLike) -> None:
        """Wait until `obj` can be written to."""

    @classmethod
    @abstractmethod
    def notify_closing(cls, obj: FileDescriptorLike) -> None:
        """Wake the tasks waiting on `obj`, which is about to be closed."""

    @classmethod
    @abstractmethod
    async def wrap_listener_socket(cls, sock: socket) -> SocketListener:
        """Wrap a listening stream socket."""

    @classmethod
    @abstractmethod
    async def wrap_stream_socket(cls, sock: socket) -> SocketStream:
        """Wrap a connected stream socket."""

    @classmethod
    @abstractmethod
    async def wrap_unix_stream_socket(cls, sock: socket) -> UNIXSocketStream:
        """Wrap a connected UNIX stream socket."""

    @classmethod
    @abstractmethod
    async def wrap_udp_socket(cls, sock: socket) -> UDPSocket:
        """Wrap a bound UDP socket."""

    @classmethod
    @abstractmethod
    async def wrap_connected_udp_socket(cls, sock: socket) -> ConnectedUDPSocket:
        """Wrap a connected UDP socket."""

    @classmethod
    @abstractmethod
    async def wrap_unix_datagram_socket(cls, sock: socket) -> UNIXDatagramSocket:
        """Wrap a UNIX datagram socket."""

    @classmethod
    @abstractmethod
    async def wrap_connected_unix_datagram_socket(
        cls, sock: socket
    ) -> ConnectedUNIXDatagramSocket:
        """Wrap a connected UNIX datagram socket."""

    # -- testing -------------------------------------------------------------------

    @classmethod
    @abstractmethod
    def create_test_runner(cls, options: dict[str, Any]) -> TestRunner:
        """Return a test runner for the pytest plugin."""


AsyncBackend.__module__ = "anyio.abc"

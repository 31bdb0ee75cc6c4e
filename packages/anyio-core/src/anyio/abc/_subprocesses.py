"""The `Process` ABC: a running child process with async pipes."""

from __future__ import annotations

from abc import abstractmethod
from typing import TYPE_CHECKING

from ._resources import AsyncResource

if TYPE_CHECKING:
    from signal import Signals

    from ._streams import ByteReceiveStream, ByteSendStream


class Process(AsyncResource):
    """A child process started by `anyio.open_process()`.

    Closing it (`aclose()`) closes its pipes and waits for it to exit; if the
    wait is cancelled, the process is killed.
    """

    @abstractmethod
    async def wait(self) -> int:
        """Wait until the process exits.

        Returns:
            The exit code: negative `-N` if a signal `N` killed it (on POSIX).
        """

    @abstractmethod
    def terminate(self) -> None:
        """Ask the process to end.

        Sends `SIGTERM` on POSIX; on Windows, stops it at once (as `kill()`).
        """

    @abstractmethod
    def kill(self) -> None:
        """End the process at once.

        Sends `SIGKILL` on POSIX; on Windows, calls `TerminateProcess()`.
        """

    @abstractmethod
    def send_signal(self, signal: Signals) -> None:
        """Send a signal to the process.

        Args:
            signal: the signal number (`signal.SIGHUP` and the like); on
                Windows only `SIGTERM`, `CTRL_C_EVENT` and `CTRL_BREAK_EVENT`
                work.
        """

    @property
    @abstractmethod
    def pid(self) -> int:
        """The process ID."""

    @property
    @abstractmethod
    def returncode(self) -> int | None:
        """The exit code, or None while the process is still running."""

    @property
    @abstractmethod
    def stdin(self) -> ByteSendStream | None:
        """The stream to the process's standard input, if it was piped."""

    @property
    @abstractmethod
    def stdout(self) -> ByteReceiveStream | None:
        """The stream from the process's standard output, if it was piped."""

    @property
    @abstractmethod
    def stderr(self) -> ByteReceiveStream | None:
        """The stream from the process's standard error, if it was piped."""

"""`Future`: a result that one task hands over to the tasks that wait for it.

The design. A future is a small state machine (`Future.Status`) beside an `Event`.
It leaves `PENDING` exactly once: a producer assigns `return_value` or `exception`, or
someone calls `cancel()`; each of these sets the event, and every waiter wakes. Being
built on `Event` keeps it backend-neutral (no asyncio or Trio future underneath), lets
it be created outside a running loop, and gives `wait()` the event's cancellation
behaviour and checkpoint rules.

What it deliberately lacks, compared with `asyncio.Future`: done-callbacks (a task that
awaits the future does the same, inside a task group), a message for `cancel()`, and
raising the stored exception as is; awaiting a failed future raises `FutureFailed` with
that exception as its `__cause__`, so that the awaiter's traceback and the producer's
stay apart and `except FutureFailed` catches every failure alike.
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from ._exceptions import FutureAlreadyFinished, FutureCancelled, FutureFailed, FutureNotFinished
from ._sync._event import Event

if TYPE_CHECKING:
    from collections.abc import Generator

T = TypeVar("T")


class Future(Generic[T]):
    """A value, an exception or a cancellation that one task hands to others.

    The producer settles the future once, by assigning `return_value` (success),
    assigning `exception` (failure) or calling `cancel()`. Any number of tasks can
    `await` it meanwhile: awaiting returns the value, or raises `FutureFailed` (with
    the exception as `__cause__`) or `FutureCancelled`. `wait()` only waits, whatever
    the outcome. A future can be created anywhere, also where no event loop runs.

    Args:
        name: a name for the future, shown in its `repr`.

    Example:
        ```python
        future: anyio.Future[int] = anyio.Future()


        async def producer() -> None:
            future.return_value = 42


        async with anyio.create_task_group() as tg:
            tg.start_soon(producer)
            assert await future == 42
        ```
    """

    class Status(enum.Enum):
        """Where a future stands: still waiting, or settled in one of three ways."""

        #: No outcome yet.
        PENDING = "pending"
        #: `return_value` was assigned.
        FINISHED = "finished"
        #: `exception` was assigned.
        FAILED = "failed"
        #: `cancel()` was called while pending.
        CANCELLED = "cancelled"

    __slots__ = ("__weakref__", "_event", "_exception", "_status", "_value", "name")

    def __init__(self, *, name: str | None = None) -> None:
        #: The name given at creation (None if none was given).
        self.name = name
        # Invariant: `_event` is set exactly when `_status` is not PENDING.
        self._status = Future.Status.PENDING
        self._event = Event()
        self._value: T | None = None
        self._exception: BaseException | None = None

    def __repr__(self) -> str:
        name = "" if self.name is None else f" name={self.name!r}"
        return f"<Future {self._status.value}{name}>"

    @property
    def status(self) -> Future.Status:
        """Where the future stands (`Future.Status`)."""
        return self._status

    @property
    def return_value(self) -> T:
        """The value the future finished with; assign to it to finish the future.

        Raises:
            FutureNotFinished: (reading) if the future is still pending.
            FutureFailed: (reading) if it holds an exception, which is the `__cause__`.
            FutureCancelled: (reading) if it was cancelled.
            FutureAlreadyFinished: (assigning) if it already holds a value or an
                exception.
            FutureCancelled: (assigning) if it was cancelled.
        """
        if self._status is Future.Status.FINISHED:
            return self._value  # type: ignore[return-value]  # set with the status
        raise self._not_a_value()

    @return_value.setter
    def return_value(self, value: T) -> None:
        self._check_pending()
        self._value = value
        self._settle(Future.Status.FINISHED)

    @property
    def exception(self) -> BaseException | None:
        """The exception the future failed with (None if it finished with a value).

        Assign an exception instance to fail the future.

        Raises:
            FutureNotFinished: (reading) if the future is still pending.
            FutureCancelled: (reading) if it was cancelled.
            FutureAlreadyFinished: (assigning) if it already holds a value or an
                exception.
            FutureCancelled: (assigning) if it was cancelled.
            TypeError: (assigning) if the value is not an exception instance.
        """
        if self._status is Future.Status.FINISHED:
            return None
        if self._status is Future.Status.FAILED:
            return self._exception
        raise self._not_a_value()

    @exception.setter
    def exception(self, exception: BaseException) -> None:
        if not isinstance(exception, BaseException):
            raise TypeError(
                f"{self!r}: the exception must be an exception instance, not "
                f"{type(exception).__name__}; assign e.g. ValueError('...')"
            )
        self._check_pending()
        self._exception = exception
        self._settle(Future.Status.FAILED)

    def cancel(self) -> None:
        """Cancel the future if it is still pending; its awaiters get `FutureCancelled`.

        A future that is already settled stays as it is.
        """
        if self._status is Future.Status.PENDING:
            self._settle(Future.Status.CANCELLED)

    async def wait(self) -> None:
        """Wait until the future is settled, whatever the outcome (a checkpoint)."""
        await self._event.wait()

    def __await__(self) -> Generator[Any, Any, T]:
        """Wait for the future, then return its value or raise what it holds."""
        return self._result().__await__()

    async def _result(self) -> T:
        await self._event.wait()
        return self.return_value

    def _check_pending(self) -> None:
        status = self._status
        if status is Future.Status.CANCELLED:
            # Whoever cancelled it no longer wants the outcome: tell the producer so.
            raise FutureCancelled(
                f"the future was cancelled ({self!r}); its outcome is no longer wanted"
            )
        if status is not Future.Status.PENDING:
            raise FutureAlreadyFinished(
                f"the future has already finished ({self!r}); a future takes one "
                "outcome, create a new one"
            )

    def _settle(self, status: Future.Status) -> None:
        # The outcome is stored before this call: a waiter woken by the event reads it.
        self._status = status
        self._event.set()

    def _not_a_value(self) -> Exception:
        """Return the error that reading the value of an unfinished future raises."""
        status = self._status
        if status is Future.Status.PENDING:
            return FutureNotFinished(
                f"the future has not finished yet ({self!r}); await it, or its wait(), first"
            )
        if status is Future.Status.CANCELLED:
            return FutureCancelled(f"the future was cancelled ({self!r})")
        error = FutureFailed(
            f"the future raised an exception ({self!r}): {self._exception!r}; "
            "it is this error's __cause__"
        )
        error.__cause__ = self._exception
        return error

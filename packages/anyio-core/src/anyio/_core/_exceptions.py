"""Exception classes of the public API.

Every class keeps the base class AnyIO 4.13 gives it, because downstream code
catches them by those bases (``except OSError`` around a connect, for example).
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any


class BrokenResourceError(Exception):
    """Raised when a resource can no longer be used because its other end broke.

    For example: sending on a memory object stream whose receive ends have all
    been closed, or writing to a socket that the peer reset.
    """


class BrokenWorkerProcess(Exception):
    """Raised by a worker process pool when a worker exits or misbehaves."""


class BrokenWorkerInterpreter(Exception):
    """Raised when a worker subinterpreter fails with an exception of its own.

    Args:
        excinfo: the interpreter's exception information; its formatted
            traceback, when present, becomes this exception's message.
    """

    def __init__(self, excinfo: Any):
        formatted = getattr(excinfo, "formatted", None)
        msg = formatted if formatted else str(excinfo)
        super().__init__(msg)
        self.excinfo = excinfo


class BusyResourceError(Exception):
    """Raised when two tasks try to use a resource that only one may use at a time.

    Args:
        action: what the other task is already doing, as a gerund with its
            preposition (``"reading from"``, ``"writing to"``): the message
            reads "Another task is already reading from this resource".
    """

    def __init__(self, action: str):
        super().__init__(f"Another task is already {action} this resource")


class ClosedResourceError(Exception):
    """Raised when using a resource that this side has already closed."""


class ConnectionFailed(OSError):
    """Raised when a connection attempt fails (an ``OSError`` subclass)."""


class DelimiterNotFound(Exception):
    """Raised when ``receive_until()`` reads ``max_bytes`` without finding the delimiter.

    Args:
        max_bytes: the limit that was reached.
    """

    def __init__(self, max_bytes: int) -> None:
        super().__init__(f"The delimiter was not found among the first {max_bytes} bytes")


class EndOfStream(Exception):
    """Raised when receiving from a stream whose sending side has finished."""


class IncompleteRead(Exception):
    """Raised when a stream ends before the requested number of bytes arrived."""

    def __init__(self) -> None:
        super().__init__("The stream was closed before the read operation could be completed")


class NoEventLoopError(RuntimeError):
    """Raised when a function that needs a running event loop is called outside one.

    Start the loop with `anyio.run()` (or call the function from a task), or,
    from a foreign thread, pass the loop's `anyio.lowlevel.current_token()`.
    """


class RunFinishedError(RuntimeError):
    """Raised when calling into an event loop that has already finished."""

    def __init__(self) -> None:
        super().__init__("The event loop associated with the given token has already finished")


class TypedAttributeLookupError(LookupError):
    """Raised by `TypedAttributeProvider.extra()` for an attribute it lacks."""


class WouldBlock(Exception):
    """Raised by a ``*_nowait()`` method when the operation would have to wait."""


class FutureAlreadyFinished(Exception):
    """Raised when setting the result of an `anyio.Future` that already has one.

    A future is settled once: by assigning `return_value` or `exception`, or by
    `cancel()`. Create a new future for the next result.
    """


class FutureFailed(Exception):
    """Raised when reading the result of an `anyio.Future` that holds an exception.

    Awaiting the future, or reading its `return_value`, raises this error; the
    exception the future holds is its `__cause__`.
    """


class FutureCancelled(FutureFailed):
    """Raised when reading the result of an `anyio.Future` that was cancelled."""


class FutureNotFinished(Exception):
    """Raised when reading the result of an `anyio.Future` that has none yet.

    Await the future (or its `wait()` method) first.
    """


class TaskFailed(Exception):
    """Raised when reading the result of a `TaskHandle` whose task raised an exception.

    The task's exception is this error's `__cause__`.
    """


class TaskCancelled(TaskFailed):
    """Raised when reading the result of a `TaskHandle` whose task was cancelled."""


class TaskNotFinished(Exception):
    """Raised when reading the result of a `TaskHandle` whose task is still running.

    Await `TaskHandle.wait()` first.
    """


# Shown (and pickled) as `anyio.X`, the name users import them by.
for _value in list(globals().values()):
    if isinstance(_value, type) and issubclass(_value, BaseException):
        _value.__module__ = "anyio"
del _value

# Deprecated names kept for compatibility: old name -> current name.
# `BrokenWorkerIntepreter` is the misspelling AnyIO 4.9 shipped (deprecated in 4.10).
DEPRECATED_ALIASES: dict[str, str] = {"BrokenWorkerIntepreter": "BrokenWorkerInterpreter"}


def resolve_deprecated_alias(name: str, *, stacklevel: int = 1) -> type[Exception]:
    """Return the class that a deprecated name stands for, warning about its use.

    Meant to be called from a module-level `__getattr__`, which passes
    `stacklevel=2` so that the warning points at the code that used the name.

    Args:
        name: the attribute name being looked up.
        stacklevel: as for `warnings.warn()`, counted from the caller of this
            function.

    Raises:
        AttributeError: if `name` is not a deprecated alias.
    """
    try:
        current = DEPRECATED_ALIASES[name]
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    warnings.warn(
        f"{name!r} is a deprecated alias; use {current!r} instead",
        DeprecationWarning,
        stacklevel=stacklevel + 1,
    )
    cls: type[Exception] = globals()[current]
    return cls


if not TYPE_CHECKING:  # a typed __getattr__ would hide typos in imports from mypy

    def __getattr__(name: str) -> type[Exception]:
        return resolve_deprecated_alias(name, stacklevel=2)

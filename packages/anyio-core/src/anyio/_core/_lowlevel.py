"""Checkpoints, event loop tokens and run variables (`anyio.lowlevel`)."""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar, overload

from ._backend import Backend, current_backend, get_backend

if TYPE_CHECKING:
    from types import TracebackType

T = TypeVar("T")
D = TypeVar("D")


async def checkpoint() -> None:
    """Check for cancellation and let other tasks run.

    Equivalent to `checkpoint_if_cancelled()` followed by
    `cancel_shielded_checkpoint()`, but faster.
    """
    await current_backend().checkpoint()


async def checkpoint_if_cancelled() -> None:
    """Raise the cancellation exception if the caller is in a cancelled scope.

    Does not let other tasks run when there is nothing to raise.
    """
    await current_backend().checkpoint_if_cancelled()


async def cancel_shielded_checkpoint() -> None:
    """Let other tasks run, without checking for cancellation."""
    await current_backend().cancel_shielded_checkpoint()


class EventLoopToken:
    """A handle on a running event loop that other threads may hold.

    Get one with `current_token()`; pass it to `anyio.from_thread` functions.

    Args:
        backend_class: the backend's class.
        native_token: the backend's own handle (the asyncio loop, or Trio's
            ``TrioToken``).
    """

    __slots__ = ("backend_class", "native_token")

    def __init__(self, backend_class: type[Any], native_token: object) -> None:
        self.backend_class = backend_class
        self.native_token = native_token

    @property
    def backend(self) -> Backend:
        """The backend that runs the loop."""
        return get_backend(self.backend_class.name)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, EventLoopToken):
            return (
                self.backend_class is other.backend_class
                and self.native_token is other.native_token
            )
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self.backend_class, id(self.native_token)))

    def __repr__(self) -> str:
        return f"<EventLoopToken backend={self.backend_class.name!r} at {id(self):#x}>"


def current_token() -> EventLoopToken:
    """Return a token for the running event loop, usable from other threads.

    Raises:
        NoEventLoopError: when no event loop runs in this thread.
    """
    backend = current_backend()
    return EventLoopToken(type(backend), backend.current_native_token())


class _NoValueSet(enum.Enum):
    NO_VALUE_SET = enum.auto()


class RunvarToken(Generic[T]):
    """Restores a `RunVar` to its earlier value; also a context manager that does so."""

    __slots__ = ("_redeemed", "_value", "_var")

    def __init__(self, var: RunVar[T], value: T | Literal[_NoValueSet.NO_VALUE_SET]):
        self._var = var
        self._value: T | Literal[_NoValueSet.NO_VALUE_SET] = value
        self._redeemed = False

    def __enter__(self) -> RunvarToken[T]:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_val: BaseException | None,
        exc_tb: TracebackType | None,
    ) -> None:
        self._var.reset(self)


class RunVar(Generic[T]):
    """Like a `contextvars.ContextVar`, but one value per event loop run.

    Each event loop sees its own value; the value disappears with the loop.

    Args:
        name: a name for debugging.
        default: the value `get()` returns when none was set.
    """

    __slots__ = ("_default", "_name")

    NO_VALUE_SET: Literal[_NoValueSet.NO_VALUE_SET] = _NoValueSet.NO_VALUE_SET

    def __init__(self, name: str, default: T | Literal[_NoValueSet.NO_VALUE_SET] = NO_VALUE_SET):
        self._name = name
        self._default = default

    @overload
    def get(self, default: D) -> T | D: ...

    @overload
    def get(self) -> T: ...

    def get(self, default: D | Literal[_NoValueSet.NO_VALUE_SET] = NO_VALUE_SET) -> T | D:
        """Return the value for the running loop (or ``default``).

        Raises:
            LookupError: if no value is set and there is no default.
        """
        try:
            value: T = current_backend().run_vars()[self]
        except KeyError:
            if default is not RunVar.NO_VALUE_SET:
                return default
            if self._default is not RunVar.NO_VALUE_SET:
                return self._default
            raise LookupError(f"Run variable {self._name!r} has no value and no default") from None
        return value

    def set(self, value: T) -> RunvarToken[T]:
        """Set the value for the running loop; the token can restore the old one."""
        values = current_backend().run_vars()
        token = RunvarToken(self, values.get(self, RunVar.NO_VALUE_SET))
        values[self] = value
        return token

    def reset(self, token: RunvarToken[T]) -> None:
        """Restore the value this variable had before `set()` returned ``token``.

        Raises:
            ValueError: if the token belongs to another variable or was used.
        """
        if token._var is not self:
            raise ValueError("This token does not belong to this RunVar")
        if token._redeemed:
            raise ValueError("This token has already been used")
        values = current_backend().run_vars()
        if token._value is RunVar.NO_VALUE_SET:
            values.pop(self, None)
        else:
            values[self] = token._value
        token._redeemed = True

    def __repr__(self) -> str:
        return f"<RunVar name={self._name!r}>"

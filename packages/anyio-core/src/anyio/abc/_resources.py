"""The base class of everything that must be closed: `AsyncResource`."""

from __future__ import annotations

from abc import ABCMeta, abstractmethod
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from types import TracebackType

T = TypeVar("T")


class AsyncResource(metaclass=ABCMeta):
    """Base class for objects that hold a resource and must be closed.

    Closing is asynchronous (`aclose()`) because releasing the resource may
    need I/O, such as telling the peer that a connection is ending. Used as an
    async context manager, the resource is closed when the block exits, however
    it exits.

    Example:
        ```python
        async with await connect_somewhere() as resource:
            ...  # closed on leaving the block
        ```
    """

    __slots__ = ()

    async def __aenter__(self: T) -> T:  # noqa: PYI019 - AnyIO's exact signature
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc_val: BaseException | None,
        exc_tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    @abstractmethod
    async def aclose(self) -> None:
        """Close the resource.

        Closing an already closed resource does nothing. If the task is
        cancelled while closing, the resource is still closed, possibly less
        gracefully (see `anyio.aclose_forcefully()`).
        """

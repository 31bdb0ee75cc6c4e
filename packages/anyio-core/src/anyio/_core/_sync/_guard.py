"""`ResourceGuard`: refuse a second task's concurrent use of a resource."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._exceptions import BusyResourceError

if TYPE_CHECKING:
    from types import TracebackType


class ResourceGuard:
    """A context manager that lets only one task at a time use a resource.

    Entering it while another task is inside raises `BusyResourceError`. Stream
    implementations use it to refuse two concurrent reads (or writes).

    Args:
        action: what is guarded, as a gerund with its preposition ("reading
            from", "writing to"); it completes the error message "Another task
            is already <action> this resource".

    Example:
        ```python
        self._receive_guard = ResourceGuard("reading from")
        ...
        with self._receive_guard:
            return await self._receive()
        ```
    """

    # Weak references allowed: libraries key WeakKeyDictionary caches on them.
    __slots__ = ("__weakref__", "_guarded", "action")

    def __init__(self, action: str = "using") -> None:
        self.action: str = action
        self._guarded = False

    def __repr__(self) -> str:
        return f"<ResourceGuard action={self.action!r} in_use={self._guarded}>"

    def __enter__(self) -> None:
        if self._guarded:
            raise BusyResourceError(self.action)
        self._guarded = True

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_val: BaseException | None,
        exc_tb: TracebackType | None,
    ) -> None:
        self._guarded = False


ResourceGuard.__module__ = "anyio"

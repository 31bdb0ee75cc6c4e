"""Helpers for `AsyncResource` objects."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..abc._resources import AsyncResource


async def aclose_forcefully(resource: AsyncResource) -> None:
    """Close a resource without waiting for anything.

    The resource's `aclose()` runs inside an already cancelled cancel scope,
    so every wait it would do (a graceful TLS shutdown, flushing a buffer to
    a slow peer) ends at once and only the immediate clean-up happens. Use it
    where waiting is not an option, such as after a failure or timeout.

    Args:
        resource: the resource to close.

    Example:
        ```python
        try:
            await stream.send(data)
        except BaseException:
            await aclose_forcefully(stream)
            raise
        ```
    """
    # Imported on call: code that only defines resources need not load the
    # task machinery, and `_tasks` stays free to import the ABCs (no cycle).
    from ._tasks import CancelScope

    with CancelScope() as scope:
        scope.cancel()
        await resource.aclose()


aclose_forcefully.__module__ = "anyio"

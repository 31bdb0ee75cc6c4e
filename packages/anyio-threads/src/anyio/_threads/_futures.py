"""Waiting for a `concurrent.futures.Future` in a task, without blocking its loop."""

from __future__ import annotations

from contextlib import suppress
from typing import TYPE_CHECKING, Any

from .. import RunFinishedError
from .._core.contract import current_backend

if TYPE_CHECKING:
    from concurrent.futures import Future


async def wait_for_future(future: Future[Any], *, shield: bool = False) -> None:
    """Park the current task until ``future`` is done (its outcome stays in it).

    The future's done-callback, which runs in whatever thread settles it, wakes
    the task through its loop's token.

    Args:
        future: the future to wait for.
        shield: wait even if the task is cancelled meanwhile.
    """
    backend = current_backend()
    if future.done():
        await backend.checkpoint()
        return
    waiter = backend.create_waiter()
    token = backend.current_native_token()

    def wake(_: object) -> None:
        # If the future was already done, this runs right here and the wake-up
        # is queued in the loop: it still comes after the task has parked.
        with suppress(RunFinishedError):  # the loop is gone, and so is the task
            backend.run_sync_soon(token, backend.wake, waiter)

    future.add_done_callback(wake)
    with backend.cancel_scope_class(shield=shield):
        try:
            await backend.wait(waiter)
        except BaseException:
            backend.abandon(waiter)
            raise

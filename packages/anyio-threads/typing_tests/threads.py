"""Static type checks for worker threads and portals (run by mypy --strict).

Nothing here needs to run: each ``assert_type`` fails the type check if the type a checker
infers differs, and each ``# type: ignore[code]`` fails it (``warn_unused_ignores``) if the
error it expects does not occur.
"""

from __future__ import annotations

import sys
from concurrent.futures import Future
from typing import TYPE_CHECKING

from anyio import from_thread, to_thread

if TYPE_CHECKING:
    from anyio.from_thread import BlockingPortal

if sys.version_info >= (3, 11):
    from typing import assert_type
else:
    from typing_extensions import assert_type


def add(a: int, b: int) -> int:
    return a + b


async def async_add(a: int, b: int) -> int:
    return a + b


async def to_thread_keeps_the_result_type() -> None:
    assert_type(await to_thread.run_sync(add, 1, 2), int)
    await to_thread.run_sync(add, 1, "2")  # type: ignore[arg-type]


def from_thread_keeps_the_result_type() -> None:
    assert_type(from_thread.run(async_add, 1, 2), int)
    assert_type(from_thread.run_sync(add, 1, 2), int)
    from_thread.run_sync(add, 1)  # type: ignore[arg-type]


async def portal_calls_keep_the_result_type(portal: BlockingPortal) -> None:
    assert_type(portal.call(async_add, 1, 2), int)
    assert_type(portal.call(add, 1, 2), int)
    assert_type(portal.start_task_soon(async_add, 1, 2), Future[int])
    assert_type(await portal.call_async(add, 1, 2), int)
    assert_type(await portal.call_async(async_add, 1, 2, abandon_on_cancel=True), int)

"""The thread-safe handle on a running asyncio loop, and per-loop run variables."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary

from ..._core._exceptions import RunFinishedError
from ._cancel import fast_running_loop

if TYPE_CHECKING:
    from collections.abc import Callable, Coroutine
    from contextvars import Context

_run_vars: WeakKeyDictionary[asyncio.AbstractEventLoop, dict[object, Any]] = WeakKeyDictionary()


def run_sync_soon(native_token: object, func: Callable[..., object], *args: object) -> None:
    """Schedule ``func(*args)`` on the loop ``native_token``, from any thread."""
    assert isinstance(native_token, asyncio.AbstractEventLoop)
    if native_token.is_closed():
        raise RunFinishedError
    try:
        native_token.call_soon_threadsafe(func, *args)
    except RuntimeError as exc:  # closed between the check and the call
        raise RunFinishedError from exc


_system_tasks: set[asyncio.Task[Any]] = set()


def spawn_system_task(
    func: Callable[..., Coroutine[Any, Any, Any]],
    *args: object,
    context: Context | None = None,
) -> None:
    loop = fast_running_loop()
    if context is None:
        task = loop.create_task(func(*args))
    else:  # create_task(context=) is new in 3.11; this works everywhere
        task = context.run(loop.create_task, func(*args))
    _system_tasks.add(task)  # the loop keeps only weak references to tasks
    task.add_done_callback(_system_tasks.discard)


def run_vars() -> dict[object, Any]:
    loop = fast_running_loop()
    try:
        return _run_vars[loop]
    except KeyError:
        values: dict[object, Any] = {}
        _run_vars[loop] = values
        return values

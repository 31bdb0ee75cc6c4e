"""Low-level primitives for writing libraries on top of anyio."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._core._lowlevel import (
    EventLoopToken,
    RunVar,
    RunvarToken,
    cancel_shielded_checkpoint,
    checkpoint,
    checkpoint_if_cancelled,
    current_token,
)

if TYPE_CHECKING:
    from ._core._clock import VirtualClock, current_virtual_clock
    from ._core._deadlock import DeadlockError
    from ._core._tasktree import (
        CancelReason,
        Frame,
        ScopeSnapshot,
        TaskGroupSnapshot,
        TaskSnapshot,
        TaskTree,
        format_task_tree,
        get_task_tree,
    )

#: Names imported on first use (their modules are slow to import, and
#: `anyio.run()` imports this module): name -> module. Those modules give
#: their objects this module's name themselves.
_LAZY = {
    "VirtualClock": "._core._clock",
    "current_virtual_clock": "._core._clock",
    "DeadlockError": "._core._deadlock",
    **dict.fromkeys(
        (
            "CancelReason",
            "Frame",
            "ScopeSnapshot",
            "TaskGroupSnapshot",
            "TaskSnapshot",
            "TaskTree",
            "format_task_tree",
            "get_task_tree",
        ),
        "._core._tasktree",
    ),
}

__all__ = (
    "CancelReason",
    "DeadlockError",
    "EventLoopToken",
    "Frame",
    "RunVar",
    "RunvarToken",
    "ScopeSnapshot",
    "TaskGroupSnapshot",
    "TaskSnapshot",
    "TaskTree",
    "VirtualClock",
    "cancel_shielded_checkpoint",
    "checkpoint",
    "checkpoint_if_cancelled",
    "current_token",
    "current_virtual_clock",
    "format_task_tree",
    "get_task_tree",
)

for _name in __all__:
    if _name not in _LAZY:
        globals()[_name].__module__ = __name__
del _name


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __package__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})

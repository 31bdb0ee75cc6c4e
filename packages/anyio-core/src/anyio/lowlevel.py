"""Low-level primitives for writing libraries on top of anyio."""

from __future__ import annotations

from ._core._clock import VirtualClock, current_virtual_clock
from ._core._lowlevel import (
    EventLoopToken,
    RunVar,
    RunvarToken,
    cancel_shielded_checkpoint,
    checkpoint,
    checkpoint_if_cancelled,
    current_token,
)
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

__all__ = (
    "CancelReason",
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
    globals()[_name].__module__ = __name__
del _name

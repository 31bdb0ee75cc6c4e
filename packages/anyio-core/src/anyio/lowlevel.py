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

__all__ = (
    "EventLoopToken",
    "RunVar",
    "RunvarToken",
    "VirtualClock",
    "cancel_shielded_checkpoint",
    "checkpoint",
    "checkpoint_if_cancelled",
    "current_token",
    "current_virtual_clock",
)

for _name in __all__:
    globals()[_name].__module__ = __name__
del _name

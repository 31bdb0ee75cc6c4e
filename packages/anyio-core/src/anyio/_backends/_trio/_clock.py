"""The virtual clock on Trio: a `VirtualClock` drives a ``trio.testing.MockClock``.

``trio.testing`` is imported only when a virtual clock is asked for: it
imports pytest, which a Trio program must not pay for.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import trio

from ..._core._clock import VirtualClock, _by_native

if TYPE_CHECKING:
    from collections.abc import Mapping


def check_clock(clock: object) -> None:
    """Accept a `VirtualClock` or any ``trio.abc.Clock`` as the ``clock`` option."""
    if not isinstance(clock, (VirtualClock, trio.abc.Clock)):
        raise TypeError(
            f"the clock option must be an anyio.lowlevel.VirtualClock or a trio.abc.Clock, "
            f"not {clock!r}"
        )


def translate_options(options: Mapping[str, Any]) -> dict[str, Any]:
    """Return ``options`` with a `VirtualClock` replaced by the MockClock it drives."""
    clock = options.get("clock")
    if clock is None:
        return dict(options)
    check_clock(clock)
    if not isinstance(clock, VirtualClock):
        return dict(options)
    from trio.testing import MockClock

    native = MockClock(rate=clock.rate)
    start = clock.current_time()  # a clock moved before the run keeps its time
    clock._bind(native)
    native.jump(start)
    clock._sync_native_threshold()
    return {**options, "clock": native}


def current_virtual_clock() -> VirtualClock | None:
    """Return the `VirtualClock` of the running Trio run, if it has one."""
    return _by_native.get(id(trio.lowlevel.current_clock()))

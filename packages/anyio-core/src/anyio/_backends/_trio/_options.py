"""The options of the Trio backend (``anyio.run(..., backend_options=...)``).

They are the keyword arguments of ``trio.run()``, passed on as they are
(``clock`` may also be an `anyio.lowlevel.VirtualClock`). `TrioOptions` types
the ones Trio has today; `OPTIONS`, what `check_options()` accepts, is read
from ``trio.run()``'s signature, so that a keyword a newer Trio adds passes
through before this module learns about it.
"""

from __future__ import annotations

import inspect
from typing import TYPE_CHECKING, Any, TypedDict

import trio

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from ..._core._clock import VirtualClock


class TrioOptions(TypedDict, total=False):
    """Options of the Trio backend; every key is optional."""

    clock: trio.abc.Clock | VirtualClock | None
    instruments: Sequence[trio.abc.Instrument]
    restrict_keyboard_interrupt_to_checkpoints: bool
    strict_exception_groups: bool


#: The accepted keys: the keyword-only parameters of ``trio.run()``.
OPTIONS: tuple[str, ...] = tuple(
    name
    for name, parameter in inspect.signature(trio.run).parameters.items()
    if parameter.kind is inspect.Parameter.KEYWORD_ONLY
)


def check_options(options: Mapping[str, Any]) -> None:
    """Raise `TypeError` for a key ``trio.run()`` does not take, listing the accepted ones."""
    for key in options:
        if key not in OPTIONS:
            known = ", ".join(OPTIONS)
            raise TypeError(
                f"Unknown option {key!r} for the trio backend; it accepts the "
                f"keyword arguments of trio.run(): {known}"
            )

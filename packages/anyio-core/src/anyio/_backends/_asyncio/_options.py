"""The options of the asyncio backend (``anyio.run(..., backend_options=...)``).

`AsyncioOptions` is the typed form; `OPTIONS` (its keys) is what
`check_options()` accepts, so that the type and the check cannot drift apart.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypedDict

if TYPE_CHECKING:
    import asyncio
    from collections.abc import Callable, Mapping

    from ..._core._clock import VirtualClock


class AsyncioOptions(TypedDict, total=False):
    """Options of the asyncio backend; every key is optional."""

    #: A `anyio.lowlevel.VirtualClock` to run the loop on (selector loops only).
    clock: VirtualClock | None
    #: asyncio's debug mode; not given: follow ``python -X dev`` and ``PYTHONASYNCIODEBUG``.
    debug: bool | None
    #: Makes the event loop (as ``asyncio.Runner(loop_factory=...)``).
    loop_factory: Callable[[], asyncio.AbstractEventLoop] | None
    #: Run on uvloop (winloop on Windows) unless ``loop_factory`` is given.
    use_uvloop: bool


#: The accepted keys, in the order an error message lists them.
OPTIONS: tuple[str, ...] = tuple(sorted(AsyncioOptions.__optional_keys__))


def check_options(options: Mapping[str, Any]) -> None:
    """Raise `TypeError` for a key `AsyncioOptions` does not have, listing the accepted ones."""
    for key in options:
        if key not in OPTIONS:
            known = ", ".join(OPTIONS)
            raise TypeError(f"Unknown option {key!r} for the asyncio backend; it accepts: {known}")
    factory = options.get("loop_factory")
    if factory is not None and not callable(factory):
        raise TypeError(f"loop_factory must be a callable, not {factory!r}")

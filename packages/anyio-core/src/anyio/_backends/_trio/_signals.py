"""Signal delivery on Trio: ``trio.open_signal_receiver``.

Trio already has the semantics anyio promises: pending signals are kept as
an ordered set of kinds (a burst loses no kind), and the previous handlers
come back when the receiver closes. We only translate the native iterator.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import TYPE_CHECKING

import trio

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator


@contextmanager
def open_signal_receiver(*signals: int) -> Iterator[AsyncIterator[int]]:
    """Yield Trio's receiver of ``signals`` (an async iterator of signal numbers)."""
    with trio.open_signal_receiver(*signals) as receiver:
        yield receiver

"""Letting ``pytest.exit()`` and ``KeyboardInterrupt`` through task groups.

pytest ends the session when a test raises `pytest.exit.Exception` (``Exit``)
or ``KeyboardInterrupt``, and reports anything else as a failure. A task
group wraps what its tasks raise in an exception group, so a ``pytest.exit()``
called in a child task, or a ``KeyboardInterrupt`` raised there, would become
one failed test and the session would go on. `unwrap_interrupts` takes such
an exception out of the group and raises it alone, with the group as its
context, so that pytest sees what the user meant.
"""

from __future__ import annotations

import sys
from contextlib import contextmanager
from typing import TYPE_CHECKING

import pytest

if sys.version_info < (3, 11):  # pragma: no cover - Python 3.10
    from exceptiongroup import BaseExceptionGroup

if TYPE_CHECKING:
    from collections.abc import Iterator

#: What pytest treats as "stop the session", not as a failure.
_SESSION_ENDERS: tuple[type[BaseException], ...] = (pytest.exit.Exception, KeyboardInterrupt)


def _session_ender(group: BaseExceptionGroup[BaseException]) -> BaseException | None:
    """The first exception of ``group`` (at any depth) that ends the pytest session."""
    for exc in group.exceptions:
        if isinstance(exc, _SESSION_ENDERS):
            return exc
        if isinstance(exc, BaseExceptionGroup):
            found = _session_ender(exc)
            if found is not None:
                return found
    return None


@contextmanager
def unwrap_interrupts() -> Iterator[None]:
    """Re-raise an ``Exit`` or ``KeyboardInterrupt`` found in an exception group alone."""
    __tracebackhide__ = True
    try:
        yield
    except BaseExceptionGroup as group:
        ender = _session_ender(group)
        if ender is None:
            raise
        raise ender from group

"""Why a task group cancelled its scope: a side table written only on the failure path.

Kept apart from `_tasktree` (which defines dataclasses, slow to import) so that
the backends' task modules can import it at no start-up cost.
"""

from __future__ import annotations

import weakref

#: Task groups' scopes (ours, or Trio's own) → the repr of the exception that
#: made the group cancel its tasks. Written only when a child (or the body) of
#: a group raises. A repr, not the exception: no record may keep an error alive
#: (see the task group hygiene tests), and exceptions cannot be weakly referenced.
_causes: weakref.WeakKeyDictionary[object, str] = weakref.WeakKeyDictionary()


def record_cause(scope: object, exc: BaseException) -> None:
    """Note that ``scope`` (a task group's) is cancelled because ``exc`` was raised."""
    if scope not in _causes:
        _causes[scope] = _repr(exc)


def recorded_cause(scope: object) -> str | None:
    """Return the repr of the exception `record_cause` noted for ``scope``, if any."""
    return _causes.get(scope)


def _repr(exc: BaseException) -> str:
    try:
        text = repr(exc)
    except Exception:  # a broken __repr__ must not break the task group
        text = f"<{type(exc).__name__} (repr failed)>"
    return text if len(text) <= 200 else text[:197] + "..."

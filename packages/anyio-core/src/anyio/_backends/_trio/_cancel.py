"""Cancel scopes on Trio: a thin wrapper around ``trio.CancelScope``.

Trio's scopes already have anyio's semantics (anyio's are modelled on them),
so this class only adapts the API: ``trio.CancelScope`` cannot be subclassed,
and anyio's scope must be an instance of the public `anyio.CancelScope`.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import trio

from ..._core._tasks import CancelScope as PublicCancelScope

if TYPE_CHECKING:
    from types import TracebackType

    from typing_extensions import Self


class CancelScope(PublicCancelScope):
    """The Trio backend's cancel scope: delegates to a ``trio.CancelScope``."""

    __slots__ = ("_scope",)

    def __new__(cls, *args: Any, **kwargs: Any) -> Self:
        return object.__new__(cls)

    def __init__(
        self,
        *,
        deadline: float = math.inf,
        shield: bool = False,
        original: trio.CancelScope | None = None,
    ) -> None:
        self._scope = original or trio.CancelScope(deadline=deadline, shield=shield)

    def __enter__(self) -> Self:
        try:
            self._scope.__enter__()
        except RuntimeError as exc:
            # Only Trio's "used twice" error gets our wording; others (no Trio
            # task running here, say) pass through as they are.
            if "single 'with' block" not in str(exc):
                raise
            raise RuntimeError(
                f"{self!r} was already entered; a cancel scope can be used for "
                "one 'with' block only, so create a new one"
            ) from exc
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_val: BaseException | None,
        exc_tb: TracebackType | None,
    ) -> bool:
        return self._scope.__exit__(exc_type, exc_val, exc_tb)

    def cancel(self, reason: str | None = None) -> None:
        self._scope.cancel(reason)

    @property
    def _timed_out(self) -> bool:
        reason = getattr(self._scope, "_cancel_reason", None)
        source = getattr(reason, "source", None)
        if source is not None:
            return bool(source == "deadline")
        return trio.current_time() >= self._scope.deadline  # pragma: no cover

    @property
    def deadline(self) -> float:
        return self._scope.deadline

    @deadline.setter
    def deadline(self, value: float) -> None:
        self._scope.deadline = value

    @property
    def shield(self) -> bool:
        return self._scope.shield

    @shield.setter
    def shield(self, value: bool) -> None:
        self._scope.shield = value

    @property
    def cancel_called(self) -> bool:
        return self._scope.cancel_called

    @property
    def cancelled_caught(self) -> bool:
        return self._scope.cancelled_caught

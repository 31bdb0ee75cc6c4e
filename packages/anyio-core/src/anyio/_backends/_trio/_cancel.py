"""Cancel scopes on Trio: a thin wrapper around ``trio.CancelScope``.

Trio's scopes already have anyio's semantics (anyio's are modelled on them),
so this class only adapts the API: ``trio.CancelScope`` cannot be subclassed,
and anyio's scope must be an instance of the public `anyio.CancelScope`.
It also gives one misuse AnyIO's wording: exiting a scope in another task
than the one that entered it (checked before Trio sees it, so that Trio's
own scope stays intact for the task that owns it).
"""

from __future__ import annotations

import inspect
import math
from typing import TYPE_CHECKING, Any

import trio
from trio.lowlevel import current_task

from ..._core._tasks import WRONG_TASK_MSG
from ..._core._tasks import CancelScope as PublicCancelScope

if TYPE_CHECKING:
    from types import TracebackType

    from typing_extensions import Self


class CancelScope(PublicCancelScope):
    """The Trio backend's cancel scope: delegates to a ``trio.CancelScope``."""

    __slots__ = ("_host", "_scope")

    # The contract's rule (see anyio._core._tasks.CancelScope.__new__): the
    # public class's __new__ makes the running backend's class, so a backend's
    # class must make itself.
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
        # The task that entered the scope (None: not entered through us).
        self._host: trio.lowlevel.Task | None = None

    def __enter__(self) -> Self:
        try:
            self._scope.__enter__()
            self._host = current_task()
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
        if self._host is not None and self._host is not current_task():
            raise RuntimeError(WRONG_TASK_MSG)
        self._host = None  # no Task kept alive by a scope that a traceback holds
        return self._scope.__exit__(exc_type, exc_val, exc_tb)

    def cancel(self, reason: str | None = None) -> None:
        if reason is not None and TRIO_TAKES_REASON:
            self._scope.cancel(reason=reason)
        else:
            self._scope.cancel()

    @property
    def timed_out(self) -> bool:
        # Trio records why a scope was cancelled only in a private field (no
        # public API as of Trio 0.35); read it defensively, and fall back on
        # the clock for a Trio that lacks it.
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


def _takes_reason() -> bool:
    """Tell whether the installed Trio's ``CancelScope.cancel()`` accepts a reason."""
    try:
        return "reason" in inspect.signature(trio.CancelScope.cancel).parameters
    except (TypeError, ValueError):  # pragma: no cover - an unintrospectable Trio
        return False


TRIO_TAKES_REASON = _takes_reason()

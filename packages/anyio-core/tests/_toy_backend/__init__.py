"""A toy backend, used only by ``test_backend_registry.py``.

It proves that a backend can be added without touching core: this package
plus one entry in `anyio._core._backend.BACKENDS` (which the test adds). Its
"loop" runs one coroutine by sending it ``None`` until it finishes; a
checkpoint yields once; its clock is virtual and jumps on each sleep. Only
what the test calls is real; the rest of the protocol raises.
"""

from __future__ import annotations

import threading
import types
from typing import TYPE_CHECKING, Any, TypeVar

from anyio._core.contract import register_backend

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Coroutine, Generator, Mapping

    from anyio._core.contract import Backend

T = TypeVar("T")


class _Running(threading.local):
    #: True while `ToyBackend.run()` drives its coroutine in this thread.
    active: bool = False


_running = _Running()


@types.coroutine
def _yield_once() -> Generator[None, None, None]:
    yield


class ToyBackend:
    """Just enough of a backend for ``anyio.run``, ``sleep``, ``current_time`` and checkpoints."""

    name = "toy"
    OPTIONS = ("start_time",)

    def __init__(self) -> None:
        self.time = 0.0

    def __getattr__(self, name: str) -> Any:
        raise NotImplementedError(f"the toy backend has no {name}()")

    def check_options(self, options: Mapping[str, Any]) -> None:
        for key in options:
            if key not in self.OPTIONS:
                raise TypeError(
                    f"Unknown option {key!r} for the toy backend; it accepts: start_time"
                )

    def run(
        self,
        func: Callable[..., Coroutine[Any, Any, T]],
        args: tuple[Any, ...],
        options: Mapping[str, Any],
    ) -> T:
        self.time = float(options.get("start_time", 0.0))
        _running.active = True
        try:
            return self._drive(func(*args))
        finally:
            _running.active = False

    @staticmethod
    def _drive(coro: Coroutine[Any, Any, T]) -> T:
        try:
            while True:
                coro.send(None)
        except StopIteration as stop:
            result: T = stop.value
            return result

    def current_time(self) -> float:
        return self.time

    async def sleep(self, delay: float) -> None:
        self.time += delay
        await _yield_once()

    def checkpoint(self) -> Awaitable[None]:
        return _yield_once()


backend = ToyBackend()


def probe() -> Backend | None:
    """Return the toy backend while it runs in this thread."""
    return backend if _running.active else None  # type: ignore[return-value]  # a partial backend


register_backend("toy", backend, probe)  # type: ignore[arg-type]  # a partial backend

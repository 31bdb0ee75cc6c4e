"""Choosing a backend and passing it options."""

from __future__ import annotations

import asyncio
import importlib.util
import sys

import anyio


async def main() -> None:
    # Code written against anyio does not need to know which loop runs it, but it can ask.
    print("this backend cancels with", anyio.get_cancelled_exc_class().__name__)
    print("available backends:", anyio.get_available_backends())


def eager_loop() -> asyncio.AbstractEventLoop:
    loop = asyncio.new_event_loop()
    loop.set_task_factory(asyncio.eager_task_factory)  # Python 3.12+
    return loop


def run_everywhere() -> None:
    """Run `main` once per backend variant (each call starts its own event loop)."""
    anyio.run(main)  # asyncio, the default
    anyio.run(main, backend="asyncio", backend_options={"debug": True})
    if importlib.util.find_spec("uvloop") is not None:
        anyio.run(main, backend_options={"use_uvloop": True})
    if sys.version_info >= (3, 12):
        anyio.run(main, backend_options={"loop_factory": eager_loop})
    if "trio" in anyio.get_available_backends():
        anyio.run(
            main,
            backend="trio",
            backend_options={"restrict_keyboard_interrupt_to_checkpoints": True},
        )


if __name__ == "__main__":
    run_everywhere()

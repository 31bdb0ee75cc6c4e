"""Blocking portals: synchronous code that drives an event loop in another thread."""

from __future__ import annotations

import anyio
from anyio import to_thread
from anyio.from_thread import start_blocking_portal


async def fetch(key: str) -> str:
    await anyio.sleep(0.001)
    return key.upper()


def synchronous_program() -> list[str]:
    """Plain synchronous code (no event loop in this thread) that calls async functions."""
    # The portal runs an event loop in a new thread until the `with` block ends.
    with start_blocking_portal() as portal:
        first = portal.call(fetch, "a")  # runs fetch() in the loop and waits for it
        futures = [portal.start_task_soon(fetch, key) for key in "bcd"]
        return [first, *(future.result() for future in futures)]


async def main() -> None:
    # Only for this demo: the synchronous program must not run in the event loop's thread.
    print(await to_thread.run_sync(synchronous_program))


if __name__ == "__main__":
    print(synchronous_program())

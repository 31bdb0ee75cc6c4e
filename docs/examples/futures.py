"""Handing a result from one task to others with `anyio.Future`."""

from __future__ import annotations

import anyio


async def main() -> None:
    # One task produces a value; any number of tasks await it.
    config: anyio.Future[dict[str, str]] = anyio.Future(name="config")

    async def load_config() -> None:
        await anyio.sleep(0.01)  # pretend to read a file
        config.return_value = {"greeting": "hello"}

    async def greeter(name: str) -> None:
        settings = await config  # waits until the value is there
        print(f"{settings['greeting']}, {name}")

    async with anyio.create_task_group() as tg:
        tg.start_soon(greeter, "Ada")
        tg.start_soon(greeter, "Alan")
        tg.start_soon(load_config)
    print("status:", config.status.name)

    # A failure is handed over the same way; awaiting raises FutureFailed from it.
    lookup: anyio.Future[int] = anyio.Future()
    lookup.exception = LookupError("no such user")
    try:
        await lookup
    except anyio.FutureFailed as exc:
        print("failed:", repr(exc.__cause__))

    # cancel() settles a pending future; awaiting it raises FutureCancelled.
    abandoned: anyio.Future[int] = anyio.Future()
    abandoned.cancel()
    try:
        await abandoned
    except anyio.FutureCancelled:
        print("status:", abandoned.status.name)

    # wait() only waits: it never raises what the future holds.
    await abandoned.wait()


if __name__ == "__main__":
    anyio.run(main)

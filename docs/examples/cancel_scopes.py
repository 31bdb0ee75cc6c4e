"""Cancel scopes: cancelling, timeouts and deadlines."""

from __future__ import annotations

import anyio
import anyio.lowlevel


async def main() -> None:
    # move_on_after: leave the block quietly when the time is up.
    with anyio.move_on_after(0.05) as scope:
        await anyio.sleep(10)
    print("move_on_after caught its cancellation:", scope.cancelled_caught)

    # fail_after: raise TimeoutError instead.
    try:
        with anyio.fail_after(0.05):
            await anyio.sleep(10)
    except TimeoutError:
        print("fail_after raised TimeoutError")

    # An explicit scope, cancelled by another task.
    async with anyio.create_task_group() as tg:
        with anyio.CancelScope() as scope:
            tg.start_soon(cancel_soon, scope)
            await anyio.sleep_forever()
        print("cancelled by another task:", scope.cancel_called)

    # Deadlines nest: the effective deadline is the earliest of the enclosing ones.
    with anyio.move_on_after(10) as outer, anyio.move_on_after(60) as inner:
        print("inner deadline is later:", inner.deadline > outer.deadline)
        print(
            "effective deadline is the outer one:",
            anyio.current_effective_deadline() == outer.deadline,
        )
        await anyio.sleep(0.001)


async def cancel_soon(scope: anyio.CancelScope) -> None:
    await anyio.lowlevel.checkpoint()
    scope.cancel()


if __name__ == "__main__":
    anyio.run(main)

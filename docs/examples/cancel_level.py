"""Level-triggered cancellation, shielding and clean-up that awaits."""

from __future__ import annotations

import anyio
import anyio.lowlevel


async def main() -> None:
    with anyio.CancelScope() as scope:
        scope.cancel()
        for attempt in range(3):
            try:
                await anyio.sleep(1)
            except anyio.get_cancelled_exc_class():  # noqa: PERF203
                # Swallowing the cancellation does not help: the scope is still
                # cancelled, so the next checkpoint raises it again.
                print(f"attempt {attempt}: cancelled")
        # (Never swallow it in real code; this loop only shows the rule.)
    print("left the scope")

    # Clean-up that must await runs in a shielded scope.
    with anyio.move_on_after(0.01):
        try:
            await anyio.sleep_forever()
        finally:
            with anyio.CancelScope(shield=True):
                await anyio.sleep(0.01)  # e.g. tell the peer goodbye
                print("clean-up finished despite the cancellation")

    # A shield blocks the cancellation of the scopes around it.
    with anyio.CancelScope() as outer:
        outer.cancel()
        with anyio.CancelScope(shield=True):
            await anyio.sleep(0.01)  # not cancelled: the shield protects it
            print("the shielded sleep completed")
        await anyio.lowlevel.checkpoint()  # outside the shield: raises here
        print("never printed")
    print("outer scope caught its cancellation:", outer.cancelled_caught)


if __name__ == "__main__":
    anyio.run(main)

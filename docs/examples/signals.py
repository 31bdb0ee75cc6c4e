"""Signals: receive SIGHUP and SIGTERM as an async iterator (POSIX)."""

from __future__ import annotations

import os
import signal

import anyio


async def main() -> None:
    with anyio.open_signal_receiver(signal.SIGHUP, signal.SIGTERM) as signals:
        # Here the program signals itself; a real one gets these from outside
        # (kill -HUP <pid>, or a container runtime stopping it).
        os.kill(os.getpid(), signal.SIGHUP)
        os.kill(os.getpid(), signal.SIGTERM)
        async for signum in signals:
            if signum == signal.SIGHUP:
                print("SIGHUP: reloading the configuration")
            else:
                print(f"{signum.name}: shutting down")
                break
    # Outside the block, the previous handlers are back.


if __name__ == "__main__":
    anyio.run(main)

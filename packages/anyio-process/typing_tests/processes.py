"""Static type checks for anyio-process (run by mypy --strict; nothing here needs to run).

Each ``assert_type`` fails the type check if the inferred type differs, and each
``# type: ignore[code]`` fails it (``warn_unused_ignores``) if the expected error is missing.
"""

from __future__ import annotations

import sys
from subprocess import CompletedProcess

import anyio
from anyio import to_process
from anyio.abc import ByteReceiveStream, ByteSendStream, Process

if sys.version_info >= (3, 11):
    from typing import assert_type
else:
    from typing_extensions import assert_type


def scale(value: int, factor: float) -> float:
    return value * factor


async def run_sync_keeps_argument_and_return_types() -> None:
    assert_type(await to_process.run_sync(scale, 2, 1.5), float)
    await to_process.run_sync(scale, "2", 1.5)  # type: ignore[arg-type]
    await to_process.run_sync(scale, 2)  # type: ignore[arg-type]


async def process_types() -> None:
    process = await anyio.open_process(["true"])
    assert_type(process, Process)
    assert_type(process.stdin, ByteSendStream | None)
    assert_type(process.stdout, ByteReceiveStream | None)
    assert_type(await process.wait(), int)
    assert_type(process.returncode, int | None)
    assert_type(await anyio.run_process("true"), CompletedProcess[bytes])

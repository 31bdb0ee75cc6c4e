"""Static type checks for worker interpreters (run by mypy --strict).

Nothing here needs to run: each ``assert_type`` fails the type check if the type a checker
infers differs, and each ``# type: ignore[code]`` fails it (``warn_unused_ignores``) if the
error it expects does not occur.
"""

from __future__ import annotations

import operator
import sys
import zlib

from anyio import CapacityLimiter, to_interpreter

if sys.version_info >= (3, 11):
    from typing import assert_type
else:
    from typing_extensions import assert_type


def scale(values: list[float], factor: float) -> list[float]:
    return [value * factor for value in values]


async def run_sync_types(limiter: CapacityLimiter) -> None:
    assert_type(await to_interpreter.run_sync(scale, [1.0], 2.0), list[float])
    assert_type(await to_interpreter.run_sync(zlib.compress, b"data"), bytes)
    assert_type(await to_interpreter.run_sync(operator.neg, 1, limiter=limiter), int)
    await to_interpreter.run_sync(scale, [1.0])  # type: ignore[arg-type]  # factor missing
    await to_interpreter.run_sync(scale, "x", 2.0)  # type: ignore[arg-type]  # not a list
    assert_type(to_interpreter.current_default_interpreter_limiter(), CapacityLimiter)

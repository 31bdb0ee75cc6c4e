"""Static type checks for task handles, `TaskGroup.start()` and the combinators.

Run by mypy --strict (mypy.ini lists ``packages/*/typing_tests``). Nothing here needs to
run: each ``assert_type`` fails the type check if the inferred type differs, and each
``# type: ignore[code]`` fails it (``warn_unused_ignores``) if the expected error is gone.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

import anyio
from anyio import TaskHandle

if TYPE_CHECKING:
    from anyio.abc import TaskStatus

if sys.version_info >= (3, 11):
    from typing import assert_type
else:
    from typing_extensions import assert_type


async def to_text(value: int) -> str:
    return str(value)


async def nothing() -> None:
    pass


async def serve(port: int, *, task_status: TaskStatus[int]) -> bytes:
    task_status.started(port)
    return b""


async def handles() -> None:
    async with anyio.create_task_group() as tg:
        assert_type(tg.start_soon(to_text, 1), TaskHandle[str])
        assert_type(tg.start_soon(nothing), TaskHandle[None])
        created = tg.create_task(to_text(2), name="x")
        assert_type(created, TaskHandle[str])
        assert_type(created.return_value, str)
        assert_type(created.exception, BaseException | None)
        assert_type(created.status, TaskHandle.Status)
        assert_type(created.name, str)
        assert_type(created.start_value, Any)
        await created.wait()
        # Awaiting a handle gives what the task returned.
        assert_type(await created, str)
        assert_type(await tg.start_soon(nothing), None)
        assert_type(await tg.create_task(to_text(3)), str)
        created.cancel()

        # start(): the started() value, or a handle with return_handle=True.
        assert_type(await tg.start(serve, 80), Any)
        assert_type(await tg.start(serve, 80, return_handle=True), TaskHandle[bytes])
        assert_type(await (await tg.start(serve, 80, return_handle=True)), bytes)

        tg.start_soon(to_text, "one")  # type: ignore[arg-type]
        tg.create_task(to_text)  # type: ignore[arg-type]


async def combinators() -> None:
    assert_type(await anyio.gather(), tuple[()])
    assert_type(await anyio.gather(to_text(1)), tuple[str])
    assert_type(await anyio.gather(to_text(1), nothing()), tuple[str, None])
    six = await anyio.gather(to_text(1), to_text(2), to_text(3), nothing(), nothing(), to_text(6))
    assert_type(six, tuple[str, str, str, None, None, str])
    many = [to_text(n) for n in range(10)]
    assert_type(await anyio.gather(*many), tuple[str, ...])
    assert_type(await anyio.amap(to_text, range(3)), list[str])
    async with anyio.as_completed(to_text(1), to_text(2)) as finished:
        async for handle in finished:
            assert_type(handle, TaskHandle[str])

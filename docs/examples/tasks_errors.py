"""Errors of child tasks leave a task group as an exception group."""

from __future__ import annotations

import anyio


async def parse(text: str) -> int:
    return int(text)  # ValueError for "x"


async def lookup(key: str) -> str:
    return {"a": "1"}[key]  # KeyError for anything else


async def main() -> None:
    try:
        async with anyio.create_task_group() as tg:
            tg.start_soon(parse, "x")
            tg.start_soon(lookup, "b")
    except* ValueError as group:
        # `group` is an ExceptionGroup holding only the ValueErrors.
        print("bad numbers:", [str(exc) for exc in group.exceptions])
    except* KeyError as group:
        print("missing keys:", [str(exc) for exc in group.exceptions])

    # Even a single failure arrives wrapped in a group.
    try:
        async with anyio.create_task_group() as tg:
            tg.start_soon(parse, "y")
    except ExceptionGroup as group:
        print("one error, still a group:", repr(group.exceptions[0]))


if __name__ == "__main__":
    anyio.run(main)

"""Static typing checks for anyio-path: mypy must accept this file (it is never run).

Check with: `mypy --strict packages/anyio-path/tests/typing_files.py` (from the repo root).
Text modes give `AsyncFile[str]`, binary modes `AsyncFile[bytes]`, and the binary-only
methods (`read1`, `readinto`, `peek`, ...) are rejected on text files.
"""

from __future__ import annotations

import io
import os
import sys
from typing import IO, Any

from typing_extensions import assert_type

import anyio


async def open_file_modes(name: str) -> None:
    async with await anyio.open_file(name) as text:
        assert_type(text, anyio.AsyncFile[str])
        assert_type(await text.read(), str)
        assert_type(await text.readline(), str)
        assert_type(await text.readlines(), list[str])
        async for line in text:
            assert_type(line, str)
        await text.read1()  # type: ignore[misc]  # binary files only
    async with await anyio.open_file(name, "w", encoding="utf-8") as text_out:
        assert_type(text_out, anyio.AsyncFile[str])
        assert_type(await text_out.write("x"), int)
    async with await anyio.open_file(name, "rb") as binary:
        assert_type(binary, anyio.AsyncFile[bytes])
        assert_type(await binary.read(), bytes)
        assert_type(await binary.read1(3), bytes)
        assert_type(await binary.readinto(bytearray(4)), int)
        assert_type(await binary.readinto1(bytearray(4)), int)
        assert_type(await binary.peek(), bytes)
        async for chunk in binary:
            assert_type(chunk, bytes)
    async with await anyio.open_file(os.open(name, os.O_RDONLY), "r+b") as fd_file:
        assert_type(fd_file, anyio.AsyncFile[bytes])
        assert_type(await fd_file.seek(0, os.SEEK_END), int)
        assert_type(await fd_file.tell(), int)
        assert_type(await fd_file.truncate(), int)


async def wrap_file_types() -> None:
    assert_type(anyio.wrap_file(io.StringIO()), anyio.AsyncFile[str])
    assert_type(anyio.wrap_file(io.BytesIO()), anyio.AsyncFile[bytes])
    assert_type(anyio.wrap_file(io.BytesIO()).wrapped, IO[bytes])


async def path_types(path: anyio.Path) -> None:
    async with await path.open() as text:
        assert_type(text, anyio.AsyncFile[str])
    async with await path.open("wb") as binary:
        assert_type(binary, anyio.AsyncFile[bytes])
    assert_type(path / "x", anyio.Path)
    assert_type(path.parent, anyio.Path)
    assert_type(await path.resolve(), anyio.Path)
    assert_type(await anyio.Path.cwd(), anyio.Path)
    assert_type(await path.read_bytes(), bytes)
    assert_type(await path.read_text(), str)
    assert_type(await path.exists(), bool)
    assert_type(await path.stat(), os.stat_result)
    async for child in path.iterdir():
        assert_type(child, anyio.Path)
    async for match in path.glob("*"):
        assert_type(match, anyio.Path)
    if sys.version_info >= (3, 12):
        async for dirpath, dirnames, filenames in path.walk():
            assert_type(dirpath, anyio.Path)
            assert_type(dirnames, list[str])
            assert_type(filenames, list[str])
    path.stat()  # type: ignore[unused-coroutine]  # a coroutine: must be awaited


class MyPath(anyio.Path):
    pass


async def subclass_types(path: MyPath) -> None:
    """Every method that returns a path returns `Self` (AnyIO 4.14+)."""
    assert_type(path / "x", MyPath)
    assert_type("x" / path, MyPath)
    assert_type(path.parent, MyPath)
    assert_type(path.parents[0], MyPath)
    assert_type(path.joinpath("a", "b"), MyPath)
    assert_type(path.with_name("n"), MyPath)
    assert_type(path.with_stem("s"), MyPath)
    assert_type(path.with_suffix(".txt"), MyPath)
    assert_type(path.with_segments("q"), MyPath)
    assert_type(path.relative_to("/"), MyPath)
    assert_type(await path.absolute(), MyPath)
    assert_type(await path.expanduser(), MyPath)
    assert_type(await path.resolve(), MyPath)
    assert_type(await path.readlink(), MyPath)
    assert_type(await path.rename("t"), MyPath)
    assert_type(await path.replace("t"), MyPath)
    assert_type(await MyPath.home(), MyPath)
    assert_type(await MyPath.cwd(), MyPath)
    async for child in path.iterdir():
        assert_type(child, MyPath)
    async for match in path.rglob("*"):
        assert_type(match, MyPath)


async def limiter_types(name: str, limiter: anyio.CapacityLimiter) -> None:
    path = anyio.Path(name, limiter=limiter)
    assert_type(path.limiter, anyio.CapacityLimiter | None)
    assert_type(await MyPath.cwd(limiter=limiter), MyPath)
    assert_type(await anyio.Path.home(limiter=None), anyio.Path)
    async with await anyio.open_file(name, "rb", limiter=limiter) as binary:
        assert_type(binary, anyio.AsyncFile[bytes])
        assert_type(binary.limiter, anyio.CapacityLimiter | None)
    async with await anyio.open_file(name, limiter=limiter) as text:
        assert_type(text, anyio.AsyncFile[str])
    assert_type(anyio.wrap_file(io.BytesIO(), limiter=limiter), anyio.AsyncFile[bytes])
    assert_type(anyio.AsyncFile(io.StringIO(), limiter=limiter), anyio.AsyncFile[str])
    anyio.Path(name, limiter=3)  # type: ignore[arg-type]  # a CapacityLimiter or None
    await path.write_bytes(bytearray(b"any buffer"))
    await path.write_bytes(memoryview(b"any buffer"))


async def tempfile_types() -> None:
    async with anyio.TemporaryFile() as binary:
        assert_type(binary, anyio.AsyncFile[bytes])
    async with anyio.TemporaryFile("w+") as text:
        assert_type(text, anyio.AsyncFile[str])
    async with anyio.NamedTemporaryFile() as named:
        assert_type(named, anyio.AsyncFile[bytes])
    async with anyio.NamedTemporaryFile("w+", delete=False) as named_text:
        assert_type(named_text, anyio.AsyncFile[str])
    async with anyio.SpooledTemporaryFile(max_size=10) as spooled:
        assert_type(spooled, anyio.SpooledTemporaryFile[bytes])
        assert_type(await spooled.read(), bytes)
        await spooled.rollover()
    async with anyio.SpooledTemporaryFile(10, "w+") as spooled_text:
        assert_type(spooled_text, anyio.SpooledTemporaryFile[str])
        assert_type(await spooled_text.read(), str)
    async with anyio.TemporaryDirectory() as name:
        assert_type(name, str)
    async with anyio.TemporaryDirectory(prefix=b"p") as name_b:
        assert_type(name_b, bytes)
    assert_type(await anyio.mkstemp(), tuple[int, str])
    assert_type(await anyio.mkstemp(dir=b"/tmp"), tuple[int, bytes])
    assert_type(await anyio.mkdtemp(), str)
    assert_type(await anyio.mkdtemp(suffix=b"x"), bytes)
    assert_type(await anyio.gettempdir(), str)
    assert_type(await anyio.gettempdirb(), bytes)


async def computed_mode(name: str, mode: str, path: anyio.Path) -> None:
    async with await anyio.open_file(name, mode) as f:
        assert_type(f, anyio.AsyncFile[Any])
    async with await path.open(mode) as g:
        assert_type(g, anyio.AsyncFile[Any])

"""The `limiter=` keyword of `Path`, `open_file()`, `wrap_file()` and `AsyncFile` (AnyIO 4.14+).

Two ways to see that a call uses the given limiter rather than the default one:

- from inside the worker thread: a spy records the limiter's `borrowed_tokens` while the
  blocking function runs (it must be 1, and the default limiter's must not have risen);
- from outside: while the test holds the limiter's only token, the call must wait for it
  (`tasks_waiting` rises), and it completes once the token is released.
"""

from __future__ import annotations

import io
import os
import pathlib
import sys
from typing import TYPE_CHECKING, Any

import pytest

import anyio
from anyio import CapacityLimiter, create_task_group, fail_after, to_thread, wait_all_tasks_blocked

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable
    from pathlib import Path as StdPath

pytestmark = pytest.mark.anyio


@pytest.fixture
def limiter() -> CapacityLimiter:
    return CapacityLimiter(1)


@pytest.fixture
def tree(tmp_path: StdPath) -> StdPath:
    (tmp_path / "file.txt").write_text("content\n")
    (tmp_path / "dir").mkdir()
    (tmp_path / "dir" / "inner.txt").write_text("inner")
    (tmp_path / "link").symlink_to(tmp_path / "file.txt")
    return tmp_path


async def assert_waits_for(limiter: CapacityLimiter, call: Callable[[], Awaitable[Any]]) -> Any:
    """Run `call()` while the test holds `limiter`'s only token: it must wait for the token."""
    holder = object()
    result: list[Any] = []

    async def run() -> None:
        result.append(await call())

    await limiter.acquire_on_behalf_of(holder)
    try:
        with fail_after(10):
            async with create_task_group() as tg:
                tg.start_soon(run)
                await wait_all_tasks_blocked()
                assert limiter.statistics().tasks_waiting == 1, "the call did not use the limiter"
                assert not result
                limiter.release_on_behalf_of(holder)
                holder = None
    finally:
        if holder is not None:
            limiter.release_on_behalf_of(holder)
    assert limiter.borrowed_tokens == 0
    return result[0]


async def first(iterator: Any) -> Any:
    async for item in iterator:
        return item
    raise AssertionError("the iterator yielded nothing")


#: Path operations, each a function of (an anyio.Path of the tree, the tree as a pathlib.Path).
PATH_CALLS: dict[str, Callable[[anyio.Path, StdPath], Awaitable[Any]]] = {
    "absolute": lambda p, t: p.absolute(),
    "expanduser": lambda p, t: p.expanduser(),
    "resolve": lambda p, t: p.resolve(),
    "readlink": lambda p, t: (p / "link").readlink(),
    "stat": lambda p, t: p.stat(),
    "lstat": lambda p, t: p.lstat(),
    "samefile": lambda p, t: p.samefile(t),
    "exists": lambda p, t: p.exists(),
    "is_dir": lambda p, t: p.is_dir(),
    "is_file": lambda p, t: p.is_file(),
    "is_mount": lambda p, t: p.is_mount(),
    "is_symlink": lambda p, t: p.is_symlink(),
    "is_socket": lambda p, t: p.is_socket(),
    "is_fifo": lambda p, t: p.is_fifo(),
    "is_block_device": lambda p, t: p.is_block_device(),
    "is_char_device": lambda p, t: p.is_char_device(),
    "owner": lambda p, t: p.owner(),
    "group": lambda p, t: p.group(),
    "read_bytes": lambda p, t: (p / "file.txt").read_bytes(),
    "read_text": lambda p, t: (p / "file.txt").read_text(),
    "write_bytes": lambda p, t: (p / "new.bin").write_bytes(b"x"),
    "write_text": lambda p, t: (p / "new.txt").write_text("x"),
    "touch": lambda p, t: (p / "touched").touch(),
    "mkdir": lambda p, t: (p / "made").mkdir(),
    "chmod": lambda p, t: (p / "file.txt").chmod(0o644),
    "unlink": lambda p, t: (p / "link").unlink(),
    "rmdir": lambda p, t: (p / "empty").rmdir(),
    "rename": lambda p, t: (p / "file.txt").rename(t / "renamed.txt"),
    "replace": lambda p, t: (p / "file.txt").replace(t / "replaced.txt"),
    "symlink_to": lambda p, t: (p / "new_link").symlink_to(t / "file.txt"),
    "hardlink_to": lambda p, t: (p / "new_hard").hardlink_to(t / "file.txt"),
    "iterdir": lambda p, t: first(p.iterdir()),
    "glob": lambda p, t: first(p.glob("*.txt")),
    "rglob": lambda p, t: first(p.rglob("inner.txt")),
}
if sys.version_info >= (3, 12):
    PATH_CALLS["is_junction"] = lambda p, t: p.is_junction()
    PATH_CALLS["walk"] = lambda p, t: first(p.walk())


class TestPathLimiter:
    def test_default_is_none(self) -> None:
        assert anyio.Path("x").limiter is None

    def test_rejects_other_objects(self) -> None:
        with pytest.raises(TypeError, match="limiter must be a CapacityLimiter or None, not int"):
            anyio.Path("x", limiter=3)  # type: ignore[arg-type]

    @pytest.mark.parametrize("name", sorted(PATH_CALLS))
    async def test_call_waits_for_the_limiter(
        self, tree: StdPath, limiter: CapacityLimiter, name: str
    ) -> None:
        (tree / "empty").mkdir()
        path = anyio.Path(tree, limiter=limiter)
        await assert_waits_for(limiter, lambda: PATH_CALLS[name](path, tree))

    async def test_borrowed_inside_the_call(
        self, tree: StdPath, limiter: CapacityLimiter, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        default = to_thread.current_default_thread_limiter()
        seen: list[tuple[float, float]] = []
        real_stat = pathlib.Path.stat

        def spy_stat(self: pathlib.Path, **kwargs: Any) -> os.stat_result:
            seen.append((limiter.borrowed_tokens, default.borrowed_tokens))
            return real_stat(self, **kwargs)

        monkeypatch.setattr(pathlib.Path, "stat", spy_stat)
        await anyio.Path(tree, limiter=limiter).stat()
        assert seen == [(1, 0)]

    async def test_open_returns_file_with_limiter(
        self, tree: StdPath, limiter: CapacityLimiter
    ) -> None:
        path = anyio.Path(tree / "file.txt", limiter=limiter)
        f = await assert_waits_for(limiter, path.open)
        async with f:
            assert f.limiter is limiter
            assert await assert_waits_for(limiter, f.read) == "content\n"

    @pytest.mark.parametrize("name", ["cwd", "home"])
    async def test_cwd_and_home(self, limiter: CapacityLimiter, name: str) -> None:
        method = getattr(anyio.Path, name)
        path = await assert_waits_for(limiter, lambda: method(limiter=limiter))
        assert path.limiter is limiter
        assert (await method()).limiter is None

    def test_derived_paths_keep_it(self, limiter: CapacityLimiter) -> None:
        path = anyio.Path("/a/b.txt", limiter=limiter)
        derived = [
            path.parent,
            path / "c",
            "x" / anyio.Path("y", limiter=limiter),
            path.joinpath("c"),
            path.with_name("n"),
            path.with_stem("s"),
            path.with_suffix(".md"),
            path.relative_to("/a"),
            path.with_segments("q"),
            *path.parents,
        ]
        assert all(p.limiter is limiter for p in derived)

    async def test_async_results_keep_it(self, tree: StdPath, limiter: CapacityLimiter) -> None:
        path = anyio.Path(tree, limiter=limiter)
        results = [
            await path.resolve(),
            await path.absolute(),
            await path.expanduser(),
            await (path / "link").readlink(),
            await (path / "file.txt").rename(tree / "renamed.txt"),
            *[p async for p in path.iterdir()],
            *[p async for p in path.glob("*")],
            *[p async for p in path.rglob("*")],
        ]
        if sys.version_info >= (3, 12):
            results += [top async for top, _, _ in path.walk()]
        assert all(p.limiter is limiter for p in results)

    async def test_subclass_keeps_type_and_limiter(
        self, tree: StdPath, limiter: CapacityLimiter
    ) -> None:
        class MyPath(anyio.Path):
            __slots__ = ()

        path = MyPath(tree, limiter=limiter)
        for derived in (path / "file.txt", await path.resolve(), await first(path.iterdir())):
            assert type(derived) is MyPath
            assert derived.limiter is limiter


class TestFileLimiter:
    def test_default_is_none(self) -> None:
        assert anyio.wrap_file(io.BytesIO()).limiter is None
        assert anyio.AsyncFile(io.BytesIO()).limiter is None

    def test_rejects_other_objects(self) -> None:
        with pytest.raises(TypeError, match="limiter must be a CapacityLimiter or None"):
            anyio.wrap_file(io.BytesIO(), limiter="x")  # type: ignore[arg-type]
        with pytest.raises(TypeError, match="limiter must be a CapacityLimiter or None"):
            anyio.AsyncFile(io.BytesIO(), limiter=object())  # type: ignore[arg-type]

    async def test_open_file_rejects_other_objects(self, tree: StdPath) -> None:
        with pytest.raises(TypeError, match="limiter must be a CapacityLimiter or None"):
            await anyio.open_file(tree / "file.txt", limiter=1)  # type: ignore[call-overload]

    async def test_open_file_borrows_inside_the_open(
        self, tree: StdPath, limiter: CapacityLimiter
    ) -> None:
        default = to_thread.current_default_thread_limiter()
        seen: list[tuple[float, float]] = []

        def opener(name: str, flags: int) -> int:
            seen.append((limiter.borrowed_tokens, default.borrowed_tokens))
            return os.open(name, flags)

        f = await anyio.open_file(tree / "file.txt", opener=opener, limiter=limiter)
        async with f:
            assert f.limiter is limiter
        assert seen == [(1, 0)]

    async def test_open_file_waits_for_the_limiter(
        self, tree: StdPath, limiter: CapacityLimiter
    ) -> None:
        f = await assert_waits_for(
            limiter, lambda: anyio.open_file(tree / "file.txt", "rb", limiter=limiter)
        )
        await f.aclose()

    async def test_every_method_borrows_inside_the_call(self, limiter: CapacityLimiter) -> None:
        default = to_thread.current_default_thread_limiter()
        seen: dict[str, tuple[float, float]] = {}

        def spy(name: str) -> Callable[..., Any]:
            def method(self: io.BytesIO, *args: Any) -> Any:
                seen[name] = (limiter.borrowed_tokens, default.borrowed_tokens)
                return getattr(io.BytesIO, name)(self, *args)

            return method

        names = ["read", "read1", "readinto", "readinto1", "readline", "readlines", "write"]
        names += ["writelines", "truncate", "seek", "tell", "flush", "close"]
        spy_class = type("SpyBytesIO", (io.BytesIO,), {name: spy(name) for name in names})
        f = anyio.wrap_file(spy_class(b"line\n"), limiter=limiter)
        await f.read(1)
        await f.read1(1)
        await f.readinto(bytearray(1))
        await f.readinto1(bytearray(1))
        await f.readline()
        await f.seek(0)
        await f.readlines()
        await f.write(b"x")
        await f.writelines([b"y"])
        await f.truncate(2)
        await f.tell()
        await f.flush()
        await f.aclose()
        assert seen == dict.fromkeys(names, (1, 0))

    async def test_async_iteration_uses_it(self, limiter: CapacityLimiter) -> None:
        f = anyio.wrap_file(io.StringIO("a\nb\n"), limiter=limiter)
        assert await assert_waits_for(limiter, lambda: first(f)) == "a\n"

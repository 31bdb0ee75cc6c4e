"""Temporary files and directories: creation, clean-up, the spooled rollover, cancellation."""

from __future__ import annotations

import io
import os
import sys
import tempfile
import threading
from contextlib import asynccontextmanager
from pathlib import Path as StdPath
from typing import TYPE_CHECKING, Any

import pytest

import anyio
from anyio import CancelScope, create_task_group, to_thread, wait_all_tasks_blocked
from anyio.lowlevel import checkpoint

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Awaitable, Callable

pytestmark = pytest.mark.anyio


# Blocking checks of the file system, kept out of the async test bodies.
def exists(path: str | bytes | StdPath) -> bool:
    return os.path.lexists(path)


def is_dir(path: str | bytes | StdPath) -> bool:
    return os.path.isdir(path)


def is_file(path: str | bytes | StdPath) -> bool:
    return os.path.isfile(path)


def read_bytes(path: str | StdPath) -> bytes:
    return StdPath(path).read_bytes()


def replace_with_file(path: str) -> None:
    os.rmdir(path)
    StdPath(path).write_text("a file where the directory was")


def device_of(path: StdPath) -> int:
    return path.stat().st_dev


@asynccontextmanager
async def worker_threads_busy() -> AsyncIterator[Callable[[], None]]:
    """Hold the only token of the default thread limiter until the yielded function is called.

    Every `to_thread.run_sync()` call made meanwhile waits for the token: a way to keep a
    clean-up "in progress" for as long as a test needs, without sleeping.
    """
    limiter = to_thread.current_default_thread_limiter()
    saved = limiter.total_tokens
    limiter.total_tokens = 1
    await limiter.acquire()
    held = [True]

    def release() -> None:
        if held.pop():
            limiter.release()

    try:
        yield release
    finally:
        if held:
            release()
        limiter.total_tokens = saved


async def cancel_during(
    step: Callable[[], Awaitable[Any]],
) -> dict[str, Any]:
    """Run `step()` in a task, cancel the task while `step` waits for a worker thread.

    Returns what happened: whether the task's scope caught the cancellation and whether the
    task went on past `step()` without being cancelled (it must not: the next checkpoint
    raises).
    """
    outcome: dict[str, Any] = {}

    async def task() -> None:
        with CancelScope() as scope:
            outcome["scope"] = scope
            outcome["result"] = await step()
            await checkpoint()
            outcome["not_cancelled"] = True

    async with worker_threads_busy() as release, create_task_group() as tg:
        tg.start_soon(task)
        await wait_all_tasks_blocked()
        outcome["scope"].cancel()
        await wait_all_tasks_blocked()
        outcome["done_before_release"] = "result" in outcome
        release()
    return outcome


# --- TemporaryFile -----------------------------------------------------------------------


class TestTemporaryFile:
    async def test_binary(self) -> None:
        async with anyio.TemporaryFile() as f:
            assert isinstance(f, anyio.AsyncFile)
            assert await f.write(b"scratch") == 7
            await f.seek(0)
            assert await f.read() == b"scratch"
        assert f.closed

    async def test_text(self, tmp_path: StdPath) -> None:
        async with anyio.TemporaryFile(
            "w+", encoding="latin-1", newline="\r\n", errors="replace", dir=str(tmp_path)
        ) as f:
            await f.write("é\n☃")
            await f.seek(0)
            assert await f.read() == "é\r\n?"  # newline="\r\n": no translation on read
            await f.seek(0)
            assert f.wrapped.buffer.read() == b"\xe9\r\n?"  # type: ignore[attr-defined]

    async def test_options_are_passed(self, tmp_path: StdPath) -> None:
        async with anyio.TemporaryFile(
            "wb", buffering=0, suffix=".s", prefix="p.", dir=str(tmp_path)
        ) as f:
            assert isinstance(f.wrapped, io.FileIO)
            # An unnamed file in `dir` (Linux: O_TMPFILE), so nothing is listed there.
            assert os.fstat(f.fileno()).st_dev == device_of(tmp_path)

    async def test_entered_twice(self) -> None:
        context = anyio.TemporaryFile()
        async with context:
            with pytest.raises(RuntimeError, match="already entered"):
                await context.__aenter__()

    async def test_closed_when_body_cancelled(self) -> None:
        with CancelScope() as scope:
            async with anyio.TemporaryFile() as f:
                scope.cancel()
                await checkpoint()
        assert scope.cancelled_caught
        assert f.closed

    async def test_closed_when_cancelled_during_cleanup(self) -> None:
        context = anyio.TemporaryFile()
        f = await context.__aenter__()
        outcome = await cancel_during(lambda: context.__aexit__(None, None, None))
        assert not outcome["done_before_release"]  # the clean-up waited for a thread
        assert outcome["scope"].cancelled_caught
        assert "not_cancelled" not in outcome
        assert f.closed


# --- NamedTemporaryFile ------------------------------------------------------------------


class TestNamedTemporaryFile:
    async def test_deleted_on_exit(self, tmp_path: StdPath) -> None:
        async with anyio.NamedTemporaryFile(suffix=".bin", prefix="n.", dir=str(tmp_path)) as f:
            name = StdPath(f.name)
            assert name.parent == tmp_path
            assert name.name.startswith("n.")
            assert name.name.endswith(".bin")
            await f.write(b"data")
            await f.flush()
            assert read_bytes(name) == b"data"
        assert not exists(name)
        assert f.closed

    async def test_text_mode(self, tmp_path: StdPath) -> None:
        async with anyio.NamedTemporaryFile("w+", encoding="utf-8", dir=str(tmp_path)) as f:
            await f.write("text ☃")
            await f.seek(0)
            assert await f.read() == "text ☃"

    async def test_keep(self, tmp_path: StdPath) -> None:
        async with anyio.NamedTemporaryFile(dir=str(tmp_path), delete=False) as f:
            await f.write(b"kept")
        assert read_bytes(f.name) == b"kept"

    @pytest.mark.skipif(sys.version_info < (3, 12), reason="delete_on_close needs 3.12+")
    async def test_delete_on_close_false(self, tmp_path: StdPath) -> None:
        async with anyio.NamedTemporaryFile(dir=str(tmp_path), delete_on_close=False) as f:
            await f.write(b"x")
            await f.aclose()
            assert exists(f.name)  # closed, kept until the block ends
        assert not exists(f.name)

    @pytest.mark.skipif(sys.version_info >= (3, 12), reason="delete_on_close exists on 3.12+")
    async def test_delete_on_close_false_needs_312(self) -> None:
        with pytest.raises(ValueError, match=r"delete_on_close=False\) needs Python 3\.12"):
            anyio.NamedTemporaryFile(delete_on_close=False)

    async def test_deleted_when_body_cancelled(self, tmp_path: StdPath) -> None:
        with CancelScope() as scope:
            async with anyio.NamedTemporaryFile(dir=str(tmp_path)) as f:
                scope.cancel()
                await checkpoint()
        assert scope.cancelled_caught
        assert not exists(f.name)

    async def test_deleted_when_cancelled_during_cleanup(self, tmp_path: StdPath) -> None:
        context = anyio.NamedTemporaryFile(dir=str(tmp_path))
        f = await context.__aenter__()
        outcome = await cancel_during(lambda: context.__aexit__(None, None, None))
        assert not outcome["done_before_release"]
        assert outcome["scope"].cancelled_caught
        assert "not_cancelled" not in outcome
        assert not exists(f.name)


# --- SpooledTemporaryFile ----------------------------------------------------------------


async def _binary_script(f: anyio.SpooledTemporaryFile[bytes]) -> list[Any]:
    """Every binary operation once; returns what each returned."""
    buffer = bytearray(4)
    results: list[Any] = [
        await f.write(b"line one\nline two\n"),
        await f.writelines([b"three\n", bytearray(b"four\n")]),
        await f.tell(),
        await f.seek(0),
        await f.read(4),
        await f.read1(1),
        await f.readinto(buffer),
        bytes(buffer),
        await f.readinto1(memoryview(buffer)[:2]),
        bytes(buffer),
        (await f.peek(1))[:3],
        await f.readline(),
        await f.readlines(),
        await f.read(),
        await f.seek(-5, os.SEEK_END),
        await f.read(),
        await f.truncate(5),
        await f.seek(0),
        [line async for line in f],
    ]
    await f.flush()
    return results


async def _text_script(f: anyio.SpooledTemporaryFile[str]) -> list[Any]:
    """Every text operation once; returns what each returned."""
    results: list[Any] = [await f.write("héllo\nwörld\n"), await f.seek(0)]
    results += [await f.read(2), await f.readline()]
    position = await f.tell()
    results += [await f.readlines(), await f.seek(position), await f.read()]
    results += [await f.seek(0), [line async for line in f], await f.truncate(3)]
    return results


class TestSpooledTemporaryFile:
    @pytest.mark.parametrize("max_size", [0, 5, 1000])
    async def test_binary_same_before_and_after_rollover(self, max_size: int) -> None:
        async with anyio.SpooledTemporaryFile(max_size=1000) as reference:
            expected = await _binary_script(reference)
            assert isinstance(reference.wrapped, io.BytesIO)  # never rolled over
        async with anyio.SpooledTemporaryFile(max_size=max_size) as f:
            assert await _binary_script(f) == expected
            assert isinstance(f.wrapped, io.BytesIO) == (max_size != 5)

    async def test_binary_after_explicit_rollover(self) -> None:
        async with anyio.SpooledTemporaryFile() as reference:
            expected = await _binary_script(reference)
        async with anyio.SpooledTemporaryFile() as f:
            await f.rollover()
            assert not isinstance(f.wrapped, io.BytesIO)
            assert await _binary_script(f) == expected

    @pytest.mark.parametrize("max_size", [0, 4])
    async def test_text_same_before_and_after_rollover(self, max_size: int) -> None:
        async with anyio.SpooledTemporaryFile(0, "w+", encoding="utf-8") as reference:
            expected = await _text_script(reference)
        async with anyio.SpooledTemporaryFile(max_size, "w+", encoding="utf-8") as f:
            assert await _text_script(f) == expected

    async def test_rollover_keeps_data_and_position(self) -> None:
        async with anyio.SpooledTemporaryFile(max_size=10) as f:
            await f.write(b"0123456789")
            assert isinstance(f.wrapped, io.BytesIO)
            await f.seek(3)
            await f.write(b"abcdefghij")  # 13 bytes: over the limit
            assert not isinstance(f.wrapped, io.BytesIO)
            assert await f.tell() == 13
            await f.seek(0)
            assert await f.read() == b"012abcdefghij"
            assert f.fileno() >= 0

    async def test_text_rollover_keeps_position(self) -> None:
        async with anyio.SpooledTemporaryFile(100, "w+", encoding="utf-8", newline="\r\n") as f:
            await f.write("αβγ\n")
            await f.seek(0)
            assert await f.readline() == "αβγ\r\n"
            position = await f.tell()
            await f.rollover()
            assert not isinstance(f.wrapped, io.TextIOWrapper) or f.wrapped.name is not None
            assert await f.tell() == position
            await f.write("δ" * 60)  # encoded: 120 bytes, on disk now anyway
            await f.seek(0)
            assert await f.read() == "αβγ\r\n" + "δ" * 60

    async def test_text_rollover_on_write(self) -> None:
        async with anyio.SpooledTemporaryFile(4, "w+") as f:
            await f.write("abc")
            assert isinstance(f.wrapped, io.TextIOWrapper)
            assert f.wrapped.buffer.__class__ is io.BytesIO
            await f.write("de")
            assert f.wrapped.buffer.__class__ is not io.BytesIO
            await f.seek(0)
            assert await f.read() == "abcde"

    async def test_writelines_rolls_over(self) -> None:
        async with anyio.SpooledTemporaryFile(max_size=3) as f:
            await f.writelines([b"ab", b"cd"])
            assert not isinstance(f.wrapped, io.BytesIO)

    async def test_truncate_beyond_max_size_rolls_over(self) -> None:
        async with anyio.SpooledTemporaryFile(max_size=10) as f:
            await f.write(b"abc")
            assert await f.truncate(5) == 5
            assert isinstance(f.wrapped, io.BytesIO)
            assert await f.truncate(20) == 20
            assert not isinstance(f.wrapped, io.BytesIO)
            await f.seek(0)
            assert await f.read() == b"abc" + bytes(17)

    async def test_zero_max_size_never_rolls_over(self) -> None:
        async with anyio.SpooledTemporaryFile() as f:
            await f.write(b"x" * 100_000)
            assert isinstance(f.wrapped, io.BytesIO)
            with pytest.raises(io.UnsupportedOperation):
                f.fileno()

    async def test_rollover_twice(self) -> None:
        async with anyio.SpooledTemporaryFile() as f:
            await f.rollover()
            disk = f.wrapped
            await f.rollover()
            assert f.wrapped is disk

    async def test_closed(self) -> None:
        memory = anyio.SpooledTemporaryFile()
        assert not memory.closed
        await memory.aclose()
        assert memory.closed
        async with anyio.SpooledTemporaryFile() as disk:
            await disk.rollover()
        assert disk.closed
        assert disk.wrapped.closed

    async def test_repr_and_options(self, tmp_path: StdPath) -> None:
        f = anyio.SpooledTemporaryFile(
            1, "w+b", buffering=0, suffix=".s", prefix="p", dir=str(tmp_path)
        )
        assert repr(f) == "<SpooledTemporaryFile in memory max_size=1>"
        await f.write(b"ab")
        assert repr(f) == "<SpooledTemporaryFile on disk max_size=1>"
        assert isinstance(f.wrapped, io.FileIO)  # buffering=0 reached the disk file
        await f.aclose()

    async def test_peek_needs_binary_mode(self) -> None:
        async with anyio.SpooledTemporaryFile(0, "w+") as f:
            with pytest.raises(AttributeError, match="peek"):
                await f.peek()  # type: ignore[misc]

    async def test_negative_max_size(self) -> None:
        with pytest.raises(ValueError, match="max_size"):
            anyio.SpooledTemporaryFile(max_size=-1)

    async def test_in_memory_operations_are_checkpoints(self) -> None:
        async with anyio.SpooledTemporaryFile() as f:
            with CancelScope() as scope:
                scope.cancel()
                await f.write(b"never")
            assert scope.cancelled_caught
            assert await f.tell() == 0

    async def test_rollover_completes_when_cancelled(self) -> None:
        """A write that triggers the rollover finishes it even if cancelled meanwhile."""
        f = anyio.SpooledTemporaryFile(max_size=4)
        outcome = await cancel_during(lambda: f.write(b"too big"))
        assert not outcome["done_before_release"]  # the rollover waited for a thread
        assert outcome["result"] == 7
        assert outcome["scope"].cancelled_caught
        assert "not_cancelled" not in outcome
        assert not isinstance(f.wrapped, io.BytesIO)
        await f.seek(0)
        assert await f.read() == b"too big"
        await f.aclose()


# --- TemporaryDirectory ------------------------------------------------------------------


class TestTemporaryDirectory:
    async def test_created_and_removed(self, tmp_path: StdPath) -> None:
        context = anyio.TemporaryDirectory(suffix=".d", prefix="t.", dir=str(tmp_path))
        async with context as name:
            assert isinstance(name, str)
            assert context.name == name
            path = StdPath(name)
            assert is_dir(path)
            assert path.parent == tmp_path
            assert path.name.startswith("t.")
            assert path.name.endswith(".d")
            (path / "sub").mkdir()
            (path / "sub" / "file").write_text("x")
        assert not exists(path)

    async def test_bytes(self, tmp_path: StdPath) -> None:
        async with anyio.TemporaryDirectory(dir=os.fsencode(tmp_path)) as name:
            assert isinstance(name, bytes)
            assert is_dir(name)
        assert not exists(name)

    async def test_keep(self, tmp_path: StdPath) -> None:
        context = anyio.TemporaryDirectory(dir=str(tmp_path), delete=False)
        async with context as name:
            pass
        assert is_dir(name)
        await context.cleanup()  # an explicit clean-up still removes it
        assert not exists(name)

    async def test_early_cleanup(self, tmp_path: StdPath) -> None:
        context = anyio.TemporaryDirectory(dir=str(tmp_path))
        async with context as name:
            await context.cleanup()
            assert not exists(name)
        assert not exists(name)

    async def test_cleanup_before_enter(self) -> None:
        with pytest.raises(RuntimeError, match="never entered"):
            await anyio.TemporaryDirectory().cleanup()

    async def test_entered_twice(self) -> None:
        context = anyio.TemporaryDirectory()
        async with context:
            with pytest.raises(RuntimeError, match="already entered"):
                await context.__aenter__()

    @pytest.mark.parametrize("ignore", [False, True])
    async def test_ignore_cleanup_errors(self, tmp_path: StdPath, ignore: bool) -> None:
        context = anyio.TemporaryDirectory(dir=str(tmp_path), ignore_cleanup_errors=ignore)
        name = await context.__aenter__()
        replace_with_file(name)
        if ignore:
            await context.__aexit__(None, None, None)
        else:
            with pytest.raises(NotADirectoryError):
                await context.__aexit__(None, None, None)
        os.unlink(name)

    async def test_removed_when_body_cancelled(self, tmp_path: StdPath) -> None:
        with CancelScope() as scope:
            async with anyio.TemporaryDirectory(dir=str(tmp_path)) as name:
                (StdPath(name) / "f").touch()
                scope.cancel()
                await checkpoint()
        assert scope.cancelled_caught
        assert not exists(name)

    async def test_removed_when_cancelled_during_cleanup(self, tmp_path: StdPath) -> None:
        context = anyio.TemporaryDirectory(dir=str(tmp_path))
        name = await context.__aenter__()
        outcome = await cancel_during(lambda: context.__aexit__(None, None, None))
        assert not outcome["done_before_release"]
        assert outcome["scope"].cancelled_caught
        assert "not_cancelled" not in outcome
        assert not exists(name)

    async def test_cleanup_completes_when_cancelled(self, tmp_path: StdPath) -> None:
        context = anyio.TemporaryDirectory(dir=str(tmp_path))
        name = await context.__aenter__()
        outcome = await cancel_during(context.cleanup)
        assert outcome["scope"].cancelled_caught
        assert not exists(name)
        await context.__aexit__(None, None, None)


# --- functions ---------------------------------------------------------------------------


class TestFunctions:
    async def test_mkstemp(self, tmp_path: StdPath) -> None:
        fd, name = await anyio.mkstemp(suffix=".x", prefix="m", dir=str(tmp_path))
        try:
            assert isinstance(name, str)
            assert StdPath(name).parent == tmp_path
            assert StdPath(name).name.startswith("m")
            os.write(fd, b"data")
        finally:
            os.close(fd)
        assert read_bytes(name) == b"data"

    async def test_mkstemp_bytes_and_text(self, tmp_path: StdPath) -> None:
        fd, name = await anyio.mkstemp(dir=os.fsencode(tmp_path), text=True)
        os.close(fd)
        assert isinstance(name, bytes)
        assert is_file(name)

    async def test_mkdtemp(self, tmp_path: StdPath) -> None:
        name = await anyio.mkdtemp(suffix=".d", prefix="p", dir=str(tmp_path))
        assert isinstance(name, str)
        assert is_dir(name)
        assert StdPath(name).name.startswith("p")
        name_b = await anyio.mkdtemp(dir=os.fsencode(tmp_path))
        assert isinstance(name_b, bytes)
        assert is_dir(name_b)

    async def test_gettempdir(self) -> None:
        assert await anyio.gettempdir() == tempfile.gettempdir()
        assert await anyio.gettempdirb() == tempfile.gettempdirb()

    async def test_public_names(self) -> None:
        for name in (
            "TemporaryFile",
            "NamedTemporaryFile",
            "SpooledTemporaryFile",
            "TemporaryDirectory",
            "mkstemp",
            "mkdtemp",
            "gettempdir",
            "gettempdirb",
        ):
            assert getattr(anyio, name).__module__ == "anyio", name


# --- AnyIO 4.14-4.16 fixes ---------------------------------------------------------------


class TestTemporaryDirectoryCancellation:
    async def test_already_cancelled_host_creates_nothing(self, tmp_path: StdPath) -> None:
        with CancelScope() as scope:
            scope.cancel()
            async with anyio.TemporaryDirectory(dir=str(tmp_path)):
                pytest.fail("the block must not run in a cancelled scope")
        assert scope.cancelled_caught
        assert os.listdir(tmp_path) == []

    async def test_cancelled_during_creation_leaves_nothing(
        self, tmp_path: StdPath, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """AnyIO#1403: the directory made by a creation that was cancelled is removed."""
        created = threading.Event()
        release = threading.Event()
        real_mkdtemp = tempfile.mkdtemp

        def slow_mkdtemp(*args: Any) -> Any:
            name = real_mkdtemp(*args)
            created.set()
            release.wait(10)
            return name

        monkeypatch.setattr(tempfile, "mkdtemp", slow_mkdtemp)
        entered: list[str] = []

        async def host(scope: CancelScope) -> None:
            with scope:
                async with anyio.TemporaryDirectory(dir=str(tmp_path)) as name:
                    entered.append(name)
                    await checkpoint()
                    entered.append("not cancelled")

        scope = CancelScope()
        with anyio.fail_after(10):
            async with create_task_group() as tg:
                tg.start_soon(host, scope)
                await to_thread.run_sync(created.wait, 10)
                await wait_all_tasks_blocked()
                scope.cancel()
                release.set()
        assert scope.cancelled_caught
        assert "not cancelled" not in entered
        assert os.listdir(tmp_path) == []

    async def test_cleanup_in_cancelled_scope_removes_then_raises(self, tmp_path: StdPath) -> None:
        """AnyIO#1316: `cleanup()` in an already cancelled scope removes the directory,
        and then the pending cancellation reaches its caller."""
        tempdir = anyio.TemporaryDirectory(dir=str(tmp_path))
        reached: list[str] = []
        async with tempdir:
            with CancelScope() as scope:
                scope.cancel()
                await tempdir.cleanup()
                reached.append("after cleanup()")
            assert scope.cancelled_caught
            assert reached == []
            assert os.listdir(tmp_path) == []

    async def test_cleaned_up_when_host_cancelled_at_exit(self, tmp_path: StdPath) -> None:
        """AnyIO#1304/#1316: an exit in an already cancelled scope still removes it."""
        with CancelScope() as scope:
            async with anyio.TemporaryDirectory(dir=str(tmp_path)) as name:
                (StdPath(name) / "data").write_bytes(b"x")
                scope.cancel()
            await checkpoint()
        assert scope.cancelled_caught
        assert os.listdir(tmp_path) == []


async def _leave_cancelled(kind: str, scope: CancelScope, tmp: StdPath) -> Callable[[], bool]:
    """Create a temporary file or directory, cancel `scope`, then leave or close it.

    Returns a probe saying whether the object is closed (or removed) now.
    """
    if kind == "TemporaryFile":
        async with anyio.TemporaryFile() as f:
            scope.cancel()
        return lambda: f.closed
    if kind == "NamedTemporaryFile":
        async with anyio.NamedTemporaryFile(dir=str(tmp)) as f:
            scope.cancel()
        return lambda: f.closed and os.listdir(tmp) == []
    if kind.startswith("SpooledTemporaryFile"):
        spooled = anyio.SpooledTemporaryFile[bytes](max_size=10, dir=str(tmp))
        async with spooled:
            await spooled.write(b"x" * (100 if kind.endswith("rolled") else 5))
            scope.cancel()
        return lambda: spooled.closed and os.listdir(tmp) == []
    async with anyio.TemporaryDirectory(dir=str(tmp)):
        scope.cancel()
    return lambda: os.listdir(tmp) == []


class TestLeavingInCancelledScope:
    """AnyIO 4.16: clean-up in a cancelled scope completes and does not raise the cancellation.

    The cancellation stays pending and is raised at the next checkpoint.
    """

    @pytest.mark.parametrize(
        "kind",
        [
            "TemporaryFile",
            "NamedTemporaryFile",
            "SpooledTemporaryFile",
            "SpooledTemporaryFile-rolled",
            "TemporaryDirectory",
        ],
    )
    async def test_cleaned_up_without_raising(self, kind: str, tmp_path: StdPath) -> None:
        reached: list[bool] = []
        with CancelScope() as scope:
            is_cleaned_up = await _leave_cancelled(kind, scope, tmp_path)
            reached.append(is_cleaned_up())
            await checkpoint()
            reached.append(False)
        assert reached == [True]
        assert scope.cancelled_caught


class TestSpooledFixes:
    async def test_zero_max_size_never_rolls_over_on_any_write(self) -> None:
        """AnyIO#1397: `max_size=0` means no limit for every way of growing the file."""
        async with anyio.SpooledTemporaryFile(max_size=0) as f:
            await f.writelines([b"x" * 70_000, b"y" * 70_000])
            assert await f.truncate(1_000_000) == 1_000_000
            await f.write(b"z")
            assert isinstance(f.wrapped, io.BytesIO)

    @pytest.mark.parametrize("mode", ["w+b", "w+"])
    async def test_rollover_cancelled_before_its_thread_keeps_data(self, mode: str) -> None:
        """AnyIO#1404: a rollover cancelled before it could start leaves the file in memory."""
        f = anyio.SpooledTemporaryFile(100, mode)  # type: ignore[call-overload]
        data = "0123456789" if "b" not in mode else b"0123456789"
        await f.write(data)
        await f.seek(4)
        outcome = await cancel_during(f.rollover)
        assert outcome["scope"].cancelled_caught
        assert "result" not in outcome
        assert await f.tell() == 4
        assert await f.read() == data[4:]
        await f.aclose()

    @pytest.mark.parametrize("mode", ["w+b", "w+"])
    async def test_rollover_cancelled_while_moving_keeps_data_and_position(
        self, mode: str, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """AnyIO#1401/#1404: the move completes, with a text wrapper's pending data too."""
        moving = threading.Event()
        release = threading.Event()
        real_temporary_file = tempfile.TemporaryFile

        def slow_temporary_file(*args: Any, **kwargs: Any) -> Any:
            moving.set()
            release.wait(10)
            return real_temporary_file(*args, **kwargs)

        monkeypatch.setattr(tempfile, "TemporaryFile", slow_temporary_file)
        f = anyio.SpooledTemporaryFile(100, mode)  # type: ignore[call-overload]
        data = "0123456789" if "b" not in mode else b"0123456789"
        await f.write(data)
        await f.seek(4)
        await f.write(data[:2])  # pending in the text wrapper until flushed
        scope = CancelScope()

        async def roll() -> None:
            with scope:
                await f.rollover()
                await checkpoint()

        with anyio.fail_after(10):
            async with create_task_group() as tg:
                tg.start_soon(roll)
                await to_thread.run_sync(moving.wait, 10)
                scope.cancel()
                await wait_all_tasks_blocked()
                release.set()
        assert scope.cancelled_caught
        assert "on disk" in repr(f)
        assert await f.tell() == 6
        assert await f.read() == data[6:]
        await f.seek(0)
        assert await f.read() == data[:4] + data[:2] + data[6:]
        await f.aclose()

    @pytest.mark.parametrize("rolled", [False, True], ids=["memory", "disk"])
    @pytest.mark.parametrize("method", ["readinto", "readinto1"])
    async def test_readinto_reads_once(self, rolled: bool, method: str) -> None:
        """AnyIO#1215: one call reads one chunk into the buffer and moves past it."""
        async with anyio.SpooledTemporaryFile() as f:
            await f.write(b"abcdef")
            if rolled:
                await f.rollover()
            await f.seek(0)
            buffer = bytearray(4)
            assert await getattr(f, method)(buffer) == 4
            assert buffer == b"abcd"
            assert await f.tell() == 4
            assert await getattr(f, method)(buffer) == 2
            assert buffer[:2] == b"ef"
            assert await getattr(f, method)(buffer) == 0

"""`open_file()`, `wrap_file()` and `AsyncFile`, in text and binary modes, on every backend."""

from __future__ import annotations

import io
import os
import threading
from typing import TYPE_CHECKING, Any

import pytest

import anyio
from anyio import CancelScope, create_task_group, to_thread, wait_all_tasks_blocked
from anyio.lowlevel import checkpoint

if TYPE_CHECKING:
    from pathlib import Path as StdPath

pytestmark = pytest.mark.anyio

CONTENT = "first line\nsecond line\nthird\n"


@pytest.fixture
def text_file(tmp_path: StdPath) -> StdPath:
    path = tmp_path / "lines.txt"
    path.write_bytes(CONTENT.encode())
    return path


def _encoded(mode: str, text: str) -> Any:
    return text.encode() if "b" in mode else text


class TestOpenFile:
    @pytest.mark.parametrize("mode", ["r", "rb"])
    async def test_read_whole(self, text_file: StdPath, mode: str) -> None:
        async with await anyio.open_file(text_file, mode) as f:
            assert isinstance(f, anyio.AsyncFile)
            assert await f.read() == _encoded(mode, CONTENT)
            assert await f.read() == _encoded(mode, "")
        assert f.closed

    @pytest.mark.parametrize("mode", ["w", "wb", "a", "ab", "x", "xb", "w+", "w+b"])
    async def test_write_modes(self, tmp_path: StdPath, mode: str) -> None:
        path = tmp_path / "out"
        async with await anyio.open_file(path, mode) as f:
            assert await f.write(_encoded(mode, "data")) == 4
        assert path.read_bytes() == b"data"

    async def test_str_path_and_descriptor(self, text_file: StdPath) -> None:
        async with await anyio.open_file(str(text_file)) as f:
            assert await f.readline() == "first line\n"
        fd = os.open(text_file, os.O_RDONLY)
        async with await anyio.open_file(fd, "rb", buffering=0, closefd=False) as fb:
            assert await fb.read(5) == b"first"
        assert os.read(fd, 6) == b" line\n"  # still open, position shared
        os.close(fd)

    async def test_text_options(self, tmp_path: StdPath) -> None:
        path = tmp_path / "enc.txt"
        path.write_bytes(b"caf\xe9\r\nend")
        async with await anyio.open_file(path, encoding="latin-1", newline="") as f:
            assert await f.read() == "café\r\nend"
        async with await anyio.open_file(path, encoding="ascii", errors="replace") as f:
            assert await f.read() == "caf\ufffd\nend"
        with pytest.raises(UnicodeDecodeError):
            async with await anyio.open_file(path, encoding="utf-8") as f:
                await f.read()

    async def test_buffering_and_opener(self, tmp_path: StdPath) -> None:
        opened: list[str] = []

        def opener(name: str, flags: int) -> int:
            opened.append(name)
            return os.open(name, flags, 0o600)

        path = tmp_path / "raw"
        async with await anyio.open_file(path, "wb", buffering=0, opener=opener) as f:
            assert isinstance(f.wrapped, io.FileIO)
            await f.write(b"x")
        assert opened == [str(path)]

    async def test_missing_file(self, tmp_path: StdPath) -> None:
        with pytest.raises(FileNotFoundError) as info:
            await anyio.open_file(tmp_path / "missing")
        assert info.value.filename == str(tmp_path / "missing")

    async def test_bad_mode(self, tmp_path: StdPath) -> None:
        with pytest.raises(ValueError, match="mode"):
            await anyio.open_file(tmp_path / "x", "rw")  # type: ignore[call-overload]

    async def test_open_from_path(self, text_file: StdPath) -> None:
        async with await anyio.Path(text_file).open("rb") as f:
            assert await f.read(5) == b"first"


class TestAsyncFileReading:
    @pytest.mark.parametrize("mode", ["r", "rb"])
    async def test_lines(self, text_file: StdPath, mode: str) -> None:
        lines = [_encoded(mode, line) for line in CONTENT.splitlines(keepends=True)]
        async with await anyio.open_file(text_file, mode) as f:
            assert await f.readline() == lines[0]
            assert await f.readlines() == lines[1:]
            assert await f.readline() == _encoded(mode, "")
            await f.seek(0)
            assert [line async for line in f] == lines

    @pytest.mark.parametrize("mode", ["r", "rb"])
    async def test_iteration_stops_early(self, text_file: StdPath, mode: str) -> None:
        async with await anyio.open_file(text_file, mode) as f:
            async for line in f:
                assert line == _encoded(mode, "first line\n")
                break
            assert await f.readline() == _encoded(mode, "second line\n")

    @pytest.mark.parametrize("mode", ["r", "rb"])
    async def test_read_sizes_seek_tell(self, text_file: StdPath, mode: str) -> None:
        async with await anyio.open_file(text_file, mode) as f:
            assert await f.read(5) == _encoded(mode, "first")
            assert await f.tell() == 5
            assert await f.seek(1) == 1
            assert await f.read(4) == _encoded(mode, "irst")
            assert await f.seek(0, os.SEEK_END) == len(CONTENT)
            assert await f.seek(0, None) == 0  # AnyIO accepts whence=None as SEEK_SET

    async def test_binary_only_reads(self, text_file: StdPath) -> None:
        async with await anyio.open_file(text_file, "rb") as f:
            assert await f.read1(5) == b"first"
            buffer = bytearray(6)
            assert await f.readinto(buffer) == 6
            assert buffer == b" line\n"
            assert await f.readinto1(memoryview(buffer)[:3]) == 3
            assert buffer[:3] == b"sec"
            peeked = await f.peek()
            assert peeked.startswith(b"ond line")
            assert await f.read(3) == b"ond"  # peek() did not move the position

    async def test_peek_needs_buffered_binary_file(self, text_file: StdPath) -> None:
        async with await anyio.open_file(text_file) as f:
            with pytest.raises(AttributeError, match="peek"):
                await f.peek()  # type: ignore[misc]
        async with await anyio.open_file(text_file, "rb", buffering=0) as fb:
            with pytest.raises(AttributeError, match="peek"):
                await fb.peek()

    async def test_text_file_lacks_binary_methods(self, text_file: StdPath) -> None:
        async with await anyio.open_file(text_file) as f:
            with pytest.raises(AttributeError):
                await f.read1()  # type: ignore[misc]


class TestAsyncFileWriting:
    @pytest.mark.parametrize("mode", ["w+", "w+b"])
    async def test_write_truncate_flush(self, tmp_path: StdPath, mode: str) -> None:
        path = tmp_path / "w"
        async with await anyio.open_file(path, mode) as f:
            assert await f.write(_encoded(mode, "abc")) == 3
            await f.writelines([_encoded(mode, "de"), _encoded(mode, "f\n")])
            await f.flush()
            assert path.read_bytes() == b"abcdef\n"
            assert await f.truncate(2) == 2
            assert await f.tell() == 7  # truncate() does not move the position
            await f.seek(0)
            assert await f.truncate() == 0
        assert path.read_bytes() == b""

    async def test_write_bytes_like(self, tmp_path: StdPath) -> None:
        async with await anyio.open_file(tmp_path / "b", "wb") as f:
            await f.write(bytearray(b"ab"))
            await f.write(memoryview(b"cd"))
            await f.writelines([b"e", bytearray(b"f")])
        assert (tmp_path / "b").read_bytes() == b"abcdef"

    async def test_write_wrong_type(self, tmp_path: StdPath) -> None:
        async with await anyio.open_file(tmp_path / "t", "w") as f:
            with pytest.raises(TypeError):
                await f.write(b"bytes")
        async with await anyio.open_file(tmp_path / "b", "wb") as fb:
            with pytest.raises(TypeError):
                await fb.write("text")

    async def test_write_on_read_only_file(self, text_file: StdPath) -> None:
        async with await anyio.open_file(text_file) as f:
            with pytest.raises(io.UnsupportedOperation):
                await f.write("x")


class TestAsyncFileObject:
    async def test_attributes_come_from_the_wrapped_file(self, text_file: StdPath) -> None:
        async with await anyio.open_file(text_file, "r", encoding="utf-8") as f:
            assert f.name == str(text_file)
            assert f.mode == "r"
            assert f.encoding == "utf-8"
            assert f.closed is False
            assert f.fileno() == f.wrapped.fileno()
            with pytest.raises(AttributeError):
                f.no_such_attribute  # noqa: B018
            assert repr(f).startswith("<AsyncFile wrapping <_io.TextIOWrapper")

    async def test_aclose(self, text_file: StdPath) -> None:
        f = await anyio.open_file(text_file)
        await f.aclose()
        assert f.wrapped.closed
        await f.aclose()  # closing twice is harmless, as for files
        with pytest.raises(ValueError, match="closed file"):
            await f.read()

    async def test_wrap_file(self, text_file: StdPath) -> None:
        with open(text_file, "rb") as raw:  # noqa: ASYNC230 - the file to wrap
            f = anyio.wrap_file(raw)
            assert f.wrapped is raw
            assert await f.readline() == b"first line\n"
        memory = anyio.wrap_file(io.StringIO("a\nb\n"))
        assert [line async for line in memory] == ["a\n", "b\n"]
        await memory.aclose()
        assert memory.closed

    async def test_public_names(self) -> None:
        assert anyio.AsyncFile.__module__ == "anyio"
        assert anyio.open_file.__module__ == "anyio"
        assert anyio.wrap_file.__module__ == "anyio"


class TestCancellation:
    async def test_aclose_in_cancelled_scope_closes_without_raising(
        self, text_file: StdPath
    ) -> None:
        """AnyIO 4.16 (#1314): the close is shielded and swallows nothing but raises nothing."""
        f = await anyio.open_file(text_file)
        closed_before_next_checkpoint: list[bool] = []
        with CancelScope() as scope:
            scope.cancel()
            await f.aclose()
            closed_before_next_checkpoint.append(f.wrapped.closed)
            await checkpoint()  # the cancellation is still pending: raised here
            pytest.fail("the cancellation was lost")
        assert closed_before_next_checkpoint == [True]
        assert scope.cancelled_caught

    @pytest.mark.parametrize("how", ["wrap_file", "async_with"])
    async def test_leaving_cancelled_scope_closes_without_raising(
        self, text_file: StdPath, how: str
    ) -> None:
        reached: list[str] = []
        with CancelScope() as scope:
            if how == "wrap_file":
                f = anyio.wrap_file(open(text_file))  # noqa: SIM115, ASYNC230
                scope.cancel()
                await f.aclose()
            else:
                async with await anyio.open_file(text_file) as f:
                    scope.cancel()
            reached.append("after close")
            await checkpoint()
        assert reached == ["after close"]
        assert scope.cancelled_caught
        assert f.wrapped.closed

    async def test_close_error_still_raised(self) -> None:
        class FailingClose(io.BytesIO):
            def close(self) -> None:
                super().close()
                raise OSError("flush failed")

        f = anyio.wrap_file(FailingClose(b"data"))
        with CancelScope() as scope:
            scope.cancel()
            with pytest.raises(OSError, match="flush failed"):
                await f.aclose()
        assert f.wrapped.closed

    async def test_cancelled_body_closes_file(self, text_file: StdPath) -> None:
        with CancelScope() as scope:
            async with await anyio.open_file(text_file) as f:
                scope.cancel()
                await checkpoint()
        assert scope.cancelled_caught
        assert f.wrapped.closed

    async def test_read_is_not_abandoned(self) -> None:
        """A blocked read keeps its caller until it returns; the next checkpoint raises."""
        read_fd, write_fd = os.pipe()
        f = anyio.wrap_file(open(read_fd, "rb", buffering=0))  # noqa: SIM115, ASYNC230
        outcome: dict[str, Any] = {}

        async def reader() -> None:
            with CancelScope() as scope:
                outcome["scope"] = scope
                outcome["data"] = await f.read(10)
                await checkpoint()
                outcome["not_cancelled"] = True

        try:
            async with create_task_group() as tg:
                tg.start_soon(reader)
                await wait_all_tasks_blocked()
                outcome["scope"].cancel()
                await wait_all_tasks_blocked()
                assert "data" not in outcome
                await to_thread.run_sync(os.write, write_fd, b"late")
        finally:
            os.close(write_fd)
            await f.aclose()
        assert outcome["data"] == b"late"
        assert "not_cancelled" not in outcome
        assert outcome["scope"].cancelled_caught


class TestCloseShielded:
    """AnyIO#1314: closing an `AsyncFile` is shielded from cancellation."""

    async def test_cancelled_while_waiting_for_a_thread(self, text_file: StdPath) -> None:
        limiter = anyio.CapacityLimiter(1)
        f = await anyio.open_file(text_file, limiter=limiter)
        holder = object()
        await limiter.acquire_on_behalf_of(holder)
        done: list[bool] = []

        async def close(scope: CancelScope) -> None:
            with scope:
                await f.aclose()
                done.append(True)  # AnyIO 4.16: aclose() itself does not raise
                await checkpoint()
                done.append(False)

        scope = CancelScope()
        async with create_task_group() as tg:
            tg.start_soon(close, scope)
            await wait_all_tasks_blocked()
            scope.cancel()
            await wait_all_tasks_blocked()
            assert not f.wrapped.closed  # still waiting for the token, in a shield
            limiter.release_on_behalf_of(holder)
        assert f.wrapped.closed
        assert scope.cancelled_caught
        assert done == [True]

    async def test_cancelled_while_closing(self) -> None:
        started = threading.Event()
        release = threading.Event()

        class SlowClose(io.BytesIO):
            def close(self) -> None:
                started.set()
                release.wait(10)
                super().close()

        f = anyio.wrap_file(SlowClose(b"data"))
        scope = CancelScope()

        async def close() -> None:
            with scope:
                await f.aclose()
                await checkpoint()

        async with create_task_group() as tg:
            tg.start_soon(close)
            await to_thread.run_sync(started.wait, 10)
            scope.cancel()
            await wait_all_tasks_blocked()
            assert not f.wrapped.closed
            release.set()
        assert f.wrapped.closed
        assert scope.cancelled_caught

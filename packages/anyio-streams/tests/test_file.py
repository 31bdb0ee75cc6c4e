"""File streams (the file I/O runs in worker threads)."""

from __future__ import annotations

import io
import os
import threading
from typing import TYPE_CHECKING, Any

import pytest

from anyio import (
    BrokenResourceError,
    CancelScope,
    ClosedResourceError,
    EndOfStream,
    TypedAttributeLookupError,
    create_task_group,
    fail_after,
    to_thread,
    wait_all_tasks_blocked,
)
from anyio.abc import ByteReceiveStream, ByteSendStream
from anyio.streams.file import FileReadStream, FileStreamAttribute, FileWriteStream

if TYPE_CHECKING:
    from pathlib import Path

pytestmark = pytest.mark.anyio


def _contents(path: Path) -> bytes:
    """Read a file synchronously, after the stream under test has closed it."""
    return path.read_bytes()


@pytest.fixture
def data_file(tmp_path: Path) -> Path:
    path = tmp_path / "data.bin"
    path.write_bytes(b"0123456789")
    return path


class TestFileReadStream:
    async def test_read_in_chunks(self, data_file: Path) -> None:
        async with await FileReadStream.from_path(data_file) as stream:
            assert isinstance(stream, ByteReceiveStream)
            assert await stream.receive(4) == b"0123"
            assert [chunk async for chunk in stream] == [b"456789"]
            with pytest.raises(EndOfStream):
                await stream.receive()

    async def test_from_str_path(self, data_file: Path) -> None:
        async with await FileReadStream.from_path(str(data_file)) as stream:
            assert await stream.receive() == b"0123456789"

    async def test_seek_and_tell(self, data_file: Path) -> None:
        async with await FileReadStream.from_path(data_file) as stream:
            assert await stream.tell() == 0
            assert await stream.seek(6) == 6
            assert await stream.receive(2) == b"67"
            assert await stream.tell() == 8
            assert await stream.seek(-3, os.SEEK_END) == 7
            assert await stream.receive() == b"789"
            assert await stream.seek(-9, os.SEEK_CUR) == 1

    async def test_io_runs_in_a_worker_thread(self, data_file: Path) -> None:
        threads: list[threading.Thread] = []

        class Recording(io.BytesIO):
            def read(self, size: int | None = -1, /) -> bytes:
                threads.append(threading.current_thread())
                return super().read(size)

        async with FileReadStream(Recording(b"abc")) as stream:
            assert await stream.receive() == b"abc"
        assert threads
        assert threads[0] is not threading.current_thread()

    async def test_attributes(self, data_file: Path) -> None:
        async with await FileReadStream.from_path(data_file) as stream:
            file = stream.extra(FileStreamAttribute.file)
            assert file.name == str(data_file)
            assert stream.extra(FileStreamAttribute.path) == data_file
            assert stream.extra(FileStreamAttribute.fileno) == file.fileno()

    async def test_in_memory_file_has_no_path_or_fileno(self) -> None:
        async with FileReadStream(io.BytesIO(b"x")) as stream:
            assert isinstance(stream.extra(FileStreamAttribute.file), io.BytesIO)
            with pytest.raises(TypedAttributeLookupError):
                stream.extra(FileStreamAttribute.path)
            with pytest.raises(TypedAttributeLookupError):
                stream.extra(FileStreamAttribute.fileno)

    async def test_closed(self, data_file: Path) -> None:
        stream = await FileReadStream.from_path(data_file)
        await stream.aclose()
        assert stream.extra(FileStreamAttribute.file).closed
        with pytest.raises(ClosedResourceError):
            await stream.receive()
        with pytest.raises(ClosedResourceError):
            await stream.seek(0)

    async def test_missing_file(self, tmp_path: Path) -> None:
        with pytest.raises(FileNotFoundError):
            await FileReadStream.from_path(tmp_path / "missing")

    async def test_os_errors_break_the_stream(self) -> None:
        class Failing(io.BytesIO):
            def read(self, size: int | None = -1, /) -> bytes:
                raise OSError("disk on fire")

        async with FileReadStream(Failing()) as stream:
            with pytest.raises(BrokenResourceError) as info:
                await stream.receive()
            assert isinstance(info.value.__cause__, OSError)


class TestFileWriteStream:
    async def test_write_and_truncate(self, data_file: Path) -> None:
        async with await FileWriteStream.from_path(data_file) as stream:
            assert isinstance(stream, ByteSendStream)
            await stream.send(b"new ")
            await stream.send(b"content")
        assert _contents(data_file) == b"new content"

    async def test_append(self, data_file: Path) -> None:
        async with await FileWriteStream.from_path(str(data_file), append=True) as stream:
            await stream.send(b"!")
        assert _contents(data_file) == b"0123456789!"

    async def test_unbuffered_file_writes_everything(self, tmp_path: Path) -> None:
        class Trickle(io.RawIOBase):
            def __init__(self) -> None:
                self.data = bytearray()

            def writable(self) -> bool:
                return True

            def write(self, data: Any, /) -> int:
                self.data += bytes(data[:2])  # at most two bytes per call
                return min(len(data), 2)

        file = Trickle()
        stream = FileWriteStream(file)  # type: ignore[arg-type]
        await stream.send(b"abcdefg")
        assert file.data == b"abcdefg"
        await stream.aclose()

    async def test_closed(self, tmp_path: Path) -> None:
        stream = await FileWriteStream.from_path(tmp_path / "out.bin")
        await stream.aclose()
        with pytest.raises(ClosedResourceError):
            await stream.send(b"late")

    async def test_attributes(self, tmp_path: Path) -> None:
        path = tmp_path / "out.bin"
        async with await FileWriteStream.from_path(path) as stream:
            assert stream.extra(FileStreamAttribute.path) == path
            assert "FileWriteStream" in repr(stream)


class TestCloseWhenCancelled:
    """Leaving the context manager in a cancelled scope still closes (and flushes) the file."""

    async def test_write_stream_flushes_and_closes(self, tmp_path: Path) -> None:
        path = tmp_path / "out.bin"
        file = path.open("wb")  # buffered: the bytes stay in memory until flushed
        with CancelScope() as scope:
            async with FileWriteStream(file) as stream:
                await stream.send(b"kept")
                scope.cancel()
        assert scope.cancelled_caught
        assert file.closed
        assert _contents(path) == b"kept"

    async def test_read_stream_closes(self, data_file: Path) -> None:
        with CancelScope() as scope:
            async with await FileReadStream.from_path(data_file) as stream:
                assert await stream.receive(2) == b"01"
                scope.cancel()
        assert scope.cancelled_caught
        with pytest.raises(ClosedResourceError):
            await stream.receive()
        file = stream.extra(FileStreamAttribute.file)
        assert file.closed

    async def test_cancelled_while_closing(self) -> None:
        closing, release = threading.Event(), threading.Event()

        class SlowToClose(io.BytesIO):
            def close(self) -> None:
                closing.set()
                release.wait(5)
                super().close()

        file = SlowToClose()
        stream = FileWriteStream(file)
        caught: list[bool] = []

        async def closer() -> None:
            with CancelScope() as scope:
                scopes.append(scope)
                await stream.aclose()
            caught.append(scope.cancelled_caught)

        scopes: list[CancelScope] = []
        with fail_after(10):
            async with create_task_group() as tg:
                tg.start_soon(closer)
                await to_thread.run_sync(closing.wait, 5)
                scopes[0].cancel()
                await wait_all_tasks_blocked()
                assert caught == []  # still closing, cancellation or not
                release.set()
        assert caught == [True]
        assert file.closed

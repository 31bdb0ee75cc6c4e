"""File streams: a file as a byte stream, with the blocking I/O in worker threads.

Every read, write, seek and close runs in a worker thread through
`anyio.to_thread.run_sync`, so a slow disk does not stall the event loop.
"""

from __future__ import annotations

import os
from io import SEEK_SET, UnsupportedOperation
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, TypeVar

from .. import (
    BrokenResourceError,
    CancelScope,
    ClosedResourceError,
    EndOfStream,
    TypedAttributeProvider,
    TypedAttributeSet,
    to_thread,
    typed_attribute,
)
from ..abc import ByteReceiveStream, ByteSendStream
from ..lowlevel import checkpoint_if_cancelled
from ._checks import check_max_bytes

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from typing import IO

__all__ = ("FileReadStream", "FileStreamAttribute", "FileWriteStream")

T = TypeVar("T")


class FileStreamAttribute(TypedAttributeSet):
    """The typed attributes of file streams."""

    #: The file object wrapped by the stream.
    file: BinaryIO = typed_attribute()
    #: The path of the file on the file system, if the file has a name.
    path: Path = typed_attribute()
    #: The file descriptor, if the file has one.
    fileno: int = typed_attribute()


class _BaseFileStream(TypedAttributeProvider):
    """What the read and write streams share: the file, closing, typed attributes."""

    def __init__(self, file: IO[bytes]) -> None:
        self._file = file

    async def _run(self, func: Callable[..., T], *args: Any) -> T:
        """Run a file method in a worker thread, translating the errors of a dead file."""
        try:
            return await to_thread.run_sync(func, *args)
        except ValueError as exc:  # "I/O operation on closed file"
            raise ClosedResourceError from exc
        except OSError as exc:
            raise BrokenResourceError from exc

    async def aclose(self) -> None:
        """Close the file (in a worker thread), flushing what was written.

        The close is shielded from cancellation: a stream closed in a
        cancelled scope (say, when the ``async with`` block is left because
        of a timeout) still closes its file and writes out its buffered
        data, then lets the cancellation go on.
        """
        with CancelScope(shield=True):
            await to_thread.run_sync(self._file.close)
        await checkpoint_if_cancelled()

    @property
    def extra_attributes(self) -> Mapping[Any, Callable[[], Any]]:
        file = self._file
        attributes: dict[Any, Callable[[], Any]] = {FileStreamAttribute.file: lambda: file}
        name = getattr(file, "name", None)
        if isinstance(name, (str, bytes, PathLike)):  # not a bare file descriptor
            attributes[FileStreamAttribute.path] = lambda: Path(os.fsdecode(name))
        try:
            file.fileno()
        except (UnsupportedOperation, OSError, ValueError):
            pass  # an in-memory file, or a closed one
        else:
            attributes[FileStreamAttribute.fileno] = file.fileno
        return attributes

    def __repr__(self) -> str:
        return f"<{type(self).__name__} file={self._file!r}>"


class FileReadStream(_BaseFileStream, ByteReceiveStream):
    """Read a file as a byte stream.

    Args:
        file: a file opened for reading in binary mode; the stream owns it and
            closes it in `aclose()`.

    Example:
        ```python
        async with await FileReadStream.from_path("data.bin") as stream:
            async for chunk in stream:
                process(chunk)
        ```
    """

    @classmethod
    async def from_path(cls, path: str | PathLike[str]) -> FileReadStream:
        """Open the file at ``path`` for reading (in a worker thread).

        Raises:
            OSError: if the file cannot be opened.
        """
        file = await to_thread.run_sync(Path(path).open, "rb")
        return cls(file)

    async def receive(self, max_bytes: int = 65536) -> bytes:
        """Read at most ``max_bytes`` bytes.

        Raises:
            anyio.EndOfStream: at the end of the file.
            anyio.ClosedResourceError: if the file was closed.
            anyio.BrokenResourceError: if reading failed (an `OSError`).
            ValueError: if `max_bytes` is not a positive integer.
        """
        check_max_bytes(max_bytes)
        data: bytes = await self._run(self._file.read, max_bytes)
        if not data:
            raise EndOfStream
        return data

    async def seek(self, position: int, whence: int = SEEK_SET) -> int:
        """Move the read position (see `io.IOBase.seek`).

        Returns:
            The new absolute position.
        """
        return await self._run(self._file.seek, position, whence)

    async def tell(self) -> int:
        """Return the current read position."""
        return await self._run(self._file.tell)


class FileWriteStream(_BaseFileStream, ByteSendStream):
    """Write a byte stream to a file.

    Args:
        file: a file opened for writing in binary mode; the stream owns it and
            closes it in `aclose()`.

    Example:
        ```python
        async with await FileWriteStream.from_path("out.bin") as stream:
            await stream.send(b"data")
        ```
    """

    @classmethod
    async def from_path(cls, path: str | PathLike[str], append: bool = False) -> FileWriteStream:
        """Open the file at ``path`` for writing (in a worker thread).

        Args:
            path: the file to open; it is created if needed.
            append: add to the end of an existing file instead of truncating it.

        Raises:
            OSError: if the file cannot be opened.
        """
        file = await to_thread.run_sync(Path(path).open, "ab" if append else "wb")
        return cls(file)

    async def send(self, item: bytes) -> None:
        """Write all of ``item``.

        Raises:
            anyio.ClosedResourceError: if the file was closed.
            anyio.BrokenResourceError: if writing failed (an `OSError`).
        """
        await self._run(_write_all, self._file, item)


def _write_all(file: IO[bytes], data: bytes) -> None:
    """Write every byte (an unbuffered file may write only part in one call)."""
    view = memoryview(data)
    while view:
        written = file.write(view)
        view = view[written:]

"""`SpooledTemporaryFile`: a temporary file kept in memory until it grows too large.

The data stays in an in-memory buffer (`io.BytesIO`, or an `io.TextIOWrapper` over one in
text mode), served on the event loop thread: those operations cannot block, so they need no
worker thread, only a checkpoint. When a write makes the data larger than `max_size` bytes
(or on `rollover()`), a worker thread copies it to a real temporary file and the object
switches to it ("rollover"); from then on every operation is `AsyncFile`'s, in worker
threads. The size is measured in bytes held (flushing a text wrapper first), not by the
position, so seeking back and overwriting does not trigger a rollover.

Cancellation: a rollover is never interrupted half way. A write that triggers it runs it
shielded (the write already happened), and the switch to the disk file is made by the
worker itself, so the object is consistent whenever the worker finishes.
"""

from __future__ import annotations

import io
import tempfile
from functools import partial
from typing import TYPE_CHECKING, Any, AnyStr, cast, overload

from anyio import CancelScope, to_thread
from anyio.lowlevel import cancel_shielded_checkpoint, checkpoint

from ._files import AsyncFile

if TYPE_CHECKING:
    from collections.abc import Iterable

    from _typeshed import OpenBinaryMode, OpenTextMode, ReadableBuffer, WriteableBuffer

__all__ = ("SpooledTemporaryFile",)


class SpooledTemporaryFile(AsyncFile[AnyStr]):
    """A temporary file kept in memory until it grows beyond `max_size` bytes.

    While the data is in memory, operations run on the event loop thread (they do not
    block); when a write makes it larger than `max_size` (`0`: never), or on `rollover()`,
    the data moves to a real temporary file in a worker thread, and from then on operations
    run in worker threads. Reading, writing, seeking and `readinto()` behave the same
    before and after the rollover. `wrapped` is the current file object (an in-memory
    buffer, then the disk file); `fileno()` works only after the rollover.

    Unlike the other temporary files this is itself an `AsyncFile`: create it directly and
    use it as an async context manager (or close it with `aclose()`). The other arguments
    are those of `tempfile.SpooledTemporaryFile()`.

    Args:
        max_size: the size in bytes (encoded bytes in text mode) beyond which the data
            moves to disk; `0` keeps it in memory.

    Example:
        ```python
        async with anyio.SpooledTemporaryFile(max_size=1024) as f:
            await f.write(b"small")  # still in memory
            await f.write(b"x" * 2048)  # now on disk
        ```
    """

    @overload
    def __init__(
        self: SpooledTemporaryFile[bytes],
        max_size: int = ...,
        mode: OpenBinaryMode = ...,
        buffering: int = ...,
        encoding: str | None = ...,
        newline: str | None = ...,
        suffix: str | None = ...,
        prefix: str | None = ...,
        dir: str | None = ...,
        *,
        errors: str | None = ...,
    ) -> None: ...

    @overload
    def __init__(
        self: SpooledTemporaryFile[str],
        max_size: int,
        mode: OpenTextMode,
        buffering: int = ...,
        encoding: str | None = ...,
        newline: str | None = ...,
        suffix: str | None = ...,
        prefix: str | None = ...,
        dir: str | None = ...,
        *,
        errors: str | None = ...,
    ) -> None: ...

    def __init__(
        self,
        max_size: int = 0,
        mode: OpenBinaryMode | OpenTextMode = "w+b",
        buffering: int = -1,
        encoding: str | None = None,
        newline: str | None = None,
        suffix: str | None = None,
        prefix: str | None = None,
        dir: str | None = None,  # noqa: A002 - tempfile's parameter name
        *,
        errors: str | None = None,
    ) -> None:
        if max_size < 0:
            raise ValueError(f"max_size must be 0 (no limit) or positive, not {max_size!r}")
        memory: Any
        if "b" in mode:
            memory = io.BytesIO()
        else:
            memory = io.TextIOWrapper(io.BytesIO(), encoding, errors, newline)
        super().__init__(memory)
        self._max_size = max_size
        self._make_disk_file = partial(
            tempfile.TemporaryFile,
            mode,
            buffering,
            encoding,
            newline,
            suffix,
            prefix,
            dir,
            errors=errors,
        )
        # Invariant: `_rolled` is true exactly when `_fp` is the disk file.
        self._rolled = False

    def __repr__(self) -> str:
        where = "on disk" if self._rolled else "in memory"
        return f"<{type(self).__qualname__} {where} max_size={self._max_size}>"

    @property
    def closed(self) -> bool:
        """Whether the file has been closed."""
        return bool(self._fp.closed)

    async def rollover(self) -> None:
        """Move the data to a temporary file on disk now (nothing happens if it is there).

        The move completes even if the caller is cancelled meanwhile (the cancellation is
        raised at the next checkpoint), so the file is never left half moved.
        """
        if self._rolled:
            await checkpoint()
            return
        await to_thread.run_sync(self._move_to_disk)

    def _move_to_disk(self) -> None:
        """Copy the in-memory data to a new disk file and switch to it (worker thread).

        The switch happens here, in the worker, so that the object is consistent as soon as
        the worker is done, whatever its caller does meanwhile.
        """
        memory = self._fp
        disk = self._make_disk_file()
        try:
            if isinstance(memory, io.TextIOWrapper):
                memory.flush()
                # The tell() cookie of a text file is valid for another text file holding
                # the same bytes with the same encoding.
                position = memory.tell()
                disk.buffer.write(memory.buffer.getvalue())
            else:
                position = memory.tell()
                disk.write(memory.getvalue())
            disk.seek(position)
        except BaseException:
            disk.close()
            raise
        self._fp = disk
        self._rolled = True
        memory.close()

    def _memory_size(self) -> int:
        """The number of bytes held in memory (flushing a text wrapper's pending data)."""
        memory = self._fp
        if isinstance(memory, io.TextIOWrapper):
            memory.flush()
            memory = memory.buffer
        with memory.getbuffer() as view:
            return int(view.nbytes)

    async def _roll_if_too_big(self) -> None:
        if self._max_size and self._memory_size() > self._max_size:
            # Shielded: the write that made the data too big already happened.
            with CancelScope(shield=True):
                await self.rollover()

    async def aclose(self) -> None:
        """Close the file (and delete it, if it was rolled over to disk).

        Like `AsyncFile.aclose()`, it closes the file even in a cancelled scope and
        does not raise the cancellation itself.
        """
        if self._rolled:
            await super().aclose()
        else:
            self._fp.close()
            await cancel_shielded_checkpoint()

    async def read(self, size: int = -1) -> AnyStr:
        """Read at most `size` characters or bytes (all of them when `size` is negative)."""
        if self._rolled:
            # mypy checks this body once per AnyStr constraint but does not narrow super().
            return await super().read(size)  # type: ignore[return-value]
        await checkpoint()
        result: AnyStr = self._fp.read(size)
        return result

    async def read1(self: SpooledTemporaryFile[bytes], size: int = -1) -> bytes:
        """Read at most `size` bytes with at most one call to the raw stream (binary files)."""
        if self._rolled:
            return await super().read1(size)
        await checkpoint()
        result: bytes = self._fp.read1(size)
        return result

    async def readinto(self: SpooledTemporaryFile[bytes], b: WriteableBuffer) -> int:
        """Read bytes into the buffer `b`; return how many were read (binary files)."""
        if self._rolled:
            return await super().readinto(b)
        await checkpoint()
        result: int = self._fp.readinto(b)
        return result

    async def readinto1(self: SpooledTemporaryFile[bytes], b: WriteableBuffer) -> int:
        """Like `readinto()`, with at most one call to the raw stream (binary files)."""
        if self._rolled:
            return await super().readinto1(b)
        await checkpoint()
        result: int = self._fp.readinto1(b)
        return result

    async def peek(self: SpooledTemporaryFile[bytes], size: int = 0) -> bytes:
        """Return bytes from the current position without moving it (binary files)."""
        if self._rolled:
            return await super().peek(size)
        await checkpoint()
        memory = self._fp
        if not isinstance(memory, io.BytesIO):
            raise AttributeError(f"{self!r} is a text file; only binary files support peek()")
        position = memory.tell()
        with memory.getbuffer() as view:
            return bytes(view[position : position + max(size, io.DEFAULT_BUFFER_SIZE)])

    async def readline(self) -> AnyStr:
        """Read one line, with its line ending; return an empty string at the end of file."""
        if self._rolled:
            # mypy checks this body once per AnyStr constraint but does not narrow super().
            return await super().readline()  # type: ignore[return-value]
        await checkpoint()
        result: AnyStr = self._fp.readline()
        return result

    async def readlines(self) -> list[AnyStr]:
        """Read every remaining line and return them as a list."""
        if self._rolled:
            # mypy checks this body once per AnyStr constraint but does not narrow super().
            return await super().readlines()  # type: ignore[return-value]
        await checkpoint()
        result: list[AnyStr] = self._fp.readlines()
        return result

    async def seek(self, offset: int, whence: int | None = 0) -> int:
        """Move to `offset` relative to `whence` (`os.SEEK_SET`, `SEEK_CUR` or `SEEK_END`)."""
        if self._rolled:
            return await super().seek(offset, whence)
        await checkpoint()
        result: int = self._fp.seek(offset, 0 if whence is None else whence)
        return result

    async def tell(self) -> int:
        """Return the current position."""
        if self._rolled:
            return await super().tell()
        await checkpoint()
        result: int = self._fp.tell()
        return result

    async def flush(self) -> None:
        """Flush the write buffer (to the operating system, once on disk)."""
        if self._rolled:
            return await super().flush()
        await checkpoint()
        self._fp.flush()

    async def truncate(self, size: int | None = None) -> int:
        """Resize the file to `size` (default: the current position); return the new size.

        Growing the file beyond `max_size` rolls it over to disk first.
        """
        if not self._rolled and self._max_size and size is not None and size > self._max_size:
            await self.rollover()
        if self._rolled:
            return await super().truncate(size)
        await checkpoint()
        result: int = self._fp.truncate(size)
        return result

    async def write(self, b: ReadableBuffer | str) -> int:
        """Write `b`; roll over to disk if the data is now larger than `max_size`."""
        if self._rolled:
            return await super().write(b)
        await checkpoint()
        written = cast("int", self._fp.write(b))
        await self._roll_if_too_big()
        return written

    async def writelines(self, lines: Iterable[str] | Iterable[ReadableBuffer]) -> None:
        """Write every item of `lines`; roll over to disk if the data is now too large."""
        if self._rolled:
            return await super().writelines(lines)
        await checkpoint()
        self._fp.writelines(lines)
        await self._roll_if_too_big()

"""`AsyncFile`, `open_file()` and `wrap_file()`: a synchronous file object driven from a thread.

Every call that may block (read, write, seek, flush, close, ...) is handed to a worker thread
with `anyio.to_thread.run_sync()`; attributes that never block (`name`, `mode`, `closed`,
`encoding`, ...) are read straight from the wrapped object.

Cancellation: a file operation cannot be interrupted half way, so the worker call is not
abandoned when the caller is cancelled (the default of `run_sync()`): the operation finishes,
its result is returned, and the cancellation is raised at the caller's next checkpoint. So
an opened file is never lost to a cancellation. `aclose()` goes further and shields the
close, so that leaving `async with` in an already cancelled scope still closes the file
(otherwise the descriptor would leak until garbage collection, with a `ResourceWarning`);
like AnyIO 4.16, it does not raise the cancellation itself.
"""

from __future__ import annotations

from typing import IO, TYPE_CHECKING, Any, AnyStr, Generic, TypeVar, overload

from anyio import CancelScope, CapacityLimiter, to_thread
from anyio.abc import AsyncResource

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from os import PathLike

    from _typeshed import (
        OpenBinaryMode,
        OpenTextMode,
        ReadableBuffer,
        WriteableBuffer,
    )
    from typing_extensions import Self

T = TypeVar("T")

__all__ = ("AsyncFile", "check_limiter", "open_file", "wrap_file")


def check_limiter(limiter: CapacityLimiter | None) -> CapacityLimiter | None:
    """Return `limiter` if it is a `CapacityLimiter` or `None`; raise `TypeError` otherwise.

    Checked when a file or path is made, rather than at its first worker-thread call, so that
    the mistake shows where it was made.
    """
    if limiter is None or isinstance(limiter, CapacityLimiter):
        return limiter
    raise TypeError(
        f"limiter must be a CapacityLimiter or None, not {type(limiter).__name__} "
        f"{limiter!r}; pass anyio.CapacityLimiter(n), or None for the default thread limiter"
    )


class AsyncFile(AsyncResource, Generic[AnyStr]):
    """An asynchronous wrapper around a synchronous file object.

    Blocking methods are coroutines that run the file's method in a worker thread; other
    attributes (`name`, `mode`, `closed`, `encoding`, `fileno()`, ...) are looked up on the
    wrapped file directly. `AsyncFile[str]` wraps a text file, `AsyncFile[bytes]` a binary
    one. Iterating with `async for` yields lines, as iterating over the file would. Used as
    an async context manager, the file is closed on leaving the block, also when the block
    is cancelled.

    Create one with `open_file()`, `anyio.Path.open()` or `wrap_file()`.

    Every worker-thread call of the file borrows a token from `limiter` (by default from
    `anyio.to_thread.current_default_thread_limiter()`), so a limiter of its own bounds how
    many threads the file's operations occupy at once.

    Args:
        fp: the file object to wrap.
        limiter: the capacity limiter for the file's worker threads (`None`: the default).

    Raises:
        TypeError: if `limiter` is neither a `CapacityLimiter` nor `None`.

    Example:
        ```python
        async with await anyio.open_file("/etc/hosts") as f:
            async for line in f:
                print(line, end="")
        ```
    """

    def __init__(self, fp: IO[AnyStr], *, limiter: CapacityLimiter | None = None) -> None:
        self._fp: Any = fp
        self._limiter = check_limiter(limiter)

    def __getattr__(self, name: str) -> object:
        # Only called for names not found normally: forward `name`, `mode`, `closed`, ...
        # Guard `_fp` itself so that a half-built object cannot recurse forever.
        if name == "_fp":
            raise AttributeError(name)
        return getattr(self._fp, name)

    def __repr__(self) -> str:
        return f"<{type(self).__qualname__} wrapping {self._fp!r}>"

    @property
    def limiter(self) -> CapacityLimiter | None:
        """The capacity limiter of the file's worker threads (`None`: the default one)."""
        return self._limiter

    async def _run(self, func: Callable[..., T], *args: object) -> T:
        """Call `func(*args)` in a worker thread that holds a token of the file's limiter."""
        return await to_thread.run_sync(func, *args, limiter=self._limiter)

    @property
    def wrapped(self) -> IO[AnyStr]:
        """The wrapped synchronous file object."""
        return self._fp  # type: ignore[no-any-return]  # `_fp` is IO[AnyStr] by __init__

    def __aiter__(self) -> Self:
        """Return the file itself: `async for` yields its lines, like iterating over a file.

        Like a synchronous file, the file is its own iterator (no async generator, so that
        leaving the loop early needs no clean-up).
        """
        return self

    async def __anext__(self) -> AnyStr:
        """Return the next line; at the end of the file, raise `StopAsyncIteration`."""
        line = await self.readline()
        if line:
            return line
        raise StopAsyncIteration

    async def aclose(self) -> None:
        """Close the file, in a worker thread, shielded from cancellation.

        The file is closed even if the caller is cancelled before or while the
        close runs, and, as in AnyIO 4.16, `aclose()` then returns normally: the
        cancellation is raised at the caller's next checkpoint (so leaving
        `async with` in a cancelled scope closes the file without raising there).
        An error of the close itself (a failed flush, say) is raised.
        """
        # Scenario: `async with` left in an already cancelled scope. Unshielded,
        # run_sync() would raise before its worker ran and leak the descriptor.
        with CancelScope(shield=True):
            await self._run(self._fp.close)

    async def read(self, size: int = -1) -> AnyStr:
        """Read at most `size` characters or bytes (all of them when `size` is negative)."""
        return await self._run(self._fp.read, size)

    async def read1(self: AsyncFile[bytes], size: int = -1) -> bytes:
        """Read at most `size` bytes with at most one call to the raw stream (binary files)."""
        return await self._run(self._fp.read1, size)

    async def readinto(self: AsyncFile[bytes], b: WriteableBuffer) -> int:
        """Read bytes into the buffer `b`; return how many were read (binary files)."""
        return await self._run(self._fp.readinto, b)

    async def readinto1(self: AsyncFile[bytes], b: WriteableBuffer) -> int:
        """Like `readinto()`, with at most one call to the raw stream (binary files)."""
        return await self._run(self._fp.readinto1, b)

    async def peek(self: AsyncFile[bytes], size: int = 0) -> bytes:
        """Return buffered bytes without moving the position (buffered binary files).

        Raises:
            AttributeError: if the wrapped file has no `peek()` method (only buffered binary
                readers have one).
        """
        peek = getattr(self._fp, "peek", None)
        if peek is None:
            raise AttributeError(
                f"{self._fp!r} has no peek() method; only buffered binary files "
                "(open_file(..., 'rb') with buffering) support it"
            )
        return await self._run(peek, size)

    async def readline(self) -> AnyStr:
        """Read one line, with its line ending; return an empty string at the end of file."""
        return await self._run(self._fp.readline)

    async def readlines(self) -> list[AnyStr]:
        """Read every remaining line and return them as a list."""
        return await self._run(self._fp.readlines)

    async def write(self, b: ReadableBuffer | str) -> int:
        """Write `b` (a `str` for text files, bytes-like for binary files); return its length."""
        return await self._run(self._fp.write, b)

    async def writelines(self, lines: Iterable[ReadableBuffer] | Iterable[str]) -> None:
        """Write every item of `lines` (no line endings are added)."""
        await self._run(self._fp.writelines, lines)

    async def truncate(self, size: int | None = None) -> int:
        """Resize the file to `size` (default: the current position); return the new size."""
        return await self._run(self._fp.truncate, size)

    async def seek(self, offset: int, whence: int | None = 0) -> int:
        """Move to `offset` relative to `whence` (`os.SEEK_SET`, `SEEK_CUR` or `SEEK_END`)."""
        func = self._fp.seek
        return await self._run(func, offset, 0 if whence is None else whence)

    async def tell(self) -> int:
        """Return the current position."""
        return await self._run(self._fp.tell)

    async def flush(self) -> None:
        """Flush the write buffer to the operating system."""
        await self._run(self._fp.flush)


@overload
async def open_file(
    file: str | PathLike[str] | int,
    mode: OpenBinaryMode,
    buffering: int = ...,
    encoding: str | None = ...,
    errors: str | None = ...,
    newline: str | None = ...,
    closefd: bool = ...,
    opener: Callable[[str, int], int] | None = ...,
    *,
    limiter: CapacityLimiter | None = ...,
) -> AsyncFile[bytes]: ...


@overload
async def open_file(
    file: str | PathLike[str] | int,
    mode: OpenTextMode = ...,
    buffering: int = ...,
    encoding: str | None = ...,
    errors: str | None = ...,
    newline: str | None = ...,
    closefd: bool = ...,
    opener: Callable[[str, int], int] | None = ...,
    *,
    limiter: CapacityLimiter | None = ...,
) -> AsyncFile[str]: ...


@overload
async def open_file(
    file: str | PathLike[str] | int,
    mode: str,
    buffering: int = ...,
    encoding: str | None = ...,
    errors: str | None = ...,
    newline: str | None = ...,
    closefd: bool = ...,
    opener: Callable[[str, int], int] | None = ...,
    *,
    limiter: CapacityLimiter | None = ...,
) -> AsyncFile[Any]: ...


async def open_file(
    file: str | PathLike[str] | int,
    mode: str = "r",
    buffering: int = -1,
    encoding: str | None = None,
    errors: str | None = None,
    newline: str | None = None,
    closefd: bool = True,
    opener: Callable[[str, int], int] | None = None,
    *,
    limiter: CapacityLimiter | None = None,
) -> AsyncFile[Any]:
    """Open a file in a worker thread and wrap it in an `AsyncFile`.

    The arguments are those of the built-in `open()`. In a binary mode (`"rb"`, `"wb"`, ...)
    the result is an `AsyncFile[bytes]`, otherwise an `AsyncFile[str]`.

    Args:
        file: the path to open, or a file descriptor.
        mode: the mode, as for `open()`.
        buffering: the buffering policy, as for `open()`.
        encoding: the text encoding (text modes only).
        errors: how to handle encoding errors (text modes only).
        newline: how to translate line endings (text modes only).
        closefd: whether closing the file also closes the descriptor `file`.
        opener: a custom opener, as for `open()`.
        limiter: the capacity limiter for the worker threads that open the file and run its
            operations (`None`: `anyio.to_thread.current_default_thread_limiter()`); the
            returned file keeps it.

    Returns:
        The opened file.

    Raises:
        OSError: the `OSError` subclass that `open()` raises (`FileNotFoundError`, ...).
        TypeError: if `limiter` is neither a `CapacityLimiter` nor `None`.

    Example:
        ```python
        async with await anyio.open_file("data.bin", "rb") as f:
            header = await f.read(16)
        ```
    """
    limiter = check_limiter(limiter)
    # The builtin itself, not a partial of it: run_sync() checks a builtin for
    # nothing (a partial may hide an async function, and costs a wrapper).
    fp = await to_thread.run_sync(
        open, file, mode, buffering, encoding, errors, newline, closefd, opener, limiter=limiter
    )
    return AsyncFile(fp, limiter=limiter)


def wrap_file(file: IO[AnyStr], *, limiter: CapacityLimiter | None = None) -> AsyncFile[AnyStr]:
    """Wrap an already open synchronous file object in an `AsyncFile`.

    Args:
        file: an open file object (text or binary).
        limiter: the capacity limiter for the file's worker threads (`None`: the default).

    Returns:
        An `AsyncFile` whose methods run the file's methods in worker threads.

    Example:
        ```python
        with open("log.txt", "a") as raw:
            f = anyio.wrap_file(raw)
            await f.write("started\\n")
        ```
    """
    return AsyncFile(file, limiter=limiter)

"""Asynchronous versions of the `tempfile` module's files, directories and helpers.

`TemporaryFile`, `NamedTemporaryFile` and `TemporaryDirectory` are async context managers
around the `tempfile` objects, created and cleaned up in worker threads. Clean-up is
shielded from cancellation: leaving the block of a cancelled scope still closes and removes
what was created, and (as in AnyIO 4.16) does not raise the cancellation there: the next
checkpoint after the block does. `TemporaryDirectory.cleanup()`, called explicitly,
removes the directory and then raises a pending cancellation. Entering is safe too: a worker creating the file or directory is not
abandoned, so `async with` gets it even if a cancellation arrives meanwhile (and raises the
cancellation inside the block, at its first checkpoint).

`SpooledTemporaryFile` lives in `_spooled.py`.
"""

from __future__ import annotations

import enum
import sys
import tempfile
from functools import partial
from typing import IO, TYPE_CHECKING, Any, AnyStr, Generic, overload

from anyio import CancelScope, to_thread
from anyio.lowlevel import cancel_shielded_checkpoint, checkpoint_if_cancelled

from ._files import AsyncFile

if TYPE_CHECKING:
    from collections.abc import Callable
    from os import PathLike
    from types import TracebackType

    from _typeshed import OpenBinaryMode, OpenTextMode

__all__ = (
    "NamedTemporaryFile",
    "TemporaryDirectory",
    "TemporaryFile",
    "gettempdir",
    "gettempdirb",
    "mkdtemp",
    "mkstemp",
)


class _State(enum.Enum):
    NEW = "new"
    ENTERED = "entered"
    EXITED = "exited"


def _exit_file(fp: IO[Any]) -> None:
    """Close a `tempfile` file object the way leaving its `with` block does.

    `__exit__` (not `close()`) also deletes a `NamedTemporaryFile(delete_on_close=False)`.
    """
    fp.__exit__(None, None, None)


class _TempFileContext(Generic[AnyStr]):
    """Shared body of `TemporaryFile` and `NamedTemporaryFile`: open, wrap, close."""

    _opener: Callable[[], IO[Any]]

    def __init__(self) -> None:
        self._state = _State.NEW
        self._file: AsyncFile[AnyStr] | None = None

    def __repr__(self) -> str:
        return f"<{type(self).__qualname__} state={self._state.value}>"

    async def __aenter__(self) -> AsyncFile[AnyStr]:
        """Create the file in a worker thread and return it as an `AsyncFile`."""
        if self._state is not _State.NEW:
            raise RuntimeError(f"{self!r} was already entered; create a new one")
        self._state = _State.ENTERED
        fp = await to_thread.run_sync(self._opener)
        self._file = AsyncFile(fp)
        return self._file

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Close (and, where it applies, delete) the file, also when cancelled.

        A cancellation is not raised here, but at the next checkpoint after the block.
        """
        self._state = _State.EXITED
        if self._file is not None:
            with CancelScope(shield=True):
                await to_thread.run_sync(_exit_file, self._file.wrapped)
            self._file = None


class TemporaryFile(_TempFileContext[AnyStr]):
    """An asynchronous `tempfile.TemporaryFile()`: an unnamed file, gone once closed.

    Use it with `async with`, which returns an `AsyncFile` (`AsyncFile[bytes]` for the
    default mode `"w+b"`, `AsyncFile[str]` for a text mode). The arguments are those of
    `tempfile.TemporaryFile()`.

    Example:
        ```python
        async with anyio.TemporaryFile() as f:
            await f.write(b"scratch data")
            await f.seek(0)
            assert await f.read() == b"scratch data"
        ```
    """

    @overload
    def __init__(
        self: TemporaryFile[bytes],
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
        self: TemporaryFile[str],
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
        mode: OpenTextMode | OpenBinaryMode = "w+b",
        buffering: int = -1,
        encoding: str | None = None,
        newline: str | None = None,
        suffix: str | None = None,
        prefix: str | None = None,
        dir: str | None = None,  # noqa: A002 - tempfile's parameter name
        *,
        errors: str | None = None,
    ) -> None:
        super().__init__()
        self._opener = partial(
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


class NamedTemporaryFile(_TempFileContext[AnyStr]):
    """An asynchronous `tempfile.NamedTemporaryFile()`: a temporary file with a name.

    Use it with `async with`, which returns an `AsyncFile` whose `name` attribute is the
    file's path. With `delete=True` (the default) the file is removed when it is closed, or
    with `delete_on_close=False` when the `async with` block ends. The arguments are those
    of `tempfile.NamedTemporaryFile()`.

    Raises:
        ValueError: for `delete_on_close=False` on Python < 3.12, whose `tempfile` always
            deletes on close.

    Example:
        ```python
        async with anyio.NamedTemporaryFile("w+", suffix=".txt") as f:
            await f.write("hello")
            await f.flush()
            assert await anyio.Path(f.name).read_text() == "hello"
        ```
    """

    @overload
    def __init__(
        self: NamedTemporaryFile[bytes],
        mode: OpenBinaryMode = ...,
        buffering: int = ...,
        encoding: str | None = ...,
        newline: str | None = ...,
        suffix: str | None = ...,
        prefix: str | None = ...,
        dir: str | None = ...,
        delete: bool = ...,
        *,
        errors: str | None = ...,
        delete_on_close: bool = ...,
    ) -> None: ...

    @overload
    def __init__(
        self: NamedTemporaryFile[str],
        mode: OpenTextMode,
        buffering: int = ...,
        encoding: str | None = ...,
        newline: str | None = ...,
        suffix: str | None = ...,
        prefix: str | None = ...,
        dir: str | None = ...,
        delete: bool = ...,
        *,
        errors: str | None = ...,
        delete_on_close: bool = ...,
    ) -> None: ...

    def __init__(
        self,
        mode: OpenBinaryMode | OpenTextMode = "w+b",
        buffering: int = -1,
        encoding: str | None = None,
        newline: str | None = None,
        suffix: str | None = None,
        prefix: str | None = None,
        dir: str | None = None,  # noqa: A002 - tempfile's parameter name
        delete: bool = True,
        *,
        errors: str | None = None,
        delete_on_close: bool = True,
    ) -> None:
        super().__init__()
        options: dict[str, Any] = {"errors": errors}
        if sys.version_info >= (3, 12):
            options["delete_on_close"] = delete_on_close
        elif not delete_on_close:
            raise ValueError(
                "NamedTemporaryFile(delete_on_close=False) needs Python 3.12 or later; "
                "on this Python the file is always deleted when closed (if delete=True)"
            )
        self._opener = partial(
            tempfile.NamedTemporaryFile,
            mode,
            buffering,
            encoding,
            newline,
            suffix,
            prefix,
            dir,
            delete,
            **options,
        )


class TemporaryDirectory(Generic[AnyStr]):
    """An asynchronous `tempfile.TemporaryDirectory()`: a directory removed on exit.

    `async with` creates the directory in a worker thread and returns its path; leaving the
    block removes it with everything in it (unless `delete=False`), also when the block is
    cancelled. `cleanup()` removes it earlier. The arguments are those of
    `tempfile.TemporaryDirectory()`; with `bytes` arguments the path is `bytes`.

    Args:
        suffix: the end of the directory's name.
        prefix: the start of the directory's name.
        dir: the parent directory (default: `gettempdir()`).
        ignore_cleanup_errors: ignore errors while removing the directory.
        delete: remove the directory when the `async with` block ends.

    Example:
        ```python
        async with anyio.TemporaryDirectory() as name:
            await (anyio.Path(name) / "notes.txt").write_text("draft")
        ```
    """

    @overload
    def __init__(
        self: TemporaryDirectory[str],
        suffix: str | None = ...,
        prefix: str | None = ...,
        dir: str | PathLike[str] | None = ...,
        *,
        ignore_cleanup_errors: bool = ...,
        delete: bool = ...,
    ) -> None: ...

    @overload
    def __init__(
        self: TemporaryDirectory[bytes],
        suffix: bytes | None = ...,
        prefix: bytes | None = ...,
        dir: bytes | PathLike[bytes] | None = ...,
        *,
        ignore_cleanup_errors: bool = ...,
        delete: bool = ...,
    ) -> None: ...

    def __init__(
        self,
        suffix: str | bytes | None = None,
        prefix: str | bytes | None = None,
        dir: str | bytes | PathLike[str] | PathLike[bytes] | None = None,  # noqa: A002 - tempfile's parameter name
        *,
        ignore_cleanup_errors: bool = False,
        delete: bool = True,
    ) -> None:
        options: dict[str, Any] = {"ignore_cleanup_errors": ignore_cleanup_errors}
        if sys.version_info >= (3, 12):
            options["delete"] = delete
        # The overloads above tie the arguments' type to AnyStr; mypy cannot see it here.
        self._make: Callable[[], tempfile.TemporaryDirectory[AnyStr]] = partial(  # type: ignore[assignment]
            tempfile.TemporaryDirectory, suffix, prefix, dir, **options
        )
        self._delete = delete
        self._state = _State.NEW
        self._tempdir: tempfile.TemporaryDirectory[AnyStr] | None = None
        #: The directory's path, once the `async with` block is entered.
        self.name: AnyStr | None = None

    def __repr__(self) -> str:
        return f"<{type(self).__qualname__} name={self.name!r} state={self._state.value}>"

    async def __aenter__(self) -> AnyStr:
        """Create the directory in a worker thread and return its path."""
        if self._state is not _State.NEW:
            raise RuntimeError(f"{self!r} was already entered; create a new one")
        self._state = _State.ENTERED
        self._tempdir = await to_thread.run_sync(self._make)
        self.name = self._tempdir.name
        return self._tempdir.name

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Remove the directory (unless `delete=False`), also when cancelled.

        A cancellation is not raised here, but at the next checkpoint after the block.
        """
        self._state = _State.EXITED
        if self._delete:
            await self._shielded_cleanup()
            return
        if sys.version_info < (3, 12) and self._tempdir is not None:
            # Python < 3.12 has no `delete` option: keep the directory by disarming the
            # finalizer that would remove it (with a ResourceWarning) at garbage collection.
            # `_finalizer` is stable on these two frozen Python versions.
            self._tempdir._finalizer.detach()  # type: ignore[attr-defined]  # private, see above
        await cancel_shielded_checkpoint()  # nothing removed: still a schedule point

    async def cleanup(self) -> None:
        """Remove the directory and everything in it, now, in a worker thread.

        Removal is shielded from cancellation: it completes even in a cancelled scope,
        and then the cancellation is raised (as in AnyIO 4.16). Calling it again after
        the directory is gone removes nothing.

        Raises:
            RuntimeError: if the `async with` block was never entered.
        """
        if self._tempdir is None:
            raise RuntimeError(f"{self!r} was never entered; there is nothing to clean up")
        await self._shielded_cleanup()
        # Unlike leaving the block, a call of our own: a cancellation that arrived before
        # or during the removal is delivered here, once the directory is gone.
        await checkpoint_if_cancelled()

    async def _shielded_cleanup(self) -> None:
        if self._tempdir is not None:
            with CancelScope(shield=True):
                await to_thread.run_sync(_cleanup_tempdir, self._tempdir)


def _cleanup_tempdir(tempdir: tempfile.TemporaryDirectory[Any]) -> None:
    tempdir.cleanup()


@overload
async def mkstemp(
    suffix: str | None = None,
    prefix: str | None = None,
    dir: str | PathLike[str] | None = None,
    text: bool = False,
) -> tuple[int, str]: ...


@overload
async def mkstemp(
    suffix: bytes | None = None,
    prefix: bytes | None = None,
    dir: bytes | PathLike[bytes] | None = None,
    text: bool = False,
) -> tuple[int, bytes]: ...


async def mkstemp(
    suffix: AnyStr | None = None,
    prefix: AnyStr | None = None,
    dir: AnyStr | PathLike[AnyStr] | None = None,  # noqa: A002 - tempfile's parameter name
    text: bool = False,
) -> tuple[int, str | bytes]:
    """Create a temporary file securely, like `tempfile.mkstemp()`, in a worker thread.

    The caller owns the result: close the descriptor and delete the file when done.

    Returns:
        An open OS-level file descriptor and the file's absolute path (`bytes` when the
        arguments are `bytes`).
    """
    return await to_thread.run_sync(tempfile.mkstemp, suffix, prefix, dir, text)


@overload
async def mkdtemp(
    suffix: str | None = None,
    prefix: str | None = None,
    dir: str | PathLike[str] | None = None,
) -> str: ...


@overload
async def mkdtemp(
    suffix: bytes | None = None,
    prefix: bytes | None = None,
    dir: bytes | PathLike[bytes] | None = None,
) -> bytes: ...


async def mkdtemp(
    suffix: AnyStr | None = None,
    prefix: AnyStr | None = None,
    dir: AnyStr | PathLike[AnyStr] | None = None,  # noqa: A002 - tempfile's parameter name
) -> str | bytes:
    """Create a temporary directory securely, like `tempfile.mkdtemp()`, in a worker thread.

    The caller owns the directory and must remove it.

    Returns:
        The directory's absolute path (`bytes` when the arguments are `bytes`).
    """
    return await to_thread.run_sync(tempfile.mkdtemp, suffix, prefix, dir)


async def gettempdir() -> str:
    """Return the directory for temporary files, like `tempfile.gettempdir()`.

    The first call looks for a writable directory (in a worker thread); later calls return
    the cached answer.
    """
    return await to_thread.run_sync(tempfile.gettempdir)


async def gettempdirb() -> bytes:
    """Like `gettempdir()`, but return the path as `bytes`."""
    return await to_thread.run_sync(tempfile.gettempdirb)

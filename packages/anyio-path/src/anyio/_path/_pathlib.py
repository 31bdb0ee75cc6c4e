"""`anyio.Path`: `pathlib.Path` with the file system calls moved to worker threads.

`Path` wraps a `pathlib.Path` (`_path`) instead of subclassing it: a subclass would inherit
every blocking method as a synchronous one, and each new Python release adds some. So each
method of `pathlib.Path` is written out here, in one of three shapes:

- pure (no file system access): synchronous, delegates to `pathlib`, and wraps a returned
  path with `with_segments()` so that subclasses keep their type;
- file system call: `async`, runs the `pathlib` method with `to_thread.run_sync()`;
- iteration (`iterdir`, `glob`, `rglob`, `walk`): async iterators fed from worker threads
  (see `_iterate.py`).

Cancellation policy: a call without side effects (queries such as `stat()`, `exists()`,
`read_bytes()`, `resolve()`) is abandoned when the caller is cancelled, so cancellation is
immediate and the thread finishes on its own. A call that changes the file system (`mkdir()`,
`write_text()`, `rename()`, ...) is not: it completes and returns, and the cancellation is
raised at the caller's next checkpoint, so that the caller never has to guess whether it
happened.

Methods and keyword arguments follow the running Python's `pathlib` (version branches
below); the tests compare the method set and the signatures with `pathlib.Path`, so a new
Python release that adds a method fails them until it is classified here.

Why this module is long: it mirrors pathlib's seventy-odd members one by one, several of
them in one version per Python that changed their signature. Each method is a few lines;
splitting the class over modules would only scatter it.
"""

from __future__ import annotations

import os
import pathlib
import sys
import warnings
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar, overload

from anyio import to_thread

from ._files import AsyncFile, check_limiter
from ._iterate import ThreadedIterator

if sys.version_info >= (3, 11):
    from typing import TypeVarTuple, Unpack
else:
    from typing_extensions import TypeVarTuple, Unpack

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Sequence

    from _typeshed import OpenBinaryMode, OpenTextMode, ReadableBuffer
    from typing_extensions import Self

    from anyio import CapacityLimiter

T = TypeVar("T")
PosArgsT = TypeVarTuple("PosArgsT")

__all__ = ("Path",)

#: Anything that `pathlib.Path()` accepts as one segment.
StrPath = str | os.PathLike[str]


def _unwrap(value: Any) -> Any:
    """Return the `pathlib.Path` behind an `anyio.Path`, anything else unchanged.

    pathlib duck-types some arguments (`samefile()` calls `other.stat()`), which would find
    our coroutine methods; handing it its own type avoids that and a re-parse.
    """
    return value._path if isinstance(value, Path) else value


class Path:
    """An asynchronous version of `pathlib.Path`.

    Pure path operations (`name`, `suffix`, `parent`, `/`, `joinpath()`, `relative_to()`,
    `with_suffix()`, comparisons, hashing, ...) are synchronous, as in `pathlib`. Methods
    that access the file system are coroutines that run in a worker thread, and
    `iterdir()`, `glob()`, `rglob()` and `walk()` are async iterators. Methods that return
    paths return instances of the caller's class, made with `with_segments()`. Errors are the
    `OSError` subclasses that `pathlib` raises, with the path in them.

    `Path` is **not** a subclass of `pathlib.Path` (nor of `pathlib.PurePath`): an
    `isinstance(p, pathlib.PurePath)` check is false. Every API that accepts an
    `os.PathLike` accepts it, and `str(p)`, `os.fspath(p)` or `pathlib.Path(p)` convert it.
    It compares equal to the `pathlib.Path` with the same path.

    The methods and keyword arguments are those of `pathlib.Path` on the running Python:
    for example `exists(follow_symlinks=...)` needs Python 3.12, `walk()` needs 3.12 and
    `full_match()` 3.13. `link_to()` (deprecated since 3.10, removed in 3.12) is not
    provided; use `hardlink_to()`. `with_segments()` exists on every Python.

    Calls without side effects (`stat()`, `exists()`, `read_bytes()`, iteration, ...) are
    abandoned when the caller is cancelled; calls that change the file system complete and
    return, and the cancellation is raised at the caller's next checkpoint.

    Every worker-thread call borrows a token from `limiter` (by default from
    `anyio.to_thread.current_default_thread_limiter()`); derived paths, the async iterators
    and the files that `open()` returns keep the limiter.

    Args:
        *args: path segments, as for `pathlib.Path`.
        limiter: the capacity limiter for this path's worker threads (`None`: the default).

    Raises:
        TypeError: if `limiter` is neither a `CapacityLimiter` nor `None`.

    Example:
        ```python
        path = anyio.Path("settings") / "app.toml"
        if await path.exists():
            text = await path.read_text()
        async for child in path.parent.iterdir():
            print(child.name)
        ```
    """

    __slots__ = ("__weakref__", "_limiter", "_path")

    def __init__(self, *args: StrPath, limiter: CapacityLimiter | None = None) -> None:
        self._path = pathlib.Path(*args)
        self._limiter = check_limiter(limiter)

    def _wrap(self, path: pathlib.PurePath | str) -> Self:
        return self.with_segments(path)

    async def _query(self, func: Callable[[Unpack[PosArgsT]], T], *args: Unpack[PosArgsT]) -> T:
        """Run a call without side effects in a worker thread, abandoned on cancellation."""
        return await to_thread.run_sync(func, *args, abandon_on_cancel=True, limiter=self._limiter)

    async def _change(self, func: Callable[[Unpack[PosArgsT]], T], *args: Unpack[PosArgsT]) -> T:
        """Run a call that changes the file system in a worker thread, to completion."""
        return await to_thread.run_sync(func, *args, limiter=self._limiter)

    @property
    def limiter(self) -> CapacityLimiter | None:
        """The capacity limiter of this path's worker threads (`None`: the default one).

        Paths derived from this one (`parent`, `/`, `with_name()`, `iterdir()`, ...) and
        the files that `open()` returns keep it.
        """
        return self._limiter

    # --- conversions, comparisons, hashing -----------------------------------------------

    def __fspath__(self) -> str:
        return self._path.__fspath__()

    def __str__(self) -> str:
        return self._path.__str__()

    def __bytes__(self) -> bytes:
        return self._path.__bytes__()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._path.as_posix()!r})"

    def __hash__(self) -> int:
        return self._path.__hash__()

    def __eq__(self, other: object) -> bool:
        return self._path.__eq__(_unwrap(other))

    def __lt__(self, other: pathlib.PurePath | Path) -> bool:
        return self._path.__lt__(_unwrap(other))

    def __le__(self, other: pathlib.PurePath | Path) -> bool:
        return self._path.__le__(_unwrap(other))

    def __gt__(self, other: pathlib.PurePath | Path) -> bool:
        return self._path.__gt__(_unwrap(other))

    def __ge__(self, other: pathlib.PurePath | Path) -> bool:
        return self._path.__ge__(_unwrap(other))

    def __truediv__(self, other: StrPath) -> Self:
        return self._wrap(self._path / _unwrap(other))

    def __rtruediv__(self, other: StrPath) -> Self:
        return self._wrap(_unwrap(other) / self._path)

    # --- pure properties -----------------------------------------------------------------

    @property
    def parts(self) -> tuple[str, ...]:
        """The path's components: `Path("/usr/lib").parts == ("/", "usr", "lib")`."""
        return self._path.parts

    @property
    def drive(self) -> str:
        """The drive letter or UNC share (Windows), or an empty string."""
        return self._path.drive

    @property
    def root(self) -> str:
        """The root (`"/"` for an absolute POSIX path), or an empty string."""
        return self._path.root

    @property
    def anchor(self) -> str:
        """The drive and the root together."""
        return self._path.anchor

    @property
    def name(self) -> str:
        """The final component, without the drive and root."""
        return self._path.name

    @property
    def suffix(self) -> str:
        """The final component's last file extension (`".gz"` for `"a.tar.gz"`)."""
        return self._path.suffix

    @property
    def suffixes(self) -> list[str]:
        """The final component's file extensions (`[".tar", ".gz"]`)."""
        return self._path.suffixes

    @property
    def stem(self) -> str:
        """The final component without its last suffix."""
        return self._path.stem

    @property
    def parent(self) -> Self:
        """The logical parent (no file system access: `..` is not resolved)."""
        return self._wrap(self._path.parent)

    @property
    def parents(self) -> Sequence[Self]:
        """The logical ancestors, nearest first."""
        return tuple(self._wrap(parent) for parent in self._path.parents)

    if sys.version_info >= (3, 13):
        #: The `os.path` flavour module that implements this path's syntax (3.13+).
        parser = pathlib.Path.parser

    if sys.version_info >= (3, 14):

        @property
        def info(self) -> Any:
            """pathlib's cached file information for this path (3.14+).

            Its methods (`exists()`, `is_dir()`, ...) are synchronous and may access the file
            system the first time they are called.
            """
            return self._path.info

    # --- pure methods --------------------------------------------------------------------

    def with_segments(self, *pathsegments: StrPath) -> Self:
        """Return a new path of the same class, made from `pathsegments`.

        Every method that returns a derived path calls this; a subclass can override it to
        pass state on to derived paths (this one passes the `limiter`). Available on every
        Python (pathlib has it on 3.12+).
        """
        return type(self)(*pathsegments, limiter=self._limiter)

    def as_posix(self) -> str:
        """Return the path as a string with forward slashes."""
        return self._path.as_posix()

    def as_uri(self) -> str:
        """Return the path as a `file:` URI (the path must be absolute)."""
        return self._path.as_uri()

    def is_absolute(self) -> bool:
        """Return whether the path has a root (and a drive, where the flavour has drives)."""
        return self._path.is_absolute()

    if sys.version_info >= (3, 13):

        def is_reserved(self) -> bool:
            """Return whether the path is reserved under Windows (deprecated in 3.13)."""
            warnings.warn(
                "anyio.Path.is_reserved() is deprecated like pathlib.PurePath.is_reserved() "
                "and scheduled for removal in Python 3.15; use os.path.isreserved()",
                DeprecationWarning,
                stacklevel=2,
            )
            # Warned above, with the caller's location; pathlib's own warning would point here.
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)
                return self._path.is_reserved()

    else:

        def is_reserved(self) -> bool:
            """Return whether the path is reserved under Windows (always `False` on POSIX)."""
            return self._path.is_reserved()

    def joinpath(self, *args: StrPath) -> Self:
        """Return this path joined with each of `args` (an absolute one restarts the path)."""
        return self._wrap(self._path.joinpath(*map(_unwrap, args)))

    def with_name(self, name: str) -> Self:
        """Return the path with its final component replaced by `name`."""
        return self._wrap(self._path.with_name(name))

    def with_stem(self, stem: str) -> Self:
        """Return the path with its stem replaced by `stem` (the suffix is kept).

        Raises:
            ValueError: if the path has no name, or `stem` is empty while the path has a
                suffix (the suffix would become the whole name), on every Python (pathlib
                checks the latter from 3.13 on).
        """
        if not stem and self._path.suffix:
            raise ValueError(
                f"{self!r} has a non-empty suffix, so its stem cannot be empty; "
                "use with_name() to replace the whole name"
            )
        return self._wrap(self._path.with_stem(stem))

    def with_suffix(self, suffix: str) -> Self:
        """Return the path with its suffix replaced (or removed, with `""`)."""
        return self._wrap(self._path.with_suffix(suffix))

    if sys.version_info >= (3, 12):

        def relative_to(self, other: StrPath, /, *, walk_up: bool = False) -> Self:
            """Return this path relative to `other`.

            Raises:
                ValueError: if this path is not under `other` (and `walk_up` is false, or
                    the paths cannot be related with `..` segments).
            """
            return self._wrap(self._path.relative_to(_unwrap(other), walk_up=walk_up))

        def is_relative_to(self, other: StrPath, /) -> bool:
            """Return whether this path is `other` or under it."""
            return self._path.is_relative_to(_unwrap(other))

        def match(self, path_pattern: str, *, case_sensitive: bool | None = None) -> bool:
            """Match the path against a glob pattern, from the right for a relative one."""
            return self._path.match(path_pattern, case_sensitive=case_sensitive)

    else:

        def relative_to(self, *other: StrPath) -> Self:
            """Return this path relative to `other` (segments joined).

            Raises:
                ValueError: if this path is not under `other`.
            """
            return self._wrap(self._path.relative_to(*map(_unwrap, other)))

        def is_relative_to(self, other: StrPath) -> bool:
            """Return whether this path is `other` or under it."""
            return self._path.is_relative_to(_unwrap(other))

        def match(self, path_pattern: str) -> bool:
            """Match the path against a glob pattern, from the right for a relative one."""
            return self._path.match(path_pattern)

    if sys.version_info >= (3, 13):

        def full_match(self, pattern: str, *, case_sensitive: bool | None = None) -> bool:
            """Match the whole path against a glob pattern that may contain `**` (3.13+)."""
            return self._path.full_match(pattern, case_sensitive=case_sensitive)

        @classmethod
        def from_uri(cls, uri: str) -> Self:
            """Return the path of a `file:` URI (3.13+).

            Raises:
                ValueError: if `uri` is not an absolute `file:` URI.
            """
            return cls(pathlib.Path.from_uri(uri))

    # --- file system: queries (abandoned on cancellation) --------------------------------

    @classmethod
    async def cwd(cls, *, limiter: CapacityLimiter | None = None) -> Self:
        """Return the current working directory.

        Args:
            limiter: the capacity limiter for this call's worker thread, kept by the
                returned path (default: `anyio.to_thread.current_default_thread_limiter()`).
        """
        func = pathlib.Path.cwd
        path = await to_thread.run_sync(func, abandon_on_cancel=True, limiter=limiter)
        return cls(path, limiter=limiter)

    @classmethod
    async def home(cls, *, limiter: CapacityLimiter | None = None) -> Self:
        """Return the user's home directory.

        Args:
            limiter: the capacity limiter for this call's worker thread, kept by the
                returned path (default: `anyio.to_thread.current_default_thread_limiter()`).
        """
        func = pathlib.Path.home
        path = await to_thread.run_sync(func, abandon_on_cancel=True, limiter=limiter)
        return cls(path, limiter=limiter)

    async def absolute(self) -> Self:
        """Return an absolute version of the path (without resolving `..` or links)."""
        path = await self._query(self._path.absolute)
        return self._wrap(path)

    async def expanduser(self) -> Self:
        """Return the path with a leading `~` or `~user` expanded."""
        path = await self._query(self._path.expanduser)
        return self._wrap(path)

    async def resolve(self, strict: bool = False) -> Self:
        """Return the absolute path with symbolic links and `..` resolved.

        Raises:
            FileNotFoundError: if `strict` is true and the path does not exist.
            RuntimeError: for a symbolic link loop (Python < 3.13; `OSError` on 3.13+).
        """
        func = partial(self._path.resolve, strict) if strict else self._path.resolve
        return self._wrap(await self._query(func))

    async def readlink(self) -> Self:
        """Return the path that the symbolic link points to."""
        path = await self._query(self._path.readlink)
        return self._wrap(path)

    async def stat(self, *, follow_symlinks: bool = True) -> os.stat_result:
        """Return `os.stat()` of the path (of the link itself with `follow_symlinks=False`)."""
        func = self._path.stat if follow_symlinks else self._path.lstat
        return await self._query(func)

    async def lstat(self) -> os.stat_result:
        """Like `stat()`, but about a symbolic link itself rather than its target."""
        return await self._query(self._path.lstat)

    async def samefile(self, other_path: str | bytes | int | os.PathLike[str]) -> bool:
        """Return whether this path and `other_path` are the same file."""
        func = partial(self._path.samefile, _unwrap(other_path))
        return await self._query(func)

    if sys.version_info >= (3, 12):

        async def exists(self, *, follow_symlinks: bool = True) -> bool:
            """Return whether the path exists (a broken link exists when not followed)."""
            func = partial(self._path.exists, follow_symlinks=follow_symlinks)
            return await self._query(func)

        async def is_junction(self) -> bool:
            """Return whether the path is a junction (Windows; always `False` elsewhere)."""
            return await self._query(self._path.is_junction)

    else:

        async def exists(self) -> bool:
            """Return whether the path exists."""
            return await self._query(self._path.exists)

    if sys.version_info >= (3, 13):

        async def is_dir(self, *, follow_symlinks: bool = True) -> bool:
            """Return whether the path is a directory (or a link to one, when followed)."""
            func = partial(self._path.is_dir, follow_symlinks=follow_symlinks)
            return await self._query(func)

        async def is_file(self, *, follow_symlinks: bool = True) -> bool:
            """Return whether the path is a regular file (or a link to one, when followed)."""
            func = partial(self._path.is_file, follow_symlinks=follow_symlinks)
            return await self._query(func)

        async def owner(self, *, follow_symlinks: bool = True) -> str:
            """Return the name of the user owning the file."""
            func = partial(self._path.owner, follow_symlinks=follow_symlinks)
            return await self._query(func)

        async def group(self, *, follow_symlinks: bool = True) -> str:
            """Return the name of the group owning the file."""
            func = partial(self._path.group, follow_symlinks=follow_symlinks)
            return await self._query(func)

    else:

        async def is_dir(self) -> bool:
            """Return whether the path is a directory (or a symbolic link to one)."""
            return await self._query(self._path.is_dir)

        async def is_file(self) -> bool:
            """Return whether the path is a regular file (or a symbolic link to one)."""
            return await self._query(self._path.is_file)

        async def owner(self) -> str:
            """Return the name of the user owning the file."""
            return await self._query(self._path.owner)

        async def group(self) -> str:
            """Return the name of the group owning the file."""
            return await self._query(self._path.group)

    async def is_mount(self) -> bool:
        """Return whether the path is a mount point."""
        return await self._query(self._path.is_mount)

    async def is_symlink(self) -> bool:
        """Return whether the path is a symbolic link."""
        return await self._query(self._path.is_symlink)

    async def is_socket(self) -> bool:
        """Return whether the path is a UNIX socket (or a symbolic link to one)."""
        return await self._query(self._path.is_socket)

    async def is_fifo(self) -> bool:
        """Return whether the path is a FIFO (or a symbolic link to one)."""
        return await self._query(self._path.is_fifo)

    async def is_block_device(self) -> bool:
        """Return whether the path is a block device (or a symbolic link to one)."""
        return await self._query(self._path.is_block_device)

    async def is_char_device(self) -> bool:
        """Return whether the path is a character device (or a symbolic link to one)."""
        return await self._query(self._path.is_char_device)

    async def read_bytes(self) -> bytes:
        """Return the file's contents as bytes."""
        return await self._query(self._path.read_bytes)

    if sys.version_info >= (3, 13):

        async def read_text(
            self,
            encoding: str | None = None,
            errors: str | None = None,
            newline: str | None = None,
        ) -> str:
            """Return the file's contents decoded as text (`newline` as for `open()`)."""
            func = partial(self._path.read_text, encoding, errors, newline)
            return await self._query(func)

    else:

        async def read_text(self, encoding: str | None = None, errors: str | None = None) -> str:
            """Return the file's contents decoded as text."""
            func = partial(self._path.read_text, encoding, errors)
            return await self._query(func)

    # --- file system: changes (completed even if the caller is cancelled meanwhile) ------

    @overload
    async def open(
        self,
        mode: OpenBinaryMode,
        buffering: int = ...,
        encoding: str | None = ...,
        errors: str | None = ...,
        newline: str | None = ...,
    ) -> AsyncFile[bytes]: ...

    @overload
    async def open(
        self,
        mode: OpenTextMode = ...,
        buffering: int = ...,
        encoding: str | None = ...,
        errors: str | None = ...,
        newline: str | None = ...,
    ) -> AsyncFile[str]: ...

    @overload
    async def open(
        self,
        mode: str,
        buffering: int = ...,
        encoding: str | None = ...,
        errors: str | None = ...,
        newline: str | None = ...,
    ) -> AsyncFile[Any]: ...

    async def open(
        self,
        mode: str = "r",
        buffering: int = -1,
        encoding: str | None = None,
        errors: str | None = None,
        newline: str | None = None,
    ) -> AsyncFile[Any]:
        """Open the file, like `anyio.open_file()`, and return an `AsyncFile`."""
        func = partial(self._path.open, mode, buffering, encoding, errors, newline)
        return AsyncFile(await self._change(func), limiter=self._limiter)

    async def write_bytes(self, data: ReadableBuffer) -> int:
        """Write `data` to the file, replacing its contents; return the number of bytes."""
        return await self._change(self._path.write_bytes, data)

    async def write_text(
        self,
        data: str,
        encoding: str | None = None,
        errors: str | None = None,
        newline: str | None = None,
    ) -> int:
        """Write `data` to the file as text, replacing its contents; return its length."""
        func = partial(self._path.write_text, data, encoding, errors, newline)
        return await self._change(func)

    async def touch(self, mode: int = 0o666, exist_ok: bool = True) -> None:
        """Create the file, or update its modification time if it exists.

        Raises:
            FileExistsError: if the file exists and `exist_ok` is false.
        """
        await self._change(self._path.touch, mode, exist_ok)

    async def mkdir(
        self, mode: int = 0o777, parents: bool = False, exist_ok: bool = False
    ) -> None:
        """Create the directory (and its missing parents with `parents=True`).

        Raises:
            FileExistsError: if the path exists and `exist_ok` is false.
            FileNotFoundError: if a parent is missing and `parents` is false.
        """
        await self._change(self._path.mkdir, mode, parents, exist_ok)

    async def chmod(self, mode: int, *, follow_symlinks: bool = True) -> None:
        """Change the permission bits (of a link itself with `follow_symlinks=False`)."""
        func = partial(self._path.chmod, mode, follow_symlinks=follow_symlinks)
        await self._change(func)

    async def lchmod(self, mode: int) -> None:
        """Like `chmod()`, but on a symbolic link itself (where the platform supports it)."""
        await self._change(self._path.lchmod, mode)

    async def unlink(self, missing_ok: bool = False) -> None:
        """Remove the file or symbolic link.

        Raises:
            FileNotFoundError: if the path does not exist and `missing_ok` is false.
        """
        await self._change(self._path.unlink, missing_ok)

    async def rmdir(self) -> None:
        """Remove the directory, which must be empty."""
        await self._change(self._path.rmdir)

    async def rename(self, target: str | pathlib.PurePath | Path) -> Self:
        """Rename the file or directory to `target` and return the new path.

        A relative `target` is relative to the current directory, not to this path.
        """
        path = await self._change(self._path.rename, _unwrap(target))
        return self._wrap(path)

    async def replace(self, target: str | pathlib.PurePath | Path) -> Self:
        """Like `rename()`, but replace `target` if it exists (a file or empty directory)."""
        path = await self._change(self._path.replace, _unwrap(target))
        return self._wrap(path)

    async def symlink_to(
        self,
        target: str | bytes | os.PathLike[str] | os.PathLike[bytes],
        target_is_directory: bool = False,
    ) -> None:
        """Make this path a symbolic link pointing to `target`."""
        func = partial(self._path.symlink_to, _unwrap(target), target_is_directory)
        await self._change(func)

    async def hardlink_to(
        self, target: str | bytes | os.PathLike[str] | os.PathLike[bytes]
    ) -> None:
        """Make this path a hard link to the same file as `target`."""
        await self._change(self._path.hardlink_to, _unwrap(target))

    if sys.version_info >= (3, 14):

        async def copy(
            self, target: StrPath, *, follow_symlinks: bool = True, preserve_metadata: bool = False
        ) -> Self:
            """Copy this file or directory tree to `target`; return the new path (3.14+)."""
            func = partial(
                self._path.copy,
                _unwrap(target),
                follow_symlinks=follow_symlinks,
                preserve_metadata=preserve_metadata,
            )
            return self._wrap(await self._change(func))

        async def copy_into(
            self,
            target_dir: StrPath,
            *,
            follow_symlinks: bool = True,
            preserve_metadata: bool = False,
        ) -> Self:
            """Copy this file or directory tree into the directory `target_dir` (3.14+)."""
            func = partial(
                self._path.copy_into,
                _unwrap(target_dir),
                follow_symlinks=follow_symlinks,
                preserve_metadata=preserve_metadata,
            )
            return self._wrap(await self._change(func))

        async def move(self, target: StrPath) -> Self:
            """Move this file or directory tree to `target`; return the new path (3.14+)."""
            return self._wrap(await self._change(self._path.move, _unwrap(target)))

        async def move_into(self, target_dir: StrPath) -> Self:
            """Move this file or directory tree into the directory `target_dir` (3.14+)."""
            path = await self._change(self._path.move_into, _unwrap(target_dir))
            return self._wrap(path)

    # --- iteration -----------------------------------------------------------------------

    def iterdir(self) -> AsyncIterator[Self]:
        """Yield the entries of the directory (not `.` and `..`), in arbitrary order.

        Entries are read in worker threads, in batches; the first one is available as soon
        as it is read. (A plain method returning an async iterator rather than an async
        generator, so that leaving the loop early needs no clean-up: Trio warns about
        async generators dropped before exhaustion.)

        Raises:
            NotADirectoryError: if the path is not a directory.
        """
        return ThreadedIterator(
            partial(self._wrapped_iter, self._path.iterdir), limiter=self._limiter
        )

    def _wrapped_iter(self, func: Callable[[], Iterable[pathlib.Path]]) -> Iterator[Self]:
        """Wrap the paths that `func()` yields (runs in a worker thread)."""
        return map(self._wrap, func())

    if sys.version_info >= (3, 13):

        def glob(
            self,
            pattern: str,
            *,
            case_sensitive: bool | None = None,
            recurse_symlinks: bool = False,
        ) -> AsyncIterator[Self]:
            """Yield the existing paths matching the relative glob `pattern` (`**` recurses)."""
            func = partial(
                self._path.glob,
                pattern,
                case_sensitive=case_sensitive,
                recurse_symlinks=recurse_symlinks,
            )
            return ThreadedIterator(partial(self._wrapped_iter, func), limiter=self._limiter)

        def rglob(
            self,
            pattern: str,
            *,
            case_sensitive: bool | None = None,
            recurse_symlinks: bool = False,
        ) -> AsyncIterator[Self]:
            """Like `glob()` with `**/` prepended to `pattern`: match in every subdirectory."""
            func = partial(
                self._path.rglob,
                pattern,
                case_sensitive=case_sensitive,
                recurse_symlinks=recurse_symlinks,
            )
            return ThreadedIterator(partial(self._wrapped_iter, func), limiter=self._limiter)

    elif sys.version_info >= (3, 12):

        def glob(self, pattern: str, *, case_sensitive: bool | None = None) -> AsyncIterator[Self]:
            """Yield the existing paths matching the relative glob `pattern` (`**` recurses)."""
            func = partial(self._path.glob, pattern, case_sensitive=case_sensitive)
            return ThreadedIterator(partial(self._wrapped_iter, func), limiter=self._limiter)

        def rglob(
            self, pattern: str, *, case_sensitive: bool | None = None
        ) -> AsyncIterator[Self]:
            """Like `glob()` with `**/` prepended to `pattern`: match in every subdirectory."""
            func = partial(self._path.rglob, pattern, case_sensitive=case_sensitive)
            return ThreadedIterator(partial(self._wrapped_iter, func), limiter=self._limiter)

    else:

        def glob(self, pattern: str) -> AsyncIterator[Self]:
            """Yield the existing paths matching the relative glob `pattern` (`**` recurses)."""
            func = partial(self._path.glob, pattern)
            return ThreadedIterator(partial(self._wrapped_iter, func), limiter=self._limiter)

        def rglob(self, pattern: str) -> AsyncIterator[Self]:
            """Like `glob()` with `**/` prepended to `pattern`: match in every subdirectory."""
            func = partial(self._path.rglob, pattern)
            return ThreadedIterator(partial(self._wrapped_iter, func), limiter=self._limiter)

    if sys.version_info >= (3, 12):

        def walk(
            self,
            top_down: bool = True,
            on_error: Callable[[OSError], object] | None = None,
            follow_symlinks: bool = False,
        ) -> AsyncIterator[tuple[Self, list[str], list[str]]]:
            """Walk the directory tree, yielding `(dirpath, dirnames, filenames)` (3.12+).

            As with `pathlib.Path.walk()`, a top-down walk can be pruned by editing
            `dirnames` in place before the next iteration; for that reason each step of a
            top-down walk runs in its own worker-thread call. `on_error` is called in a
            worker thread.
            """
            func = partial(self._walk_wrapped, top_down, on_error, follow_symlinks)
            return ThreadedIterator(func, prefetch=not top_down, limiter=self._limiter)

        def _walk_wrapped(
            self,
            top_down: bool,
            on_error: Callable[[OSError], object] | None,
            follow_symlinks: bool,
        ) -> Iterator[tuple[Self, list[str], list[str]]]:
            for dirpath, dirnames, filenames in self._path.walk(
                top_down, on_error, follow_symlinks
            ):
                yield self._wrap(dirpath), dirnames, filenames

"""Behaviour of `anyio.Path`, compared with `pathlib.Path` on the running Python.

Queries and pure operations are table-driven: each runs through pathlib and through
anyio.Path on the same paths (files, directories, symbolic links, a broken link, a link
loop, a FIFO, a missing path), and the results, or the exceptions with their errno and file
names, must be the same. Methods that change the file system, iteration, subclassing and
cancellation have their own tests. `test_path_surface.py` checks that every method of the
running Python has one or the other.
"""

from __future__ import annotations

import array
import errno
import os
import pathlib
import pickle
import stat
import sys
from functools import partial
from pathlib import Path as StdPath
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import anyio
from anyio import CancelScope, create_task_group, to_thread, wait_all_tasks_blocked

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

#: The methods compared with pathlib by the table-driven tests below (read by
#: test_path_surface.py, which requires every method to be here or to have a test_<name>).
AGREEMENT_METHODS = (
    "absolute",
    "exists",
    "expanduser",
    "group",
    "is_block_device",
    "is_char_device",
    "is_dir",
    "is_fifo",
    "is_file",
    "is_junction",
    "is_mount",
    "is_socket",
    "is_symlink",
    "lstat",
    "owner",
    "read_bytes",
    "read_text",
    "readlink",
    "resolve",
    "samefile",
    "stat",
    "as_posix",
    "as_uri",
    "full_match",
    "is_absolute",
    "is_relative_to",
    "joinpath",
    "match",
    "relative_to",
    "with_name",
    "with_segments",
    "with_stem",
    "with_suffix",
    "from_uri",
)

PY312 = sys.version_info >= (3, 12)
PY313 = sys.version_info >= (3, 13)


@pytest.fixture
def tree(tmp_path: StdPath) -> StdPath:
    """A directory with one entry of each kind the queries distinguish."""
    (tmp_path / "file.txt").write_bytes(b"hello\r\nworld\n")
    (tmp_path / "dir" / "nested").mkdir(parents=True)
    (tmp_path / "dir" / "sub.txt").write_text("sub")
    (tmp_path / "dir" / "nested" / "deep.txt").write_text("deep")
    (tmp_path / "dir" / "nested" / "other.py").write_text("")
    (tmp_path / "link_to_file").symlink_to("file.txt")
    (tmp_path / "link_to_dir").symlink_to("dir", target_is_directory=True)
    (tmp_path / "broken").symlink_to("missing")
    (tmp_path / "loop").symlink_to("loop")
    os.mkfifo(tmp_path / "fifo")
    return tmp_path


ENTRIES = ("file.txt", "dir", "link_to_file", "link_to_dir", "broken", "loop", "missing")
#: Paths outside the tree: the root (a mount point) and one starting with "~".
OUTSIDE = (StdPath("/"), StdPath("~/anyio-path-test-nothing-here"))


def _targets(tree: StdPath, *, fifo: bool = True) -> list[StdPath]:
    targets = [tree / name for name in ENTRIES] + list(OUTSIDE)
    return [*targets, tree / "fifo"] if fifo else targets


# --- outcome comparison ------------------------------------------------------------------


def _normalise(value: Any) -> Any:
    """A comparable form of a result: paths as (kind, str), stat results as key fields."""
    if isinstance(value, anyio.Path):
        return ("path", str(value))
    if isinstance(value, pathlib.PurePath):
        return ("path", str(value))
    if isinstance(value, os.stat_result):
        return ("stat", value.st_dev, value.st_ino, value.st_mode, value.st_size)
    return value


def _error(exc: BaseException) -> tuple[Any, ...]:
    if isinstance(exc, OSError):
        return ("error", type(exc), exc.errno, exc.filename, exc.filename2)
    return ("error", type(exc), str(exc))


def _outcome(call: Callable[[], Any]) -> Any:
    try:
        return _normalise(call())
    except Exception as exc:
        return _error(exc)


async def _async_outcome(call: Callable[[], Awaitable[Any]]) -> Any:
    try:
        result = await call()
    except Exception as exc:
        return _error(exc)
    if isinstance(result, pathlib.PurePath):
        raise AssertionError(f"anyio.Path returned a pathlib path: {result!r}")
    return _normalise(result)


# --- queries: table-driven against pathlib -----------------------------------------------

#: (method, keyword arguments) for queries that take no positional argument.
QUERY_CASES: list[tuple[str, dict[str, Any]]] = [
    ("absolute", {}),
    ("exists", {}),
    ("expanduser", {}),
    ("group", {}),
    ("is_block_device", {}),
    ("is_char_device", {}),
    ("is_dir", {}),
    ("is_fifo", {}),
    ("is_file", {}),
    ("is_mount", {}),
    ("is_socket", {}),
    ("is_symlink", {}),
    ("lstat", {}),
    ("owner", {}),
    ("readlink", {}),
    ("resolve", {}),
    ("resolve", {"strict": True}),
    ("stat", {}),
    ("stat", {"follow_symlinks": False}),
]
if PY312:
    QUERY_CASES += [("exists", {"follow_symlinks": False}), ("is_junction", {})]
if PY313:
    QUERY_CASES += [
        (name, {"follow_symlinks": False}) for name in ("is_dir", "is_file", "owner", "group")
    ]

#: Reads: the FIFO is left out (opening it for reading blocks until a writer appears).
READ_CASES: list[tuple[str, dict[str, Any]]] = [
    ("read_bytes", {}),
    ("read_text", {}),
    ("read_text", {"encoding": "ascii", "errors": "strict"}),
]
if PY313:
    READ_CASES += [("read_text", {"newline": ""})]


def _case_id(case: tuple[str, dict[str, Any]]) -> str:
    name, kwargs = case
    return name + "".join(f"-{key}={value}" for key, value in kwargs.items())


@pytest.mark.anyio
class TestQueriesAgreeWithPathlib:
    @pytest.mark.parametrize("case", QUERY_CASES, ids=_case_id)
    async def test_query(self, tree: StdPath, case: tuple[str, dict[str, Any]]) -> None:
        name, kwargs = case
        for target in _targets(tree):
            expected = _outcome(partial(getattr(target, name), **kwargs))
            actual = await _async_outcome(partial(getattr(anyio.Path(target), name), **kwargs))
            assert actual == expected, target

    @pytest.mark.parametrize("case", READ_CASES, ids=_case_id)
    async def test_read(self, tree: StdPath, case: tuple[str, dict[str, Any]]) -> None:
        name, kwargs = case
        for target in _targets(tree, fifo=False):
            expected = _outcome(partial(getattr(target, name), **kwargs))
            actual = await _async_outcome(partial(getattr(anyio.Path(target), name), **kwargs))
            assert actual == expected, target

    @pytest.mark.parametrize("other", ["file.txt", "link_to_file", "dir", "missing"])
    async def test_samefile(self, tree: StdPath, other: str) -> None:
        for target in _targets(tree):
            for argument in (tree / other, str(tree / other), anyio.Path(tree / other)):
                expected = _outcome(partial(target.samefile, tree / other))
                actual = await _async_outcome(partial(anyio.Path(target).samefile, argument))
                assert actual == expected, (target, argument)

    async def test_errors_carry_the_path(self, tree: StdPath) -> None:
        missing = anyio.Path(tree / "missing")
        with pytest.raises(FileNotFoundError) as info:
            await missing.read_bytes()
        assert info.value.filename == str(missing)


# --- pure operations: table-driven against pathlib ---------------------------------------

SAMPLES = (
    "/usr/lib/python3/archive.tar.gz",
    "relative/dir/file.txt",
    "/",
    ".",
    "a/b/../c",
    "name.",
    ".hidden",
)

#: (method, positional arguments, keyword arguments) for pure methods.
PURE_CASES: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = [
    ("as_posix", (), {}),
    ("as_uri", (), {}),
    ("is_absolute", (), {}),
    ("joinpath", ("x", "y.z"), {}),
    ("joinpath", ("/abs",), {}),
    ("joinpath", (), {}),
    ("match", ("*.gz",), {}),
    ("match", ("lib/*/*",), {}),
    ("match", ("/usr/*",), {}),
    ("relative_to", ("/usr",), {}),
    ("relative_to", ("relative",), {}),
    ("is_relative_to", ("/usr",), {}),
    ("is_relative_to", ("relative/dir",), {}),
    ("with_name", ("other.md",), {}),
    ("with_name", ("",), {}),
    ("with_stem", ("stem",), {}),
    ("with_suffix", (".md",), {}),
    ("with_suffix", ("",), {}),
    ("with_suffix", ("bad",), {}),
    ("with_segments", ("a", "b"), {}),
]
if PY312:
    PURE_CASES += [
        ("match", ("*.GZ",), {"case_sensitive": False}),
        ("relative_to", ("/usr/share",), {"walk_up": True}),
        ("relative_to", ("relative/other",), {"walk_up": True}),
    ]
if PY313:
    PURE_CASES += [
        ("full_match", ("**/*.gz",), {}),
        ("full_match", ("*.GZ",), {"case_sensitive": False}),
    ]

PROPERTIES = ("anchor", "drive", "name", "parts", "root", "stem", "suffix", "suffixes")


def _pure_case_id(case: tuple[str, tuple[Any, ...], dict[str, Any]]) -> str:
    name, args, kwargs = case
    return f"{name}{args!r}{kwargs or ''}"


class TestPureAgreesWithPathlib:
    @pytest.mark.parametrize("case", PURE_CASES, ids=_pure_case_id)
    @pytest.mark.parametrize("sample", SAMPLES)
    def test_method(self, sample: str, case: tuple[str, tuple[Any, ...], dict[str, Any]]) -> None:
        name, args, kwargs = case
        if name == "with_segments" and not PY312:
            # pathlib < 3.12 lacks it; anyio.Path's is the documented `type(self)(*args)`.
            expected = _normalise(pathlib.Path(*args))
        else:
            expected = _outcome(lambda: getattr(pathlib.Path(sample), name)(*args, **kwargs))
        actual = _outcome(lambda: getattr(anyio.Path(sample), name)(*args, **kwargs))
        assert actual == expected

    @pytest.mark.parametrize("sample", SAMPLES)
    def test_properties(self, sample: str) -> None:
        ours, theirs = anyio.Path(sample), pathlib.Path(sample)
        for name in PROPERTIES:
            assert getattr(ours, name) == getattr(theirs, name), name
        assert isinstance(ours.parent, anyio.Path)
        assert str(ours.parent) == str(theirs.parent)
        assert [str(p) for p in ours.parents] == [str(p) for p in theirs.parents]
        assert all(isinstance(p, anyio.Path) for p in ours.parents)

    @pytest.mark.skipif(not PY313, reason="from_uri() is new in Python 3.13")
    @pytest.mark.parametrize("uri", ["file:///tmp/a%20b", "file:/etc", "http://x/y", "file:rel"])
    def test_from_uri(self, uri: str) -> None:
        expected = _outcome(lambda: pathlib.Path.from_uri(uri))  # type: ignore[attr-defined]
        actual = _outcome(lambda: anyio.Path.from_uri(uri))  # type: ignore[attr-defined]
        assert actual == expected
        if expected[0] == "path":
            assert type(anyio.Path.from_uri(uri)) is anyio.Path  # type: ignore[attr-defined]

    @pytest.mark.skipif(not PY313, reason="parser is new in Python 3.13")
    def test_parser(self) -> None:
        assert anyio.Path("x").parser is os.path  # type: ignore[attr-defined]

    def test_is_reserved(self) -> None:
        if PY313:
            with pytest.warns(DeprecationWarning, match="is_reserved") as record:
                assert anyio.Path("/usr").is_reserved() is False
            assert record[0].filename == __file__
        else:
            assert anyio.Path("/usr").is_reserved() is False

    @given(
        st.lists(st.sampled_from(["a", "b.c", "..", ".", "", "x.tar.gz", " s p "]), max_size=5),
        st.booleans(),
    )
    def test_random_paths_agree(self, segments: list[str], absolute: bool) -> None:
        text = ("/" if absolute else "") + "/".join(segments)
        ours, theirs = anyio.Path(text), pathlib.Path(text)
        assert str(ours) == str(theirs)
        assert ours.parts == theirs.parts
        assert str(ours.parent) == str(theirs.parent)
        assert ours == theirs
        assert hash(ours) == hash(theirs)


class TestConversionsAndComparisons:
    def test_not_a_pathlib_path(self) -> None:
        assert not isinstance(anyio.Path("a"), pathlib.PurePath)

    def test_conversions(self) -> None:
        path = anyio.Path("/tmp", "x y")
        assert str(path) == "/tmp/x y"
        assert os.fspath(path) == "/tmp/x y"
        assert bytes(path) == b"/tmp/x y"
        assert repr(path) == "Path('/tmp/x y')"
        assert pathlib.Path(path) == pathlib.Path("/tmp/x y")
        assert anyio.Path(path) == path

    def test_constructor_accepts_path_likes(self) -> None:
        assert anyio.Path(pathlib.Path("a"), anyio.Path("b"), "c") == anyio.Path("a/b/c")
        assert anyio.Path() == anyio.Path(".")

    def test_division(self) -> None:
        base = anyio.Path("/base")
        assert base / "x" == anyio.Path("/base/x")
        assert base / anyio.Path("y") == anyio.Path("/base/y")
        assert base / pathlib.Path("z") == anyio.Path("/base/z")
        assert "/root" / anyio.Path("x") == anyio.Path("/root/x")
        assert isinstance("rel" / anyio.Path("x"), anyio.Path)
        with pytest.raises(TypeError):
            base / 1  # type: ignore[operator]

    def test_equality_and_hash(self) -> None:
        assert anyio.Path("a/b") == anyio.Path("a/b")
        assert anyio.Path("a/b") == pathlib.Path("a/b")
        assert anyio.Path("a/b") != anyio.Path("a/c")
        assert anyio.Path("a") != "a"
        assert hash(anyio.Path("a/b")) == hash(pathlib.Path("a/b"))
        assert len({anyio.Path("a"), anyio.Path("a"), pathlib.Path("a")}) == 1

    def test_ordering(self) -> None:
        paths = [anyio.Path("b"), anyio.Path("a/z"), anyio.Path("a")]
        assert sorted(paths) == [anyio.Path("a"), anyio.Path("a/z"), anyio.Path("b")]
        assert anyio.Path("a") < anyio.Path("b") <= anyio.Path("b")
        assert anyio.Path("c") > pathlib.Path("b")
        assert anyio.Path("c") >= anyio.Path("c")
        with pytest.raises(TypeError):
            anyio.Path("a") < "b"  # type: ignore[operator]  # noqa: B015

    def test_pickle_and_weakref(self) -> None:
        import weakref

        path = anyio.Path("/some/where")
        assert pickle.loads(pickle.dumps(path)) == path
        assert weakref.ref(path)() is path


class TestWithStem:
    """AnyIO#1200: `with_stem("")` on a path with a suffix raises, on every Python."""

    @pytest.mark.parametrize("name", ["a.txt", "a.tar.gz"])
    def test_with_stem_empty_with_suffix(self, name: str) -> None:
        with pytest.raises(ValueError, match="non-empty suffix"):
            anyio.Path("/d", name).with_stem("")

    @pytest.mark.parametrize("name", ["a", ".bashrc", ""])
    def test_with_stem_empty_without_suffix(self, name: str) -> None:
        with pytest.raises(ValueError, match="name"):
            anyio.Path("/d", name).with_stem("")

    def test_with_stem_replaces(self) -> None:
        assert anyio.Path("/d/a.tar.gz").with_stem("b") == anyio.Path("/d/b.gz")


# --- subclasses keep their type ----------------------------------------------------------


class MyPath(anyio.Path):
    __slots__ = ()


@pytest.mark.anyio
class TestSubclass:
    def test_pure_results(self) -> None:
        path = MyPath("/a/b.txt")
        derived = [
            path.parent,
            path / "c",
            "x" / MyPath("y"),
            path.joinpath("c"),
            path.with_name("n"),
            path.with_stem("s"),
            path.with_suffix(".md"),
            path.relative_to("/a"),
            path.with_segments("q"),
            *path.parents,
        ]
        assert all(type(p) is MyPath for p in derived)

    async def test_async_results(self, tree: StdPath) -> None:
        path = MyPath(tree / "file.txt")
        assert type(await path.resolve()) is MyPath
        assert type(await path.absolute()) is MyPath
        assert type(await path.expanduser()) is MyPath
        assert type(await MyPath(tree / "link_to_file").readlink()) is MyPath
        assert type(await MyPath.cwd()) is MyPath
        assert type(await MyPath.home()) is MyPath
        assert all(type(p) is MyPath for p in [p async for p in MyPath(tree).iterdir()])
        assert all(type(p) is MyPath for p in [p async for p in MyPath(tree).glob("*")])
        renamed = await path.rename(tree / "renamed.txt")
        assert type(renamed) is MyPath

    async def test_with_segments_carries_state(self, tree: StdPath) -> None:
        class Tagged(anyio.Path):
            __slots__ = ("tag",)

            def __init__(self, *args: Any, tag: str = "") -> None:
                super().__init__(*args)
                self.tag = tag

            def with_segments(self, *pathsegments: Any) -> Tagged:
                return type(self)(*pathsegments, tag=self.tag)

        path = Tagged(tree, tag="t")
        assert (path / "x").tag == "t"
        assert path.parent.tag == "t"
        assert (await path.resolve()).tag == "t"
        assert {p.tag async for p in path.iterdir()} == {"t"}


# --- methods that change the file system -------------------------------------------------


@pytest.mark.anyio
class TestChanges:
    async def test_touch(self, tmp_path: StdPath) -> None:
        path = anyio.Path(tmp_path / "new")
        assert await path.touch() is None
        assert (tmp_path / "new").is_file()
        await path.touch()  # exist_ok defaults to True
        with pytest.raises(FileExistsError):
            await path.touch(exist_ok=False)
        await anyio.Path(tmp_path / "private").touch(mode=0o600)
        assert stat.S_IMODE((tmp_path / "private").stat().st_mode) & 0o077 == 0

    async def test_mkdir(self, tmp_path: StdPath) -> None:
        path = anyio.Path(tmp_path / "a" / "b")
        with pytest.raises(FileNotFoundError):
            await path.mkdir()
        await path.mkdir(parents=True)
        assert (tmp_path / "a" / "b").is_dir()
        with pytest.raises(FileExistsError) as info:
            await path.mkdir()
        assert info.value.filename == str(path)
        await path.mkdir(exist_ok=True)
        await anyio.Path(tmp_path / "m").mkdir(mode=0o700)
        assert stat.S_IMODE((tmp_path / "m").stat().st_mode) == 0o700

    async def test_chmod(self, tree: StdPath) -> None:
        path = anyio.Path(tree / "file.txt")
        await path.chmod(0o600)
        assert stat.S_IMODE((tree / "file.txt").stat().st_mode) == 0o600
        await anyio.Path(tree / "link_to_file").chmod(0o640)
        assert stat.S_IMODE((tree / "file.txt").stat().st_mode) == 0o640
        expected = _outcome(lambda: (tree / "link_to_file").chmod(0o600, follow_symlinks=False))
        link = anyio.Path(tree / "link_to_file")
        assert await _async_outcome(lambda: link.chmod(0o600, follow_symlinks=False)) == expected

    async def test_lchmod(self, tree: StdPath) -> None:
        # Linux cannot change a link's mode: both raise the same error there.
        expected = _outcome(lambda: (tree / "link_to_file").lchmod(0o600))
        link = anyio.Path(tree / "link_to_file")
        assert await _async_outcome(lambda: link.lchmod(0o600)) == expected

    async def test_unlink(self, tree: StdPath) -> None:
        await anyio.Path(tree / "file.txt").unlink()
        assert not (tree / "file.txt").exists()
        with pytest.raises(FileNotFoundError):
            await anyio.Path(tree / "file.txt").unlink()
        await anyio.Path(tree / "file.txt").unlink(missing_ok=True)
        with pytest.raises(IsADirectoryError):
            await anyio.Path(tree / "dir").unlink()

    async def test_rmdir(self, tree: StdPath) -> None:
        with pytest.raises(OSError, match="not empty") as info:
            await anyio.Path(tree / "dir").rmdir()
        assert info.value.errno == errno.ENOTEMPTY
        await anyio.Path(tree / "dir" / "nested" / "deep.txt").unlink()
        await anyio.Path(tree / "dir" / "nested" / "other.py").unlink()
        await anyio.Path(tree / "dir" / "nested").rmdir()
        assert not (tree / "dir" / "nested").exists()

    async def test_rename(self, tree: StdPath) -> None:
        result = await anyio.Path(tree / "file.txt").rename(anyio.Path(tree / "moved.txt"))
        assert result == anyio.Path(tree / "moved.txt")
        assert isinstance(result, anyio.Path)
        assert (tree / "moved.txt").read_bytes() == b"hello\r\nworld\n"
        result = await anyio.Path(tree / "moved.txt").rename(str(tree / "again.txt"))
        assert result == anyio.Path(tree / "again.txt")
        with pytest.raises(FileNotFoundError):
            await anyio.Path(tree / "moved.txt").rename(tree / "x")

    async def test_replace(self, tree: StdPath) -> None:
        (tree / "target.txt").write_text("old")
        result = await anyio.Path(tree / "file.txt").replace(tree / "target.txt")
        assert isinstance(result, anyio.Path)
        assert result == anyio.Path(tree / "target.txt")
        assert (tree / "target.txt").read_bytes() == b"hello\r\nworld\n"

    async def test_symlink_to(self, tree: StdPath) -> None:
        link = anyio.Path(tree / "new_link")
        await link.symlink_to(anyio.Path(tree / "dir"), target_is_directory=True)
        assert os.readlink(tree / "new_link") == str(tree / "dir")
        await anyio.Path(tree / "rel_link").symlink_to("file.txt")
        assert await anyio.Path(tree / "rel_link").readlink() == anyio.Path("file.txt")
        with pytest.raises(FileExistsError):
            await link.symlink_to("elsewhere")

    async def test_hardlink_to(self, tree: StdPath) -> None:
        await anyio.Path(tree / "hard").hardlink_to(anyio.Path(tree / "file.txt"))
        assert (tree / "hard").samefile(tree / "file.txt")
        assert (tree / "file.txt").stat().st_nlink == 2

    async def test_write_bytes(self, tmp_path: StdPath) -> None:
        path = anyio.Path(tmp_path / "data.bin")
        assert await path.write_bytes(b"\x00\xff") == 2
        assert await path.write_bytes(memoryview(b"abc")) == 3
        assert (tmp_path / "data.bin").read_bytes() == b"abc"
        with pytest.raises(FileNotFoundError):
            await anyio.Path(tmp_path / "no" / "such").write_bytes(b"")

    async def test_write_bytes_any_buffer(self, tmp_path: StdPath) -> None:
        """AnyIO#1135: any object with the buffer protocol, not only `bytes`."""
        path = anyio.Path(tmp_path / "data.bin")
        assert await path.write_bytes(bytearray(b"ab")) == 2
        assert await path.write_bytes(array.array("H", [1, 2])) == 4
        assert (tmp_path / "data.bin").read_bytes() == array.array("H", [1, 2]).tobytes()
        assert await path.write_bytes(memoryview(b"abcdef")[2:4]) == 2
        assert (tmp_path / "data.bin").read_bytes() == b"cd"

    async def test_write_text(self, tmp_path: StdPath) -> None:
        path = anyio.Path(tmp_path / "t.txt")
        assert await path.write_text("a\nb\n") == 4
        assert (tmp_path / "t.txt").read_bytes() == b"a\nb\n"
        await path.write_text("é\n", encoding="latin-1", newline="\r\n")
        assert (tmp_path / "t.txt").read_bytes() == b"\xe9\r\n"
        await path.write_text("\udcff", errors="surrogateescape", encoding="utf-8")
        assert (tmp_path / "t.txt").read_bytes() == b"\xff"
        with pytest.raises(UnicodeEncodeError):
            await path.write_text("é", encoding="ascii")

    async def test_open(self, tmp_path: StdPath) -> None:
        path = anyio.Path(tmp_path / "f.txt")
        async with await path.open("w", encoding="utf-8", newline="\r\n") as f:
            assert isinstance(f, anyio.AsyncFile)
            await f.write("line\n")
        assert (tmp_path / "f.txt").read_bytes() == b"line\r\n"
        async with await path.open("rb", buffering=0) as fb:
            assert await fb.read() == b"line\r\n"
        async with await path.open(errors="strict") as ft:
            assert await ft.read() == "line\n"
        with pytest.raises(FileNotFoundError):
            await anyio.Path(tmp_path / "missing").open()

    @pytest.mark.skipif(sys.version_info < (3, 14), reason="copy() is new in Python 3.14")
    async def test_copy(self, tree: StdPath) -> None:
        result = await anyio.Path(tree / "dir").copy(tree / "copied")  # type: ignore[attr-defined]
        assert isinstance(result, anyio.Path)
        assert (tree / "copied" / "nested" / "deep.txt").read_text() == "deep"

    @pytest.mark.skipif(sys.version_info < (3, 14), reason="copy_into() is new in Python 3.14")
    async def test_copy_into(self, tree: StdPath) -> None:
        path = anyio.Path(tree / "file.txt")
        result = await path.copy_into(tree / "dir")  # type: ignore[attr-defined]
        assert result == anyio.Path(tree / "dir" / "file.txt")
        assert (tree / "file.txt").exists()

    @pytest.mark.skipif(sys.version_info < (3, 14), reason="move() is new in Python 3.14")
    async def test_move(self, tree: StdPath) -> None:
        result = await anyio.Path(tree / "dir").move(tree / "moved")  # type: ignore[attr-defined]
        assert result == anyio.Path(tree / "moved")
        assert not (tree / "dir").exists()

    @pytest.mark.skipif(sys.version_info < (3, 14), reason="move_into() is new in Python 3.14")
    async def test_move_into(self, tree: StdPath) -> None:
        path = anyio.Path(tree / "file.txt")
        result = await path.move_into(tree / "dir")  # type: ignore[attr-defined]
        assert result == anyio.Path(tree / "dir" / "file.txt")
        assert not (tree / "file.txt").exists()

    @pytest.mark.skipif(sys.version_info < (3, 14), reason="info is new in Python 3.14")
    def test_info(self, tree: StdPath) -> None:
        assert anyio.Path(tree / "dir").info.is_dir()  # type: ignore[attr-defined]

    async def test_cwd(self) -> None:
        cwd = await anyio.Path.cwd()
        assert type(cwd) is anyio.Path
        assert cwd == pathlib.Path.cwd()

    async def test_home(self) -> None:
        home = await anyio.Path.home()
        assert type(home) is anyio.Path
        assert home == pathlib.Path.home()


# --- iteration ---------------------------------------------------------------------------


def _listing(path: StdPath, method: str, *args: Any, **kwargs: Any) -> list[str]:
    """What pathlib's iterator method yields, as sorted strings (blocking: the reference)."""
    return sorted(map(str, getattr(path, method)(*args, **kwargs)))


def _walk(path: StdPath, **kwargs: Any) -> list[tuple[str, list[str], list[str]]]:
    steps = path.walk(**kwargs)  # type: ignore[attr-defined]
    return [(str(d), sorted(ds), sorted(fs)) for d, ds, fs in steps]


@pytest.mark.anyio
class TestIteration:
    async def test_iterdir(self, tree: StdPath) -> None:
        entries = [p async for p in anyio.Path(tree).iterdir()]
        assert all(isinstance(p, anyio.Path) for p in entries)
        assert sorted(map(str, entries)) == _listing(tree, "iterdir")

    async def test_iterdir_errors(self, tree: StdPath) -> None:
        with pytest.raises(NotADirectoryError):
            [p async for p in anyio.Path(tree / "file.txt").iterdir()]
        with pytest.raises(FileNotFoundError) as info:
            [p async for p in anyio.Path(tree / "missing").iterdir()]
        assert info.value.filename == str(tree / "missing")

    async def test_iterdir_large_directory(self, tmp_path: StdPath) -> None:
        # More entries than one batch, so that several worker calls are needed.
        for number in range(700):
            (tmp_path / f"f{number}").touch()
        names = {p.name async for p in anyio.Path(tmp_path).iterdir()}
        assert names == {f"f{number}" for number in range(700)}

    async def test_iterdir_stops_early(self, tree: StdPath) -> None:
        async for path in anyio.Path(tree).iterdir():
            assert isinstance(path, anyio.Path)
            break

    @pytest.mark.parametrize("pattern", ["*", "*.txt", "**/*.txt", "dir/*", "**", "nothing*"])
    async def test_glob(self, tree: StdPath, pattern: str) -> None:
        found = [p async for p in anyio.Path(tree).glob(pattern)]
        assert all(isinstance(p, anyio.Path) for p in found)
        assert sorted(map(str, found)) == _listing(tree, "glob", pattern)

    @pytest.mark.skipif(not PY312, reason="case_sensitive is new in Python 3.12")
    async def test_glob_case_sensitive(self, tree: StdPath) -> None:
        found = [p async for p in anyio.Path(tree).glob("FILE.TXT", case_sensitive=False)]
        assert found == [anyio.Path(tree / "file.txt")]

    @pytest.mark.parametrize("pattern", ["*.txt", "*.py", "nested", "*"])
    async def test_rglob(self, tree: StdPath, pattern: str) -> None:
        found = [p async for p in anyio.Path(tree).rglob(pattern)]
        assert all(isinstance(p, anyio.Path) for p in found)
        assert sorted(map(str, found)) == _listing(tree, "rglob", pattern)

    @pytest.mark.skipif(not PY313, reason="recurse_symlinks is new in Python 3.13")
    async def test_rglob_recurse_symlinks(self, tree: StdPath) -> None:
        found = [p async for p in anyio.Path(tree).rglob("deep.txt", recurse_symlinks=True)]
        expected = _listing(tree, "rglob", "deep.txt", recurse_symlinks=True)
        assert sorted(map(str, found)) == expected
        assert anyio.Path(tree / "link_to_dir" / "nested" / "deep.txt") in found

    async def test_glob_rejects_empty_pattern(self, tree: StdPath) -> None:
        with pytest.raises(ValueError, match="pattern"):
            [p async for p in anyio.Path(tree).glob("")]

    @pytest.mark.skipif(not PY312, reason="walk() is new in Python 3.12")
    @pytest.mark.parametrize("top_down", [True, False])
    async def test_walk(self, tree: StdPath, top_down: bool) -> None:
        walked = [step async for step in anyio.Path(tree).walk(top_down=top_down)]  # type: ignore[attr-defined]
        expected = _walk(tree, top_down=top_down)
        assert [(str(d), sorted(ds), sorted(fs)) for d, ds, fs in walked] == expected
        assert all(isinstance(d, anyio.Path) for d, _, _ in walked)

    @pytest.mark.skipif(not PY312, reason="walk() is new in Python 3.12")
    async def test_walk_pruned(self, tree: StdPath) -> None:
        seen = []
        async for dirpath, dirnames, _ in anyio.Path(tree).walk():  # type: ignore[attr-defined]
            seen.append(dirpath)
            if "nested" in dirnames:
                dirnames.remove("nested")
        assert anyio.Path(tree / "dir") in seen
        assert anyio.Path(tree / "dir" / "nested") not in seen

    @pytest.mark.skipif(not PY312, reason="walk() is new in Python 3.12")
    async def test_walk_options(self, tree: StdPath) -> None:
        errors: list[OSError] = []
        steps = [
            step
            async for step in anyio.Path(tree / "missing").walk(on_error=errors.append)  # type: ignore[attr-defined]
        ]
        assert steps == []
        assert isinstance(errors[0], FileNotFoundError)
        followed = [
            d
            async for d, _, _ in anyio.Path(tree).walk(follow_symlinks=True)  # type: ignore[attr-defined]
        ]
        assert anyio.Path(tree / "link_to_dir") in followed


# --- cancellation ------------------------------------------------------------------------


async def _open_fifo_end(fifo: StdPath, flags: int) -> None:
    """Open and close the other end of `fifo`, releasing a worker blocked in open()."""
    fd = await to_thread.run_sync(os.open, fifo, flags)
    os.close(fd)


@pytest.mark.anyio
class TestCancellation:
    async def test_read_bytes_abandoned_on_cancel(self, tree: StdPath) -> None:
        """A query is abandoned: the caller leaves at once, the worker finishes later."""
        fifo = tree / "fifo"
        outcome: dict[str, Any] = {}

        async def reader() -> None:
            with CancelScope() as scope:
                outcome["scope"] = scope
                await anyio.Path(fifo).read_bytes()  # blocks in open(): no writer
            outcome["left"] = True

        async with create_task_group() as tg:
            tg.start_soon(reader)
            await wait_all_tasks_blocked()
            outcome["scope"].cancel()
        assert outcome["left"]  # left while the worker is still blocked in open()
        assert outcome["scope"].cancelled_caught
        await _open_fifo_end(fifo, os.O_WRONLY)  # let the abandoned worker finish

    async def test_write_bytes_completes_despite_cancel(self, tree: StdPath) -> None:
        """A change is not abandoned: it completes, the next checkpoint raises."""
        fifo = tree / "fifo"
        outcome: dict[str, Any] = {}

        async def writer() -> None:
            with CancelScope() as scope:
                outcome["scope"] = scope
                outcome["written"] = await anyio.Path(fifo).write_bytes(b"payload")
                await anyio.lowlevel.checkpoint()
                outcome["not_cancelled"] = True
            outcome["left"] = True

        async with create_task_group() as tg:
            tg.start_soon(writer)
            await wait_all_tasks_blocked()
            outcome["scope"].cancel()
            await wait_all_tasks_blocked()
            assert "left" not in outcome  # still waiting for its worker
            received = await to_thread.run_sync(fifo.read_bytes)
        assert received == b"payload"
        assert outcome["written"] == 7
        assert outcome["left"]
        assert "not_cancelled" not in outcome
        assert outcome["scope"].cancelled_caught

    async def test_iteration_cancelled(self, tree: StdPath) -> None:
        with CancelScope() as scope:
            async for _ in anyio.Path(tree).iterdir():
                scope.cancel()
                await anyio.lowlevel.checkpoint()
        assert scope.cancelled_caught

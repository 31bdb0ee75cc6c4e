"""The surface of `anyio.Path` against `pathlib.Path` on the running Python.

The tables below say how each member of `pathlib.Path` maps onto `anyio.Path`: they are the
specification these tests check. Every public name and every special method that
`pathlib.Path` defines on any Python we support (3.10 to 3.14) is listed in exactly one
table. The tests fail when the running Python's `pathlib.Path` has a member that no table
lists (so a new Python release cannot add a method that `anyio.Path` silently lacks), when
`anyio.Path` has a member that pathlib lacks, when a member has the wrong shape (sync,
coroutine, async iterator) and when a signature differs from pathlib's.
"""

from __future__ import annotations

import ast
import inspect
import pathlib
import sys
from pathlib import Path as StdPath
from typing import Any

import pytest

import anyio

#: Properties computed from the path alone: synchronous properties on `anyio.Path`.
PURE_PROPERTIES = frozenset(
    {"anchor", "drive", "name", "parent", "parents", "parts", "root", "stem", "suffix", "suffixes"}
)

#: Class attributes that are neither methods nor properties (3.13+: `parser`).
CLASS_ATTRIBUTES = frozenset({"parser"})

#: Synchronous properties that give access to the file system lazily (3.14+: `info`).
LAZY_PROPERTIES = frozenset({"info"})

#: Methods that only compute with the path: synchronous on `anyio.Path`.
PURE_METHODS = frozenset(
    {
        "as_posix",
        "as_uri",
        "full_match",
        "is_absolute",
        "is_relative_to",
        "is_reserved",
        "joinpath",
        "match",
        "relative_to",
        "with_name",
        "with_segments",
        "with_stem",
        "with_suffix",
    }
)

#: Pure class methods (3.13+: `from_uri`).
PURE_CLASSMETHODS = frozenset({"from_uri"})

#: Methods that access the file system: coroutine functions on `anyio.Path`.
ASYNC_METHODS = frozenset(
    {
        "absolute",
        "chmod",
        "copy",
        "copy_into",
        "exists",
        "expanduser",
        "group",
        "hardlink_to",
        "is_block_device",
        "is_char_device",
        "is_dir",
        "is_fifo",
        "is_file",
        "is_junction",
        "is_mount",
        "is_socket",
        "is_symlink",
        "lchmod",
        "lstat",
        "mkdir",
        "move",
        "move_into",
        "open",
        "owner",
        "read_bytes",
        "read_text",
        "readlink",
        "rename",
        "replace",
        "resolve",
        "rmdir",
        "samefile",
        "stat",
        "symlink_to",
        "touch",
        "unlink",
        "write_bytes",
        "write_text",
    }
)

#: Class methods that access the file system: coroutine functions on `anyio.Path`.
ASYNC_CLASSMETHODS = frozenset({"cwd", "home"})

#: Methods returning iterators that access the file system: async iterators on `anyio.Path`.
ASYNC_ITERATORS = frozenset({"glob", "iterdir", "rglob", "walk"})

#: Special methods that `anyio.Path` implements with pathlib's meaning.
PROTOCOL_DUNDERS = frozenset(
    {
        "__bytes__",
        "__eq__",
        "__fspath__",
        "__ge__",
        "__gt__",
        "__hash__",
        "__le__",
        "__lt__",
        "__repr__",
        "__rtruediv__",
        "__str__",
        "__truediv__",
    }
)

#: Members of `pathlib.Path` deliberately absent from `anyio.Path`, with the reason.
OMITTED = {
    "link_to": "deprecated since 3.10 and removed in 3.12; AnyIO 4.13 lacks it too: use hardlink_to()",
    "__enter__": "pathlib's no-op context manager support, deprecated in 3.11, removed in 3.13",
    "__exit__": "pathlib's no-op context manager support, deprecated in 3.11, removed in 3.13",
}

#: Special attributes that belong to the class machinery, not to the path API.
MACHINERY_DUNDERS = frozenset(
    {
        "__class_getitem__",
        "__doc__",
        "__firstlineno__",
        "__init__",
        "__init_subclass__",
        "__module__",
        "__new__",
        "__reduce__",  # anyio.Path pickles through its slots instead (tested)
        "__slots__",
        "__static_attributes__",
        "__subclasshook__",
    }
)

#: Members that `anyio.Path` has although the running `pathlib.Path` may not, and why.
EXTRAS = {
    "with_segments": "AnyIO 4.13 provides it on every Python (pathlib: 3.12+)",
    "limiter": "AnyIO 4.14+: the capacity limiter of the path's worker threads",
}

#: Methods with an extra keyword-only `limiter` parameter that pathlib's lack (AnyIO 4.14+).
LIMITER_KEYWORD = frozenset({"cwd", "home"})

PUBLIC_TABLES = {
    "PURE_PROPERTIES": PURE_PROPERTIES,
    "CLASS_ATTRIBUTES": CLASS_ATTRIBUTES,
    "LAZY_PROPERTIES": LAZY_PROPERTIES,
    "PURE_METHODS": PURE_METHODS,
    "PURE_CLASSMETHODS": PURE_CLASSMETHODS,
    "ASYNC_METHODS": ASYNC_METHODS,
    "ASYNC_CLASSMETHODS": ASYNC_CLASSMETHODS,
    "ASYNC_ITERATORS": ASYNC_ITERATORS,
    "OMITTED": frozenset(name for name in OMITTED if not name.startswith("__")),
}


# --- helpers -----------------------------------------------------------------------------


def _pathlib_public() -> set[str]:
    return {name for name in dir(pathlib.Path) if not name.startswith("_")}


def _pathlib_dunders() -> set[str]:
    """Special members that pathlib.Path defines or overrides (not plain `object` ones)."""
    names = set()
    for name in dir(pathlib.Path):
        if not (name.startswith("__") and name.endswith("__")):
            continue
        if getattr(pathlib.Path, name, None) is not getattr(object, name, None):
            names.add(name)
    return names


def _ours_public() -> set[str]:
    return {name for name in dir(anyio.Path) if not name.startswith("_")}


def _classification(name: str) -> list[str]:
    return [table for table, names in PUBLIC_TABLES.items() if name in names]


def _expected_public() -> set[str]:
    expected = _pathlib_public() - set(OMITTED)
    return expected | set(EXTRAS)


# --- every pathlib member is classified, and anyio.Path has exactly the expected ones -----


def test_every_pathlib_public_member_is_classified() -> None:
    unclassified = sorted(name for name in _pathlib_public() if not _classification(name))
    assert not unclassified, (
        f"pathlib.Path on Python {sys.version.split()[0]} has members that no table in "
        f"{__name__} classifies: {unclassified}; add each to a table and to anyio.Path"
    )


def test_tables_do_not_overlap() -> None:
    every = [name for names in PUBLIC_TABLES.values() for name in names]
    assert len(every) == len(set(every))


def test_every_pathlib_dunder_is_classified() -> None:
    known = PROTOCOL_DUNDERS | MACHINERY_DUNDERS | set(OMITTED)
    unclassified = sorted(_pathlib_dunders() - known)
    assert not unclassified, f"unclassified special members of pathlib.Path: {unclassified}"


def test_public_member_set_matches_pathlib() -> None:
    ours = _ours_public()
    expected = _expected_public()
    assert sorted(expected - ours) == [], "missing from anyio.Path"
    assert sorted(ours - expected) == [], "anyio.Path has members that pathlib.Path lacks"


def test_protocol_dunders_are_implemented() -> None:
    for name in PROTOCOL_DUNDERS & _pathlib_dunders():
        assert name in vars(anyio.Path), name


def test_omitted_members_are_absent() -> None:
    for name in OMITTED:
        assert not hasattr(anyio.Path, name), name


def test_not_a_pathlib_subclass() -> None:
    assert not issubclass(anyio.Path, pathlib.PurePath)


# --- each member has the shape its table says -----------------------------------------


def _present(table: frozenset[str]) -> list[str]:
    return sorted(table & _ours_public())


@pytest.mark.parametrize("name", _present(PURE_PROPERTIES | LAZY_PROPERTIES))
def test_property_shape(name: str) -> None:
    assert isinstance(inspect.getattr_static(anyio.Path, name), property)


@pytest.mark.parametrize("name", _present(CLASS_ATTRIBUTES))
def test_class_attribute_shape(name: str) -> None:
    assert getattr(anyio.Path, name) is getattr(pathlib.Path, name)


@pytest.mark.parametrize("name", _present(PURE_METHODS))
def test_pure_method_shape(name: str) -> None:
    member = inspect.getattr_static(anyio.Path, name)
    assert inspect.isfunction(member)
    assert not inspect.iscoroutinefunction(member)
    assert not inspect.isasyncgenfunction(member)


@pytest.mark.parametrize("name", _present(PURE_CLASSMETHODS))
def test_pure_classmethod_shape(name: str) -> None:
    member = inspect.getattr_static(anyio.Path, name)
    assert isinstance(member, classmethod)
    assert not inspect.iscoroutinefunction(member.__func__)


@pytest.mark.parametrize("name", _present(ASYNC_METHODS))
def test_async_method_shape(name: str) -> None:
    member = inspect.getattr_static(anyio.Path, name)
    assert inspect.iscoroutinefunction(member)


@pytest.mark.parametrize("name", _present(ASYNC_CLASSMETHODS))
def test_async_classmethod_shape(name: str) -> None:
    member = inspect.getattr_static(anyio.Path, name)
    assert isinstance(member, classmethod)
    assert inspect.iscoroutinefunction(member.__func__)


@pytest.mark.parametrize("name", _present(ASYNC_ITERATORS))
def test_async_iterator_shape(name: str, tmp_path: StdPath) -> None:
    # Calling the method must not touch the disk nor need a running event loop: it returns
    # an async iterator (nothing happens until the first __anext__).
    args = ("*",) if name in {"glob", "rglob"} else ()
    iterator = getattr(anyio.Path(tmp_path / "missing"), name)(*args)
    assert hasattr(iterator, "__anext__")
    assert not inspect.iscoroutine(iterator)
    aclose = getattr(iterator, "aclose", None)
    if aclose is not None:  # an async generator: close it without running it
        aclose().close()


# --- signatures match pathlib's ----------------------------------------------------------

#: Deliberate differences from pathlib's signature: (name, condition) -> reason.
SIGNATURE_DEVIATIONS = {
    "is_relative_to": (
        sys.version_info < (3, 12),
        "one `other` argument, as in AnyIO 4.13 (pathlib < 3.12 joins several)",
    ),
}


def _comparable(func: Any, *, drop: frozenset[str] = frozenset()) -> list[tuple[str, Any, Any]]:
    """(name or kind marker, kind, default) per parameter, without self and deprecated ones."""
    params = list(inspect.signature(func).parameters.values())
    result = []
    for param in params:
        if param.name in {"self", "cls"} | drop:
            continue
        if param.kind is param.VAR_POSITIONAL and param.name == "_deprecated":
            # 3.12+: extra positional arguments of relative_to()/is_relative_to() are
            # deprecated (removed in 3.14); anyio.Path does not accept them.
            continue
        name = "*" if param.kind is param.VAR_POSITIONAL else param.name
        result.append((name, param.kind, param.default))
    return result


def _signature_names() -> list[str]:
    tables = PURE_METHODS | PURE_CLASSMETHODS | ASYNC_METHODS | ASYNC_CLASSMETHODS
    tables |= ASYNC_ITERATORS
    return sorted(tables & _ours_public() & _pathlib_public())


@pytest.mark.parametrize("name", _signature_names())
def test_signature_matches_pathlib(name: str) -> None:
    deviation = SIGNATURE_DEVIATIONS.get(name)
    if deviation is not None and deviation[0]:
        pytest.skip(deviation[1])
    drop = frozenset({"limiter"}) if name in LIMITER_KEYWORD else frozenset()
    ours = _comparable(getattr(anyio.Path, name), drop=drop)
    theirs = _comparable(getattr(pathlib.Path, name))
    assert ours == theirs


@pytest.mark.parametrize("name", sorted(LIMITER_KEYWORD | {"__init__"}))
def test_limiter_keyword(name: str) -> None:
    limiter = inspect.signature(getattr(anyio.Path, name)).parameters["limiter"]
    assert limiter.kind is inspect.Parameter.KEYWORD_ONLY
    assert limiter.default is None


def test_limiter_property() -> None:
    assert isinstance(inspect.getattr_static(anyio.Path, "limiter"), property)


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="deviation applies to Python < 3.12")
def test_is_relative_to_deviation() -> None:
    ours = _comparable(anyio.Path.is_relative_to)
    assert ours == [("other", inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.empty)]


# --- every async member has a behaviour test ---------------------------------------------


def _test_names() -> set[str]:
    """Names of the test functions and methods in test_path.py."""
    source = StdPath(__file__).with_name("test_path.py").read_text(encoding="utf-8")
    return {
        node.name
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.name.startswith("test_")
    }


def _agreement_cases() -> set[str]:
    source = StdPath(__file__).with_name("test_path.py").read_text(encoding="utf-8")
    tree = ast.parse(source)
    for node in tree.body:
        if isinstance(node, ast.AnnAssign | ast.Assign):
            targets = [node.target] if isinstance(node, ast.AnnAssign) else node.targets
            if any(isinstance(t, ast.Name) and t.id == "AGREEMENT_METHODS" for t in targets):
                assert node.value is not None
                return set(ast.literal_eval(node.value))
    raise AssertionError("test_path.py defines no AGREEMENT_METHODS")


@pytest.mark.parametrize(
    "name",
    sorted(
        (ASYNC_METHODS | ASYNC_CLASSMETHODS | ASYNC_ITERATORS | PURE_METHODS | PURE_CLASSMETHODS)
        & _ours_public()
    ),
)
def test_member_has_behaviour_test(name: str) -> None:
    """Each method is compared with pathlib (AGREEMENT_METHODS) or has a `test_<name>...`."""
    tests = _test_names()
    dedicated = any(t == f"test_{name}" or t.startswith(f"test_{name}_") for t in tests)
    assert dedicated or name in _agreement_cases(), f"no behaviour test for Path.{name}"

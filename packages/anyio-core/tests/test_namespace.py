"""The public namespace against AnyIO 4.16's (``anyio-4.16-api.json``).

Every public name of ``anyio``, ``anyio.lowlevel``, ``anyio.abc``,
``anyio.functools`` and ``anyio.itertools`` either exists, with the kind,
async-ness and call signature (parameter names and kinds) that AnyIO 4.16 has,
or raises `anyio.MissingDistributionError`, which says what to install or that
no anyio distribution provides that area yet. `TestNothingLost` checks the
4.13 surface (``anyio-4.13-api.json``) against it: a name of 4.13 may be
missing from 4.16 only where 4.16 itself dropped it. Subprocess tests check
what ``import anyio`` costs and how the namespace looks when only anyio-core is
installed.
"""

from __future__ import annotations

import ast
import builtins
import enum
import importlib
import importlib.util
import inspect
import json
import pickle
import re
import subprocess
import sys
import textwrap
import types
from pathlib import Path
from typing import Any

import pytest

import anyio
from anyio._core._lazy import NOT_API, LazyExports

API: dict[str, dict[str, Any]] = json.loads(
    (Path(__file__).parent / "anyio-4.16-api.json").read_text("utf-8")
)["modules"]
API_413: dict[str, dict[str, Any]] = json.loads(
    (Path(__file__).parent / "anyio-4.13-api.json").read_text("utf-8")
)["modules"]
MODULES = ("anyio", "anyio.lowlevel", "anyio.abc", "anyio.functools", "anyio.itertools")

#: Names of AnyIO 4.13 (in MODULES) that the 4.16 file no longer lists, and why.
#: A name absent from 4.16's file and from this table was lost: test_nothing_lost fails.
NOT_IN_416: dict[tuple[str, str], str] = {
    ("anyio", name): (
        "a submodule: 4.16 makes submodules reachable as attributes lazily (anyio#1311), "
        "and its API file lists them as modules of their own"
    )
    for name in ("abc", "from_thread", "lowlevel", "streams", "to_thread")
}
PACKAGES = Path(__file__).resolve().parents[2]
CORE_SRC = PACKAGES / "anyio-core" / "src"

#: Known differences from AnyIO 4.13, reported to their owners:
#: (test, module, name, member) -> why.
KNOWN_MISMATCHES: dict[tuple[str, str, str, str], str] = {}

#: Functions whose signature follows a newer AnyIO than the API file: name -> signature.
#: (Empty since the file is 4.16's, the newest release.)
NEWER_SIGNATURES: dict[tuple[str, str], str] = {}

#: The Python version the API file was read on (see its "note").
RECORDED_ON = (3, 11)

P = inspect.Parameter
Shape = list[tuple[str, Any]]


def shape_of_text(signature: str) -> Shape:
    """Parse an ``inspect.signature`` string into (name, kind) pairs."""
    # Reprs of sentinel defaults (`<object object at 0x...>`) are not Python.
    source = re.sub(r"<[^<>]*>", "None", signature)
    node = ast.parse(f"def f{source}: pass").body[0]
    assert isinstance(node, ast.FunctionDef)
    args = node.args
    shape: Shape = [(a.arg, P.POSITIONAL_ONLY) for a in args.posonlyargs]
    shape += [(a.arg, P.POSITIONAL_OR_KEYWORD) for a in args.args]
    if args.vararg:
        shape.append((args.vararg.arg, P.VAR_POSITIONAL))
    shape += [(a.arg, P.KEYWORD_ONLY) for a in args.kwonlyargs]
    if args.kwarg:
        shape.append((args.kwarg.arg, P.VAR_KEYWORD))
    return shape


def is_exception_entry(module: str, name: str) -> bool:
    """Tell whether the API file's class ``module.name`` is an exception class.

    4.13's file says so in its kind; 4.16's says "class" for every class, so
    follow the bases: a builtin exception, or a class of ours that is one.
    """
    entry = API[module][name]
    if entry["kind"] == "exception":
        return True
    for base in entry.get("bases", ()):
        base_module, _, base_name = base.rpartition(".")
        if base_module == "builtins":
            builtin = getattr(builtins, base_name, None)
            if isinstance(builtin, type) and issubclass(builtin, BaseException):
                return True
        elif base_name in API.get("anyio", {}) and is_exception_entry("anyio", base_name):
            return True
    return False


def is_async(func: Any) -> bool:
    return inspect.iscoroutinefunction(func) or inspect.isasyncgenfunction(func)


def shape_of(obj: Any) -> Shape:
    return [(p.name, p.kind) for p in inspect.signature(obj).parameters.values()]


def lookup(module: str, name: str) -> Any:
    """Return the public object, or skip if its distribution is not installed."""
    try:
        return getattr(importlib.import_module(module), name)
    except anyio.MissingDistributionError:
        pytest.skip(f"{module}.{name} is not installed here (checked by test_exists)")


def _param(test: str, module: str, name: str, member: str = "") -> Any:
    reason = KNOWN_MISMATCHES.get((test, module, name, member))
    marks = [pytest.mark.xfail(reason=reason, strict=True)] if reason else []
    ident = f"{module}.{name}" + (f".{member}" if member else "")
    return pytest.param(module, name, member, id=ident, marks=marks)


def _entries(test: str, *kinds: str) -> list[Any]:
    return [
        _param(test, module, name)
        for module in MODULES
        for name, entry in sorted(API[module].items())
        if entry["kind"] in kinds
    ]


def _members(test: str, *kinds: str) -> list[Any]:
    return [
        _param(test, module, name, member)
        for module in MODULES
        for name, entry in sorted(API[module].items())
        if entry["kind"] in {"class", "exception"}
        for member, spec in sorted(entry.get("members", {}).items())
        if spec["kind"] in kinds
    ]


class TestExistence:
    @pytest.mark.parametrize(
        ("module", "name", "member"),
        _entries(
            "exists", *{entry["kind"] for module in MODULES for entry in API[module].values()}
        ),
    )
    def test_exists(self, module: str, name: str, member: str) -> None:
        namespace = importlib.import_module(module)
        try:
            obj = getattr(namespace, name)
        except anyio.MissingDistributionError as exc:
            message = str(exc)
            assert name in message
            assert "pip install anyio-" in message or "provide" in message, message
        else:
            assert obj is not None

    @pytest.mark.parametrize(
        ("module", "name", "member"), _entries("kind_class", "class", "exception")
    )
    def test_kind_class(self, module: str, name: str, member: str) -> None:
        obj = lookup(module, name)
        assert isinstance(obj, type)
        is_exception = issubclass(obj, BaseException)
        assert is_exception == is_exception_entry(module, name)

    @pytest.mark.parametrize(("module", "name", "member"), _entries("kind_function", "function"))
    def test_kind_function(self, module: str, name: str, member: str) -> None:
        obj = lookup(module, name)
        assert callable(obj)
        assert not isinstance(obj, type)
        assert is_async(obj) == API[module][name]["async"]

    @pytest.mark.parametrize(("module", "name", "member"), _entries("kind_module", "module"))
    def test_kind_module(self, module: str, name: str, member: str) -> None:
        obj = lookup(module, name)
        assert isinstance(obj, types.ModuleType)
        assert obj.__name__ == API[module][name]["name"]

    def test_constant(self) -> None:
        assert (
            type(anyio.TASK_STATUS_IGNORED).__name__ == API["anyio"]["TASK_STATUS_IGNORED"]["type"]
        )

    @pytest.mark.parametrize(
        ("module", "name", "member"), _entries("reported_module", "class", "exception", "function")
    )
    def test_reported_module(self, module: str, name: str, member: str) -> None:
        obj = lookup(module, name)
        # The public spelling, not the private module that defines it.
        # A re-export keeps the module of its original home (anyio.abc.Event
        # is anyio.Event, anyio.abc.BlockingPortal is anyio.from_thread's).
        homes = {module} | {other for other in API if other != module and name in API[other]}
        assert obj.__module__ in homes

    def test_unknown_name(self) -> None:
        with pytest.raises(AttributeError):
            anyio.spawn  # type: ignore[attr-defined]  # noqa: B018

    def test_dir_lists_the_core_names(self) -> None:
        names = set(dir(anyio))
        assert {"CancelScope", "create_task_group", "run", "lowlevel", "abc"} <= names


LAZY_MODULES = ("anyio", "anyio.abc")


def exports_of(module: types.ModuleType) -> LazyExports:
    hook = module.__getattr__
    assert isinstance(hook.__self__, LazyExports), f"{module.__name__} has its own loader"
    return hook.__self__


@pytest.fixture(params=LAZY_MODULES)
def lazy_module(request: pytest.FixtureRequest) -> types.ModuleType:
    return importlib.import_module(request.param)


class TestLazyExports:
    """The one lazy-export helper and its missing-distribution rule, in each module."""

    def test_one_helper_serves_every_module(self, lazy_module: types.ModuleType) -> None:
        exports = exports_of(lazy_module)
        assert lazy_module._LAZY is exports.table
        assert lazy_module.__dir__ == exports.dir

    def test_missing_distribution_is_an_attribute_error(self) -> None:
        assert issubclass(anyio.MissingDistributionError, AttributeError)
        assert not issubclass(anyio.MissingDistributionError, ImportError)
        assert issubclass(anyio.MissingDistributionImportError, ModuleNotFoundError)

    def test_probes_see_a_missing_distribution_as_absent(
        self, lazy_module: types.ModuleType, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setitem(
            lazy_module._LAZY, "Gadget", ("anyio._no_such_module_here", "anyio-gadgets")
        )
        assert not hasattr(lazy_module, "Gadget")
        assert getattr(lazy_module, "Gadget", None) is None
        assert "Gadget" not in dir(lazy_module)

    def test_attribute_access_names_the_distribution(
        self, lazy_module: types.ModuleType, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setitem(
            lazy_module._LAZY, "Gadget", ("anyio._no_such_module_here", "anyio-gadgets")
        )
        with pytest.raises(anyio.MissingDistributionError) as exc_info:
            getattr(lazy_module, "Gadget")  # noqa: B009
        assert str(exc_info.value) == (
            f"{lazy_module.__name__}.Gadget is provided by the 'anyio-gadgets' distribution, "
            "which is not installed; install it with: pip install anyio-gadgets"
        )
        assert exc_info.value.distribution == "anyio-gadgets"
        assert exc_info.value.name == "Gadget"
        assert exc_info.value.obj is lazy_module

    def test_from_import_names_the_distribution(
        self, lazy_module: types.ModuleType, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setitem(
            lazy_module._LAZY, "Gadget", ("anyio._no_such_module_here", "anyio-gadgets")
        )
        with pytest.raises(anyio.MissingDistributionImportError) as exc_info:
            exec(f"from {lazy_module.__name__} import Gadget", {})
        assert "pip install anyio-gadgets" in str(exc_info.value)
        assert exc_info.value.distribution == "anyio-gadgets"

    def test_a_failing_import_inside_a_module_is_not_a_missing_distribution(
        self,
        lazy_module: types.ModuleType,
        monkeypatch: pytest.MonkeyPatch,
        tmp_path: Path,
    ) -> None:
        # The module is there, but a dependency of it is not: a real error, shown as is.
        (tmp_path / "anyio_lazy_probe.py").write_text("import anyio_no_such_dependency\n")
        monkeypatch.syspath_prepend(str(tmp_path))
        monkeypatch.setitem(lazy_module._LAZY, "Gadget", ("anyio_lazy_probe", "anyio-gadgets"))
        for access in (getattr, hasattr):
            with pytest.raises(ModuleNotFoundError) as exc_info:
                access(lazy_module, "Gadget")
            assert exc_info.type is ModuleNotFoundError
            assert exc_info.value.name == "anyio_no_such_dependency"

    def test_a_missing_core_module_is_not_a_missing_distribution(
        self, lazy_module: types.ModuleType, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        # anyio-core is installed if this code runs: a missing module of it is a broken install.
        monkeypatch.setitem(
            lazy_module._LAZY, "Gadget", ("anyio._no_such_module_here", "anyio-core")
        )
        with pytest.raises(ModuleNotFoundError) as exc_info:
            getattr(lazy_module, "Gadget")  # noqa: B009
        assert exc_info.type is ModuleNotFoundError
        assert "pip install" not in str(exc_info.value)

    @pytest.mark.parametrize(
        "error",
        [
            anyio.MissingDistributionError("gone", name="Path", distribution="anyio-path"),
            anyio.MissingDistributionImportError(
                "gone", name="anyio.to_thread", distribution="anyio-threads"
            ),
        ],
        ids=lambda error: type(error).__name__,
    )
    def test_errors_survive_pickling(self, error: Exception) -> None:
        # They cross process boundaries (to_process workers, pytest-xdist reports).
        clone = pickle.loads(pickle.dumps(error))
        assert type(clone) is type(error)
        assert str(clone) == "gone"
        assert clone.distribution == error.distribution  # type: ignore[attr-defined]

    def test_loaded_names_are_cached(self) -> None:
        event = anyio.Event
        assert vars(anyio)["Event"] is event
        assert event.__module__ == "anyio"


def type_checking_imports(module: types.ModuleType) -> dict[str, str]:
    """Return name -> source module of the `if TYPE_CHECKING:` imports of `module`."""
    assert module.__file__ is not None
    tree = ast.parse(Path(module.__file__).read_text("utf-8"))
    found: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            for statement in node.body:
                assert isinstance(statement, ast.ImportFrom), ast.unparse(statement)
                for alias in statement.names:
                    # `from X import a as a`: the form that re-exports for type checkers.
                    assert alias.asname == alias.name, ast.unparse(statement)
                    found[alias.name] = f"{statement.module}"
    return found


#: Public names of ours that the API file does not list under that module, and why.
EXTRA_NAMES: dict[str, dict[str, str]] = {
    "anyio": {
        "MissingDistributionError": "ours: a name whose distribution is not installed",
        "MissingDistributionImportError": "ours: the same, in an import statement",
        **dict.fromkeys(
            (
                "abc",
                "from_thread",
                "functools",
                "itertools",
                "lowlevel",
                "pytest_plugin",
                "streams",
                "to_interpreter",
                "to_process",
                "to_thread",
            ),
            "a submodule; the API file lists it as a module of its own",
        ),
    },
    "anyio.abc": dict.fromkeys(
        [
            "AnyByteReceiveStream",
            "AnyByteSendStream",
            "AnyByteStream",
            "AnyByteStreamConnectable",
            "AnyUnreliableByteReceiveStream",
            "AnyUnreliableByteSendStream",
            "AnyUnreliableByteStream",
            "IPAddressType",
            "IPSockAddrType",
            "UDPPacketType",
            "UNIXDatagramPacketType",
        ],
        "a type alias; the API file records classes and functions only",
    ),
}


class TestTables:
    """The lazy table, the `TYPE_CHECKING` block and the API file agree."""

    def test_type_checking_block_matches_the_table(self, lazy_module: types.ModuleType) -> None:
        table = lazy_module._LAZY
        imports = type_checking_imports(lazy_module)
        for name, source in imports.items():
            assert name in table, f"{name} is imported for type checkers only"
            module_name, _ = table[name]
            assert module_name in (source, f"{source}.{name}"), (name, source, module_name)
        for name, (module_name, _) in table.items():
            if module_name == f"{lazy_module.__name__}.{name}":
                written = importlib.util.find_spec(module_name) is not None
            else:
                written = hasattr(importlib.import_module(module_name), name)
            if written:  # (what is not written yet, test_exists reports)
                assert name in imports, f"type checkers do not see {lazy_module.__name__}.{name}"

    def test_table_and_eager_names_match_the_api_file(self, lazy_module: types.ModuleType) -> None:
        module_name = lazy_module.__name__
        ours = set(lazy_module._LAZY) | {
            name for name in vars(lazy_module) if name.isidentifier() and not name.startswith("_")
        }
        ours -= NOT_API
        extras = EXTRA_NAMES[module_name]
        assert ours - set(extras) == set(API[module_name])
        assert set(extras) <= ours, "a listed extra name is gone; update EXTRA_NAMES"
        for name, why in extras.items():
            if why.startswith("a submodule"):
                assert any(
                    module == f"{module_name}.{name}"
                    or module.startswith(f"{module_name}.{name}.")
                    for module in API
                )


class TestSignatures:
    @pytest.mark.parametrize(("module", "name", "member"), _entries("function", "function"))
    def test_function(self, module: str, name: str, member: str) -> None:
        obj = lookup(module, name)
        expected = NEWER_SIGNATURES.get((module, name), API[module][name]["signature"])
        assert shape_of(obj) == shape_of_text(expected)

    @pytest.mark.parametrize(
        ("module", "name", "member"), _entries("constructor", "class", "exception")
    )
    def test_constructor(self, module: str, name: str, member: str) -> None:
        entry = API[module][name]
        if entry.get("signature") is None:
            pytest.skip("no signature recorded")
        obj = lookup(module, name)
        assert shape_of(obj) == shape_of_text(entry["signature"])

    @pytest.mark.parametrize(
        ("module", "name", "member"), _members("method", "method", "staticmethod", "classmethod")
    )
    def test_method(self, module: str, name: str, member: str) -> None:
        spec = API[module][name]["members"][member]
        if name == "Path" and sys.version_info[:2] != RECORDED_ON:
            # anyio.Path follows the running Python's pathlib (anyio-path checks
            # that against pathlib itself); the API file was read on 3.11.
            pytest.skip("anyio.Path signatures follow the running Python's pathlib")
        cls = lookup(module, name)
        raw = inspect.getattr_static(cls, member)
        if isinstance(raw, enum.EnumMeta) and sys.version_info[:2] != RECORDED_ON:
            # A nested Enum (TaskHandle.Status, Future.Status): its call signature is
            # the running Python's EnumType.__call__, which changed in 3.12.
            pytest.skip("an Enum's call signature follows the running Python")
        if member == "__new__" and raw is object.__new__:
            # Not overridden: test_constructor checks how the class is called.
            return
        wrapper = {"staticmethod": staticmethod, "classmethod": classmethod}.get(spec["kind"])
        if wrapper is not None:
            assert isinstance(raw, wrapper)
            raw = raw.__func__
        if isinstance(raw, enum.EnumMeta) and sys.version_info[:2] != RECORDED_ON:
            # A nested enum (`Future.Status`, `TaskHandle.Status`) is "called" through
            # the running Python's `EnumType.__call__`, whose signature changed in 3.12.
            assert not is_async(raw)
            return
        assert shape_of(raw) == shape_of_text(spec["signature"])
        assert is_async(raw) == spec["async"]

    @pytest.mark.parametrize(("module", "name", "member"), _members("property", "property"))
    def test_property(self, module: str, name: str, member: str) -> None:
        spec = API[module][name]["members"][member]
        prop = inspect.getattr_static(lookup(module, name), member)
        assert isinstance(prop, property)
        if "settable" in spec:  # (4.13's file records it, 4.16's does not)
            assert (prop.fset is not None) == spec["settable"]

    @pytest.mark.parametrize(("module", "name", "member"), _members("attribute", "attribute"))
    def test_attribute(self, module: str, name: str, member: str) -> None:
        cls = lookup(module, name)
        assert any(
            member in vars(klass) or member in getattr(klass, "__annotations__", {})
            for klass in cls.__mro__
        )

    @pytest.mark.parametrize(("module", "name", "member"), _entries("abstract_methods", "class"))
    def test_abstract_methods(self, module: str, name: str, member: str) -> None:
        cls = lookup(module, name)
        public = {
            method
            for method in getattr(cls, "__abstractmethods__", ())
            if not method.startswith("_") or method.startswith("__")
        }
        assert public == set(API[module][name]["abstract"])


def _lost_candidates() -> list[Any]:
    return [
        pytest.param(module, name, id=f"{module}.{name}")
        for module in MODULES
        for name in sorted(API_413.get(module, {}))
        if name not in API.get(module, {})
    ]


class TestNothingLost:
    """What AnyIO 4.13 had is still here, unless 4.16 itself dropped it."""

    @pytest.mark.parametrize(("module", "name"), _lost_candidates())
    def test_nothing_lost(self, module: str, name: str) -> None:
        why = NOT_IN_416.get((module, name))
        assert why is not None, f"{module}.{name} (AnyIO 4.13) is not in 4.16's API file"
        entry = API_413[module][name]
        obj = getattr(importlib.import_module(module), name)
        if entry["kind"] == "module":
            assert isinstance(obj, types.ModuleType)
            assert obj.__name__ == entry["name"]

    def test_every_413_name_is_checked(self) -> None:
        # The 4.16 entries cover the rest: what both files list is checked against 4.16.
        for module in MODULES:
            for name in API_413.get(module, {}):
                assert name in API[module] or (module, name) in NOT_IN_416, (module, name)

    def test_submodules_need_no_import(self) -> None:
        # 4.15.1 (anyio#1311): `import anyio` then `anyio.<submodule>` works.
        result = run_python(
            """
            import anyio
            for name in ("abc", "lowlevel", "functools", "itertools", "streams",
                         "to_thread", "from_thread"):
                module = getattr(anyio, name)
                assert module.__name__ == f"anyio.{name}", module
            print("ok")
            """
        )
        assert result.stdout.strip() == "ok"


def run_python(code: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result


def core_only_prelude(*keep: str) -> str:
    """Code that makes a fresh interpreter see anyio-core (and ``keep``) only."""
    paths = [str(CORE_SRC)] + [str(PACKAGES / dist / "src") for dist in keep]
    return textwrap.dedent(
        f"""
        import sys
        sys.path[:] = [p for p in sys.path if "/packages/anyio" not in p] + {paths!r}
        import anyio
        """
    )


#: What `import anyio` must not import: event loops, and the socket and TLS layers.
HEAVY_MODULES = ("asyncio", "trio", "socket", "ssl")


class TestImportCost:
    def test_import_anyio_imports_no_event_loop_library(self) -> None:
        result = run_python(
            f"""
            import sys
            import anyio
            import anyio.lowlevel
            print(sorted(name for name in {HEAVY_MODULES!r} if name in sys.modules))
            import anyio.abc  # its socket ABCs need the socket module, as AnyIO's do
            print(sorted(name for name in ("asyncio", "trio", "ssl") if name in sys.modules))
            """
        )
        assert result.stdout.split() == ["[]", "[]"]

    def test_touching_core_names_imports_no_event_loop_library(self) -> None:
        result = run_python(
            """
            import sys
            import anyio
            for name in ("CancelScope", "create_task_group", "run", "sleep",
                         "move_on_after", "fail_after", "get_current_task",
                         "TASK_STATUS_IGNORED", "NoEventLoopError"):
                getattr(anyio, name)
            print(sorted(name for name in ("asyncio", "trio") if name in sys.modules))
            """
        )
        assert result.stdout.strip() == "[]"

    def test_path_is_extended_with_the_two_line_spelling(self) -> None:
        # DESIGN: griffe (mkdocstrings) drops the rest of __init__.py after the
        # `__import__("pkgutil")` one-liner; keep the import and the call apart.
        source = (CORE_SRC / "anyio" / "__init__.py").read_text("utf-8")
        assert "\nimport pkgutil as _pkgutil\n" in source
        assert "\n__path__ = _pkgutil.extend_path(__path__, __name__)\n" in source
        assert "__import__(" not in source


def other_distributions() -> list[tuple[str, str]]:
    """Return (name, distribution) for one public name of each non-core distribution."""
    seen: dict[str, str] = {}
    for name, (_module, dist) in sorted(anyio._LAZY.items()):
        if dist != "anyio-core":
            seen.setdefault(dist, name)
    return sorted((name, dist) for dist, name in seen.items())


class TestCoreOnly:
    """A fresh interpreter that sees anyio-core only."""

    def test_every_distribution_is_named(self) -> None:
        assert {dist for _, dist in other_distributions()} == {
            "anyio-streams",
            "anyio-threads",
            "anyio-path",
            "anyio-testing",
            "anyio-net",
            "anyio-process",
        }

    @pytest.mark.parametrize(("name", "distribution"), other_distributions())
    def test_feature_probes(self, name: str, distribution: str) -> None:
        code = core_only_prelude() + textwrap.dedent(
            f"""
            assert not hasattr(anyio, {name!r})
            assert getattr(anyio, {name!r}, None) is None
            assert {name!r} not in dir(anyio)
            try:
                getattr(anyio, {name!r})
            except anyio.MissingDistributionError as exc:
                assert isinstance(exc, AttributeError)
                assert exc.distribution == {distribution!r}
                print(exc)
            """
        )
        assert run_python(code).stdout.strip() == (
            f"anyio.{name} is provided by the {distribution!r} distribution, which is not "
            f"installed; install it with: pip install {distribution}"
        )

    @pytest.mark.parametrize(
        "statement",
        [
            "from anyio import create_memory_object_stream",
            "from anyio import streams",
            "import anyio.streams",
            "import anyio.streams.memory",
            "from anyio.streams.memory import create_memory_object_stream",
        ],
    )
    def test_import_statements_name_the_distribution(self, statement: str) -> None:
        code = core_only_prelude() + textwrap.dedent(
            f"""
            def probe():
                {statement}

            try:
                probe()
            except ImportError as exc:
                assert isinstance(exc, anyio.MissingDistributionImportError), repr(exc)
                print(exc)
            else:
                raise SystemExit("no error")
            """
        )
        assert "pip install anyio-streams" in run_python(code).stdout

    def test_find_spec_probes_get_none(self) -> None:
        code = core_only_prelude() + textwrap.dedent(
            """
            import importlib.util
            print(importlib.util.find_spec("anyio.to_thread"))
            """
        )
        assert run_python(code).stdout.strip() == "None"

    def test_abc_names_the_distribution(self) -> None:
        code = core_only_prelude() + textwrap.dedent(
            """
            import anyio.abc
            assert not hasattr(anyio.abc, "BlockingPortal")
            try:
                from anyio.abc import BlockingPortal
            except ImportError as exc:
                print(exc)
            """
        )
        assert "pip install anyio-threads" in run_python(code).stdout

    def test_core_works_alone(self) -> None:
        code = core_only_prelude() + textwrap.dedent(
            """
            async def main():
                async with anyio.create_task_group() as tg:
                    tg.start_soon(anyio.sleep, 0)
                return "ok"

            print(anyio.run(main))
            """
        )
        assert run_python(code).stdout.strip() == "ok"

"""The public namespace against AnyIO 4.13's (``anyio-4.13-api.json``).

Every public name of ``anyio``, ``anyio.lowlevel`` and ``anyio.abc`` either
exists, with the kind, async-ness and call signature (parameter names and
kinds) that AnyIO 4.13 has, or raises `anyio.MissingDistributionError`, which
says what to install or that no anyio distribution provides that area yet.
Subprocess tests check what ``import anyio`` costs and how the namespace
looks when only anyio-core is installed.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import json
import re
import subprocess
import sys
import textwrap
import types
from pathlib import Path
from typing import Any

import pytest

import anyio

API: dict[str, dict[str, Any]] = json.loads(
    (Path(__file__).parent / "anyio-4.13-api.json").read_text("utf-8")
)["modules"]
MODULES = ("anyio", "anyio.lowlevel", "anyio.abc")
PACKAGES = Path(__file__).resolve().parents[2]
CORE_SRC = PACKAGES / "anyio-core" / "src"

#: Known differences from AnyIO 4.13, reported to their owners:
#: (test, module, name, member) -> why.
KNOWN_MISMATCHES: dict[tuple[str, str, str, str], str] = {
    **{
        ("method", "anyio", name, member): (
            "anyio-path difference: a plain method returning an async iterator, where "
            "AnyIO 4.13 has an async generator function"
        )
        for name, member in (("AsyncFile", "__aiter__"), ("Path", "iterdir"))
    },
}

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
        assert is_exception == (API[module][name]["kind"] == "exception")

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

    def test_missing_distribution_error(self) -> None:
        assert issubclass(anyio.MissingDistributionError, ModuleNotFoundError)

    def test_missing_distribution_names_it(self, monkeypatch: pytest.MonkeyPatch) -> None:
        # A public name whose providing module cannot be imported (its distribution is absent).
        monkeypatch.setitem(
            anyio._PUBLIC_NAMES,
            "not_installed_here",
            ("anyio._not_installed_here", "not_installed_here", "anyio-net"),
        )
        with pytest.raises(anyio.MissingDistributionError) as exc_info:
            anyio.not_installed_here  # type: ignore[attr-defined]  # noqa: B018
        assert "not_installed_here" in str(exc_info.value)
        assert "pip install anyio-net" in str(exc_info.value)

    def test_unknown_name(self) -> None:
        with pytest.raises(AttributeError):
            anyio.spawn  # type: ignore[attr-defined]  # noqa: B018

    def test_dir_lists_the_core_names(self) -> None:
        names = set(dir(anyio))
        assert {"CancelScope", "create_task_group", "run", "lowlevel", "abc"} <= names


class TestSignatures:
    @pytest.mark.parametrize(("module", "name", "member"), _entries("function", "function"))
    def test_function(self, module: str, name: str, member: str) -> None:
        obj = lookup(module, name)
        assert shape_of(obj) == shape_of_text(API[module][name]["signature"])

    @pytest.mark.parametrize(
        ("module", "name", "member"), _entries("constructor", "class", "exception")
    )
    def test_constructor(self, module: str, name: str, member: str) -> None:
        entry = API[module][name]
        if "signature" not in entry:
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
        if member == "__new__" and raw is object.__new__:
            # Not overridden: test_constructor checks how the class is called.
            return
        wrapper = {"staticmethod": staticmethod, "classmethod": classmethod}.get(spec["kind"])
        if wrapper is not None:
            assert isinstance(raw, wrapper)
            raw = raw.__func__
        assert shape_of(raw) == shape_of_text(spec["signature"])
        assert is_async(raw) == spec["async"]

    @pytest.mark.parametrize(("module", "name", "member"), _members("property", "property"))
    def test_property(self, module: str, name: str, member: str) -> None:
        spec = API[module][name]["members"][member]
        prop = inspect.getattr_static(lookup(module, name), member)
        assert isinstance(prop, property)
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


class TestImportCost:
    def test_import_anyio_imports_no_event_loop_library(self) -> None:
        result = run_python(
            """
            import sys
            import anyio
            import anyio.lowlevel
            import anyio.abc
            print(sorted(name for name in ("asyncio", "trio") if name in sys.modules))
            """
        )
        assert result.stdout.strip() == "[]"

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


class TestCoreOnly:
    def test_memory_object_stream_names_anyio_streams(self) -> None:
        code = core_only_prelude() + textwrap.dedent(
            """
            try:
                anyio.create_memory_object_stream
            except anyio.MissingDistributionError as exc:
                assert isinstance(exc, ModuleNotFoundError)
                print(exc)
            else:
                raise SystemExit("no error")
            try:
                from anyio import create_memory_object_stream
            except ImportError as exc:
                print(exc)
            assert "create_memory_object_stream" not in dir(anyio)
            assert "CancelScope" in dir(anyio)
            """
        )
        lines = run_python(code).stdout.splitlines()
        assert len(lines) == 2
        assert all("anyio-streams" in line for line in lines), lines
        assert all("pip install" in line for line in lines), lines

    @pytest.mark.parametrize(
        ("name", "distribution"),
        [
            ("to_thread", "anyio-threads"),
            ("from_thread", "anyio-threads"),
            ("Path", "anyio-path"),
            ("open_file", "anyio-path"),
            ("streams", "anyio-streams"),
            ("pytest_plugin", "anyio-testing"),
        ],
    )
    def test_other_distributions_are_named(self, name: str, distribution: str) -> None:
        code = core_only_prelude() + textwrap.dedent(
            f"""
            try:
                getattr(anyio, {name!r})
            except anyio.MissingDistributionError as exc:
                print(exc)
            else:
                raise SystemExit("no error")
            """
        )
        assert distribution in run_python(code).stdout

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

"""The public surface of ``anyio.streams.*`` against the ones read from AnyIO 4.13 and 4.16.

Names, kinds, base classes, async-ness and parameters (names, kinds, defaults) must
match. Annotations are not compared: AnyIO's dataclasses spell some of them
differently (``InitVar[str]``, an unquoted ``None``) for the same meaning.

4.16 is the target: its file decides base classes and signatures. Every name and
member of 4.13 must still be there (4.16 removed none from ``anyio.streams``).
"""

from __future__ import annotations

import importlib
import inspect
import json
from pathlib import Path
from typing import Any

import pytest

API_4_13 = Path(__file__).resolve().parents[2] / "anyio-core" / "tests" / "anyio-4.13-api.json"
# The anyio.streams part of /work/shared/anyio-4.16-api.json (and create_memory_object_stream).
API_4_16 = Path(__file__).with_name("anyio-4.16-streams-api.json")
API_FILE = API_4_16


def _load(path: Path) -> dict[str, Any]:
    modules: dict[str, Any] = json.loads(path.read_text("utf-8"))["modules"]
    return modules


def _streams_modules(modules: dict[str, Any]) -> dict[str, Any]:
    return {name: spec for name, spec in modules.items() if name.startswith("anyio.streams.")}


def _merge(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """The 4.16 surface, plus any 4.13 class or member that 4.16 would have lost."""
    merged: dict[str, Any] = {}
    for module in old.keys() | new.keys():
        names = {**old.get(module, {}), **new.get(module, {})}
        for name, spec in names.items():
            lost = old.get(module, {}).get(name, {}).get("members", {})
            if spec.get("kind") == "class":
                names[name] = {**spec, "members": {**lost, **spec["members"]}}
        merged[module] = names
    return merged


OLD_MODULES = _streams_modules(_load(API_4_13))
NEW_MODULES = _streams_modules(_load(API_4_16))
MODULES = _merge(OLD_MODULES, NEW_MODULES)
CLASSES = [
    (module, name)
    for module, names in MODULES.items()
    for name, spec in names.items()
    if spec["kind"] == "class"
]
METHODS = [
    (module, name, member)
    for module, name in CLASSES
    for member, spec in MODULES[module][name]["members"].items()
    if spec["kind"] in {"method", "classmethod", "staticmethod"}
]


def _spec(module: str, name: str) -> dict[str, Any]:
    spec: dict[str, Any] = MODULES[module][name]
    return spec


def _parameters(signature: inspect.Signature) -> list[tuple[str, Any, str]]:
    return [
        (parameter.name, parameter.kind, repr(parameter.default))
        for parameter in signature.parameters.values()
    ]


def _parse(text: str) -> inspect.Signature:
    """Turn a signature string from the API file back into a Signature."""
    namespace: dict[str, Any] = {}
    # Annotations are all quoted in the file, except dataclass-made ones, and
    # ForwardRef('...') from NamedTuple: make every annotation a harmless string.
    source = text.replace("ForwardRef(", "str(")
    exec(f"def f{source.split(' -> ')[0] if ' -> ' in source else source}: pass", {}, namespace)
    return inspect.signature(namespace["f"])


def test_4_16_removed_nothing_of_4_13() -> None:
    for module, names in OLD_MODULES.items():
        for name, spec in names.items():
            assert name in NEW_MODULES[module], f"{module}.{name}"
            # The 4.16 file leaves out the NamedTuple's generated __new__; it is still there.
            for member in set(spec.get("members", {})) - {"__new__"}:
                assert member in NEW_MODULES[module][name]["members"], f"{name}.{member}"


def test_the_4_16_additions_are_checked() -> None:
    # The one new member of anyio.streams in 4.16, and the generic bases it spells out.
    assert "send_nowait" in MODULES["anyio.streams.stapled"]["StapledObjectStream"]["members"]
    assert "typing.Generic" in MODULES["anyio.streams.memory"]["MemoryObjectSendStream"]["bases"]


def test_every_module_is_covered() -> None:
    assert (
        set(OLD_MODULES)
        == set(NEW_MODULES)
        == set(MODULES)
        == {
            "anyio.streams.buffered",
            "anyio.streams.file",
            "anyio.streams.memory",
            "anyio.streams.stapled",
            "anyio.streams.text",
            "anyio.streams.tls",
        }
    )


@pytest.mark.parametrize("module", sorted(MODULES))
def test_names(module: str) -> None:
    imported = importlib.import_module(module)
    for name in MODULES[module]:
        assert hasattr(imported, name), f"{module}.{name} is missing"
    assert set(imported.__all__) == set(MODULES[module])


@pytest.mark.parametrize(("module", "name"), CLASSES)
def test_bases(module: str, name: str) -> None:
    cls = getattr(importlib.import_module(module), name)
    bases = [f"{base.__module__}.{base.__qualname__}" for base in cls.__bases__]
    assert bases == _spec(module, name)["bases"]


@pytest.mark.parametrize(("module", "name"), CLASSES)
def test_members_exist(module: str, name: str) -> None:
    cls = getattr(importlib.import_module(module), name)
    for member, spec in _spec(module, name)["members"].items():
        assert hasattr(cls, member), f"{name}.{member} is missing"
        raw = inspect.getattr_static(cls, member)
        if spec["kind"] == "property":
            assert isinstance(raw, property), f"{name}.{member} is not a property"
        elif spec["kind"] == "attribute":  # readable on the class, and no method or property
            assert not isinstance(raw, property), f"{name}.{member} is a property"
            assert not inspect.isfunction(raw), f"{name}.{member} is a method"


@pytest.mark.parametrize(("module", "name", "member"), METHODS)
def test_method(module: str, name: str, member: str) -> None:
    spec = _spec(module, name)["members"][member]
    cls = getattr(importlib.import_module(module), name)
    raw = inspect.getattr_static(cls, member)
    kind = {classmethod: "classmethod", staticmethod: "staticmethod"}.get(type(raw), "method")
    assert kind == spec["kind"]
    func = raw.__func__ if kind != "method" else raw
    assert inspect.iscoroutinefunction(func) == spec.get("async", False)
    expected = _parameters(_parse(spec["signature"]))
    assert _parameters(inspect.signature(func)) == expected


@pytest.mark.parametrize(("module", "name"), CLASSES)
def test_constructor(module: str, name: str) -> None:
    cls = getattr(importlib.import_module(module), name)
    expected = _parameters(_parse(_spec(module, name)["signature"]))
    assert _parameters(inspect.signature(cls)) == expected


def test_create_memory_object_stream() -> None:
    import anyio

    spec = _load(API_FILE)["anyio"]["create_memory_object_stream"]
    assert _parameters(inspect.signature(anyio.create_memory_object_stream)) == _parameters(
        _parse(spec["signature"])
    )
    assert [
        f"{b.__module__}.{b.__qualname__}" for b in anyio.create_memory_object_stream.__bases__
    ] == spec["bases"]


def test_submodules_are_attributes_after_import_anyio() -> None:
    # Libraries such as httpcore only `import anyio` and then use
    # `anyio.streams.tls.TLSStream`: AnyIO's `import anyio` loads memory,
    # stapled and tls. Ours loads each on first use, and ssl only with tls.
    import subprocess
    import sys

    code = (
        "import sys, anyio\n"
        "assert 'ssl' not in sys.modules, 'import anyio loaded ssl'\n"
        "assert anyio.streams.tls.TLSStream.__name__ == 'TLSStream'\n"
        "assert anyio.streams.memory.MemoryObjectSendStream.__name__ == 'MemoryObjectSendStream'\n"
        "assert anyio.streams.stapled.StapledObjectStream.__name__ == 'StapledObjectStream'\n"
        "for name in ('buffered', 'text', 'file'):\n"
        "    assert getattr(anyio.streams, name).__name__ == 'anyio.streams.' + name\n"
        "try:\n"
        "    anyio.streams.nonexistent\n"
        "except AttributeError as exc:\n"
        "    assert 'nonexistent' in str(exc)\n"
        "else:\n"
        "    raise AssertionError('no AttributeError')\n"
        "assert {'memory', 'tls', 'stapled'} <= set(dir(anyio.streams))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def test_submodules_load_through_cores_lazy_export_helper() -> None:
    # One helper for every lazily loading module (anyio, anyio.abc, anyio.streams).
    import ast

    import anyio.streams
    from anyio._core._lazy import LazyExports

    exports = anyio.streams.__getattr__.__self__
    assert isinstance(exports, LazyExports)
    submodules = {"buffered", "file", "memory", "stapled", "text", "tls"}
    assert set(exports.table) == submodules
    assert anyio.streams.__file__ is not None
    tree = ast.parse(Path(anyio.streams.__file__).read_text("utf-8"))
    seen = {
        alias.asname
        for node in tree.body
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING"
        for statement in node.body
        if isinstance(statement, ast.ImportFrom)
        for alias in statement.names
    }
    assert seen == submodules, "type checkers must see every submodule"

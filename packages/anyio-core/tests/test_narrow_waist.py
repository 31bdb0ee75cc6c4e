"""The narrow waist: what other distributions may import from core, and what the contract knows.

anyio's distributions other than anyio-core reach core through its public
modules (``anyio``, ``anyio.abc``, ``anyio.lowlevel``, ...) and, for the event
loop, through the stable contract module ``anyio._core.contract`` only; never
through ``anyio._core._backend`` or another module that is not listed below.
The contract module itself imports only the backend protocol module and the
few core modules whose internals it re-exports, names no backend and pulls in
neither asyncio nor Trio.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
CORE_SRC = ROOT / "packages" / "anyio-core" / "src"
CONTRACT = CORE_SRC / "anyio" / "_core" / "contract.py"

#: The stable module every other distribution may use for the backend contract.
STABLE = {"anyio._core.contract"}

#: Private core modules that other distributions may still import. The list
#: was known debt and is now paid off: it must stay empty, so that other
#: distributions use only core's public modules and `STABLE`.
KNOWN_PRIVATE: set[str] = set()


def _module_name(path: Path, src: Path) -> str:
    parts = list(path.relative_to(src).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imported_modules(path: Path, src: Path) -> list[tuple[int, str]]:
    """Return ``(line, absolute module)`` for every import in ``path``."""
    module = _module_name(path, src)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                name = f"{base}.{node.module}" if node.module else base
            else:
                name = node.module or ""
            found.append((node.lineno, name))
            # ``from anyio._core import contract`` names a module too.
            found += [(node.lineno, f"{name}.{alias.name}") for alias in node.names]
    return found


def _core_module(name: str) -> str | None:
    """Return the ``anyio._core`` module that ``name`` is or lies in, if any."""
    if name == "anyio._core" or not name.startswith("anyio._core."):
        return None
    return name


def non_core_imports_of_core() -> dict[str, list[str]]:
    """Map each core module imported by another distribution to where."""
    found: dict[str, list[str]] = {}
    for src in sorted(ROOT.glob("packages/*/src")):
        if src == CORE_SRC:
            continue
        for path in sorted(src.rglob("*.py")):
            for line, name in _imported_modules(path, src):
                module = _core_module(name)
                if module is not None:
                    where = f"{path.relative_to(ROOT).as_posix()}:{line}"
                    found.setdefault(module, []).append(where)
    return found


def _allowed(module: str) -> bool:
    # ``from anyio._core._tasks import CancelScope`` also yields
    # "anyio._core._tasks.CancelScope": judge it by the module part.
    return any(module == ok or module.startswith(ok + ".") for ok in STABLE | KNOWN_PRIVATE)


class TestOtherDistributions:
    def test_the_finder_sees_the_contract_imports(self) -> None:
        found = non_core_imports_of_core()
        assert any(name.startswith("anyio._core.contract") for name in found)

    def test_import_only_allowed_core_modules(self) -> None:
        offenders = {
            module: places
            for module, places in non_core_imports_of_core().items()
            if not _allowed(module)
        }
        assert not offenders, (
            "other distributions may reach core only through public modules and "
            "anyio._core.contract (see docs/design.md):\n"
            + "\n".join(f"{m}: {', '.join(p)}" for m, p in sorted(offenders.items()))
        )

    def test_never_the_backend_protocol_module(self) -> None:
        found = non_core_imports_of_core()
        assert not [m for m in found if m.startswith("anyio._core._backend")]


#: The core modules that the contract module re-exports from.
CONTRACT_SOURCES = {
    "anyio._core._backend",
    "anyio._core._clock",
    "anyio._core._eventloop",
    "anyio._core._lazy",
    "anyio._core._taskinfo",
}


class TestContractModule:
    def test_imports_only_the_protocol_module_and_its_re_exports(self) -> None:
        imports = {name for _, name in _imported_modules(CONTRACT, CORE_SRC)}
        modules = {
            name
            for name in imports
            if not any(name.startswith(f"{source}.") for source in CONTRACT_SOURCES)
        }
        expected = {"__future__", "__future__.annotations", "typing", "importlib"}
        expected |= {"typing.TYPE_CHECKING", "typing.Any", "importlib.import_module"}
        assert modules == expected | CONTRACT_SOURCES

    def test_no_private_core_module_is_known_debt(self) -> None:
        assert set() == KNOWN_PRIVATE

    def test_every_name_it_exports_resolves(self) -> None:
        from anyio._core import contract

        assert [name for name in contract.__all__ if not hasattr(contract, name)] == []

    def test_names_no_backend(self) -> None:
        tree = ast.parse(CONTRACT.read_text(encoding="utf-8"))
        docstring = tree.body[0]  # prose may say what the module does not do
        words: list[str] = []
        for node in ast.walk(tree):
            if isinstance(node, ast.Name):
                words.append(node.id)
            elif isinstance(node, ast.alias):
                words.append(node.name)
            elif (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and node is not getattr(docstring, "value", None)
            ):
                words.append(node.value)
        text = " ".join(words).lower()
        assert "asyncio" not in text
        assert "trio" not in text

    def test_importing_it_loads_no_loop_library(self) -> None:
        probe = (
            "import json, sys; import anyio._core.contract; print(json.dumps(sorted(sys.modules)))"
        )
        proc = subprocess.run(
            [sys.executable, "-c", probe], capture_output=True, text=True, check=False, cwd=ROOT
        )
        assert proc.returncode == 0, proc.stderr
        loaded = json.loads(proc.stdout)
        assert [m for m in loaded if m.split(".")[0] in ("asyncio", "trio")] == []

"""The import policy: only the backends may import asyncio or trio.

Everything outside `packages/anyio-core/src/anyio/_backends/` is backend-neutral and talks to
the event loop through core's backend protocol, so no source file there may import `asyncio`
or `trio` (in any spelling: `import`, `from ... import`, `importlib.import_module()` or
`__import__()` with a literal name). And `import anyio` must stay cheap and neutral: it may not
import either library, which a subprocess checks on a clean interpreter.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
BACKENDS = ROOT / "packages" / "anyio-core" / "src" / "anyio" / "_backends"
FORBIDDEN = ("asyncio", "trio")
DYNAMIC_IMPORTERS = {"import_module", "__import__"}


def _is_forbidden(module: str | None) -> bool:
    return module is not None and any(
        module == name or module.startswith(name + ".") for name in FORBIDDEN
    )


def _dynamic_import_target(node: ast.Call) -> str | None:
    """Return the literal module name of an `import_module("x")`/`__import__("x")` call."""
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
    if name not in DYNAMIC_IMPORTERS or not node.args:
        return None
    first = node.args[0]
    return (
        first.value if isinstance(first, ast.Constant) and isinstance(first.value, str) else None
    )


def forbidden_imports(source: str, filename: str = "<string>") -> list[tuple[int, str]]:
    """Return `(line, module)` for every import of asyncio or trio in `source`."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.Import):
            modules: list[str | None] = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            # Relative imports (level > 0) stay inside anyio.
            modules = [node.module] if node.level == 0 else []
        elif isinstance(node, ast.Call):
            modules = [_dynamic_import_target(node)]
        else:
            continue
        found += [(node.lineno, m) for m in modules if m is not None and _is_forbidden(m)]
    return found


def neutral_source_files() -> list[Path]:
    """Return every source file of every distribution, except the backends'."""
    files = [
        path
        for pattern in ("*.py", "*.pyi")
        for path in ROOT.glob(f"packages/*/src/**/{pattern}")
        if not path.is_relative_to(BACKENDS)
    ]
    return sorted(files)


class TestForbiddenImportFinder:
    """The checker itself: each spelling of the import is caught, look-alikes are not."""

    @pytest.mark.parametrize(
        "source",
        [
            "import asyncio",
            "import trio",
            "import asyncio.events",
            "import os, trio.lowlevel as tl",
            "from asyncio import sleep",
            "from trio import lowlevel",
            "from asyncio.tasks import Task",
            "import importlib\nimportlib.import_module('trio')",
            "from importlib import import_module\nimport_module('asyncio.base_events')",
            "__import__('asyncio')",
            "def f():\n    import asyncio",
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import trio",
            "try:\n    import trio\nexcept ImportError:\n    pass",
        ],
    )
    def test_catches(self, source: str) -> None:
        assert forbidden_imports(source)

    @pytest.mark.parametrize(
        "source",
        [
            "import asynciox",
            "import trio_websocket",
            "from . import asyncio",
            "from ._backends import trio",
            "from .trio import x",
            "import_module(name)",
            "x = 'import asyncio'",
            "# import trio",
        ],
    )
    def test_ignores(self, source: str) -> None:
        assert forbidden_imports(source) == []


def test_source_files_found() -> None:
    # Guards the glob: if the layout moves, the policy test below must not pass vacuously.
    files = {path.relative_to(ROOT).as_posix() for path in neutral_source_files()}
    assert "packages/anyio-core/src/anyio/__init__.py" in files
    assert "packages/anyio-threads/src/anyio/to_thread.py" in files
    assert not any("/_backends/" in f for f in files)


def test_only_backends_import_asyncio_or_trio() -> None:
    offenders = [
        f"{path.relative_to(ROOT).as_posix()}:{line}: imports {module}"
        for path in neutral_source_files()
        for line, module in forbidden_imports(path.read_text(encoding="utf-8"), str(path))
    ]
    assert not offenders, (
        "only packages/anyio-core/src/anyio/_backends/ may import asyncio or trio; "
        "use core's backend protocol instead:\n" + "\n".join(offenders)
    )


_PROBE = """
import json, sys
before = sorted(sys.modules)
import anyio
print(json.dumps({"before": before, "after": sorted(sys.modules)}))
"""


def test_import_anyio_imports_no_backend_library() -> None:
    proc = subprocess.run(
        [sys.executable, "-c", _PROBE],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr
    modules = json.loads(proc.stdout)
    preloaded = [m for m in modules["before"] if _is_forbidden(m)]
    if preloaded:
        pytest.fail(f"the interpreter imports {preloaded} at startup; this check cannot run")
    imported = [m for m in modules["after"] if _is_forbidden(m)]
    assert imported == [], f"`import anyio` imported {imported}"

"""MkDocs hook: assemble the one `anyio` package from every distribution for the API reference.

The import package `anyio` is spread over `packages/*/src/anyio/`. griffe (the code reader
behind mkdocstrings) reads one folder per package, so before each build this hook copies
every distribution's `src/anyio/` tree into `.docs-build/src/anyio/`, and `mkdocs.yml`
points mkdocstrings' Python handler there. The copy is rebuilt from scratch on every build,
so `mkdocs serve` picks up edited docstrings (it watches `packages/`).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
BUILD = ROOT / ".docs-build"
TARGET = BUILD / "src" / "anyio"


def assemble() -> list[Path]:
    """Copy each `packages/<dist>/src/anyio/` into the build folder; return the sources."""
    if TARGET.exists():
        shutil.rmtree(TARGET)
    TARGET.mkdir(parents=True)
    (BUILD / ".gitignore").write_text("*\n")
    sources = sorted((ROOT / "packages").glob("*/src/anyio"))
    for source in sources:
        shutil.copytree(
            source,
            TARGET,
            dirs_exist_ok=True,
            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
        )
    return sources


def on_startup(**kwargs: Any) -> None:
    """Assemble once before the configuration is used: mkdocstrings looks at its paths early."""
    assemble()


def on_pre_build(config: Any, **kwargs: Any) -> None:
    """Run before every build (and every rebuild of `mkdocs serve`)."""
    sources = assemble()
    if not (TARGET / "__init__.py").is_file():
        raise RuntimeError(f"no anyio/__init__.py among {sources}: is packages/anyio-core there?")

"""Asynchronous file I/O: `anyio.Path`, `open_file()`, `wrap_file()` and temporary files.

The implementation lives in private submodules; the public names are re-exported here and
from the top-level `anyio` package, with `__module__` set to `"anyio"`.
"""

from __future__ import annotations

from ._files import AsyncFile, open_file, wrap_file
from ._pathlib import Path
from ._spooled import SpooledTemporaryFile
from ._tempfile import (
    NamedTemporaryFile,
    TemporaryDirectory,
    TemporaryFile,
    gettempdir,
    gettempdirb,
    mkdtemp,
    mkstemp,
)

__all__ = (
    "AsyncFile",
    "NamedTemporaryFile",
    "Path",
    "SpooledTemporaryFile",
    "TemporaryDirectory",
    "TemporaryFile",
    "gettempdir",
    "gettempdirb",
    "mkdtemp",
    "mkstemp",
    "open_file",
    "wrap_file",
)

for _name in __all__:
    globals()[_name].__module__ = "anyio"
del _name

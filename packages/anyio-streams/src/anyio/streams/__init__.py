"""Stream implementations for anyio: memory object streams and stream wrappers.

The submodules load on first use, also as attributes of this package: after a
plain ``import anyio``, ``anyio.streams.tls.TLSStream`` works, as it does in
AnyIO (whose ``import anyio`` imports ``memory``, ``stapled`` and ``tls``),
without ``import anyio`` paying for ``ssl``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

#: The submodules, loaded by `__getattr__` when first looked up here.
_SUBMODULES = frozenset({"buffered", "file", "memory", "stapled", "text", "tls"})

if TYPE_CHECKING:
    from . import buffered as buffered
    from . import file as file
    from . import memory as memory
    from . import stapled as stapled
    from . import text as text
    from . import tls as tls
else:

    def __getattr__(name: str) -> Any:
        if name in _SUBMODULES:
            # Importing a submodule also binds it here, so this runs once per name.
            return importlib.import_module(f"{__name__}.{name}")
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    dunders = {name for name in globals() if name.startswith("__") and name.endswith("__")}
    return sorted(dunders | _SUBMODULES)

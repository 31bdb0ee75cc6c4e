"""Stream implementations for anyio: memory object streams and stream wrappers.

The submodules load on first use, also as attributes of this package: after a
plain ``import anyio``, ``anyio.streams.tls.TLSStream`` works, as it does in
AnyIO (whose ``import anyio`` imports ``memory``, ``stapled`` and ``tls``),
without ``import anyio`` paying for ``ssl``. The loading is core's one
lazy-export helper (`anyio._core.contract.LazyExports`), the same that serves ``anyio`` and
``anyio.abc``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._core.contract import LazyExports as _LazyExports

if TYPE_CHECKING:
    from . import buffered as buffered
    from . import file as file
    from . import memory as memory
    from . import stapled as stapled
    from . import text as text
    from . import tls as tls

_exports = _LazyExports(globals())
#: name -> (module, distribution): the submodules, loaded when first looked up here.
_LAZY = _exports.table
_exports.add_submodules("anyio-streams", "buffered file memory stapled text tls")

if not TYPE_CHECKING:
    __getattr__ = _exports.getattr
__dir__ = _exports.dir

"""Lazy exports: one helper for every public module that re-exports names on first use.

The problem. `anyio` is one import package spread over several distributions, and
`import anyio` must stay cheap (no asyncio, no Trio, no sockets). So a public module
(`anyio`, `anyio.abc`, any later one) lists its names in a table, name -> (module,
distribution), and imports a name's module the first time the name is used (PEP 562's
module `__getattr__`). A name whose distribution is not installed must then say what to
install, and feature probes must keep working.

AttributeError or ImportError? Both, each where Python's protocols expect it:

- Attribute access (`anyio.Path`, `getattr(anyio, "Path")`, `hasattr(...)`) raises
  `MissingDistributionError`, an `AttributeError`. The data model says a missing
  attribute is an `AttributeError`, and only that makes `hasattr(anyio, "connect_tcp")`
  return False and `getattr(anyio, "Path", None)` return None, which is how libraries
  probe for features.
- Import statements raise `MissingDistributionImportError`, a `ModuleNotFoundError`, as
  `try: ... except ImportError:` expects. `from anyio import Path` is an attribute lookup
  under the hood, and Python replaces any `AttributeError` it gets there with a generic
  "cannot import name"; so when the caller is executing an `IMPORT_FROM` instruction,
  `__getattr__` raises the import error instead, which Python passes on unchanged.
  `import anyio.to_thread` never reaches `__getattr__`: a finder at the end of
  `sys.meta_path` raises the import error for the public submodules of a missing
  distribution. It stays silent for `importlib.util.find_spec()` probes, which get None.

Either error names the distribution to install. A module of anyio-core itself that cannot
be imported is a broken installation, not a missing part: that error propagates as it is.
"""

from __future__ import annotations

import sys
from contextlib import suppress
from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable
    from importlib.machinery import ModuleSpec
    from types import FrameType

CORE = "anyio-core"

#: Names that modules import for their own use and that `dir()` must not list.
NOT_API = frozenset({"annotations", "TYPE_CHECKING", "Any"})


class MissingDistributionError(AttributeError):
    """A public name was looked up whose anyio distribution is not installed.

    An `AttributeError`, so that feature probes work: `hasattr(anyio, "Path")` is False
    and `getattr(anyio, "Path", None)` is None without anyio-path. The message names the
    distribution to install. Import statements raise `MissingDistributionImportError`
    instead.

    Attributes:
        distribution: the distribution that provides the name, e.g. `"anyio-path"`.
    """

    def __init__(
        self, message: str, *, name: str | None = None, obj: object = None, distribution: str = ""
    ) -> None:
        # Keyword arguments with defaults: unpickling calls the class with the message only.
        super().__init__(message, name=name, obj=obj)
        self.distribution = distribution


class MissingDistributionImportError(ModuleNotFoundError):
    """An import statement asked for a part of anyio whose distribution is not installed.

    Raised by `from anyio import Path` and `import anyio.to_thread` when the providing
    distribution is missing; a `ModuleNotFoundError` (an `ImportError`), as import
    statements raise. The message names the distribution to install.

    Attributes:
        distribution: the distribution that provides the name, e.g. `"anyio-threads"`.
    """

    def __init__(self, message: str, *, name: str | None = None, distribution: str = "") -> None:
        super().__init__(message, name=name)
        self.distribution = distribution


def missing_message(public_name: str, distribution: str) -> str:
    """Return the message for `public_name` (e.g. `anyio.Path`) of a missing distribution."""
    return (
        f"{public_name} is provided by the {distribution!r} distribution, which is not "
        f"installed; install it with: pip install {distribution}"
    )


def public_home(module_name: str) -> str:
    """Return the public module that re-exports what `module_name` defines.

    That is `module_name` up to its first private part: `anyio._core._tasks` -> `anyio`,
    `anyio.abc._tasks` -> `anyio.abc`; a public module is its own home.
    """
    parts = module_name.split(".")
    for index, part in enumerate(parts):
        if part.startswith("_"):
            return ".".join(parts[:index])
    return module_name


def _is_missing(exc: ModuleNotFoundError, module_name: str, distribution: str) -> bool:
    """Tell whether `exc` means "the distribution of `module_name` is not installed".

    True when the module that could not be found is `module_name` itself or one of its
    packages; a module that it imports in turn failing is a real error.
    """
    missing = exc.name
    if distribution == CORE or missing is None:
        return False
    return module_name == missing or module_name.startswith(missing + ".")


def _executing_import_from(frame: FrameType | None) -> bool:
    """Tell whether `frame` is executing `from <module> import <name>` right now."""
    if frame is None:
        return False
    from opcode import opmap  # only on this error path; cheap and always present

    code, offset = frame.f_code.co_code, frame.f_lasti
    return 0 <= offset < len(code) and code[offset] == opmap["IMPORT_FROM"]


class LazyExports:
    """The table of names that one public module imports on first use.

    Create one per module with the module's `globals()`, fill it with `add()` and
    `add_submodules()`, then install its methods as the module's hooks:
    `__getattr__ = exports.getattr` (behind `if not TYPE_CHECKING:`) and
    `__dir__ = exports.dir`. A loaded value is cached in the module's globals, so later
    lookups never come back here.

    Args:
        namespace: the `globals()` of the public module.
        deprecated: optional hook for names that are not in the table, called with the
            name; it returns the value of a deprecated alias (warning with a stacklevel
            of 3: the hook, `getattr()`, the user) or raises `AttributeError`.
    """

    def __init__(
        self, namespace: dict[str, Any], *, deprecated: Callable[[str], Any] | None = None
    ) -> None:
        self._namespace = namespace
        self._module: str = namespace["__name__"]
        self._deprecated = deprecated
        #: name -> (module to import, distribution that ships it)
        self.table: dict[str, tuple[str, str]] = {}

    def add(self, module: str, distribution: str, names: str) -> None:
        """Export each of the space-separated `names` from `module`."""
        for name in names.split():
            self.table[name] = (module, distribution)

    def add_submodules(self, distribution: str, names: str) -> None:
        """Export the public submodules `names` (space-separated) of this module."""
        for name in names.split():
            full_name = f"{self._module}.{name}"
            self.table[name] = (full_name, distribution)
            _FINDER.submodules[full_name] = distribution
        _FINDER.install()

    def getattr(self, name: str) -> Any:
        """Return the value of `name` (the module's `__getattr__`).

        Raises:
            MissingDistributionError: if the distribution of `name` is not installed.
            MissingDistributionImportError: the same, inside `from module import name`.
            AttributeError: if this module has no attribute `name`.
        """
        entry = self.table.get(name)
        if entry is not None:
            return self._load(name, *entry, sys._getframe(1))
        if self._deprecated is not None:
            return self._deprecated(name)
        raise AttributeError(f"module {self._module!r} has no attribute {name!r}")

    def installed(self, name: str) -> bool:
        """Tell whether the module that provides `name` can be imported."""
        module_name, distribution = self.table[name]
        if distribution == CORE or module_name in sys.modules:
            return True
        from importlib.util import find_spec

        try:
            return find_spec(module_name) is not None
        except ModuleNotFoundError:  # a package above it is missing
            return False

    def dir(self) -> list[str]:
        """Return the public names of the module (its `__dir__`): only what is installed."""
        names = {name for name in self._namespace if not name.startswith("_")}
        names |= {name for name in self.table if self.installed(name)}
        return sorted(names - NOT_API)

    def _load(self, name: str, module_name: str, distribution: str, caller: FrameType) -> Any:
        try:
            module = import_module(module_name)
        except ModuleNotFoundError as exc:
            if not _is_missing(exc, module_name, distribution):
                raise
            raise self._missing(name, distribution, caller) from None
        is_submodule = module_name == f"{self._module}.{name}"
        value = module if is_submodule else getattr(module, name)
        if not is_submodule:
            self._rename(value)
        self._namespace[name] = value
        return value

    def _missing(self, name: str, distribution: str, caller: FrameType) -> Exception:
        message = missing_message(f"{self._module}.{name}", distribution)
        if _executing_import_from(caller):
            return MissingDistributionImportError(
                message, name=f"{self._module}.{name}", distribution=distribution
            )
        module = sys.modules.get(self._module)
        return MissingDistributionError(message, name=name, obj=module, distribution=distribution)

    @staticmethod
    def _rename(value: Any) -> None:
        """Make reprs and the API reference say `anyio.X`, not where X is implemented."""
        if not (callable(value) and hasattr(value, "__qualname__")):  # classes, functions
            return
        module_name = getattr(value, "__module__", None)
        if not (isinstance(module_name, str) and module_name.startswith("anyio.")):
            return
        with suppress(AttributeError, TypeError):  # e.g. a builtin
            value.__module__ = public_home(module_name)


class _MissingDistributionFinder:
    """The last finder on `sys.meta_path`: `import anyio.X` names the missing distribution.

    Python asks it only after every other finder failed to find a module. For a public
    submodule of a missing distribution it raises `MissingDistributionImportError`; for
    everything else, and for `importlib.util.find_spec()` probes, it returns None, as a
    finder that knows nothing does.
    """

    def __init__(self) -> None:
        #: full module name -> distribution that ships it
        self.submodules: dict[str, str] = {}

    def install(self) -> None:
        if self not in sys.meta_path:
            sys.meta_path.append(self)

    def find_spec(
        self, fullname: str, path: object = None, target: object = None
    ) -> ModuleSpec | None:
        distribution = self.submodules.get(fullname)
        if distribution is None or distribution == CORE:
            return None
        # Frames: this method <- importlib's _find_spec <- the importer. Only an import
        # (statement or import_module) gets the error; find_spec() probes get None.
        try:
            importer = sys._getframe(2).f_code.co_name
        except ValueError:  # called directly, from the top of the stack
            return None
        if importer != "_find_and_load_unlocked":
            return None
        raise MissingDistributionImportError(
            missing_message(fullname, distribution), name=fullname, distribution=distribution
        )

    def invalidate_caches(self) -> None:
        """Nothing is cached (part of the finder protocol)."""


_FINDER = _MissingDistributionFinder()

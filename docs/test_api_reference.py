"""Every public name of every installed distribution has a place in the API reference.

A name counts as documented when an API page renders it (``::: module.name``) or, for the
aliases and type aliases listed on the API index, names it in full (``module.name``).
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path
from types import ModuleType

import anyio

API = Path(__file__).resolve().parent / "api"
SUBMODULES = (
    "anyio.abc",
    "anyio.lowlevel",
    "anyio.functools",
    "anyio.itertools",
    "anyio.to_thread",
    "anyio.from_thread",
    "anyio.to_interpreter",
    "anyio.to_process",
    "anyio.streams.memory",
    "anyio.streams.stapled",
    "anyio.streams.buffered",
    "anyio.streams.text",
    "anyio.streams.tls",
    "anyio.streams.file",
    "anyio.pytest_plugin",
)
SUBMODULE_NAMES = {name.removeprefix("anyio.") for name in SUBMODULES} | {"streams"}


NOT_API = {"annotations", "TYPE_CHECKING", "Any"}


def exported(module: ModuleType) -> set[str]:
    """Return the public names of `module`: its `__all__`, else what `dir()` shows."""
    names = getattr(module, "__all__", None)
    if names is None:
        names = [
            name
            for name in dir(module)
            if not name.startswith("_")
            and name not in NOT_API
            and not isinstance(getattr(module, name), ModuleType)
        ]
    return set(names)


def public_names() -> set[str]:
    """Return `module.name` for every public name of the installed distributions."""
    names = {f"anyio.{name}" for name in exported(anyio) if name not in SUBMODULE_NAMES}
    for module_name in SUBMODULES:
        module = importlib.import_module(module_name)
        names |= {f"{module_name}.{name}" for name in exported(module)}
    return names


def documented() -> tuple[set[str], str]:
    text = "\n".join(page.read_text(encoding="utf-8") for page in sorted(API.glob("*.md")))
    rendered = set(re.findall(r"^::: (anyio[\w.]*)$", text, flags=re.MULTILINE))
    return rendered, text


def test_every_public_name_is_in_the_api_reference() -> None:
    rendered, text = documented()
    missing = sorted(
        name
        for name in public_names()
        if name not in rendered and not re.search(rf"`{re.escape(name)}`", text)
    )
    assert not missing, f"public names missing from docs/api/*.md: {missing}"


def test_rendered_names_exist() -> None:
    rendered, _ = documented()
    for name in sorted(rendered):
        module_name, _, attribute = name.rpartition(".")
        module = importlib.import_module(module_name)
        assert hasattr(module, attribute), f"docs/api renders {name}, which does not exist"


def test_every_api_page_names_its_distribution() -> None:
    # The index is a table of the other pages; each of those says what to install.
    pages = sorted(page for page in API.glob("*.md") if page.name != "index.md")
    lacking = [
        page.name
        for page in pages
        if not re.search(r"^Distribution: `anyio-[a-z]+`", page.read_text("utf-8"), re.MULTILINE)
    ]
    assert not lacking, f"API pages without a 'Distribution:' line: {lacking}"

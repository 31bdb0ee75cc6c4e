"""Packaging metadata that every distribution of the workspace shares (issue 12, item 26).

Each distribution ships the licence file, names its documentation, source and changelog,
and claims the same Python versions; the documentation URLs agree with the site's
`site_url`, and each changelog URL is a page of the site.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

import pytest

if sys.version_info >= (3, 11):
    import tomllib
else:  # pytest depends on tomli on Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[3]
PACKAGES = sorted(path.parent for path in (ROOT / "packages").glob("*/pyproject.toml"))
PYTHONS = ("3.10", "3.11", "3.12", "3.13")


def project(folder: Path) -> dict[str, Any]:
    data: dict[str, Any] = tomllib.loads((folder / "pyproject.toml").read_text("utf-8"))
    return data


def site_url() -> str:
    match = re.search(r"^site_url: (\S+)$", (ROOT / "mkdocs.yml").read_text("utf-8"), re.M)
    assert match, "mkdocs.yml sets no site_url"
    return match.group(1)


def test_every_distribution_is_here() -> None:
    names = {folder.name for folder in PACKAGES}
    assert {"anyio", "anyio-core", "anyio-net", "anyio-process"} <= names
    assert len(names) == 8


@pytest.mark.parametrize("folder", PACKAGES, ids=lambda folder: folder.name)
class TestDistribution:
    def test_ships_the_licence(self, folder: Path) -> None:
        text = (folder / "LICENSE").read_text("utf-8")
        assert text.startswith("MIT License\n")
        assert "Copyright (c) 2026 the anyio monorepo authors" in text
        meta = project(folder)
        assert meta["project"]["license"] == "MIT"
        assert meta["project"]["license-files"] == ["LICENSE"]
        sdist = meta["tool"]["hatch"]["build"]["targets"]["sdist"]
        assert "LICENSE" in sdist["include"]

    def test_project_urls(self, folder: Path) -> None:
        urls = project(folder)["project"]["urls"]
        assert set(urls) == {"Documentation", "Source", "Changelog"}
        assert urls["Documentation"] == site_url()
        assert urls["Changelog"] == f"{site_url()}changelog/{folder.name}/"
        assert urls["Source"].endswith(f"/packages/{folder.name}")
        # The changelog URL is a page of the site: its source exists and is in the nav.
        page = f"changelog/{folder.name}.md"
        assert (ROOT / "docs" / page).is_file()
        assert page in (ROOT / "mkdocs.yml").read_text("utf-8")

    def test_python_classifiers(self, folder: Path) -> None:
        meta = project(folder)["project"]
        assert meta["requires-python"] == f">={PYTHONS[0]}"
        pythons = [c for c in meta["classifiers"] if c.startswith("Programming Language")]
        assert pythons == [
            "Programming Language :: Python :: 3",
            "Programming Language :: Python :: 3 :: Only",
            *(f"Programming Language :: Python :: {version}" for version in PYTHONS),
        ]


def test_install_docs_warn_about_the_index() -> None:
    text = (ROOT / "docs" / "install.md").read_text("utf-8")
    assert "`pip install anyio` gives you the original AnyIO" in text
    assert "--no-index --find-links dist/" in text
    assert "./packages/anyio-core" in text

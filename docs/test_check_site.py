"""The built-site check (`docs/check_site.py`) finds what a reader would miss.

The check itself runs over the real site in the docs stage of `scripts/dev.py` (CI builds
the site there); these tests prove on small fake sites that it fails when it must.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from collections.abc import Callable
    from types import ModuleType

DOCS = Path(__file__).resolve().parent


@pytest.fixture(scope="module")
def check_site() -> ModuleType:
    spec = importlib.util.spec_from_file_location("check_site", DOCS / "check_site.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


EXAMPLE = "docs/examples/quickstart.py"


def make_site(tmp_path: Path, guide_html: str) -> Path:
    """Return a one-guide site whose guide page body is `guide_html`."""
    site = tmp_path / "site"
    (site / "guides" / "demo").mkdir(parents=True)
    (site / "index.html").write_text("<html><body>home</body></html>")
    (site / "guides" / "demo" / "index.html").write_text(f"<html><body>{guide_html}</body></html>")
    return site


def highlighted(code: str) -> str:
    """Roughly what pygments makes of `code`: every word in a span, entities escaped."""
    escaped = code.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    words = escaped.replace('"', "&quot;").split(" ")
    return "<pre><code>" + " ".join(f'<span class="n">{w}</span>' for w in words) + "</code></pre>"


@pytest.fixture
def guide_source(tmp_path: Path) -> Path:
    """A Markdown guide that includes the quickstart example, one-line form."""
    source = tmp_path / "demo.md"
    source.write_text(f'# Demo\n\n```python\n--8<-- "{EXAMPLE}"\n```\n')
    return source


@pytest.fixture
def problems_for(
    check_site: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> Callable[[Path, Path], list[str]]:
    """Check a fake site whose one guide page is built from `source`."""

    def problems(site: Path, source: Path) -> list[str]:
        page = site / "guides" / "demo" / "index.html"
        monkeypatch.setattr(check_site, "page_for", lambda _source, _site: page)
        found: list[str] = check_site.check_markers(site)
        return found + check_site.check_includes(source, site)

    return problems


def test_a_page_with_the_example_passes(
    problems_for: Callable[[Path, Path], list[str]], tmp_path: Path, guide_source: Path
) -> None:
    code = (DOCS.parent / EXAMPLE).read_text("utf-8")
    site = make_site(tmp_path, highlighted(code))
    assert problems_for(site, guide_source) == []


@pytest.mark.parametrize(
    "shown",
    [
        # What ruff format made of the marker, as pygments shows it.
        '<span class="o">--</span><span class="mi">8</span> <span class="o">&lt;</span> '
        '<span class="o">--</span><span class="s2">&quot;docs/examples/quickstart.py&quot;</span>',
        '--8&lt;-- "docs/examples/quickstart.py"',  # a marker left unresolved
    ],
)
def test_an_unresolved_include_fails(
    problems_for: Callable[[Path, Path], list[str]],
    tmp_path: Path,
    guide_source: Path,
    shown: str,
) -> None:
    site = make_site(tmp_path, f"<pre><code>{shown}</code></pre>")
    problems = problems_for(site, guide_source)
    assert any("unresolved include" in problem for problem in problems), problems
    assert any("lacks" in problem for problem in problems), problems


def test_a_page_missing_part_of_the_example_fails(
    problems_for: Callable[[Path, Path], list[str]], tmp_path: Path, guide_source: Path
) -> None:
    code = (DOCS.parent / EXAMPLE).read_text("utf-8")
    truncated = "\n".join(code.splitlines()[:3])
    site = make_site(tmp_path, highlighted(truncated))
    problems = problems_for(site, guide_source)
    assert len(problems) == 1
    assert "lacks" in problems[0]
    assert EXAMPLE in problems[0]


def test_block_form_includes_are_read(check_site: ModuleType, tmp_path: Path) -> None:
    source = tmp_path / "block.md"
    source.write_text(f"```python\n--8<--\n{EXAMPLE}\n--8<--\n```\n")
    assert check_site.examples_included(source) == [EXAMPLE]


def test_included_examples_exist(check_site: ModuleType) -> None:
    included = {
        path for source in DOCS.rglob("*.md") for path in check_site.examples_included(source)
    }
    for path in sorted(included):
        assert (DOCS.parent / path).is_file(), f"a page includes {path}, which is missing"


def test_page_for_follows_directory_urls(check_site: ModuleType, tmp_path: Path) -> None:
    site = tmp_path
    assert check_site.page_for(DOCS / "index.md", site) == site / "index.html"
    assert check_site.page_for(DOCS / "guides" / "index.md", site) == (
        site / "guides" / "index.html"
    )
    assert check_site.page_for(DOCS / "guides" / "tasks.md", site) == (
        site / "guides" / "tasks" / "index.html"
    )


def test_no_built_site_is_a_problem(check_site: ModuleType, tmp_path: Path) -> None:
    assert "no built site" in check_site.check_site(tmp_path)[0]


def test_api_entries_that_once_rendered_empty_are_required(
    check_site: ModuleType, tmp_path: Path
) -> None:
    site = make_site(tmp_path, "")
    page = site / "api" / "memory-streams" / "index.html"
    page.parent.mkdir(parents=True)
    page.write_text('<h3 id="anyio.streams.memory.MemoryObjectStreamStatistics.max_buffer_size">')
    problems = check_site.check_api_reference(site)
    assert "anyio.streams.tls.TLSAttribute.alpn_protocol" in "\n".join(problems)
    assert "FileStreamAttribute.fileno" in "\n".join(problems)
    assert not any(problem.endswith(".max_buffer_size") for problem in problems)
    assert any("create_memory_object_stream(max_buffer_size" in p for p in problems)

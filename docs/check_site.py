"""Check the BUILT documentation site: every example a page includes is really on it.

The guides pull their example programs in with pymdownx.snippets markers
(`--8<-- "docs/examples/tasks_start.py"` inside a code block). When a marker is mangled
(ruff's formatter once rewrote them to `--8 < --"..."`) or not resolved, mkdocs still
builds, and the page shows the marker's text instead of the program. So after
`mkdocs build`, this script reads every page of the site and fails if:

- a page still shows a snippet marker (an unresolved include),
- a Markdown source includes an example whose code is missing from its built page, or
- an API reference entry that once rendered without its text (attributes documented with
  `#:` comments, the signature of `create_memory_object_stream`) is missing again.

Run: `python3 docs/check_site.py [SITE_DIR]` (default `.docs-build/site`); the docs stage of
`scripts/dev.py` runs it after every build. Stdlib only. Exits non-zero with the problems.
"""

from __future__ import annotations

import html
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
DEFAULT_SITE = ROOT / ".docs-build" / "site"

#: A snippet marker as written, or as a formatter mangles it (`--8 < --"x"`).
MARKER = re.compile(r"-{2,}\s*8\s*<\s*-{2,}")
#: A one-line include in a Markdown source: `--8<-- "path"`.
INCLUDE = re.compile(r"""^-{2,}8<-{2,}\s*["']([^"']+)["']$""")
#: The line that opens and closes a block of includes (one path per line between).
BLOCK = re.compile(r"^-{2,}8<-{2,}$")
TAG = re.compile(r"<[^>]+>")


def page_for(source: Path, site: Path) -> Path:
    """Return the built page of a Markdown source (mkdocs' directory URLs)."""
    relative = source.relative_to(DOCS).with_suffix("")
    if relative.name in {"index", "README"}:
        return site / relative.parent / "index.html"
    return site / relative / "index.html"


def page_text(page: Path) -> str:
    """Return the text of a page as a reader sees it: tags dropped, entities decoded."""
    return html.unescape(TAG.sub("", page.read_text("utf-8")))


def missing_lines(example: Path, text: str) -> list[str]:
    """Return the lines of `example`'s code that `text` does not contain."""
    lines = (line.strip() for line in example.read_text("utf-8").splitlines())
    return [line for line in lines if line and line not in text]


def examples_included(source: Path) -> list[str]:
    """Return the Python files that `source` includes, in either snippet form."""
    found: list[str] = []
    in_block = False
    for line in source.read_text("utf-8").splitlines():
        stripped = line.strip()
        if BLOCK.match(stripped):
            in_block = not in_block
        elif in_block and stripped and not stripped.startswith(";"):
            found.append(stripped)
        elif match := INCLUDE.match(stripped):
            found.append(match.group(1))
    # Included Markdown (the changelogs) is rendered, not shown as code: check_markers
    # covers it.
    return [path for path in found if path.endswith(".py")]


def check_includes(source: Path, site: Path) -> list[str]:
    """Check that the built page of `source` shows every example that `source` includes."""
    includes = examples_included(source)
    if not includes:
        return []
    page = page_for(source, site)
    if not page.is_file():
        return [f"{source.relative_to(ROOT)}: built page {page.relative_to(site)} is missing"]
    text = page_text(page)
    problems = []
    for include in includes:
        example = ROOT / include
        if not example.is_file():
            problems.append(f"{source.relative_to(ROOT)}: includes {include}, which is missing")
            continue
        if lost := missing_lines(example, text):
            problems.append(
                f"{page.relative_to(site)}: lacks {len(lost)} line(s) of {include}, "
                f"first: {lost[0]!r}"
            )
    return problems


def check_markers(site: Path) -> list[str]:
    """Return a problem for every built page that still shows a snippet marker."""
    problems = []
    for page in sorted(site.rglob("*.html")):
        match = MARKER.search(page_text(page))
        if match:
            problems.append(f"{page.relative_to(site)}: unresolved include {match.group()!r}")
    return problems


#: API reference entries that once rendered without their text (issue 12, item 25):
#: page -> anchors (attributes documented with `#:` comments) that must be on it.
REQUIRED_ANCHORS: dict[str, tuple[str, ...]] = {
    "api/stream-wrappers/index.html": tuple(
        f"anyio.streams.{name}"
        for name in (
            *(
                f"tls.TLSAttribute.{attribute}"
                for attribute in [
                    "alpn_protocol",
                    "channel_binding_tls_unique",
                    "cipher",
                    "peer_certificate",
                    "peer_certificate_binary",
                    "server_side",
                    "shared_ciphers",
                    "ssl_object",
                    "standard_compatible",
                    "tls_version",
                ]
            ),
            *(f"file.FileStreamAttribute.{attribute}" for attribute in ("file", "path", "fileno")),
        )
    ),
    "api/memory-streams/index.html": tuple(
        f"anyio.streams.memory.MemoryObjectStreamStatistics.{field}"
        for field in [
            "current_buffer_used",
            "max_buffer_size",
            "open_send_streams",
            "open_receive_streams",
            "tasks_waiting_send",
            "tasks_waiting_receive",
        ]
    ),
}
#: page -> text that must be on it: signatures that once were missing.
REQUIRED_TEXT: dict[str, tuple[str, ...]] = {
    "api/memory-streams/index.html": ("create_memory_object_stream(max_buffer_size",),
}


def check_api_reference(site: Path) -> list[str]:
    """Check the entries of the API reference that once rendered without their text."""
    problems = []
    for relative, anchors in REQUIRED_ANCHORS.items():
        page = site / relative
        source = page.read_text("utf-8") if page.is_file() else ""
        problems += [
            f"{relative}: no entry for {anchor}"
            for anchor in anchors
            if f'id="{anchor}"' not in source
        ]
    for relative, needed in REQUIRED_TEXT.items():
        page = site / relative
        text = page_text(page) if page.is_file() else ""
        problems += [f"{relative}: lacks {item!r}" for item in needed if item not in text]
    return problems


def check_site(site: Path, sources: list[Path] | None = None) -> list[str]:
    """Return every problem found in the built site `site` (empty when all is well)."""
    if not (site / "index.html").is_file():
        return [f"{site} holds no built site; run `python3 scripts/dev.py docs-build` first"]
    if sources is None:
        sources = sorted(DOCS.rglob("*.md"))
    problems = check_markers(site) + check_api_reference(site)
    for source in sources:
        problems += check_includes(source, site)
    return problems


def main(argv: list[str]) -> int:
    site = Path(argv[0]).resolve() if argv else DEFAULT_SITE
    problems = check_site(site)
    for problem in problems:
        print(f"PROBLEM: {problem}", file=sys.stderr)
    pages = len(list(site.rglob("*.html")))
    print(f"built site: {pages} pages, " + (f"{len(problems)} problem(s)" if problems else "ok"))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

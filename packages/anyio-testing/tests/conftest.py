"""Shared helpers of the plugin's tests: pytester, and running small test files.

Each test writes a small test module (and maybe a ``conftest.py``) and runs
pytest on it in-process with pytester, on every installed backend, then
checks the outcome counts. The inner runs use ``filterwarnings = error`` like
this project, so a deprecation warning from the plugin fails them.

``pytest_plugins`` is refused in a conftest that is not at the rootdir, so
pytester is registered from ``pytest_configure`` (a historic hook: a conftest
found during collection still gets it).
"""

from __future__ import annotations

import contextlib
from textwrap import dedent
from typing import TYPE_CHECKING, Protocol

import pytest

from anyio import get_available_backends
from anyio._core._backend import get_backend

if TYPE_CHECKING:
    from collections.abc import Sequence

#: The backends the default ``anyio_backend`` fixture runs each test on.
BACKENDS: tuple[str, ...] = get_available_backends()
#: How many times an anyio test runs with the default ``anyio_backend``.
N = len(BACKENDS)

# Import each backend module now: pytester's in-process runs unload the modules first
# imported inside them, and a backend module must not be imported twice. Hypothesis's
# plugin imports all of Hypothesis (0.7 s, with assertion rewriting): once is enough.
for _name in BACKENDS:
    get_backend(_name)
with contextlib.suppress(ImportError):
    import hypothesis  # noqa: F401


def pytest_configure(config: pytest.Config) -> None:
    if not config.pluginmanager.has_plugin("pytester"):
        config.pluginmanager.import_plugin("pytester")


class RunTests(Protocol):
    def __call__(
        self,
        source: str,
        *args: str,
        ini: str = "",
        conftest: str | None = None,
        files: Sequence[tuple[str, str]] = (),
    ) -> pytest.RunResult: ...


@pytest.fixture
def run_tests(pytester: pytest.Pytester) -> RunTests:
    """Write ``source`` as ``test_it.py`` (plus a conftest and other files) and run pytest."""

    def run(
        source: str,
        *args: str,
        ini: str = "",
        conftest: str | None = None,
        files: Sequence[tuple[str, str]] = (),
    ) -> pytest.RunResult:
        pytester.makeini("[pytest]\nfilterwarnings = error\n" + dedent(ini))
        if conftest is not None:
            pytester.makeconftest(dedent(conftest))
        for path, text in files:
            target = pytester.path / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(dedent(text))
        pytester.makepyfile(test_it=dedent(source))
        return pytester.runpytest("-p", "no:cacheprovider", *args)

    return run

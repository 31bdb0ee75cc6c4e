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
import sys
from importlib.util import find_spec
from textwrap import dedent
from typing import TYPE_CHECKING, Protocol

import pytest

from anyio import get_available_backends
from anyio._core.contract import get_backend

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


#: This project's backend variants (see the root ``conftest.py``), as the source text of an
#: ``anyio_backend`` value for an inner run: a subprocess cannot be handed a loop factory.
VARIANTS: dict[str, str] = {"asyncio": '("asyncio", {"debug": True})'}
if sys.version_info >= (3, 12):
    VARIANTS["asyncio+eager"] = '("asyncio", {"loop_factory": eager_loop})'
if find_spec("uvloop") is not None:
    VARIANTS["asyncio+uvloop"] = '("asyncio", {"use_uvloop": True})'
if find_spec("trio") is not None:
    VARIANTS["trio"] = '"trio"'
#: The asyncio ones among them.
ASYNCIO_VARIANTS = [name for name in VARIANTS if name.startswith("asyncio")]

_VARIANT_CONFTEST = """
import asyncio

import anyio
import pytest
from anyio.pytest_plugin import extract_backend_and_options


def eager_loop():
    loop = asyncio.new_event_loop()
    loop.set_task_factory(asyncio.eager_task_factory)
    return loop


BACKEND = {source}
# Import the backend now, so that no test's timer runs out while its modules load.
anyio.run(anyio.lowlevel.checkpoint, backend=extract_backend_and_options(BACKEND)[0])


@pytest.fixture(scope="session")
def anyio_backend():
    return BACKEND
"""


def variant_conftest(variant: str) -> str:
    """A ``conftest.py`` whose session-wide ``anyio_backend`` is the backend variant ``variant``."""
    return _VARIANT_CONFTEST.format(source=VARIANTS[variant])


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

"""Run every example program of the documentation on every backend.

Each `docs/examples/<name>.py` (other than the test files) defines `async def main()`; the
guides include these files verbatim, so a change to the library that breaks an example
fails here. The module is loaded from its path, as the guides show it, not imported as part
of a package.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from anyio import to_thread

if TYPE_CHECKING:
    from types import ModuleType

pytestmark = pytest.mark.anyio

EXAMPLES = Path(__file__).resolve().parent
NAMES = sorted(p.stem for p in EXAMPLES.glob("*.py") if not p.name.startswith("test_"))

# Examples that use syntax or modules that not every supported Python has.
MIN_PYTHON = {"tasks_errors": (3, 11)}  # except*, built-in ExceptionGroup
NEEDS = {"tls_streams": "trustme", "tls_client": "trustme"}


def load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"docs_example_{name}", EXAMPLES / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_examples_found() -> None:
    assert {"quickstart", "tasks_start", "cancel_scopes", "memory_streams"} <= set(NAMES)


@pytest.mark.parametrize("name", NAMES)
async def test_example(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    if sys.version_info < MIN_PYTHON.get(name, (0,)):
        pytest.skip(f"needs Python {'.'.join(map(str, MIN_PYTHON[name]))}+")
    if name in NEEDS:
        pytest.importorskip(NEEDS[name])
    main: Any = load(name).main
    await main()
    assert capsys.readouterr().out, f"{name}.main() printed nothing"


async def test_backends_example_runs_every_variant(capsys: pytest.CaptureFixture[str]) -> None:
    # run_everywhere() starts event loops of its own, so it must run outside ours.
    await to_thread.run_sync(load("backends").run_everywhere)
    out = capsys.readouterr().out
    assert "CancelledError" in out

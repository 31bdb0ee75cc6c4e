"""The backend registry: a backend is a folder plus one `BACKENDS` entry.

A toy backend (``_toy_backend``, used only here) is registered from the test,
without touching core, and anyio's public functions find it through its probe.
These tests run no backend's loop of their own (the toy backend is the loop),
so they are plain synchronous tests.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

import anyio
from anyio._core import contract
from anyio.lowlevel import checkpoint

if TYPE_CHECKING:
    from collections.abc import Iterator

TOY_PACKAGE = "_toy_backend"


@pytest.fixture
def toy(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.syspath_prepend(str(Path(__file__).parent))
    # The one registry line a new backend adds.
    monkeypatch.setitem(contract.BACKENDS, "toy", (TOY_PACKAGE, "test only"))
    yield
    module = sys.modules.pop(TOY_PACKAGE, None)
    if module is not None:
        contract.unregister_backend("toy", module.probe)


async def _use_anyio() -> tuple[float, float, str]:
    before = anyio.current_time()
    await checkpoint()
    await anyio.sleep(2.5)
    return before, anyio.current_time(), contract.current_backend().name


class TestToyBackend:
    def test_listed(self, toy: None) -> None:
        assert "toy" in anyio.get_all_backends()

    def test_runs_anyio_code(self, toy: None) -> None:
        before, after, name = anyio.run(
            _use_anyio, backend="toy", backend_options={"start_time": 10}
        )
        assert (before, after, name) == (10.0, 12.5, "toy")

    def test_unknown_option(self, toy: None) -> None:
        with pytest.raises(TypeError, match="Unknown option 'speed' for the toy backend"):
            anyio.run(_use_anyio, backend="toy", backend_options={"speed": 1})

    def test_probe_silent_outside_its_run(self, toy: None) -> None:
        contract.get_backend("toy")
        with pytest.raises(anyio.NoEventLoopError):
            contract.current_backend()

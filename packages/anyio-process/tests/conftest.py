"""Fixtures for the anyio-process tests."""

from __future__ import annotations

import sys

import pytest

from anyio._process import _exit


@pytest.fixture(params=_exit.available_methods())
def exit_method(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run the test once per way of waiting for a child's exit that this platform has."""
    monkeypatch.setattr(_exit, "forced_method", request.param)
    return str(request.param)


@pytest.fixture
def python() -> str:
    return sys.executable

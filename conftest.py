"""Run this project's own async tests on every backend variant we support.

Users of the plugin get ``anyio_backend`` over the installed backends; our own
suite widens it to the variants anyio promises to support: asyncio in debug
mode, asyncio with the eager task factory (3.12+), asyncio on uvloop (where it
is installed) and Trio.
"""

from __future__ import annotations

import asyncio
import importlib.util
import sys
from typing import Any

import pytest


def _eager_loop() -> asyncio.AbstractEventLoop:
    loop = asyncio.new_event_loop()
    loop.set_task_factory(asyncio.eager_task_factory)  # type: ignore[attr-defined]
    return loop


def _backend_params() -> list[Any]:
    params = [pytest.param(("asyncio", {"debug": True}), id="asyncio")]
    if sys.version_info >= (3, 12):
        params.append(pytest.param(("asyncio", {"loop_factory": _eager_loop}), id="asyncio+eager"))
    if importlib.util.find_spec("uvloop") is not None:
        params.append(pytest.param(("asyncio", {"use_uvloop": True}), id="asyncio+uvloop"))
    if importlib.util.find_spec("trio") is not None:
        params.append(pytest.param("trio", id="trio"))
    return params


@pytest.fixture(scope="module", params=_backend_params())
def anyio_backend(request: pytest.FixtureRequest) -> Any:
    return request.param

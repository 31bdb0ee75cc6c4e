"""Fixtures shared by several anyio-core test modules (the ``test_sync_*.py`` ones, so far).

Plain helper functions for those are in ``_sync_helpers.py``.
"""

from __future__ import annotations

import pytest


@pytest.fixture
def asyncio_only(anyio_backend_name: str) -> None:
    """For tests of native asyncio cancellation (``Task.cancel()``)."""
    if anyio_backend_name != "asyncio":
        pytest.skip("tests native asyncio Task.cancel()")

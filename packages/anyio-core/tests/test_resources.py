"""`AsyncResource` and `aclose_forcefully()`."""

from __future__ import annotations

import pytest

import anyio
import anyio.lowlevel
from anyio import aclose_forcefully, current_effective_deadline, fail_after
from anyio.abc import AsyncResource


class Resource(AsyncResource):
    def __init__(self) -> None:
        self.closed = False
        self.deadline_while_closing: float | None = None

    async def aclose(self) -> None:
        self.closed = True
        self.deadline_while_closing = current_effective_deadline()


class SlowResource(AsyncResource):
    """Closes gracefully only after waiting for its peer (forever, here)."""

    def __init__(self) -> None:
        self.graceful = False
        self.released = False

    async def aclose(self) -> None:
        try:
            await anyio.sleep_forever()
            self.graceful = True
        finally:
            self.released = True


class TestAsyncResource:
    def test_aclose_is_abstract(self) -> None:
        assert AsyncResource.__abstractmethods__ == frozenset({"aclose"})
        with pytest.raises(TypeError):
            AsyncResource()  # type: ignore[abstract]

    def test_public_module(self) -> None:
        assert AsyncResource.__module__ == "anyio.abc"

    @pytest.mark.anyio
    async def test_context_manager_returns_self_and_closes(self) -> None:
        resource = Resource()
        async with resource as entered:
            assert entered is resource
            assert not resource.closed
        assert resource.closed

    @pytest.mark.anyio
    async def test_closed_when_the_block_raises(self) -> None:
        resource = Resource()
        with pytest.raises(ZeroDivisionError):
            async with resource:
                1 / 0  # noqa: B018
        assert resource.closed

    @pytest.mark.anyio
    async def test_exit_does_not_swallow_the_exception(self) -> None:
        resource = Resource()
        with pytest.raises(KeyError):
            async with resource:
                raise KeyError("x")


class TestAcloseForcefully:
    @pytest.mark.anyio
    async def test_closes_the_resource(self) -> None:
        resource = Resource()
        await aclose_forcefully(resource)
        assert resource.closed

    @pytest.mark.anyio
    async def test_aclose_runs_in_a_cancelled_scope(self) -> None:
        resource = Resource()
        await aclose_forcefully(resource)
        assert resource.deadline_while_closing == float("-inf")

    @pytest.mark.anyio
    async def test_waits_inside_aclose_end_at_once(self) -> None:
        resource = SlowResource()
        with fail_after(10):  # guard: a regression hangs instead of failing
            await aclose_forcefully(resource)
        assert resource.released
        assert not resource.graceful

    @pytest.mark.anyio
    async def test_caller_is_not_cancelled(self) -> None:
        await aclose_forcefully(SlowResource())
        await anyio.lowlevel.checkpoint()  # would raise if the cancellation leaked out
        assert current_effective_deadline() == float("inf")

    @pytest.mark.anyio
    async def test_errors_from_aclose_propagate(self) -> None:
        class Failing(AsyncResource):
            async def aclose(self) -> None:
                raise OSError("close failed")

        with pytest.raises(OSError, match="close failed"):
            await aclose_forcefully(Failing())

"""`anyio.lowlevel`: checkpoints, run variables and event loop tokens."""

from __future__ import annotations

from typing import Any

import pytest

import anyio
from anyio import (
    CancelScope,
    create_task_group,
    get_cancelled_exc_class,
    wait_all_tasks_blocked,
)
from anyio.lowlevel import (
    EventLoopToken,
    RunVar,
    RunvarToken,
    cancel_shielded_checkpoint,
    checkpoint,
    checkpoint_if_cancelled,
    current_token,
)

pytestmark = pytest.mark.anyio


async def _record(log: list[str]) -> None:
    log.append("sibling ran")


class TestCheckpoint:
    async def test_lets_other_tasks_run(self) -> None:
        log: list[str] = []
        async with create_task_group() as tg:
            tg.start_soon(_record, log)
            # Trio may run one batch of ready tasks in any order: yield twice.
            await checkpoint()
            await checkpoint()
            assert log == ["sibling ran"]

    async def test_raises_in_a_cancelled_scope(self) -> None:
        with CancelScope() as scope:
            scope.cancel()
            with pytest.raises(get_cancelled_exc_class()):
                await checkpoint()
            await checkpoint()
            pytest.fail("second checkpoint did not raise")
        assert scope.cancelled_caught

    async def test_shield_protects(self) -> None:
        with CancelScope() as scope:
            scope.cancel()
            with CancelScope(shield=True):
                await checkpoint()
        assert not scope.cancelled_caught


class TestCheckpointIfCancelled:
    async def test_does_not_yield_when_not_cancelled(self) -> None:
        log: list[str] = []
        async with create_task_group() as tg:
            tg.start_soon(_record, log)
            for _ in range(3):
                await checkpoint_if_cancelled()
            assert log == []
        assert log == ["sibling ran"]

    async def test_raises_when_cancelled(self) -> None:
        reached = []
        with CancelScope() as scope:
            scope.cancel()
            await checkpoint_if_cancelled()
            reached.append("after")
        assert reached == []
        assert scope.cancelled_caught

    async def test_raises_when_an_outer_scope_is_cancelled(self) -> None:
        with CancelScope() as outer:
            with CancelScope():
                outer.cancel()
                await checkpoint_if_cancelled()
                pytest.fail("not cancelled")
        assert outer.cancelled_caught

    async def test_shield_protects(self) -> None:
        with CancelScope() as outer:
            outer.cancel()
            with CancelScope(shield=True):
                await checkpoint_if_cancelled()
        assert not outer.cancelled_caught


class TestCancelShieldedCheckpoint:
    async def test_never_raises_in_a_cancelled_scope(self) -> None:
        reached = []
        with CancelScope() as scope:
            scope.cancel()
            await cancel_shielded_checkpoint()
            await cancel_shielded_checkpoint()
            reached.append("after")
        assert reached == ["after"]
        assert not scope.cancelled_caught

    async def test_lets_other_tasks_run(self) -> None:
        log: list[str] = []
        async with create_task_group() as tg:
            tg.start_soon(_record, log)
            await cancel_shielded_checkpoint()
            await cancel_shielded_checkpoint()
            assert log == ["sibling ran"]

    async def test_cancellation_is_still_pending_afterwards(self) -> None:
        with CancelScope() as scope:
            scope.cancel()
            await cancel_shielded_checkpoint()
            await checkpoint()
            pytest.fail("cancellation lost")
        assert scope.cancelled_caught


class TestRunVar:
    async def test_get_without_value_or_default(self) -> None:
        var = RunVar[int]("unset")
        with pytest.raises(LookupError):
            var.get()

    async def test_default(self) -> None:
        var = RunVar[int]("with_default", default=5)
        assert var.get() == 5
        assert var.get(7) == 7

    async def test_get_argument_default(self) -> None:
        var = RunVar[int]("unset")
        assert var.get(None) is None
        assert var.get(3) == 3

    async def test_set_get_reset(self) -> None:
        var = RunVar[int]("x", default=0)
        token = var.set(1)
        assert isinstance(token, RunvarToken)
        assert var.get() == 1
        inner = var.set(2)
        assert var.get() == 2
        var.reset(inner)
        assert var.get() == 1
        var.reset(token)
        assert var.get() == 0

    async def test_reset_to_no_value(self) -> None:
        var = RunVar[str]("fresh")
        token = var.set("value")
        var.reset(token)
        with pytest.raises(LookupError):
            var.get()

    async def test_token_as_context_manager(self) -> None:
        var = RunVar[str]("cm", default="outer")
        with var.set("inner") as token:
            assert isinstance(token, RunvarToken)
            assert var.get() == "inner"
        assert var.get() == "outer"

    async def test_token_used_twice(self) -> None:
        var = RunVar[int]("twice")
        token = var.set(1)
        var.reset(token)
        with pytest.raises(ValueError, match="already"):
            var.reset(token)

    async def test_token_of_another_variable(self) -> None:
        var = RunVar[int]("a")
        other = RunVar[int]("b")
        token = other.set(1)
        with pytest.raises(ValueError, match="belong"):
            var.reset(token)
        other.reset(token)

    async def test_shared_by_all_tasks_of_the_loop(self) -> None:
        var = RunVar[str]("shared")
        seen = []

        async def child() -> None:
            seen.append(var.get())
            var.set("from child")

        var.set("from host")
        async with create_task_group() as tg:
            tg.start_soon(child)
        assert seen == ["from host"]
        assert var.get() == "from child"

    async def test_repr_names_the_variable(self) -> None:
        assert "x" in repr(RunVar[int]("x"))

    def test_isolated_between_runs(
        self, anyio_backend_name: str, anyio_backend_options: dict[str, Any]
    ) -> None:
        var = RunVar[int]("per_run", default=-1)

        async def main(value: int) -> tuple[int, int]:
            before = var.get()
            var.set(value)
            return before, var.get()

        def run(value: int) -> tuple[int, int]:
            return anyio.run(
                main, value, backend=anyio_backend_name, backend_options=anyio_backend_options
            )

        assert run(1) == (-1, 1)
        assert run(2) == (-1, 2)

    def test_isolated_between_backends(self) -> None:
        var = RunVar[str]("per_backend")

        async def main(value: str) -> str | None:
            before = var.get(None)
            var.set(value)
            return before

        assert anyio.run(main, "asyncio") is None
        assert anyio.run(main, "trio", backend="trio") is None


class TestEventLoopToken:
    async def test_equal_within_a_run(self) -> None:
        token = current_token()
        assert isinstance(token, EventLoopToken)
        assert current_token() == token
        assert hash(current_token()) == hash(token)

    async def test_same_token_in_child_tasks(self) -> None:
        tokens: list[EventLoopToken] = []

        async def child() -> None:
            tokens.append(current_token())

        async with create_task_group() as tg:
            tg.start_soon(child)
            await wait_all_tasks_blocked()
        assert tokens == [current_token()]

    def test_differs_between_runs(
        self, anyio_backend_name: str, anyio_backend_options: dict[str, Any]
    ) -> None:
        async def main() -> EventLoopToken:
            return current_token()

        def run() -> EventLoopToken:
            return anyio.run(
                main, backend=anyio_backend_name, backend_options=anyio_backend_options
            )

        first = run()
        second = run()
        assert first != second

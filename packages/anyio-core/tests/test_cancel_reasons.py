"""Cancel reasons: `CancelScope.cancel(reason)` and what the cancellation exception says.

On asyncio the message is AnyIO's: ``Cancelled via cancel scope <id in hex>``,
then `` by <task>`` when a task called `cancel()`, then ``; reason: <reason>``
when one was given; a deadline gives the reason ``deadline exceeded``. Users
tell a timeout from an explicit cancel by it. On Trio the reason goes to Trio's
own ``Cancelled``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest

from anyio import (
    CancelScope,
    create_task_group,
    current_time,
    fail_after,
    get_cancelled_exc_class,
    get_current_task,
    sleep_forever,
    wait_all_tasks_blocked,
)
from anyio.lowlevel import checkpoint

if TYPE_CHECKING:
    from collections.abc import Callable

pytestmark = pytest.mark.anyio

GUARD = 5


async def caught_in(
    scope: CancelScope, trigger: Callable[[], object] | None = None
) -> BaseException:
    """Enter ``scope``, run ``trigger`` inside it, and return the cancellation that arrives."""
    caught: list[BaseException] = []
    with fail_after(GUARD), scope:
        if trigger is not None:
            trigger()
        try:
            await sleep_forever()
        except get_cancelled_exc_class() as exc:
            caught.append(exc)
            raise
    assert scope.cancelled_caught
    return caught[0]


def by_task_pattern(scope: CancelScope, reason: str | None) -> str:
    """Return a regex for the message of ``scope`` cancelled by the current task."""
    name = re.escape(get_current_task().name)
    suffix = "" if reason is None else re.escape(f"; reason: {reason}")
    return rf"^Cancelled via cancel scope {id(scope):x} by <Task .*name='{name}'.*>{suffix}$"


class TestAsyncioMessage:
    @pytest.fixture(autouse=True)
    def _asyncio_only(self, anyio_backend_name: str) -> None:
        if anyio_backend_name != "asyncio":
            pytest.skip("the message format of asyncio's CancelledError")

    async def test_by_a_task_with_a_reason(self) -> None:
        scope = CancelScope()
        exc = await caught_in(scope, lambda: scope.cancel("shutting down"))
        assert re.match(by_task_pattern(scope, "shutting down"), str(exc), re.DOTALL)

    async def test_by_a_task_without_a_reason(self) -> None:
        scope = CancelScope()
        exc = await caught_in(scope, scope.cancel)
        assert re.match(by_task_pattern(scope, None), str(exc), re.DOTALL)

    async def test_by_another_task(self) -> None:
        scope = CancelScope()
        names: list[str] = []

        async def canceller() -> None:
            names.append(get_current_task().name)
            await wait_all_tasks_blocked()
            scope.cancel("from a sibling")

        async with create_task_group() as tg:
            tg.start_soon(canceller, name="the canceller")
            exc = await caught_in(scope)
        assert re.match(
            rf"^Cancelled via cancel scope {id(scope):x} by <Task .*name='the canceller'.*>"
            r"; reason: from a sibling$",
            str(exc),
            re.DOTALL,
        )

    async def test_outside_any_task(self) -> None:
        import asyncio

        scope = CancelScope()
        loop = asyncio.get_running_loop()
        exc = await caught_in(scope, lambda: loop.call_soon(scope.cancel, "from a callback"))
        assert str(exc) == f"Cancelled via cancel scope {id(scope):x}; reason: from a callback"

    async def test_deadline(self) -> None:
        scope = CancelScope(deadline=current_time() + 0.01)
        exc = await caught_in(scope)
        assert str(exc) == f"Cancelled via cancel scope {id(scope):x}; reason: deadline exceeded"

    async def test_deadline_already_passed_on_entry(self) -> None:
        # The entering task finds the deadline passed, but no task called cancel().
        scope = CancelScope(deadline=current_time() - 1)
        exc = await caught_in(scope)
        assert str(exc) == f"Cancelled via cancel scope {id(scope):x}; reason: deadline exceeded"

    async def test_task_group_passes_an_outer_reason_on(self) -> None:
        # The host's own cancellation, coming out of a task group, keeps the message.
        caught: list[BaseException] = []
        with CancelScope() as outer:
            try:
                async with create_task_group() as tg:
                    tg.start_soon(sleep_forever)
                    await wait_all_tasks_blocked()
                    outer.cancel("enough")
                    await checkpoint()
            except get_cancelled_exc_class() as exc:
                caught.append(exc)
                raise
        assert str(caught[0]).endswith("; reason: enough")
        assert str(caught[0]).startswith(f"Cancelled via cancel scope {id(outer):x} by ")


class TestTrioReason:
    @pytest.fixture(autouse=True)
    def _trio_only(self, anyio_backend_name: str) -> None:
        if anyio_backend_name != "trio":
            pytest.skip("Trio's Cancelled carries the reason")

    async def test_reason_reaches_trio(self) -> None:
        import trio

        scope = CancelScope()
        exc = await caught_in(scope, lambda: scope.cancel("shutting down"))
        assert isinstance(exc, trio.Cancelled)
        if not hasattr(exc, "reason"):  # pragma: no cover - a Trio without reasons
            pytest.skip("this Trio has no cancel reasons")
        assert exc.reason == "shutting down"

    async def test_deadline_is_trios_own(self) -> None:
        scope = CancelScope(deadline=current_time() + 0.01)
        exc = await caught_in(scope)
        if not hasattr(exc, "source"):  # pragma: no cover - a Trio without reasons
            pytest.skip("this Trio has no cancel reasons")
        assert exc.source == "deadline"


class TestEveryBackend:
    @pytest.mark.parametrize(
        ("args", "kwargs"), [((), {}), (("why",), {}), ((), {"reason": "why"}), ((None,), {})]
    )
    async def test_reason_is_optional(
        self, args: tuple[str | None], kwargs: dict[str, str]
    ) -> None:
        scope = CancelScope()
        await caught_in(scope, lambda: scope.cancel(*args, **kwargs))

    async def test_second_reason_is_ignored(self) -> None:
        # cancel() is idempotent: the first call's reason stays.
        scope = CancelScope()

        def cancel_twice() -> None:
            scope.cancel("first")
            scope.cancel("second")

        exc = await caught_in(scope, cancel_twice)
        assert "second" not in repr(exc)
        assert "first" in repr(exc)

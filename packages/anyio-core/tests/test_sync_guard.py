"""`ResourceGuard` (``_core/_sync/_guard.py``)."""

from __future__ import annotations

import pytest

from anyio import BusyResourceError, Event, ResourceGuard

from ._sync_helpers import exactly, start_in_order, task_group

pytestmark = pytest.mark.anyio


class TestResourceGuard:
    def test_default_action(self) -> None:
        guard = ResourceGuard()
        assert guard.action == "using"
        with guard, pytest.raises(BusyResourceError) as exc_info, guard:
            pass
        assert str(exc_info.value) == "Another task is already using this resource"

    def test_action_in_message(self) -> None:
        guard = ResourceGuard("reading from")
        with (
            guard,
            pytest.raises(
                BusyResourceError,
                match=exactly("Another task is already reading from this resource"),
            ),
        ):
            guard.__enter__()

    def test_reusable_after_exit_and_after_an_error(self) -> None:
        guard = ResourceGuard()
        with guard:
            pass
        with pytest.raises(ZeroDivisionError), guard:
            1 / 0  # noqa: B018
        with guard:
            pass

    async def test_concurrent_tasks(self) -> None:
        guard = ResourceGuard("writing to")
        event = Event()
        errors: list[str] = []

        async def use() -> None:
            with guard:
                await event.wait()

        async def intrude() -> None:
            try:
                with guard:
                    pass
            except BusyResourceError as exc:
                errors.append(str(exc))

        async with task_group() as tg:
            await start_in_order(tg, use)
            await start_in_order(tg, intrude)
            event.set()
        assert errors == ["Another task is already writing to this resource"]

    def test_repr(self) -> None:
        assert repr(ResourceGuard()) == "<ResourceGuard action='using' in_use=False>"

"""Cancel scopes, `move_on_after`, `fail_after` and `current_effective_deadline`.

Every test runs on each backend variant; the asyncio backend must give Trio's
level-triggered semantics (every checkpoint inside a cancelled scope raises
until the scope is left). Asyncio-native interplay is in
``test_asyncio_native.py``.
"""

# Scopes without an await inside, try/except in loops and several statements in
# pytest.raises() blocks are what these tests exercise:
# ruff: noqa: ASYNC100, PERF203, PT012

from __future__ import annotations

import math
import sys
from contextlib import suppress

import pytest

from anyio import (
    CancelScope,
    create_task_group,
    current_effective_deadline,
    current_time,
    fail_after,
    fail_at,
    get_cancelled_exc_class,
    move_on_after,
    move_on_at,
    sleep,
    sleep_forever,
    wait_all_tasks_blocked,
)
from anyio.lowlevel import checkpoint

if sys.version_info < (3, 11):
    from exceptiongroup import BaseExceptionGroup, ExceptionGroup

pytestmark = pytest.mark.anyio

# A guard for tests that would hang if cancellation were not delivered.
GUARD = 5


class TestBasics:
    async def test_defaults(self) -> None:
        scope = CancelScope()
        assert isinstance(scope, CancelScope)
        assert scope.deadline == math.inf
        assert scope.shield is False
        assert scope.cancel_called is False
        assert scope.cancelled_caught is False

    async def test_arguments_are_keyword_only(self) -> None:
        scope = CancelScope(deadline=12.5, shield=True)
        assert scope.deadline == 12.5
        assert scope.shield is True
        with pytest.raises(TypeError):
            CancelScope(1)  # type: ignore[misc]

    async def test_enter_returns_the_scope(self) -> None:
        scope = CancelScope()
        with scope as entered:
            assert entered is scope

    async def test_uncancelled_scope_leaves_normally(self) -> None:
        with CancelScope() as scope:
            await checkpoint()
        assert not scope.cancel_called
        assert not scope.cancelled_caught

    async def test_cancel_stops_the_block_at_the_next_checkpoint(self) -> None:
        reached = []
        with CancelScope() as scope:
            scope.cancel()
            reached.append("before checkpoint")
            await checkpoint()
            reached.append("after checkpoint")
        assert reached == ["before checkpoint"]
        assert scope.cancel_called
        assert scope.cancelled_caught

    async def test_cancel_is_idempotent(self) -> None:
        with CancelScope() as scope:
            scope.cancel()
            scope.cancel()
            await checkpoint()
        scope.cancel()
        assert scope.cancelled_caught

    async def test_cancel_with_a_reason(self) -> None:
        with CancelScope() as scope:
            scope.cancel("shutting down")
            await checkpoint()
        assert scope.cancelled_caught

    async def test_cancelled_without_checkpoint_leaves_normally(self) -> None:
        reached = []
        with CancelScope() as scope:
            scope.cancel()
            reached.append("body")
        assert reached == ["body"]
        assert scope.cancel_called
        assert not scope.cancelled_caught
        # Nothing of the cancellation leaks out of the scope.
        await checkpoint()
        await sleep(0.001)
        reached.append("after")
        assert reached == ["body", "after"]

    async def test_cancelled_before_entering(self) -> None:
        scope = CancelScope()
        scope.cancel()
        assert scope.cancel_called
        reached = []
        with scope:
            reached.append("body")
            await checkpoint()
            reached.append("after checkpoint")
        assert reached == ["body"]
        assert scope.cancelled_caught

    async def test_other_exceptions_pass_through(self) -> None:
        with pytest.raises(ValueError, match="boom"), CancelScope() as scope:
            scope.cancel()
            raise ValueError("boom")
        assert not scope.cancelled_caught

    async def test_exception_raised_while_handling_cancellation(self) -> None:
        with pytest.raises(ValueError, match="cleanup failed"), CancelScope() as scope:
            scope.cancel()
            try:
                await checkpoint()
            finally:
                raise ValueError("cleanup failed")
        assert not scope.cancelled_caught

    async def test_cancel_after_exit_is_harmless(self) -> None:
        with CancelScope() as scope:
            pass
        scope.cancel()
        assert scope.cancel_called
        assert not scope.cancelled_caught
        await checkpoint()


class TestLevelTriggered:
    async def test_every_checkpoint_raises_until_the_scope_is_left(self) -> None:
        cancelled = get_cancelled_exc_class()
        caught = 0
        with fail_after(GUARD), CancelScope() as scope:
            scope.cancel()
            for _ in range(3):
                try:
                    await checkpoint()
                except cancelled:
                    caught += 1
            try:
                await sleep(1)
            except cancelled:
                caught += 1
            try:
                await sleep_forever()
            except cancelled:
                caught += 1
            await sleep_forever()
        assert caught == 5
        assert scope.cancelled_caught

    async def test_await_in_finally_raises_again(self) -> None:
        cancelled = get_cancelled_exc_class()
        log = []
        with fail_after(GUARD), CancelScope() as scope:
            try:
                scope.cancel()
                await sleep_forever()
            finally:
                with pytest.raises(cancelled):
                    await checkpoint()
                log.append("finally done")
        assert log == ["finally done"]
        assert scope.cancelled_caught

    async def test_task_that_swallows_cancellation_is_cancelled_again(self) -> None:
        cancelled = get_cancelled_exc_class()
        caught = 0

        async def stubborn() -> None:
            nonlocal caught
            for _ in range(3):
                try:
                    await sleep_forever()
                except cancelled:
                    caught += 1

        with fail_after(GUARD):
            async with create_task_group() as tg:
                tg.start_soon(stubborn)
                await wait_all_tasks_blocked()
                tg.cancel_scope.cancel()
        assert caught == 3

    async def test_cancellation_from_another_task_reaches_a_blocked_task(self) -> None:
        child_scope: CancelScope | None = None

        async def child() -> None:
            nonlocal child_scope
            with CancelScope() as child_scope:
                await sleep_forever()

        with fail_after(GUARD):
            async with create_task_group() as tg:
                tg.start_soon(child)
                await wait_all_tasks_blocked()
                assert child_scope is not None
                child_scope.cancel()
        assert child_scope.cancelled_caught
        assert not tg.cancel_scope.cancel_called


class TestDeadline:
    async def test_deadline_fires_while_blocked(self) -> None:
        with fail_after(GUARD), CancelScope(deadline=current_time() + 0.01) as scope:
            await sleep_forever()
        assert scope.cancel_called
        assert scope.cancelled_caught

    async def test_deadline_in_the_past(self) -> None:
        reached = []
        with CancelScope(deadline=current_time() - 1) as scope:
            await checkpoint()
            reached.append("after")
        assert not reached
        assert scope.cancelled_caught

    async def test_deadline_set_before_entering(self) -> None:
        scope = CancelScope()
        scope.deadline = current_time() + 0.01
        with fail_after(GUARD), scope:
            await sleep_forever()
        assert scope.cancelled_caught

    async def test_deadline_is_readable_and_settable_while_active(self) -> None:
        with CancelScope() as scope:
            scope.deadline = 1e9
            assert scope.deadline == 1e9
            scope.deadline = math.inf
            assert scope.deadline == math.inf
        assert not scope.cancel_called

    async def test_moving_the_deadline_earlier_fires_it(self) -> None:
        with fail_after(GUARD), CancelScope() as scope:
            await checkpoint()
            scope.deadline = current_time() + 0.01
            await sleep_forever()
        assert scope.cancelled_caught

    async def test_moving_the_deadline_into_the_past_while_blocked(self) -> None:
        scope = CancelScope()

        async def child() -> None:
            with scope:
                await sleep_forever()

        with fail_after(GUARD):
            async with create_task_group() as tg:
                tg.start_soon(child)
                await wait_all_tasks_blocked()
                scope.deadline = current_time() - 1
        assert scope.cancelled_caught

    async def test_moving_the_deadline_later_postpones_it(self) -> None:
        with CancelScope(deadline=current_time() + 0.01) as scope:
            scope.deadline = current_time() + GUARD
            # Long past the original deadline.
            await sleep(0.05)
            scope.deadline = math.inf
            await sleep(0.001)
        assert not scope.cancel_called
        assert not scope.cancelled_caught

    async def test_deadline_of_an_exited_scope_does_not_fire(self) -> None:
        with CancelScope(deadline=current_time() + 0.01) as scope:
            pass
        await sleep(0.03)
        assert not scope.cancelled_caught


class TestShield:
    async def test_shield_protects_from_outer_cancellation(self) -> None:
        reached = []
        with CancelScope() as outer:
            with CancelScope(shield=True) as inner:
                outer.cancel()
                await checkpoint()
                await sleep(0.001)
                reached.append("shielded")
            await checkpoint()
            reached.append("unshielded")
        assert reached == ["shielded"]
        assert outer.cancelled_caught
        assert not inner.cancel_called
        assert not inner.cancelled_caught

    async def test_shield_is_readable_and_settable_while_active(self) -> None:
        cancelled = get_cancelled_exc_class()
        with CancelScope() as outer:
            with CancelScope() as inner:
                inner.shield = True
                assert inner.shield is True
                outer.cancel()
                await checkpoint()  # protected
                inner.shield = False
                assert inner.shield is False
                with pytest.raises(cancelled):
                    await checkpoint()
                inner.shield = True
                await checkpoint()  # protected again
                inner.shield = False
                await checkpoint()
                pytest.fail("not cancelled after the shield was lowered")
        assert outer.cancelled_caught
        assert not inner.cancelled_caught

    async def test_unshielding_wakes_a_blocked_task(self) -> None:
        # The deadline ends the shielded wait even if unshielding does nothing.
        inner = CancelScope(shield=True, deadline=current_time() + GUARD)
        state = []

        async def child() -> None:
            with inner:
                state.append("waiting")
                await sleep_forever()

        async with create_task_group() as tg:
            tg.start_soon(child)
            await wait_all_tasks_blocked()
            tg.cancel_scope.cancel()
            with CancelScope(shield=True):
                await wait_all_tasks_blocked()
                assert state == ["waiting"]
                inner.shield = False
        assert not inner.cancel_called  # woken by the group's cancellation
        assert tg.cancel_scope.cancelled_caught

    async def test_shielded_scope_can_cancel_itself(self) -> None:
        with CancelScope() as outer, CancelScope(shield=True) as inner:
            inner.cancel()
            await checkpoint()
            pytest.fail("shielded scope not cancelled")
        assert inner.cancelled_caught
        assert not outer.cancel_called

    async def test_shield_protects_a_child_of_a_cancelled_group(self) -> None:
        done = []

        async def child() -> None:
            with CancelScope(shield=True):
                await wait_all_tasks_blocked()
                await sleep(0.01)
                done.append("cleanup")
            await sleep_forever()

        with fail_after(GUARD):
            async with create_task_group() as tg:
                tg.start_soon(child)
                tg.cancel_scope.cancel()
        assert done == ["cleanup"]

    async def test_shielded_and_outer_both_cancelled(self) -> None:
        reached = []
        with CancelScope() as outer:
            with CancelScope(shield=True) as inner:
                outer.cancel()
                inner.cancel()
                await checkpoint()
            reached.append("between")
            await checkpoint()
            reached.append("after")
        # The shield hides the outer cancellation, so the inner scope owns the
        # first one; the outer cancellation strikes right after.
        assert reached == ["between"]
        assert inner.cancelled_caught
        assert outer.cancelled_caught


class TestNesting:
    async def test_cancelling_the_inner_scope_leaves_the_outer_running(self) -> None:
        reached = []
        with CancelScope() as outer:
            with CancelScope() as inner:
                inner.cancel()
                await checkpoint()
            reached.append("outer continues")
            await checkpoint()
        assert reached == ["outer continues"]
        assert inner.cancelled_caught
        assert not outer.cancel_called

    async def test_cancelling_the_outer_scope_cancels_the_inner(self) -> None:
        reached = []
        with CancelScope() as outer:
            with CancelScope() as inner:
                outer.cancel()
                await checkpoint()
                reached.append("inner")
            reached.append("outer")
        assert reached == []
        assert not inner.cancel_called
        assert not inner.cancelled_caught
        assert outer.cancelled_caught

    async def test_both_cancelled_the_outer_catches(self) -> None:
        with CancelScope() as outer:
            with CancelScope() as inner:
                inner.cancel()
                outer.cancel()
                await checkpoint()
            pytest.fail("the inner scope swallowed the outer cancellation")
        assert inner.cancel_called
        assert not inner.cancelled_caught
        assert outer.cancelled_caught

    async def test_deeply_nested(self) -> None:
        with CancelScope() as outer:
            scopes = [CancelScope() for _ in range(20)]
            for scope in scopes:
                scope.__enter__()
            outer.cancel()
            try:
                await checkpoint()
            finally:
                for scope in reversed(scopes):
                    with suppress(get_cancelled_exc_class()):
                        scope.__exit__(None, None, None)
        assert outer.cancelled_caught

    async def test_scope_around_a_task_group_cancels_its_children(self) -> None:
        cancelled = []

        async def child() -> None:
            try:
                await sleep_forever()
            finally:
                cancelled.append("child")

        with fail_after(GUARD), CancelScope() as scope:
            async with create_task_group() as tg:
                tg.start_soon(child)
                tg.start_soon(child)
                await wait_all_tasks_blocked()
                scope.cancel()
        assert cancelled == ["child", "child"]
        assert scope.cancelled_caught


def leaf_types(exc: BaseException) -> list[type[BaseException]]:
    if isinstance(exc, BaseExceptionGroup):
        return [kind for inner in exc.exceptions for kind in leaf_types(inner)]
    return [type(exc)]


async def cancelled_inside(scope: CancelScope) -> BaseException:
    """Cancel ``scope`` (entered by the caller) and return the cancellation it delivers."""
    scope.cancel()
    try:
        await checkpoint()
    except BaseException as exc:  # the cancellation is the result
        return exc
    pytest.fail("the checkpoint in a cancelled scope did not raise")


class TestExceptionGroups:
    """A scope takes its own cancellations out of an exception group raised in it."""

    async def test_removes_its_cancellation_at_any_depth(self) -> None:
        cause, context = KeyError("cause"), LookupError("context")
        with pytest.raises(BaseExceptionGroup) as exc_info:
            with CancelScope() as scope:
                cancellation = await cancelled_inside(scope)
                group = BaseExceptionGroup(
                    "mixed",
                    [ValueError("real"), BaseExceptionGroup("nested", [cancellation])],
                )
                # Raised outside an except block, so the context stays ours.
                group.__context__ = context
                raise group from cause
        assert leaf_types(exc_info.value) == [ValueError]
        assert exc_info.value.__cause__ is cause
        assert exc_info.value.__context__ is context
        assert scope.cancelled_caught

    async def test_group_of_nothing_but_its_cancellations_is_swallowed(self) -> None:
        with CancelScope() as scope:
            cancellation = await cancelled_inside(scope)
            raise BaseExceptionGroup("only", [BaseExceptionGroup("nested", [cancellation])])
        assert scope.cancelled_caught

    async def test_collected_in_an_except_block(self) -> None:
        # The scenario of the issue: collect the cancellation with a real error.
        errors: list[BaseException] = []
        with pytest.raises(BaseExceptionGroup) as exc_info:
            with CancelScope() as scope:
                scope.cancel()
                try:
                    await checkpoint()
                except BaseException as exc:
                    errors.append(exc)
                errors.append(RuntimeError("cleanup failed"))
                raise BaseExceptionGroup("collected", errors)
        assert leaf_types(exc_info.value) == [RuntimeError]
        assert scope.cancelled_caught

    async def test_group_without_its_cancellation_passes_unchanged(self) -> None:
        group = ExceptionGroup("plain", [ValueError("real")])
        with pytest.raises(ExceptionGroup) as exc_info, CancelScope() as scope:
            scope.cancel()
            raise group
        assert leaf_types(exc_info.value) == [ValueError]
        assert exc_info.value.message == "plain"
        assert not scope.cancelled_caught


class TestMisuse:
    async def test_entering_twice(self) -> None:
        scope = CancelScope()
        with scope:
            pass
        with pytest.raises(RuntimeError), scope:
            pass

    async def test_entering_while_active(self) -> None:
        scope = CancelScope()
        with scope:
            with pytest.raises(RuntimeError):
                scope.__enter__()
            await checkpoint()
        assert not scope.cancelled_caught

    async def test_exiting_a_scope_never_entered(self) -> None:
        with pytest.raises(RuntimeError):
            CancelScope().__exit__(None, None, None)

    async def test_exiting_in_another_task(self) -> None:
        errors: list[BaseException] = []

        async def intruder(scope: CancelScope) -> None:
            try:
                scope.__exit__(None, None, None)
            except RuntimeError as exc:
                errors.append(exc)

        async with create_task_group() as tg:
            with CancelScope() as scope:
                tg.start_soon(intruder, scope)
                await wait_all_tasks_blocked()
                await checkpoint()
            assert len(errors) == 1
        # AnyIO's exact wording, which users' tests match: nothing after it.
        assert str(errors[0]) == (
            "Attempted to exit cancel scope in a different task than it was entered in"
        )
        # The scope still works for its own task.
        with CancelScope() as again:
            again.cancel()
            await checkpoint()
        assert again.cancelled_caught

    async def test_exiting_out_of_order(self) -> None:
        outer = CancelScope()
        inner = CancelScope()
        outer.__enter__()
        inner.__enter__()
        try:
            with pytest.raises(RuntimeError):
                outer.__exit__(None, None, None)
        finally:
            # Trio considers the stack repaired once the outer scope is gone.
            inner.__exit__(None, None, None)
            with suppress(RuntimeError):
                outer.__exit__(None, None, None)

    async def test_exit_twice(self) -> None:
        scope = CancelScope()
        with scope:
            pass
        with pytest.raises(RuntimeError):
            scope.__exit__(None, None, None)


class TestMoveOnAfter:
    async def test_times_out_silently(self) -> None:
        reached = []
        with fail_after(GUARD), move_on_after(0.01) as scope:
            await sleep_forever()
        reached.append("after")
        assert reached == ["after"]
        assert scope.cancel_called
        assert scope.cancelled_caught

    async def test_finishing_in_time(self) -> None:
        with move_on_after(GUARD) as scope:
            await checkpoint()
        assert not scope.cancel_called
        assert not scope.cancelled_caught

    async def test_deadline_is_computed_when_called(self) -> None:
        before = current_time()
        scope = move_on_after(10)
        after = current_time()
        assert before + 10 <= scope.deadline <= after + 10
        deadline = scope.deadline
        await sleep(0.01)
        with scope:
            assert scope.deadline == deadline

    async def test_none_means_no_deadline(self) -> None:
        with move_on_after(None) as scope:
            assert scope.deadline == math.inf
            await sleep(0.001)
        assert not scope.cancel_called

    async def test_negative_delay_cancels_at_once(self) -> None:
        with move_on_after(-1) as scope:
            await checkpoint()
            pytest.fail("not cancelled")
        assert scope.cancelled_caught

    async def test_shield(self) -> None:
        reached = []
        with CancelScope() as outer:
            outer.cancel()
            with move_on_after(GUARD, shield=True) as scope:
                assert scope.shield
                await checkpoint()
                reached.append("shielded")
        assert reached == ["shielded"]
        assert not scope.cancelled_caught

    async def test_deadline_can_be_changed(self) -> None:
        with fail_after(GUARD), move_on_after(GUARD) as scope:
            scope.deadline = current_time() + 0.01
            await sleep_forever()
        assert scope.cancelled_caught


class TestFailAfter:
    async def test_raises_builtin_timeout_error(self) -> None:
        with pytest.raises(TimeoutError) as exc_info, fail_after(0.01) as scope:
            await sleep_forever()
        assert type(exc_info.value) is TimeoutError
        assert scope.cancel_called

    async def test_finishing_in_time(self) -> None:
        with fail_after(GUARD) as scope:
            await checkpoint()
        assert not scope.cancel_called

    async def test_deadline_is_computed_on_entry(self) -> None:
        manager = fail_after(10)
        await sleep(0.02)
        before = current_time()
        with manager as scope:
            after = current_time()
            assert before + 10 <= scope.deadline <= after + 10

    async def test_none_means_no_deadline(self) -> None:
        with fail_after(None) as scope:
            assert scope.deadline == math.inf
            await sleep(0.001)
        assert not scope.cancel_called

    async def test_explicit_cancel_is_not_a_timeout(self) -> None:
        reached = []
        with fail_after(GUARD) as scope:
            scope.cancel()
            await checkpoint()
            reached.append("not reached")
        assert reached == []
        assert scope.cancelled_caught

    async def test_outer_deadline_is_not_a_timeout_of_the_inner_scope(self) -> None:
        with move_on_after(0.01) as outer, fail_after(GUARD) as inner:
            await sleep_forever()
        assert outer.cancelled_caught
        assert not inner.cancel_called

    async def test_outer_cancel_is_not_a_timeout(self) -> None:
        with CancelScope() as outer, fail_after(GUARD):
            outer.cancel()
            await checkpoint()
        assert outer.cancelled_caught

    async def test_shielded_fail_after_still_times_out(self) -> None:
        with CancelScope() as outer:
            outer.cancel()
            with pytest.raises(TimeoutError), fail_after(0.01, shield=True) as scope:
                assert scope.shield
                await sleep_forever()
        assert not outer.cancelled_caught

    async def test_other_exceptions_are_not_converted(self) -> None:
        with pytest.raises(ValueError, match="boom"), fail_after(GUARD):
            await checkpoint()
            raise ValueError("boom")

    async def test_timeout_in_a_child_task(self) -> None:
        async def child() -> None:
            with fail_after(0.01):
                await sleep_forever()

        with pytest.raises(BaseExceptionGroup) as exc_info:
            async with create_task_group() as tg:
                tg.start_soon(child)
        assert [type(exc) for exc in exc_info.value.exceptions] == [TimeoutError]


class TestFailAfterReason:
    async def test_reason_is_the_timeout_message(self) -> None:
        with pytest.raises(TimeoutError) as exc_info, fail_after(0.01, reason="no reply"):
            await sleep_forever()
        assert exc_info.value.args == ("no reply",)

    async def test_no_reason_no_message(self) -> None:
        with pytest.raises(TimeoutError) as exc_info, fail_after(0.01):
            await sleep_forever()
        assert exc_info.value.args == ()

    async def test_reason_is_keyword_or_third_positional(self) -> None:
        with pytest.raises(TimeoutError) as exc_info, fail_after(0.01, False, "late"):
            await sleep_forever()
        assert exc_info.value.args == ("late",)


class TestMoveOnAt:
    async def test_times_out_silently_at_the_deadline(self) -> None:
        deadline = current_time() + 0.01
        with fail_after(GUARD), move_on_at(deadline) as scope:
            assert scope.deadline == deadline
            await sleep_forever()
        assert scope.cancelled_caught
        assert scope.cancel_called

    async def test_none_means_no_deadline(self) -> None:
        with move_on_at(None) as scope:
            await checkpoint()
        assert scope.deadline == math.inf
        assert not scope.cancel_called

    async def test_deadline_in_the_past_cancels_at_once(self) -> None:
        with move_on_at(current_time() - 1) as scope:
            await checkpoint()
            pytest.fail("not cancelled")
        assert scope.cancelled_caught

    async def test_shield(self) -> None:
        with CancelScope() as outer:
            outer.cancel()
            with move_on_at(current_time() + GUARD, shield=True) as scope:
                assert scope.shield
                await checkpoint()
        assert not scope.cancel_called
        assert outer.cancelled_caught is False


class TestFailAt:
    async def test_raises_timeout_error_at_the_deadline(self) -> None:
        deadline = current_time() + 0.01
        with pytest.raises(TimeoutError) as exc_info, fail_at(deadline) as scope:
            assert scope.deadline == deadline
            await sleep_forever()
        assert type(exc_info.value) is TimeoutError
        assert exc_info.value.args == ()
        assert scope.cancel_called

    async def test_reason(self) -> None:
        with pytest.raises(TimeoutError) as exc_info, fail_at(current_time() - 1, reason="late"):
            await checkpoint()
        assert exc_info.value.args == ("late",)

    async def test_finishing_in_time(self) -> None:
        with fail_at(current_time() + GUARD) as scope:
            await checkpoint()
        assert not scope.cancel_called

    async def test_none_means_no_deadline(self) -> None:
        with fail_at(None) as scope:
            await checkpoint()
        assert scope.deadline == math.inf

    async def test_explicit_cancel_is_not_a_timeout(self) -> None:
        with fail_at(current_time() + GUARD) as scope:
            scope.cancel()
            await checkpoint()
        assert scope.cancelled_caught

    async def test_shielded(self) -> None:
        with CancelScope() as outer:
            outer.cancel()
            with pytest.raises(TimeoutError), fail_at(current_time() + 0.01, shield=True):
                await sleep_forever()


class TestNaNDeadline:
    """A NaN deadline raises ValueError on every backend (AnyIO 4.14+, anyio#1317)."""

    async def test_cancel_scope(self) -> None:
        with pytest.raises(ValueError, match=r"^deadline must not be NaN$"):
            CancelScope(deadline=math.nan)

    async def test_setting_the_deadline(self) -> None:
        with CancelScope() as scope:
            with pytest.raises(ValueError, match=r"^deadline must not be NaN$"):
                scope.deadline = math.nan
            assert scope.deadline == math.inf

    async def test_move_on_after_and_move_on_at(self) -> None:
        with pytest.raises(ValueError, match="NaN"):
            move_on_after(math.nan)
        with pytest.raises(ValueError, match="NaN"):
            move_on_at(math.nan)

    async def test_fail_after_does_not_silently_disable_the_timeout(self) -> None:
        reached = []
        with pytest.raises(ValueError, match="NaN"), fail_after(math.nan):
            reached.append("body")
        with pytest.raises(ValueError, match="NaN"), fail_at(math.nan):
            reached.append("body")
        assert reached == []


class TestCurrentEffectiveDeadline:
    async def test_no_deadline(self) -> None:
        assert current_effective_deadline() == math.inf

    async def test_nearest_of_nested_deadlines(self) -> None:
        now = current_time()
        with CancelScope(deadline=now + 100):
            assert current_effective_deadline() == now + 100
            with CancelScope(deadline=now + 50):
                assert current_effective_deadline() == now + 50
                with CancelScope(deadline=now + 200), CancelScope():
                    assert current_effective_deadline() == now + 50
            assert current_effective_deadline() == now + 100
        assert current_effective_deadline() == math.inf

    async def test_follows_deadline_changes(self) -> None:
        with CancelScope() as scope:
            scope.deadline = current_time() + 100
            assert current_effective_deadline() == scope.deadline

    async def test_minus_infinity_when_cancelled(self) -> None:
        with CancelScope() as outer:
            outer.cancel()
            assert current_effective_deadline() == -math.inf
            with CancelScope():
                assert current_effective_deadline() == -math.inf

    async def test_shield_hides_outer_deadlines(self) -> None:
        now = current_time()
        with CancelScope(deadline=now + 10) as outer:
            with CancelScope(shield=True):
                assert current_effective_deadline() == math.inf
            with CancelScope(deadline=now + 100, shield=True):
                assert current_effective_deadline() == now + 100
            outer.cancel()
            with CancelScope(shield=True):
                assert current_effective_deadline() == math.inf

    async def test_child_task_sees_the_deadline_around_its_group(self) -> None:
        seen = []

        async def child() -> None:
            seen.append(current_effective_deadline())

        with CancelScope(deadline=current_time() + 100) as scope:
            async with create_task_group() as tg:
                tg.start_soon(child)
        assert seen == [scope.deadline]

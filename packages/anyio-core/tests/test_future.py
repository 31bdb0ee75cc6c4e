"""`anyio.Future` (``_core/_future.py``) and its exceptions."""

from __future__ import annotations

import gc
import inspect
import weakref

import pytest

import anyio
from anyio import (
    CancelScope,
    Future,
    FutureAlreadyFinished,
    FutureCancelled,
    FutureFailed,
    FutureNotFinished,
    create_task_group,
    fail_after,
    get_cancelled_exc_class,
    wait_all_tasks_blocked,
)

pytestmark = pytest.mark.anyio


def finished(value: object = 1) -> Future[object]:
    future: Future[object] = Future()
    future.return_value = value
    return future


def failed(error: BaseException | None = None) -> Future[object]:
    future: Future[object] = Future()
    future.exception = error if error is not None else ValueError("boom")
    return future


def cancelled() -> Future[object]:
    future: Future[object] = Future()
    future.cancel()
    return future


SETTLED = {"finished": finished, "failed": failed, "cancelled": cancelled}


class TestHandOver:
    async def test_awaiters_get_the_value_assigned_later(self) -> None:
        future: Future[str] = Future()
        results: list[str] = []

        async def awaiter() -> None:
            results.append(await future)

        with fail_after(10):
            async with create_task_group() as tg:
                for _ in range(3):
                    tg.start_soon(awaiter)
                await wait_all_tasks_blocked()
                assert results == []
                assert future.status is Future.Status.PENDING
                future.return_value = "done"
        assert results == ["done"] * 3
        assert future.status is Future.Status.FINISHED
        assert future.return_value == "done"
        assert future.exception is None

    async def test_awaiting_a_failed_future_raises_future_failed_from_the_error(self) -> None:
        error = ValueError("boom")
        future = failed(error)
        with pytest.raises(FutureFailed, match="the future raised an exception") as exc_info:
            await future
        assert type(exc_info.value) is FutureFailed
        assert exc_info.value.__cause__ is error
        assert future.status is Future.Status.FAILED
        assert future.exception is error

    async def test_return_value_of_a_failed_future_raises_future_failed(self) -> None:
        error = KeyError("key")
        with pytest.raises(FutureFailed) as exc_info:
            failed(error).return_value  # noqa: B018
        assert exc_info.value.__cause__ is error

    async def test_awaiting_a_cancelled_future_raises_future_cancelled(self) -> None:
        future: Future[int] = Future()

        async def cancel_soon() -> None:
            await wait_all_tasks_blocked()
            future.cancel()

        with fail_after(10):
            async with create_task_group() as tg:
                tg.start_soon(cancel_soon)
                with pytest.raises(FutureCancelled, match="the future was cancelled"):
                    await future
        assert issubclass(FutureCancelled, FutureFailed)
        assert future.status is Future.Status.CANCELLED
        with pytest.raises(FutureCancelled, match="the future was cancelled"):
            future.exception  # noqa: B018
        with pytest.raises(FutureCancelled):
            future.return_value  # noqa: B018

    @pytest.mark.parametrize("outcome", SETTLED)
    async def test_wait_returns_whatever_the_outcome(self, outcome: str) -> None:
        future = SETTLED[outcome]()
        with fail_after(10):
            await future.wait()
        assert future.status is not Future.Status.PENDING

    async def test_wait_is_a_checkpoint_on_a_settled_future(self) -> None:
        with CancelScope() as scope:
            scope.cancel()
            with pytest.raises(get_cancelled_exc_class()):
                await finished().wait()

    async def test_a_cancelled_awaiter_leaves_the_future_pending(self) -> None:
        future: Future[int] = Future()
        with fail_after(10):
            async with create_task_group() as tg:
                tg.start_soon(future.wait)
                await wait_all_tasks_blocked()
                tg.cancel_scope.cancel()
        assert future.status is Future.Status.PENDING
        future.return_value = 5
        assert await future == 5

    async def test_set_from_another_thread(self) -> None:
        from anyio import to_thread

        future: Future[int] = Future()

        def produce() -> None:
            future.return_value = 7

        with fail_after(10):
            async with create_task_group() as tg:
                tg.start_soon(to_thread.run_sync, produce)
                assert await future == 7


class TestMisuse:
    def test_reading_a_pending_future_raises_not_finished(self) -> None:
        future: Future[int] = Future()
        with pytest.raises(FutureNotFinished, match="the future has not finished yet"):
            future.return_value  # noqa: B018
        with pytest.raises(FutureNotFinished, match="the future has not finished yet"):
            future.exception  # noqa: B018

    @pytest.mark.parametrize("outcome", ["finished", "failed"])
    @pytest.mark.parametrize("action", ["return_value", "exception"])
    def test_settling_twice_raises_already_finished(self, outcome: str, action: str) -> None:
        future = SETTLED[outcome]()
        status = future.status
        with pytest.raises(FutureAlreadyFinished, match="the future has already finished"):
            setattr(future, action, RuntimeError("again"))
        assert future.status is status

    @pytest.mark.parametrize("action", ["return_value", "exception"])
    def test_settling_a_cancelled_future_raises_future_cancelled(self, action: str) -> None:
        # The producer learns that nobody wants the outcome any more (as in AnyIO).
        future = cancelled()
        with pytest.raises(FutureCancelled, match="the future was cancelled"):
            setattr(future, action, RuntimeError("late"))
        assert future.status is Future.Status.CANCELLED

    @pytest.mark.parametrize("outcome", SETTLED)
    def test_cancel_leaves_a_settled_future_alone(self, outcome: str) -> None:
        future = SETTLED[outcome]()
        status = future.status
        future.cancel()
        assert future.status is status

    @pytest.mark.parametrize("value", [ValueError, "error", None])
    def test_exception_must_be_an_instance(self, value: object) -> None:
        future: Future[int] = Future()
        with pytest.raises(TypeError, match="must be an exception instance"):
            future.exception = value  # type: ignore[assignment]
        assert future.status is Future.Status.PENDING


class TestShape:
    def test_cancel_takes_no_argument(self) -> None:
        assert list(inspect.signature(Future.cancel).parameters) == ["self"]

    def test_no_done_callbacks(self) -> None:
        assert not hasattr(Future(), "add_done_callback")

    def test_created_and_settled_outside_an_event_loop(self) -> None:
        future = finished("value")
        assert future.return_value == "value"

    def test_repr_shows_status_and_name(self) -> None:
        # AnyIO's layout: the status (lower case) first, then the name if any.
        future: Future[int] = Future(name="answer")
        assert repr(future) == "<Future pending name='answer'>"
        future.cancel()
        assert repr(future) == "<Future cancelled name='answer'>"
        assert repr(Future()) == "<Future pending>"
        assert repr(finished()) == "<Future finished>"
        assert repr(failed()) == "<Future failed>"

    def test_public_names(self) -> None:
        assert Future.__module__ == "anyio"
        for error in (FutureAlreadyFinished, FutureCancelled, FutureFailed, FutureNotFinished):
            assert error.__module__ == "anyio"
            assert getattr(anyio, error.__name__) is error
        assert {status.name for status in Future.Status} == {
            "PENDING",
            "FINISHED",
            "FAILED",
            "CANCELLED",
        }

    def test_generic(self) -> None:
        assert Future[int] is not Future

    def test_weak_references_and_no_cycles(self) -> None:
        gc.collect()
        gc.disable()
        try:
            future = failed()
            ref = weakref.ref(future)
            del future
            assert ref() is None  # freed by reference counting alone
        finally:
            gc.enable()

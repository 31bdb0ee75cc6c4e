"""`ContextManagerMixin` and `AsyncContextManagerMixin`."""

from __future__ import annotations

import gc
import sys
import weakref
from contextlib import (
    AbstractAsyncContextManager,
    AbstractContextManager,
    asynccontextmanager,
    contextmanager,
    nullcontext,
)
from typing import TYPE_CHECKING, Any

import pytest

import anyio
from anyio import (
    AsyncContextManagerMixin,
    ContextManagerMixin,
    create_task_group,
    wait_all_tasks_blocked,
)

if TYPE_CHECKING:
    from collections.abc import AsyncGenerator, Generator


class Tracked(ContextManagerMixin):
    def __init__(self) -> None:
        self.log: list[str] = []

    @contextmanager
    def __contextmanager__(self) -> Generator[Tracked]:
        self.log.append("enter")
        try:
            yield self
        except LookupError:
            self.log.append("handled")
        finally:
            self.log.append("exit")


class Child(Tracked):
    @contextmanager
    def __contextmanager__(self) -> Generator[Child]:
        self.log.append("child enter")
        with super().__contextmanager__():
            yield self
        self.log.append("child exit")


class AsyncTracked(AsyncContextManagerMixin):
    def __init__(self) -> None:
        self.log: list[str] = []

    @asynccontextmanager
    async def __asynccontextmanager__(self) -> AsyncGenerator[AsyncTracked]:
        self.log.append("enter")
        await anyio.lowlevel.checkpoint()
        try:
            yield self
        except LookupError:
            self.log.append("handled")
        finally:
            self.log.append("exit")


class AsyncChild(AsyncTracked):
    @asynccontextmanager
    async def __asynccontextmanager__(self) -> AsyncGenerator[AsyncChild]:
        self.log.append("child enter")
        async with super().__asynccontextmanager__():
            yield self
        self.log.append("child exit")


def sync_returning(value: Any) -> ContextManagerMixin:
    class Bad(ContextManagerMixin):
        def __contextmanager__(self) -> Any:
            return self if value == "self" else value

    return Bad()


def async_returning(value: Any) -> AsyncContextManagerMixin:
    class Bad(AsyncContextManagerMixin):
        def __asynccontextmanager__(self) -> Any:
            return self if value == "self" else value

    return Bad()


class TestContextManagerMixin:
    def test_enter_and_exit(self) -> None:
        obj = Tracked()
        with obj as value:
            assert value is obj
            assert obj.log == ["enter"]
        assert obj.log == ["enter", "exit"]

    def test_exception_reaches_the_generator(self) -> None:
        obj = Tracked()
        with obj:
            raise KeyError("swallowed by the generator")
        assert obj.log == ["enter", "handled", "exit"]

    def test_unhandled_exception_propagates(self) -> None:
        obj = Tracked()
        with pytest.raises(ZeroDivisionError), obj:
            1 / 0  # noqa: B018
        assert obj.log == ["enter", "exit"]

    def test_not_reentrant(self) -> None:
        obj = Tracked()
        with obj, pytest.raises(RuntimeError, match="has already been entered"), obj:
            pass
        assert obj.log == ["enter", "exit"]

    def test_entered_twice_message(self) -> None:
        # AnyIO's exact wording, which users' tests match: no advice after it.
        obj = Tracked()
        with obj, pytest.raises(RuntimeError) as exc_info, obj:
            pass
        assert str(exc_info.value) == "this Tracked has already been entered"

    def test_can_be_entered_again_after_exit(self) -> None:
        obj = Tracked()
        with obj:
            pass
        with obj:
            pass
        assert obj.log == ["enter", "exit", "enter", "exit"]

    def test_exit_without_enter(self) -> None:
        with pytest.raises(RuntimeError, match="has not been entered yet"):
            Tracked().__exit__(None, None, None)

    def test_subclass_extends_the_parent_context(self) -> None:
        obj = Child()
        with obj:
            pass
        assert obj.log == ["child enter", "enter", "exit", "child exit"]

    def test_generator_that_does_not_yield(self) -> None:
        class NoYield(ContextManagerMixin):
            @contextmanager
            def __contextmanager__(self) -> Generator[None]:
                if False:
                    yield

        obj = NoYield()
        with pytest.raises(RuntimeError, match="didn't yield"), obj:
            pass
        # The failed entry left nothing behind: the next attempt fails the same way.
        with pytest.raises(RuntimeError, match="didn't yield"), obj:
            pass

    def test_generator_that_yields_twice(self) -> None:
        class TwoYields(ContextManagerMixin):
            @contextmanager
            def __contextmanager__(self) -> Generator[None]:
                yield
                yield

        with pytest.raises(RuntimeError, match="didn't stop"), TwoYields():
            pass

    def test_failed_entry_can_be_retried(self) -> None:
        class Flaky(ContextManagerMixin):
            attempts = 0

            @contextmanager
            def __contextmanager__(self) -> Generator[int]:
                self.attempts += 1
                if self.attempts == 1:
                    raise OSError("first attempt fails")
                yield self.attempts

        obj = Flaky()
        with pytest.raises(OSError, match="first attempt"), obj:
            pass
        with obj as attempt:
            assert attempt == 2

    def test_missing_decorator(self) -> None:
        class Undecorated(ContextManagerMixin):
            def __contextmanager__(self) -> Any:
                yield self

        with pytest.raises(TypeError, match=r"generator object.*@contextmanager decorator"):
            Undecorated().__enter__()

    def test_returning_self(self) -> None:
        with pytest.raises(TypeError, match="returned self"):
            sync_returning("self").__enter__()

    def test_returning_a_non_context_manager(self) -> None:
        with pytest.raises(TypeError, match=r"did not return a context manager.*int"):
            sync_returning(42).__enter__()

    def test_any_context_manager_is_accepted(self) -> None:
        with sync_returning(nullcontext("value")) as value:
            assert value == "value"

    def test_no_reference_to_the_finished_context(self) -> None:
        obj = Tracked()
        with obj:
            pass
        assert vars(obj) == {"log": ["enter", "exit"]}

    def test_public_module(self) -> None:
        assert ContextManagerMixin.__module__ == "anyio"
        assert isinstance(Tracked(), AbstractContextManager)


class TestAsyncContextManagerMixin:
    @pytest.mark.anyio
    async def test_enter_and_exit(self) -> None:
        obj = AsyncTracked()
        async with obj as value:
            assert value is obj
            assert obj.log == ["enter"]
        assert obj.log == ["enter", "exit"]

    @pytest.mark.anyio
    async def test_exception_reaches_the_generator(self) -> None:
        obj = AsyncTracked()
        async with obj:
            raise KeyError("swallowed by the generator")
        assert obj.log == ["enter", "handled", "exit"]

    @pytest.mark.anyio
    async def test_unhandled_exception_propagates(self) -> None:
        obj = AsyncTracked()
        with pytest.raises(ZeroDivisionError):
            async with obj:
                1 / 0  # noqa: B018
        assert obj.log == ["enter", "exit"]

    @pytest.mark.anyio
    async def test_not_reentrant(self) -> None:
        obj = AsyncTracked()
        async with obj:
            with pytest.raises(RuntimeError, match="has already been entered"):
                async with obj:
                    pass
        assert obj.log == ["enter", "exit"]

    @pytest.mark.anyio
    async def test_entered_twice_message(self) -> None:
        obj = AsyncTracked()
        async with obj:
            with pytest.raises(RuntimeError) as exc_info:
                async with obj:
                    pass
        assert str(exc_info.value) == "this AsyncTracked has already been entered"

    @pytest.mark.anyio
    async def test_not_entered_by_two_tasks_at_once(self) -> None:
        obj = AsyncTracked()

        async def hold() -> None:
            async with obj:
                await anyio.sleep_forever()

        async with create_task_group() as tg:
            tg.start_soon(hold)
            await wait_all_tasks_blocked()
            assert obj.log == ["enter"]
            with pytest.raises(RuntimeError, match="has already been entered"):
                async with obj:
                    pass
            tg.cancel_scope.cancel()
        assert obj.log == ["enter", "exit"]

    @pytest.mark.anyio
    async def test_can_be_entered_again_after_exit(self) -> None:
        obj = AsyncTracked()
        async with obj:
            pass
        async with obj:
            pass
        assert obj.log == ["enter", "exit", "enter", "exit"]

    @pytest.mark.anyio
    async def test_exit_without_enter(self) -> None:
        with pytest.raises(RuntimeError, match="has not been entered yet"):
            await AsyncTracked().__aexit__(None, None, None)

    @pytest.mark.anyio
    async def test_subclass_extends_the_parent_context(self) -> None:
        obj = AsyncChild()
        async with obj:
            pass
        assert obj.log == ["child enter", "enter", "exit", "child exit"]

    @pytest.mark.anyio
    async def test_generator_that_does_not_yield(self) -> None:
        class NoYield(AsyncContextManagerMixin):
            @asynccontextmanager
            async def __asynccontextmanager__(self) -> AsyncGenerator[None]:
                if False:
                    yield

        obj = NoYield()
        for _ in range(2):  # a failed entry leaves nothing behind
            with pytest.raises(RuntimeError, match="didn't yield"):
                async with obj:
                    pass

    @pytest.mark.skipif(
        sys.version_info < (3, 11),
        reason="3.10's asynccontextmanager does not close a generator that yields twice "
        "(Trio then warns when it is garbage collected)",
    )
    @pytest.mark.anyio
    async def test_generator_that_yields_twice(self) -> None:
        class TwoYields(AsyncContextManagerMixin):
            @asynccontextmanager
            async def __asynccontextmanager__(self) -> AsyncGenerator[None]:
                yield
                yield

        with pytest.raises(RuntimeError, match="didn't stop"):
            async with TwoYields():
                pass

    @pytest.mark.anyio
    async def test_cancelled_entry_can_be_retried(self) -> None:
        class SlowStart(AsyncContextManagerMixin):
            @asynccontextmanager
            async def __asynccontextmanager__(self) -> AsyncGenerator[str]:
                await anyio.sleep_forever()
                yield "never"

        obj = SlowStart()
        with anyio.CancelScope() as scope:
            scope.cancel()
            async with obj:
                pytest.fail("entered a context that never yields")
        assert scope.cancelled_caught
        # The cancelled entry left the instance re-enterable.
        with anyio.CancelScope() as scope:
            scope.cancel()
            async with obj:
                pytest.fail("entered a context that never yields")

    @pytest.mark.anyio
    async def test_missing_decorator_on_async_generator(self) -> None:
        class Undecorated(AsyncContextManagerMixin):
            async def __asynccontextmanager__(self) -> Any:
                yield self

        with pytest.raises(TypeError, match=r"async generator.*@asynccontextmanager"):
            await Undecorated().__aenter__()

    @pytest.mark.anyio
    async def test_missing_decorator_and_yield(self) -> None:
        # Returns a coroutine, which must be closed (no "never awaited" warning).
        class Coroutine(AsyncContextManagerMixin):
            async def __asynccontextmanager__(self) -> Any:
                return self

        with pytest.raises(TypeError, match=r"coroutine object.*'yield' statement"):
            await Coroutine().__aenter__()
        gc.collect()

    @pytest.mark.anyio
    async def test_returning_self(self) -> None:
        with pytest.raises(TypeError, match="returned self"):
            await async_returning("self").__aenter__()

    @pytest.mark.anyio
    async def test_returning_a_sync_context_manager(self) -> None:
        sync_only = contextmanager(lambda: (yield))()
        with pytest.raises(TypeError, match="did not return an async context manager"):
            await async_returning(sync_only).__aenter__()

    @pytest.mark.anyio
    async def test_no_reference_to_the_finished_context(self) -> None:
        obj = AsyncTracked()
        async with obj:
            pass
        assert vars(obj) == {"log": ["enter", "exit"]}

    @pytest.mark.anyio
    async def test_frame_is_released_after_exit(self) -> None:
        class Holder(AsyncContextManagerMixin):
            @asynccontextmanager
            async def __asynccontextmanager__(self) -> AsyncGenerator[None]:
                yield

        obj = Holder()
        async with obj:
            pass
        ref = weakref.ref(obj)
        del obj
        gc.collect()
        assert ref() is None

    def test_public_module(self) -> None:
        assert AsyncContextManagerMixin.__module__ == "anyio"
        assert isinstance(AsyncTracked(), AbstractAsyncContextManager)

"""`anyio.run()`, backend discovery, the clock and sleeping.

Sync tests that start their own event loop take the backend variant from the
`anyio_backend_name` / `anyio_backend_options` fixtures, so they run on every
variant of the root ``conftest.py`` like the async tests do.
"""

from __future__ import annotations

import asyncio
import math
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import sniffio
import trio
import trio.testing

import anyio
from anyio import (
    CancelScope,
    NoEventLoopError,
    create_task_group,
    current_effective_deadline,
    current_time,
    fail_after,
    get_all_backends,
    get_available_backends,
    get_cancelled_exc_class,
    get_current_task,
    get_running_tasks,
    move_on_after,
    sleep,
    sleep_forever,
    sleep_until,
    wait_all_tasks_blocked,
)
from anyio._core import _backend
from anyio.lowlevel import (
    RunVar,
    cancel_shielded_checkpoint,
    checkpoint,
    checkpoint_if_cancelled,
    current_token,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Coroutine

if sys.version_info < (3, 11):
    from exceptiongroup import ExceptionGroup

CORE_SRC = str(Path(__file__).resolve().parents[1] / "src")

# uvloop's timers have a resolution of one millisecond and may fire that early.
TIMER_SLACK = 0.0015


def run_variant(
    func: Callable[..., Coroutine[Any, Any, Any]], name: str, options: dict[str, Any]
) -> Any:
    return anyio.run(func, backend=name, backend_options=options)


class TestRun:
    def test_returns_the_result_and_passes_args(
        self, anyio_backend_name: str, anyio_backend_options: dict[str, Any]
    ) -> None:
        async def add(a: int, b: int) -> int:
            await checkpoint()
            return a + b

        assert (
            anyio.run(add, 1, 2, backend=anyio_backend_name, backend_options=anyio_backend_options)
            == 3
        )

    def test_exception_propagates(
        self, anyio_backend_name: str, anyio_backend_options: dict[str, Any]
    ) -> None:
        async def fail() -> None:
            await checkpoint()
            raise ValueError("boom")

        with pytest.raises(ValueError, match="boom"):
            run_variant(fail, anyio_backend_name, anyio_backend_options)

    def test_backend_options_none_is_accepted(self) -> None:
        async def main() -> str:
            return sniffio.current_async_library()

        assert anyio.run(main, backend_options=None) == "asyncio"
        assert anyio.run(main, backend="trio", backend_options=None) == "trio"

    def test_default_backend_is_asyncio(self) -> None:
        async def main() -> type[BaseException]:
            return get_cancelled_exc_class()

        assert anyio.run(main) is asyncio.CancelledError

    def test_sniffio_knows_the_library(
        self, anyio_backend_name: str, anyio_backend_options: dict[str, Any]
    ) -> None:
        seen: list[str] = []

        async def child() -> None:
            seen.append(sniffio.current_async_library())

        async def main() -> None:
            seen.append(sniffio.current_async_library())
            async with create_task_group() as tg:
                tg.start_soon(child)

        run_variant(main, anyio_backend_name, anyio_backend_options)
        assert seen == [anyio_backend_name, anyio_backend_name]

    def test_main_task_is_named_after_the_function(
        self, anyio_backend_name: str, anyio_backend_options: dict[str, Any]
    ) -> None:
        async def main() -> str | None:
            return get_current_task().name

        name = run_variant(main, anyio_backend_name, anyio_backend_options)
        assert name == f"{__name__}.{main.__qualname__}"

    @pytest.mark.parametrize("other", ["asyncio", "trio"])
    def test_run_inside_a_running_loop_is_refused(
        self, anyio_backend_name: str, anyio_backend_options: dict[str, Any], other: str
    ) -> None:
        called = []

        async def never() -> None:
            called.append(True)

        async def main() -> None:
            with pytest.raises(RuntimeError, match=r"(?i)already running"):
                anyio.run(never, backend=other)

        run_variant(main, anyio_backend_name, anyio_backend_options)
        assert not called

    def test_unknown_backend(self) -> None:
        async def main() -> None:
            pass

        with pytest.raises(LookupError) as exc_info:
            anyio.run(main, backend="tornado")
        message = str(exc_info.value)
        assert message.startswith("No such backend: tornado;")  # AnyIO's wording first
        assert "asyncio" in message
        assert "trio" in message

    def test_known_backend_whose_library_is_missing(
        self, monkeypatch: pytest.MonkeyPatch, tmp_path: Any
    ) -> None:
        # A backend module that imports a library that is not installed.
        (tmp_path / "anyio_fake_backend_mod.py").write_text("import anyio_fake_event_loop_lib\n")
        monkeypatch.syspath_prepend(str(tmp_path))
        monkeypatch.setitem(
            _backend.BACKENDS,
            "anyio_fake_event_loop_lib",
            ("anyio_fake_backend_mod", "pip install anyio-fake-event-loop-lib"),
        )
        monkeypatch.delitem(sys.modules, "anyio_fake_backend_mod", raising=False)

        async def main() -> None:
            pass

        assert "anyio_fake_event_loop_lib" in get_all_backends()
        assert "anyio_fake_event_loop_lib" not in get_available_backends()
        with pytest.raises(ModuleNotFoundError) as exc_info:
            anyio.run(main, backend="anyio_fake_event_loop_lib")
        # Also a LookupError, which is what AnyIO raises for a backend it cannot run.
        assert isinstance(exc_info.value, LookupError)
        assert "pip install anyio[anyio_fake_event_loop_lib]" in str(exc_info.value)
        assert "pip install anyio-fake-event-loop-lib" in str(exc_info.value)

    def test_trio_not_installed(self) -> None:
        # A fresh interpreter that sees only anyio-core, as if the trio extra was
        # not installed: the search path loses site-packages (after importing
        # what anyio-core itself needs there on Python 3.10).
        code = textwrap.dedent(
            f"""
            import sys
            if sys.version_info < (3, 11):
                import exceptiongroup, typing_extensions
            sys.path[:] = [p for p in sys.path if "site-packages" not in p]
            sys.path.insert(0, {CORE_SRC!r})
            import anyio

            async def main():
                pass

            assert anyio.get_available_backends() == ("asyncio",), anyio.get_available_backends()
            assert anyio.get_all_backends() == ("asyncio", "trio")
            try:
                anyio.run(main, backend="trio")
            except LookupError as exc:
                assert isinstance(exc, ModuleNotFoundError)
                print(exc)
            else:
                raise SystemExit("no error")
            """
        )
        result = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=False
        )
        assert result.returncode == 0, result.stderr
        assert "pip install anyio[trio]" in result.stdout


class TestAsyncioOptions:
    def test_debug(self) -> None:
        async def main() -> bool:
            return asyncio.get_running_loop().get_debug()

        assert anyio.run(main, backend_options={"debug": True}) is True
        assert anyio.run(main, backend_options={"debug": False}) is False

    @pytest.mark.parametrize(
        ("flags", "env", "expected"),
        [
            pytest.param([], {}, "False", id="default"),
            pytest.param([], {"PYTHONASYNCIODEBUG": "1"}, "True", id="PYTHONASYNCIODEBUG"),
            pytest.param(["-X", "dev"], {}, "True", id="dev-mode"),
            pytest.param(["-X", "dev"], {"DEBUG_OPTION": "0"}, "False", id="explicit-false"),
        ],
    )
    @pytest.mark.parametrize("use_uvloop", [False, True], ids=["asyncio", "uvloop"])
    def test_debug_not_given_follows_the_interpreter(
        self, flags: list[str], env: dict[str, str], expected: str, use_uvloop: bool
    ) -> None:
        # As asyncio.run() does: no debug option means "not given", not False.
        if use_uvloop:
            pytest.importorskip("uvloop")
        code = textwrap.dedent(
            f"""
            import asyncio, os
            import anyio

            async def main():
                return asyncio.get_running_loop().get_debug()

            options = {{"use_uvloop": {use_uvloop}}}
            if "DEBUG_OPTION" in os.environ:
                options["debug"] = bool(int(os.environ["DEBUG_OPTION"]))
            print(anyio.run(main, backend_options=options))
            """
        )
        environ = {
            key: value
            for key, value in os.environ.items()
            if key not in ("PYTHONASYNCIODEBUG", "PYTHONDEVMODE")
        }
        result = subprocess.run(
            [sys.executable, *flags, "-c", code],
            capture_output=True,
            text=True,
            check=False,
            env={**environ, **env},
        )
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == expected

    def test_loop_factory(self) -> None:
        made: list[asyncio.AbstractEventLoop] = []

        def factory() -> asyncio.AbstractEventLoop:
            loop = asyncio.new_event_loop()
            made.append(loop)
            return loop

        async def main() -> asyncio.AbstractEventLoop:
            await checkpoint()
            return asyncio.get_running_loop()

        loop = anyio.run(main, backend_options={"loop_factory": factory})
        assert made == [loop]
        assert loop.is_closed()

    def test_use_uvloop(self) -> None:
        uvloop = pytest.importorskip("uvloop")

        async def main() -> asyncio.AbstractEventLoop:
            await checkpoint()
            return asyncio.get_running_loop()

        assert isinstance(anyio.run(main, backend_options={"use_uvloop": True}), uvloop.Loop)
        assert not isinstance(anyio.run(main, backend_options={"use_uvloop": False}), uvloop.Loop)

    def test_unknown_option(self) -> None:
        called = []

        async def main() -> None:
            called.append(True)

        with pytest.raises(TypeError, match="no_such_option"):
            anyio.run(main, backend_options={"no_such_option": 1})
        assert not called


FIRST_USE_PROGRAM = """
import sys
import anyio

async def main():
    before = set(sys.modules)
    anyio.CapacityLimiter(2)
    async with anyio.Lock(), anyio.Semaphore(1):
        pass
    condition = anyio.Condition()
    async with condition:
        condition.notify()
    event = anyio.Event()
    event.set()
    await event.wait()
    anyio.ResourceGuard()
    send, receive = anyio.create_memory_object_stream(1)
    await send.send(1)
    await receive.receive()
    send.close()
    receive.close()
    await anyio.to_thread.run_sync(anyio.from_thread.run_sync, anyio.lowlevel.current_token)
    await anyio.Path(".").exists()
    return sorted(set(sys.modules) - before)

print(anyio.run(main, backend=sys.argv[1]))
"""


class TestImportCost:
    @pytest.mark.parametrize("backend", ["asyncio", "trio"])
    def test_first_use_imports_nothing_inside_the_loop(self, backend: str) -> None:
        # An import inside the running loop stalls every task (issue 12.29):
        # run() imports what a running program surely needs before the loop starts.
        result = subprocess.run(
            [sys.executable, "-c", FIRST_USE_PROGRAM, backend],
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == "[]"

    @pytest.mark.parametrize("backend", ["asyncio", "trio"])
    def test_first_use_in_a_test_imports_nothing(self, backend: str, tmp_path: Path) -> None:
        # The pytest plugin's runner imports them too, before its loop starts.
        test_file = tmp_path / "test_first_use.py"
        test_file.write_text(
            textwrap.dedent(
                f"""
                import sys
                import anyio
                import pytest

                @pytest.fixture
                def anyio_backend():
                    return {backend!r}

                @pytest.mark.anyio
                async def test_first_use():
                    before = set(sys.modules)
                    anyio.CapacityLimiter(2)
                    anyio.Lock()
                    await anyio.Path(".").exists()
                    await anyio.to_thread.run_sync(int)
                    assert sorted(set(sys.modules) - before) == []
                """
            )
        )
        result = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(test_file)],
            capture_output=True,
            text=True,
            check=False,
            cwd=tmp_path,
        )
        assert result.returncode == 0, result.stdout + result.stderr

    def test_import_anyio_stays_cheap(self) -> None:
        code = (
            "import sys, anyio; "
            "from anyio._core._eventloop import PRELOADED_MODULES; "
            "print(sorted(set(PRELOADED_MODULES) & set(sys.modules)))"
        )
        result = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=False
        )
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == "[]"

    def test_trio_run_does_not_import_pytest(self) -> None:
        # trio.testing imports pytest: only wait_all_tasks_blocked() needs it.
        code = (
            "import sys, anyio\n"
            "async def main():\n"
            "    pass\n"
            "anyio.run(main, backend='trio')\n"
            "print(sorted({'pytest', 'trio.testing'} & set(sys.modules)))"
        )
        result = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=False
        )
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == "[]"


class TestTrioOptions:
    def test_clock_takes_effect(self) -> None:
        clock = trio.testing.MockClock(autojump_threshold=0)

        async def main() -> float:
            start = current_time()
            await sleep(3600)
            return current_time() - start

        # The mock clock jumps straight to the deadline: an hour passes at once.
        assert anyio.run(main, backend="trio", backend_options={"clock": clock}) >= 3600

    def test_instruments_take_effect(self) -> None:
        events: list[str] = []

        class Recorder(trio.abc.Instrument):
            def before_run(self) -> None:
                events.append("before_run")

            def after_run(self) -> None:
                events.append("after_run")

        async def main() -> None:
            events.append("main")
            await checkpoint()

        anyio.run(main, backend="trio", backend_options={"instruments": [Recorder()]})
        assert events == ["before_run", "main", "after_run"]

    @pytest.mark.parametrize(("restrict", "expected"), [(True, ["signalled"]), (False, [])])
    def test_restrict_keyboard_interrupt_to_checkpoints(
        self, restrict: bool, expected: list[str]
    ) -> None:
        log: list[str] = []

        async def main() -> None:
            signal.raise_signal(signal.SIGINT)
            # Restricted: the interrupt waits for the next checkpoint.
            log.append("signalled")
            await checkpoint()
            log.append("checkpoint passed")

        options = {"restrict_keyboard_interrupt_to_checkpoints": restrict}
        with pytest.raises(KeyboardInterrupt):
            anyio.run(main, backend="trio", backend_options=options)
        assert log == expected

    def test_unknown_option(self) -> None:
        called = []

        async def main() -> None:
            called.append(True)

        with pytest.raises(TypeError, match="no_such_option"):
            anyio.run(main, backend="trio", backend_options={"no_such_option": 1})
        assert not called


class TestBackendDiscovery:
    def test_get_all_backends(self) -> None:
        assert get_all_backends() == ("asyncio", "trio")

    def test_get_available_backends(self) -> None:
        # Both are installed in the test environment.
        assert get_available_backends() == ("asyncio", "trio")

    @pytest.mark.anyio
    async def test_get_cancelled_exc_class(self, anyio_backend_name: str) -> None:
        expected = {"asyncio": asyncio.CancelledError, "trio": trio.Cancelled}
        assert get_cancelled_exc_class() is expected[anyio_backend_name]


class TestNoEventLoop:
    def test_is_a_runtime_error(self) -> None:
        assert issubclass(NoEventLoopError, RuntimeError)

    @pytest.mark.parametrize(
        "call",
        [
            pytest.param(lambda: CancelScope(), id="CancelScope"),
            pytest.param(lambda: CancelScope(shield=True), id="CancelScope-shield"),
            pytest.param(create_task_group, id="create_task_group"),
            pytest.param(current_time, id="current_time"),
            pytest.param(get_cancelled_exc_class, id="get_cancelled_exc_class"),
            pytest.param(current_effective_deadline, id="current_effective_deadline"),
            pytest.param(lambda: move_on_after(1), id="move_on_after"),
            pytest.param(lambda: fail_after(1).__enter__(), id="fail_after"),
            pytest.param(get_current_task, id="get_current_task"),
            pytest.param(get_running_tasks, id="get_running_tasks"),
            pytest.param(current_token, id="current_token"),
            pytest.param(lambda: RunVar[int]("x").get(), id="RunVar.get"),
            pytest.param(lambda: RunVar[int]("x").set(1), id="RunVar.set"),
        ],
    )
    def test_sync_api_outside_a_loop(self, call: Callable[[], object]) -> None:
        with pytest.raises(NoEventLoopError):
            call()

    @pytest.mark.parametrize(
        "make",
        [
            pytest.param(lambda: sleep(0), id="sleep"),  # noqa: ASYNC115 - sleep is under test
            pytest.param(lambda: sleep(1), id="sleep-1"),
            pytest.param(sleep_forever, id="sleep_forever"),
            pytest.param(lambda: sleep_until(0), id="sleep_until"),
            pytest.param(checkpoint, id="checkpoint"),
            pytest.param(checkpoint_if_cancelled, id="checkpoint_if_cancelled"),
            pytest.param(cancel_shielded_checkpoint, id="cancel_shielded_checkpoint"),
            pytest.param(wait_all_tasks_blocked, id="wait_all_tasks_blocked"),
        ],
    )
    def test_coroutine_driven_outside_a_loop(self, make: Callable[[], Any]) -> None:
        coro = make()
        try:
            with pytest.raises(NoEventLoopError):
                coro.send(None)
        finally:
            coro.close()

    def test_outside_a_loop_in_a_thread_after_a_run(self) -> None:
        # A finished run leaves nothing behind that makes anyio think a loop runs.
        async def main() -> None:
            await checkpoint()

        anyio.run(main)
        anyio.run(main, backend="trio")
        with pytest.raises(NoEventLoopError):
            current_time()

    def test_outside_a_loop_after_a_failed_run(self) -> None:
        async def main() -> None:
            await checkpoint()
            raise ZeroDivisionError

        with pytest.raises(ZeroDivisionError):
            anyio.run(main)
        with pytest.raises(NoEventLoopError):
            current_time()

    def test_outside_a_loop_between_test_runner_calls(self) -> None:
        # The pytest runner keeps its loop between calls, but it is not running.
        async def job() -> str:
            await checkpoint()
            return get_cancelled_exc_class().__name__

        backend = _backend.get_backend("asyncio")
        with backend.create_test_runner({}) as runner:
            assert runner.run_fixture(job, {}) == "CancelledError"
            with pytest.raises(NoEventLoopError):
                current_time()
            assert runner.run_fixture(job, {}) == "CancelledError"
        with pytest.raises(NoEventLoopError):
            current_time()

    def test_trio_run_nested_in_an_asyncio_run(self) -> None:
        # A Trio run started (blocking) from inside anyio's asyncio loop is the
        # running loop for its own duration, and asyncio's is again afterwards.
        async def in_trio() -> str:
            await checkpoint()
            with move_on_after(0):
                await sleep_forever()
            return get_cancelled_exc_class().__name__

        async def main() -> tuple[str, str, str]:
            before = get_cancelled_exc_class().__name__
            inner = trio.run(in_trio)
            await checkpoint()
            return before, inner, get_cancelled_exc_class().__name__

        assert anyio.run(main) == ("CancelledError", "Cancelled", "CancelledError")


async def _foreign_main() -> list[object]:
    """Use anyio inside an event loop that anyio did not start."""
    results: list[object] = [sniffio.current_async_library()]
    async with create_task_group() as tg:
        tg.start_soon(sleep, 0)
        with move_on_after(0.01) as scope:
            await sleep_forever()
        results.append(scope.cancelled_caught)
        with CancelScope() as scope:
            scope.cancel()
            await checkpoint()
        results.append(scope.cancelled_caught)
    results.append(get_current_task().name is not None)
    results.append(get_cancelled_exc_class().__name__)
    with pytest.raises(ExceptionGroup):
        async with create_task_group() as tg:
            tg.start_soon(_raise_value_error)
    return results


async def _raise_value_error() -> None:
    await checkpoint()
    raise ValueError


def _asyncio_run(coro_func: Callable[[], Coroutine[Any, Any, Any]]) -> Any:
    return asyncio.run(coro_func(), debug=True)


def _eager_run(coro_func: Callable[[], Coroutine[Any, Any, Any]]) -> Any:
    def factory() -> asyncio.AbstractEventLoop:
        loop = asyncio.new_event_loop()
        loop.set_task_factory(asyncio.eager_task_factory)  # type: ignore[attr-defined]
        return loop

    with asyncio.Runner(loop_factory=factory) as runner:  # type: ignore[attr-defined]
        return runner.run(coro_func())


def _uvloop_run(coro_func: Callable[[], Coroutine[Any, Any, Any]]) -> Any:
    uvloop = pytest.importorskip("uvloop")
    return uvloop.run(coro_func())


FOREIGN_RUNNERS = [
    pytest.param(_asyncio_run, "asyncio", "CancelledError", id="asyncio.run"),
    pytest.param(
        _eager_run,
        "asyncio",
        "CancelledError",
        id="asyncio-eager",
        marks=pytest.mark.skipif(sys.version_info < (3, 12), reason="needs 3.12"),
    ),
    pytest.param(_uvloop_run, "asyncio", "CancelledError", id="uvloop.run"),
    pytest.param(trio.run, "trio", "Cancelled", id="trio.run"),
]


class TestForeignEventLoop:
    @pytest.mark.parametrize(("runner", "library", "cancelled_name"), FOREIGN_RUNNERS)
    def test_works_in_a_loop_anyio_did_not_start(
        self, runner: Callable[..., Any], library: str, cancelled_name: str
    ) -> None:
        assert runner(_foreign_main) == [library, True, True, True, cancelled_name]

    @pytest.mark.parametrize("library", ["asyncio", "trio"])
    def test_fresh_interpreter(self, library: str) -> None:
        # Nothing of anyio's backends is imported before the foreign loop runs.
        code = textwrap.dedent(
            f"""
            import {library}
            import anyio

            async def main():
                with anyio.move_on_after(0.01) as scope:
                    await anyio.sleep_forever()
                async with anyio.create_task_group() as tg:
                    tg.start_soon(anyio.sleep, 0)
                return scope.cancelled_caught, anyio.get_cancelled_exc_class().__name__

            if "{library}" == "asyncio":
                print(asyncio.run(main()))
            else:
                print(trio.run(main))
            """
        )
        result = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=False
        )
        assert result.returncode == 0, result.stderr
        expected = "CancelledError" if library == "asyncio" else "Cancelled"
        assert result.stdout.strip() == f"(True, {expected!r})"


@pytest.mark.anyio
class TestClock:
    async def test_current_time_is_the_backend_clock(self, anyio_backend_name: str) -> None:
        native: Callable[[], float] = (
            asyncio.get_running_loop().time
            if anyio_backend_name == "asyncio"
            else trio.current_time
        )
        before = native()
        now = current_time()
        after = native()
        assert before <= now <= after

    async def test_current_time_is_monotonic(self) -> None:
        readings = []
        for _ in range(5):
            readings.append(current_time())
            await checkpoint()
        assert readings == sorted(readings)

    async def test_sleep_waits_at_least_the_delay(self) -> None:
        start = current_time()
        await sleep(0.02)
        assert current_time() - start >= 0.02 - TIMER_SLACK

    async def test_sleep_zero_lets_other_tasks_run(self) -> None:
        ran: list[str] = []

        async def other() -> None:
            ran.append("other")

        async with create_task_group() as tg:
            tg.start_soon(other)
            assert ran == []
            # Trio may run the tasks of one scheduling batch in any order, so
            # only the second yield guarantees that the other task had its turn.
            await sleep(0)  # noqa: ASYNC115 - sleep is under test
            await sleep(0)  # noqa: ASYNC115 - sleep is under test
            assert ran == ["other"]

    async def test_sleep_is_a_cancellation_point(self) -> None:
        reached = False
        with CancelScope() as scope:
            scope.cancel()
            await sleep(0)  # noqa: ASYNC115 - sleep is under test
            reached = True
        assert not reached
        assert scope.cancelled_caught

    async def test_sleep_until(self) -> None:
        deadline = current_time() + 0.02
        await sleep_until(deadline)
        assert current_time() >= deadline - TIMER_SLACK

    async def test_sleep_until_the_past_returns(self) -> None:
        with fail_after(5):
            await sleep_until(current_time() - 100)
            await sleep_until(-math.inf)

    async def test_sleep_until_is_a_cancellation_point(self) -> None:
        with CancelScope() as scope:
            scope.cancel()
            await sleep_until(current_time() - 1)
        assert scope.cancelled_caught

    async def test_sleep_forever_ends_only_by_cancellation(self) -> None:
        with move_on_after(0.02) as scope:
            await sleep_forever()
            pytest.fail("sleep_forever() returned")
        assert scope.cancelled_caught

    async def test_sleep_forever_in_a_cancelled_scope(self) -> None:
        with CancelScope() as scope:
            scope.cancel()
            await sleep_forever()
        assert scope.cancelled_caught

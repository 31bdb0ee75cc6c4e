"""The plugin fails a deadlocked test or fixture at once, with the task tree.

The inner sessions run in a subprocess with a timeout on each backend variant,
so that a regression (a test that hangs instead of being reported) fails here
instead of stalling the suite. uvloop's loop cannot be watched: there the
option is inert, which is checked without a deadlock.
"""

from __future__ import annotations

import pytest

from .conftest import VARIANTS, N, RunTests
from .test_interruptions import run_in_subprocess

WATCHED = [name for name in VARIANTS if name != "asyncio+uvloop"]


@pytest.mark.parametrize("variant", WATCHED)
def test_deadlocked_test_fails_with_the_task_tree(pytester: pytest.Pytester, variant: str) -> None:
    result = run_in_subprocess(
        pytester,
        variant,
        """
        import anyio
        import pytest


        @pytest.mark.anyio
        async def test_stuck():
            event = anyio.Event()
            async with anyio.create_task_group() as tg:
                tg.start_soon(event.wait, name="forgotten waiter")
                await event.wait()


        @pytest.mark.anyio
        async def test_next():
            await anyio.sleep(0)
        """,
    )
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*Deadlock: every task is blocked and nothing can wake any of them*",
            "anyio task tree (*",
            "*test_it.py:*in test_stuck, awaiting Event.wait()",
            "*task 'forgotten waiter'*",
        ]
    )
    # The report alone: no traceback through the plugin's runner.
    assert "_runner.py" not in result.stdout.str()


@pytest.mark.parametrize("variant", WATCHED)
def test_deadlocked_fixture_is_an_error(pytester: pytest.Pytester, variant: str) -> None:
    result = run_in_subprocess(
        pytester,
        variant,
        """
        import anyio
        import pytest


        @pytest.fixture
        async def never_ready():
            send, receive = anyio.create_memory_object_stream()
            async with send, receive:
                yield await receive.receive()


        @pytest.mark.anyio
        async def test_uses_it(never_ready):
            pass
        """,
    )
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*DeadlockError: Deadlock: every task is blocked*"])


@pytest.mark.parametrize("variant", WATCHED)
def test_pytest_timeout_signal_method_does_not_hide_a_deadlock(
    pytester: pytest.Pytester, variant: str
) -> None:
    result = run_in_subprocess(
        pytester,
        variant,
        """
        import anyio
        import pytest


        @pytest.mark.anyio
        @pytest.mark.timeout(20, method="signal")
        async def test_stuck():
            await anyio.Event().wait()
        """,
    )
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*Deadlock: every task is blocked*"])


@pytest.mark.parametrize("option", ["--anyio-deadlock-detection=off", ""])
@pytest.mark.parametrize("ini", ["", "anyio_deadlock_detection = false"])
def test_options_turn_the_watch_off(run_tests: RunTests, option: str, ini: str) -> None:
    watched = not option and not ini
    result = run_tests(
        f"""
        import pytest

        from anyio._core import _deadlock


        @pytest.mark.anyio
        async def test_watched(anyio_backend):
            uvloop = isinstance(anyio_backend, tuple) and anyio_backend[1].get("use_uvloop")
            assert (_deadlock.active_watches > 0) is ({watched} and not uvloop)
        """,
        *([option] if option else []),
        ini=ini,
    )
    result.assert_outcomes(passed=N)


def test_command_line_wins_over_the_ini_option(run_tests: RunTests) -> None:
    result = run_tests(
        """
        import pytest

        from anyio._core import _deadlock


        @pytest.mark.anyio
        @pytest.mark.parametrize("anyio_backend", ["asyncio"])
        async def test_watched(anyio_backend):
            assert _deadlock.active_watches > 0
        """,
        "--anyio-deadlock-detection=on",
        ini="anyio_deadlock_detection = false",
    )
    result.assert_outcomes(passed=1)

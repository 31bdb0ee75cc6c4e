"""Tests stopped from outside, session enders raised in tasks, and loop callbacks that raise.

Before the runners stopped interrupted jobs, these inner runs hung: they run in a
subprocess with a timeout, so that a regression fails instead of stalling the suite.
Each runs on every backend variant of this project (see ``VARIANTS``).
"""

from __future__ import annotations

from textwrap import dedent

import pytest

from .conftest import ASYNCIO_VARIANTS, VARIANTS, variant_conftest

#: Seconds an inner session may take; they need about one when nothing hangs.
INNER_TIMEOUT = 30


def run_in_subprocess(pytester: pytest.Pytester, variant: str, source: str) -> pytest.RunResult:
    """Run ``source`` as a test module on ``variant`` in a pytest subprocess."""
    pytester.makeini("[pytest]\nfilterwarnings = error\n")
    pytester.makeconftest(variant_conftest(variant))
    pytester.makepyfile(test_it=dedent(source))
    # Hypothesis's plugin alone takes more than half of each inner session's time.
    return pytester.runpytest_subprocess(
        "-p", "no:cacheprovider", "-p", "no:hypothesispytest", timeout=INNER_TIMEOUT
    )


@pytest.mark.parametrize("variant", list(VARIANTS))
class TestStoppedFromOutside:
    def test_pytest_timeout_fails_the_test_and_the_session_goes_on(
        self, pytester: pytest.Pytester, variant: str
    ) -> None:
        result = run_in_subprocess(
            pytester,
            variant,
            """
            import anyio
            import pytest

            torn_down = []


            @pytest.fixture(scope="module")
            async def module_group():
                async with anyio.create_task_group() as tg:
                    yield tg
                    tg.cancel_scope.cancel()


            @pytest.fixture
            async def resource():
                yield
                torn_down.append("resource")


            @pytest.mark.anyio
            @pytest.mark.timeout(1, method="signal")
            async def test_sleeps_forever(module_group, resource):
                # A long sleep, not sleep_forever(): that one is a deadlock, and the
                # plugin would report it before pytest-timeout could step in.
                await anyio.sleep(3600)


            @pytest.mark.anyio
            async def test_next(module_group):
                assert torn_down == ["resource"]
                # The same loop, and the module's task group, still work.
                done = anyio.Event()

                async def set_done():
                    done.set()

                module_group.start_soon(set_done)
                with anyio.fail_after(5):
                    await done.wait()
            """,
        )
        result.assert_outcomes(passed=1, failed=1)
        result.stdout.fnmatch_lines(["*test_sleeps_forever*Timeout*"])

    def test_signal_handler_exception_fails_the_test(
        self, pytester: pytest.Pytester, variant: str
    ) -> None:
        result = run_in_subprocess(
            pytester,
            variant,
            """
            import signal

            import anyio
            import pytest


            class Interrupted(Exception):
                pass


            def interrupt(signum, frame):
                raise Interrupted("raised by a signal handler")


            @pytest.fixture
            def handler():
                previous = signal.signal(signal.SIGALRM, interrupt)
                yield
                signal.setitimer(signal.ITIMER_REAL, 0)
                signal.signal(signal.SIGALRM, previous)


            @pytest.mark.anyio
            async def test_interrupted(handler):
                signal.setitimer(signal.ITIMER_REAL, 0.1)
                await anyio.sleep_forever()


            @pytest.mark.anyio
            async def test_next():
                await anyio.sleep(0)
            """,
        )
        result.assert_outcomes(passed=1, failed=1)
        result.stdout.fnmatch_lines(
            ["FAILED *test_interrupted* - *Interrupted: raised by a signal*"]
        )


@pytest.mark.parametrize("variant", list(VARIANTS))
class TestSessionEndersInTasks:
    def test_keyboard_interrupt_in_child_task_ends_the_run(
        self, pytester: pytest.Pytester, variant: str
    ) -> None:
        result = run_in_subprocess(
            pytester,
            variant,
            """
            import anyio
            import pytest


            @pytest.mark.anyio
            async def test_interrupted():
                async def child():
                    raise KeyboardInterrupt

                async with anyio.create_task_group() as tg:
                    tg.start_soon(child)
                    await anyio.sleep_forever()


            def test_not_reached():
                pass
            """,
        )
        assert result.ret == pytest.ExitCode.INTERRUPTED
        result.stdout.fnmatch_lines(["*KeyboardInterrupt*"])
        result.stdout.no_fnmatch_line("*passed*")

    @pytest.mark.parametrize("where", ["test", "fixture"])
    def test_pytest_exit_in_task_group_stops_the_session(
        self, pytester: pytest.Pytester, variant: str, where: str
    ) -> None:
        result = run_in_subprocess(
            pytester,
            variant,
            f"""
            import anyio
            import pytest


            async def leave():
                async def child():
                    pytest.exit("leaving from a task")

                async with anyio.create_task_group() as tg:
                    tg.start_soon(child)
                    await anyio.sleep_forever()


            @pytest.fixture
            async def leaving():
                if {where!r} == "fixture":
                    await leave()
                yield


            @pytest.mark.anyio
            async def test_leaves(leaving):
                await leave()


            def test_not_reached():
                pass
            """,
        )
        assert result.ret == pytest.ExitCode.INTERRUPTED
        result.stdout.fnmatch_lines(["*Exit: leaving from a task*"])
        result.stdout.no_fnmatch_line("*failed*")
        result.stdout.no_fnmatch_line("*passed*")


@pytest.mark.parametrize("variant", list(VARIANTS))
@pytest.mark.parametrize("where", ["setup", "teardown"])
def test_keyboard_interrupt_in_async_generator_fixture(
    pytester: pytest.Pytester, variant: str, where: str
) -> None:
    """The run ends, and the fixtures still open are torn down in the task they were set up in."""
    result = run_in_subprocess(
        pytester,
        variant,
        f"""
        import anyio
        import pytest


        @pytest.fixture(scope="module")
        async def outer():
            async with anyio.create_task_group() as tg:
                yield tg
                tg.cancel_scope.cancel()
            with open("teardowns.txt", "a") as file:
                file.write("outer\\n")


        @pytest.fixture
        async def interrupts(outer):
            if {where!r} == "setup":
                raise KeyboardInterrupt
            yield
            raise KeyboardInterrupt


        @pytest.mark.anyio
        async def test_x(interrupts):
            pass


        def test_not_reached():
            pass
        """,
    )
    assert result.ret == pytest.ExitCode.INTERRUPTED
    result.stdout.fnmatch_lines(["*KeyboardInterrupt*"])
    assert "RuntimeError" not in result.stdout.str() + result.stderr.str()
    assert (pytester.path / "teardowns.txt").read_text() == "outer\n"


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_getfixturevalue_of_async_fixture_in_async_test_is_an_error(
    pytester: pytest.Pytester, variant: str
) -> None:
    """It cannot work (the fixture would wait for the test that waits for it); Trio hung."""
    result = run_in_subprocess(
        pytester,
        variant,
        """
        import pytest


        @pytest.fixture
        async def value():
            return 1


        @pytest.mark.anyio
        async def test_asks_late(request):
            request.getfixturevalue("value")


        @pytest.mark.anyio
        async def test_asks_early(value):
            assert value == 1
        """,
    )
    result.assert_outcomes(passed=1, failed=1)
    # AnyIO's words first (users' tests match them), then our advice.
    result.stdout.fnmatch_lines(
        [
            "E * RuntimeError: Cannot schedule a coroutine in the test runner while another "
            "is already running; an async fixture cannot be set up while an async test or "
            "fixture*request the fixture as an argument*"
        ]
    )


@pytest.mark.parametrize("variant", ASYNCIO_VARIANTS)
def test_loop_callback_errors_are_reported_on_their_step(
    pytester: pytest.Pytester, variant: str
) -> None:
    """asyncio only: a loop callback's error goes to the exception handler, not to a task."""
    pytester.makeini("[pytest]\nfilterwarnings = error\n")
    pytester.makeconftest(variant_conftest(variant))
    pytester.makepyfile(
        test_it=dedent("""
        import asyncio

        import pytest


        def fail(step):
            raise RuntimeError(f"callback error in {step}")


        async def schedule_failure(step):
            asyncio.get_running_loop().call_soon(fail, step)
            await asyncio.sleep(0)
            await asyncio.sleep(0)


        @pytest.fixture
        async def fails_in_setup():
            await schedule_failure("setup")
            yield


        @pytest.fixture
        async def fails_in_teardown():
            yield
            await schedule_failure("teardown")


        @pytest.mark.anyio
        async def test_setup(fails_in_setup):
            pass


        @pytest.mark.anyio
        async def test_call():
            await schedule_failure("call")


        @pytest.mark.anyio
        async def test_teardown(fails_in_teardown):
            pass
        """)
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, failed=1, errors=2)
    result.stdout.fnmatch_lines(
        [
            "FAILED *test_call* - RuntimeError: callback error in call",
            "ERROR *test_setup* - RuntimeError: callback error in setup",
            "ERROR *test_teardown* - RuntimeError: callback error in teardown",
        ],
        consecutive=False,
    )

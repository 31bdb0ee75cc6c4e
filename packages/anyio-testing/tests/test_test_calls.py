"""Calling tests: arguments, parametrize, Hypothesis, failures and their tracebacks."""

from __future__ import annotations

from textwrap import dedent
from typing import TYPE_CHECKING

import pytest

from .conftest import N

if TYPE_CHECKING:
    from .conftest import RunTests

HEADER = dedent("""
    import anyio
    import pytest

    pytestmark = pytest.mark.anyio
""")


class TestArguments:
    @pytest.mark.parametrize("name", ["func", "test_func", "kwargs", "backend", "runner"])
    def test_parametrize_argument_names_clash_with_nothing(
        self, run_tests: RunTests, name: str
    ) -> None:
        result = run_tests(
            HEADER
            + dedent(f"""
            @pytest.fixture
            async def {name}_fixture():
                return "fixture"

            @pytest.mark.parametrize("{name}", [1, 2])
            async def test_x({name}, {name}_fixture):
                assert {name} in (1, 2)
                assert {name}_fixture == "fixture"
            """),
        )
        result.assert_outcomes(passed=2 * N)

    def test_defaults_are_not_filled_from_fixtures(self, run_tests: RunTests) -> None:
        result = run_tests(
            HEADER
            + dedent("""
            @pytest.fixture
            def value():
                return "fixture"

            async def test_x(value="default"):
                assert value == "default"
            """),
        )
        result.assert_outcomes(passed=N)


class TestHypothesis:
    def test_given_runs_each_example_on_the_backend(self, run_tests: RunTests) -> None:
        result = run_tests(
            HEADER
            + dedent("""
            from hypothesis import given, settings, strategies as st

            examples = []

            @settings(max_examples=10)
            @given(x=st.integers())
            async def test_x(anyio_backend, x):
                await anyio.sleep(0)
                examples.append((anyio_backend, anyio.get_cancelled_exc_class()))

            class TestIt:
                @settings(max_examples=5)
                @given(st.text())
                async def test_method(self, text):
                    await anyio.sleep(0)
                    assert isinstance(text, str)

            def test_examples_ran():
                assert len(examples) >= 10
                assert len(set(examples)) == {n}
            """).replace("{n}", str(N)),
        )
        result.assert_outcomes(passed=2 * N + 1)

    def test_a_failing_example_is_reported(self, run_tests: RunTests) -> None:
        result = run_tests(
            HEADER
            + dedent("""
            from hypothesis import given, strategies as st

            @given(st.integers())
            async def test_x(x):
                await anyio.sleep(0)
                assert x < 10
            """),
        )
        result.assert_outcomes(failed=N)
        result.stdout.fnmatch_lines(["*assert 10 < 10*"])
        assert "_calls.py" not in result.stdout.str()

    def test_given_without_marker_is_not_run_by_us(self, run_tests: RunTests) -> None:
        result = run_tests(
            dedent("""
            from hypothesis import given, strategies as st

            @given(st.integers())
            async def test_x(x):
                pass
            """),
        )
        assert "passed" not in result.parseoutcomes()


class TestFailures:
    def test_traceback_shows_the_test_not_the_plugin(self, run_tests: RunTests) -> None:
        result = run_tests(
            HEADER
            + dedent("""
            async def helper():
                await anyio.sleep(0)
                raise ValueError("boom")

            async def test_x():
                await helper()
            """),
        )
        result.assert_outcomes(failed=N)
        result.stdout.fnmatch_lines(["*await helper()*", '*raise ValueError("boom")*'])
        output = result.stdout.str()
        for internal in ("pytest_plugin.py", "_testing", "_runner.py", "pluggy/_"):
            assert internal not in output

    def test_a_failing_test_leaves_no_task_behind(self, run_tests: RunTests) -> None:
        # The module-scoped fixture keeps one event loop for every test of the module.
        result = run_tests(
            HEADER
            + dedent("""
            events = []

            @pytest.fixture(scope="module")
            async def loop_keeper():
                yield

            async def test_baseline(loop_keeper):
                events.append(len(anyio.get_running_tasks()))

            async def test_fails(loop_keeper):
                async def child():
                    try:
                        await anyio.sleep_forever()
                    finally:
                        events.append("child stopped")

                async with anyio.create_task_group() as tg:
                    tg.start_soon(child)
                    await anyio.wait_all_tasks_blocked()
                    raise ValueError("boom")

            async def test_after(loop_keeper):
                assert events[1:] == ["child stopped"]
                assert len(anyio.get_running_tasks()) == events[0]
                events.clear()
            """),
        )
        result.assert_outcomes(passed=2 * N, failed=N)

    def test_cancelled_test_is_reported(self, run_tests: RunTests) -> None:
        result = run_tests(
            HEADER
            + dedent("""
            async def test_x():
                with anyio.fail_after(0.01):
                    await anyio.sleep_forever()
            """),
        )
        result.assert_outcomes(failed=N)
        result.stdout.fnmatch_lines(["*TimeoutError*"])

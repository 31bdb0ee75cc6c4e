"""Which tests the plugin runs: the marker, anyio_mode, and markers added late."""

from __future__ import annotations

from textwrap import dedent
from typing import TYPE_CHECKING

import pytest

from .conftest import BACKENDS, N

if TYPE_CHECKING:
    from .conftest import RunTests

# A test body that fails unless it runs inside an anyio event loop.
CHECKS_LOOP = dedent("""
    import anyio

    async def in_loop():
        await anyio.sleep(0)
        return anyio.get_cancelled_exc_class()
""")


class TestMarker:
    def test_on_a_function(self, run_tests: RunTests) -> None:
        result = run_tests(
            CHECKS_LOOP
            + dedent("""
            import pytest

            @pytest.mark.anyio
            async def test_marked():
                await in_loop()
            """),
            "-v",
        )
        result.assert_outcomes(passed=N)
        result.stdout.fnmatch_lines([f"*test_marked?{name}? PASSED*" for name in BACKENDS])

    def test_on_a_class(self, run_tests: RunTests) -> None:
        result = run_tests(
            CHECKS_LOOP
            + dedent("""
            import pytest

            @pytest.mark.anyio
            class TestThem:
                async def test_one(self):
                    await in_loop()

                async def test_two(self):
                    await in_loop()
            """)
        )
        result.assert_outcomes(passed=2 * N)

    def test_on_a_module(self, run_tests: RunTests) -> None:
        result = run_tests(
            CHECKS_LOOP
            + dedent("""
            import pytest

            pytestmark = pytest.mark.anyio

            async def test_one():
                await in_loop()

            class TestThem:
                async def test_two(self):
                    await in_loop()
            """)
        )
        result.assert_outcomes(passed=2 * N)

    def test_sync_tests_run_once_as_usual(self, run_tests: RunTests) -> None:
        result = run_tests(
            """
            import pytest

            pytestmark = pytest.mark.anyio

            def test_sync():
                pass
            """,
            "-v",
        )
        result.assert_outcomes(passed=1)
        result.stdout.fnmatch_lines(["*test_sync PASSED*"])

    def test_unmarked_coroutine_test_never_passes_in_strict_mode(
        self, run_tests: RunTests
    ) -> None:
        # pytest's own treatment: a failure (pytest 9) or a skip with a warning,
        # which filterwarnings = error turns into a failure (pytest 8).
        result = run_tests(
            """
            async def test_unmarked():
                pass
            """
        )
        outcomes = result.parseoutcomes()
        assert "passed" not in outcomes
        result.stdout.fnmatch_lines(["*async def functions are not natively supported*"])


class TestAnyioMode:
    def test_auto_runs_every_coroutine_test(self, run_tests: RunTests) -> None:
        result = run_tests(
            CHECKS_LOOP
            + dedent("""
            async def test_unmarked():
                await in_loop()

            class TestThem:
                async def test_method(self):
                    await in_loop()

            def test_sync():
                pass
            """),
            ini="anyio_mode = auto",
        )
        result.assert_outcomes(passed=2 * N + 1)

    def test_strict_is_the_default_and_can_be_spelled_out(self, run_tests: RunTests) -> None:
        result = run_tests(
            CHECKS_LOOP
            + dedent("""
            import pytest

            @pytest.mark.anyio
            async def test_marked():
                await in_loop()
            """),
            ini="anyio_mode = strict",
        )
        result.assert_outcomes(passed=N)

    def test_a_bad_mode_is_a_usage_error(self, run_tests: RunTests) -> None:
        result = run_tests(
            """
            async def test_x():
                pass
            """,
            ini="anyio_mode = sometimes",
        )
        assert result.ret == pytest.ExitCode.USAGE_ERROR
        result.stderr.fnmatch_lines(['*anyio_mode must be "auto" or "strict"*'])


LATE_MARKER_CONFTEST = """
    import pytest

    def pytest_collection_modifyitems(items):
        for item in items:
            if "late" in item.name:
                item.add_marker(pytest.mark.anyio)
"""

BACKEND_PROBE = dedent("""
    import anyio
    import pytest

    def backend_name():
        return anyio.get_cancelled_exc_class().__module__.partition(".")[0]
""")


class TestMarkerAddedAfterCollection:
    """Such a test runs once: collection no longer parametrizes it."""

    def test_runs_on_the_default_backend(self, run_tests: RunTests) -> None:
        result = run_tests(
            BACKEND_PROBE
            + dedent("""
            @pytest.fixture
            async def value():
                yield backend_name()

            async def test_late(value):
                assert value == backend_name() == "asyncio"
            """),
            "-v",
            conftest=LATE_MARKER_CONFTEST,
        )
        result.assert_outcomes(passed=1)
        result.stdout.fnmatch_lines(["*test_late PASSED*"])

    @pytest.mark.skipif("trio" not in BACKENDS, reason="needs trio")
    def test_runs_on_an_unparametrized_anyio_backend(self, run_tests: RunTests) -> None:
        result = run_tests(
            BACKEND_PROBE
            + dedent("""
            @pytest.fixture(scope="module")
            def anyio_backend():
                return "trio"

            @pytest.fixture(scope="module")
            async def value():
                return backend_name()

            async def test_late(value):
                assert value == backend_name() == "trio"

            async def test_late_again(value):
                assert value == backend_name() == "trio"
            """),
            conftest=LATE_MARKER_CONFTEST,
        )
        result.assert_outcomes(passed=2)

    def test_unmarked_tests_stay_unhandled(self, run_tests: RunTests) -> None:
        result = run_tests(
            """
            async def test_not_marked():
                pass
            """,
            conftest=LATE_MARKER_CONFTEST,
        )
        assert "passed" not in result.parseoutcomes()

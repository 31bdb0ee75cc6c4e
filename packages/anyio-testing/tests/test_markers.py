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

    @pytest.mark.parametrize(
        ("ini", "option", "runs"),
        [("", "auto", True), ("anyio_mode = auto", "strict", False)],
    )
    def test_command_line_option_overrides_the_ini_option(
        self, run_tests: RunTests, ini: str, option: str, *, runs: bool
    ) -> None:
        result = run_tests(
            CHECKS_LOOP
            + dedent("""
            async def test_unmarked():
                await in_loop()
            """),
            f"--anyio-mode={option}",
            ini=ini,
        )
        if runs:
            result.assert_outcomes(passed=N)
        else:
            assert "passed" not in result.parseoutcomes()

    def test_a_bad_command_line_mode_is_a_usage_error(self, run_tests: RunTests) -> None:
        result = run_tests("", "--anyio-mode=sometimes")
        assert result.ret == pytest.ExitCode.USAGE_ERROR
        result.stderr.fnmatch_lines(["*--anyio-mode: invalid choice: 'sometimes'*"])


# Stands in for pytest-asyncio, which is not installed here: it declares the same options,
# which is all the plugin looks at.
FAKE_PYTEST_ASYNCIO = """
    def pytest_addoption(parser):
        parser.addini("asyncio_mode", default="strict", help="")
        parser.addoption("--asyncio-mode", dest="asyncio_mode", default=None)
"""

AUTO_MODES_WARNING = (
    "*PytestConfigWarning: AnyIO auto mode has been enabled together with pytest-asyncio "
    "auto mode. This may cause unexpected behavior.*"
)


class TestAutoModeWithPytestAsyncio:
    @pytest.mark.parametrize(
        ("ini", "args"),
        [
            ("anyio_mode = auto\nasyncio_mode = auto", ()),
            ("anyio_mode = auto", ("--asyncio-mode=auto",)),
            ("asyncio_mode = auto", ("--anyio-mode=auto",)),
        ],
    )
    def test_both_auto_modes_warn(
        self, run_tests: RunTests, ini: str, args: tuple[str, ...]
    ) -> None:
        result = run_tests(
            "",
            "-W",
            "default::pytest.PytestConfigWarning",
            *args,
            ini=ini,
            conftest=FAKE_PYTEST_ASYNCIO,
        )
        result.stdout.fnmatch_lines([AUTO_MODES_WARNING])

    @pytest.mark.parametrize(
        ("ini", "conftest"),
        [
            ("anyio_mode = auto\nasyncio_mode = strict", FAKE_PYTEST_ASYNCIO),
            ("anyio_mode = strict\nasyncio_mode = auto", FAKE_PYTEST_ASYNCIO),
            ("anyio_mode = auto", None),
        ],
    )
    def test_no_warning_otherwise(
        self, run_tests: RunTests, ini: str, conftest: str | None
    ) -> None:
        result = run_tests(
            "", "-W", "default::pytest.PytestConfigWarning", ini=ini, conftest=conftest
        )
        result.stdout.no_fnmatch_line("*PytestConfigWarning*")


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
    """Such a test is collected again, now with the backend fixture: it runs on each backend."""

    def test_runs_on_each_backend(self, run_tests: RunTests) -> None:
        result = run_tests(
            BACKEND_PROBE
            + dedent("""
            @pytest.fixture
            async def value():
                yield backend_name()

            async def test_late(value):
                assert value == backend_name()
            """),
            "-v",
            conftest=LATE_MARKER_CONFTEST,
        )
        result.assert_outcomes(passed=N)
        result.stdout.fnmatch_lines([f"*test_late?{name}? PASSED*" for name in BACKENDS])

    def test_keeps_other_parameters_and_methods(self, run_tests: RunTests) -> None:
        result = run_tests(
            BACKEND_PROBE
            + dedent("""
            @pytest.mark.parametrize("x", [1, 1, 2])
            async def test_late_function(x):
                assert x in (1, 2)

            class TestLate:
                @pytest.mark.parametrize("y", ["a", "b"])
                async def test_late_method(self, y):
                    assert y in ("a", "b")

            @pytest.mark.parametrize("z", [3, 4])
            async def test_late_selected(z):
                assert z == 3
            """),
            "-v",
            "-k",
            "not test_late_selected or 3",
            conftest=LATE_MARKER_CONFTEST,
        )
        result.assert_outcomes(passed=6 * N)
        result.stdout.fnmatch_lines(
            [f"*test_late_function?{name}-1_0? PASSED*" for name in BACKENDS]
            + [f"*test_late_function?{name}-1_1? PASSED*" for name in BACKENDS]
            + [f"*TestLate::test_late_method?{name}-b? PASSED*" for name in BACKENDS]
            + [f"*test_late_selected?{name}-3? PASSED*" for name in BACKENDS],
            consecutive=False,
        )

    def test_k_selects_among_the_backends(self, run_tests: RunTests) -> None:
        result = run_tests(
            BACKEND_PROBE
            + dedent("""
            async def test_late():
                assert backend_name() == "asyncio"
            """),
            "-v",
            "-k",
            "late and asyncio",
            conftest=LATE_MARKER_CONFTEST,
        )
        result.assert_outcomes(passed=1)
        result.stdout.fnmatch_lines(["*test_late?asyncio? PASSED*"])

    def test_marker_added_by_a_trylast_hook_runs_once(self, run_tests: RunTests) -> None:
        result = run_tests(
            BACKEND_PROBE
            + dedent("""
            async def test_late():
                assert backend_name() == "asyncio"
            """),
            "-v",
            conftest="""
            import pytest

            @pytest.hookimpl(trylast=True)
            def pytest_collection_modifyitems(items):
                for item in items:
                    item.add_marker(pytest.mark.anyio)
            """,
        )
        result.assert_outcomes(passed=1)
        result.stdout.fnmatch_lines(["*test_late PASSED*"])

    def test_clones_keep_markers_added_late(self, run_tests: RunTests) -> None:
        result = run_tests(
            """
            async def test_late_and_failing():
                raise AssertionError("expected")
            """,
            conftest="""
            import pytest

            def pytest_collection_modifyitems(items):
                for item in items:
                    item.add_marker(pytest.mark.anyio)
                    item.add_marker(pytest.mark.xfail(reason="added late", strict=True))
            """,
        )
        result.assert_outcomes(xfailed=N)

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

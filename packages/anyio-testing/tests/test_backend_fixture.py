"""The anyio_backend fixture: defaults, overrides, parametrization, name and options."""

from __future__ import annotations

from textwrap import dedent
from typing import TYPE_CHECKING, Any

import pytest

from anyio.pytest_plugin import extract_backend_and_options

from .conftest import BACKENDS, N

if TYPE_CHECKING:
    from .conftest import RunTests

needs_trio = pytest.mark.skipif("trio" not in BACKENDS, reason="needs trio")

PROBE = dedent("""
    import anyio
    import pytest

    def backend_name():
        return anyio.get_cancelled_exc_class().__module__.partition(".")[0]
""")


class TestDefault:
    def test_runs_on_each_installed_backend_with_anyio_ids(self, run_tests: RunTests) -> None:
        result = run_tests(
            PROBE
            + dedent("""
            @pytest.mark.anyio
            async def test_x(anyio_backend, anyio_backend_name, anyio_backend_options):
                assert backend_name() == anyio_backend == anyio_backend_name
                assert anyio_backend_options == {}
            """),
            "-v",
        )
        result.assert_outcomes(passed=N)
        result.stdout.fnmatch_lines([f"*::test_x[[]{name}[]] PASSED*" for name in BACKENDS])

    def test_is_module_scoped(self, run_tests: RunTests) -> None:
        # Module scope: pytest runs a module's tests grouped by backend.
        result = run_tests(
            PROBE
            + dedent("""
            seen = []

            @pytest.mark.anyio
            async def test_a(anyio_backend):
                seen.append(anyio_backend)

            @pytest.mark.anyio
            async def test_b(anyio_backend):
                seen.append(anyio_backend)

            def test_order():
                backends = list(dict.fromkeys(seen))
                assert seen == [name for name in backends for _ in range(2)]
            """),
        )
        result.assert_outcomes(passed=2 * N + 1)

    def test_sync_tests_can_use_the_name_and_options(self, run_tests: RunTests) -> None:
        result = run_tests(
            dedent("""
            def test_x(anyio_backend_name, anyio_backend_options):
                assert anyio_backend_name in ("asyncio", "trio")
                assert anyio_backend_options == {}
            """),
        )
        result.assert_outcomes(passed=N)


class TestOverride:
    @needs_trio
    def test_with_a_name_in_conftest(self, run_tests: RunTests) -> None:
        result = run_tests(
            PROBE
            + dedent("""
            @pytest.mark.anyio
            async def test_x(anyio_backend_name):
                assert backend_name() == anyio_backend_name == "trio"
            """),
            "-v",
            conftest="""
            import pytest

            @pytest.fixture
            def anyio_backend():
                return "trio"
            """,
        )
        result.assert_outcomes(passed=1)
        result.stdout.fnmatch_lines(["*::test_x PASSED*"])

    def test_with_a_name_and_options(self, run_tests: RunTests) -> None:
        result = run_tests(
            PROBE
            + dedent("""
            @pytest.fixture(scope="module")
            def anyio_backend():
                return ("asyncio", {"debug": True})

            @pytest.mark.anyio
            async def test_x(anyio_backend_name, anyio_backend_options):
                assert backend_name() == anyio_backend_name == "asyncio"
                assert anyio_backend_options == {"debug": True}
            """),
        )
        result.assert_outcomes(passed=1)

    def test_with_params(self, run_tests: RunTests) -> None:
        result = run_tests(
            PROBE
            + dedent("""
            @pytest.fixture(params=[
                pytest.param(("asyncio", {"debug": True}), id="debug"),
                pytest.param(("asyncio", {"debug": False}), id="nodebug"),
            ])
            def anyio_backend(request):
                return request.param

            @pytest.mark.anyio
            async def test_x(anyio_backend_options):
                assert backend_name() == "asyncio"
            """),
            "-v",
        )
        result.assert_outcomes(passed=2)
        result.stdout.fnmatch_lines(["*test_x[[]debug[]] PASSED*", "*test_x[[]nodebug[]] PASSED*"])

    @needs_trio
    def test_with_parametrize(self, run_tests: RunTests) -> None:
        result = run_tests(
            PROBE
            + dedent("""
            @pytest.mark.anyio
            @pytest.mark.parametrize("anyio_backend", ["trio", "asyncio"])
            async def test_x(anyio_backend):
                assert backend_name() == anyio_backend
            """),
            "-v",
        )
        result.assert_outcomes(passed=2)
        result.stdout.fnmatch_lines(["*test_x[[]trio[]] PASSED*", "*test_x[[]asyncio[]] PASSED*"])

    def test_a_bad_value_is_reported(self, run_tests: RunTests) -> None:
        result = run_tests(
            dedent("""
            import pytest

            @pytest.fixture
            def anyio_backend():
                return ["asyncio"]

            @pytest.mark.anyio
            async def test_x():
                pass
            """),
        )
        result.assert_outcomes(failed=1)
        result.stdout.fnmatch_lines(["*TypeError: anyio_backend must be a backend name*"])

    def test_an_unknown_backend_is_reported(self, run_tests: RunTests) -> None:
        result = run_tests(
            dedent("""
            import pytest

            @pytest.fixture
            def anyio_backend():
                return "curio"

            @pytest.mark.anyio
            async def test_x():
                pass
            """),
        )
        result.assert_outcomes(failed=1)
        result.stdout.fnmatch_lines(["*curio*"])


class TestExtractBackendAndOptions:
    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            ("trio", ("trio", {})),
            (("asyncio", {"debug": True}), ("asyncio", {"debug": True})),
        ],
    )
    def test_accepts(self, value: object, expected: tuple[str, dict[str, Any]]) -> None:
        assert extract_backend_and_options(value) == expected

    @pytest.mark.parametrize(
        "value", [None, ["asyncio"], ("asyncio",), ("asyncio", None), (1, {}), ("a", {}, 1)]
    )
    def test_rejects(self, value: object) -> None:
        with pytest.raises(TypeError, match="anyio_backend must be a backend name"):
            extract_backend_and_options(value)

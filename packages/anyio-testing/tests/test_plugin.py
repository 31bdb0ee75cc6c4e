"""The plugin as a whole: registration, public names, runner leases, backend neutrality."""

from __future__ import annotations

import ast
import json
from importlib.metadata import entry_points
from pathlib import Path
from textwrap import dedent
from typing import TYPE_CHECKING, Any

import pytest

import anyio.pytest_plugin
from anyio.abc import TestRunner
from anyio.pytest_plugin import get_runner

from .conftest import BACKENDS

if TYPE_CHECKING:
    from .conftest import RunTests

SRC = Path(__file__).parent.parent / "src" / "anyio"
API = Path(__file__).parents[2] / "anyio-core" / "tests" / "anyio-4.13-api.json"

USES_BACKEND = dedent("""
    def test_x(anyio_backend):
        pass
""")


class TestRegistration:
    def test_entry_point_is_named_anyio(self) -> None:
        (point,) = [ep for ep in entry_points(group="pytest11") if ep.name == "anyio"]
        assert point.value == "anyio.pytest_plugin"

    def test_loaded_by_default(self, run_tests: RunTests) -> None:
        run_tests(USES_BACKEND).assert_outcomes(passed=len(BACKENDS))

    def test_disabled_with_p_no_anyio(self, run_tests: RunTests) -> None:
        result = run_tests(USES_BACKEND, "-p", "no:anyio")
        result.assert_outcomes(errors=1)
        result.stdout.fnmatch_lines(["*fixture 'anyio_backend' not found*"])

    def test_enabled_with_p_anyio_without_autoload(
        self, pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        # In a process of its own: "-p anyio" asks pytest to rewrite the asserts of the
        # plugin's package, which this process has imported already (a warning, on pytest 8).
        monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
        pytester.makeini("[pytest]\nfilterwarnings = error\n")
        pytester.makepyfile(test_it=USES_BACKEND)
        for args in ((), ("-p", "anyio")):
            result = pytester.runpytest_subprocess("-p", "no:cacheprovider", *args)
            outcomes = {"passed": len(BACKENDS)} if args else {"errors": 1}
            result.assert_outcomes(**outcomes)

    def test_marker_is_declared(self, run_tests: RunTests) -> None:
        result = run_tests(USES_BACKEND, "--markers")
        result.stdout.fnmatch_lines(["@pytest.mark.anyio:*"])


class TestPublicNames:
    def test_every_exported_name_exists_and_is_in_anyio_413(self) -> None:
        anyio_names = json.loads(API.read_text())["modules"]["anyio.pytest_plugin"]
        for name in anyio.pytest_plugin.__all__:
            assert hasattr(anyio.pytest_plugin, name)
            assert name in anyio_names or name == "pytest_collection_modifyitems"

    def test_anyio_413_public_names_that_we_keep(self) -> None:
        for name in ("FreePortFactory", "TestRunner", "get_available_backends", "get_runner"):
            assert hasattr(anyio.pytest_plugin, name)

    def test_pytest_is_not_a_dependency(self) -> None:
        from importlib.metadata import requires

        assert not any(req.startswith("pytest") for req in requires("anyio-testing") or [])

    def test_imports_neither_asyncio_nor_trio(self) -> None:
        for path, name in _imports():
            assert name.partition(".")[0] not in ("asyncio", "trio"), path

    def test_imports_no_pytest_internals(self) -> None:
        """Only pytest's public API: its internals change and warn (AnyIO 4.13 did, #1271)."""
        for path, name in _imports():
            assert name.partition(".")[0] != "_pytest", path


def _imports() -> list[tuple[Path, str]]:
    """Each module the plugin's source files import, with the file importing it."""
    found = []
    for path in [SRC / "pytest_plugin.py", *(SRC / "_testing").glob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                found += [(path, alias.name) for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                found.append((path, node.module or ""))
    return found


class TestGetRunner:
    def test_holders_share_one_runner_until_the_last_returns_it(self) -> None:
        with get_runner("asyncio", {}) as first:
            assert isinstance(first, TestRunner)
            with get_runner("asyncio", {}) as second:
                assert second is first
            with get_runner("asyncio", {}) as third:
                assert third is first
        with get_runner("asyncio", {}) as fresh:
            assert fresh is not first

    def test_other_backend_or_options_get_their_own_runner(self) -> None:
        with get_runner("asyncio", {}) as plain, get_runner("asyncio", {"debug": True}) as debug:
            assert debug is not plain
            for name in BACKENDS:
                with get_runner(name, {}) as runner:
                    assert (runner is plain) == (name == "asyncio")

    @pytest.mark.parametrize("backend", BACKENDS)
    def test_runs_fixtures_and_tests_in_one_task(self, backend: str) -> None:
        async def task_id() -> int:
            return anyio.get_current_task().id

        async def check(expected: Any) -> None:
            assert await task_id() == expected

        with get_runner(backend, {}) as runner:
            first = runner.run_fixture(task_id, {})
            runner.run_test(check, {"expected": first})

    def test_unknown_backend(self) -> None:
        with pytest.raises(LookupError), get_runner("curio", {}):
            pass

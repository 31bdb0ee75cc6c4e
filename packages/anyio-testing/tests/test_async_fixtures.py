"""Async fixtures: every kind and scope, one loop and task with the test, teardown."""

from __future__ import annotations

from textwrap import dedent
from typing import TYPE_CHECKING

import pytest

from .conftest import BACKENDS, N

if TYPE_CHECKING:
    from .conftest import RunTests

# The fixtures of these tests record the runner task they ran in; the tests check that
# they run in the same one (so on the same event loop, with the same context).
TASK = dedent("""
    import anyio
    import pytest

    def task_id():
        return anyio.get_current_task().id
""")


class TestKinds:
    def test_coroutine_and_async_generator_fixtures(self, run_tests: RunTests) -> None:
        result = run_tests(
            TASK
            + dedent("""
            @pytest.fixture
            async def coro():
                await anyio.sleep(0)
                return task_id()

            @pytest.fixture
            async def agen():
                await anyio.sleep(0)
                yield task_id()
                await anyio.sleep(0)

            @pytest.mark.anyio
            async def test_x(coro, agen):
                assert coro == agen == task_id()
            """),
        )
        result.assert_outcomes(passed=N)

    def test_fixtures_depending_on_fixtures(self, run_tests: RunTests) -> None:
        result = run_tests(
            TASK
            + dedent("""
            @pytest.fixture
            async def base():
                return [task_id()]

            @pytest.fixture
            async def derived(base, anyio_backend_name):
                yield [*base, task_id()]

            @pytest.mark.anyio
            async def test_x(derived):
                assert derived == [task_id()] * 2
            """),
        )
        result.assert_outcomes(passed=N)

    def test_fixture_may_ask_for_anyio_backend_and_request(self, run_tests: RunTests) -> None:
        result = run_tests(
            TASK
            + dedent("""
            @pytest.fixture
            async def fx(anyio_backend, request):
                return anyio_backend, request.node.name

            @pytest.mark.anyio
            async def test_x(fx, anyio_backend):
                assert fx == (anyio_backend, f"test_x[{anyio_backend}]")
            """),
        )
        result.assert_outcomes(passed=N)

    def test_class_fixture_sees_the_test_instance(self, run_tests: RunTests) -> None:
        result = run_tests(
            TASK
            + dedent("""
            @pytest.mark.anyio
            class TestIt:
                @pytest.fixture
                async def fx(self):
                    self.value = task_id()
                    yield self.value

                async def test_x(self, fx):
                    assert self.value == fx == task_id()
            """),
        )
        result.assert_outcomes(passed=N)

    def test_context_variables_reach_the_test(self, run_tests: RunTests) -> None:
        result = run_tests(
            TASK
            + dedent("""
            from contextvars import ContextVar

            var = ContextVar("var")

            @pytest.fixture
            async def coro():
                var.set("coro")

            @pytest.fixture
            async def agen(coro):
                assert var.get() == "coro"
                var.set("agen")
                yield
                assert var.get() == "test"

            @pytest.mark.anyio
            async def test_x(agen):
                assert var.get() == "agen"
                var.set("test")
            """),
        )
        result.assert_outcomes(passed=N)

    def test_sync_fixtures_are_left_alone(self, run_tests: RunTests) -> None:
        result = run_tests(
            TASK
            + dedent("""
            @pytest.fixture
            def sync():
                yield 1

            @pytest.mark.anyio
            async def test_x(sync):
                assert sync == 1
            """),
        )
        result.assert_outcomes(passed=N)


SESSION_BACKEND_CONFTEST = """
    import pytest

    @pytest.fixture(scope="session", params=[{backends}])
    def anyio_backend(request):
        return request.param
"""


class TestScopes:
    @pytest.mark.parametrize("scope", ["function", "class", "module", "package", "session"])
    def test_a_fixture_shares_the_loop_with_tests_of_its_scope(
        self, run_tests: RunTests, scope: str
    ) -> None:
        # The fixture counts its setups; every test of its scope sees the task it ran in.
        module = TASK + dedent(f"""
            setups = []

            @pytest.fixture(scope="{scope}")
            async def shared():
                setups.append(task_id())
                yield task_id()

            @pytest.mark.anyio
            class TestOne:
                async def test_a(self, shared):
                    assert shared == task_id()

                async def test_b(self, shared):
                    assert shared == task_id()

            @pytest.mark.anyio
            async def test_c(shared):
                assert shared == task_id()

            def test_setup_count():
                per_backend = {{"function": 3, "class": 2}}.get("{scope}", 1)
                assert len(setups) == per_backend * {N}
        """)
        backends = ", ".join(repr(name) for name in BACKENDS)
        result = run_tests(module, conftest=SESSION_BACKEND_CONFTEST.format(backends=backends))
        result.assert_outcomes(passed=3 * N + 1)

    def test_module_fixture_objects_work_in_each_test(self, run_tests: RunTests) -> None:
        result = run_tests(
            TASK
            + dedent("""
            @pytest.fixture(scope="module")
            async def semaphore():
                semaphore = anyio.Semaphore(1)
                await semaphore.acquire()
                yield semaphore

            @pytest.mark.anyio
            @pytest.mark.parametrize("item", [1, 2, 3])
            async def test_x(semaphore, item):
                # A waiter parks on the fixture's semaphore, on this test's loop.
                assert semaphore.value == 0
                async with anyio.create_task_group() as tg:
                    tg.start_soon(semaphore.acquire)
                    await anyio.wait_all_tasks_blocked()
                    semaphore.release()
                assert semaphore.value == 0
            """),
        )
        result.assert_outcomes(passed=3 * N)

    def test_a_task_group_can_span_the_yield(self, run_tests: RunTests) -> None:
        result = run_tests(
            TASK
            + dedent("""
            @pytest.fixture(scope="module")
            async def server():
                started = []
                async with anyio.create_task_group() as tg:
                    async def serve(*, task_status=anyio.TASK_STATUS_IGNORED):
                        started.append(True)
                        task_status.started()
                        await anyio.sleep_forever()

                    await tg.start(serve)
                    yield started
                    tg.cancel_scope.cancel()

            @pytest.mark.anyio
            async def test_a(server):
                assert server == [True]

            @pytest.mark.anyio
            async def test_b(server):
                assert server == [True]
            """),
        )
        result.assert_outcomes(passed=2 * N)


class TestTeardown:
    @pytest.mark.parametrize(
        ("body", "outcome"),
        [
            ("pass", "passed"),
            ("assert False", "failed"),
            ("raise RuntimeError('boom')", "failed"),
            ("pytest.skip('no')", "skipped"),
            ("pytest.xfail('no')", "xfailed"),
            ("pytest.fail('no')", "failed"),
        ],
    )
    def test_teardown_runs_whatever_the_test_does(
        self, run_tests: RunTests, pytester: pytest.Pytester, body: str, outcome: str
    ) -> None:
        result = run_tests(
            TASK
            + dedent(f"""
            @pytest.fixture
            async def coro():
                pass

            @pytest.fixture
            async def agen(coro):
                yield
                await anyio.sleep(0)
                with open("teardowns.txt", "a") as file:
                    file.write("function\\n")

            @pytest.fixture(scope="module")
            async def module_agen():
                yield
                await anyio.sleep(0)
                with open("teardowns.txt", "a") as file:
                    file.write("module\\n")

            @pytest.mark.anyio
            async def test_x(module_agen, agen):
                await anyio.sleep(0)
                {body}
            """),
        )
        result.assert_outcomes(**{outcome: N})
        lines = (pytester.path / "teardowns.txt").read_text().split()
        assert lines == ["function", "module"] * N

    def test_teardown_error_is_reported(self, run_tests: RunTests) -> None:
        result = run_tests(
            TASK
            + dedent("""
            @pytest.fixture
            async def agen():
                yield
                raise RuntimeError("teardown failed")

            @pytest.mark.anyio
            async def test_x(agen):
                pass
            """),
        )
        result.assert_outcomes(passed=N, errors=N)
        result.stdout.fnmatch_lines(["*RuntimeError: teardown failed*"])

    def test_an_async_generator_fixture_must_yield_once(self, run_tests: RunTests) -> None:
        result = run_tests(
            TASK
            + dedent("""
            @pytest.fixture
            async def agen():
                yield 1
                yield 2

            @pytest.mark.anyio
            async def test_x(agen):
                pass
            """),
        )
        result.assert_outcomes(passed=N, errors=N)

    @pytest.mark.parametrize(
        "backend",
        [
            "asyncio",
            pytest.param(
                "trio",
                marks=pytest.mark.skipif("trio" not in BACKENDS, reason="needs trio"),
            ),
        ],
    )
    def test_teardown_runs_after_keyboard_interrupt(
        self, pytester: pytest.Pytester, backend: str
    ) -> None:
        pytester.makeini("[pytest]\nfilterwarnings = error\n")
        pytester.makepyfile(
            test_it=TASK
            + dedent(f"""
            @pytest.fixture
            def anyio_backend():
                return "{backend}"

            @pytest.fixture
            async def agen():
                yield
                with open("teardowns.txt", "a") as file:
                    file.write("done\\n")

            @pytest.mark.anyio
            async def test_x(agen):
                raise KeyboardInterrupt
            """)
        )
        result = pytester.runpytest_subprocess("-p", "no:cacheprovider", timeout=10)
        assert result.ret == pytest.ExitCode.INTERRUPTED
        assert (pytester.path / "teardowns.txt").read_text() == "done\n"


class TestSniffio:
    def test_sniffio_names_the_backend_in_fixtures_and_tests(self, run_tests: RunTests) -> None:
        pytest.importorskip("sniffio")
        result = run_tests(
            TASK
            + dedent("""
            import sniffio

            @pytest.fixture
            async def library():
                yield sniffio.current_async_library()

            @pytest.mark.anyio
            async def test_x(library, anyio_backend_name):
                assert library == sniffio.current_async_library() == anyio_backend_name
            """),
        )
        result.assert_outcomes(passed=N)

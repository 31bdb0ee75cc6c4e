"""The contract of a backend's pytest test runner."""

from __future__ import annotations

from abc import ABCMeta, abstractmethod
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    import types
    from collections.abc import AsyncGenerator, Callable, Coroutine, Iterable

    from typing_extensions import Self

_T = TypeVar("_T")


#: The error of a runner asked to run a job while it runs one: a fixture set up from a
#: running test (``request.getfixturevalue()``) would wait for the test, which waits for it.
#: It starts with AnyIO's words, which users' tests may match.
NESTED_CALL_MESSAGE = (
    "Cannot schedule a coroutine in the test runner while another is already running; "
    "an async fixture cannot be set up while an async test or fixture runs on the same "
    "event loop (request.getfixturevalue() was called from async code?): request the "
    "fixture as an argument of the test or fixture instead"
)


class TestRunner(metaclass=ABCMeta):
    """Runs async tests and fixtures on one event loop that stays alive between them.

    The pytest plugin enters one runner per backend and scope, and then hands it
    every fixture and test that needs that loop, so that fixtures and tests
    share the loop and context variables.
    """

    __test__ = False  # not a test class, whatever pytest thinks of the name

    def __enter__(self) -> Self:
        return self

    @abstractmethod
    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_val: BaseException | None,
        exc_tb: types.TracebackType | None,
    ) -> bool | None:
        """Close the event loop."""

    @abstractmethod
    def run_asyncgen_fixture(
        self,
        fixture_func: Callable[..., AsyncGenerator[_T, Any]],
        kwargs: dict[str, Any],
    ) -> Iterable[_T]:
        """Run an async generator fixture: yield its value once, then finish it.

        Args:
            fixture_func: the fixture function.
            kwargs: the keyword arguments to call it with.

        Returns:
            A generator yielding the fixture's value once; resuming it runs the
            teardown part.
        """

    @abstractmethod
    def run_fixture(
        self,
        fixture_func: Callable[..., Coroutine[Any, Any, _T]],
        kwargs: dict[str, Any],
    ) -> _T:
        """Run a coroutine fixture and return its value."""

    @abstractmethod
    def is_running(self) -> bool:
        """Tell whether the runner is running a test or fixture right now (AnyIO 4.14+).

        Setting up an async fixture from inside a running test of the same runner
        would wait for that test forever; this tells that case apart.
        """

    @abstractmethod
    def run_test(
        self, test_func: Callable[..., Coroutine[Any, Any, Any]], kwargs: dict[str, Any]
    ) -> None:
        """Run a test function to completion, raising what it raises."""

    def watch_deadlocks(self, enabled: bool = True) -> bool:
        """Stop a test or fixture step that deadlocks, instead of hanging (anyio only).

        While enabled, a step during which every task is blocked with nothing
        that could ever wake one (see ``docs/guides/debugging.md``) is cancelled
        and raises ``anyio.lowlevel.DeadlockError``, whose message holds the task
        tree. Call it before or after entering the runner; the pytest plugin turns
        it on for every runner unless ``--anyio-deadlock-detection=off``.

        Returns:
            Whether this runner can watch its loop (False for uvloop, and for a
            backend that does not implement it: then nothing changes).
        """
        return False


TestRunner.__module__ = "anyio.abc"

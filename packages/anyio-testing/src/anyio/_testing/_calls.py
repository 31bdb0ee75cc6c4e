"""Calling a test function on the test runner of its backend."""

from __future__ import annotations

import functools
import inspect
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from anyio.lowlevel import DeadlockError

from ._clock import clock_backend
from ._collect import LATE_BACKEND_FIXTURE, coroutine_test_function, late_backend_value
from ._interrupts import unwrap_interrupts
from ._runners import extract_backend_and_options, get_runner

if TYPE_CHECKING:
    from collections.abc import Iterator

    import pytest

    from anyio.abc import TestRunner


def backend_of(item: pytest.Function) -> object:
    """The ``anyio_backend`` value a test runs with, or None if it is not ours to run."""
    if "anyio_backend" in item.funcargs:
        return item.funcargs["anyio_backend"]
    if LATE_BACKEND_FIXTURE in item.funcargs:
        return late_backend_value()
    return None


def _test_arguments(item: pytest.Function) -> dict[str, Any]:
    """The fixture and parameter values the test function itself asked for."""
    # Like pytest: parameters with a default value are not filled from fixtures.
    parameters = inspect.signature(item.obj).parameters.values()
    return {
        p.name: item.funcargs[p.name]
        for p in parameters
        if p.default is p.empty and p.name in item.funcargs
    }


def _run_hypothesis_test(item: pytest.Function, runner: TestRunner, inner: Any) -> None:
    """Run a ``@given`` test: Hypothesis calls the inner test once per example.

    The synchronous inner test we give Hypothesis runs each example on the
    runner; the original is put back afterwards, so that the next backend's
    run wraps the user's function again, not our wrapper.
    """
    hypothesis = item.obj.hypothesis

    def run_example(*args: Any, **kwargs: Any) -> None:
        __tracebackhide__ = True
        try:
            runner.run_test(functools.partial(inner, *args), kwargs)
        except BaseException as exc:
            raise _from_frame_of(exc, inner) from exc.__cause__

    # Hypothesis reports a failing example as a call of this function.
    run_example.__name__, run_example.__qualname__ = inner.__name__, inner.__qualname__

    hypothesis.inner_test = run_example
    try:
        item.obj(**_test_arguments(item))
    finally:
        hypothesis.inner_test = inner


def _from_frame_of(exc: BaseException, func: Any) -> BaseException:
    """Drop the test runner's frames from ``exc``'s traceback, up to ``func``'s own.

    pytest cuts a failing test's traceback at the test function, and hides our
    frames; for a Hypothesis test that function is Hypothesis's wrapper, which
    calls us, so the runner's frames would show between it and the user's code.
    """
    code = getattr(func, "__code__", None)
    tb = exc.__traceback__
    while tb is not None and tb.tb_frame.f_code is not code:
        tb = tb.tb_next
    return exc.with_traceback(tb) if tb is not None else exc


def run_test(item: pytest.Function, backend: object) -> None:
    """Run the coroutine test ``item`` on the runner of ``backend``."""
    __tracebackhide__ = True
    inner = coroutine_test_function(item.obj)
    name, options = extract_backend_and_options(clock_backend(item, backend))
    with get_runner(name, options) as runner, unwrap_interrupts(), _deadlock_as_failure():
        if inner is item.obj:
            runner.run_test(item.obj, _test_arguments(item))
        else:
            _run_hypothesis_test(item, runner, inner)


@contextmanager
def _deadlock_as_failure() -> Iterator[None]:
    """Fail the test with the deadlock report alone (the runner's traceback says nothing)."""
    __tracebackhide__ = True
    try:
        yield
    except DeadlockError as exc:
        import pytest

        raise pytest.fail.Exception(str(exc), pytrace=False) from None

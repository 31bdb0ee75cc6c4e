"""The exception classes: bases, constructors, messages, pickling, deprecated names."""

from __future__ import annotations

import inspect
import json
import pickle
from pathlib import Path
from types import SimpleNamespace

import pytest

import anyio

API = json.loads((Path(__file__).parent / "anyio-4.13-api.json").read_text("utf-8"))
EXCEPTIONS = {
    name: spec for name, spec in API["modules"]["anyio"].items() if spec["kind"] == "exception"
}


@pytest.mark.parametrize("name", sorted(EXCEPTIONS))
class TestAgainstAnyIO413:
    def test_bases(self, name: str) -> None:
        cls = getattr(anyio, name)
        bases = [f"{base.__module__}.{base.__qualname__}" for base in cls.__bases__]
        assert bases == EXCEPTIONS[name]["bases"]

    def test_public_module(self, name: str) -> None:
        assert getattr(anyio, name).__module__ == "anyio"


@pytest.mark.parametrize(
    "name", sorted(name for name, spec in EXCEPTIONS.items() if spec.get("signature"))
)
def test_constructor_signature(name: str) -> None:
    assert str(inspect.signature(getattr(anyio, name))) == EXCEPTIONS[name]["signature"]


class TestMessages:
    def test_busy_resource(self) -> None:
        exc = anyio.BusyResourceError("reading from")
        assert str(exc) == "Another task is already reading from this resource"

    def test_delimiter_not_found(self) -> None:
        assert str(anyio.DelimiterNotFound(42)) == (
            "The delimiter was not found among the first 42 bytes"
        )

    def test_incomplete_read(self) -> None:
        assert "closed before the read operation could be completed" in str(anyio.IncompleteRead())

    def test_run_finished(self) -> None:
        assert "already finished" in str(anyio.RunFinishedError())

    def test_broken_worker_interpreter_keeps_the_excinfo(self) -> None:
        excinfo = SimpleNamespace(formatted="Traceback ...\nValueError: boom")
        exc = anyio.BrokenWorkerInterpreter(excinfo)
        assert exc.excinfo is excinfo
        assert "ValueError: boom" in str(exc)


class TestCatchingByBase:
    def test_connection_failed_is_an_os_error(self) -> None:
        with pytest.raises(OSError, match="refused"):
            raise anyio.ConnectionFailed("refused")

    def test_no_event_loop_is_a_runtime_error(self) -> None:
        with pytest.raises(RuntimeError):
            raise anyio.NoEventLoopError

    def test_typed_attribute_lookup_is_a_lookup_error(self) -> None:
        with pytest.raises(LookupError):
            raise anyio.TypedAttributeLookupError("Attribute not found")


@pytest.mark.parametrize(
    "exc",
    [
        anyio.BrokenResourceError("peer went away"),
        anyio.BrokenWorkerProcess(),
        anyio.ClosedResourceError(),
        anyio.ConnectionFailed("refused"),
        anyio.EndOfStream(),
        anyio.NoEventLoopError("no loop"),
        anyio.TypedAttributeLookupError("Attribute not found"),
        anyio.WouldBlock(),
    ],
    ids=lambda exc: type(exc).__name__,
)
def test_pickle_round_trip(exc: BaseException) -> None:
    # These cross process boundaries (to_process workers, multiprocessing).
    clone = pickle.loads(pickle.dumps(exc))
    assert type(clone) is type(exc)
    assert clone.args == exc.args


class TestDeprecatedAlias:
    def test_misspelt_name_warns_and_resolves(self) -> None:
        with pytest.warns(DeprecationWarning, match="BrokenWorkerInterpreter") as record:
            cls = anyio.BrokenWorkerIntepreter  # type: ignore[attr-defined]
        assert cls is anyio.BrokenWorkerInterpreter
        # Attributed to the caller, so that Python's default filters show it.
        assert record[0].filename == __file__

    def test_from_import(self) -> None:
        with pytest.warns(DeprecationWarning, match="deprecated"):
            from anyio import BrokenWorkerIntepreter  # type: ignore[attr-defined]
        assert BrokenWorkerIntepreter is anyio.BrokenWorkerInterpreter

    def test_not_listed_by_dir(self) -> None:
        assert "BrokenWorkerIntepreter" not in dir(anyio)

    def test_other_names_still_raise_attribute_error(self) -> None:
        with pytest.raises(AttributeError):
            anyio.BrokenWorkerInterpretor  # type: ignore[attr-defined]  # noqa: B018

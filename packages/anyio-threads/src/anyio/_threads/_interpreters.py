"""Worker subinterpreters for `anyio.to_interpreter.run_sync()`.

The problem
-----------
A subinterpreter (PEP 554/734) runs Python code with its own GIL (the default "isolated"
configuration), so CPU-bound work in it runs in parallel with the main interpreter, without
the start-up cost and memory of a process. Python 3.14 exposes them publicly as
`concurrent.interpreters`; Python 3.13 has only the private `_interpreters` module (with
`_interpqueues` for data), and older Pythons have nothing usable.

What we do
----------
A `Worker` owns one subinterpreter and a one-item queue. At creation it runs `_SETUP`
in the subinterpreter's `__main__`, which defines two helpers there: `_anyio_serve()`
(unpickle a request, call it, pickle the outcome) and `_anyio_reply()` (put the answer in the
queue). A call then:

1. pickles `(func, args)` in the host interpreter and binds the bytes to `__main__`;
2. executes `_CALL` in the subinterpreter (blocking: `run_sync()` does this in a worker
   thread): the function runs there, its return value or exception is pickled and queued;
3. takes the answer from the queue, unpickles it, and returns the value or raises the
   exception in the host.

Only `bytes` cross the boundary, which every version shares without conditions, and the
subinterpreter never imports anyio: it runs two small functions of the standard library's
`pickle`. The function and its arguments must be picklable by reference (a module-level
function of an importable module, not a lambda or a function of `__main__`).

A failure of the machinery itself (the code above raises instead of answering, or the
subinterpreter is gone) is a crash of the worker: it is destroyed, never reused, and the
caller gets `BrokenWorkerInterpreter` with the subinterpreter's error. An exception of the
function is not a crash: it is raised as itself, with the subinterpreter's traceback as a
note.

The two backends of `Worker` differ only in the module they call; `create_worker()` picks
one by Python version. Pool bookkeeping (idle workers, pruning) lives in
`anyio.to_interpreter` and runs on the event loop thread.
"""

from __future__ import annotations

import pickle
import sys
from typing import Any, Final, Protocol

from .. import BrokenWorkerInterpreter

#: Run once in each new subinterpreter's `__main__`. It needs nothing but the standard
#: library: importing anyio there would slow down every new worker, and could fail where an
#: installed extension module (of uvloop, say) does not support isolated interpreters.
_SETUP = """
import pickle as _anyio_pickle
import traceback as _anyio_traceback


def _anyio_serve(request):
    try:
        func, args = _anyio_pickle.loads(request)
        outcome = (False, func(*args))
    except BaseException as exc:
        lines = _anyio_traceback.format_exception(exc)
        exc.add_note("Traceback in the worker interpreter:\\n" + "".join(lines).rstrip())
        outcome = (True, exc)
    try:
        return _anyio_pickle.dumps(outcome, _anyio_pickle.HIGHEST_PROTOCOL)
    except BaseException as exc:
        what = "exception" if outcome[0] else "return value"
        error = TypeError(
            f"the {what} of the function run in the worker interpreter could not be "
            f"pickled to send it back ({type(exc).__name__}: {exc}); it was a "
            f"{type(outcome[1]).__qualname__} object; return or raise picklable objects"
        )
        return _anyio_pickle.dumps((True, error), _anyio_pickle.HIGHEST_PROTOCOL)
"""

#: Run for each call; `_anyio_request` is bound to `__main__` just before.
_CALL = "_anyio_reply(_anyio_serve(_anyio_request))\ndel _anyio_request\n"


class Worker(Protocol):
    """One subinterpreter and its channel; used by one call at a time."""

    #: When the worker was last used (the event loop's clock); set by the pool.
    last_used: float
    #: Whether `close()` was called (a crashed worker is closed at once).
    closed: bool

    def exchange(self, request: bytes) -> bytes:
        """Serve one pickled request in the subinterpreter and return the pickled answer.

        Raises:
            BrokenWorkerInterpreter: if the subinterpreter failed instead of answering.
        """

    def close(self) -> None:
        """Destroy the subinterpreter (and its channel); nothing happens the second time."""


def unsupported_message() -> str:
    """The error for a Python without subinterpreter support (AnyIO's words first)."""
    version = ".".join(map(str, sys.version_info[:3]))
    return (
        f"subinterpreters require at least Python 3.13 (this is Python {version}); "
        "use anyio.to_process.run_sync() for CPU-bound work on this Python"
    )


def check_supported() -> None:
    """Raise `RuntimeError` if this Python has no subinterpreter support.

    Raises:
        RuntimeError: on Python < 3.13.
    """
    if sys.version_info < (3, 13):
        raise RuntimeError(unsupported_message())


def create_worker() -> Worker:
    """Create a worker for the running Python (blocking: call it in a worker thread).

    Raises:
        RuntimeError: if this Python has no subinterpreter support.
        BrokenWorkerInterpreter: if the new subinterpreter failed to set up.
    """
    return _new_worker()


def call(worker: Worker, func: Any, args: tuple[Any, ...]) -> Any:
    """Run `func(*args)` in `worker` and return its result (blocking: in a worker thread).

    Raises:
        BrokenWorkerInterpreter: if the worker crashed (it is closed; do not reuse it).
        BaseException: whatever `func` raised, or the error pickling the request.
    """
    try:
        request = pickle.dumps((func, args), pickle.HIGHEST_PROTOCOL)
    except Exception as exc:
        exc.add_note(  # type: ignore[attr-defined,unused-ignore]  # 3.11+; this runs on 3.13+
            "to_interpreter.run_sync() pickles the function and its arguments to send them "
            "to the worker interpreter: pass a module-level function of an importable "
            "module (not a lambda, a local function or one defined in __main__) and "
            "picklable arguments"
        )
        raise
    try:
        answer = worker.exchange(request)
    except BrokenWorkerInterpreter:
        worker.close()
        raise
    failed, value = pickle.loads(answer)
    if failed:
        try:
            raise value
        finally:
            del value
    return value


if sys.version_info >= (3, 14):
    from concurrent import interpreters as _interpreters_api

    class _PublicApiWorker:
        """A worker on `concurrent.interpreters` (Python 3.14+).

        `Interpreter.exec()` raises `ExecutionFailed` (whose `excinfo` describes the error)
        when the code raises; a `concurrent.interpreters.Queue` is shareable, so the
        subinterpreter gets the queue object itself through `prepare_main()`.
        """

        _REPLY = "def _anyio_reply(answer):\n    _anyio_queue.put(answer)\n"

        def __init__(self) -> None:
            self.last_used = 0.0
            self.closed = False
            self._interpreter = _interpreters_api.create()
            try:
                self._queue = _interpreters_api.create_queue(maxsize=1)
                self._interpreter.prepare_main(_anyio_queue=self._queue)
                self._exec(_SETUP + self._REPLY)
            except BaseException:
                self.close()
                raise

        def exchange(self, request: bytes) -> bytes:
            self._interpreter.prepare_main(_anyio_request=request)
            self._exec(_CALL)
            answer = self._queue.get_nowait()
            assert isinstance(answer, bytes), "_SETUP replies with bytes"
            return answer

        def _exec(self, code: str) -> None:
            try:
                self._interpreter.exec(code)
            except _interpreters_api.ExecutionFailed as exc:
                raise BrokenWorkerInterpreter(exc.excinfo) from exc

        def close(self) -> None:
            if not self.closed:
                self.closed = True
                self._interpreter.close()

    def _new_worker() -> Worker:
        return _PublicApiWorker()

elif sys.version_info >= (3, 13):
    import _interpqueues
    import _interpreters

    #: `_interpqueues` item format: the data is shared as is (we only ever put `bytes`).
    _SHARED_DATA: Final = 0
    #: What happens to an item whose interpreter is destroyed first: it is removed.
    _UNBOUND_REMOVE: Final = 1

    class _PrivateApiWorker:
        """A worker on CPython 3.13's private `_interpreters` and `_interpqueues` modules.

        `_interpreters.exec()` returns `None`, or a namespace describing the exception that
        the code raised (`type`, `msg`, `formatted`, `errdisplay`). Queues are known to the
        subinterpreter by their integer id.
        """

        def __init__(self) -> None:
            self.last_used = 0.0
            self.closed = False
            self._queue: int | None = None
            self._id = _interpreters.create()
            try:
                self._queue = _interpqueues.create(1, _SHARED_DATA, _UNBOUND_REMOVE)
                _interpreters.set___main___attrs(self._id, {"_anyio_queue_id": self._queue})
                self._exec(_SETUP + self._reply_code())
            except BaseException:
                self.close()
                raise

        @staticmethod
        def _reply_code() -> str:
            return (
                "import _interpqueues as _anyio_queues\n"
                "def _anyio_reply(answer):\n"
                f"    _anyio_queues.put(_anyio_queue_id, answer, {_SHARED_DATA}, "
                f"{_UNBOUND_REMOVE})\n"
            )

        def exchange(self, request: bytes) -> bytes:
            _interpreters.set___main___attrs(self._id, {"_anyio_request": request})
            self._exec(_CALL)
            assert self._queue is not None, "created in __init__"
            answer: bytes = _interpqueues.get(self._queue)[0]
            return answer

        def _exec(self, code: str) -> None:
            excinfo = _interpreters.exec(self._id, code)
            if excinfo is not None:
                raise BrokenWorkerInterpreter(excinfo)

        def close(self) -> None:
            if self.closed:
                return
            self.closed = True
            if self._queue is not None:
                _interpqueues.destroy(self._queue)
            _interpreters.destroy(self._id)

    def _new_worker() -> Worker:
        return _PrivateApiWorker()

else:

    def _new_worker() -> Worker:
        raise RuntimeError(unsupported_message())

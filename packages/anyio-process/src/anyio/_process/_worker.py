"""The worker processes of `anyio.to_process`: the wire format, the pool, the worker's loop.

Wire format
-----------
Parent and worker exchange pickles over the worker's stdin and stdout, each
framed by an 8-byte big-endian length. The parent sends ``("init", (sys.path,
main))`` once, then ``("run", (func, args))`` per call; the worker answers
each with ``(True, value)`` or ``(False, exception)``. The worker's own
``sys.stdout`` (and fd 1) goes to ``os.devnull``, so that a ``print()`` in the
function cannot corrupt the frames; its stderr is inherited from the parent,
so no pipe that nobody reads can fill up and stall it (and tracebacks stay
visible).

The caller's ``__main__``
-------------------------
A function defined in the parent's ``__main__`` is pickled as
``__main__.<name>``. The worker therefore loads the parent's main script as
``__mp_main__`` (so its ``if __name__ == "__main__":`` block does not run) and
makes it its ``__main__``, as `multiprocessing` does. The script is loaded
with an explicit source loader, so a console-script entry point without a
``.py`` suffix works (anyio#1027), and a path that no longer exists is
skipped (anyio#696). The worker makes that check: the parent, in its event
loop thread, only sends the path (no blocking ``stat()`` there). A main
module run with ``-m`` is imported by name.

The pool
--------
One pool per event loop (a `RunVar`): idle workers are reused, most recently
used first; a worker idle for longer than ``anyio.to_process.WORKER_MAX_IDLE_TIME``
is retired the next time the pool is used. A system task closes every worker when the
event loop shuts down.
"""

from __future__ import annotations

import os
import pickle
import struct
import sys
from collections import deque
from importlib.machinery import SourceFileLoader
from importlib.util import module_from_spec, spec_from_loader
from typing import TYPE_CHECKING, Any, BinaryIO

from anyio import (
    BrokenResourceError,
    BrokenWorkerProcess,
    CancelScope,
    EndOfStream,
    current_time,
    sleep_forever,
)
from anyio.lowlevel import RunVar, current_token

from ._process import open_process

if TYPE_CHECKING:
    from collections.abc import Callable

    from anyio.abc import Process as AbstractProcess

_HEADER = struct.Struct("!Q")
_WORKER_CODE = "from anyio.to_process import process_worker; process_worker()"


# -- the parent's side


def pickle_call(func: Callable[..., Any], args: tuple[Any, ...]) -> bytes:
    """Pickle a ``("run", ...)`` request, with an error that says what could not be pickled."""
    try:
        return pickle.dumps(("run", (func, args)), pickle.HIGHEST_PROTOCOL)
    except Exception as exc:
        raise pickle.PicklingError(
            f"to_process.run_sync() could not pickle {func!r} or its arguments ({exc}); the "
            "function must be importable by name in another process (not a lambda, a local "
            "function or a bound method of an unpicklable object) and every argument picklable"
        ) from exc


def _main_reference() -> tuple[str, str] | None:
    """Say how the worker can load our ``__main__``: ("module", name), ("path", file) or None.

    Runs in the event loop thread, so it touches no file system: the worker
    checks that the file exists (and resolves a relative path against the
    working directory it inherited from us).
    """
    main = sys.modules.get("__main__")
    spec = getattr(main, "__spec__", None)
    name = getattr(spec, "name", None)
    if name and name != "__main__" and not name.endswith(".__main__"):
        return ("module", name)
    path = getattr(main, "__file__", None)
    if isinstance(path, str):
        return ("path", path)
    return None


class Worker:
    """One worker process, and the bytes of its answers read but not yet used."""

    def __init__(self, process: AbstractProcess) -> None:
        assert process.stdin is not None
        assert process.stdout is not None
        self.process = process
        self._requests = process.stdin
        self._answers = process.stdout
        # Invariant: holds the start of the next answer frame (it never spans two calls).
        self._buffer = bytearray()
        self.idle_since = 0.0

    async def call(self, request: bytes) -> Any:
        """Send a pickled request; return the unpickled answer (``(ok, value)``).

        Raises:
            BrokenWorkerProcess: if the worker died or its pipes broke.
        """
        try:
            await self._requests.send(_HEADER.pack(len(request)) + request)
            answer = await self._receive_frame()
        except (BrokenResourceError, EndOfStream) as exc:
            raise BrokenWorkerProcess(
                f"the worker process (pid {self.process.pid}) died or closed its pipes "
                "while running the function; see its output on stderr"
            ) from exc
        return pickle.loads(answer)

    async def _receive_frame(self) -> bytes:
        """Read one length-prefixed frame.

        Usually one ``receive()`` brings the whole frame (header and pickle), so a
        round trip costs two checkpoints: the send and this read.
        """
        buffer = self._buffer
        needed = _HEADER.size
        while True:
            if len(buffer) >= _HEADER.size:
                needed = _HEADER.size + _HEADER.unpack_from(buffer)[0]
                if len(buffer) >= needed:
                    with memoryview(buffer) as view:
                        frame = bytes(view[_HEADER.size : needed])
                    del buffer[:needed]
                    return frame
            buffer += await self._answers.receive(65536)  # a pipe holds no more than that

    async def close(self) -> None:
        """Close the worker's stdin (it exits) and reap it; kill it if cancelled."""
        with CancelScope(shield=True):
            await self.process.aclose()

    async def kill(self) -> None:
        """Kill the worker and reap it, shielded."""
        with CancelScope(shield=True):
            self.process.kill()
            await self.process.aclose()


async def start_worker() -> Worker:
    """Start a worker process and initialize it (sys.path, the caller's ``__main__``)."""
    process = await open_process([sys.executable, "-u", "-c", _WORKER_CODE], stderr=None)
    worker = Worker(process)
    try:
        init = pickle.dumps(("init", (sys.path, _main_reference())), pickle.HIGHEST_PROTOCOL)
        ok, value = await worker.call(init)
        if not ok:
            raise value
    except BaseException:
        await worker.kill()
        raise
    return worker


class Pool:
    """The worker processes of one event loop."""

    def __init__(self) -> None:
        # Invariant: every live worker is in _all; the idle ones also in _idle (newest last).
        self._idle: deque[Worker] = deque()
        self._all: set[Worker] = set()

    async def take(self, max_idle: float) -> Worker:
        """Return an idle worker (retiring those idle for over ``max_idle`` seconds) or a new one."""
        await self._retire_stale(max_idle)
        while self._idle:
            worker = self._idle.pop()
            if worker.process.returncode is None:
                return worker
            await self.discard(worker)
        worker = await start_worker()
        self._all.add(worker)
        return worker

    def give_back(self, worker: Worker) -> None:
        """Put a worker that finished a call back among the idle ones."""
        worker.idle_since = current_time()
        self._idle.append(worker)

    async def discard(self, worker: Worker) -> None:
        """Kill a worker that is broken or was cancelled, and forget it."""
        self._all.discard(worker)
        await worker.kill()

    async def _retire_stale(self, max_idle: float) -> None:
        now = current_time()
        while self._idle and now - self._idle[0].idle_since > max_idle:
            worker = self._idle.popleft()
            self._all.discard(worker)
            await worker.close()

    async def close_all(self) -> None:
        """Close every worker (at event loop shutdown)."""
        self._idle.clear()
        while self._all:
            await self._all.pop().close()


_pools: RunVar[Pool] = RunVar("anyio.to_process worker pool")


async def _close_at_shutdown(pool: Pool) -> None:
    try:
        await sleep_forever()
    finally:
        with CancelScope(shield=True):
            await pool.close_all()


def current_pool() -> Pool:
    """Return this event loop's pool, creating it (and its shutdown task) on first use."""
    try:
        return _pools.get()
    except LookupError:
        pool = Pool()
        _pools.set(pool)
        token = current_token()
        token.backend.spawn_system_task(_close_at_shutdown, pool)
        return pool


# -- the worker's side


def _load_main(reference: tuple[str, str] | None) -> None:
    """Make the parent's main module this process's ``__main__`` (see the module docstring)."""
    if reference is None:
        return
    kind, where = reference
    if kind == "path" and not os.path.isfile(where):
        return  # the script is gone (anyio#696), or was never a file (``-c``)
    if kind == "module":
        import importlib

        module = importlib.import_module(where)
    else:
        where = os.path.abspath(where)
        loader = SourceFileLoader("__mp_main__", where)
        spec = spec_from_loader("__mp_main__", loader)
        assert spec is not None
        module = module_from_spec(spec)
        sys.modules["__mp_main__"] = module
        loader.exec_module(module)
    sys.modules["__main__"] = sys.modules["__mp_main__"] = module


def _answer(request: bytes) -> tuple[bool, Any]:
    try:
        command, payload = pickle.loads(request)
    except BaseException as exc:
        return False, pickle.UnpicklingError(
            f"the worker process could not unpickle the function or its arguments: {exc!r}"
        )
    try:
        if command == "init":
            path, main = payload
            sys.path[:] = path
            _load_main(main)
            return True, None
        func, args = payload
        return True, func(*args)
    except BaseException as exc:
        return False, exc


def _encode(answer: tuple[bool, Any]) -> bytes:
    try:
        return pickle.dumps(answer, pickle.HIGHEST_PROTOCOL)
    except Exception as exc:
        ok, value = answer
        what = "return value" if ok else f"exception ({value!r})"
        error = pickle.PicklingError(f"the worker process could not pickle the {what}: {exc!r}")
        return pickle.dumps((False, error), pickle.HIGHEST_PROTOCOL)


def _read_exactly(stream: BinaryIO, size: int) -> bytes | None:
    data = stream.read(size)
    return data if len(data) == size else None


def serve(requests: BinaryIO, answers: BinaryIO) -> None:
    """Answer requests until the parent closes our stdin."""
    while (header := _read_exactly(requests, _HEADER.size)) is not None:
        request = _read_exactly(requests, _HEADER.unpack(header)[0])
        if request is None:
            return
        answer = _encode(_answer(request))
        answers.write(_HEADER.pack(len(answer)) + answer)
        answers.flush()


def worker_main() -> None:
    """The body of `anyio.to_process.process_worker`."""
    answers = os.fdopen(os.dup(1), "wb")
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.close(devnull)
    sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - lives as long as the process
    requests = sys.stdin.buffer
    sys.stdin = open(os.devnull)  # noqa: SIM115 - the function must not read our requests
    serve(requests, answers)

"""Run httpx-ws's own test suite on this project's anyio, in a throwaway virtualenv.

httpx-ws (``httpx-ws`` on PyPI) adds WebSockets to httpx, and is built on anyio
throughout: each session is an ``AsyncContextManagerMixin`` whose background
reader runs in a task group and hands messages over a memory object stream;
sends are serialised with a ``Lock``, pings answered through ``Event``s,
timeouts are ``fail_after()``, and its ASGI transport connects the app and the
client with two ``StapledObjectStream``s over memory object streams. Its suite
(about 150 tests, 30 s) runs client and server over a real uvicorn server (a
Unix socket) and in-process, on asyncio and Trio through anyio's pytest plugin.

Everything happens in a virtualenv of its own (never the dev environment):

1. our distributions, built from this checkout and installed non-editable, the
   umbrella ``anyio`` among them (at the version ``packages/anyio/pyproject.toml``
   sets), so that pip never fetches the original AnyIO;
2. httpx-ws's sdist (it ships its tests), installed with ``--no-deps``, and
   ``httpx``, ``httpcore`` and ``starlette`` with ``--no-deps`` (they require
   anyio, which ours provides);
3. their other requirements and the test tools (uvicorn's ``standard`` extra
   brings ``watchfiles``, which requires anyio and finds ours);
4. a check that ``anyio`` is still ours, then pytest on httpx-ws's ``tests/``
   (its coverage options switched off).

``--reference`` installs the original AnyIO 4.16.0 from PyPI instead of ours
(in its own venv, as always), to tell the machine's failures from ours.
httpx-ws 0.9.0 on ours and on AnyIO 4.16.0 (Python 3.11, pytest 9.2): 147
passed on both. (Run with uvloop as a third backend, by an ``anyio_backend``
fixture added to its conftest, ours passed all 220 and AnyIO 4.16.0 failed 6 to
8 of the ``TestSend`` tests on uvloop: an ``InvalidStateError`` from the
``future.set_result`` reader callback of its ``SocketStream.receive()``.)

Usage (Python 3.10+, PyPI reachable)::

    python3 packages/anyio-streams/realworld/run_httpx_ws.py [--httpx-ws 0.9.0]
        [--workdir DIR] [--reference] [PYTEST ARGS...]

Exits with pytest's exit status; prints how long each step took.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "scripts"))
import _workspace  # scripts/_workspace.py: the parts and the umbrella version
from _workspace import step

#: The release whose suite was checked; --httpx-ws picks another.
DEFAULT_HTTPX_WS = "0.9.0"
#: Installed with --no-deps beside httpx-ws: they require anyio, which ours provides.
ANYIO_USERS = ["httpx", "httpcore", "starlette"]
#: Their other requirements and the test tools of httpx-ws's dev group (anyio left out).
REQUIREMENTS = [
    "wsproto",
    "h11>=0.16",
    "certifi",
    "idna",
    "typing_extensions",
    "uvicorn[standard]",
    "trio>=0.32",
    "pytest",
]
CHECK_OURS = _workspace.check_umbrella_code("anyio._net", "httpx_ws") + (
    "; print('anyio-streams', m.version('anyio-streams'), '| httpx-ws', m.version('httpx-ws'))"
)


def main(argv: list[str]) -> int:
    parser = _workspace.runner_parser(__doc__.partition("\n")[0], "httpx-ws", DEFAULT_HTTPX_WS)
    args, pytest_args = parser.parse_known_args(argv)
    workdir, python, pip, started = _workspace.venv_with_anyio(args, "httpx-ws")
    source = _workspace.fetch_sdist(python, "httpx_ws", args.httpx_ws, workdir)
    no_deps: list[str | Path] = ["--no-deps", source, *ANYIO_USERS]
    step("install httpx-ws and its anyio users without dependencies", *pip, *no_deps)
    step("install their other requirements and test tools", *pip, *REQUIREMENTS)
    if not args.reference:
        step("check that anyio is ours", python, "-c", CHECK_OURS)

    command: list[str | Path] = [python, "-m", "pytest", "tests", "-p", "no:cacheprovider", "-q"]
    command += ["-o", "addopts=", *pytest_args]
    return _workspace.run_suite("httpx-ws's test suite", command, source, started)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

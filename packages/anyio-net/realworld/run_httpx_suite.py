"""Run httpx's own test suite on this project's anyio, in a throwaway virtualenv.

``run_httpx.py`` beside this file drives httpx's ``AsyncClient`` with a test of
ours; this one runs httpx's own suite (about 1,400 tests, 20 s). Its async tests
run on asyncio and Trio through anyio's pytest plugin: ``AsyncClient`` against a
local uvicorn server over TCP and TLS (httpcore's anyio backend), timeouts,
streaming, ASGI apps called in-process, and ``anyio.Lock``/``sleep`` in the
transports; its sync tests use the same server from a thread.

Everything happens in a virtualenv of its own (never the dev environment):

1. our distributions, built from this checkout and installed non-editable, the
   umbrella ``anyio`` among them (at the version ``packages/anyio/pyproject.toml``
   sets), so that pip never fetches the original AnyIO;
2. httpx's sdist (it ships its tests), installed with ``--no-deps``, and
   ``httpcore`` with ``--no-deps`` (both require anyio, which ours provides);
3. their other requirements, httpx's extras and the tools its tests import
   (none of them depends on anyio); chardet is pinned to the 5.x series whose
   guesses httpx's encoding tests expect, click below 8.2 (newer ones deprecate
   ``CliRunner.isolated_filesystem()``, an error under httpx's warning filter);
4. a check that ``anyio`` is ours, then pytest on httpx's ``tests/`` without
   the tests marked ``network`` (they need a DNS lookup of example.com) and
   without the known failures below.

``--reference`` installs the original AnyIO 4.16.0 from PyPI instead of ours
(in its own venv, as always), to tell the machine's failures from ours.
httpx 0.29.0 on ours and on AnyIO 4.16.0 (Python 3.11, pytest 9.2): 1,410
passed, 1 skipped on both.

Usage (PyPI reachable)::

    python3 packages/anyio-net/realworld/run_httpx_suite.py [--httpx 0.29.0]
        [--workdir DIR] [--reference] [--all] [PYTEST ARGS...]

Exits with pytest's exit status; prints how long each step took.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "scripts"))
import _workspace  # scripts/_workspace.py: the parts and the umbrella version
from _workspace import step

#: The release whose suite was checked; --httpx picks another.
DEFAULT_HTTPX = "0.29.0"
#: Installed with --no-deps beside httpx: it requires anyio, which ours provides.
HTTPCORE = "httpcore==1.*"
#: httpx's and httpcore's other requirements, httpx's extras (brotli, zstd, socks, http2,
#: cli) and what its tests import (anyio left out).
REQUIREMENTS = [
    "certifi",
    "idna",
    "h11>=0.16",
    "h2>=3,<5",
    "socksio==1.*",
    "brotli",
    "zstandard>=0.18.0",
    "click>=8,<8.2",
    "pygments==2.*",
    "rich>=10,<15",
    "chardet==5.2.0",
    "sniffio",
    "trio>=0.32",
    "trustme",
    "cryptography",
    "uvicorn",
    "pytest",
]
#: Failures of httpx 0.29.0 that are no anyio's, each with why. Deselected unless --all.
KNOWN_FAILURES = {
    # pytest 9's caplog also records uvicorn's access log lines (the test server runs in
    # a thread of the same process), so the list of records has more than httpx's. They
    # fail the same way on AnyIO 4.16.0, and pass on pytest 8.3.
    "tests/test_utils.py::test_logging_request": "pytest 9 caplog",
    "tests/test_utils.py::test_logging_redirect_chain": "pytest 9 caplog",
}
CHECK_OURS = _workspace.check_umbrella_code("anyio._net", "httpx") + (
    "; print('anyio-net', m.version('anyio-net'), '| httpx', httpx.__version__)"
)


def pytest_command(python: Path, run_all: bool, pytest_args: list[str]) -> list[str | Path]:
    command: list[str | Path] = [python, "-m", "pytest", "tests", "-p", "no:cacheprovider", "-q"]
    if not run_all:
        command += ["-m", "not network"]
        command += [f"--deselect={test}" for test in KNOWN_FAILURES]
    return command + pytest_args


def main(argv: list[str]) -> int:
    parser = _workspace.runner_parser(__doc__.partition("\n")[0], "httpx", DEFAULT_HTTPX)
    parser.add_argument("--all", action="store_true", help="run network tests, known failures")
    args, pytest_args = parser.parse_known_args(argv)
    workdir, python, pip, started = _workspace.venv_with_anyio(args, "httpx-suite")
    source = _workspace.fetch_sdist(python, "httpx", args.httpx, workdir)
    step("install httpx and httpcore without dependencies", *pip, "--no-deps", source, HTTPCORE)
    step("install their other requirements and test tools", *pip, *REQUIREMENTS)
    if not args.reference:
        step("check that anyio is ours", python, "-c", CHECK_OURS)

    command = pytest_command(python, args.all, pytest_args)
    return _workspace.run_suite("httpx's test suite", command, source, started)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

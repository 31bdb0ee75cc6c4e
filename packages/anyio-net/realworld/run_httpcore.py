"""Run httpcore's own test suite on this project's anyio, in a throwaway virtualenv.

httpcore's async backend *is* anyio: ``connect_tcp()`` and ``connect_unix()``
with ``fail_after()`` timeouts, ``TLSStream.wrap()`` for ``start_tls()`` (also
TLS inside TLS, through proxies), ``get_extra_info()`` on the streams, and
anyio's ``Lock``, ``Semaphore``, ``Event`` and shielded cancel scopes in its
connection pool. Its suite (about 220 tests, 20 s) runs the async half on
asyncio and Trio through anyio's pytest plugin, against a local httpbin over
plain TCP and TLS, and checks cancellation in the middle of a request.

Everything happens in a virtualenv of its own (never the dev environment):

1. our distributions, built from this checkout and installed non-editable, the
   umbrella ``anyio`` among them (at the version ``packages/anyio/pyproject.toml``
   sets), so that pip never fetches the original AnyIO;
2. httpcore's sdist (it ships its tests), installed with ``--no-deps``;
3. its other requirements, its ``http2``, ``socks`` and ``trio`` extras and the
   test tools its tests use (none of them depends on anyio);
4. a check that ``anyio`` is ours, then pytest on httpcore's ``tests/``.

``--reference`` installs the original AnyIO 4.16.0 from PyPI instead of ours
(in its own venv, as always), to tell the machine's failures from ours.
httpcore 1.0.9 on ours and on AnyIO 4.16.0 (Python 3.11, pytest 9.2): 214
passed, 6 xpassed on both (the xpasses are non-strict xfails of httpcore's).

Usage (PyPI reachable)::

    python3 packages/anyio-net/realworld/run_httpcore.py [--httpcore 1.0.9]
        [--workdir DIR] [--reference] [PYTEST ARGS...]

Exits with pytest's exit status; prints how long each step took.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "scripts"))
import _workspace  # scripts/_workspace.py: the parts and the umbrella version
from _workspace import step

#: The release whose suite was checked; --httpcore picks another.
DEFAULT_HTTPCORE = "1.0.9"
#: httpcore's requirements and extras (anyio left out: ours provides it), and the test
#: tools of its requirements.txt that the tests use (pytest-httpbin, pytest-trio, trustme).
REQUIREMENTS = [
    "certifi",
    "h11>=0.16",
    "h2>=3,<5",
    "socksio==1.*",
    "trio>=0.32",
    "pytest",
    "pytest-httpbin",
    "pytest-trio",
    "trustme",
]
CHECK_OURS = _workspace.check_umbrella_code("anyio._net", "httpcore") + (
    "; print('anyio-net', m.version('anyio-net'), '| httpcore', httpcore.__version__)"
)


def main(argv: list[str]) -> int:
    parser = _workspace.runner_parser(__doc__.partition("\n")[0], "httpcore", DEFAULT_HTTPCORE)
    args, pytest_args = parser.parse_known_args(argv)
    workdir, python, pip, started = _workspace.venv_with_anyio(args, "httpcore")
    source = _workspace.fetch_sdist(python, "httpcore", args.httpcore, workdir)
    step("install httpcore without dependencies", *pip, "--no-deps", source)
    step("install its other requirements and test tools", *pip, *REQUIREMENTS)
    if not args.reference:
        step("check that anyio is ours", python, "-c", CHECK_OURS)

    command: list[str | Path] = [python, "-m", "pytest", "tests", "-p", "no:cacheprovider", "-q"]
    command += pytest_args
    return _workspace.run_suite("httpcore's test suite", command, source, started)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

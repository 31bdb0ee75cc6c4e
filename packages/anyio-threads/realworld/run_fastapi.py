"""Run FastAPI's own test suite on this project's anyio, in a throwaway virtualenv.

FastAPI runs every sync endpoint and dependency in a worker thread
(``to_thread.run_sync()``, a ``CapacityLimiter(1)`` for the exit of a sync
generator dependency, shielded so that a cancelled request still runs it),
keeps per-loop semaphores in a ``RunVar``, toggles ``shield`` on a shared
``CancelScope`` around the cleanup of async generator dependencies, and
streams server-sent events through memory object streams in a task group with
``fail_after()`` pings. Its tests call apps through Starlette's ``TestClient``
(a blocking portal) and, for the async ones, anyio's pytest plugin
on asyncio and Trio. About 5,200 tests, 3 minutes on one core.

Everything happens in a virtualenv of its own (never the dev environment):

1. our distributions, built from this checkout and installed non-editable, the
   umbrella ``anyio`` among them (at the version ``packages/anyio/pyproject.toml``
   sets), so that every ``anyio`` requirement below is met by ours and pip never
   fetches the original AnyIO;
2. FastAPI's sdist (it ships its tests and the ``docs_src`` they import),
   installed with ``--no-deps``;
3. its requirements, its ``all`` extra (without the FastAPI Cloud CLI) and the
   test tools of its ``tests`` dependency group that the tests import, without
   ``anyio`` (Starlette, httpx and httpx2 find ours installed) and without the
   linters and type checkers; pytest below 9.2 as FastAPI's group pins it;
4. a check that ``anyio`` is still ours, then pytest on FastAPI's ``tests/``.

``--reference`` installs the original AnyIO 4.16.0 from PyPI instead of ours
(in its own venv, as always), to tell the machine's failures from ours.
FastAPI 0.165.0 on ours (Python 3.11, pytest 9.1): 5,209 passed, 20 skipped,
1 xfailed in 2.5 minutes. Without ``coverage`` (the CLI test runs it) that
test failed, the same on AnyIO 4.16.0, and the rest matched test by test.

Usage (Python 3.11+, PyPI reachable)::

    python3 packages/anyio-threads/realworld/run_fastapi.py [--fastapi 0.165.0]
        [--workdir DIR] [--reference] [PYTEST ARGS...]

Exits with pytest's exit status; prints how long each step took.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "scripts"))
import _workspace  # scripts/_workspace.py: the parts and the umbrella version
from _workspace import step

#: The release whose suite was checked; --fastapi picks another.
DEFAULT_FASTAPI = "0.165.0"
#: FastAPI 0.165.0's requirements, its [all] extra without fastapi-cloud-cli, and the
#: test tools of its `tests` group that the tests use (anyio left out: ours provides it).
REQUIREMENTS = [
    "starlette>=1.6.0",
    "pydantic>=2.9.0",
    "typing-extensions>=4.8.0",
    "typing-inspection>=0.4.2",
    "annotated-doc>=0.0.2",
    "opentelemetry-api>=1.44.0",
    "opentelemetry-sdk>=1.44.0",
    "opentelemetry-exporter-otlp-proto-http>=1.44.0",
    "opentelemetry-instrumentation-fastapi>=0.65b0",
    "fastapi-cli[standard-no-fastapi-cloud-cli]>=0.0.32",
    "httpx>=0.23.0,<1.0.0",
    "httpx2>=2.0.0",
    "jinja2>=3.1.5",
    "python-multipart>=0.0.18",
    "itsdangerous>=1.1.0",
    "email-validator>=2.0.0",
    "uvicorn[standard]>=0.12.0",
    "pydantic-settings>=2.0.0",
    "pydantic-extra-types>=2.0.0",
    "logfire>=5.1.0",
    "sentry-sdk>=2.70.0",
    "python-slugify>=8.0.4",
    "ruff>=0.14.14,<0.17.0",
    "trio>=0.32",
    "dirty-equals>=0.9.0",
    "flask>=3.0.0,<4.0.0",
    "inline-snapshot>=0.21.1",
    "pwdlib[argon2]>=0.2.1",
    "pyjwt>=2.9.0",
    "pyyaml>=5.3.1,<7.0.0",
    "sqlmodel>=0.0.31",
    "strawberry-graphql>=0.200.0,<1.0.0",
    "typer>=0.26.1",
    "a2wsgi>=1.9.0,<=2.0.0",
    "coverage[toml]>=7.13,<8.0",
    "pytest>=9.0.0,<9.2",
    "pytest-codspeed>=4.3.0",
    "pytest-timeout>=2.4.0",
    "pytest-xdist[psutil]>=3.0.2",
]
CHECK_OURS = _workspace.check_umbrella_code("anyio._threads", "fastapi") + (
    "; print('anyio-threads', m.version('anyio-threads'), '| fastapi', m.version('fastapi'))"
)


def main(argv: list[str]) -> int:
    parser = _workspace.runner_parser(__doc__.partition("\n")[0], "fastapi", DEFAULT_FASTAPI)
    args, pytest_args = parser.parse_known_args(argv)
    workdir, python, pip, started = _workspace.venv_with_anyio(args, "fastapi")
    source = _workspace.fetch_sdist(python, "fastapi", args.fastapi, workdir)
    step("install FastAPI without dependencies", *pip, "--no-deps", source)
    step("install FastAPI's requirements and test tools (anyio excluded)", *pip, *REQUIREMENTS)
    if not args.reference:
        step("check that anyio is ours", python, "-c", CHECK_OURS)

    command: list[str | Path] = [python, "-m", "pytest", "tests", "-p", "no:cacheprovider", "-q"]
    command += pytest_args
    return _workspace.run_suite("FastAPI's test suite", command, source, started)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Run the MCP Python SDK's own test suite on this project's anyio, in a throwaway virtualenv.

The MCP SDK (``mcp`` on PyPI) is a heavy user of the newer halves of anyio: its
stdio transport starts the server with ``anyio.open_process()`` and bridges the
pipes with task groups, memory object streams and text streams; its HTTP
transports run on Starlette and httpx2 (both on anyio); its tests use the
pytest plugin, worker threads, blocking portals and TCP listeners. Its suite
(about 6,000 tests, on asyncio) is the check that all of that works for a real
program.

Everything happens in a virtualenv of its own (never the dev environment):

1. our distributions, built from this checkout and installed non-editable, the
   umbrella ``anyio`` among them (at the version ``packages/anyio/pyproject.toml``
   sets), so that every ``anyio`` requirement below is met by ours and pip never
   fetches the original AnyIO;
2. the ``mcp`` sdist (it ships its tests and its ``examples/`` package, which
   the tests import as ``stories``); ``mcp`` and ``mcp-types`` are installed from
   PyPI with ``--no-deps``, the ``examples/`` folder with ``--no-deps`` too;
3. MCP's runtime requirements and the test tools of its dev group (without
   ``anyio``: the ones that depend on it, Starlette, sse-starlette and httpx2,
   find ours installed and pip leaves it alone);
4. a check that ``anyio`` is still ours, then pytest on MCP's ``tests/`` with
   the known failures below deselected (``--all`` runs them too).

Usage (Python 3.11+, PyPI reachable)::

    python3 packages/anyio-process/realworld/run_mcp.py [--mcp 2.3.0] [--workdir DIR]
        [--all] [PYTEST ARGS...]

Exits with pytest's exit status; prints how long each step took.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "scripts"))
import _workspace  # scripts/_workspace.py: the parts and the umbrella version
from _workspace import step

#: The release whose suite was checked (see KNOWN_FAILURES); --mcp picks another.
DEFAULT_MCP = "2.3.0"
#: Installed with --no-deps: the SDK and its wire types (same version).
MCP_DISTRIBUTIONS = ["mcp", "mcp-types"]
# MCP's runtime requirements (anyio left out: ours provides it; Starlette, sse-starlette
# and httpx2 require anyio and find ours), its [cli] extra, and the test tools of its dev
# group that the tests import. pytest is pinned to MCP's lock: on pytest 9.2 its
# filterwarnings entries import `mcp` (and so anyio) before `-p anyio` loads the plugin,
# which pytest reports as a PytestAssertRewriteWarning, an error under MCP's settings.
MCP_REQUIREMENTS = [
    "httpx2>=2.10.0",
    "jsonschema>=4.20.0",
    "opentelemetry-api>=1.28.0",
    "pydantic>=2.12.0",
    "pyjwt[crypto]>=2.10.1",
    "python-multipart>=0.0.9",
    "sse-starlette>=3.0.0",
    "starlette>=0.27",
    "typing-extensions>=4.13.0",
    "typing-inspection>=0.4.1",
    "uvicorn>=0.31.1",
    "typer>=0.16.0",
    "python-dotenv>=1.0.0",
    "rich>=13.9.4",
    "pydantic-settings>=2.5.2",
    "pytest==9.1.1",
    "pytest-timeout",
    "trio>=0.26.2",
    "pytest-examples>=0.0.14",
    "inline-snapshot>=0.23.0",
    "dirty-equals>=0.9.0",
    "coverage[toml]>=7.10.7,<=7.13",
    "pillow>=12.0",
    "logfire>=3.0.0",
    "opentelemetry-sdk>=1.39.1",
    "blockbuster>=1.5.27",
]
#: Tests of MCP's docs tooling (griffe, Zensical's Markdown stack): nothing of anyio's.
IGNORED = ["tests/docs"]
#: Failures of MCP 2.3.0 on ours, each with why. Deselected unless --all.
KNOWN_FAILURES = {
    # The machine's: the suite runs as root here, and root may read a mode-000 file.
    "tests/server/mcpserver/resources/test_file_resources.py::test_permission_error": "root",
}
CHECK_OURS = _workspace.check_umbrella_code("anyio._process", "mcp") + (
    "; print('anyio-process', m.version('anyio-process'), '| mcp', m.version('mcp'))"
)


def pytest_command(python: Path, run_all: bool, pytest_args: list[str]) -> list[str | Path]:
    command: list[str | Path] = [python, "-m", "pytest", "tests", "-p", "no:cacheprovider", "-q"]
    command += ["--timeout=120", "-o", "log_cli=false"]
    command += [f"--ignore={path}" for path in IGNORED]
    if not run_all:
        command += [f"--deselect={test}" for test in KNOWN_FAILURES]
    return command + pytest_args


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.partition("\n")[0])
    parser.add_argument("--mcp", default=DEFAULT_MCP, help=f"MCP version (default {DEFAULT_MCP})")
    parser.add_argument("--workdir", type=Path, help="keep the venv and sources here")
    parser.add_argument("--all", action="store_true", help="run the known failures too")
    args, pytest_args = parser.parse_known_args(argv)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="anyio-mcp-"))
    workdir.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()

    python, pip = _workspace.make_venv(workdir)

    step("install our distributions (non-editable)", *pip, *_workspace.local_install_targets())
    source = _workspace.fetch_sdist(python, "mcp", args.mcp, workdir)
    pinned = [f"{name}=={args.mcp}" for name in MCP_DISTRIBUTIONS]
    step("install mcp and mcp-types without dependencies", *pip, "--no-deps", *pinned)
    step("install MCP's requirements and test tools (anyio excluded)", *pip, *MCP_REQUIREMENTS)
    step("install MCP's examples package (stories)", *pip, "--no-deps", source / "examples")
    step("check that anyio is ours", python, "-c", CHECK_OURS)

    command = pytest_command(python, args.all, pytest_args)
    return _workspace.run_suite("MCP's test suite", command, source, started)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

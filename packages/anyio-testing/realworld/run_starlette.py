"""Run Starlette's own test suite on this project's anyio (and its pytest plugin).

Starlette's tests use the anyio pytest plugin throughout (``anyio_backend``,
``anyio_backend_name``, ``anyio_backend_options``, ``@pytest.mark.anyio``) and a
good part of anyio's API (task groups, memory object streams, blocking
portals, worker threads). Passing them as they pass with AnyIO 4.13 is the
check that the plugin works for real users.

Everything happens in a throwaway virtualenv (never the dev environment):

1. our distributions, built from this checkout and installed non-editable, the
   umbrella ``anyio`` among them (at the version ``packages/anyio/pyproject.toml``
   sets), so that Starlette's ``anyio`` requirement is met by ours and pip never
   fetches the original AnyIO;
2. Starlette's sdist (it ships its tests), installed with ``--no-deps``;
3. Starlette's runtime and test requirements (without ``anyio``);
4. a check that ``anyio`` is ours, then pytest on Starlette's ``tests/``.

Usage (Python 3.11+, PyPI reachable)::

    python3 packages/anyio-testing/realworld/run_starlette.py [--starlette 1.10.0]
        [--workdir DIR] [--reference] [PYTEST ARGS...]

``--reference`` installs the original AnyIO 4.13.0 from PyPI instead of ours
(in its own venv, as always), to see which failures are Starlette's or the
machine's own (e.g. permission tests fail when run as root).

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

# Starlette's [full] extra and the test tools of its dev group that its tests import
# (anyio left out: ours provides it). Linters, coverage and docs tools are not needed.
STARLETTE_REQUIREMENTS = [
    "typing_extensions>=4.10.0",
    "itsdangerous",
    "jinja2",
    "opentelemetry-api",
    "opentelemetry-sdk",
    "python-multipart>=0.0.18",
    "pyyaml",
    "httpx>=0.27.0,<0.29.0",
    "httpx2[zstd]>=2.0.0",
    "blockbuster>=1.5.23",
    "importlib-metadata",
    "pytest>=8.4",
    "trio>=0.32",
]
CHECK_OURS = _workspace.check_umbrella_code("anyio._core", "anyio.pytest_plugin as p") + (
    "; print('pytest plugin', p.__file__)"
)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.partition("\n")[0])
    parser.add_argument("--starlette", help="Starlette version (default: the newest)")
    parser.add_argument("--workdir", type=Path, help="keep the venv and sources here")
    parser.add_argument(
        "--reference", action="store_true", help="use AnyIO 4.13.0 from PyPI, not ours"
    )
    args, pytest_args = parser.parse_known_args(argv)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="anyio-starlette-"))
    workdir.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()

    python, pip = _workspace.make_venv(workdir)

    if args.reference:
        step("install AnyIO 4.13.0 from PyPI (reference run)", *pip, "anyio[trio]==4.13.0")
    else:
        ours = _workspace.local_install_targets()
        step("install our distributions (non-editable)", *pip, *ours)
    source = _workspace.fetch_sdist(python, "starlette", args.starlette, workdir)
    step("install Starlette without dependencies", *pip, "--no-deps", source)
    requirements = STARLETTE_REQUIREMENTS
    if args.reference:
        # AnyIO 4.13's plugin imports pytest's CallSpec2, which pytest 9.2 deprecates: with
        # Starlette's filterwarnings = error the plugin would not even load.
        requirements = [*requirements, "pytest<9.2"]
    step("install Starlette's requirements (anyio excluded)", *pip, *requirements)
    if not args.reference:
        step("check that anyio is ours", python, "-c", CHECK_OURS)

    command: list[str | Path] = [python, "-m", "pytest", "tests", "-p", "no:cacheprovider", "-q"]
    command += pytest_args
    return _workspace.run_suite("Starlette's test suite", command, source, started)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

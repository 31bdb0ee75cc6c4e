"""Run asyncer's own test suite on this project's anyio, in a throwaway virtualenv.

asyncer (``asyncer`` on PyPI) wraps anyio's worker threads for application
code: ``asyncify()`` is ``to_thread.run_sync()``, ``syncify()`` is
``from_thread.run()``, and its tests nest them (a worker thread calls back
into the loop, which starts another worker thread), besides ``soonify()`` and
``runnify()`` over task groups and ``anyio.run()``. A small suite (about 30
tests, 20 s), and the one that found ``to_thread.run_sync()`` refusing to run
inside a ``from_thread.run()`` call.

Everything happens in a virtualenv of its own (never the dev environment):

1. our distributions, built from this checkout and installed non-editable, the
   umbrella ``anyio`` among them, so that asyncer's ``anyio`` requirement is
   met by ours and pip never fetches the original AnyIO;
2. asyncer's sdist (it ships its tests and the ``docs_src`` they import),
   installed with ``--no-deps``;
3. its other requirements and the test tools it imports (none depends on anyio);
4. a check that ``anyio`` is ours, then pytest on asyncer's ``tests/``.

Usage (PyPI reachable)::

    python3 packages/anyio-threads/realworld/run_asyncer.py [--asyncer 0.0.18]
        [--workdir DIR] [PYTEST ARGS...]

Exits with pytest's exit status.
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

#: The release whose suite was checked (31 passed); --asyncer picks another.
DEFAULT_ASYNCER = "0.0.18"
#: asyncer's requirements other than anyio, and what its tests import.
REQUIREMENTS = ["sniffio>=1.1", "typing_extensions>=4.12.0", "pytest>=9.0.0", "typer>=0.24.1"]
CHECK_OURS = _workspace.check_umbrella_code("anyio._threads", "asyncer") + (
    "; print('anyio-threads', m.version('anyio-threads'), '| asyncer', m.version('asyncer'))"
)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.partition("\n")[0])
    parser.add_argument("--asyncer", default=DEFAULT_ASYNCER, help="asyncer version")
    parser.add_argument("--workdir", type=Path, help="keep the venv and sources here")
    args, pytest_args = parser.parse_known_args(argv)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="anyio-asyncer-"))
    workdir.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()

    python, pip = _workspace.make_venv(workdir)

    step("install our distributions (non-editable)", *pip, *_workspace.local_install_targets())
    source = _workspace.fetch_sdist(python, "asyncer", args.asyncer, workdir)
    step("install asyncer without dependencies", *pip, "--no-deps", source)
    step("install its other requirements and the tests' (anyio excluded)", *pip, *REQUIREMENTS)
    step("check that anyio is ours", python, "-c", CHECK_OURS)

    command: list[str | Path] = [python, "-m", "pytest", "tests", "-p", "no:cacheprovider", "-q"]
    command += pytest_args
    return _workspace.run_suite("asyncer's test suite", command, source, started)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Run httpx's AsyncClient on this project's anyio, in a throwaway virtualenv.

httpx (through httpcore) is one of the biggest users of ``anyio.connect_tcp()``
and of anyio's TLS streams. It depends on ``anyio``, so it must never be
installed into the project's own environments: pip would bring in the original
AnyIO from the index. Here, in a virtualenv of its own:

1. our distributions, built from this checkout and installed non-editable, the
   umbrella ``anyio`` among them (at the version ``packages/anyio/pyproject.toml``
   sets);
2. ``httpx`` and ``httpcore`` with ``--no-deps`` (their ``anyio`` requirement is
   met by ours, and pip never looks for another);
3. what they and the test need that does not depend on anyio (``h11``,
   ``certifi``, ``idna``, ``sniffio``, ``trustme``, ``pytest``);
4. a check that ``anyio`` is ours (``anyio._net`` exists only in ours), then
   pytest on ``test_httpx_client.py`` beside this file, on asyncio and Trio.

Usage (PyPI reachable)::

    python3 packages/anyio-net/realworld/run_httpx.py [--workdir DIR] [PYTEST ARGS...]

Exits with pytest's exit status.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "scripts"))
import _workspace  # scripts/_workspace.py: the parts and the umbrella version
from _workspace import step

HERE = Path(__file__).resolve().parent
#: Installed with --no-deps: they require anyio, which ours provides.
ANYIO_USERS = ["httpx", "httpcore"]
#: Their other requirements and the test's; none of them depends on anyio.
OTHERS = ["h11", "certifi", "idna", "sniffio", "trustme", "pytest"]
CHECK_OURS = _workspace.check_umbrella_code("anyio._net", "httpx") + (
    "; print('anyio-net', m.version('anyio-net'), '| httpx', httpx.__version__)"
)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.partition("\n")[0])
    parser.add_argument("--workdir", type=Path, help="keep the venv here")
    args, pytest_args = parser.parse_known_args(argv)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="anyio-httpx-"))
    workdir.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()

    python, pip = _workspace.make_venv(workdir)

    step("install our distributions (non-editable)", *pip, *_workspace.local_install_targets())
    step("install httpx and httpcore without dependencies", *pip, "--no-deps", *ANYIO_USERS)
    step("install their other requirements and the test's", *pip, *OTHERS)
    step("check that anyio is ours", python, "-c", CHECK_OURS)

    print("\n==> httpx AsyncClient tests", flush=True)
    test_file = HERE / "test_httpx_client.py"
    command = [
        python, "-m", "pytest", str(test_file), "-p", "no:cacheprovider", "-q",
        "-W", "error", "--rootdir", str(HERE), *pytest_args,
    ]  # fmt: skip
    status = subprocess.run([str(part) for part in command], cwd=workdir).returncode
    print(f"\n    pytest: exit status {status}; total {time.monotonic() - started:.1f} s")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

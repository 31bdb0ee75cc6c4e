"""The one entry point for working on this repository: `python3 scripts/dev.py <command>`.

It needs nothing but a Python 3.10+ with `venv` and pip. On first use it creates a private tool
virtualenv (`.tools/venv`) holding a pinned Hatch, and from then on runs Hatch from the
repository root with its data kept inside the repository (`.hatch/`), so that a fresh clone
and CI behave the same way. The test environments themselves are described in `hatch.toml`.

Commands:

* `test`: the whole CI suite. Lint and format check (ruff), `mypy --strict`, build and
  inspect every wheel and sdist, check the release shape (see `release`), build the
  documentation site with `--strict`, then pytest on Python 3.11 (every backend variant that the
  `anyio_backend` fixture offers) and one pytest pass each on 3.10, 3.12 and 3.13.
  Every stage runs even if an earlier one failed; the exit status is non-zero if any failed.
* `demo`: run `examples/demo.py` on asyncio, then on Trio.
* `starlette`: Starlette's own test suite with our packages as its anyio (also a `test` stage).
* `httpx`: httpx's `AsyncClient` against a local server, on asyncio and Trio, with and without
  TLS, with our packages as its anyio (also a `test` stage).
* `mcp`: the MCP Python SDK's own test suite (stdio over `open_process`, memory streams, task
  groups, its HTTP transports) with our packages as its anyio (also a `test` stage).
* `asyncer`: asyncer's own test suite (`asyncify`/`syncify` nesting worker threads and
  `from_thread`) with our packages as its anyio (also a `test` stage).
* `httpcore`, `httpx-suite`, `fastapi`: httpcore's, httpx's and FastAPI's own test suites with
  our packages as their anyio (each also a `test` stage).
* `anyio-suite`: AnyIO 4.16.0's own test suite (downloaded from its sdist at run time, never
  kept here) with our packages as its anyio; the tests of AnyIO's private internals and our
  documented deliberate differences are deselected, each with its reason (also a `test` stage).
* `bench [ARGS]`: run `benchmarks/run.py` (e.g. `bench --quick`); it builds its own venvs.
* `lint`, `fix`, `types`: the single checks (`fix` rewrites files with ruff).
* `pytest [ARGS]`: pytest on Python 3.11 with your arguments; `pytest-all [ARGS]` runs it on
  every supported Python.
* `dists`: build every wheel and sdist into `dist/`, check their contents and install the
  wheels into a scratch virtualenv.
* `release`: install the umbrella `anyio[trio]` from the files in `dist/` into a fresh
  virtualenv and run a quickstart on asyncio and Trio; install only `anyio-core` and
  `anyio-streams` and check the missing-part error; check the umbrella's version and pins
  (`scripts/check_release.py`).
* `docs-build`, `docs-serve`: build the documentation site into `.docs-build/site` with
  `mkdocs build --strict`, then check the built pages (`docs/check_site.py`: no unresolved
  include, every included example shown) / serve it at http://127.0.0.1:8000 with live reload.
* `hatch ARGS`: any other Hatch command, with the same setup.
* `clean`: delete `.tools/`, `.hatch/` and `dist/`.
"""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import signal
import subprocess
import sys
import time
import venv
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence

ROOT = Path(__file__).resolve().parent.parent
TOOLS = ROOT / ".tools"
TOOL_VENV = TOOLS / "venv"
HATCH_HOME = ROOT / ".hatch"
DOCS_SITE = ROOT / ".docs-build" / "site"  # mkdocs.yml's site_dir

# The tool venv is rebuilt whenever these pins change.
TOOL_REQUIREMENTS = ("hatch==1.18.2", "uv==0.13.9")

# Python 3.11 is the main interpreter; the others are pyenv installs on the dev machines and in
# CI. Without them on PATH, Hatch would try to download a Python (there is no internet there).
DEFAULT_PYENV_VERSION = "3.11.7:3.13.0:3.12.1:3.10.13"
MAIN_PYTHON = "3.11"
OTHER_PYTHONS = ("3.10", "3.12", "3.13")

# CI stops a run after 90 minutes. One pytest stage (env creation included) normally takes well
# under a minute; one that hangs is killed after this many seconds, so that the other stages
# still run and report. Each test also has a 60 s limit (pytest-timeout, see hatch.toml).
PYTEST_STAGE_TIMEOUT = 12 * 60

IS_WINDOWS = sys.platform == "win32"
BIN = "Scripts" if IS_WINDOWS else "bin"


class StageFailed(Exception):
    """A command of the pipeline exited with a non-zero status."""


# --------------------------------------------------------------------------------------------
# Tool venv and environment


def _log(message: str) -> None:
    print(f"\n==> {message}", flush=True)


def _tool(name: str) -> Path:
    return TOOL_VENV / BIN / (name + (".exe" if IS_WINDOWS else ""))


@contextlib.contextmanager
def _tools_lock() -> Iterator[None]:
    """Serialize tool-venv creation between concurrent runs (best effort, POSIX only)."""
    TOOLS.mkdir(exist_ok=True)
    try:
        import fcntl
    except ImportError:  # Windows: no lock
        yield
        return
    with (TOOLS / ".lock").open("w") as lock_file:
        fcntl.flock(lock_file, fcntl.LOCK_EX)
        yield


def ensure_tools() -> None:
    """Create or refresh `.tools/venv` with the pinned Hatch."""
    with _tools_lock():
        _ensure_tools()


def _ensure_tools() -> None:
    stamp = TOOL_VENV / "requirements.txt"
    wanted = "\n".join(TOOL_REQUIREMENTS) + "\n"
    if stamp.is_file() and stamp.read_text() == wanted and _tool("hatch").exists():
        return
    _log(
        f"Creating the tool virtualenv {TOOL_VENV.relative_to(ROOT)} ({', '.join(TOOL_REQUIREMENTS)})"
    )
    if TOOL_VENV.exists():
        shutil.rmtree(TOOL_VENV)
    venv.EnvBuilder(with_pip=True, clear=True).create(TOOL_VENV)
    pip = [str(_tool("python")), "-m", "pip", "--disable-pip-version-check"]
    run([*pip, "install", "--quiet", *TOOL_REQUIREMENTS])
    stamp.write_text(wanted)


def _pyenv_bin_dirs() -> list[str]:
    """Return the bin folders of the pyenv Pythons we use, main Python first."""
    pyenv_root = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv"))
    versions = pyenv_root / "versions"
    found = []
    for minor in (MAIN_PYTHON, *OTHER_PYTHONS):
        candidates = sorted(versions.glob(f"{minor}.*/{BIN}")) if versions.is_dir() else []
        # Skip pyenv-virtualenv folders and other non-release builds (e.g. "3.11.7/envs/x").
        candidates = [c for c in candidates if c.parent.name.replace(".", "").isdigit()]
        if candidates:
            found.append(str(candidates[-1]))
    return found


def hatch_environ() -> dict[str, str]:
    """Return the environment that every Hatch call runs in."""
    env = dict(os.environ)
    # Running from inside another virtualenv or Hatch shell must not leak into our envs.
    for name in ("VIRTUAL_ENV", "HATCH_ENV_ACTIVE", "PYTHONPATH", "PYTHONHOME", "CONDA_PREFIX"):
        env.pop(name, None)
    env.setdefault("PYENV_VERSION", DEFAULT_PYENV_VERSION)
    env["PATH"] = os.pathsep.join([*_pyenv_bin_dirs(), env.get("PATH", "")])
    env["HATCH_DATA_DIR"] = str(HATCH_HOME / "data")
    env["HATCH_CACHE_DIR"] = str(HATCH_HOME / "cache")
    # uv (used by Hatch and by scripts/check_dists.py) must never download a Python.
    env["UV_PYTHON_DOWNLOADS"] = "never"
    env.setdefault("PYTHONIOENCODING", "utf-8")
    return env


def python_available(minor: str) -> bool:
    """Tell whether an interpreter for Python `minor` (e.g. "3.10") is on the PATH we give Hatch."""
    exe = shutil.which(f"python{minor}", path=hatch_environ()["PATH"])
    if exe is None:
        return False
    probe = subprocess.run(
        [exe, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
        capture_output=True,
        text=True,
        env=hatch_environ(),
        check=False,
    )
    return probe.returncode == 0 and probe.stdout.strip() == minor


def run(
    cmd: Sequence[str], *, env: dict[str, str] | None = None, timeout: float | None = None
) -> None:
    """Run `cmd` from the repository root; raise `StageFailed` on a non-zero exit.

    With a `timeout` (seconds), the command runs in its own process group, which is killed
    when the time is up: a hung test run must not eat CI's whole time budget.
    """
    print("$ " + " ".join(cmd), flush=True)
    if timeout is None:
        code = subprocess.call(list(cmd), cwd=ROOT, env=env)
    else:
        code = _call_with_deadline(cmd, env, timeout)
    if code != 0:
        raise StageFailed(f"{Path(cmd[0]).name} exited with status {code}")


def _call_with_deadline(cmd: Sequence[str], env: dict[str, str] | None, timeout: float) -> int:
    proc = subprocess.Popen(list(cmd), cwd=ROOT, env=env, start_new_session=not IS_WINDOWS)
    try:
        return proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_tree(proc)
        raise StageFailed(
            f"{Path(cmd[0]).name} did not finish in {timeout:.0f} s; killed"
        ) from None
    except BaseException:  # Ctrl-C: the child is in another process group, stop it too
        _kill_tree(proc)
        raise


def _kill_tree(proc: subprocess.Popen[bytes]) -> None:
    if IS_WINDOWS:
        proc.kill()
        return
    for sig, grace in ((signal.SIGTERM, 10.0), (signal.SIGKILL, 5.0)):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)
        try:
            proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            continue
        return


def hatch(*args: str, timeout: float | None = None) -> None:
    """Run the pinned Hatch with `args` from the repository root."""
    ensure_tools()
    run([str(_tool("hatch")), *args], env=hatch_environ(), timeout=timeout)


# --------------------------------------------------------------------------------------------
# Stages


def lint() -> None:
    hatch("run", "lint:check")


def fix() -> None:
    hatch("run", "lint:fix")


def types() -> None:
    hatch("run", "types:check")


def pytest(python: str, args: Sequence[str] = (), timeout: float | None = None) -> None:
    if not python_available(python):
        raise StageFailed(
            f"no Python {python} found (looked on PATH and in pyenv's versions); "
            f"install it, e.g. `pyenv install {python}`"
        )
    hatch("run", f"test.py{python}:run", *args, timeout=timeout)


def dists() -> None:
    """Build, inspect and install every distribution (scripts/check_dists.py does the work)."""
    ensure_tools()
    run([str(_tool("python")), str(ROOT / "scripts" / "check_dists.py")], env=hatch_environ())


def release() -> None:
    """Check what users install (scripts/check_release.py; reuses the wheels in dist/)."""
    ensure_tools()
    run([str(_tool("python")), str(ROOT / "scripts" / "check_release.py")], env=hatch_environ())


#: Starlette's own test suite on our packages (issue 7: proven on real users).
STARLETTE_VERSION = "1.10.0"
#: Tests that assume an unprivileged user: root may read any directory.
STARLETTE_ROOT_ONLY_FAILURES = (
    "tests/test_staticfiles.py::test_staticfiles_with_invalid_dir_permissions_returns_401",
)


def starlette() -> None:
    """Run Starlette's test suite in a throwaway venv with our packages as its anyio."""
    args = ["--starlette", STARLETTE_VERSION, "-x"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        args += [
            f"--deselect={test}[{backend}]"
            for test in STARLETTE_ROOT_ONLY_FAILURES
            for backend in ("asyncio", "trio")
        ]
    script = ROOT / "packages" / "anyio-testing" / "realworld" / "run_starlette.py"
    run([sys.executable, str(script), *args], timeout=600)


def httpx() -> None:
    """httpx's AsyncClient on our packages, in a throwaway venv (httpx depends on anyio)."""
    script = ROOT / "packages" / "anyio-net" / "realworld" / "run_httpx.py"
    run([sys.executable, str(script)], timeout=600)


def mcp() -> None:
    """The MCP Python SDK's own suite on our packages, in a throwaway venv (mcp depends on anyio)."""
    script = ROOT / "packages" / "anyio-process" / "realworld" / "run_mcp.py"
    run([sys.executable, str(script)], timeout=900)


def asyncer() -> None:
    """asyncer's own suite on our packages, in a throwaway venv (asyncer depends on anyio)."""
    script = ROOT / "packages" / "anyio-threads" / "realworld" / "run_asyncer.py"
    run([sys.executable, str(script)], timeout=600)


def _realworld(package: str, script: str, timeout: float = 900) -> Callable[[], None]:
    """A stage that runs ``packages/<package>/realworld/<script>`` (a throwaway venv)."""

    def stage() -> None:
        run(
            [sys.executable, str(ROOT / "packages" / package / "realworld" / script)],
            timeout=timeout,
        )

    return stage


httpcore = _realworld("anyio-net", "run_httpcore.py")
httpx_suite = _realworld("anyio-net", "run_httpx_suite.py")
fastapi = _realworld("anyio-threads", "run_fastapi.py")


def anyio_suite() -> None:
    """AnyIO's own test suite on our packages, in a throwaway venv (see run_anyio_suite.py)."""
    script = ROOT / "packages" / "anyio" / "realworld" / "run_anyio_suite.py"
    run([sys.executable, str(script)], timeout=1200)


def demo() -> None:
    demo_file = ROOT / "examples" / "demo.py"
    if not demo_file.is_file():
        raise StageFailed(f"{demo_file.relative_to(ROOT)} does not exist yet")
    for backend in ("asyncio", "trio"):
        _log(f"examples/demo.py on {backend}")
        hatch("run", "python", str(demo_file.relative_to(ROOT)), backend)


def bench(args: Sequence[str]) -> None:
    script = ROOT / "benchmarks" / "run.py"
    if not script.is_file():
        raise StageFailed(f"{script.relative_to(ROOT)} does not exist yet")
    # The runner is stdlib-only and builds its own venvs under .bench/ (see benchmarks/README.md).
    run([sys.executable, str(script.relative_to(ROOT)), *args])


def docs(script: str, args: Sequence[str]) -> None:
    """Build (`build`) or serve (`serve`) the site; mkdocs.yml's hook assembles the package.

    After a build, `docs/check_site.py` reads the built pages: every example a page includes
    must be on it, and no page may show an unresolved `--8<--` include.
    """
    env = hatch_environ()
    env.setdefault("NO_MKDOCS_2_WARNING", "1")  # mkdocs prints an advert for its successor
    ensure_tools()
    run([str(_tool("hatch")), "run", f"docs:{script}", *args], env=env)
    if script == "build":
        run([sys.executable, str(ROOT / "docs" / "check_site.py"), str(DOCS_SITE)])


def clean() -> None:
    for path in (TOOLS, HATCH_HOME, ROOT / "dist"):
        if path.exists():
            print(f"removing {path.relative_to(ROOT)}")
            shutil.rmtree(path)


def test_all() -> int:
    """Run the CI suite; return the process exit status."""
    stages: list[tuple[str, Callable[[], None]]] = [
        ("ruff check + ruff format --check", lint),
        ("mypy --strict", types),
        ("wheels and sdists", dists),
        ("release shape", release),
        ("docs: mkdocs build --strict + site check", functools.partial(docs, "build", ())),
        (f"starlette {STARLETTE_VERSION} test suite on our anyio", starlette),
        ("httpx AsyncClient on our anyio", httpx),
        ("MCP Python SDK test suite on our anyio", mcp),
        ("asyncer test suite on our anyio", asyncer),
        ("httpcore test suite on our anyio", httpcore),
        ("httpx test suite on our anyio", httpx_suite),
        ("FastAPI test suite on our anyio", fastapi),
        ("AnyIO 4.16.0's own test suite on ours", anyio_suite),
    ]
    stages += [
        (f"pytest on Python {v}", functools.partial(pytest, v, timeout=PYTEST_STAGE_TIMEOUT))
        for v in (MAIN_PYTHON, *OTHER_PYTHONS)
    ]
    results: list[tuple[str, str, float]] = []
    for title, stage in stages:
        _log(title)
        started = time.monotonic()
        try:
            stage()
        except StageFailed as exc:
            outcome = f"FAILED ({exc})"
        else:
            outcome = "ok"
        results.append((title, outcome, time.monotonic() - started))
    _log("Summary")
    for title, outcome, seconds in results:
        print(f"  {title:<36} {seconds:7.1f}s  {outcome}")
    failed = sum(outcome != "ok" for _, outcome, _ in results)
    verdict = f"{failed} of {len(results)} stages FAILED" if failed else "every stage ok"
    print(f"\n{verdict}", flush=True)
    return 1 if failed else 0


# --------------------------------------------------------------------------------------------
# Command line

USAGE = __doc__.split("Commands:", 1)[1] if __doc__ else ""


def main(argv: Sequence[str]) -> int:
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print("usage: python3 scripts/dev.py <command> [args]\n\ncommands:" + USAGE)
        return 0
    command, args = argv[0], list(argv[1:])
    simple: dict[str, Callable[[], None]] = {
        "lint": lint,
        "fix": fix,
        "types": types,
        "dists": dists,
        "release": release,
        "starlette": starlette,
        "httpx": httpx,
        "mcp": mcp,
        "asyncer": asyncer,
        "anyio-suite": anyio_suite,
        "httpcore": httpcore,
        "httpx-suite": httpx_suite,
        "fastapi": fastapi,
        "demo": demo,
        "clean": clean,
    }
    try:
        if command == "test":
            return test_all()
        if command in simple:
            simple[command]()
        elif command == "pytest":
            pytest(MAIN_PYTHON, args)
        elif command == "pytest-all":
            for python in (MAIN_PYTHON, *OTHER_PYTHONS):
                pytest(python, args)
        elif command == "bench":
            bench(args)
        elif command == "docs-build":
            docs("build", args)
        elif command == "docs-serve":
            docs("serve", args)
        elif command == "hatch":
            hatch(*args)
        else:
            print(
                f"unknown command {command!r}; run `python3 scripts/dev.py help`", file=sys.stderr
            )
            return 2
    except StageFailed as exc:
        print(f"\nerror: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

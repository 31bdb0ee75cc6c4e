"""Facts about this workspace that the release check and the real-world runners share.

The umbrella distribution `anyio` (`packages/anyio`) is the one source of truth: its
`version` is the AnyIO API level that users see (`anyio.__version__`, the metadata that
Starlette's or httpx's `anyio` requirement is checked against), and its `dependencies` name
every part. Nothing here repeats either; a version bump or a new part is one edit of
`packages/anyio/pyproject.toml`.

Used by `scripts/check_release.py` (a sibling) and by the real-world runners
(`packages/*/realworld/run_*.py`, which put `scripts/` on `sys.path`): they also share
the throwaway venv, the sdist download and the timed pytest run below.
Standard library only; Python 3.10+ (without `tomllib` the two fields are read line by line).
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tarfile
import tempfile
import time
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ROOT / "packages"
UMBRELLA = "anyio"
#: The extra each part is installed with when the runners install "everything" (Trio too).
INSTALL_EXTRAS = {"anyio-core": "[trio]"}

_NAME = re.compile(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def _project_table(root: Path) -> dict[str, object]:
    """The `[project]` table of the umbrella's pyproject.toml (`version`, `dependencies`)."""
    text = (root / "packages" / UMBRELLA / "pyproject.toml").read_text(encoding="utf-8")
    if sys.version_info >= (3, 11):
        import tomllib

        project: dict[str, object] = tomllib.loads(text)["project"]
    else:
        project = _project_table_by_lines(text)
    return project


def _project_table_by_lines(text: str) -> dict[str, object]:
    """Read `version` and `dependencies` of `[project]` without a TOML parser."""
    body = text.split("\n[project]\n", 1)[1].split("\n[", 1)[0]
    version = re.search(r'^version\s*=\s*"([^"]+)"', body, re.MULTILINE)
    deps = re.search(r"^dependencies\s*=\s*\[(.*?)\]", body, re.MULTILINE | re.DOTALL)
    if version is None or deps is None:
        raise RuntimeError("packages/anyio/pyproject.toml: no [project] version or dependencies")
    return {"version": version.group(1), "dependencies": re.findall(r'"([^"]+)"', deps.group(1))}


def umbrella_version(root: Path = ROOT) -> str:
    """The version of the umbrella `anyio` as `packages/anyio/pyproject.toml` sets it."""
    return str(_project_table(root)["version"])


def parts(root: Path = ROOT) -> tuple[str, ...]:
    """Every distribution the umbrella requires (`anyio-core`, ...), in its order.

    Raises:
        RuntimeError: a requirement names no folder under `packages/`.
    """
    requirements = _project_table(root)["dependencies"]
    assert isinstance(requirements, list)
    names = []
    for requirement in requirements:
        match = _NAME.match(str(requirement))
        if match is None or not (root / "packages" / match.group(1)).is_dir():
            raise RuntimeError(
                f"the umbrella requires {requirement!r}, which is no folder under packages/; "
                "fix the dependencies in packages/anyio/pyproject.toml"
            )
        names.append(match.group(1))
    return tuple(names)


def local_path(requirement: str, root: Path = ROOT) -> str:
    """`anyio-core[trio]` -> `/path/to/packages/anyio-core[trio]` (pip installs the folder)."""
    name, bracket, extras = requirement.partition("[")
    return f"{root / 'packages' / name}{bracket}{extras}"


def local_install_targets(root: Path = ROOT) -> list[str]:
    """Folders to `pip install` for the whole of ours: every part, then the umbrella.

    Listing every part keeps pip from looking any of them up on the package index.
    """
    names = [*parts(root), UMBRELLA]
    return [local_path(name + INSTALL_EXTRAS.get(name, ""), root) for name in names]


def check_umbrella_code(*imports: str) -> str:
    """Python code for `python -c` that fails unless `anyio` is our umbrella at its version.

    `imports` are extra modules to import (say `anyio._net`, which only ours has); the code
    prints the versions and where `anyio` was imported from.
    """
    modules = ", ".join(["importlib.metadata as m", "anyio", *imports])
    version = umbrella_version()
    return (
        f"import {modules}; "
        f"assert m.version('anyio') == {version!r}, "
        f"f\"anyio is {{m.version('anyio')}}, not our umbrella {version}\"; "
        "print('anyio', m.version('anyio'), 'anyio-core', m.version('anyio-core'), "
        "'from', anyio.__file__)"
    )


def step(title: str, *cmd: str | Path, cwd: Path | None = None) -> None:
    """Print `title`, run `cmd` (failing on a non-zero exit), print how long it took."""
    print(f"\n==> {title}", flush=True)
    started = time.monotonic()
    subprocess.run([str(part) for part in cmd], check=True, cwd=cwd)
    print(f"    ({time.monotonic() - started:.1f} s)", flush=True)


def make_venv(workdir: Path) -> tuple[Path, tuple[str | Path, ...]]:
    """Create a fresh virtualenv in ``workdir/venv``; return its python and its pip install."""
    env_dir = workdir / "venv"
    print(f"==> virtualenv in {env_dir}", flush=True)
    venv.create(env_dir, with_pip=True, clear=True)
    python = env_dir / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")
    return python, (python, "-m", "pip", "install", "-q", "--disable-pip-version-check")


#: What a runner's ``--reference`` installs from PyPI instead of ours (in the runner's own
#: venv, as always), to tell the machine's failures from ours.
REFERENCE_ANYIO = "anyio[trio]==4.16.0"


def runner_parser(description: str, project: str, version: str) -> argparse.ArgumentParser:
    """The options of a runner with a reference run: ``--<project>``, ``--workdir``, ``--reference``."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument(f"--{project}", default=version, help=f"{project} version")
    parser.add_argument("--workdir", type=Path, help="keep the venv and sources here")
    parser.add_argument(
        "--reference", action="store_true", help=f"use {REFERENCE_ANYIO} from PyPI, not ours"
    )
    return parser


def venv_with_anyio(
    args: argparse.Namespace, project: str
) -> tuple[Path, Path, tuple[str | Path, ...], float]:
    """Make the runner's venv with ours (or, with ``--reference``, PyPI's AnyIO) in it.

    Returns the work dir, the venv's python, its pip install command and the start time.
    """
    workdir: Path = args.workdir or Path(tempfile.mkdtemp(prefix=f"anyio-{project}-"))
    workdir.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    python, pip = make_venv(workdir)
    if args.reference:
        step("install AnyIO from PyPI (reference run)", *pip, REFERENCE_ANYIO)
    else:
        step("install our distributions (non-editable)", *pip, *local_install_targets())
    return workdir, python, pip, started


def fetch_sdist(python: Path, name: str, version: str | None, into: Path) -> Path:
    """Download and unpack the sdist of ``name`` (``version``, or the newest); return its tree."""
    spec = f"{name}=={version}" if version else name
    pip_download = ("-m", "pip", "download", "-q", "--no-deps", "--no-binary", ":all:")
    step(f"download the {spec} sdist (its tests)", python, *pip_download, "-d", into, spec)
    (archive,) = into.glob(f"{name}-{version or '*'}.tar.gz")
    with tarfile.open(archive) as tar:
        tar.extractall(into, filter="data")
    return into / archive.name.removesuffix(".tar.gz")


def run_suite(title: str, command: list[str | Path], cwd: Path, started: float) -> int:
    """Run a test suite's pytest ``command`` in ``cwd``; print its and the whole run's time."""
    print(f"\n==> {title}", flush=True)
    test_started = time.monotonic()
    status = subprocess.run([str(part) for part in command], cwd=cwd).returncode
    print(f"\n    pytest: exit status {status}, {time.monotonic() - test_started:.1f} s")
    print(f"    total: {time.monotonic() - started:.1f} s (work dir: {cwd.parent})")
    return status

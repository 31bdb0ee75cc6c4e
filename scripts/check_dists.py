"""Build every distribution of the workspace and check what ends up in it.

Run through `python3 scripts/dev.py dists` (it supplies uv and the environment). Steps:

1. `uv build` each `packages/<dist>` into `dist/`: first the sdist, then the wheel built *from
   that sdist*, which proves the sdist is complete.
2. Check each wheel holds exactly its own files (see `OWNED`): nothing of another
   distribution, no dev-only `py.typed` outside anyio-core, no two wheels sharing a path.
3. Install all the wheels (not editable) into a scratch virtualenv and check that the one
   `anyio` package is assembled from them and that the pytest plugin entry point is there.

Stdlib only. Exits non-zero with a list of problems.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DIST = ROOT / "dist"

# distribution -> (folder under packages/, paths inside the wheel that it owns).
# A path ending in "/" is a folder (everything below it), anything else is one file.
OWNED: dict[str, tuple[str, tuple[str, ...]]] = {
    "anyio_core": (
        "anyio-core",
        (
            "anyio/__init__.py",
            "anyio/lowlevel.py",
            "anyio/functools.py",
            "anyio/itertools.py",
            "anyio/py.typed",
            "anyio/abc/",
            "anyio/_core/",
            "anyio/_backends/",
        ),
    ),
    "anyio_streams": ("anyio-streams", ("anyio/streams/",)),
    "anyio_threads": (
        "anyio-threads",
        (
            "anyio/to_thread.py",
            "anyio/from_thread.py",
            "anyio/to_interpreter.py",
            "anyio/_threads/",
        ),
    ),
    "anyio_path": ("anyio-path", ("anyio/_path/",)),
    "anyio_testing": ("anyio-testing", ("anyio/pytest_plugin.py", "anyio/_testing/")),
    "anyio_net": ("anyio-net", ("anyio/_net/",)),
    "anyio_process": ("anyio-process", ("anyio/_process/", "anyio/to_process.py")),
    "anyio": ("anyio", ()),
}

# Modules that must be importable from the installed wheels, with their distribution.
SMOKE_MODULES = {
    "anyio": "anyio_core",
    "anyio.abc": "anyio_core",
    "anyio.lowlevel": "anyio_core",
    "anyio.functools": "anyio_core",
    "anyio.itertools": "anyio_core",
    "anyio.streams": "anyio_streams",
    "anyio.to_thread": "anyio_threads",
    "anyio.from_thread": "anyio_threads",
    "anyio.to_interpreter": "anyio_threads",
    "anyio._path": "anyio_path",
    "anyio.pytest_plugin": "anyio_testing",
    "anyio._net": "anyio_net",
    "anyio._process": "anyio_process",
}

SMOKE_SCRIPT = """
import importlib.metadata, importlib.util, json, sys
found = {}
for name in sys.argv[1].split(","):
    spec = importlib.util.find_spec(name)
    found[name] = spec.origin if spec else None
eps = [ep.value for ep in importlib.metadata.entry_points(group="pytest11") if ep.name == "anyio"]
versions = {d: importlib.metadata.version(d) for d in sys.argv[2].split(",")}
print(json.dumps({"modules": found, "pytest11": eps, "versions": versions}))
"""


def owns(paths: tuple[str, ...], name: str) -> bool:
    return any(name.startswith(p) if p.endswith("/") else name == p for p in paths)


def build(uv: str, problems: list[str]) -> None:
    if DIST.exists():
        shutil.rmtree(DIST)
    for folder, _ in OWNED.values():
        cmd = [uv, "build", "--quiet", "--out-dir", str(DIST), str(ROOT / "packages" / folder)]
        print("$ " + " ".join(cmd), flush=True)
        if subprocess.call(cmd, cwd=ROOT) != 0:
            problems.append(f"building packages/{folder} failed")


def find_one(pattern: str, problems: list[str]) -> Path | None:
    matches = sorted(DIST.glob(pattern))
    if len(matches) != 1:
        problems.append(f"expected one file matching dist/{pattern}, found {len(matches)}")
        return None
    return matches[0]


def check_wheel(dist: str, wheel: Path, seen: dict[str, str], problems: list[str]) -> None:
    _, paths = OWNED[dist]
    with zipfile.ZipFile(wheel) as zf:
        names = [n for n in zf.namelist() if not n.endswith("/")]
        entry_points = next((n for n in names if n.endswith(".dist-info/entry_points.txt")), None)
        ep_text = zf.read(entry_points).decode() if entry_points else ""
    code = [n for n in names if ".dist-info/" not in n]
    for name in code:
        if not owns(paths, name):
            problems.append(f"{wheel.name} contains {name}, which it does not own")
        if name in seen:
            problems.append(f"{name} is in both {seen[name]} and {wheel.name}")
        seen[name] = wheel.name
    missing = [path for path in paths if not any(owns((path,), n) for n in code)]
    problems += [f"{wheel.name} lacks {path}" for path in missing]
    if dist == "anyio_testing" and "anyio = anyio.pytest_plugin" not in ep_text:
        problems.append(f"{wheel.name} does not register the pytest11 entry point")
    print(f"{wheel.name}: {len(code)} files")


def check_sdist(sdist: Path, problems: list[str]) -> None:
    import tarfile

    with tarfile.open(sdist) as tf:
        names = tf.getnames()
    present = {n.split("/", 1)[-1] for n in names}
    problems += [
        f"{sdist.name} lacks {required}"
        for required in ("pyproject.toml", "README.md", "PKG-INFO")
        if required not in present
    ]
    print(f"{sdist.name}: {len(names)} entries")


def smoke(uv: str, wheels: list[Path], problems: list[str]) -> None:
    """Install the wheels into a scratch venv and check the assembled package."""
    import json

    with tempfile.TemporaryDirectory(prefix="anyio-wheels-") as tmp:
        venv_dir = Path(tmp) / "venv"
        python = shutil.which("python3.11") or sys.executable
        steps = [
            [uv, "venv", "--quiet", "--python", python, str(venv_dir)],
            [uv, "pip", "install", "--quiet", "--python", str(venv_dir), *map(str, wheels)],
        ]
        for cmd in steps:
            print("$ " + " ".join(cmd), flush=True)
            if subprocess.call(cmd, cwd=tmp) != 0:
                problems.append("installing the wheels into a scratch venv failed")
                return
        py = venv_dir / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
        proc = subprocess.run(
            [str(py), "-c", SMOKE_SCRIPT, ",".join(SMOKE_MODULES), ",".join(OWNED)],
            cwd=tmp,
            capture_output=True,
            text=True,
            check=False,
        )
        if proc.returncode != 0:
            problems.append(f"importing the installed wheels failed:\n{proc.stderr}")
            return
        report = json.loads(proc.stdout)
    site = str(venv_dir)
    for module, origin in report["modules"].items():
        if origin is None or not origin.startswith(site):
            problems.append(
                f"{module} is not importable from the installed wheels (found {origin})"
            )
    if report["pytest11"] != ["anyio.pytest_plugin"]:
        problems.append(f"pytest11 entry points named anyio: {report['pytest11']}")
    print(f"installed: {report['versions']}")


def main() -> int:
    uv = shutil.which(
        "uv", path=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    )
    if uv is None:
        print("uv not found; run this through `python3 scripts/dev.py dists`", file=sys.stderr)
        return 2
    problems: list[str] = []
    build(uv, problems)
    seen: dict[str, str] = {}
    wheels: list[Path] = []
    for dist in OWNED:
        wheel = find_one(f"{dist}-*-py3-none-any.whl", problems)
        sdist = find_one(f"{dist}-*.tar.gz", problems)
        if wheel is not None:
            check_wheel(dist, wheel, seen, problems)
            wheels.append(wheel)
        if sdist is not None:
            check_sdist(sdist, problems)
    if not problems:
        smoke(uv, wheels, problems)
    for problem in problems:
        print(f"PROBLEM: {problem}", file=sys.stderr)
    print("distributions: " + ("ok" if not problems else f"{len(problems)} problem(s)"))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

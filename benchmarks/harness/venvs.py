"""The benchmark venvs under `.bench/` and the three columns ("slots") they provide.

- `.bench/ours`: trio and uvloop from the package index, plus our distributions built
  from `packages/` and installed non-editable (`--no-deps --no-build-isolation`, one at a
  time, so a distribution that does not build yet leaves the others usable). They are
  reinstalled whenever a hash of their source trees changes.
- `.bench/anyio413`: `anyio==4.13.0`, trio and uvloop from the package index.
- `.bench/ref-<commit>` (only with `run.py --ours-ref REV`): like `ours`, but built from a
  git worktree of another commit of this repository (`/tmp/wt-<REV>`, added detached if
  missing), so two builds of ours can be measured side by side in one run.

Both use the same base interpreter and the same pinned trio and uvloop. The raw twins run on
the `ours` venv's interpreter; they never import anyio. PyPI's `anyio` never enters `ours`
(checked after every install). Host side only: standard library, no event loop.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: Same versions in both venvs, so only anyio differs between the columns (trustme: the
#: TLS workloads' certificates).
BENCH_DEPS = ("trio==0.35.0", "uvloop==0.23.0", "trustme==1.2.1")
REFERENCE = "anyio==4.13.0"
#: Our distributions in install order; the first one is required for the "ours" column.
OUR_DISTS = (
    "anyio-core",
    "anyio-threads",
    "anyio-streams",
    "anyio-path",
    "anyio-net",
    "anyio-process",
)
MARKER = "bench-venv.json"
OURS_STATE = "ours-state.json"

#: Run in a venv after installing: which anyio is imported, and which distributions exist.
_PROBE_SCRIPT = """
import importlib.metadata as md, json, sys
out = {"python": sys.version.split()[0], "dists": {}}
for name in ("anyio", "anyio-core", "anyio-threads", "anyio-streams", "anyio-path", "anyio-net",
             "anyio-process"):
    try:
        out["dists"][name] = md.version(name)
    except md.PackageNotFoundError:
        pass
try:
    import anyio
    out["anyio_file"] = anyio.__file__
except BaseException as exc:
    out["import_error"] = f"{type(exc).__name__}: {exc}"
print(json.dumps(out))
"""


@dataclass
class Slot:
    """One column of the results: an interpreter and the implementation it runs."""

    name: str
    impl: str
    python: Path | None = None
    error: str | None = None
    detail: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def available(self) -> bool:
        """Whether this column can be measured."""
        return self.python is not None and self.error is None


def _log(message: str) -> None:
    print(f"[setup] {message}", file=sys.stderr, flush=True)


def _tail(text: str, lines: int = 4) -> str:
    kept = [line.strip() for line in text.strip().splitlines() if line.strip()][-lines:]
    return " | ".join(kept)


def _pip(python: Path, args: list[str], log: Path) -> subprocess.CompletedProcess[str]:
    """Run pip in a venv, append its output to `log`, return the completed process."""
    cmd = [str(python), "-m", "pip", "--disable-pip-version-check", *args]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False, env=clean_env())
    with log.open("a") as file:
        file.write(f"$ {' '.join(cmd)}\n{proc.stdout}{proc.stderr}\n")
    return proc


def clean_env() -> dict[str, str]:
    """The environment for subprocesses: no PYTHON* variables (path, dev mode, debug)."""
    return {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}


def _base_version(python: str) -> str:
    out = subprocess.run(
        [python, "-c", "import sys; print(sys.version)"],
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.strip()


def ensure_venv(path: Path, python: str, requirements: list[str], log: Path) -> Path:
    """Create (or reuse) a venv at `path` with `requirements`; return its interpreter.

    Raises:
        RuntimeError: the venv could not be created or the requirements not installed.
    """
    venv_python = path / "bin" / "python"
    wanted = {"python": _base_version(python), "requirements": sorted(requirements)}
    marker = path / MARKER
    if marker.exists() and venv_python.exists() and json.loads(marker.read_text()) == wanted:
        return venv_python
    _log(f"creating {path.name} venv: {', '.join(requirements)}")
    shutil.rmtree(path, ignore_errors=True)
    made = subprocess.run([python, "-m", "venv", str(path)], capture_output=True, text=True)
    if made.returncode:
        raise RuntimeError(f"python -m venv failed: {_tail(made.stderr)}")
    proc = _pip(venv_python, ["install", "-q", *requirements], log)
    if proc.returncode:
        raise RuntimeError(f"pip install failed (see {log}): {_tail(proc.stderr)}")
    marker.write_text(json.dumps(wanted))
    return venv_python


def _probe(python: Path) -> dict[str, Any]:
    proc = subprocess.run(
        [str(python), "-c", _PROBE_SCRIPT], capture_output=True, text=True, env=clean_env()
    )
    if proc.returncode:
        return {"import_error": _tail(proc.stderr), "dists": {}}
    result: dict[str, Any] = json.loads(proc.stdout)
    return result


def _pyproject(repo: Path, dist: str) -> dict[str, Any] | None:
    path = repo / "packages" / dist / "pyproject.toml"
    if not path.exists():
        return None
    try:
        return tomllib.loads(path.read_text())
    except tomllib.TOMLDecodeError:
        return None


def _third_party_requirements(repo: Path) -> list[str]:
    """Build requirements and third-party runtime dependencies of our distributions."""
    found = set(BENCH_DEPS)
    for dist in OUR_DISTS:
        data = _pyproject(repo, dist) or {}
        found.update(data.get("build-system", {}).get("requires", []))
        for req in data.get("project", {}).get("dependencies", []):
            if not req.replace("_", "-").lower().startswith("anyio"):
                found.add(req)
    return sorted(found)


def source_hash(repo: Path) -> str:
    """Hash every file of our distributions except tests and caches."""
    digest = hashlib.sha256()
    for dist in OUR_DISTS:
        root = repo / "packages" / dist
        for path in sorted(root.rglob("*")) if root.exists() else []:
            rel = path.relative_to(root)
            skip = {"tests", "__pycache__"} & set(rel.parts) or path.suffix == ".pyc"
            if path.is_file() and not skip:
                digest.update(f"{dist}/{rel}\0".encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def _install_ours(python: Path, repo: Path, log: Path) -> dict[str, Any]:
    """(Re)install our distributions one at a time; return what happened."""
    _log(f"installing our distributions (non-editable) into {python.parent.parent.name}")
    _pip(python, ["uninstall", "-y", "-q", *OUR_DISTS], log)
    state: dict[str, Any] = {"installed": [], "failed": {}}
    for dist in OUR_DISTS:
        if not (repo / "packages" / dist / "pyproject.toml").exists():
            continue
        args = [
            "install",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            str(repo / "packages" / dist),
        ]
        proc = _pip(python, args, log)
        if proc.returncode:
            state["failed"][dist] = _tail(proc.stderr, 2)
        else:
            state["installed"].append(dist)
    return state


def _ours_slot(
    python: Path, repo: Path, state_file: Path, log: Path, *, reinstall: bool, name: str = "ours"
) -> Slot:
    """A column of our distributions built from the checkout `repo` into the venv of `python`."""
    slot = Slot(name, "anyio", python)
    digest = source_hash(repo)
    state = json.loads(state_file.read_text()) if state_file.exists() else {}
    if reinstall or state.get("hash") != digest:
        state = {"hash": digest, **_install_ours(python, repo, log)}
        state_file.write_text(json.dumps(state))
    probe = _probe(python)
    dists = probe.get("dists", {})
    if "anyio" in dists:
        slot.error = f"a distribution named anyio=={dists['anyio']} is in the ours venv"
    elif "anyio-core" in state.get("failed", {}):
        slot.error = f"anyio-core does not build: {state['failed']['anyio-core']}"
    elif "anyio-core" not in dists:
        slot.error = "anyio-core is not installed (no packages/anyio-core/pyproject.toml?)"
    elif "import_error" in probe:
        slot.error = f"import anyio failed: {probe['import_error']}"
    installed = ", ".join(f"{d} {dists[d]}" for d in OUR_DISTS if d in dists)
    slot.detail = f"{installed} (sources {digest[:12]})"
    failed = state.get("failed", {}).items()
    slot.notes = [f"{d} not installed: {why}" for d, why in failed if d != "anyio-core"]
    return slot


def _reference_slot(python: Path) -> Slot:
    slot = Slot("anyio413", "anyio", python)
    probe = _probe(python)
    version = probe.get("dists", {}).get("anyio")
    if version != REFERENCE.split("==")[1]:
        slot.error = f"expected {REFERENCE}, found anyio {version}: {probe.get('import_error')}"
    slot.detail = f"anyio {version}"
    return slot


def prepare(repo: Path, python: str, wanted: list[str], *, reinstall: bool) -> dict[str, Slot]:
    """Create or refresh the venvs the `wanted` slots need; return every slot's state."""
    bench = repo / ".bench"
    (bench / "logs").mkdir(parents=True, exist_ok=True)
    # Keep the whole folder out of git even without a root .gitignore entry.
    (bench / ".gitignore").write_text("*\n")
    slots: dict[str, Slot] = {}
    if {"raw", "ours"} & set(wanted):
        log = bench / "logs" / "ours.log"
        try:
            ours_python = ensure_venv(bench / "ours", python, _third_party_requirements(repo), log)
        except RuntimeError as exc:
            slots["raw"] = Slot("raw", "raw", error=f"venv .bench/ours: {exc}")
            slots["ours"] = Slot("ours", "anyio", error=f"venv .bench/ours: {exc}")
        else:
            slots["raw"] = Slot("raw", "raw", ours_python, detail="asyncio / trio, no anyio")
            if "ours" in wanted:
                state_file = bench / "ours" / OURS_STATE
                slots["ours"] = _ours_slot(ours_python, repo, state_file, log, reinstall=reinstall)
    if "anyio413" in wanted:
        log = bench / "logs" / "anyio413.log"
        try:
            ref_python = ensure_venv(bench / "anyio413", python, [REFERENCE, *BENCH_DEPS], log)
        except RuntimeError as exc:
            slots["anyio413"] = Slot("anyio413", "anyio", error=f"venv .bench/anyio413: {exc}")
        else:
            slots["anyio413"] = _reference_slot(ref_python)
    return {name: slots[name] for name in wanted if name in slots}


#: Where `--ours-ref` worktrees go: `<root>/wt-<rev>`.
WORKTREE_ROOT = Path(tempfile.gettempdir())


def _git(repo: Path, *args: str) -> str:
    """Run git in `repo`; return its stripped output or raise RuntimeError with its error."""
    proc = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True)
    if proc.returncode:
        raise RuntimeError(f"git {' '.join(args)} failed: {_tail(proc.stderr)}")
    return proc.stdout.strip()


def ref_worktree(repo: Path, rev: str) -> tuple[Path, str]:
    """A detached worktree of commit `rev` at `/tmp/wt-<rev>` (added if missing) and its sha.

    Raises:
        RuntimeError: `rev` is no commit, or the folder exists but is at another commit.
    """
    sha = _git(repo, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}")
    path = WORKTREE_ROOT / f"wt-{re.sub(r'[^A-Za-z0-9._-]', '_', rev)}"
    if not path.exists():
        _log(f"adding a worktree of {rev} at {path}")
        _git(repo, "worktree", "add", "--detach", str(path), sha)
    found = _git(path, "rev-parse", "HEAD")
    if found != sha:
        raise RuntimeError(
            f"{path} is at {found[:12]}, not at {rev} ({sha[:12]}); remove it with "
            f"`git worktree remove {path}` or check out {rev} there"
        )
    return path, sha


def ref_slot(repo: Path, python: str, rev: str, *, reinstall: bool) -> Slot:
    """The column `ours@<rev>`: our distributions built from a worktree of commit `rev`."""
    name = f"ours@{rev}"
    bench = repo / ".bench"
    try:
        source, sha = ref_worktree(repo, rev)
        venv = bench / f"ref-{sha[:12]}"
        log = bench / "logs" / f"ref-{sha[:12]}.log"
        venv_python = ensure_venv(venv, python, _third_party_requirements(source), log)
    except RuntimeError as exc:
        return Slot(name, "anyio", error=f"{name}: {exc}")
    slot = _ours_slot(venv_python, source, venv / OURS_STATE, log, reinstall=reinstall, name=name)
    slot.detail = f"commit {sha[:12]}: {slot.detail}"
    return slot

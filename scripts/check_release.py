"""Check the release shape: what users get from `pip install anyio` and from single parts.

Run through `python3 scripts/dev.py release` (it supplies uv and the environment); part of
`python3 scripts/dev.py test`. Steps:

1. Use the wheels and sdists in `dist/` (built by `scripts/check_dists.py`; built here if
   `dist/` lacks any of them).
2. Versions: the umbrella `anyio` wheel has the version its pyproject.toml sets (the AnyIO
   API level it provides, 4.16.0), it requires every part (`scripts/_workspace.py` reads
   both from `packages/anyio/pyproject.toml`), and each of its pins (also those of the `[trio]` extra) is met by
   the version of the part's wheel. Read from the wheels' METADATA.
3. Umbrella install: a fresh venv gets the third-party dependencies (trio, ...) from the
   package index, then `anyio[trio]` from `dist/` with `--no-index`, so our names can only
   come from the built files. `pip check`, then a quickstart program (task group,
   `move_on_after`, `to_thread.run_sync`, `anyio.Path`, memory streams) on asyncio and Trio.
4. Partial install: a second venv gets only `anyio-core` and `anyio-streams` (and what they
   depend on) from `dist/`; memory streams work, and `anyio.Path` raises
   `MissingDistributionError` naming `anyio-path`.

Stdlib only. Exits non-zero with a list of problems.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from email.parser import Parser
from pathlib import Path
from typing import TYPE_CHECKING

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _workspace  # sibling scripts, not a package
import check_dists

if TYPE_CHECKING:
    from collections.abc import Callable

ROOT = check_dists.ROOT
DIST = check_dists.DIST
#: What the wheels must say, read from packages/anyio/pyproject.toml (scripts/_workspace.py).
UMBRELLA_VERSION = _workspace.umbrella_version()
PARTS = _workspace.parts()

QUICKSTART = """
import sys, time
import anyio
from anyio import to_thread

async def worker(n, results):
    results.append(await to_thread.run_sync(lambda: n * n))

async def main():
    results = []
    async with anyio.create_task_group() as tg:
        for n in range(3):
            tg.start_soon(worker, n, results)
    with anyio.move_on_after(0.05) as scope:
        await anyio.sleep(5)
    send, receive = anyio.create_memory_object_stream[int](1)
    async with send, receive:
        await send.send(1)
        assert await receive.receive() == 1
    assert await anyio.Path(sys.executable).exists()
    print(sorted(results), scope.cancelled_caught, anyio.get_cancelled_exc_class().__name__)

anyio.run(main, backend=sys.argv[1])
"""

PARTIAL = """
import anyio

async def main():
    send, receive = anyio.create_memory_object_stream[str](1)
    async with send, receive:
        await send.send("ok")
        print(await receive.receive())

anyio.run(main)
try:
    anyio.Path
except anyio.MissingDistributionError as exc:
    print("missing:", exc)
else:
    raise SystemExit("anyio.Path imported without anyio-path installed")
"""


# --------------------------------------------------------------------------------------------
# Metadata and versions


def metadata(wheel: Path) -> tuple[str, str, list[str]]:
    """Return (name, version, Requires-Dist lines) of a wheel."""
    with zipfile.ZipFile(wheel) as zf:
        name = next(n for n in zf.namelist() if n.endswith(".dist-info/METADATA"))
        message = Parser().parsestr(zf.read(name).decode())
    return message["Name"], message["Version"], message.get_all("Requires-Dist") or []


def normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def split_requirement(line: str) -> tuple[str, str, str, str]:
    """Split a Requires-Dist line into (name, extras, specifier, marker)."""
    requirement, _, marker = line.partition(";")
    match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*(.*)", requirement)
    if match is None:
        raise ValueError(f"cannot parse requirement {line!r}")
    name, extras, spec = match.groups()
    return normalize(name), extras or "", spec.strip().strip("()"), marker.strip()


def version_tuple(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", version.split("+")[0])[:3])


def satisfies(version: str, specifier: str) -> bool:
    """Tell whether `version` meets a specifier such as ">=0.1.0,<0.2" (numeric releases)."""
    have = version_tuple(version)
    for clause in filter(None, (c.strip() for c in specifier.split(","))):
        match = re.match(r"(~=|==|!=|<=|>=|<|>)\s*(.+)", clause)
        if match is None:
            return False
        op, wanted = match.group(1), version_tuple(match.group(2))
        width = max(len(have), len(wanted))
        a, b = have + (0,) * (width - len(have)), wanted + (0,) * (width - len(wanted))
        ok = {
            "==": a == b,
            "!=": a != b,
            "<=": a <= b,
            ">=": a >= b,
            "<": a < b,
            ">": a > b,
            "~=": a >= b and have[: len(wanted) - 1] == wanted[:-1],
        }[op]
        if not ok:
            return False
    return True


def check_versions(wheels: dict[str, Path], problems: list[str]) -> None:
    versions = {normalize(metadata(w)[0]): metadata(w)[1] for w in wheels.values()}
    _, umbrella_version, requires = metadata(wheels["anyio"])
    if umbrella_version != UMBRELLA_VERSION:
        problems.append(f"the anyio umbrella is {umbrella_version}, expected {UMBRELLA_VERSION}")
    pinned: set[str] = set()
    for line in requires:
        name, _extras, spec, marker = split_requirement(line)
        if name not in PARTS:
            continue
        if "extra" not in marker:
            pinned.add(name)
        if not spec:
            problems.append(f"anyio requires {name} without a version range")
        elif not satisfies(versions[name], spec):
            problems.append(f"anyio requires {name} {spec}, but {name} is {versions[name]}")
    problems += [f"the anyio umbrella does not require {p}" for p in PARTS if p not in pinned]
    print(f"versions: {versions}")


# --------------------------------------------------------------------------------------------
# Installs


def third_party_requirements(wheels: dict[str, Path], *, trio: bool) -> list[str]:
    """Return the non-anyio requirements of `wheels`, with those of `[trio]` if `trio`."""
    found = []
    for wheel in wheels.values():
        for line in metadata(wheel)[2]:
            name, extras, spec, marker = split_requirement(line)
            if name == "anyio" or name in PARTS:
                continue
            if "extra" in marker:
                if not trio or not re.search(r"""extra\s*==\s*["']trio["']""", marker):
                    continue
                marker = ""  # the only extra we install; its requirements carry no other marker
            found.append(f"{name}{extras}{spec}" + (f"; {marker}" if marker else ""))
    return sorted(set(found))


def make_venv(uv: str, where: Path) -> Path:
    python = shutil.which("python3.11") or sys.executable
    run([uv, "venv", "--quiet", "--python", python, str(where)])
    return where / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def run(cmd: list[str], cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    print("$ " + " ".join("<program>" if "\n" in arg else arg for arg in cmd), flush=True)
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"{Path(cmd[0]).name} failed:\n{proc.stdout}{proc.stderr}")
    return proc


def pip_install_from_dist(uv: str, python: Path, requirements: list[str]) -> None:
    # --refresh: uv's cache keys a wheel by name and version, so a rebuilt wheel of an unchanged
    # version (new pins, same 0.1.0) would otherwise be replaced by the cached old one.
    options = ["--quiet", "--python", str(python), "--no-index", "--find-links", str(DIST)]
    options.append("--refresh")
    run([uv, "pip", "install", *options, *requirements])


def installed(uv: str, python: Path) -> dict[str, str]:
    out = run([uv, "pip", "freeze", "--python", str(python)]).stdout
    return {normalize(n): v for n, _, v in (line.partition("==") for line in out.splitlines())}


def check_umbrella(uv: str, wheels: dict[str, Path], tmp: Path, problems: list[str]) -> None:
    python = make_venv(uv, tmp / "umbrella")
    third_party = third_party_requirements(wheels, trio=True)
    run([uv, "pip", "install", "--quiet", "--python", str(python), *third_party])
    pip_install_from_dist(uv, python, ["anyio[trio]"])
    run([uv, "pip", "check", "--python", str(python)])
    have = installed(uv, python)
    problems += [f"pip install anyio did not install {p}" for p in PARTS if p not in have]
    for backend in ("asyncio", "trio"):
        out = run([str(python), "-c", QUICKSTART, backend], cwd=tmp).stdout.strip()
        print(f"quickstart on {backend}: {out}")
        if not out.startswith("[0, 1, 4] True"):
            problems.append(f"the quickstart printed {out!r} on {backend}")
    print(f"umbrella venv: {have}")


def check_partial(uv: str, wheels: dict[str, Path], tmp: Path, problems: list[str]) -> None:
    python = make_venv(uv, tmp / "partial")
    parts = {n: wheels[n] for n in ("anyio-core", "anyio-streams", "anyio-threads")}
    deps = third_party_requirements(parts, trio=False)
    if deps:
        run([uv, "pip", "install", "--quiet", "--python", str(python), *deps])
    pip_install_from_dist(uv, python, ["anyio-core", "anyio-streams"])
    have = installed(uv, python)
    if "anyio-path" in have or "anyio" in have:
        problems.append(f"anyio-core + anyio-streams pulled in more: {sorted(have)}")
    out = run([str(python), "-c", PARTIAL], cwd=tmp).stdout
    print(f"partial install ({', '.join(sorted(n for n in have if n.startswith('anyio')))}):")
    print(out.rstrip())
    if out.splitlines()[:1] != ["ok"] or "pip install anyio-path" not in out:
        problems.append(f"partial install: unexpected output {out!r}")


# --------------------------------------------------------------------------------------------


def find_wheels(uv: str, problems: list[str]) -> dict[str, Path]:
    patterns = {dist: f"{dist}-*" for dist in check_dists.OWNED}
    complete = all(
        len(list(DIST.glob(p + suffix))) == 1
        for p in patterns.values()
        for suffix in ("-py3-none-any.whl", ".tar.gz")
    )
    if not complete:
        check_dists.build(uv, problems)
    wheels = {}
    for dist, pattern in patterns.items():
        wheel = check_dists.find_one(pattern + "-py3-none-any.whl", problems)
        check_dists.find_one(pattern + ".tar.gz", problems)
        if wheel is not None:
            wheels[normalize(dist)] = wheel
    return wheels


def attempt(
    step: Callable[[str, dict[str, Path], Path, list[str]], None],
    uv: str,
    wheels: dict[str, Path],
    tmp: Path,
    problems: list[str],
) -> None:
    """Run one install check; a failing command becomes a problem, not a traceback."""
    try:
        step(uv, wheels, tmp, problems)
    except RuntimeError as exc:
        problems.append(f"{step.__name__}: {exc}")


def main() -> int:
    uv = shutil.which(
        "uv", path=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    )
    if uv is None:
        print("uv not found; run this through `python3 scripts/dev.py release`", file=sys.stderr)
        return 2
    problems: list[str] = []
    wheels = find_wheels(uv, problems)
    if not problems:
        check_versions(wheels, problems)
        with tempfile.TemporaryDirectory(prefix="anyio-release-") as tmp:
            attempt(check_umbrella, uv, wheels, Path(tmp), problems)
            attempt(check_partial, uv, wheels, Path(tmp), problems)
    for problem in problems:
        print(f"PROBLEM: {problem}", file=sys.stderr)
    print("release shape: " + ("ok" if not problems else f"{len(problems)} problem(s)"))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

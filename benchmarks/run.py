"""Benchmark our anyio against AnyIO 4.13 and against raw asyncio / trio, side by side.

Usage (from anywhere; the standard library is all it needs):

    python3 benchmarks/run.py [--quick] [--only NAME[,NAME...]] [--rounds N] [--check]

It creates or refreshes two venvs under `.bench/` (see `harness/venvs.py`), then runs every
workload in interleaved rounds: in each round, one worker process per workload, backend
and slot (raw twin, ours, AnyIO 4.13), with the slot order rotated from round to round.
It prints a table of figures and ratios with PASS/FAIL against each target and writes
`benchmarks/results/latest.json` and `latest.md`. See benchmarks/README.md.

Two builds of ours side by side (a before/after check of a change):

    python3 benchmarks/run.py --slots none --ours-ref OLD --ours-ref NEW \
        --compare ours@NEW/ours@OLD --output before-after

Each `--ours-ref` is built from a git worktree of that commit into its own venv; the
comparison column is the median of the per-round quotients, flagged above `--flag-above`.
"""

from __future__ import annotations

import argparse
import datetime
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from harness import registry, report, venvs

if TYPE_CHECKING:
    from harness.registry import Workload

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
RESULTS = BENCH_DIR / "results"
SLOTS = ("raw", "ours", "anyio413")
#: (rounds, timed seconds per worker process) for a full and a quick run.
DEFAULTS = {False: (5, 0.25), True: (3, 0.08)}
TIMEOUT = {"time": 120.0, "memory": 300.0}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python3 benchmarks/run.py",
        description="Compare ours, AnyIO 4.13 and raw asyncio/trio on the same workloads.",
    )
    parser.add_argument("--quick", action="store_true", help="fewer rounds, shorter timings")
    parser.add_argument("--only", action="append", metavar="NAME", help="workloads (comma list)")
    parser.add_argument("--rounds", type=int, help="interleaved rounds (default 5, quick 3)")
    parser.add_argument("--budget", type=float, help="timed seconds per worker process")
    parser.add_argument("--backends", default="asyncio,trio", help="asyncio,trio,uvloop")
    parser.add_argument(
        "--slots", default=",".join(SLOTS), help="raw,ours,anyio413 (none: only --ours-ref)"
    )
    parser.add_argument("--stat", choices=("median", "min"), default="median")
    parser.add_argument(
        "--reinstall", action="store_true", help="reinstall ours even if unchanged"
    )
    parser.add_argument("--python", default=sys.executable, help="base interpreter for the venvs")
    parser.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    parser.add_argument("--list", action="store_true", help="list the workloads and exit")
    parser.add_argument(
        "--ours-ref", action="append", default=[], metavar="REV",
        help="also measure ours built from this commit (a worktree), column ours@REV",
    )  # fmt: skip
    parser.add_argument(
        "--compare", action="append", default=[], metavar="A/B",
        help="add a column of the per-round quotients A/B of two columns (repeatable)",
    )  # fmt: skip
    parser.add_argument(
        "--flag-above", type=float, default=1.05, metavar="X",
        help="flag rows where a --compare quotient is above X (default 1.05)",
    )  # fmt: skip
    parser.add_argument(
        "--output", default="latest", metavar="STEM",
        help="results file names: results/STEM.json and STEM.md (default latest)",
    )  # fmt: skip
    return parser.parse_args(argv)


def _split(values: list[str] | str | None) -> list[str]:
    items = [values] if isinstance(values, str) else values or []
    return [part.strip() for item in items for part in item.split(",") if part.strip()]


def parse_compares(specs: list[str], columns: list[str]) -> list[tuple[str, str]]:
    """`A/B` strings as (A, B) pairs of known column names."""
    pairs = []
    for spec in _split(specs):
        a, sep, b = spec.rpartition("/")
        if not sep or a not in columns or b not in columns:
            known = ", ".join(columns)
            raise SystemExit(f"--compare {spec}: expected A/B of two columns; columns: {known}")
        pairs.append((a, b))
    return pairs


def select_workloads(only: list[str]) -> list[Workload]:
    """The workloads named by --only (all when empty), in registry order."""
    unknown = sorted(set(only) - set(registry.REGISTRY))
    if unknown:
        known = ", ".join(registry.REGISTRY)
        raise SystemExit(f"unknown workload(s): {', '.join(unknown)}; known: {known}")
    return [w for name, w in registry.REGISTRY.items() if not only or name in only]


def run_worker(slot: venvs.Slot, cell: report.Cell, budget: float) -> dict[str, Any]:
    """Measure one cell with one slot in a fresh process; return the worker's JSON."""
    assert slot.python is not None
    cmd = [str(slot.python), "-m", "harness.worker", cell.workload.name, cell.backend, slot.impl]
    cmd += ["--n", str(cell.n), "--budget", str(budget)]
    timeout = TIMEOUT[cell.workload.kind]
    try:
        proc = subprocess.run(
            cmd, cwd=BENCH_DIR, capture_output=True, text=True, timeout=timeout,
            env=venvs.clean_env(),
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        return {"ok": False, "error": f"timed out after {timeout:.0f} s"}
    lines = proc.stdout.strip().splitlines()
    try:
        result: dict[str, Any] = json.loads(lines[-1])
    except (IndexError, json.JSONDecodeError):
        tail = proc.stderr.strip().splitlines()[-1:] or [f"exit status {proc.returncode}"]
        return {"ok": False, "error": f"worker crashed: {tail[0]}"}
    return result


def measure(
    cells: list[report.Cell], slots: list[venvs.Slot], rounds: int, budget: float, stat: str
) -> None:
    """Run every cell with every available slot, round after round, rotating slot order."""
    for round_no in range(rounds):
        started = time.monotonic()
        shift = round_no % len(slots)
        order = slots[shift:] + slots[:shift]
        for cell in cells:
            if round_no >= (cell.workload.max_rounds or rounds):
                continue
            for slot in order:
                # A slot that failed once on a cell is not retried: its error stands.
                if slot.available and slot.name not in cell.errors:
                    cell.add(slot.name, round_no, run_worker(slot, cell, budget), stat)
        took = time.monotonic() - started
        print(f"[run] round {round_no + 1}/{rounds} done in {took:.1f} s", file=sys.stderr)


def _git_revision() -> str:
    proc = subprocess.run(
        ["git", "-C", str(REPO), "describe", "--always", "--dirty"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    return proc.stdout.strip()


def write_results(
    cells: list[report.Cell], slots: dict[str, venvs.Slot], args: argparse.Namespace,
    table: list[list[str]], compares: list[tuple[str, str]],
) -> tuple[Path, Path]:  # fmt: skip
    """Write results/STEM.json (everything) and results/STEM.md (the table); return both."""
    RESULTS.mkdir(exist_ok=True)
    meta = {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "revision": _git_revision(),
        "stat": args.stat,
        "rounds": args.rounds,
        "budget_seconds": args.budget,
        "quick": args.quick,
        "command": " ".join(["python3", "benchmarks/run.py", *sys.argv[1:]]),
        "compare": [f"{a}/{b}" for a, b in compares],
        "bench_deps": list(venvs.BENCH_DEPS),
        "slots": {
            name: {
                "available": s.available,
                "error": s.error,
                "detail": s.detail,
                "notes": s.notes,
            }
            for name, s in slots.items()
        },
    }
    payload = {"meta": meta, "results": [cell.as_json(args.stat, compares) for cell in cells]}
    json_path, md_path = RESULTS / f"{args.output}.json", RESULTS / f"{args.output}.md"
    json_path.write_text(json.dumps(payload, indent=2) + "\n")
    markdown = [
        f"Benchmarks at `{meta['revision']}`, {meta['date']} ({args.stat} of {args.rounds} rounds).",
        "",
        report.render_markdown(table),
        "",
    ]
    md_path.write_text("\n".join(markdown))
    return json_path, md_path


def print_slots(slots: dict[str, venvs.Slot]) -> None:
    for slot in slots.values():
        if slot.available:
            print(f"{slot.name}: {slot.detail} ({slot.python})")
        else:
            print(f"{slot.name}: not available: {slot.error}")
        for note in slot.notes:
            print(f"  note: {note}")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    import workloads

    workloads.load_all()
    if args.list:
        for w in registry.REGISTRY.values():
            print(f"{w.name:24} {w.kind:6} {', '.join(w.backends()):20} {w.summary}")
        return 0
    default_rounds, default_budget = DEFAULTS[args.quick]
    args.rounds = args.rounds or default_rounds
    args.budget = args.budget or default_budget
    backends = _split(args.backends)
    bad = sorted(set(backends) - set(registry.BACKENDS))
    if bad:
        raise SystemExit(f"unknown backend(s): {', '.join(bad)}; known: {registry.BACKENDS}")
    wanted_slots = [s for s in SLOTS if s in _split(args.slots)]
    columns = wanted_slots + [f"ours@{rev}" for rev in args.ours_ref]
    compares = parse_compares(args.compare, columns)
    cells = [
        report.Cell(w, b, w.size(quick=args.quick))
        for w in select_workloads(_split(args.only))
        for b in backends
        if b in w.backends()
    ]
    slots = venvs.prepare(REPO, args.python, wanted_slots, reinstall=args.reinstall)
    for rev in args.ours_ref:
        slot = venvs.ref_slot(REPO, args.python, rev, reinstall=args.reinstall)
        slots[slot.name] = slot
    print_slots(slots)
    if not slots:
        raise SystemExit("no columns to measure: name some with --slots or --ours-ref")
    measure(cells, list(slots.values()), args.rounds, args.budget, args.stat)
    shown = list(slots)
    table = report.rows(cells, shown, args.stat, compares, args.flag_above)
    print()
    print(report.render_text(table))
    for line in report.error_lines(cells):
        print(f"  {line}")
    json_path, md_path = write_results(cells, slots, args, table, compares)
    print(f"\nwritten: {json_path}, {md_path}")
    failed = any(cell.verdict(args.stat) in ("FAIL", "n/a") for cell in cells)
    return 1 if args.check and failed else 0


if __name__ == "__main__":
    sys.exit(main())

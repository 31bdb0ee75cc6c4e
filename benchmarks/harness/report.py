"""Collect per-round measurements, reduce them to figures and ratios, render them.

How a figure is made (`--stat median`, the default): each worker process reports the median
of its timed calls; a slot's figure is the median of its rounds; a ratio (say ours/raw) is
the median, over the rounds where both were measured, of the per-round quotient. The
processes of one round run back to back, so a slow spell of the machine hits numerator and
denominator alike and cancels in the quotient. With `--stat min` every step takes the
minimum instead (the least noise-sensitive estimate on a quiet machine).

Comparisons (`run.py --compare A/B`, say two builds of ours) are reduced the same way: the
median of the per-round quotients A/B, flagged when above a threshold.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from harness.registry import Workload

SLOT_TITLES = {"raw": "raw", "ours": "ours", "anyio413": "anyio 4.13"}


def title(slot: str) -> str:
    """The column title of a slot (`ours@REV` slots are titled by their name)."""
    return SLOT_TITLES.get(slot, slot)


@dataclass
class Cell:
    """Everything measured for one workload on one backend."""

    workload: Workload
    backend: str
    n: int
    rounds: dict[str, dict[int, float]] = field(default_factory=dict)
    #: Each process's fastest call, whatever `stat` is (kept for the JSON: on a loaded
    #: machine the minima are the steadier figures).
    minima: dict[str, dict[int, float]] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    env: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def target(self) -> float | None:
        """The largest acceptable ours/raw ratio here, if the issue sets one."""
        return self.workload.targets.get(self.backend)

    def add(self, slot: str, round_no: int, result: dict[str, Any], stat: str) -> None:
        """Record one worker's JSON result (or its error)."""
        if not result.get("ok"):
            self.errors.setdefault(slot, result.get("error") or "unknown error")
            return
        value = result.get("min") if stat == "min" else None
        self.rounds.setdefault(slot, {})[round_no] = (
            value if value is not None else result["value"]
        )
        if result.get("min") is not None:
            self.minima.setdefault(slot, {})[round_no] = result["min"]
        self.env[slot] = result.get("env", {})

    def figure(self, slot: str, stat: str) -> float | None:
        """The slot's figure over all rounds (median or minimum)."""
        values = list(self.rounds.get(slot, {}).values())
        if not values:
            return None
        return min(values) if stat == "min" else statistics.median(values)

    def ratio(self, slot: str, stat: str, base: str = "raw") -> float | None:
        """The slot's cost relative to `base`, the raw twin unless said (see the docstring)."""
        if stat == "min":
            mine, other = self.figure(slot, stat), self.figure(base, stat)
            return mine / other if mine is not None and other else None
        mine_by_round, base_by_round = self.rounds.get(slot, {}), self.rounds.get(base, {})
        quotients = [
            mine_by_round[r] / base_by_round[r]
            for r in mine_by_round
            if r in base_by_round and base_by_round[r] > 0
        ]
        return statistics.median(quotients) if quotients else None

    def verdict(self, stat: str) -> str:
        """PASS or FAIL against the target, `info` without one, `n/a` without ours."""
        ratio = self.ratio("ours", stat)
        if self.target is None:
            return "info"
        if ratio is None:
            return "n/a"
        return "PASS" if ratio <= self.target else "FAIL"

    def as_json(self, stat: str, compares: list[tuple[str, str]] | None = None) -> dict[str, Any]:
        """The cell for results/latest.json (with the `compares` quotients, if any)."""
        slots = sorted(set(self.rounds) | set(self.errors))
        return {
            "workload": self.workload.name,
            "backend": self.backend,
            "kind": self.workload.kind,
            "unit": self.workload.unit,
            "n": self.n,
            "target": self.target,
            "verdict": self.verdict(stat),
            "figures": {s: self.figure(s, stat) for s in slots},
            "ratios": {s: self.ratio(s, stat) for s in slots if s != "raw"},
            "comparisons": {f"{a}/{b}": self.ratio(a, stat, b) for a, b in compares or []},
            "rounds": {
                s: [self.rounds.get(s, {}).get(r) for r in range(max_round(self))] for s in slots
            },
            "round_minima": {
                s: [self.minima.get(s, {}).get(r) for r in range(max_round(self))] for s in slots
            },
            "errors": self.errors,
            "env": self.env,
        }


def max_round(cell: Cell) -> int:
    """One more than the highest round number measured in `cell`."""
    return max((max(r, default=-1) for r in cell.rounds.values()), default=-1) + 1


def format_value(value: float | None, kind: str) -> str:
    """Seconds per op as ns/µs/ms, or bytes per op as B/KiB."""
    if value is None:
        return "-"
    if kind == "memory":
        return f"{value:,.0f} B" if value < 10_240 else f"{value / 1024:,.1f} KiB"
    for scale, unit in ((1e-6, "ns"), (1e-3, "µs"), (1.0, "ms")):
        if value < scale:
            return f"{value / scale * 1000:.3g} {unit}"
    return f"{value:.3g} s"


def _ratio_text(ratio: float | None) -> str:
    return "-" if ratio is None else f"{ratio:.3f}x"


def rows(
    cells: list[Cell],
    slots: list[str],
    stat: str,
    compares: list[tuple[str, str]] | None = None,
    flag_above: float = 1.05,
) -> list[list[str]]:
    """The results table: header row first.

    Without a raw column there are no ratios to raw nor verdicts. Each `(a, b)` of
    `compares` adds a column a/b; a last column `flag` then names the ones above
    `flag_above` (say, a build slower than another beyond noise).
    """
    with_raw = "raw" in slots
    compares = compares or []
    header = ["workload", "backend"]
    header += [title(s) for s in slots]
    header += [f"{title(s)}/raw" for s in slots if s != "raw" and with_raw]
    header += [f"{title(a)}/{title(b)}" for a, b in compares]
    header += ["target", "result"] if with_raw else []
    header += ["flag"] if compares else []
    table = [header]
    for cell in cells:
        kind = cell.workload.kind
        row = [f"{cell.workload.name} (per {cell.workload.unit})", cell.backend]
        row += [
            "error" if s in cell.errors else format_value(cell.figure(s, stat), kind)
            for s in slots
        ]
        row += [_ratio_text(cell.ratio(s, stat)) for s in slots if s != "raw" and with_raw]
        quotients = [cell.ratio(a, stat, b) for a, b in compares]
        row += [_ratio_text(q) for q in quotients]
        if with_raw:
            row += ["-" if cell.target is None else f"<= {cell.target:.2f}x", cell.verdict(stat)]
        if compares:
            row.append(_flag(quotients, flag_above))
        table.append(row)
    return table


def _flag(quotients: list[float | None], flag_above: float) -> str:
    """`> 1.05x` when any comparison is above the threshold, else empty."""
    return (
        f"> {flag_above:.2f}x" if any(q is not None and q > flag_above for q in quotients) else ""
    )


def render_text(table: list[list[str]]) -> str:
    """An aligned plain-text table (text columns left, numbers right)."""
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]

    def line(row: list[str]) -> str:
        cells = [
            c.ljust(w) if i < 2 else c.rjust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ]
        return "  ".join(cells).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(table[0]), rule, *(line(row) for row in table[1:])])


def render_markdown(table: list[list[str]]) -> str:
    """The same table as GitHub-flavoured Markdown."""
    head, *body = table
    align = ["---", "---"] + ["---:"] * (len(head) - 2)
    lines = [head, align, *body]
    return "\n".join("| " + " | ".join(row) + " |" for row in lines)


def error_lines(cells: list[Cell]) -> list[str]:
    """One line per (slot, error message), naming the cells where it happened."""
    where: dict[tuple[str, str], list[str]] = {}
    for cell in cells:
        for slot, message in cell.errors.items():
            where.setdefault((slot, message), []).append(f"{cell.workload.name}/{cell.backend}")
    return [
        f"{slot} failed on {', '.join(names)}: {message}"
        for (slot, message), names in where.items()
    ]

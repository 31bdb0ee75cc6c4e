"""Why rendezvous memory streams cost more on Trio than Trio's own channels.

A diagnosis, not a benchmark: it counts, per item, the task steps and the turns of Trio's
event loop ("batches") that moving items through a buffer-0 stream takes, for Trio's
memory channels and for ours, first with Trio's normal scheduling and then with each batch
run in the order its tasks became ready.

Trio runs the tasks of a batch in reverse order half of the time, at random. Trio's channels
hand an item over *before* they yield (the woken task may then run before the task that woke
it goes on), so the order does not matter to them. Ours keep AnyIO's order: a task woken by a
hand-over runs only after the waker has gone on to its next schedule point, which a sender
gets by checkpointing *before* it looks for a parked receiver. When the batch runs backwards,
the sender looks before the receiver has parked again and has to park itself; the items of
that batch then take an extra turn. In first-ready order the two are identical (2 steps and
one batch per item in the 1x1 case).

Run it with an interpreter that has our packages and trio installed, from the repository root:

    .bench/ours/bin/python benchmarks/trio_batch_order.py

The second half patches a private attribute of Trio (the random source of its scheduler);
that is the point of the exercise, and it is why this is not part of the benchmark suite.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import trio
import trio._core._run as trio_run

sys.path.insert(0, str(Path(__file__).parent))

from workloads.streams import _anyio_transfer, _trio_transfer

ITEMS = 20_000


class _Counter(trio.abc.Instrument):
    def __init__(self) -> None:
        self.steps = 0
        self.batches = 0

    def before_task_step(self, task: trio.lowlevel.Task) -> None:
        self.steps += 1

    def after_io_wait(self, timeout: float) -> None:
        self.batches += 1


def _measure(label: str) -> None:
    for tasks in (1, 4):
        for name, body in (("trio channels", _trio_transfer), ("anyio streams", _anyio_transfer)):
            counter = _Counter()
            trio.run(body, ITEMS, 0, tasks, tasks, instruments=[counter])
            started = time.perf_counter()
            trio.run(body, ITEMS, 0, tasks, tasks)
            per_item = (time.perf_counter() - started) / ITEMS * 1e6
            print(
                f"{label:18} {tasks}x{tasks} {name:14} steps/item {counter.steps / ITEMS:.2f}"
                f"  batches/item {counter.batches / ITEMS:.2f}  {per_item:.2f} us/item"
            )


def main() -> None:
    _measure("random order")
    random_source: Any = trio_run._r
    original = random_source.random
    random_source.random = lambda: 0.0  # always "reverse", which runs a batch first-ready first
    try:
        _measure("first-ready order")
    finally:
        random_source.random = original


if __name__ == "__main__":
    main()

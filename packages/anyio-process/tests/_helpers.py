"""Plain helpers for the anyio-process tests: counting descriptors and child processes (Linux)."""

from __future__ import annotations

import os
from pathlib import Path


def open_fds() -> set[int]:
    """Return this process's open file descriptors (Linux: from /proc)."""
    return {int(name) for name in os.listdir("/proc/self/fd")}


def children() -> dict[int, str]:
    """Return {pid: state} for every child of this process, zombies included (Linux)."""
    found: dict[int, str] = {}
    me = os.getpid()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # gone meanwhile
        # The command name is in parentheses and may contain spaces: split after it.
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[1]) == me:
            found[int(entry.name)] = fields[0]
    return found

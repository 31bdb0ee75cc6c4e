"""``ANYIO_TASK_TREE_SIGNAL``: print the task tree when the process gets a signal.

Kept apart from `_tasktree` so that `anyio.run()` imports only this small
module. The tree's code is imported when the handler is installed, not in
the handler: an import there could wait for the import lock that the
interrupted code holds.
"""

from __future__ import annotations

import os
import signal
import sys
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator

#: Environment variable naming the signal that prints the task tree.
SIGNAL_ENV = "ANYIO_TASK_TREE_SIGNAL"


@contextmanager
def dump_signal_from_env() -> Iterator[None]:
    """Install the task-tree signal handler named by ``ANYIO_TASK_TREE_SIGNAL``, if set.

    Safety limits: the handler runs in the main thread between two bytecodes
    of whatever runs there, so it only reads (it never awaits, locks or
    changes a task); a snapshot taken while the loop is half-way through an
    update may be slightly inconsistent, and an error while taking it is
    printed instead of raised. Only the main thread can install it; elsewhere,
    and for an unknown signal name, a warning line is printed and the run goes
    on without it. The previous handler comes back when the run ends.
    """
    name = os.environ.get(SIGNAL_ENV)
    if not name:
        yield
        return
    signum = getattr(signal, name.upper(), None)
    if not isinstance(signum, int):
        print(f"anyio: {SIGNAL_ENV}={name!r} names no signal; no task tree dumps", file=sys.stderr)
        yield
        return
    from . import _tasktree  # noqa: F401 - now, not in the handler (see the docstring)

    try:
        previous = signal.signal(signum, _print_tree)
    except ValueError as exc:  # not the main thread
        print(f"anyio: cannot install the task tree handler: {exc}", file=sys.stderr)
        yield
        return
    try:
        yield
    finally:
        signal.signal(signum, previous)


def _print_tree(signum: int, frame: object) -> None:
    try:
        from ._tasktree import format_task_tree  # imported already: a dict lookup

        text = format_task_tree()
    except Exception as exc:
        text = f"anyio: no task tree: {exc!r}"
    print(text, file=sys.stderr, flush=True)

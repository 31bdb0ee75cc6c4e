"""Subprocesses for anyio (the anyio-process distribution); public names are reached as ``anyio.<name>``.

Modules: ``_pipes`` (pipe ends as byte streams), ``_exit`` (waiting for a
child's exit; explains why it lives here), ``_process`` (`open_process` and
the `Process` class), ``_run`` (`run_process`), ``_worker`` (the worker
processes of `anyio.to_process`).
"""

from __future__ import annotations

from ._process import Process, open_process
from ._run import run_process

__all__ = ("Process", "open_process", "run_process")

"""The benchmark harness: workload registry, worker, venv setup and reporting.

Workload modules need only `Workload`, `start_timer`, `stop_timer` and `sample_memory`.
"""

from __future__ import annotations

from harness.registry import Workload, sample_memory, start_timer, stop_timer

__all__ = ["Workload", "sample_memory", "start_timer", "stop_timer"]

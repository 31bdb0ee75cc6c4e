"""A worker thread that cannot be started leaves nothing behind (its own module: a fresh pool)."""

from __future__ import annotations

import threading

import pytest

from anyio import fail_after, to_thread, wait_all_tasks_blocked

pytestmark = pytest.mark.anyio


async def test_failed_thread_start_leaves_no_job_to_wait_for(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def refuse(self: threading.Thread) -> None:
        raise RuntimeError("can't start new thread")

    with monkeypatch.context() as patch:
        patch.setattr(threading.Thread, "start", refuse)
        with pytest.raises(RuntimeError, match="can't start new thread"):
            await to_thread.run_sync(int)
    # The job nobody took must not keep wait_all_tasks_blocked() waiting for a worker.
    with fail_after(5):
        await wait_all_tasks_blocked()
    assert await to_thread.run_sync(int, "7") == 7

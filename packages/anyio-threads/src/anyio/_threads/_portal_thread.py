"""Blocking portals with an event loop of their own, in a thread of their own."""

from __future__ import annotations

import threading
from concurrent.futures import Future
from contextlib import AbstractContextManager, contextmanager, suppress
from typing import TYPE_CHECKING, Any

from .. import get_all_backends, run
from ._pool import empty_context, join_departed_workers
from ._portal import BlockingPortal

if TYPE_CHECKING:
    from collections.abc import Iterator
    from types import TracebackType


@contextmanager
def start_blocking_portal(
    backend: str = "asyncio",
    backend_options: dict[str, Any] | None = None,
    *,
    name: str | None = None,
) -> Iterator[BlockingPortal]:
    """Run an event loop in a new thread and yield a portal into it.

    Leaving the ``with`` block stops the portal (cancelling what still runs if
    the block raised), ends the loop and joins the thread, and the idle worker
    threads of `anyio.to_thread` that the loop had.

    Args:
        backend: the backend to run.
        backend_options: options for it (as for `anyio.run`).
        name: the thread's name (default: ``f"{backend}-portal-{id(portal):x}"``).

    Raises:
        LookupError: for an unknown backend.
    """
    _check_backend(backend)
    ready: Future[BlockingPortal] = Future()

    async def run_portal() -> None:
        async with BlockingPortal() as portal:
            if name is None:  # AnyIO's default name, which needs the portal
                threading.current_thread().name = f"{backend}-portal-{id(portal):x}"
            ready.set_result(portal)
            await portal.sleep_until_stopped()

    finished: Future[None] = Future()

    def run_loop() -> None:
        try:
            try:
                run(run_portal, backend=backend, backend_options=backend_options)
            finally:
                join_departed_workers()  # no loop runs here any more: blocking is fine
        except BaseException as exc:
            if not ready.done():
                ready.set_exception(exc)
            finished.set_exception(exc)
        else:
            finished.set_result(None)

    thread = threading.Thread(
        target=run_loop, name=name or f"{backend}-portal", daemon=True, **empty_context()
    )
    thread.start()
    portal = ready.result()
    cancel_remaining = False
    try:
        yield portal
    except BaseException:
        cancel_remaining = True
        raise
    finally:
        with suppress(RuntimeError):  # RuntimeError: the portal had already stopped
            portal.call(portal.stop, cancel_remaining)
        thread.join()
        finished.result()


def _check_backend(backend: str) -> None:
    """Raise `LookupError` in AnyIO's words for an unknown backend (before any thread starts)."""
    known = get_all_backends()
    if backend not in known:
        raise LookupError(
            f"No such backend: {backend} (the known backends are {', '.join(known)})"
        )


class BlockingPortalProvider:
    """Shares one portal between threads, started on first use, stopped after the last.

    Use it as a context manager from any thread: ``with provider as portal:``.

    Args:
        backend: the backend of the portal's event loop.
        backend_options: options for it.
    """

    def __init__(
        self, backend: str = "asyncio", backend_options: dict[str, Any] | None = None
    ) -> None:
        self.backend = backend
        self.backend_options = backend_options
        self._lock = threading.Lock()
        self._leases = 0
        self._portal: BlockingPortal | None = None
        self._portal_cm: AbstractContextManager[BlockingPortal] | None = None

    def __enter__(self) -> BlockingPortal:
        with self._lock:
            if self._portal_cm is None:
                portal_cm = start_blocking_portal(self.backend, self.backend_options)
                # Remembered only once it started: a portal that failed to start
                # leaves the provider as it was, ready to try again.
                self._portal = portal_cm.__enter__()
                self._portal_cm = portal_cm
            self._leases += 1
            assert self._portal is not None
            return self._portal

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_val: BaseException | None,
        exc_tb: TracebackType | None,
    ) -> None:
        portal_cm = None
        with self._lock:
            self._leases -= 1
            if self._leases == 0 and self._portal_cm is not None:
                portal_cm, self._portal_cm, self._portal = self._portal_cm, None, None
        if portal_cm is not None:
            # The last user's error reaches the portal, which then cancels its
            # remaining tasks, as `start_blocking_portal()` does for its block.
            portal_cm.__exit__(exc_type, exc_val, exc_tb)

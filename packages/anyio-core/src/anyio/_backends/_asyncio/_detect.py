"""Recognising a running asyncio loop cheaply: this backend's probe.

`anyio._core._backend.current_backend()` asks each backend's probe, in order,
whether its loop runs in this thread. The probe is on every hot path (each
``sleep``, checkpoint and scope), so it must cost next to nothing, and it must
also work when anyio did not start the loop (a library called from a plain
``asyncio.run()``).

The fast paths
--------------
asyncio's own answer, ``_get_running_loop()``, makes a getpid() system call on
Python < 3.12. But a running asyncio loop (uvloop too) installs its bound
method as this thread's async generator ``firstiter`` hook, and removes it
when it stops; so the hook's owner *is* the running loop. We accept an owner
whose type was confirmed once as the running loop's type; anything else (no
loop, custom hooks) takes the slow path, which asks asyncio itself.

Fastest of all: while anyio's own runner drives a loop in this thread
(`anyio.run()`, the pytest runner), `running_here()` records the loop's bound
backend in core's runner record (`record_running_backend()`, which
`current_backend()` reads before it calls this probe: no Python frame of ours
on the hot path) and the loop in a thread-local of this module (for
`running_asyncio_loop()`), for exactly as long as the loop runs. No other
asyncio loop can run in this thread meanwhile (asyncio refuses to nest loops),
so the records are right whenever they are set. A Trio run (guest or nested)
may start inside it: that is why Trio's probe is asked before the record.

A process forked while a loop runs (``multiprocessing``'s default start method
on Linux before 3.14, used by test suites to run a server in a child) inherits
both the record and the hook, yet no loop runs in the child until it starts
one of its own (asyncio's lookup knows that: it checks the process id or
resets itself at fork). So the child forgets what this module remembered.
"""

from __future__ import annotations

import os
import sys
import threading
from asyncio import _get_running_loop
from sys import get_asyncgen_hooks as _asyncgen_hooks
from typing import TYPE_CHECKING, Any

from ..._core._backend import record_running_backend

if TYPE_CHECKING:
    from collections.abc import Callable

    from ..._core._backend import Backend


#: Its "loop" item, if any, is the loop that anyio's runner drives in this
#: thread now (its bound backend is in core's runner record meanwhile). Read it
#: as ``_running_here.__dict__.get("loop")``: on a plain ``threading.local``
#: that is cheaper than an attribute of a subclass with a class default (one
#: type lookup less), and a thread that never set it raises nothing.
_running_here = threading.local()

#: Makes the backend object bound to a loop (set by the package's ``__init__``).
_bind: Callable[[object], Backend]
#: The unbound backend, for a running loop no fast path recognises.
_unbound: Backend
#: The last loop seen by the probe and its bound backend.
_last: tuple[object, Backend] = (object(), None)  # type: ignore[assignment]
#: Since 3.12 asyncio's running-loop lookup is a cheap C call (no getpid()).
_CHEAP_RUNNING_LOOP = sys.version_info >= (3, 12)
#: Types of asyncio loops seen running: their instances are recognised by the hook.
loop_types: set[type] = set()


def set_binder(bind: Callable[[object], Backend], unbound: Backend) -> None:
    """Set how the probe gets the backend bound to a loop (called once, by ``__init__``)."""
    global _bind, _unbound
    _bind, _unbound = bind, unbound


class running_here:  # a context manager, named like a function
    """Record the asyncio ``loop`` as running in this thread inside ``with``.

    Only for code that runs the loop itself, wrapped tightly around the call
    that runs it, so that the record never outlives the running loop.
    """

    __slots__ = ("_loop", "_previous")

    def __init__(self, loop: object) -> None:
        self._loop = loop
        self._previous: tuple[Backend | None, object] = (None, None)

    def __enter__(self) -> None:
        previous_loop = _running_here.__dict__.get("loop")
        self._previous = (record_running_backend(bind_loop(self._loop)), previous_loop)
        _running_here.loop = self._loop

    def __exit__(self, *exc_info: object) -> None:
        backend, _running_here.loop = self._previous
        record_running_backend(backend)


def running_asyncio_loop() -> Any:
    """Return the running asyncio loop if a cheap check shows it, else None.

    The record of `running_here()` first, then the async generator hook; None
    means "ask asyncio" (no loop, or one these checks do not recognise).
    """
    loop = _running_here.__dict__.get("loop")
    if loop is not None:
        return loop
    owner = getattr(_asyncgen_hooks().firstiter, "__self__", None)
    return owner if type(owner) in loop_types else None


def probe() -> Backend | None:
    """Return the backend bound to the asyncio loop running in this thread, or None.

    Asked only when core's runner record is empty (see the module docstring).
    """
    last = _last  # one read: the pair stays consistent across threads
    if _CHEAP_RUNNING_LOOP:
        owner = _get_running_loop()
        if owner is not None and last[0] is owner:
            return last[1]
    else:
        owner = getattr(_asyncgen_hooks().firstiter, "__self__", None)
        if last[0] is owner:
            return last[1]
    if type(owner) in loop_types:
        return bind_loop(owner)
    loop = _get_running_loop()
    if loop is None:
        return None
    if owner is loop:
        loop_types.add(type(loop))
        return bind_loop(loop)
    return _unbound


def bind_loop(loop: object) -> Backend:
    """Return the backend bound to ``loop`` (and remember the pair)."""
    global _last
    backend = _bind(loop)
    _last = (loop, backend)
    # Any real loop type: when its bound method is the hook, that loop runs.
    loop_types.add(type(loop))
    return backend


def forget_loop(loop: object) -> None:
    """Drop the probe's memory of ``loop`` (its run ended: the loop must be freeable)."""
    global _last
    if _last[0] is loop:
        _last = (object(), None)  # type: ignore[assignment]  # as at import


def _forget_in_forked_child() -> None:
    """Drop the parent's loops: none of them runs in a forked child."""
    global _last
    record_running_backend(None)
    _running_here.loop = None
    _last = (object(), None)  # type: ignore[assignment]  # as at import
    # An inherited hook still names the parent's loop: with no known loop type,
    # the probe asks asyncio, until the child's own loop is seen running.
    loop_types.clear()


if hasattr(os, "register_at_fork"):  # not on Windows
    os.register_at_fork(after_in_child=_forget_in_forked_child)

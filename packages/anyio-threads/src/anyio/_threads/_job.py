"""One `to_thread.run_sync()` call: the channel between a worker thread and its host task.

The problem
-----------
Code in a worker thread may call back into the loop with `from_thread.run()`
or `from_thread.run_sync()`. Users expect those calls to behave as if the
task that called `to_thread.run_sync()` (the *host*) ran them: inside the
host's cancel scopes, so that cancelling one of them, or a deadline, reaches
the function at its next checkpoint (Trio's rule since 0.23, and AnyIO's).

What does not work
------------------
* A separate system task per call: it sits in no cancel scope, so a
  ``fail_after()`` outside the thread never reaches it, and a scope that the
  function cancels itself does not stop it.
* Moving such a task into the host's scopes: that needs each backend's
  private bookkeeping, while this package may only use core's contract.

What we do
----------
The host itself serves the thread. It parks on a waiter inside a shield (the
default) or an ordinary scope (``abandon_on_cancel=True``), and every message
from the thread, delivered on the loop thread through the token, wakes it:

* a `Request` (a `from_thread` call): the host leaves the shield, runs the
  function in its own task, within the thread's context, hands the outcome
  to the waiting thread and parks again;
* the outcome of the thread's function: the host returns or raises it.

With ``abandon_on_cancel=True`` the host may leave at any moment, so requests
run in system tasks, outside every scope, as Trio does for such threads; the
same holds once the host has left in any other way (a native interruption).
After the host left because it was cancelled, `from_thread.check_cancelled()`
raises in the thread.

Invariants (all fields below are touched on the loop thread only, except
those the thread side owns, which are marked)
---------------------------------------------------------------------------
* ``waiter`` is set exactly while the host is parked on it; the thread has at
  most one message in flight (it blocks until its request is answered), so a
  message always finds either a parked host or ``host_gone``.
* The thread side drops ``func``, ``args`` and ``context`` before it hands
  the outcome over: nothing of the caller's stays referenced by a worker.
"""

from __future__ import annotations

import types
from concurrent.futures import Future
from contextvars import ContextVar
from inspect import iscoroutine
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable, Generator
    from contextvars import Context

    from .. import CancelScope, CapacityLimiter
    from .._core.contract import Backend

#: The capacity limiters whose tokens the current task holds as the host of a
#: worker thread, set in the context of each `from_thread` call that the host
#: runs (see `anyio.to_thread`: a nested `run_sync()` borrows as a call of its own).
limiters_held: ContextVar[tuple[CapacityLimiter, ...]] = ContextVar(
    "anyio to_thread limiters held by the host", default=()
)


class Job:
    """A function to run in a worker thread, and the host task waiting for it."""

    __slots__ = (
        "args",
        "backend",
        "cancelled",
        "context",
        "func",
        "host_gone",
        "limiters",
        "native_token",
        "scope",
        "shield",
        "waiter",
    )

    def __init__(
        self,
        backend: Backend,
        native_token: object,
        func: Callable[..., Any],
        args: tuple[Any, ...],
        context: Context,
        shield: bool,
    ) -> None:
        self.backend = backend
        self.native_token = native_token
        # Thread side: dropped by `run()` once the function has returned.
        self.func: Callable[..., Any] | None = func
        self.args: tuple[Any, ...] = args
        self.context: Context | None = context
        self.shield = shield
        #: The scope of the host's current wait (read by check_cancelled()).
        self.scope: CancelScope | None = None
        self.waiter: Any = None
        self.host_gone = False
        #: The host left because it was cancelled.
        self.cancelled = False
        #: The limiters the host held before this call, and the one it holds for it.
        self.limiters: tuple[tuple[CapacityLimiter, ...], CapacityLimiter] | None = None

    # -- the thread side
    def run(self) -> tuple[bool, Any]:
        """Run the function (in the worker thread) and forget it.

        A job whose host left before a worker took it (cancelled with
        ``abandon_on_cancel=True``, say) is not run at all, as in AnyIO: nobody
        wants its outcome. The host may still leave a moment after this check
        (``host_gone`` is set on the loop thread): then the function runs, its
        outcome discarded, as it would if the host had left a moment later.
        """
        func, args, context = self.func, self.args, self.context
        self.func, self.args, self.context = None, (), None
        assert func is not None
        assert context is not None
        if self.host_gone:
            return False, None
        try:
            return True, context.run(func, *args)
        except BaseException as exc:
            # The traceback keeps this frame: drop what the caller passed.
            del func, args, context
            return False, exc

    # -- the loop side
    def deliver_outcome(self, outcome: tuple[bool, Any]) -> None:
        """Hand the function's outcome to the host (`deliver()` for an outcome)."""
        if not self.host_gone:  # else an abandoned call's outcome: nobody wants it
            waiter, self.waiter = self.waiter, None
            self.backend.wake(waiter, outcome)

    def deliver(self, message: object) -> None:
        """Hand a message from the thread to the host (runs on the loop thread)."""
        if isinstance(message, Request) and (self.host_gone or not self.shield):
            message.run_detached(self.backend)
            return
        if self.host_gone:
            return  # an abandoned call's outcome: nobody wants it
        waiter, self.waiter = self.waiter, None
        self.backend.wake(waiter, message)

    async def serve(self, submit: Callable[[Job], None]) -> tuple[bool, Any]:
        """Hand the job to a worker with ``submit``, then host it; return its outcome.

        The host serves the thread's requests while it waits.
        """
        backend = self.backend
        # One scope for the whole call, never cancelled itself, so it lets every
        # exception through. It shields the waits (unless abandon_on_cancel);
        # requests run unshielded, exposed to the host's scopes. Toggling the
        # shield is much cheaper than a scope per request.
        with backend.cancel_scope_class(shield=self.shield) as scope:
            self.scope = scope
            # Submitted as late as possible, just before parking: the woken
            # worker needs the GIL, which the loop thread holds until it parks
            # (any work here after the hand-off delays the thread's start).
            self.waiter = waiter = backend.create_waiter()
            submit(self)
            while True:
                # No await between creating the waiter and parking on it: a
                # message is delivered on the loop thread, so it finds the host
                # parked.
                try:
                    message: tuple[bool, Any] | Request = await backend.wait(waiter)
                except BaseException as exc:
                    self._leave(waiter, exc)
                    raise
                if not isinstance(message, Request):
                    return message
                if self.limiters is not None:
                    held, limiter = self.limiters
                    message.context.run(limiters_held.set, (*held, limiter))
                scope.shield = False
                try:
                    await message.run_in_host(backend)
                finally:
                    scope.shield = self.shield
                del message
                self.waiter = waiter = backend.create_waiter()
        raise AssertionError("unreachable: the scope above swallows nothing")

    def _leave(self, waiter: Any, exc: BaseException) -> None:
        backend = self.backend
        self.host_gone = True
        self.cancelled = isinstance(exc, backend.cancelled_exception_class())
        self.waiter = None
        if not backend.abandon(waiter):
            # Woken and interrupted in the same loop iteration: the thread's
            # request still needs an answer.
            message = backend.woken_value(waiter)
            if isinstance(message, Request):
                message.run_detached(backend)


class Request:
    """A `from_thread.run()` / `run_sync()` call waiting for the loop to run it."""

    __slots__ = ("args", "context", "func", "future", "is_async")

    def __init__(
        self,
        func: Callable[..., Any],
        args: tuple[Any, ...],
        context: Context,
        is_async: bool,
    ) -> None:
        self.func = func
        self.args = args
        self.context = context
        self.is_async = is_async
        self.future: Future[Any] = Future()

    def wait(self) -> Any:
        """Block the calling thread until the loop has run the call; return its result."""
        return self.future.result()

    async def run_in_host(self, backend: Backend) -> None:
        """Run the call in the current (host) task, in the thread's context."""
        func, args, context = self._take()
        try:
            if self.is_async:
                result = await _awaited_in(context, context.run(func, *args))
            else:
                result = _call_sync(context, func, args)
        except BaseException as exc:
            # Cancellation included: the thread gets it, and the host gets it
            # back if the thread lets it propagate.
            self.future.set_exception(exc)
        else:
            self.future.set_result(result)
        finally:
            del func, args, context

    def run_detached(self, backend: Backend) -> None:
        """Run the call outside every task group and scope (for abandoned threads)."""
        if self.is_async:
            backend.spawn_system_task(self._run_system_task, context=self.context)
            return
        func, args, context = self._take()
        try:
            self.future.set_result(_call_sync(context, func, args))
        except BaseException as exc:
            self.future.set_exception(exc)
            if not isinstance(exc, Exception):
                raise

    async def _run_system_task(self) -> None:
        # Runs in self.context already (spawn_system_task(context=)).
        func, args, _ = self._take()
        try:
            self.future.set_result(await func(*args))
        except BaseException as exc:
            self.future.set_exception(exc)
            if not isinstance(exc, Exception):
                raise

    def _take(self) -> tuple[Callable[..., Any], tuple[Any, ...], Context]:
        taken = (self.func, self.args, self.context)
        del self.func, self.args, self.context
        return taken


def not_sync_message(func: object) -> str:
    """The error for an async function given to `from_thread.run_sync()`."""
    name = getattr(func, "__qualname__", None) or repr(func)
    return (
        f"from_thread.run_sync() expects a synchronous function, but {name} is "
        f"asynchronous; call it with from_thread.run() instead"
    )


def _call_sync(context: Context, func: Callable[..., Any], args: tuple[Any, ...]) -> Any:
    """Call a `from_thread.run_sync()` function; refuse one that returned a coroutine."""
    result = context.run(func, *args)
    if iscoroutine(result):
        # Scenario: a partial of an async function, or an object with an async
        # __call__, slipped past the caller's check. Never awaited: close it
        # so that no "never awaited" warning follows the TypeError.
        result.close()
        raise TypeError(not_sync_message(func))
    return result


@types.coroutine
def _awaited_in(context: Context, awaitable: Any) -> Generator[Any, Any, Any]:
    """Await ``awaitable`` in the current task, running each of its steps in ``context``.

    The task stays the host (its cancel scopes apply), while the function sees
    the worker thread's context variables, as Trio's `from_thread.run` does.
    """
    try:
        iterator = context.run(awaitable.__await__)
    except AttributeError:
        raise TypeError(
            f"from_thread.run() expects an async function, but {awaitable!r} is not "
            f"awaitable; call a synchronous function with from_thread.run_sync()"
        ) from None
    send, throw = iterator.send, iterator.throw
    value: Any = None
    error: BaseException | None = None
    while True:
        try:
            yielded = context.run(send, value) if error is None else context.run(throw, error)
        except StopIteration as stop:
            return stop.value
        finally:
            error = None
        try:
            value = yield yielded
        except BaseException as exc:  # cancellation thrown into the task: pass it on
            error = exc

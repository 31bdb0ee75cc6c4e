"""Mix-ins that turn one generator-based method into a class's context manager.

Writing `__aenter__`/`__aexit__` by hand around other context managers is
fragile: if `__aenter__` fails half-way, `__aexit__` never runs and whatever
was already entered (a task group, a cancel scope) is left open. The mix-ins
let a class write its whole context as one `@contextmanager` (or
`@asynccontextmanager`) method instead, where `with`/`try` blocks clean up on
every path, and provide the dunder methods on top of it.

Each instance remembers the context manager it is currently inside, which
gives the two rules users see: an instance cannot be entered again while it
is entered (not even by another task), and it can be entered again after it
has been exited.
"""

from __future__ import annotations

from abc import abstractmethod
from contextlib import AbstractAsyncContextManager, AbstractContextManager
from inspect import isasyncgen, iscoroutine, isgenerator
from typing import TYPE_CHECKING, Protocol, TypeVar, cast, final

if TYPE_CHECKING:
    from types import TracebackType

_T_co = TypeVar("_T_co", covariant=True)
_ExitT_co = TypeVar("_ExitT_co", covariant=True, bound="bool | None")


class _SupportsCtxMgr(Protocol[_T_co, _ExitT_co]):
    def __contextmanager__(self) -> AbstractContextManager[_T_co, _ExitT_co]: ...


class _SupportsAsyncCtxMgr(Protocol[_T_co, _ExitT_co]):
    def __asynccontextmanager__(
        self,
    ) -> AbstractAsyncContextManager[_T_co, _ExitT_co]: ...


def _already_entered(obj: object) -> RuntimeError:
    # AnyIO's exact wording: users' tests match it.
    return RuntimeError(f"this {type(obj).__qualname__} has already been entered")


def _not_entered(obj: object) -> RuntimeError:
    return RuntimeError(f"this {type(obj).__qualname__} has not been entered yet")


def _check_sync_cm(obj: object, cm: object) -> None:
    """Raise `TypeError` if `__contextmanager__()` returned something unusable."""
    method = f"{type(obj).__qualname__}.__contextmanager__()"
    if cm is obj:
        raise TypeError(
            f"{method} returned self. Did you forget to add the @contextmanager "
            f"decorator and a 'yield' statement?"
        )
    if isgenerator(cm):
        cm.close()
        raise TypeError(
            f"{method} returned a generator object instead of a context manager. "
            f"Did you forget to add the @contextmanager decorator?"
        )
    if not isinstance(cm, AbstractContextManager):
        raise TypeError(f"{method} did not return a context manager object, but {type(cm)!r}")


def _check_async_cm(obj: object, cm: object) -> None:
    """Raise `TypeError` if `__asynccontextmanager__()` returned something unusable."""
    method = f"{type(obj).__qualname__}.__asynccontextmanager__()"
    if cm is obj:
        raise TypeError(
            f"{method} returned self. Did you forget to add the "
            f"@asynccontextmanager decorator and a 'yield' statement?"
        )
    if iscoroutine(cm):
        cm.close()  # scenario: a plain `async def` without `yield`; no warning
        raise TypeError(
            f"{method} returned a coroutine object instead of an async context "
            f"manager. Did you forget to add the @asynccontextmanager decorator "
            f"and a 'yield' statement?"
        )
    if isasyncgen(cm):
        raise TypeError(
            f"{method} returned an async generator instead of an async context "
            f"manager. Did you forget to add the @asynccontextmanager decorator?"
        )
    if not isinstance(cm, AbstractAsyncContextManager):
        raise TypeError(
            f"{method} did not return an async context manager object, but {type(cm)!r}"
        )


class ContextManagerMixin:
    """Mix-in that implements `__enter__`/`__exit__` from `__contextmanager__()`.

    Subclasses implement `__contextmanager__()` as a generator method
    decorated with `@contextlib.contextmanager`: the code before its single
    `yield` runs on entry, the yielded value is what `with ... as x` binds,
    and the code after it runs on exit (an exception raised in the block is
    raised at the `yield`). A subclass extends its parent's context by
    entering `super().__contextmanager__()` inside its own.

    An instance is not reentrant: entering it while it is entered raises
    `RuntimeError`. Once exited, it can be entered again.

    Example:
        ```python
        class Connection(ContextManagerMixin):
            @contextmanager
            def __contextmanager__(self) -> Generator[Self]:
                self.open()
                try:
                    yield self
                finally:
                    self.close()
        ```
    """

    # Invariant: not None exactly while the instance is entered (from the
    # start of `__enter__` until `__exit__`), so re-entry is always detected.
    __cm: AbstractContextManager[object, bool | None] | None = None

    @final
    def __enter__(self: _SupportsCtxMgr[_T_co, bool | None]) -> _T_co:
        mixin = cast("ContextManagerMixin", self)
        if mixin.__cm is not None:
            raise _already_entered(self)

        cm = self.__contextmanager__()
        _check_sync_cm(self, cm)
        mixin.__cm = cm
        try:
            return cm.__enter__()
        except BaseException:
            del mixin.__cm  # the context was never entered: allow a new attempt
            raise

    @final
    def __exit__(
        self: _SupportsCtxMgr[object, _ExitT_co],
        exc_type: type[BaseException] | None,
        exc_val: BaseException | None,
        exc_tb: TracebackType | None,
    ) -> _ExitT_co:
        mixin = cast("ContextManagerMixin", self)
        cm = mixin.__cm
        if cm is None:
            raise _not_entered(self)

        # Forget the context manager first: the instance does not keep a
        # reference to its finished generator (and its frame) after exit.
        del mixin.__cm
        return cast("_ExitT_co", cm.__exit__(exc_type, exc_val, exc_tb))

    @abstractmethod
    def __contextmanager__(self) -> AbstractContextManager[object, bool | None]:
        """Implement the context here, decorated with `@contextmanager`.

        Returns:
            A context manager; `@contextlib.contextmanager` makes one out of a
            generator that yields exactly once.
        """


class AsyncContextManagerMixin:
    """Mix-in that implements `__aenter__`/`__aexit__` from `__asynccontextmanager__()`.

    Subclasses implement `__asynccontextmanager__()` as an async generator
    method decorated with `@contextlib.asynccontextmanager`: the code before
    its single `yield` runs on entry, the yielded value is what
    `async with ... as x` binds, and the code after it runs on exit. This is
    the safe way to build a class around a task group or cancel scope: if
    entry fails half-way, what was already entered is exited properly.

    An instance is not reentrant: entering it while it is entered (also from
    another task) raises `RuntimeError`. Once exited, it can be entered again.

    Example:
        ```python
        class Service(AsyncContextManagerMixin):
            @asynccontextmanager
            async def __asynccontextmanager__(self) -> AsyncGenerator[Self]:
                async with create_task_group() as tg:
                    tg.start_soon(self.run_forever)
                    yield self
                    tg.cancel_scope.cancel()
        ```
    """

    # Invariant: not None exactly while the instance is entered (from the
    # start of `__aenter__` until `__aexit__`), so re-entry is always detected.
    __cm: AbstractAsyncContextManager[object, bool | None] | None = None

    @final
    async def __aenter__(self: _SupportsAsyncCtxMgr[_T_co, bool | None]) -> _T_co:
        mixin = cast("AsyncContextManagerMixin", self)
        if mixin.__cm is not None:
            raise _already_entered(self)

        cm = self.__asynccontextmanager__()
        _check_async_cm(self, cm)
        mixin.__cm = cm
        try:
            return await cm.__aenter__()
        except BaseException:
            del mixin.__cm  # the context was never entered: allow a new attempt
            raise

    @final
    async def __aexit__(
        self: _SupportsAsyncCtxMgr[object, _ExitT_co],
        exc_type: type[BaseException] | None,
        exc_val: BaseException | None,
        exc_tb: TracebackType | None,
    ) -> _ExitT_co:
        mixin = cast("AsyncContextManagerMixin", self)
        cm = mixin.__cm
        if cm is None:
            raise _not_entered(self)

        del mixin.__cm  # as in ContextManagerMixin.__exit__
        return cast("_ExitT_co", await cm.__aexit__(exc_type, exc_val, exc_tb))

    @abstractmethod
    def __asynccontextmanager__(
        self,
    ) -> AbstractAsyncContextManager[object, bool | None]:
        """Implement the context here, decorated with `@asynccontextmanager`.

        Returns:
            An async context manager; `@contextlib.asynccontextmanager` makes
            one out of an async generator that yields exactly once.
        """


for _public in (ContextManagerMixin, AsyncContextManagerMixin):
    _public.__module__ = "anyio"
del _public

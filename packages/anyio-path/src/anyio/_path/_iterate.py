"""Drive a blocking iterator (directory listing, glob, walk) from worker threads.

One worker-thread hop per item would make listing a large directory slow: the hop costs far
more than producing the item. So items are fetched in batches: the first batch holds one
item (the first result arrives as soon as it exists), then the size doubles up to
`MAX_BATCH`. Each batch is one `to_thread.run_sync()` call; it is abandoned on cancellation,
which is safe because producing items has no side effects and the iterator is dropped with
the cancelled caller.

Some iterators must not run ahead of their consumer: `Path.walk()` (top-down) reads the
`dirnames` list after yielding it, so that the caller can prune the walk. Those use
`prefetch=False`: one item per hop.

The iterator is also created in the worker thread, because creating it may already touch
the file system (`pathlib.Path.iterdir()` lists the directory eagerly on Python 3.13).
"""

from __future__ import annotations

from collections import deque
from itertools import islice
from typing import TYPE_CHECKING, Generic, TypeVar

from anyio import to_thread
from anyio.lowlevel import checkpoint_if_cancelled

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator

    from typing_extensions import Self

    from anyio import CapacityLimiter

T = TypeVar("T")

#: The largest number of items fetched in one worker-thread call.
MAX_BATCH = 256


class ThreadedIterator(Generic[T]):
    """An async iterator over the items of a blocking iterable made by `make()`.

    Args:
        make: called once, in a worker thread, to create the blocking iterable.
        prefetch: fetch items in growing batches (`False`: one item per thread call).
        limiter: the capacity limiter for the worker threads (`None`: the default one).
    """

    __slots__ = (
        "_abandoned",
        "_batch",
        "_buffer",
        "_done",
        "_iterator",
        "_limiter",
        "_make",
        "_prefetch",
    )

    def __init__(
        self,
        make: Callable[[], Iterable[T]],
        *,
        prefetch: bool = True,
        limiter: CapacityLimiter | None = None,
    ) -> None:
        self._make = make
        self._prefetch = prefetch
        self._limiter = limiter
        # Invariant: `_iterator` is only touched by the worker thread running `_fill()`,
        # and at most one `_fill()` runs at a time (each `__anext__` awaits its own).
        self._iterator: Iterator[T] | None = None
        self._buffer: deque[T] = deque()
        self._batch = 1
        self._done = False
        # True once a worker call was abandoned (the caller was cancelled): that worker may
        # still be advancing `_iterator`, so this iterator must not start another one.
        self._abandoned = False

    def __repr__(self) -> str:
        return f"<{type(self).__qualname__} over {self._make!r}>"

    def __aiter__(self) -> Self:
        return self

    async def __anext__(self) -> T:
        if self._buffer:
            # Items already fetched: no thread hop, but still honour a cancellation.
            await checkpoint_if_cancelled()
            return self._buffer.popleft()
        if self._abandoned:
            raise RuntimeError(
                f"{self!r} was cancelled while a worker thread was reading from it; "
                "start a new iteration"
            )
        if self._done:
            raise StopAsyncIteration
        batch = self._batch
        try:
            items = await to_thread.run_sync(
                self._fill, batch, abandon_on_cancel=True, limiter=self._limiter
            )
        except Exception:
            self._done = True  # the blocking iterator raised: it is finished
            raise
        except BaseException:
            self._abandoned = True  # cancelled: the worker may still be running
            raise
        if len(items) < batch:
            self._done = True
        if self._prefetch:
            self._batch = min(batch * 2, MAX_BATCH)
        if not items:
            raise StopAsyncIteration
        self._buffer.extend(items)
        return self._buffer.popleft()

    def _fill(self, size: int) -> list[T]:
        """Return up to `size` next items (runs in a worker thread)."""
        if self._iterator is None:
            self._iterator = iter(self._make())
        return list(islice(self._iterator, size))

"""Async counterparts of every `itertools` function, over plain and async iterables.

Each function returns an async generator (use it with `async for`); the callbacks it
takes are async functions. `chain` is an instance of `Chain`, as `itertools.chain` is
both callable and has `chain.from_iterable()`; being neither a function nor a class, it
is left out of `__all__`, as in AnyIO 4.16 (import it by name).
"""

from __future__ import annotations

from ._core._itertools import (
    Chain,
    accumulate,
    batched,
    combinations,
    combinations_with_replacement,
    compress,
    count,
    cycle,
    dropwhile,
    filterfalse,
    groupby,
    islice,
    pairwise,
    permutations,
    product,
    repeat,
    starmap,
    takewhile,
    tee,
    zip_longest,
)
from ._core._itertools import (
    chain as chain,  # public, though not in __all__ (see above)
)

__all__ = (
    "Chain",
    "accumulate",
    "batched",
    "combinations",
    "combinations_with_replacement",
    "compress",
    "count",
    "cycle",
    "dropwhile",
    "filterfalse",
    "groupby",
    "islice",
    "pairwise",
    "permutations",
    "product",
    "repeat",
    "starmap",
    "takewhile",
    "tee",
    "zip_longest",
)

for _name in __all__:
    globals()[_name].__module__ = __name__
del _name

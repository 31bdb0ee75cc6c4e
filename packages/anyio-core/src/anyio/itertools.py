"""Async counterparts of every `itertools` function, over plain and async iterables.

Each function returns an async generator (use it with `async for`); the callbacks it
takes are async functions. `chain` is an instance of `Chain`, as `itertools.chain` is
both callable and has `chain.from_iterable()`.
"""

from __future__ import annotations

from ._core._itertools import (
    Chain,
    accumulate,
    batched,
    chain,
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

__all__ = (
    "Chain",
    "accumulate",
    "batched",
    "chain",
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
    if _name != "chain":  # an instance: its class carries the module
        globals()[_name].__module__ = __name__
del _name

"""Argument checks shared by the stream wrappers."""

from __future__ import annotations


def check_max_bytes(max_bytes: object, name: str = "max_bytes") -> None:
    """Refuse a read size that is not a positive `int`, before anything waits.

    A read of zero or fewer bytes cannot return the non-empty `bytes` that
    `ByteReceiveStream.receive()` promises, so without this check such a call
    would wait for data forever or return nonsense.

    Raises:
        ValueError: if `max_bytes` is not a positive integer.
    """
    if not isinstance(max_bytes, int) or max_bytes < 1:
        raise ValueError(f"{name} must be a positive integer, got {max_bytes!r}")


def check_nbytes(nbytes: object) -> None:
    """Refuse a byte count that is not an `int` of zero or more.

    Raises:
        ValueError: if `nbytes` is negative or not an integer.
    """
    if not isinstance(nbytes, int) or nbytes < 0:
        raise ValueError(f"nbytes must be a non-negative integer, got {nbytes!r}")

"""Time as the business modules store it: integers since the epoch of the chain's naive local
clock (no zone). The modules never read a clock; every time is an argument."""

from __future__ import annotations

import datetime as dt

import numpy as np

EPOCH = dt.datetime(1970, 1, 1)
SECOND = dt.timedelta(seconds=1)
MICROSECOND = dt.timedelta(microseconds=1)
SECONDS_PER_DAY = 86_400


def seconds(at: dt.datetime) -> int:
    """Whole seconds since the epoch of a naive local datetime."""
    if not isinstance(at, dt.datetime):
        raise TypeError(f"expected a datetime, got {type(at).__name__}")
    return (at - EPOCH) // SECOND


def seconds_array(at) -> np.ndarray:
    """`seconds` of many datetimes (any sequence or datetime64 array)."""
    return np.asarray(at, dtype="datetime64[s]").astype(np.int64)


def microseconds(at: dt.datetime) -> int:
    return (at - EPOCH) // MICROSECOND

"""Time as the business modules store it: integers since the epoch of the chain's naive local
clock (no zone). The modules never read a clock; every time is an argument, and anything but a
naive datetime is `InvalidInput` naming the argument."""

from __future__ import annotations

import datetime as dt

import numpy as np

from retail.errors import InvalidInput

EPOCH = dt.datetime(1970, 1, 1)
SECOND = dt.timedelta(seconds=1)
MICROSECOND = dt.timedelta(microseconds=1)
SECONDS_PER_DAY = 86_400


def checked_time(at: object, field: str = "at") -> dt.datetime:
    """`at` if it is a naive datetime (the chain's local clock)."""
    if not isinstance(at, dt.datetime):
        raise InvalidInput(field, f"must be a datetime, got {type(at).__name__}")
    if at.tzinfo is not None:
        raise InvalidInput(field, "must be naive local time, got a time with a zone")
    return at


def seconds(at: dt.datetime, field: str = "at") -> int:
    """Whole seconds since the epoch of a naive local datetime."""
    return (checked_time(at, field) - EPOCH) // SECOND


def seconds_array(at, field: str = "at") -> np.ndarray:
    """`seconds` of many datetimes: a datetime64 array or series, or a sequence of datetimes.
    Text is refused (numpy would read "today" as a date); so is NaT."""
    array = np.asarray(at)
    if array.ndim != 1:
        raise InvalidInput(field, f"must be a flat sequence of datetimes, got {array.ndim} dims")
    if array.dtype.kind != "M":
        for i, value in enumerate(array.tolist() if array.dtype.kind != "O" else array):
            if not isinstance(value, np.datetime64):
                checked_time(value, f"{field}[{i}]")
        array = array.astype("datetime64[s]")
    missing = np.isnat(array)
    if missing.any():
        raise InvalidInput(f"{field}[{int(np.argmax(missing))}]", "must be a datetime, got NaT")
    return array.astype("datetime64[s]").astype(np.int64)


def microseconds(at: dt.datetime, field: str = "at") -> int:
    """Whole microseconds since the epoch of a naive local datetime."""
    return (checked_time(at, field) - EPOCH) // MICROSECOND

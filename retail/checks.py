"""The sane bounds of the business modules and the checkers every module validates input with.

A checker returns the value in the form the module keeps (an `int`, an int64 array, a `str`,
an enum member) or raises `InvalidInput` naming the field, and for an array its first bad row
(`quantities[3]`). A real integer is an `int` or a numpy integer: never a bool, a float (not
even 2.0), NaN or text. Modules check everything a call takes before changing anything.

The bounds are far above anything a chain does and far below int64 overflow, even summed:
`MAX_CENTS * MAX_QUANTITY` is 10**18 < 2**63 (about 9.2 * 10**18), so a line's price times its
quantity is exact in int64, and ten million amounts at `MAX_CENTS` still sum to 10**18.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

import numpy as np

from retail.errors import InvalidInput

# The most one price, order, payment, refund, basket or offer may carry: ¥1,000,000,000.
MAX_CENTS = 10**11
# The most a total over a chain and a period may be (a campaign budget, the budget tiering
# splits across stores): ¥10,000,000,000,000; nine thousand of them still sum within int64.
MAX_TOTAL_CENTS = 10**15
# The most units one line, receipt, hold or return may carry: more than a season's production
# of one SKU.
MAX_QUANTITY = 10**7
# The most units one (SKU, location) cell may hold, on hand plus in transit; 100 receipts at
# the bound. Ten thousand locations full to it hold 10**13 units of a SKU.
MAX_STOCK = 10**9
# The longest an offer stays valid, or a window of days a module is asked about: ten years.
MAX_DAYS = 3_660
# Member ids run from 0 to MAX_MEMBERS - 1: more members than any chain (or WeChat) has.
MAX_MEMBERS = 10**9

E = TypeVar("E", bound=enum.Enum)


def integer(value: object, field: str, low: int, high: int, what: str = "a whole number") -> int:
    """`value` as an `int` in [low, high], or `InvalidInput` naming `field`."""
    if not _is_integer(value):
        raise InvalidInput(field, f"must be {what}, got {value!r}")
    number = int(value)  # type: ignore[call-overload]
    if number < low:
        raise InvalidInput(
            field, f"must be {'positive' if low == 1 else f'>= {low}'}, got {number}"
        )
    if number > high:
        raise InvalidInput(field, f"must be at most {high}, got {number}")
    return number


def integers(
    values: Iterable[object],
    field: str,
    low: int,
    high: int,
    what: str = "a whole number",
    row: Callable[[int], str] | None = None,
) -> np.ndarray:
    """`values` (a sequence or a 1-d array) as a new int64 array, each in [low, high]; the
    error names the first bad row, `field[i]` (or `row(i)`)."""
    items = values if isinstance(values, np.ndarray | list | tuple) else list(values)
    try:
        array = np.asarray(items)
    except ValueError:  # ragged: rows of different lengths
        raise InvalidInput(field, "must be a flat sequence of numbers") from None
    name = row or (lambda i: f"{field}[{i}]")
    # numpy reads [1, True] as [1, 1]: with a bool among the integers, each is checked in
    # turn, so the error names the first bad row whatever is wrong with it.
    from_python = array.dtype.kind in "iu" and not isinstance(items, np.ndarray)
    if from_python and not set(map(type, items)).isdisjoint((bool, np.bool_)):
        for i, value in enumerate(items):
            integer(value, name(i), low, high, what)
    if array.ndim != 1:
        raise InvalidInput(field, f"must be a flat sequence, got {array.ndim} dimensions")
    if len(array) == 0:
        return np.zeros(0, np.int64)
    if array.dtype.kind in "iu":  # the common case: one pass over the array for the bounds
        bad = (array < low) | (array > high)
        if bad.any():
            i = int(np.argmax(bad))
            integer(array[i], name(i), low, high, what)  # raises, saying which bound
        return array.astype(np.int64)
    # Anything else is checked element by element (in the caller's own values, so that
    # `[1, 2.7]` is refused at row 1, not at the 1.0 numpy made of row 0).
    elements = items if isinstance(items, list | tuple) else array.tolist()
    for i, value in enumerate(elements):
        integer(value, name(i), low, high, what)
    return np.array([int(value) for value in elements], np.int64)


def cents(value: object, field: str, at_most: int = MAX_CENTS) -> int:
    """Whole cents in [0, at_most]."""
    return integer(value, field, 0, at_most, "whole cents")


def cents_array(
    values: Iterable[object], field: str, row: Callable[[int], str] | None = None
) -> np.ndarray:
    """`cents` of every element, as int64."""
    return integers(values, field, 0, MAX_CENTS, "whole cents", row)


def quantity(value: object, field: str) -> int:
    """A whole number of units in [1, MAX_QUANTITY]."""
    return integer(value, field, 1, MAX_QUANTITY, "a whole number of units")


def quantities(
    values: Iterable[object], field: str, row: Callable[[int], str] | None = None
) -> np.ndarray:
    """`quantity` of every element, as int64."""
    return integers(values, field, 1, MAX_QUANTITY, "a whole number of units", row)


def member_id(value: object, field: str = "member") -> int:
    """A member id in [0, MAX_MEMBERS)."""
    return integer(value, field, 0, MAX_MEMBERS - 1, "a member id")


def member_ids(values: Iterable[object], field: str = "members") -> np.ndarray:
    """`member_id` of every element, as int64."""
    return integers(values, field, 0, MAX_MEMBERS - 1, "a member id")


def key(value: object, field: str) -> str:
    """A non-empty string: an idempotency key, a SKU, a location, a store, an identifier."""
    if not isinstance(value, str) or not value:
        raise InvalidInput(field, f"must be a non-empty string, got {value!r}")
    return value


def optional_key(value: object, field: str) -> str | None:
    """`key`, or None."""
    return None if value is None else key(value, field)


def distinct_keys(values: Iterable[object], field: str) -> list[str]:
    """`key` of every element, none repeated (a batch names each record once)."""
    keys = list(values)
    if set(map(type, keys)) <= {str} and "" not in keys and len(set(keys)) == len(keys):
        return keys  # the common case, in C: distinct non-empty strings
    seen: set[str] = set()
    for i, value in enumerate(keys):  # say which row is wrong, and how
        if key(value, f"{field}[{i}]") in seen:
            raise InvalidInput(f"{field}[{i}]", f"{value!r} appears twice in one batch")
        seen.add(value)
    return keys


def option(value: object, kind: type[E], field: str) -> E:
    """A member of the enum `kind`, given as itself or its value (an int, or a str)."""
    if isinstance(value, kind):
        return value
    plain = int if issubclass(kind, int) else str
    if (plain is int and _is_integer(value)) or (plain is str and isinstance(value, str)):
        try:
            return kind(int(value) if plain is int else value)  # type: ignore[call-overload]
        except ValueError:
            pass
    names = ", ".join(member.name.lower() for member in kind)
    raise InvalidInput(field, f"must be one of {names}, got {value!r}")


def codes(values: Iterable[object], kind: type[enum.IntEnum], field: str) -> np.ndarray:
    """The values of members of the int enum `kind` (a batch of `option`), as int64."""
    known = sorted(member.value for member in kind)
    array = integers(values, field, known[0], known[-1], f"a {kind.__name__} code")
    unknown = ~np.isin(array, known)
    if unknown.any():
        i = int(np.argmax(unknown))
        raise InvalidInput(f"{field}[{i}]", f"{array[i]} is not a {kind.__name__} code")
    return array


def lat_lon(lat: object, lon: object, field: str) -> tuple[float, float]:
    """A place on earth in degrees."""
    for value in (lat, lon):
        if isinstance(value, bool | np.bool_) or not isinstance(value, int | float | np.number):
            raise InvalidInput(field, f"degrees as numbers, got {lat!r}, {lon!r}")
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):  # NaN fails both comparisons
        raise InvalidInput(field, f"not a place on earth: {lat}, {lon}")
    return float(lat), float(lon)  # type: ignore[arg-type]


def same_length(field: str, **columns: Sequence[object] | np.ndarray) -> int:
    """The common length of the columns of a batch call, or `InvalidInput` listing them."""
    lengths = {name: len(column) for name, column in columns.items()}
    if len(set(lengths.values())) > 1:
        listed = ", ".join(f"{name} {n}" for name, n in lengths.items())
        raise InvalidInput(field, f"columns must be equally long, got {listed}")
    return next(iter(lengths.values()), 0)


def _is_integer(value: object) -> bool:
    return isinstance(value, int | np.integer) and not isinstance(value, bool)

"""Field types shared by the config schemas: counts, probabilities, amounts, clock times.

Every number is strict (a bool is not a count, 2.0 is not a lane count, "3" is not a number),
finite, and bounded: the bounds lie far beyond any real setting, so they only catch what no
chain means (a stray digit, `inf`) before it crashes a run or runs it silently wrong.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import ConfigDict, Field, Strict

from retail.checks import MAX_CENTS  # what the modules accept as one amount: ¥1 billion

STRICT = ConfigDict(extra="forbid")

MAX_COUNT = 1_000_000_000  # people, visitors, staff, lanes, days: no store has more
MAX_MAGNITUDE = 1e9  # any other quantity: minutes, factors, rates, kilometres


def count(*, ge: int = 0, le: int = MAX_COUNT) -> Any:
    """A whole number in [ge, le] (a bool or a float is refused)."""
    return Annotated[int, Strict(), Field(ge=ge, le=le)]


def real(**bounds: float) -> Any:
    """A finite number (an int is fine, a bool or a string is not), within `bounds` (pydantic's
    ge, gt, le, lt) and never beyond +-MAX_MAGNITUDE."""
    if "le" not in bounds and "lt" not in bounds:
        bounds["le"] = MAX_MAGNITUDE
    if "ge" not in bounds and "gt" not in bounds:
        bounds["ge"] = -MAX_MAGNITUDE
    return Annotated[float, Strict(), Field(allow_inf_nan=False, **bounds)]


Count = count()
PositiveInt = count(ge=1)
Cents = count(le=MAX_CENTS)
Probability = real(ge=0.0, le=1.0)
NonNegative = real(ge=0.0)
Positive = real(gt=0.0)
Finite = real()
Clock = Annotated[str, Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$|^24:00$")]  # 24:00: day's end
TimeOfDay = Annotated[str, Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")]  # a moment in the day


def clock_minutes(value: str) -> int:
    """Minutes after midnight of an `HH:MM` clock time (`24:00` is the end of the day)."""
    hours, minutes = value.split(":")
    return int(hours) * 60 + int(minutes)

"""Field types shared by the config schemas: counts, probabilities, clock times."""

from __future__ import annotations

from typing import Annotated

from pydantic import ConfigDict, Field

STRICT = ConfigDict(extra="forbid")

Count = Annotated[int, Field(ge=0)]
PositiveInt = Annotated[int, Field(ge=1)]
Probability = Annotated[float, Field(ge=0.0, le=1.0)]
NonNegative = Annotated[float, Field(ge=0.0)]
Positive = Annotated[float, Field(gt=0.0)]
Cents = Annotated[int, Field(ge=0)]
Clock = Annotated[str, Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$|^24:00$")]


def clock_minutes(value: str) -> int:
    """Minutes after midnight of an `HH:MM` clock time (`24:00` is the end of the day)."""
    hours, minutes = value.split(":")
    return int(hours) * 60 + int(minutes)

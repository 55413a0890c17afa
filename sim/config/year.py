"""Schemas of the `calendar` config group: the seasons and campaign days of a year.

A day's traffic is the format's weekday factor times its month's season factor times the
factor of every event on it; a closure (Chinese New Year) shuts every store that day. Online
orders follow an event's `online_factor` (618 and Double 11 are online festivals first).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import Field, model_validator
from pydantic.dataclasses import dataclass

from sim.config.fields import STRICT, PositiveInt, real

MAX_EVENT_DAYS = 366
Factor = real(ge=0.0, le=100.0)


@dataclass(config=STRICT)
class CalendarEvent:
    """A campaign day (or days) or a closure, from `start` for `days` days."""

    name: Annotated[str, Field(min_length=1, max_length=64)]
    start: dt.date
    days: Annotated[PositiveInt, Field(le=MAX_EVENT_DAYS)] = 1
    traffic_factor: Factor = 1.0  # store visits x this
    online_factor: Factor = 1.0  # members' own online orders x this
    closed: bool = False  # every store shut (its traffic factor is then moot)

    def covers(self, day: dt.date) -> bool:
        return self.start <= day < self.start + dt.timedelta(days=self.days)


@dataclass(config=STRICT)
class YearCalendar:
    """Seasons (one factor per month, January first) and the year's events."""

    season_factors: Annotated[list[Factor], Field(min_length=12, max_length=12)] = Field(
        default_factory=lambda: [1.0] * 12
    )
    events: list[CalendarEvent] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique_names(self) -> YearCalendar:
        names = [event.name for event in self.events]
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            raise ValueError(f"events: names must be unique, repeated: {repeated}")
        return self

    @property
    def is_flat(self) -> bool:
        """No season and no event: every day as its weekday."""
        return not self.events and all(f == 1.0 for f in self.season_factors)

    def factors(self, start: dt.date, days: int) -> tuple[list[float], list[float], list[bool]]:
        """Per day from `start`: (traffic factor, online factor, closed), weekday aside."""
        traffic, online, closed = [], [], []
        for d in range(days):
            day = start + dt.timedelta(days=d)
            t, o, shut = self.season_factors[day.month - 1], 1.0, False
            for event in self.events:
                if event.covers(day):
                    t, o, shut = (
                        t * event.traffic_factor,
                        o * event.online_factor,
                        shut or event.closed,
                    )
            traffic.append(0.0 if shut else t)
            online.append(o)
            closed.append(shut)
        return traffic, online, closed

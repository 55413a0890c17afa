"""The calendar: simulation minutes to dates, opening hours and the traffic profile."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

MINUTES_PER_DAY = 1440
CLOSING_MARGIN_MIN = 0.01  # closing jobs of a store open until 24:00 run this before midnight


@dataclass(frozen=True)
class Calendar:
    """Maps simulation time (minutes since the run's start, midnight of `start`) to dates.

    `weekday_factors` (Monday first) scale a day's traffic, and so do `day_factors` (per day
    of the run: its season and events, 0 on a closure; none: all 1); `hourly_weights` spread
    it over the hours of the day inside opening hours.
    """

    start: dt.date
    opens_min: int
    closes_min: int
    weekday_factors: tuple[float, ...]
    hourly_weights: tuple[float, ...]
    day_factors: tuple[float, ...] = ()

    def __post_init__(self) -> None:
        if not 0 <= self.opens_min < self.closes_min <= MINUTES_PER_DAY:
            raise ValueError(
                f"opening hours: need 0 <= opens < closes <= 1440 minutes, got "
                f"{self.opens_min}..{self.closes_min}"
            )
        if len(self.weekday_factors) != 7 or len(self.hourly_weights) != 24:
            raise ValueError("need 7 weekday factors and 24 hourly weights")

    def date_of(self, t: float) -> dt.date:
        return self.start + dt.timedelta(days=int(t // MINUTES_PER_DAY))

    def datetime_at(self, t: float) -> dt.datetime:
        """The wall-clock moment of simulation time `t` (naive, the chain's local time)."""
        return dt.datetime.combine(self.start, dt.time()) + dt.timedelta(minutes=t)

    def day_index(self, t: float) -> int:
        return int(t // MINUTES_PER_DAY)

    def opening(self, day: int) -> tuple[float, float]:
        """Opening and closing time of `day` in simulation minutes."""
        base = day * MINUTES_PER_DAY
        return base + self.opens_min, base + self.closes_min

    def closing(self, day: int, after_min: float = 0.0) -> float:
        """When `day`'s closing jobs run, `after_min` after closing time. Always within the day:
        a store open until 24:00 runs them just before midnight, so they count for the day
        that closed and the run's last closing comes before its horizon."""
        margin = (
            CLOSING_MARGIN_MIN if after_min == 0 else CLOSING_MARGIN_MIN / 2
        )  # later stays later
        return min(self.opening(day)[1] + after_min, (day + 1) * MINUTES_PER_DAY - margin)

    @property
    def open_minutes_per_day(self) -> int:
        return self.closes_min - self.opens_min

    def open_minutes_until(self, t: np.ndarray) -> np.ndarray:
        """Minutes the store has been open from time 0 to each `t` (every day has the same
        hours)."""
        day, minute = np.divmod(t, MINUTES_PER_DAY)
        length = self.open_minutes_per_day
        return day * length + np.clip(minute - self.opens_min, 0.0, length)

    def is_open(self, t: float) -> bool:
        opens, closes = self.opening(self.day_index(t))
        return opens <= t < closes

    def weekday_factor(self, day: int) -> float:
        return self.weekday_factors[(self.start + dt.timedelta(days=day)).weekday()]

    def traffic_factor(self, day: int) -> float:
        """The day's traffic relative to a plain weekday: its weekday, season and events."""
        extra = self.day_factors[day] if day < len(self.day_factors) else 1.0
        return self.weekday_factor(day) * extra

    def rate_segments(self, day: int, daily_mean: float) -> list[tuple[float, float, float]]:
        """Piecewise-constant arrival rate of `day`: (start, end, parties per minute).

        The day's expected arrivals are `daily_mean` times the weekday factor, spread over
        the open part of each hour in proportion to its weight.
        """
        opens, closes = self.opening(day)
        base = day * MINUTES_PER_DAY
        pieces = []
        for hour, weight in enumerate(self.hourly_weights):
            start = max(base + hour * 60, opens)
            end = min(base + hour * 60 + 60, closes)
            if end > start and weight > 0:
                pieces.append((start, end, weight * (end - start) / 60))
        total = sum(mass for _, _, mass in pieces)
        expected = daily_mean * self.traffic_factor(day)
        return [(s, e, expected * mass / total / (e - s)) for s, e, mass in pieces]

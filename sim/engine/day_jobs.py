"""The calendar's day jobs: one ordered table of what runs when, every day of the run.

A job is a name, a slot of the day (at opening, at closing, at a clock time, every few
minutes) and a callable `run(day, at)` that takes the day's index and the minute it runs at
and needs no SimPy environment. Jobs run in time order; jobs due at the same minute run in
the table's order, which is written once, where the twin is wired (`sim/wiring.py`), never
left to the order processes happened to be started in. In the detailed fidelity the model
runs SimPy up to each job's minute and runs the job before anything else of that minute.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

from sim.engine.calendar import MINUTES_PER_DAY, Calendar

Run = Callable[[int, float], None]  # (day index, simulation minute)


@dataclass(frozen=True)
class Slot:
    """When in a day a job runs: `minutes` after opening or closing, at the clock minute
    `minutes`, or every `minutes` from midnight."""

    anchor: Literal["opening", "closing", "clock", "every"]
    minutes: float = 0.0

    def __post_init__(self) -> None:
        if self.anchor == "every" and self.minutes <= 0:
            raise ValueError(f"an 'every' slot needs a period above 0, got {self.minutes}")
        if self.anchor == "clock" and not 0 <= self.minutes < MINUTES_PER_DAY:
            raise ValueError(f"a clock slot lies within the day, got minute {self.minutes}")

    def times(self, calendar: Calendar, day: int) -> list[float]:
        """The minutes of `day` (since the run's start) this slot falls on."""
        midnight = day * MINUTES_PER_DAY
        if self.anchor == "opening":
            return [calendar.opening(day)[0] + self.minutes]
        if self.anchor == "closing":
            return [calendar.closing(day, self.minutes)]
        if self.anchor == "clock":
            return [midnight + self.minutes]
        count = int(-(-MINUTES_PER_DAY // self.minutes))  # ceil: every period within the day
        return [midnight + k * self.minutes for k in range(count)]


def at_opening(after_min: float = 0.0) -> Slot:
    return Slot("opening", after_min)


def at_closing(after_min: float = 0.0) -> Slot:
    return Slot("closing", after_min)


def at_clock(minute: float) -> Slot:
    return Slot("clock", minute)


def every(minutes: float) -> Slot:
    return Slot("every", minutes)


@dataclass(frozen=True)
class DayJob:
    name: str
    slot: Slot
    run: Run


class DayJobs:
    """The run's day jobs, in time order then table order, consumed as the run advances."""

    def __init__(self, calendar: Calendar, jobs: Sequence[DayJob], days: int) -> None:
        names = [job.name for job in jobs]
        if len(set(names)) != len(names):
            raise ValueError(f"day job names must be unique, got {names}")
        self.calendar = calendar
        self.jobs = tuple(jobs)
        self.days = days
        self._upcoming = self._plan()
        self._next = next(self._upcoming, None)

    def _plan(self) -> Iterator[tuple[float, int, int, DayJob]]:
        """Every day's jobs, merged in time order: a slot may fall past midnight (half an hour
        after a 23:40 opening), so one day's jobs do not all come before the next day's."""
        days = [self._day(day) for day in range(self.days)]
        return heapq.merge(*days, key=lambda entry: (entry[0], entry[2], entry[1]))

    def _day(self, day: int) -> list[tuple[float, int, int, DayJob]]:
        due = [
            (t, order, day, job)
            for order, job in enumerate(self.jobs)
            for t in job.slot.times(self.calendar, day)
        ]
        return sorted(due, key=lambda entry: entry[:2])

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(job.name for job in self.jobs)

    def next_time(self) -> float:
        """The minute of the next job not yet run (infinity when none is left)."""
        return self._next[0] if self._next is not None else float("inf")

    def run_due(self, t: float) -> list[str]:
        """Run every job due at or before minute `t`, in order; returns their names."""
        ran = []
        while self._next is not None and self._next[0] <= t:
            at, _, day, job = self._next
            self._next = next(self._upcoming, None)
            job.run(day, at)
            ran.append(job.name)
        return ran

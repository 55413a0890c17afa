"""Staff turnover: guides quit at closing at their format's yearly rate, and a new hire, less
skilled at first, takes each one's place in her crew. The membership module is told, as an HR
system would tell it: the leaver's members and her credit for them stay with the brand. A day
job at closing (`close_day`), each store drawing from its own stream.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np

from retail.errors import NotFound
from retail.ports import MembershipPort
from sim.agents.staff import Guide
from sim.engine.calendar import Calendar
from sim.engine.events import EventLog
from sim.engine.streams import Streams
from sim.processes.events import GuideHired, GuideLeft

DAYS_PER_YEAR = 365
NEW_HIRE_SKILL = (0.6, 0.9)  # experienced guides are drawn in [0.8, 1.2]


def daily_quit_probability(per_year: float) -> float:
    """The chance a guide quits on a given day, for a yearly turnover rate below 1."""
    return 1.0 - (1.0 - per_year) ** (1.0 / DAYS_PER_YEAR)


class Staffed(Protocol):
    """A store as its HR sees it: its guides, and a way to replace one."""

    id: str

    @property
    def all_guides(self) -> list[Guide]: ...

    def replace_guide(self, leaver: Guide, skill: float) -> Guide: ...


class StaffTurnover:
    def __init__(
        self,
        log: EventLog,
        calendar: Calendar,
        membership: MembershipPort,
        per_year: float,
        stores: Sequence[Staffed],
        streams: Streams,
    ) -> None:
        self.log, self.calendar = log, calendar
        self.membership = membership
        self.daily = daily_quit_probability(per_year)
        self.stores = list(stores)
        self._rngs = [streams.get(f"staff-turnover/{store.id}") for store in self.stores]

    def close_day(self, day: int, at: float) -> None:
        """Each store's guides at closing, in the chain's store order."""
        for store, rng in zip(self.stores, self._rngs, strict=True):
            self._review(store, rng, at)

    def _review(self, store: Staffed, rng: np.random.Generator, at: float) -> None:
        when = self.calendar.datetime_at(at)
        guides = store.all_guides
        # One draw per guide and day, quitting or not: the stream stays aligned.
        quits = rng.random(len(guides)) < self.daily
        skills = rng.uniform(*NEW_HIRE_SKILL, len(guides))
        for guide, quits_today, skill in zip(guides, quits, skills, strict=True):
            if not quits_today:
                continue
            try:
                members = self.membership.leave(guide.code, when)
            except NotFound:  # she never brought anyone in: the module never knew her
                members = 0
            newcomer = store.replace_guide(guide, float(skill))
            self.log.append(GuideLeft(at, store.id, guide.code, members))
            self.log.append(GuideHired(at, store.id, newcomer.code, float(skill)))

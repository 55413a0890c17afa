"""Staff turnover: guides quit at closing at their format's yearly rate, and a new hire, less
skilled at first, takes each one's place in her crew. The membership module is told, as an HR
system would tell it: the leaver's members and her credit for them stay with the brand.
"""

from __future__ import annotations

from collections.abc import Generator

import numpy as np
import simpy

from retail.errors import NotFound
from retail.ports import MembershipPort
from sim.engine.calendar import Calendar
from sim.engine.events import EventLog
from sim.processes.events import GuideHired, GuideLeft

DAYS_PER_YEAR = 365
NEW_HIRE_SKILL = (0.6, 0.9)  # experienced guides are drawn in [0.8, 1.2]


def daily_quit_probability(per_year: float) -> float:
    """The chance a guide quits on a given day, for a yearly turnover rate below 1."""
    return 1.0 - (1.0 - per_year) ** (1.0 / DAYS_PER_YEAR)


class StaffTurnover:
    def __init__(
        self,
        env: simpy.Environment,
        log: EventLog,
        calendar: Calendar,
        membership: MembershipPort,
        per_year: float,
    ) -> None:
        self.env, self.log, self.calendar = env, log, calendar
        self.membership = membership
        self.daily = daily_quit_probability(per_year)

    def run(self, store, rng: np.random.Generator, days: int) -> Generator[simpy.Event, None, None]:
        """One store's guides over `days` closings, drawing from the store's own stream."""
        for day in range(days):
            yield self.env.timeout(max(self.calendar.closing(day) - self.env.now, 0.0))
            at = self.calendar.datetime_at(self.env.now)
            guides = store.all_guides
            # One draw per guide and day, quitting or not: the stream stays aligned.
            quits = rng.random(len(guides)) < self.daily
            skills = rng.uniform(*NEW_HIRE_SKILL, len(guides))
            for guide, quits_today, skill in zip(guides, quits, skills, strict=True):
                if not quits_today:
                    continue
                try:
                    members = self.membership.leave(guide.code, at)
                except NotFound:  # she never brought anyone in: the module never knew her
                    members = 0
                newcomer = store.replace_guide(guide, float(skill))
                self.log.append(GuideLeft(self.env.now, store.id, guide.code, members))
                self.log.append(GuideHired(self.env.now, store.id, newcomer.code, float(skill)))

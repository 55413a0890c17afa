"""Guides work the membership module's task list in their shifts: the SCRM's closed loop.

Each morning after opening (a day job, `open_day`), a store's pending tasks (its guides' and
the unowned ones) are handed to the floor; a free guide on duty takes the next, is off the
floor for the task's minutes, and the desk writes the outcome back to the module. A member
who books a visit comes to the store within the configured days (her visit runs the normal
journey).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

import numpy as np

from retail.membership import TaskOutcome
from retail.ports import MembershipPort
from sim.agents.staff import Guide
from sim.business.events import GuideTaskWorked, VisitBooked
from sim.config.schema import GuideTasks
from sim.engine.calendar import Calendar
from sim.engine.events import EventLog

START_AFTER_OPENING_MIN = 30.0

# (the guide who worked it, the minute she finished)
Worked = Callable[[Guide, float], None]


class TaskFloor(Protocol):
    """A store as the task desk sees it: its guides, who work tasks, and its visits."""

    id: str

    @property
    def guide_codes(self) -> list[str]: ...

    def work_task(self, minutes: float, done: Worked) -> None:
        """The next free guide on duty works a task of `minutes`, then `done` is told."""
        ...

    def book_visit(self, person: int, at_min: float) -> None:
        """She comes to the store at `at_min`, on her own draws."""
        ...


class GuideTaskDesk:
    def __init__(
        self,
        floor: TaskFloor,
        log: EventLog,
        calendar: Calendar,
        membership: MembershipPort,
        person_of: dict[int, int],
        config: GuideTasks,
        rng: np.random.Generator,
        horizon_min: float,
    ) -> None:
        self.floor, self.log, self.calendar = floor, log, calendar
        self.membership = membership
        self.person_of = person_of
        self.config = config
        self.rng = rng
        self.horizon_min = horizon_min
        self._taken: set[int] = set()

    def open_day(self, day: int, at: float) -> None:
        """The store's pending tasks, handed to its guides in task order."""
        for task, kind, member in self._pending():
            self._taken.add(task)
            self.floor.work_task(
                self.config.minutes_per_task,
                lambda guide, t, task=task, kind=kind, member=member: self._worked(
                    task, kind, member, guide, t
                ),
            )

    def _pending(self) -> list[tuple[int, str, int]]:
        frames = [self.membership.open_tasks(store=self.floor.id)]
        frames += [self.membership.open_tasks(staff=code) for code in self.floor.guide_codes]
        out = []
        for frame in frames:
            for task, kind, member in zip(
                frame["task"], frame["kind"], frame["member"], strict=True
            ):
                if int(task) not in self._taken:
                    out.append((int(task), str(kind), int(member)))
        return sorted(out)

    def _worked(self, task: int, kind: str, member: int, guide: Guide, t: float) -> None:
        """She called or messaged the member: what came of it, written back to the module."""
        config, calendar = self.config, self.calendar
        reached = self.rng.random() < config.reach_prob
        booked = reached and self.rng.random() < config.book_prob_if_reached
        outcome = (
            TaskOutcome.VISIT_BOOKED if booked else
            TaskOutcome.REACHED if reached else TaskOutcome.NOT_REACHED
        )  # fmt: skip
        self.membership.complete_task(task, outcome, calendar.datetime_at(t))
        self.log.append(GuideTaskWorked(t, self.floor.id, guide.code, task, kind,
                                        outcome.name.lower(), config.minutes_per_task))  # fmt: skip
        person = self.person_of.get(member)
        if booked and person is not None:
            day = calendar.day_index(t) + 1 + int(self.rng.integers(0, config.visit_within_days))
            opens, closes = calendar.opening(day)
            when = opens + self.rng.random() * (closes - opens - 60.0)
            if when < self.horizon_min:
                self.floor.book_visit(person, when)
                self.log.append(VisitBooked(t, self.floor.id, person, when))

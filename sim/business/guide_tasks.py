"""Guides work the membership module's task list in their shifts: the SCRM's closed loop.

Each morning after opening, a store's pending tasks (its guides' and the unowned ones) are
queued; a free guide on duty takes the next, is off the floor for the task's minutes, and
writes the outcome back to the module. A member who books a visit comes to the store within
the configured days (her visit runs the normal journey).
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING

import numpy as np
import simpy

from retail.membership import TaskOutcome
from retail.ports import MembershipPort
from sim.business.events import GuideTaskWorked, VisitBooked
from sim.config.schema import GuideTasks
from sim.engine.calendar import MINUTES_PER_DAY

if TYPE_CHECKING:
    from sim.world.store import StoreRuntime

START_AFTER_OPENING_MIN = 30.0


class GuideTaskDesk:
    def __init__(
        self,
        store: StoreRuntime,
        membership: MembershipPort,
        person_of: dict[int, int],
        config: GuideTasks,
        rng: np.random.Generator,
    ) -> None:
        self.store = store
        self.membership = membership
        self.person_of = person_of
        self.config = config
        self.rng = rng
        self._taken: set[int] = set()

    def run(self, days: int) -> Generator[simpy.Event, None, None]:
        env, calendar = self.store.env, self.store.calendar
        for day in range(days):
            start = calendar.opening(day)[0] + START_AFTER_OPENING_MIN
            yield env.timeout(max(start - env.now, 0.0))
            for task, kind, member in self._pending():
                self._taken.add(task)
                env.process(self._work(task, kind, member))

    def _pending(self) -> list[tuple[int, str, int]]:
        frames = [self.membership.open_tasks(store=self.store.id)]
        frames += [self.membership.open_tasks(staff=code) for code in self.store.guide_codes]
        out = []
        for frame in frames:
            for task, kind, member in zip(
                frame["task"], frame["kind"], frame["member"], strict=True
            ):
                if int(task) not in self._taken:
                    out.append((int(task), str(kind), int(member)))
        return sorted(out)

    def _work(self, task: int, kind: str, member: int) -> Generator[simpy.Event, object, None]:
        store, env, config = self.store, self.store.env, self.config
        guide = yield store.guides.get()
        yield env.timeout(config.minutes_per_task)
        store.release_guide(guide)
        reached = self.rng.random() < config.reach_prob
        booked = reached and self.rng.random() < config.book_prob_if_reached
        outcome = (
            TaskOutcome.VISIT_BOOKED if booked else
            TaskOutcome.REACHED if reached else TaskOutcome.NOT_REACHED
        )  # fmt: skip
        at = store.calendar.datetime_at(env.now)
        self.membership.complete_task(task, outcome, at)
        store.log.append(
            GuideTaskWorked(
                env.now, store.id, guide.code, task, kind, outcome.name.lower(),
                config.minutes_per_task,
            )
        )  # fmt: skip
        person = self.person_of.get(member)
        if booked and person is not None:
            day = (
                store.calendar.day_index(env.now)
                + 1
                + int(self.rng.integers(0, config.visit_within_days))
            )
            opens, closes = store.calendar.opening(day)
            when = opens + self.rng.random() * (closes - opens - 60.0)
            if when < store.config.days * MINUTES_PER_DAY:
                store.book_visit(person, when)
                store.log.append(VisitBooked(env.now, store.id, person, when))

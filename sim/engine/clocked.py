"""A Mesa model whose clock is SimPy's: what the twin and the validation model share.

`step(minutes)` advances the simulation by that many minutes (an hour by default) up to the
run's horizon; `run()` steps to the end. A subclass adds what happens between SimPy runs
(the twin's day jobs) by overriding `advance`.
"""

from __future__ import annotations

import mesa
import simpy

from sim.engine.calendar import MINUTES_PER_DAY

STEP_MIN = 60.0


class ClockedModel(mesa.Model):
    def __init__(self, days: int, rng) -> None:
        super().__init__(rng=rng)
        self.days = days
        self.env = simpy.Environment()

    @property
    def now(self) -> float:
        """Minutes since the run's start."""
        return self.env.now

    @property
    def horizon_min(self) -> float:
        return self.days * MINUTES_PER_DAY

    def step(self, minutes: float = STEP_MIN) -> None:
        """Run `minutes` of simulated time (up to the run's horizon)."""
        self.advance(min(self.env.now + minutes, self.horizon_min))

    def advance(self, end: float) -> None:
        """Run the simulation to minute `end`."""
        if end > self.env.now:
            self.env.run(until=end)

    def run(self) -> None:
        while self.env.now < self.horizon_min:
            self.step()

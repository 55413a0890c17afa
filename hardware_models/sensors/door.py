"""Overhead door people counter: bidirectional beams that miss people walking abreast.

A party of n entering one behind the other is counted n times. Walking abreast (side by
side), each person beyond the first is missed with `miss_prob_side_by_side`. The count also
drifts slowly as the sensor ages or is knocked off alignment: after d days the expected
count is multiplied by (1 + drift_per_day * d), realised as occasional ghost or lost counts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hardware_models.draws import UniformDraws
from hardware_models.sensors.quarantine import OrderedFeed, Quarantine

SECONDS_PER_DAY = 86_400.0


@dataclass(frozen=True)
class DoorCounterConfig:
    side_by_side_prob: float = 0.5  # chance a party of two or more walks in abreast
    miss_prob_side_by_side: float = 0.6  # chance each extra person abreast is missed
    drift_per_day: float = 0.0  # relative drift of the count per day since calibration

    def __post_init__(self) -> None:
        for name in ("side_by_side_prob", "miss_prob_side_by_side"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name}: must be a probability in [0, 1], got {value}")
        if abs(self.drift_per_day) > 0.1:
            raise ValueError(f"drift_per_day: {self.drift_per_day} is beyond any real sensor")


class DoorCounter:
    """Counts people passing in and out; `entered`/`exited` are the measured totals."""

    def __init__(
        self,
        name: str,
        config: DoorCounterConfig,
        rng: np.random.Generator,
        calibrated_at_s: float = 0.0,
    ) -> None:
        self.name = name
        self.config = config
        self.rng = rng
        self._uniform = UniformDraws(rng)
        self.calibrated_at_s = calibrated_at_s
        self.quarantine = Quarantine()
        self._feed = OrderedFeed(name, self.quarantine)
        self.entered = 0
        self.exited = 0

    def passage(self, t_s: float, people: int, entering: bool = True) -> int:
        """A party of `people` walks through; returns how many the counter registered."""
        if not self._feed.accept(t_s, people):
            return 0
        counted = people
        if people >= 2 and self._uniform() < self.config.side_by_side_prob:
            counted -= self._uniform.binomial(people - 1, self.config.miss_prob_side_by_side)
        counted += self._drift(t_s, counted)
        if entering:
            self.entered += counted
        else:
            self.exited += counted
        return counted

    def _drift(self, t_s: float, counted: int) -> int:
        factor = self.config.drift_per_day * (t_s - self.calibrated_at_s) / SECONDS_PER_DAY
        if factor == 0 or counted == 0:
            return 0
        change = self._uniform.binomial(counted, min(abs(factor), 1.0))
        return change if factor > 0 else -change

    def recalibrate(self, t_s: float) -> None:
        self.calibrated_at_s = t_s

    @property
    def occupancy(self) -> int:
        """People inside as the counter sees it (can be off, even negative, like the real one)."""
        return self.entered - self.exited

"""Shelf sensor (weight or camera) reporting out-of-stock on a shelf.

It notices a real stock-out with `detection_prob` at each check, and raises a false alarm
on a stocked shelf with `false_alarm_prob`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hardware_models.sensors.quarantine import OrderedFeed, Quarantine


@dataclass(frozen=True)
class ShelfSensorConfig:
    detection_prob: float = 0.9
    false_alarm_prob: float = 0.01

    def __post_init__(self) -> None:
        for name in ("detection_prob", "false_alarm_prob"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name}: must be a probability in [0, 1], got {value}")


class ShelfSensor:
    def __init__(self, name: str, config: ShelfSensorConfig, rng: np.random.Generator) -> None:
        self.name = name
        self.config = config
        self.rng = rng
        self.quarantine = Quarantine()
        self._feed = OrderedFeed(name, self.quarantine)

    def check(self, t_s: float, units_on_shelf: int) -> bool | None:
        """Reported out-of-stock? None when the reading itself is implausible."""
        if not self._feed.accept(t_s, units_on_shelf):
            return None
        if units_on_shelf == 0:
            return bool(self.rng.random() < self.config.detection_prob)
        return bool(self.rng.random() < self.config.false_alarm_prob)

"""Camera people counter: sees people abreast, occasionally misses or double-counts one."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hardware_models.sensors.quarantine import OrderedFeed, Quarantine


@dataclass(frozen=True)
class CameraCounterConfig:
    miss_prob: float = 0.02  # each person missed (occlusion, poor light)
    double_count_prob: float = 0.01  # each person counted twice (re-entry into view)

    def __post_init__(self) -> None:
        for name in ("miss_prob", "double_count_prob"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name}: must be a probability in [0, 1], got {value}")


class CameraCounter:
    def __init__(self, name: str, config: CameraCounterConfig, rng: np.random.Generator) -> None:
        self.name = name
        self.config = config
        self.rng = rng
        self.quarantine = Quarantine()
        self._feed = OrderedFeed(name, self.quarantine)
        self.entered = 0

    def passage(self, t_s: float, people: int) -> int:
        if not self._feed.accept(t_s, people):
            return 0
        missed = self.rng.binomial(people, self.config.miss_prob)
        doubled = self.rng.binomial(people, self.config.double_count_prob)
        counted = int(people - missed + doubled)
        self.entered += counted
        return counted

"""Recognition of arriving members: a BLE beacon (her phone) or a face-recognition camera.

Only members who opted in can be recognised, each with `detection_prob`; strangers are
mistaken for an opted-in member with `false_match_prob`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class BeaconConfig:
    detection_prob: float = 0.8
    false_match_prob: float = 0.002

    def __post_init__(self) -> None:
        for name in ("detection_prob", "false_match_prob"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name}: must be a probability in [0, 1], got {value}")


class BeaconReader:
    def __init__(self, name: str, config: BeaconConfig, rng: np.random.Generator) -> None:
        self.name = name
        self.config = config
        self.rng = rng
        self.detected = 0
        self.false_matches = 0

    def arrival(self, t_s: float, opted_in: bool, u: float | None = None) -> bool:
        """Does the device report a recognised member for this arrival? `u`: the arrival's
        uniform draw, if the caller keeps one per arrival (else the reader's stream)."""
        u = self.rng.random() if u is None else u
        if opted_in:
            hit = bool(u < self.config.detection_prob)
            self.detected += hit
            return hit
        mistaken = bool(u < self.config.false_match_prob)
        self.false_matches += mistaken
        return mistaken

"""RFID reader in a fitting room: reads the tags of garments carried in.

Each tag is read with `read_rate`; a read tag is sometimes reported twice
(`duplicate_prob`). Duplicates are quarantined, so what passes on is each tag once.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hardware_models.draws import UniformDraws
from hardware_models.sensors.quarantine import Quarantine, Reason


@dataclass(frozen=True)
class RfidConfig:
    read_rate: float = 0.97
    duplicate_prob: float = 0.05
    dedupe_window_s: float = 5.0  # a second read of a tag within this window is a duplicate

    def __post_init__(self) -> None:
        for name in ("read_rate", "duplicate_prob"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name}: must be a probability in [0, 1], got {value}")
        if self.dedupe_window_s < 0:
            raise ValueError(f"dedupe_window_s: must be >= 0, got {self.dedupe_window_s}")


class RfidReader:
    def __init__(self, name: str, config: RfidConfig, rng: np.random.Generator) -> None:
        self.name = name
        self.config = config
        self.rng = rng
        self._uniform = UniformDraws(rng)
        self.quarantine = Quarantine()
        self._last_read: dict[str, float] = {}
        self.reads = 0

    def raw_reads(self, t_s: float, tags: list[str]) -> list[str]:
        """What the antenna reports for these tags: some missed, some twice."""
        read = [tag for tag in tags if self._uniform() < self.config.read_rate]
        twice = [tag for tag in read if self._uniform() < self.config.duplicate_prob]
        return read + twice

    def scan(self, t_s: float, tags: list[str]) -> list[str]:
        """Distinct tags read at `t_s`; duplicate reads are quarantined."""
        accepted = []
        for tag in self.raw_reads(t_s, tags):
            last = self._last_read.get(tag)
            if last is not None and t_s - last <= self.config.dedupe_window_s:
                self.quarantine.hold(t_s, self.name, Reason.DUPLICATE, tag)
                continue
            self._last_read[tag] = t_s
            accepted.append(tag)
        self.reads += len(accepted)
        return accepted

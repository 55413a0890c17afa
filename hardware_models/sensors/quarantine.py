"""Quarantine of implausible sensor data: kept aside and counted, never fed on, never fatal."""

from __future__ import annotations

import enum
from collections import Counter
from dataclasses import dataclass, field


class Reason(enum.Enum):
    NEGATIVE = "negative"  # a count below zero
    OUT_OF_ORDER = "out_of_order"  # a reading older than one already accepted
    DUPLICATE = "duplicate"  # the same reading twice
    DROPOUT = "dropout"  # a gap longer than the sensor's heartbeat


@dataclass(frozen=True)
class QuarantinedReading:
    t: float
    sensor: str
    reason: Reason
    value: object


@dataclass
class Quarantine:
    """What a sensor refused to pass on, and why."""

    held: list[QuarantinedReading] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)

    def hold(self, t: float, sensor: str, reason: Reason, value: object) -> QuarantinedReading:
        reading = QuarantinedReading(t, sensor, reason, value)
        self.held.append(reading)
        self.counts[reason] += 1
        return reading


class OrderedFeed:
    """Accepts a sensor's readings in time order; quarantines what cannot be right."""

    def __init__(self, sensor: str, quarantine: Quarantine, heartbeat_s: float | None = None):
        self.sensor = sensor
        self.quarantine = quarantine
        self.heartbeat_s = heartbeat_s
        self.last_t: float | None = None

    def accept(self, t: float, value: float | int) -> bool:
        """True if the reading may be used; otherwise it is quarantined with its reason."""
        if value < 0:
            self.quarantine.hold(t, self.sensor, Reason.NEGATIVE, value)
            return False
        if self.last_t is not None and t < self.last_t:
            self.quarantine.hold(t, self.sensor, Reason.OUT_OF_ORDER, value)
            return False
        if (
            self.heartbeat_s is not None
            and self.last_t is not None
            and t - self.last_t > self.heartbeat_s
        ):
            # Accepted, but the silence before it is a dropout worth counting.
            self.quarantine.hold(self.last_t, self.sensor, Reason.DROPOUT, t - self.last_t)
        self.last_t = t
        return True

"""What devices report (observed_by "device") and what happens to them (the truth)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from sim.engine.events import Event


@dataclass(frozen=True, slots=True)
class DoorCounted(Event):
    store: str
    device: str
    count: int
    direction: str  # in | out
    observed_by: ClassVar[str] = "device"


@dataclass(frozen=True, slots=True)
class SensorReadingQuarantined(Event):
    store: str
    device: str
    reason: str
    observed_by: ClassVar[str] = "device"

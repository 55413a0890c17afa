"""Sensor adapters: readings in simulated time, measured values out as device events."""

from __future__ import annotations

import simpy

from hardware_models.sensors import BeaconReader, DoorCounter, RfidReader
from sim.devices.events import (
    DoorCounted,
    FittingRoomTagsRead,
    MemberRecognised,
    SensorReadingQuarantined,
)
from sim.engine.events import EventLog

SECONDS_PER_MINUTE = 60.0


class DoorSensor:
    """The store's door counter: passages in, `DoorCounted` events out."""

    def __init__(
        self, env: simpy.Environment, log: EventLog, store: str, counter: DoorCounter
    ) -> None:
        self.env = env
        self.log = log
        self.store = store
        self.counter = counter

    def passage(self, people: int, entering: bool) -> None:
        counted = self.counter.passage(self.env.now * SECONDS_PER_MINUTE, people, entering)
        self.log.append(
            DoorCounted(
                self.env.now, self.store, self.counter.name, counted, "in" if entering else "out"
            )
        )


class FittingRoomReader:
    """A fitting room's RFID reader: garments carried in, distinct tags read out."""

    def __init__(self, env: simpy.Environment, log: EventLog, store: str, reader: RfidReader):
        self.env = env
        self.log = log
        self.store = store
        self.reader = reader

    def garments_in(self, tags: list[str]) -> int:
        held_before = len(self.reader.quarantine.held)
        read = self.reader.scan(self.env.now * SECONDS_PER_MINUTE, tags)
        self.log.append(FittingRoomTagsRead(self.env.now, self.store, self.reader.name, len(read)))
        for reading in self.reader.quarantine.held[held_before:]:
            self.log.append(
                SensorReadingQuarantined(
                    self.env.now, self.store, self.reader.name, reading.reason.value
                )
            )
        return len(read)


class DoorBeacon:
    """The door's BLE beacon: an arrival in, `MemberRecognised` out when it reports one."""

    def __init__(self, env: simpy.Environment, log: EventLog, store: str, reader: BeaconReader):
        self.env = env
        self.log = log
        self.store = store
        self.reader = reader

    def arrival(self, visit: int, opted_in: bool, u: float) -> bool:
        """`u`: the shopper's own draw for the door, so recognitions stay paired across
        strategies however many other visits there are."""
        seen = self.reader.arrival(self.env.now * SECONDS_PER_MINUTE, opted_in, u)
        if seen:
            self.log.append(MemberRecognised(self.env.now, self.store, visit, self.reader.name))
        return seen

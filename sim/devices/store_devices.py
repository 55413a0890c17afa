"""The devices of each store, built from the hardware config, one random stream each."""

from __future__ import annotations

import dataclasses

import simpy

from hardware_models.sensors import DoorCounter, DoorCounterConfig
from sim.config.schema import HardwareConfig
from sim.devices.events import DoorCounted
from sim.engine.events import EventLog
from sim.engine.streams import Streams

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


class StoreDevices:
    """Builds every store's devices; each device draws from `device/<its name>`."""

    def __init__(
        self, env: simpy.Environment, config: HardwareConfig, streams: Streams, log: EventLog
    ) -> None:
        self.env = env
        self.config = config
        self.streams = streams
        self.log = log

    def door_sensor(self, store: str) -> DoorSensor:
        name = f"door-{store}"
        counter = DoorCounter(
            name,
            DoorCounterConfig(**dataclasses.asdict(self.config.door_counter)),
            self.streams.get(f"device/{name}"),
        )
        return DoorSensor(self.env, self.log, store, counter)

"""TEMPORARY scaffolding for a pipeline smoke test (not committed)."""

from dataclasses import dataclass

from sim.engine.events import Event


@dataclass(frozen=True, slots=True)
class DoorCounted(Event):
    store: str
    count: int
    observed_by = "device"


class _Door:
    def __init__(self, store, log):
        self.store, self.log = store, log

    def people_entered(self, t, n):
        self.log.append(DoorCounted(t, self.store, n))


class StoreDevices:
    def __init__(self, env, hardware, streams, log):
        self.log = log

    def door_counter(self, store):
        return _Door(store, self.log)

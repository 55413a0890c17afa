"""The devices of each store, built from the hardware config, one random stream each.

Also the fault injector: one plan of scheduled and random faults for the whole run, applied
to devices at their times; uplink outages take every till of the store offline.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Generator

import simpy

from hardware_models.faults import FaultOccurrence, RandomFaults, ScheduledFault, plan_faults
from hardware_models.pos import (
    MemoryStorage,
    OfflineJournal,
    OfflinePolicy,
    PosTerminal,
    SaleRecord,
)
from hardware_models.printer import PrinterSettings, ReceiptPrinter
from hardware_models.sensors import (
    BeaconConfig,
    BeaconReader,
    DoorCounter,
    DoorCounterConfig,
    RfidConfig,
    RfidReader,
)
from hardware_models.uplink import Uplink
from sim.config.fields import clock_minutes
from sim.config.hardware import HardwareConfig, device_names
from sim.devices.events import (
    DeviceStillDown,
    OfflineSalesForwarded,
    SalesStillJournaled,
    UplinkRestored,
    UplinkStillDown,
    UplinkWentDown,
)
from sim.devices.sensors import DoorBeacon, DoorSensor, FittingRoomReader
from sim.devices.till import Till
from sim.engine.calendar import MINUTES_PER_DAY
from sim.engine.events import EventLog
from sim.engine.streams import Streams

SECONDS_PER_MINUTE = 60.0


class StoreDevices:
    """Builds every store's devices; each device draws from `device/<its name>`."""

    def __init__(
        self,
        env: simpy.Environment,
        config: HardwareConfig,
        streams: Streams,
        log: EventLog,
        forward: Callable[[str, SaleRecord, bool], None],
        swap_rolls_at_near_end: bool = False,
    ) -> None:
        self.env = env
        self.forward = forward  # head office's receiving end: (store, sale, flagged)
        self.swap_rolls_at_near_end = swap_rolls_at_near_end
        self.config = config
        self.streams = streams
        self.log = log
        self.tills: dict[str, Till] = {}  # by terminal and by printer name
        self.uplinks: dict[str, Uplink] = {}
        self._outages: dict[str, int] = {}  # overlapping outages in progress, per store
        self._down_since: dict[str, float] = {}  # when each store's uplink went down
        self._restored: dict[str, simpy.Event] = {}  # fires when a store's link is back
        policy = config.offline
        self._policy = OfflinePolicy(policy.cap_cents, policy.max_sales, policy.max_age_h * 3600)
        printer = config.printer
        self._printer_settings = PrinterSettings(
            speed_mm_s=printer.speed_mm_s,
            roll_length_mm=printer.roll_length_m * 1000,
            near_end_mm=printer.near_end_m * 1000,
            jam_rate_per_m=printer.jam_rate_per_km / 1000,
        )

    def door_sensor(self, store: str) -> DoorSensor:
        name = f"door-{store}"
        counter = DoorCounter(
            name,
            DoorCounterConfig(**dataclasses.asdict(self.config.door_counter)),
            self.streams.get(f"device/{name}"),
        )
        return DoorSensor(self.env, self.log, store, counter)

    def door_beacon(self, store: str) -> DoorBeacon | None:
        """The door's beacon, if beacons are installed."""
        beacons = self.config.beacons
        if not beacons.installed:
            return None
        name = f"beacon-{store}"
        config = BeaconConfig(beacons.detection_prob, beacons.false_match_prob)
        reader = BeaconReader(name, config, self.streams.get(f"device/{name}"))
        return DoorBeacon(self.env, self.log, store, reader)

    def fitting_room_reader(self, store: str, room: str) -> FittingRoomReader | None:
        """The RFID reader of a fitting room, if readers are installed."""
        rfid = self.config.rfid
        if not rfid.installed:
            return None
        name = f"rfid-{store}-{room}"
        reader = RfidReader(
            name,
            RfidConfig(read_rate=rfid.read_rate, duplicate_prob=rfid.duplicate_prob),
            self.streams.get(f"device/{name}"),
        )
        return FittingRoomReader(self.env, self.log, store, reader)

    def till(self, store: str, lane: str) -> Till:
        """The terminal and printer of a lane, online if the store's uplink is up."""
        uplink = self.uplinks.setdefault(store, Uplink(f"uplink-{store}"))
        terminal_name, printer_name = f"terminal-{store}-{lane}", f"printer-{store}-{lane}"
        storage = MemoryStorage()
        terminal = PosTerminal(
            terminal_name,
            OfflineJournal(storage),
            functools.partial(self.forward, store),
            self._policy,
            online=uplink.up,
        )
        printer = ReceiptPrinter(
            self._printer_settings, self.streams.get(f"device/{printer_name}"), printer_name
        )
        till = Till(
            self.env,
            self.log,
            store,
            lane,
            terminal,
            storage,
            printer,
            self.config.printer.fix_min,
            swap_at_near_end=self.swap_rolls_at_near_end,
        )
        self.tills[terminal_name] = self.tills[printer_name] = till
        return till

    # --- faults -------------------------------------------------------------------------------
    def start_faults(self, stores: list[str], lanes: int, days: int) -> list[FaultOccurrence]:
        """Plan every fault of the run and start applying them; returns the plan."""
        faults = self.config.faults
        scheduled = [
            ScheduledFault(
                f.device,
                ((f.day - 1) * MINUTES_PER_DAY + clock_minutes(f.at)) * SECONDS_PER_MINUTE,
                f.kind,
                f.minutes * SECONDS_PER_MINUTE,
            )
            for f in faults.scheduled
        ]
        random = [
            RandomFaults(r.device_type, r.kind, r.mtbf_hours, r.mttr_min) for r in faults.random
        ]
        plan = plan_faults(
            device_names(stores, lanes),
            scheduled,
            random,
            days * MINUTES_PER_DAY * SECONDS_PER_MINUTE,
            lambda name: self.streams.get(f"fault/{name}"),
        )
        for fault in plan:
            self.env.process(self._apply(fault))
        return plan

    def _apply(self, fault: FaultOccurrence) -> Generator[simpy.Event, object, None]:
        yield self.env.timeout(fault.at_s / SECONDS_PER_MINUTE - self.env.now)
        duration_min = fault.duration_s / SECONDS_PER_MINUTE
        if fault.kind == "outage":
            yield from self._outage(fault.device.removeprefix("uplink-"), duration_min)
            return
        till = self.tills[fault.device]
        if fault.kind == "crash":
            till.crash()
            yield self.env.timeout(duration_min)
            till.restart()
        else:
            {
                "paper_empty": till.printer.run_out_of_paper,
                "cover_open": till.printer.open_cover,
                "jam": till.printer.jam,
            }[fault.kind]()

    def _outage(self, store: str, minutes: float) -> Generator[simpy.Event, object, None]:
        uplink = self.uplinks[store]
        self._outages[store] = self._outages.get(store, 0) + 1
        if uplink.go_down(self.env.now * SECONDS_PER_MINUTE):
            self._down_since[store] = self.env.now
            self.log.append(UplinkWentDown(self.env.now, store))
            for till in self._store_tills(store):
                till.terminal.link_down()
        yield self.env.timeout(minutes)
        self._outages[store] -= 1
        if self._outages[store] > 0:
            return
        before = uplink.downtime_s
        uplink.restore(self.env.now * SECONDS_PER_MINUTE)
        del self._down_since[store]
        self.log.append(
            UplinkRestored(self.env.now, store, (uplink.downtime_s - before) / SECONDS_PER_MINUTE)
        )
        waiting = self._restored.pop(store, None)
        if waiting is not None:
            waiting.succeed()
        for till in self._store_tills(store):
            report = till.terminal.link_restored(self.env.now * SECONDS_PER_MINUTE)
            if report.forwarded:
                self.log.append(
                    OfflineSalesForwarded(
                        self.env.now,
                        store,
                        till.terminal.name,
                        len(report.forwarded),
                        len(report.flagged),
                    )
                )

    def uplink_available(self, store: str) -> simpy.Event:
        """An event that fires when the store's uplink is up (at once if it is): what waits
        for the link, such as push delivery, yields it."""
        uplink = self.uplinks.setdefault(store, Uplink(f"uplink-{store}"))
        if uplink.up:
            event = self.env.event()
            event.succeed()
            return event
        return self._restored.setdefault(store, self.env.event())

    def report_run_end(self) -> None:
        """What is still wrong as the run ends, as events: uplinks and till devices still down
        (their downtime so far) and sales still held in offline journals."""
        now = self.env.now
        for store, since in sorted(self._down_since.items()):
            self.log.append(UplinkStillDown(now, store, now - since))
        for till in {id(t): t for t in self.tills.values()}.values():
            if till.printer_down_since is not None:
                minutes = now - till.printer_down_since
                self.log.append(DeviceStillDown(now, till.store, till.printer.name, minutes))
            if till.crashed_at is not None:
                minutes = now - till.crashed_at
                self.log.append(DeviceStillDown(now, till.store, till.terminal.name, minutes))
            held = len(till.terminal.journal.pending)
            if held:
                self.log.append(SalesStillJournaled(now, till.store, till.terminal.name, held))

    def _store_tills(self, store: str) -> list[Till]:
        unique = {id(t): t for t in self.tills.values() if t.store == store}
        return list(unique.values())

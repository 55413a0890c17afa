"""Schemas of the `hardware` config group: door counters, tills, printers, faults."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator
from pydantic.dataclasses import dataclass

from sim.config.fields import (
    STRICT,
    Clock,
    Finite,
    NonNegative,
    Positive,
    PositiveInt,
    Probability,
)

PaymentMethod = Literal["cash", "card", "qr"]
PrinterFault = Literal["paper_empty", "cover_open", "jam"]


@dataclass(config=STRICT)
class DoorCounterConfig:
    side_by_side_prob: Probability  # chance that a party of two or more enters abreast
    miss_prob_side_by_side: Probability  # chance that each extra person abreast is missed
    drift_per_day: Finite  # multiplicative drift of the count per day (0.01 = +1 %/day)


@dataclass(config=STRICT)
class RfidConfig:
    installed: bool  # readers in the fitting rooms
    read_rate: Probability
    duplicate_prob: Probability


@dataclass(config=STRICT)
class BeaconsConfig:
    """BLE beacons at the door: a member who opted in through the brand's app is recognised,
    and a free guide comes to greet her."""

    installed: bool = False
    detection_prob: Probability = 0.8
    false_match_prob: Probability = 0.002
    opt_in_min_adoption: Probability = 0.5  # members this digital or more use the app's opt-in


@dataclass(config=STRICT)
class PosTimings:
    """Payment at the till by method: a mean and a cv (1: exponential). Scanning time
    depends on what is sold, so it belongs to the store format (`store.scan_s_per_item`)."""

    payment_mix: dict[PaymentMethod, Probability]
    payment_mean_s: dict[PaymentMethod, Positive]
    payment_cv: NonNegative = 1.0

    @model_validator(mode="after")
    def _mix_sums_to_one(self) -> PosTimings:
        if abs(sum(self.payment_mix.values()) - 1.0) > 1e-6:
            raise ValueError(f"payment_mix must sum to 1, got {sum(self.payment_mix.values())}")
        if set(self.payment_mix) - set(self.payment_mean_s):
            raise ValueError("payment_mean_s needs a time for every method in payment_mix")
        return self


@dataclass(config=STRICT)
class OfflineSellingConfig:
    cap_cents: PositiveInt  # largest sale a till accepts while the uplink is down
    max_sales: PositiveInt  # unforwarded sales a till may hold
    max_age_h: Positive  # older than this when forwarded: flagged for review


@dataclass(config=STRICT)
class PrinterConfig:
    speed_mm_s: Positive
    roll_length_m: Positive
    near_end_m: NonNegative
    jam_rate_per_km: NonNegative  # random jams per kilometre of paper
    fix_min: dict[PrinterFault, Positive]  # staff time to fix each fault, away from the floor

    @model_validator(mode="after")
    def _consistent(self) -> PrinterConfig:
        if self.near_end_m >= self.roll_length_m:
            raise ValueError("near_end_m must be shorter than roll_length_m")
        missing = {"paper_empty", "cover_open", "jam"} - set(self.fix_min)
        if missing:
            raise ValueError(f"fix_min needs a time for every printer fault, missing {missing}")
        return self


@dataclass(config=STRICT)
class ScheduledFaultConfig:
    """`at 12:00 on day 2, printer-S001-L1 runs out of paper` (days count from 1)."""

    day: PositiveInt
    at: Clock
    device: str  # printer-<store>-<lane>, terminal-<store>-<lane> or uplink-<store>
    kind: Literal["paper_empty", "cover_open", "jam", "crash", "outage"]
    minutes: NonNegative = 0.0  # how long an outage or a terminal crash lasts


@dataclass(config=STRICT)
class RandomFaultConfig:
    device_type: Literal["printer", "terminal", "uplink"]
    kind: Literal["paper_empty", "cover_open", "jam", "crash", "outage"]
    mtbf_hours: Positive
    mttr_min: Positive


@dataclass(config=STRICT)
class FaultsConfig:
    scheduled: list[ScheduledFaultConfig]
    random: list[RandomFaultConfig]


@dataclass(config=STRICT)
class HardwareConfig:
    name: str
    door_counter: DoorCounterConfig
    rfid: RfidConfig
    pos: PosTimings
    offline: OfflineSellingConfig
    printer: PrinterConfig
    faults: FaultsConfig
    beacons: BeaconsConfig = Field(default_factory=BeaconsConfig)


def device_names(stores: list[str], lanes: int) -> dict[str, str]:
    """Every fault-capable device of the chain, name -> type; faults in config use these names."""
    names = {}
    for store in stores:
        names[f"uplink-{store}"] = "uplink"
        for lane in range(1, lanes + 1):
            names[f"terminal-{store}-L{lane}"] = "terminal"
            names[f"printer-{store}-L{lane}"] = "printer"
    return names

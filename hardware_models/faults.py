"""Fault plans: scheduled faults and random ones (time between failures, time to repair).

A plan is a time-ordered list of occurrences over a horizon, drawn per device from that
device's own random stream, so adding a device changes no other device's faults. What a
fault does is the device's business; this module only says which, when and for how long.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

# What can go wrong, by device type.
KINDS = {
    "printer": ("paper_empty", "cover_open", "jam"),
    "terminal": ("crash",),
    "uplink": ("outage",),
}


@dataclass(frozen=True)
class ScheduledFault:
    device: str  # a device name, e.g. "printer-S001-L1" or "uplink-S001"
    at_s: float
    kind: str
    duration_s: float = 0.0  # outages and crashes last this long; printer faults wait for staff


@dataclass(frozen=True)
class RandomFaults:
    device_type: str
    kind: str
    mtbf_h: float  # mean time between failures, in hours of calendar time
    mttr_min: float  # mean time to repair (outages, crashes)


@dataclass(frozen=True, order=True)
class FaultOccurrence:
    at_s: float
    device: str
    kind: str
    duration_s: float


def plan_faults(
    devices: Mapping[str, str],
    scheduled: Sequence[ScheduledFault],
    random: Sequence[RandomFaults],
    horizon_s: float,
    rng_for: Callable[[str], np.random.Generator],
) -> list[FaultOccurrence]:
    """Every fault within [0, horizon_s) for `devices` (name -> type), in time order."""
    plan = []
    for fault in scheduled:
        kind_ok = fault.device in devices and fault.kind in KINDS[devices[fault.device]]
        if not kind_ok:
            raise ValueError(_explain(fault, devices))
        if fault.at_s < horizon_s:
            plan.append(FaultOccurrence(fault.at_s, fault.device, fault.kind, fault.duration_s))
    for spec in random:
        if spec.kind not in KINDS.get(spec.device_type, ()):
            raise ValueError(
                f"random fault {spec.kind!r}: not a fault of device type {spec.device_type!r};"
                f" known: {KINDS}"
            )
        for name, device_type in devices.items():
            if device_type == spec.device_type:
                plan += _renewals(name, spec, horizon_s, rng_for(f"{name}/{spec.kind}"))
    return sorted(plan)


def _renewals(
    device: str, spec: RandomFaults, horizon_s: float, rng: np.random.Generator
) -> list[FaultOccurrence]:
    """Alternating up and repair times: exponential with the configured means."""
    out, t = [], 0.0
    while True:
        t += float(rng.exponential(spec.mtbf_h * 3600.0))
        if t >= horizon_s:
            return out
        repair = float(rng.exponential(spec.mttr_min * 60.0))
        out.append(FaultOccurrence(t, device, spec.kind, repair))
        t += repair


def _explain(fault: ScheduledFault, devices: Mapping[str, str]) -> str:
    if fault.device not in devices:
        sample = ", ".join(sorted(devices)[:6])
        return f"scheduled fault: no device named {fault.device!r} (devices: {sample}, ...)"
    kinds = KINDS[devices[fault.device]]
    return f"scheduled fault on {fault.device}: kind {fault.kind!r} is not one of {kinds}"

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


@dataclass(frozen=True, slots=True)
class SaleRefused(Event):
    """The till could not take the sale (offline cap, journal full): a lost sale."""

    store: str
    visit: int
    lane: str
    reason: str


@dataclass(frozen=True, slots=True)
class SaleJournaledOffline(Event):
    store: str
    visit: int
    lane: str
    key: str
    amount_cents: int
    observed_by: ClassVar[str] = "device"


@dataclass(frozen=True, slots=True)
class OfflineSalesForwarded(Event):
    store: str
    terminal: str
    count: int
    flagged: int  # forwarded too late: for review by finance
    observed_by: ClassVar[str] = "device"


@dataclass(frozen=True, slots=True)
class UplinkWentDown(Event):
    store: str


@dataclass(frozen=True, slots=True)
class UplinkRestored(Event):
    store: str
    minutes_down: float


@dataclass(frozen=True, slots=True)
class DeviceStatusChanged(Event):
    """A device reported a status change (UnifiedPOS name: cover open, paper near end, ...)."""

    store: str
    device: str
    status: str
    observed_by: ClassVar[str] = "device"


@dataclass(frozen=True, slots=True)
class DeviceFixed(Event):
    """A staff member fixed a device, away from other work for `minutes`."""

    store: str
    device: str
    fault: str
    staff: str
    minutes: float


@dataclass(frozen=True, slots=True)
class ReceiptsReprinted(Event):
    store: str
    device: str
    count: int
    observed_by: ClassVar[str] = "device"


@dataclass(frozen=True, slots=True)
class TerminalCrashed(Event):
    store: str
    terminal: str


@dataclass(frozen=True, slots=True)
class TerminalRestarted(Event):
    store: str
    terminal: str
    forwarded: int


@dataclass(frozen=True, slots=True)
class FittingRoomTagsRead(Event):
    """Distinct garment tags the fitting room's RFID reader passed on."""

    store: str
    device: str
    count: int
    observed_by: ClassVar[str] = "device"


@dataclass(frozen=True, slots=True)
class ReceiptPrinted(Event):
    """A receipt came out whole the first time (reprints are `ReceiptsReprinted`)."""

    store: str
    device: str
    observed_by: ClassVar[str] = "device"


@dataclass(frozen=True, slots=True)
class DeviceRecovered(Event):
    """A till device works again after `minutes` out of service (printer fault to fix,
    terminal crash to restart); uplink outages are `UplinkRestored`."""

    store: str
    device: str
    minutes: float


@dataclass(frozen=True, slots=True)
class DeviceStillDown(Event):
    """At the end of the run, a till device still out of service (a printer fault not yet
    fixed, a terminal not yet restarted) for `minutes` so far."""

    store: str
    device: str
    minutes: float


@dataclass(frozen=True, slots=True)
class UplinkStillDown(Event):
    """At the end of the run, the store's uplink is still down, for `minutes_down` so far."""

    store: str
    minutes_down: float


@dataclass(frozen=True, slots=True)
class SalesStillJournaled(Event):
    """At the end of the run, sales a till holds in its offline journal, not yet forwarded."""

    store: str
    terminal: str
    count: int
    observed_by: ClassVar[str] = "device"


@dataclass(frozen=True, slots=True)
class MemberRecognised(Event):
    """The door beacon reported an opted-in member arriving (or mistook someone for one)."""

    store: str
    visit: int
    device: str
    observed_by: ClassVar[str] = "device"

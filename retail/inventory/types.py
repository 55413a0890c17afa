"""Inventory vocabulary: locations, sales channels, stock positions, reservations."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

from retail import checks
from retail.errors import InvalidInput


class LocationKind(enum.IntEnum):
    DIRECT_STORE = 0
    FRANCHISE_STORE = 1
    WAREHOUSE = 2  # e-commerce DC

    @property
    def is_store(self) -> bool:
        return self is not LocationKind.WAREHOUSE


class SalesChannel(enum.IntEnum):
    """Who may sell a location's stock: its own tills, online orders, other stores."""

    STORE = 0
    ONLINE = 1
    TRANSFER = 2


# What share of its stock a location exposes to each channel unless configured otherwise.
# A franchise store shares nothing beyond its own tills until its owner decides.
DEFAULT_SHARES = {
    LocationKind.DIRECT_STORE: {SalesChannel.STORE: 1.0, SalesChannel.ONLINE: 1.0,
                                SalesChannel.TRANSFER: 1.0},
    LocationKind.FRANCHISE_STORE: {SalesChannel.STORE: 1.0, SalesChannel.ONLINE: 0.0,
                                   SalesChannel.TRANSFER: 0.0},
    LocationKind.WAREHOUSE: {SalesChannel.STORE: 0.0, SalesChannel.ONLINE: 1.0,
                             SalesChannel.TRANSFER: 1.0},
}  # fmt: skip


@dataclass(frozen=True)
class Location:
    """A place that holds stock. `priority`: lower ships first under the priority strategy;
    `handling_cents`: cost of picking and packing one unit there."""

    id: str
    kind: LocationKind
    lat: float
    lon: float
    priority: int = 100
    handling_cents: int = 0
    shares: Mapping[SalesChannel, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        where = f"location {checks.key(self.id, 'location.id')!r}"
        checks.option(self.kind, LocationKind, f"{where}.kind")
        checks.lat_lon(self.lat, self.lon, f"{where}.lat/lon")
        checks.integer(self.priority, f"{where}.priority", -(2**31), 2**31 - 1, "a rank")
        checks.cents(self.handling_cents, f"{where}.handling_cents")
        for channel, share in self.shares.items():
            checks.option(channel, SalesChannel, f"{where}.shares")
            if isinstance(share, bool) or not isinstance(share, int | float) or not 0 <= share <= 1:
                raise InvalidInput(f"{where}.shares.{SalesChannel(channel).name}",
                                   f"must be within [0, 1], got {share}")  # fmt: skip

    def share(self, channel: SalesChannel) -> float:
        return self.shares.get(channel, DEFAULT_SHARES[self.kind][channel])


class StockPosition(NamedTuple):
    """One SKU at one location. `available` is on hand minus reserved, for any channel."""

    on_hand: int
    reserved: int
    available: int
    in_transit: int


class Line(NamedTuple):
    """Quantity of one SKU at one location, as reserved."""

    sku: str
    location: str
    quantity: int


class HoldState(enum.Enum):
    HELD = "held"
    COMMITTED = "committed"
    RELEASED = "released"
    EXPIRED = "expired"


@dataclass(frozen=True, slots=True)
class Reservation:
    """Stock set aside under an idempotency key, all lines or none; a snapshot."""

    key: str
    lines: tuple[Line, ...]
    channel: SalesChannel
    created: dt.datetime
    expires: dt.datetime | None
    state: HoldState = HoldState.HELD
    closed: dt.datetime | None = None

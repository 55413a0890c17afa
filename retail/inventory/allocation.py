"""Online orders and their allocation to ship-from locations, explained."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from retail.errors import InvalidInput
from retail.inventory.geo import great_circle_km
from retail.inventory.reservations import quantity_of
from retail.inventory.sourcing import SourcingRules, choose
from retail.inventory.stock import BASIS, StockPool
from retail.inventory.types import LocationKind, SalesChannel


@dataclass(frozen=True)
class OrderLine:
    sku: str
    quantity: int
    unit_price_cents: int


@dataclass(frozen=True)
class Order:
    """An online order. With `pickup_store` it is bought online and picked up there."""

    key: str
    lines: tuple[OrderLine, ...]
    lat: float
    lon: float
    pickup_store: str | None = None


@dataclass(frozen=True)
class Candidate:
    """One location the decision looked at, with what it could ship."""

    location: str
    distance_km: float
    units_available: int  # of the units the order needs
    covers_order: bool
    order_cost_cents: int  # if it shipped the whole order alone


@dataclass(frozen=True)
class Shipment:
    location: str
    lines: tuple[tuple[str, int], ...]  # (sku, quantity)
    reservation: str  # key of the reservation holding its units
    distance_km: float


@dataclass(frozen=True)
class Allocation:
    order: Order
    strategy: str  # a Strategy value, or "pickup"
    shipments: tuple[Shipment, ...]
    backordered: tuple[tuple[str, int], ...]  # (sku, quantity) nobody could serve
    considered: tuple[Candidate, ...]
    skipped: int  # eligible locations without any of the order's SKUs available
    reason: str

    @property
    def fulfilled(self) -> bool:
        return not self.backordered

    @property
    def parcels(self) -> int:
        return len(self.shipments)


@dataclass(frozen=True)
class Decision:
    columns: np.ndarray  # candidate locations (pool columns)
    take: np.ndarray  # units each candidate ships, per line of the order
    strategy: str
    reason: str
    considered: list[Candidate]
    skipped: int


def checked(order: Order) -> Order:
    """The order, or an InvalidInput naming the offending field."""
    if not order.lines:
        raise InvalidInput(f"order {order.key!r}.lines", "an order needs at least one line")
    seen: set[str] = set()
    for i, line in enumerate(order.lines):
        quantity_of(line.quantity, f"order {order.key!r}.lines[{i}].quantity")
        if line.sku in seen:
            raise InvalidInput(
                f"order {order.key!r}.lines[{i}].sku", f"{line.sku!r} repeated: merge the lines"
            )
        seen.add(line.sku)
        if line.unit_price_cents < 0:
            raise InvalidInput(f"order {order.key!r}.lines[{i}].unit_price_cents", "must be >= 0")
    if not -90 <= order.lat <= 90 or not -180 <= order.lon <= 180:
        raise InvalidInput(f"order {order.key!r}.lat/lon", f"{order.lat}, {order.lon}")
    return order


class Allocator:
    """Builds each order's candidate arrays from the stock pool and decides with `choose`."""

    def __init__(self, pool: StockPool, rules: SourcingRules) -> None:
        self.pool = pool
        self.rules = rules
        locations = pool.locations
        self.lat = np.array([loc.lat for loc in locations])
        self.lon = np.array([loc.lon for loc in locations])
        self.priority = np.array([loc.priority for loc in locations], np.int64)
        self.handling = np.array([loc.handling_cents for loc in locations], np.int64)
        self.is_store = np.array([loc.kind.is_store for loc in locations])
        online = pool.share_bp[SalesChannel.ONLINE] > 0
        if not rules.ship_from_store:
            online &= np.array([loc.kind is LocationKind.WAREHOUSE for loc in locations])
        self.delivery_columns = np.flatnonzero(online)

    def decide(self, order: Order) -> Decision:
        """Where the order's units come from; changes nothing."""
        pool = self.pool
        rows = np.array([pool.sku_row(line.sku) for line in order.lines])
        need = np.array([line.quantity for line in order.lines], np.int64)
        if order.pickup_store is not None:
            columns = np.array([pool.location_column(order.pickup_store)])
        else:
            columns = self.delivery_columns
        distance = great_circle_km(order.lat, order.lon, self.lat[columns], self.lon[columns])
        if self.rules.max_distance_km is not None and order.pickup_store is None:
            near = distance <= self.rules.max_distance_km
            columns, distance = columns[near], distance[near]
        available = pool.available_matrix(rows, columns, SalesChannel.ONLINE).T
        stocked = available.any(axis=1) | (order.pickup_store is not None)
        skipped = int((~stocked).sum())
        columns, distance, available = columns[stocked], distance[stocked], available[stocked]
        prices = np.array([line.unit_price_cents for line in order.lines], np.int64)
        share = np.where(self.is_store[columns], self.rules.store_share_bp, 0)
        unit_cost = self.handling[columns, None] + prices[None, :] * share[:, None] // BASIS
        parcel = self.rules.parcel_cents + np.rint(self.rules.parcel_cents_per_km * distance)
        parcel = parcel.astype(np.int64)
        names = [pool.locations[c].id for c in columns]
        if order.pickup_store is not None:
            take = np.minimum(available, need)
            strategy, reason = "pickup", f"pickup at {order.pickup_store}: only that store serves"
        else:
            choice = choose(self.rules.strategy, need, available, distance,
                            self.priority[columns], parcel, unit_cost, names)  # fmt: skip
            take, strategy, reason = choice.take, self.rules.strategy.value, choice.reason
        if not self.rules.allow_partial and (take.sum(axis=0) < need).any():
            take = np.zeros_like(take)
            reason += "; partial shipment not allowed: the whole order is backordered"
        order_cost = parcel + (unit_cost * need).sum(axis=1)
        covers = (available >= need).all(axis=1)
        gives = np.minimum(available, need).sum(axis=1)
        considered = [
            Candidate(names[i], round(float(distance[i]), 3), int(gives[i]), bool(covers[i]),
                      int(order_cost[i]))
            for i in range(len(columns))
        ]  # fmt: skip
        return Decision(columns, take, strategy, reason, considered, skipped)

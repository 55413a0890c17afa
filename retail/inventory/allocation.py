"""Online orders and their allocation to ship-from locations, explained."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from retail import checks
from retail.errors import InvalidInput
from retail.inventory.geo import Sites, great_circle_km
from retail.inventory.sourcing import SourcingRules, Strategy, choose
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


@dataclass(frozen=True, eq=False)
class Candidates:
    """Every location a decision looked at, kept as arrays; `rows()` makes the records."""

    names: np.ndarray  # location ids
    distance_km: np.ndarray
    units_available: np.ndarray  # of the units the order needs
    units_needed: int
    order_cost_cents: np.ndarray
    shown: np.ndarray  # which of them the explanation lists (those with any unit to give)

    def rows(self) -> tuple[Candidate, ...]:
        units = self.units_available
        return tuple(
            Candidate(str(self.names[i]), round(float(self.distance_km[i]), 3), int(units[i]),
                      bool(units[i] == self.units_needed), int(self.order_cost_cents[i]))
            for i in np.flatnonzero(self.shown)
        )  # fmt: skip

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Candidates) and self.rows() == other.rows()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Candidates({list(self.names[self.shown])})"


class Shipment(NamedTuple):  # tuples: built for every parcel of every order, cheaply
    location: str
    lines: tuple[tuple[str, int], ...]  # (sku, quantity)
    reservation: str  # key of the reservation holding its units
    distance_km: float


class Allocation(NamedTuple):
    order: Order
    strategy: str  # a Strategy value, or "pickup"
    shipments: tuple[Shipment, ...]
    backordered: tuple[tuple[str, int], ...]  # (sku, quantity) nobody could serve
    candidates: Candidates
    skipped: int  # eligible locations without any of the order's SKUs available
    reason: str

    @property
    def considered(self) -> tuple[Candidate, ...]:
        """Which locations were looked at and what each could have shipped."""
        return self.candidates.rows()

    @property
    def fulfilled(self) -> bool:
        return not self.backordered

    @property
    def parcels(self) -> int:
        return len(self.shipments)


class Decision(NamedTuple):
    rows: np.ndarray  # the order's SKUs (pool rows), line by line
    columns: np.ndarray  # candidate locations (pool columns)
    take: np.ndarray  # units each candidate ships, per line of the order
    strategy: str
    reason: str
    candidates: Candidates
    skipped: int


def checked(order: Order) -> Order:
    """The order, or an InvalidInput naming the offending field: a key, lines of distinct
    SKUs in whole units at whole-cent prices, an amount within MAX_CENTS, a place on earth."""
    if not isinstance(order, Order):
        raise InvalidInput("order", f"must be an Order, got {type(order).__name__}")
    where = f"order {checks.key(order.key, 'order.key')!r}"
    if not isinstance(order.lines, tuple | list) or not order.lines:
        raise InvalidInput(f"{where}.lines", "an order needs at least one line")
    seen: set[str] = set()
    amount = 0
    for i, line in enumerate(order.lines):
        if not isinstance(line, OrderLine):
            raise InvalidInput(f"{where}.lines[{i}]", f"must be an OrderLine, got {line!r}")
        sku = checks.key(line.sku, f"{where}.lines[{i}].sku")
        quantity = checks.quantity(line.quantity, f"{where}.lines[{i}].quantity")
        price = checks.cents(line.unit_price_cents, f"{where}.lines[{i}].unit_price_cents")
        if sku in seen:
            raise InvalidInput(f"{where}.lines[{i}].sku", f"{sku!r} repeated: merge the lines")
        seen.add(sku)
        amount += quantity * price
    checks.cents(amount, f"{where}.amount_cents")
    checks.lat_lon(order.lat, order.lon, f"{where}.lat/lon")
    checks.optional_key(order.pickup_store, f"{where}.pickup_store")
    return order


def kept(allocation: Allocation, decision: Decision) -> tuple:
    """The allocation as plain tuples of numbers and strings, and numeric arrays: a center
    keeps every allocation for replays, and such records cost the garbage collector nothing
    (it untracks them), where objects would be walked at every full collection."""
    order = allocation.order
    lines = tuple((line.sku, line.quantity, line.unit_price_cents) for line in order.lines)
    c = allocation.candidates
    arrays = (decision.columns, c.distance_km, c.units_available, c.units_needed,
              c.order_cost_cents, c.shown)  # fmt: skip
    shipments = tuple((s.location, s.lines, s.reservation, s.distance_km)
                      for s in allocation.shipments)  # fmt: skip
    return ((order.key, lines, order.lat, order.lon, order.pickup_store), allocation.strategy,
            shipments, allocation.backordered, arrays, allocation.skipped,
            allocation.reason)  # fmt: skip


def recalled(record: tuple, names: np.ndarray) -> Allocation:
    """The allocation `kept` made `record` of; `names`: location ids by pool column."""
    (key, lines, lat, lon, pickup), strategy, shipments, backordered, arrays, skipped, why = record
    order = Order(key, tuple(OrderLine(*line) for line in lines), lat, lon, pickup)
    columns, distance, units, needed, cost, shown = arrays
    candidates = Candidates(names[columns], distance, units, needed, cost, shown)
    return Allocation(order, strategy, tuple(Shipment(*s) for s in shipments), backordered,
                      candidates, skipped, why)  # fmt: skip


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
        self.names = np.array([loc.id for loc in locations], dtype=object)
        online = pool.share_bp[SalesChannel.ONLINE] > 0
        if not rules.ship_from_store:
            online &= np.array([loc.kind is LocationKind.WAREHOUSE for loc in locations])
        self.delivery_columns = np.flatnonzero(online)
        # pool column -> its place among the delivery candidates (-1: ships nothing online)
        self.delivery_candidate = np.full(len(locations), -1, np.int64)
        self.delivery_candidate[self.delivery_columns] = np.arange(len(self.delivery_columns))
        self.delivery_sites = Sites(
            self.lat[self.delivery_columns], self.lon[self.delivery_columns]
        )
        self.delivery_priority = self.priority[self.delivery_columns]
        self.delivery_names = self.names[self.delivery_columns]
        self.delivery_handling = self.handling[self.delivery_columns]
        self.delivery_is_store = self.is_store[self.delivery_columns]
        self.delivery_share = np.where(self.delivery_is_store, rules.store_share_bp, 0)
        self._delivery_stores = np.flatnonzero(self.delivery_is_store)
        self._delivery_others = np.flatnonzero(~self.delivery_is_store)
        stores = self.delivery_columns[self._delivery_stores]
        self._store_sites = Sites(self.lat[stores], self.lon[stores])
        # Where every delivery location shares all its stock online, what is available there
        # is simply on hand minus reserved (see StockPool.available_cells).
        shares = pool.share_bp[SalesChannel.ONLINE, self.delivery_columns]
        self.online_shares_all = bool((shares == BASIS).all())

    def considered(self, lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
        """Per order (its place in degrees): the delivery candidates it considers, in
        candidate order: every warehouse, and the `nearest_stores` stores nearest to her, or
        every store."""
        n, limit = len(lat), self.rules.nearest_stores
        stores, others = self._delivery_stores, self._delivery_others
        if limit is None or limit >= len(stores):
            return np.repeat(np.arange(len(self.delivery_columns))[None, :], n, axis=0)
        near = stores[self._store_sites.nearest(lat, lon, limit)]
        return np.sort(np.hstack([np.broadcast_to(others, (n, len(others))), near]), axis=1)

    def decide(self, order: Order) -> Decision:
        """Where the order's units come from; changes nothing."""
        pool, rules = self.pool, self.rules
        skus, quantities, prices = zip(*((line.sku, line.quantity, line.unit_price_cents)
                                         for line in order.lines), strict=True)  # fmt: skip
        rows = np.array([pool.sku_row(sku) for sku in skus])
        need = np.array(quantities, np.int64)
        if order.pickup_store is not None:
            columns = np.array([pool.location_column(order.pickup_store)])
            distance = great_circle_km(order.lat, order.lon, self.lat[columns], self.lon[columns])
            priority, names = self.priority[columns], self.names[columns]
            handling = self.handling[columns]
            share = np.where(self.is_store[columns], rules.store_share_bp, 0)
            available = pool.available_cells(rows[None, :], columns[:, None], SalesChannel.ONLINE)
        else:
            near = self.considered(np.array([order.lat]), np.array([order.lon]))
            distance = self.delivery_sites.km_to(order.lat, order.lon, near)[0]
            near = near[0]
            columns, priority, names = (self.delivery_columns[near], self.delivery_priority[near],
                                        self.delivery_names[near])  # fmt: skip
            handling, share = self.delivery_handling[near], self.delivery_share[near]
            if self.online_shares_all:
                cells = rows[None, :] * pool.q["on_hand"].shape[1] + columns[:, None]
                free = pool.q["on_hand"].ravel().take(cells) - pool.reserved_total.ravel().take(
                    cells
                )
                available = np.maximum(free, 0)
            else:
                available = pool.available_cells(
                    rows[None, :], columns[:, None], SalesChannel.ONLINE
                )
        eligible = None
        if rules.max_distance_km is not None and order.pickup_store is None:
            eligible = distance <= rules.max_distance_km
            available = available * eligible[:, None]
        # Cost of shipping the whole order from each candidate: parcel, handling per unit, and
        # the store's revenue share (rounded down per unit, as the ledger's rates are).
        store_cut = sum(
            q * (p * rules.store_share_bp // BASIS) for q, p in zip(quantities, prices, strict=True)
        )
        parcel = (rules.parcel_cents + np.rint(rules.parcel_cents_per_km * distance)).astype(
            np.int64
        )
        order_cost = parcel + handling * int(need.sum()) + (share > 0) * store_cut
        unit_cost = None
        if rules.strategy is Strategy.LOWEST_COST:  # the greedy split prices units one by one
            price = np.array(prices, np.int64)
            unit_cost = handling[:, None] + price[None, :] * share[:, None] // BASIS
        if order.pickup_store is not None:
            take = np.minimum(available, need)
            strategy, reason = "pickup", f"pickup at {order.pickup_store}: only that store serves"
        else:
            choice = choose(rules.strategy, need, available, distance, priority, parcel, unit_cost,
                            names, order_cost)  # fmt: skip
            take, strategy, reason = choice.take, rules.strategy.value, choice.reason
        if not rules.allow_partial and (take.sum(axis=0) < need).any():
            take = np.zeros_like(take)
            reason += "; partial shipment not allowed: the whole order is backordered"
        gives = np.minimum(available, need).sum(axis=1)
        shown = gives > 0 if order.pickup_store is None else np.ones(1, bool)
        skipped = int((~shown).sum() if eligible is None else (~shown & eligible).sum())
        candidates = Candidates(names, distance, gives, int(need.sum()), order_cost, shown)
        return Decision(rows, columns, take, strategy, reason, candidates, skipped)

"""Source selection for many online orders at once, with the same result as one by one.

Every order of a chunk is decided on the stock as it stands (arrays orders x candidates x
lines). Orders are then accepted in sequence for as long as the units taken by the orders
before them leave each one's choice unchanged (its best candidate still the first in rank
that covers the whole order; what it sees at every candidate, for its explanation, is what
those orders left); the first order whose choice would change, or that must be split over
several locations, is decided alone on the real stock, and the chunk continues after it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from retail import checks
from retail.errors import InvalidInput
from retail.inventory.allocation import (
    Allocation,
    Allocator,
    Candidates,
    Order,
    OrderLine,
    Shipment,
)
from retail.inventory.sourcing import Strategy, why_whole
from retail.inventory.stock import BASIS
from retail.inventory.types import SalesChannel


@dataclass(frozen=True)
class OrderBatch:
    """Online orders as columns: order i has the lines where `line_order == i` (sorted)."""

    keys: list[str]
    lat: np.ndarray
    lon: np.ndarray
    line_order: np.ndarray
    skus: list[str]
    quantity: np.ndarray
    unit_price_cents: np.ndarray
    pickup_store: list[str | None] | None = None

    @classmethod
    def from_orders(cls, orders: Sequence[Order]) -> OrderBatch:
        lines = [(i, line) for i, order in enumerate(orders) for line in order.lines]
        pickups = [order.pickup_store for order in orders]
        # Columns as given (no casts: `validate` refuses a 1.9 or "100" rather than reading 1).
        return cls(
            [order.key for order in orders],
            np.asarray([order.lat for order in orders]),
            np.asarray([order.lon for order in orders]),
            np.array([i for i, _ in lines], np.int64),
            [line.sku for _, line in lines],
            [line.quantity for _, line in lines],
            [line.unit_price_cents for _, line in lines],
            pickups if any(p is not None for p in pickups) else None,
        )

    def __len__(self) -> int:
        return len(self.keys)

    def bounds(self) -> np.ndarray:
        """Order i's lines are `bounds[i]:bounds[i + 1]`."""
        return self._bounds

    @cached_property
    def _bounds(self) -> np.ndarray:  # once: the batch is frozen
        return np.searchsorted(self.line_order, np.arange(len(self.keys) + 1))

    def order(self, i: int) -> Order:
        b = self.bounds()
        lines = tuple(OrderLine(self.skus[j], int(self.quantity[j]), int(self.unit_price_cents[j]))
                      for j in range(b[i], b[i + 1]))  # fmt: skip
        pickup = None if self.pickup_store is None else self.pickup_store[i]
        return Order(self.keys[i], lines, float(self.lat[i]), float(self.lon[i]), pickup)

    def validate(self) -> OrderBatch:
        """The batch with its columns checked as `allocation.checked` checks one order (keys,
        whole units, whole-cent prices, each order's amount within MAX_CENTS, places on
        earth) and held as int64 and float arrays; InvalidInput names the first bad order."""
        n = len(self.keys)
        keys = [checks.key(key, f"orders[{i}].key") for i, key in enumerate(self.keys)]
        if not (len(self.lat) == len(self.lon) == n):
            raise InvalidInput("orders.lat/lon", "one coordinate pair per order")
        sizes = {len(self.line_order), len(self.skus), len(self.quantity),
                 len(self.unit_price_cents)}  # fmt: skip
        if len(sizes) != 1:
            raise InvalidInput("orders.lines", "line columns differ in length")
        line_order = checks.integers(self.line_order, "orders.line_order", 0, max(n - 1, 0))
        if len(line_order) and np.any(np.diff(line_order) < 0):
            raise InvalidInput("orders.line_order", "lines must be grouped by order, in order")
        counts = np.bincount(line_order, minlength=n) if n else np.zeros(0, int)
        if len(counts) > n or (counts == 0).any():
            i = int(np.flatnonzero(counts == 0)[0]) if (counts == 0).any() else n
            raise InvalidInput(f"orders[{i}].lines", "an order needs at least one line")

        def line(name: str):
            return lambda j: f"orders[{line_order[j]}].lines.{name}"

        quantity = checks.quantities(self.quantity, "quantity", row=line("quantity"))
        price = checks.cents_array(self.unit_price_cents, "price", line("unit_price_cents"))
        line_cents = quantity * price  # each at most MAX_QUANTITY * MAX_CENTS: exact in int64
        over = line_cents > checks.MAX_CENTS
        if not over.any() and n:
            over = np.add.reduceat(line_cents, np.searchsorted(line_order, np.arange(n)))
            over = np.repeat(over > checks.MAX_CENTS, counts)
        if over.any():
            j = int(np.argmax(over))
            raise InvalidInput(f"orders[{line_order[j]}].amount_cents",
                               f"must be whole cents in [0, {checks.MAX_CENTS}]")  # fmt: skip
        lat, lon = np.asarray(self.lat), np.asarray(self.lon)
        if lat.dtype.kind not in "fiu" or lon.dtype.kind not in "fiu":  # text, None, bools
            for i in range(n):
                checks.lat_lon(self.lat[i], self.lon[i], f"orders[{i}].lat/lon")
        lat, lon = lat.astype(float), lon.astype(float)
        off_earth = (np.abs(lat) > 90) | (np.abs(lon) > 180) | np.isnan(lat + lon)
        if off_earth.any():
            i = int(np.flatnonzero(off_earth)[0])
            raise InvalidInput(f"orders[{i}].lat/lon", f"{lat[i]}, {lon[i]}")
        pickups = self.pickup_store
        if pickups is not None:
            if len(pickups) != n:
                raise InvalidInput("orders.pickup_store", "one entry (or None) per order")
            for i, store in enumerate(pickups):
                checks.optional_key(store, f"orders[{i}].pickup_store")
        return OrderBatch(keys, lat, lon, line_order, list(self.skus), quantity, price, pickups)


class AllocationBatch(Sequence[Allocation]):
    """The allocations of a batch, kept as arrays; indexing gives one Allocation, explained
    exactly as `InventoryCenter.allocate` would have explained it."""

    def __init__(self, orders: OrderBatch, allocator: Allocator) -> None:
        self.orders = orders
        self.strategy = Strategy(allocator.rules.strategy)
        self._names = [loc.id for loc in allocator.pool.locations]
        self._columns = allocator.delivery_columns
        self._candidate_names = allocator.delivery_names
        self._priority = allocator.delivery_priority
        self._allow_partial = allocator.rules.allow_partial
        self._single: dict[int, Allocation] = {}  # orders decided one by one
        self._chunks: list[tuple[int, dict[str, np.ndarray]]] = []  # (first order, arrays)
        self._chunk_of = np.full(len(orders), -1, np.int64)
        self._position: dict[str, int] | None = None

    def add_chunk(self, first: int, decided: dict[str, np.ndarray]) -> None:
        self._chunk_of[first : first + decided["accepted"]] = len(self._chunks)
        self._chunks.append((first, decided))

    def add_single(self, i: int, allocation: Allocation) -> None:
        self._single[i] = allocation

    def __len__(self) -> int:
        return len(self.orders)

    def find(self, key: str) -> Allocation:
        """The allocation of the order with this key (the first, if the batch repeats it)."""
        if self._position is None:
            self._position = {}
            for i, k in enumerate(self.orders.keys):
                self._position.setdefault(k, i)
        return self[self._position[key]]

    def __getitem__(self, i):  # type: ignore[override]
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        if i in self._single:
            return self._single[i]
        first, chunk = self._chunks[self._chunk_of[i]]
        row = i - first
        order = self.orders.order(i)
        best = int(chunk["best"][row])
        gives, distance, cost = chunk["gives"][row], chunk["distance"][row], chunk["cost"][row]
        need = sum(line.quantity for line in order.lines)
        lines = tuple((line.sku, line.quantity) for line in order.lines)
        names = self._candidate_names[chunk["cand"][row]]
        if order.pickup_store is not None:  # her store, the only candidate: all or nothing
            one = slice(0, 1)
            candidates = Candidates(names[one], distance[one], gives[one], need, cost[one],
                                    np.ones(1, bool))  # fmt: skip
            reason = f"pickup at {order.pickup_store}: only that store serves"
            if best < 0:
                if not self._allow_partial:
                    reason += "; partial shipment not allowed: the whole order is backordered"
                take = chunk["take"][row, : len(lines)].tolist()
                if not any(take):
                    return Allocation(order, "pickup", (), lines, candidates, 0, reason)
                part = tuple((sku, q) for (sku, _), q in zip(lines, take, strict=True) if q)
                short = tuple((sku, n - q) for (sku, n), q in zip(lines, take, strict=True)
                              if n > q)  # fmt: skip
                shipment = Shipment(names[0], part, f"{order.key}@{names[0]}",
                                    round(float(distance[0]), 3))  # fmt: skip
                return Allocation(order, "pickup", (shipment,), short, candidates, 0, reason)
            shipment = Shipment(names[0], lines, f"{order.key}@{names[0]}",
                                round(float(distance[0]), 3))  # fmt: skip
            return Allocation(order, "pickup", (shipment,), (), candidates, 0, reason)
        name = names[best]
        km = round(float(distance[best]), 3)
        shipment = Shipment(name, lines, f"{order.key}@{name}", km)
        candidates = Candidates(names, distance, gives, need, cost, gives > 0)
        skipped = int(((gives == 0) & np.isfinite(distance)).sum())
        reason = why_whole(self.strategy, name, int(chunk["count"][row]),
                           float(distance[best]), int(self._priority[chunk["column"][row]]),
                           int(cost[best]))  # fmt: skip
        return Allocation(order, self.strategy.value, (shipment,), (), candidates, skipped, reason)

    @property
    def location_names(self) -> list[str]:
        """Location ids by pool column."""
        return self._names

    def whole_parcels(self) -> np.ndarray:
        """Per order decided on arrays with one parcel of every line: that parcel's pool
        column; -1 for the rest (decided alone, or a pickup that waits: read `self[i]`)."""
        whole = np.full(len(self), -1, np.int64)
        for first, chunk in self._chunks:
            column = chunk["column"]
            whole[first : first + len(column)] = np.where(column >= 0, self._columns[column], -1)
        return whole

    @property
    def fulfilled(self) -> np.ndarray:
        """Per order: every unit found a location (whole-order choices always do)."""
        done = np.ones(len(self), bool)
        for i, allocation in self._single.items():
            done[i] = allocation.fulfilled
        for first, chunk in self._chunks:  # a pickup her store had none of waits
            done[first : first + chunk["accepted"]] = chunk["best"] >= 0
        return done


def decide_chunk(allocator: Allocator, orders: OrderBatch, rows: np.ndarray, bounds: np.ndarray,
                 items: np.ndarray, pickup_at: np.ndarray) -> dict[str, np.ndarray]:  # fmt: skip
    """Whole-order choices for orders `items` on the current stock (changes nothing). Each
    order has its own candidates (`cand`, delivery-candidate indices: those it considers,
    `Allocator.considered`); a pickup order (`pickup_at`: the candidate of her store, -1 for a
    delivery) has her store as its only candidate, near or far, in slot 0, and takes what it
    has of each line, up to the order (with `allow_partial`; else all or nothing). Returns
    per order: `best` slot (-1: none covers it) and its `column` (delivery candidate, -1);
    `source`, the candidate it takes from (-1: none), and `take`, the units per line slot;
    per order and slot: distance (inf where not eligible), gives (units it could ship), cost;
    `count`: how many cover it."""
    pool, rules = allocator.pool, allocator.rules
    columns = allocator.delivery_columns
    start, count = bounds[items], bounds[items + 1] - bounds[items]
    width = int(count.max())
    slot = np.arange(width)[None, :]
    line = start[:, None] + slot
    real = slot < count[:, None]
    line = np.where(real, line, start[:, None])
    need = np.where(real, orders.quantity[line], 0)
    price = np.where(real, orders.unit_price_cents[line], 0)
    r = rows[line]
    lat, lon = orders.lat[items], orders.lon[items]
    picks = pickup_at >= 0
    cand = allocator.considered(lat, lon)
    cand[picks] = pickup_at[picks, None]  # her store in every slot: only the first counts
    distance = allocator.delivery_sites.km_to(lat[:, None], lon[:, None], cand)
    off = np.zeros(distance.shape, bool)
    if rules.max_distance_km is not None:
        off = distance > rules.max_distance_km
    off[picks] = np.arange(cand.shape[1])[None, :] != 0
    distance = np.where(off, np.inf, distance)
    eligible = np.isfinite(distance)
    # orders x lines x slots, gathered from one small matrix of the chunk's SKUs
    skus, inverse = np.unique(r, return_inverse=True)
    inverse = inverse.reshape(r.shape)
    matrix = pool.available_matrix(skus, columns, SalesChannel.ONLINE)
    available = matrix[inverse[:, :, None], cand[:, None, :]]
    wanted = (need > 0)[:, :, None] & eligible[:, None, :]
    available = np.where(wanted, available, 0)
    # Per unit: handling, plus the store's share of the price (rounded down per unit).
    share_per_unit = (need * (price * rules.store_share_bp // BASIS)).sum(axis=1)
    parcel = rules.parcel_cents + np.rint(
        rules.parcel_cents_per_km * np.where(eligible, distance, 0)
    )
    cost = (parcel.astype(np.int64) + need.sum(axis=1)[:, None] * allocator.delivery_handling[cand]
            + share_per_unit[:, None] * allocator.delivery_is_store[cand])  # fmt: skip
    need3 = need[:, :, None]
    covers = (available >= need3).all(axis=1) & eligible
    gives = np.minimum(available, need3).sum(axis=1)
    priority = allocator.delivery_priority[cand]
    keys = {
        Strategy.PRIORITY: (cand, distance, priority),
        Strategy.LOWEST_COST: (cand, distance, cost),
    }.get(rules.strategy, (cand, priority, distance))
    rank = np.lexsort(keys, axis=-1)
    best = _first_covering(covers, rank)
    column = np.where(best >= 0, np.take_along_axis(cand, np.maximum(best, 0)[:, None], 1)[:, 0],
                      -1)  # fmt: skip
    # Where each order takes its units from, for the orders after it. With allow_partial a
    # pickup takes min(what is left, what it asks) of each line at her store: counted as
    # taking all it asks, what is left after it is max(left - asked, 0), exactly, since the
    # deliveries accepted before it never ask for more than is left.
    partial = rules.allow_partial
    source = np.where(picks, pickup_at, column) if partial else column
    shipping = (need > 0) & (source >= 0)[:, None]
    cell = inverse[shipping] * len(columns) + np.broadcast_to(source[:, None], r.shape)[shipping]
    chunk_takes = np.bincount(cell, weights=need[shipping], minlength=len(skus) * len(columns))
    chunk_takes = chunk_takes.reshape(len(skus), len(columns)).astype(np.int64)
    after_all = available - chunk_takes[inverse[:, :, None], cand[:, None, :]]
    if (np.minimum(after_all, need3) == np.minimum(available, need3))[wanted].all():
        # Even after every order of the chunk took its units, each still sees what it saw:
        # no choice and no explanation can change.
        seen, seen_gives, seen_covers, changed = available, gives, covers, best < 0
    else:  # exactly what the earlier orders, were they accepted, take from each order's cells
        taken = _taken_before(inverse, need, source, cand, len(columns))
        seen = np.where(wanted, np.maximum(available - taken, 0), 0)
        seen_gives = np.minimum(seen, need3).sum(axis=1)
        seen_covers = (seen >= need3).all(axis=1) & eligible
        # What the earlier orders took changes this one's explanation (seen_*, exact), and
        # its choice only where its best candidate is no longer the first that covers it.
        changed = (best < 0) | (_first_covering(seen_covers, rank) != best)
    if partial:  # a pickup is decided by what it sees: all, part or none of it
        changed &= ~picks
        best = np.where(picks, np.where(seen_covers[:, 0], 0, -1), best)
        column = np.where(picks, np.where(best >= 0, pickup_at, -1), column)
        take = np.where(picks[:, None], np.minimum(seen[:, :, 0], need), 0)
    else:  # a pickup her store cannot cover waits, holding nothing; one the stock covered
        # before the earlier orders took it is decided alone
        changed &= ~(picks & (best < 0))
        take = np.zeros_like(need)
    take = np.where((best >= 0)[:, None], need, take)
    accepted = int(changed.argmax()) if changed.any() else len(items)
    return {"accepted": accepted, "best": best[:accepted], "column": column[:accepted],
            "source": source[:accepted], "take": take[:accepted],
            "cand": cand[:accepted], "distance": distance[:accepted],
            "gives": seen_gives[:accepted], "cost": cost[:accepted],
            "count": seen_covers[:accepted].sum(axis=1)}  # fmt: skip


def _first_covering(covers: np.ndarray, rank: np.ndarray) -> np.ndarray:
    """Per order: the first candidate in rank order that covers it, or -1."""
    covering = np.take_along_axis(covers, rank, axis=1)
    first = np.take_along_axis(rank, covering.argmax(axis=1)[:, None], axis=1)[:, 0]
    return np.where(covering.any(axis=1), first, -1)


def _taken_before(inverse: np.ndarray, need: np.ndarray, column: np.ndarray, cand: np.ndarray,
                  candidates: int) -> np.ndarray:  # fmt: skip
    """orders x lines x slots: units of the line's SKU (`inverse`: the chunk's SKU index)
    that earlier orders, each taking its whole order from its `column`, take at each of this
    order's candidates (`cand`)."""
    n = len(need)
    order, slot = np.nonzero((need > 0) & (column >= 0)[:, None])
    if not len(order):
        return np.zeros((*need.shape, cand.shape[1]), np.int64)
    # Every take keyed by its cell (SKU, candidate), then by order: a cell's takes in order.
    key = (inverse[order, slot] * candidates + column[order]) * n + order
    by_key = np.argsort(key, kind="stable")
    key = key[by_key]
    running = np.concatenate([[0], np.cumsum(need[order, slot][by_key])])
    asked = (inverse[:, :, None] * candidates + cand[:, None, :]) * n
    before = np.arange(n)[:, None, None]
    return running[np.searchsorted(key, asked + before)] - running[np.searchsorted(key, asked)]

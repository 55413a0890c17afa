"""The inventory center: one stock pool across stores and warehouses, reservations, and
source selection for online orders. Thread-safe: every call holds one lock, so concurrent
callers can never sell a unit twice."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from retail.errors import Conflict, InvalidInput
from retail.inventory.allocation import (
    Allocation,
    Allocator,
    Candidates,
    Order,
    OrderLine,
    Shipment,
    checked,
)
from retail.inventory.batch import AllocationBatch, OrderBatch, decide_chunk
from retail.inventory.reservations import (
    COMMITTED,
    RELEASED,
    ReservationBook,
    batch_keys,
    quantity_of,
)
from retail.inventory.sourcing import SourcingRules
from retail.inventory.stock import BASIS, StockPool
from retail.inventory.transfers import TransferProposal, TransferRules, propose_transfers
from retail.inventory.types import Location, Reservation, SalesChannel, StockPosition

DEFAULT_TTL = dt.timedelta(minutes=30)  # an unpaid online order holds its stock this long
CHUNK = 4096  # orders decided together: arrays of CHUNK x locations x lines stay small


class InventoryCenter:
    """Stock, reservations and allocation; time is always an argument."""

    def __init__(
        self,
        locations: Sequence[Location],
        sourcing: SourcingRules | None = None,
        reservation_ttl: dt.timedelta | None = DEFAULT_TTL,
    ) -> None:
        self.pool = StockPool(locations)
        self.book = ReservationBook(self.pool)
        self.rules = sourcing or SourcingRules()
        self.reservation_ttl = reservation_ttl
        self._allocator = Allocator(self.pool, self.rules)
        # order key -> the AllocationBatch that holds it, or a kept allocation (see `_keep`)
        self._allocations: dict[str, tuple | AllocationBatch] = {}
        self._lock = threading.Lock()
        self.share_changes: list[tuple[dt.datetime, str, SalesChannel, int, int]] = []

    @property
    def locations(self) -> tuple[Location, ...]:
        return self.pool.locations

    # --- stock movements -------------------------------------------------------------------
    def receive(self, sku: str, location: str, quantity: int, at: dt.datetime) -> None:
        """Goods arrive from a supplier (or a purchase order) at `location`."""
        quantity = quantity_of(quantity, "quantity")
        with self._lock:
            column = self.pool.location_column(location)
            self.pool.receive(self.pool.sku_row(sku, create=True), column, quantity)

    def receive_many(
        self,
        skus: Sequence[str],
        locations: Sequence[str],
        quantities: Iterable[int],
        at: dt.datetime,
    ) -> None:
        """Many receipts at once (opening stock, a DC's inbound day)."""
        quantities = np.asarray(list(quantities), np.int64)
        if len(skus) != len(locations) or len(skus) != len(quantities):
            raise InvalidInput("receive_many", "skus, locations and quantities differ in length")
        if (quantities <= 0).any():
            bad = int(np.flatnonzero(quantities <= 0)[0])
            raise InvalidInput(f"quantities[{bad}]", f"must be positive, got {quantities[bad]}")
        with self._lock:
            columns = np.array([self.pool.location_column(loc) for loc in locations], np.int64)
            rows = np.array([self.pool.sku_row(s, create=True) for s in skus], np.int64)
            for name in ("received", "on_hand"):
                np.add.at(self.pool.q[name], (rows, columns), quantities)

    def sell(self, sku: str, location: str, quantity: int, at: dt.datetime) -> None:
        """Sold over the counter: unreserved stock within the store channel's share."""
        self.sell_many([(sku, quantity)], location, at)

    def return_sale(self, sku: str, location: str, quantity: int, at: dt.datetime) -> None:
        """A customer brings units back to `location`; they can be sold again."""
        quantity = quantity_of(quantity, "quantity")
        with self._lock:
            row, column = self.pool.sku_row(sku), self.pool.location_column(location)
            sold = int(self.pool.q["sold"][row].sum())
            if quantity > sold:
                raise InvalidInput("quantity", f"{quantity} returned of sku {sku!r}, {sold} sold")
            self.pool.q["sold"][row, column] -= quantity
            self.pool.q["on_hand"][row, column] += quantity

    def record_shrink(self, sku: str, location: str, quantity: int, at: dt.datetime) -> None:
        """A count found units missing (theft, damage). Reserved units cannot shrink: release
        their reservation first."""
        quantity = quantity_of(quantity, "quantity")
        with self._lock:
            row, column = self.pool.sku_row(sku), self.pool.location_column(location)
            self.pool.take(row, column, quantity, SalesChannel.TRANSFER, "shrink")

    def sell_many(self, lines: Sequence[tuple[str, int]], location: str, at: dt.datetime) -> None:
        """One basket over the counter: every (sku, quantity) line or none."""
        with self._lock:
            cells = self._cells(lines, location)
            for row, quantity in cells:
                self.pool.check(row, self.pool.column[location], quantity, SalesChannel.STORE)
            for row, quantity in cells:
                self.pool.take(
                    row, self.pool.column[location], quantity, SalesChannel.STORE, "sold"
                )

    def dispatch(
        self, sku: str, source: str, destination: str, quantity: int, at: dt.datetime
    ) -> None:
        """Units leave `source` for `destination` and are in transit until `arrive`."""
        self.dispatch_many([(sku, quantity)], source, destination, at)

    def dispatch_many(
        self, lines: Sequence[tuple[str, int]], source: str, destination: str, at: dt.datetime
    ) -> None:
        """A transfer's two legs at once, for every line or none: the units leave `source`'s
        shelf and are in transit to `destination` until they `arrive`."""
        with self._lock:
            pool = self.pool
            cells = self._cells(lines, source)
            source_column, target = pool.column[source], pool.location_column(destination)
            if source_column == target:
                raise InvalidInput("destination", f"{destination!r} is also the source")
            for row, quantity in cells:
                pool.check(row, source_column, quantity, SalesChannel.TRANSFER)
            for row, quantity in cells:
                pool.dispatch(row, source_column, target, quantity)

    def arrive(self, sku: str, location: str, quantity: int, at: dt.datetime) -> None:
        self.arrive_many([(sku, quantity)], location, at)

    def arrive_many(self, lines: Sequence[tuple[str, int]], location: str, at: dt.datetime) -> None:
        """In-transit units reach `location`'s shelf, every line or none."""
        with self._lock:
            pool = self.pool
            cells = self._cells(lines, location)
            column = pool.column[location]
            for row, quantity in cells:
                if quantity > pool.q["in_transit"][row, column]:
                    in_transit = int(pool.q["in_transit"][row, column])
                    raise InvalidInput(
                        f"sku {pool.skus[row]!r}", f"{quantity} arriving, {in_transit} in transit"
                    )
            for row, quantity in cells:
                pool.arrive(row, column, quantity)

    def _cells(self, lines: Sequence[tuple[str, int]], location: str) -> list[tuple[int, int]]:
        """(row, total quantity) per SKU of `lines`, validated; repeated SKUs are summed."""
        self.pool.location_column(location)
        if not lines:
            raise InvalidInput("lines", "at least one (sku, quantity) line is needed")
        totals: dict[int, int] = {}
        for i, (sku, quantity) in enumerate(lines):
            row = self.pool.sku_row(sku)
            totals[row] = totals.get(row, 0) + quantity_of(quantity, f"lines[{i}].quantity")
        return list(totals.items())

    # --- reservations ----------------------------------------------------------------------
    def reserve(
        self,
        key: str,
        lines: Iterable[tuple[str, str, int]],
        at: dt.datetime,
        channel: SalesChannel = SalesChannel.ONLINE,
        ttl: dt.timedelta | None = None,
    ) -> Reservation:
        """Hold (sku, location, quantity) lines, all or none; the same key and lines again
        return the same reservation, the same key with other lines is a Conflict. `ttl`
        defaults to the center's reservation time to live."""
        with self._lock:
            ttl = self.reservation_ttl if ttl is None else ttl
            return self.book.reserve(key, lines, at, SalesChannel(channel), ttl)

    def commit(self, key: str, at: dt.datetime) -> Reservation:
        with self._lock:
            return self.book.commit(key, at)

    def release(self, key: str, at: dt.datetime) -> Reservation:
        with self._lock:
            return self.book.release(key, at)

    def expire(self, at: dt.datetime) -> list[str]:
        """Expire reservations whose time to live ran out by `at`; their keys."""
        with self._lock:
            return self.book.expire(at)

    def reserve_many(
        self,
        keys: Sequence[str],
        skus: Sequence[str],
        locations: Sequence[str],
        quantities: Iterable[int],
        at: dt.datetime,
        channel: SalesChannel = SalesChannel.ONLINE,
        ttl: dt.timedelta | None = None,
        owners: Iterable[int] | None = None,
    ) -> np.ndarray:
        """Many reservations, exactly as if reserved one after another: line j belongs to
        keys[owners[j]] (default: one line per key). An `Outcome` per key; bad input (an
        unknown SKU or location, a quantity below 1, a repeated key) changes nothing."""
        keys = batch_keys(keys)
        quantity = np.asarray(list(quantities), np.int64)
        owner = np.arange(len(keys)) if owners is None else np.asarray(list(owners), np.int64)
        if not len(skus) == len(locations) == len(quantity) == len(owner):
            raise InvalidInput(
                "reserve_many", "skus, locations, quantities, owners differ in length"
            )
        if len(owner) and (np.any(np.diff(owner) < 0) or owner[0] < 0 or owner[-1] >= len(keys)):
            raise InvalidInput("owners", "must be sorted indices into keys")
        if len(np.unique(owner)) < len(keys):
            missing = np.setdiff1d(np.arange(len(keys)), owner)[0]
            raise InvalidInput(f"keys[{missing}]", "a reservation needs at least one line")
        if (quantity <= 0).any():
            bad = int(np.flatnonzero(quantity <= 0)[0])
            raise InvalidInput(f"quantities[{bad}]", f"must be positive, got {quantity[bad]}")
        with self._lock:
            ttl = self.reservation_ttl if ttl is None else ttl
            rows = self.pool.rows_of(skus)
            columns = self.pool.columns_of(locations)
            cells = owner * (len(self.pool.skus) * len(self.locations)) + rows * len(self.locations)
            if len(np.unique(cells + columns)) < len(cells):
                raise InvalidInput("lines", "a (sku, location) appears twice in one reservation")
            return self.book.reserve_many(keys, owner, rows, columns, quantity, at,
                                          SalesChannel(channel), ttl)  # fmt: skip

    def commit_many(self, keys: Sequence[str], at: dt.datetime) -> np.ndarray:
        """Commit many reservations; an `Outcome` per key (nothing is raised per key)."""
        with self._lock:
            return self.book.settle_many(batch_keys(keys), at, COMMITTED)

    def release_many(self, keys: Sequence[str], at: dt.datetime) -> np.ndarray:
        """Release many reservations; an `Outcome` per key (nothing is raised per key)."""
        with self._lock:
            return self.book.settle_many(batch_keys(keys), at, RELEASED)

    def reservation(self, key: str) -> Reservation:
        with self._lock:
            return self.book.view(self.book._find(key))

    # --- source selection ------------------------------------------------------------------
    def allocate(self, order: Order, at: dt.datetime, expires: bool = True) -> Allocation:
        """Choose where the order ships from and reserve the units there (one reservation per
        parcel, keyed `<order>@<location>`). With `expires=False` the holds last until
        committed or released (the order is paid); otherwise they live for the center's
        reservation time to live. Submitting the same order again returns the same
        allocation; another order under the same key is a Conflict."""
        with self._lock:
            return self._allocate(order, at, self.reservation_ttl if expires else None)

    def quote(self, order: Order, at: dt.datetime) -> Allocation:
        """Source selection alone: where the order would ship from now and why, as `allocate`
        would decide, holding nothing and recording nothing (a checkout page's promise, a
        what-if). The shipments name the reservation keys `allocate` would use."""
        with self._lock:
            checked(order)
            self.book.expire(at)
            return self._explained(order, self._allocator.decide(order), at, None, hold=False)

    def allocate_many(
        self, orders: Sequence[Order] | OrderBatch, at: dt.datetime, expires: bool = True
    ) -> AllocationBatch:
        """`allocate` for many orders, with exactly the result of allocating them one after
        another, decided on arrays. Bad input (a malformed order, an unknown SKU) is refused
        before anything changes; a Conflict stops the batch after the orders before it."""
        batch = orders if isinstance(orders, OrderBatch) else OrderBatch.from_orders(orders)
        batch.validate()
        with self._lock:
            pool = self.pool
            rows = pool.rows_of(batch.skus)
            cells = batch.line_order * (len(pool.skus) + 1) + rows
            ordered = np.sort(cells)
            if (ordered[1:] == ordered[:-1]).any():
                j = _first_repeat(cells)
                raise InvalidInput(f"orders[{batch.line_order[j]}].lines.sku",
                                   f"{batch.skus[j]!r} repeated: merge the lines")  # fmt: skip
            ttl = self.reservation_ttl if expires else None
            result = AllocationBatch(batch, self._allocator)
            bounds = batch.bounds()
            alone = self._decided_alone(batch)
            i, n = 0, len(batch)
            while i < n:
                if alone[i]:
                    result.add_single(i, self._allocate(batch.order(i), at, ttl))
                    i += 1
                    continue
                end = min(n, i + CHUNK)
                end = i + int(np.argmax(alone[i:end])) if alone[i:end].any() else end
                self.book.expire(at)
                decided = decide_chunk(self._allocator, batch, rows, bounds, np.arange(i, end))
                accepted = decided["accepted"]
                if accepted:
                    accepted = self._hold_whole_orders(batch, rows, bounds, i, decided, at, ttl)
                    decided["accepted"] = accepted
                    result.add_chunk(i, decided)
                    self._allocations.update(dict.fromkeys(batch.keys[i : i + accepted], result))
                i += accepted
                if i < end:  # its choice depends on the orders before it: decide it alone
                    result.add_single(i, self._allocate(batch.order(i), at, ttl))
                    i += 1
            return result

    def _decided_alone(self, batch: OrderBatch) -> np.ndarray:
        """Orders the array path leaves to `_allocate`: pickups and keys seen before (a replay
        or a Conflict)."""
        keys = batch.keys
        alone = pd.Index(keys).duplicated()  # a repeat within the batch: a replay or Conflict
        alone |= np.fromiter((key in self._allocations for key in keys), bool, len(keys))
        if batch.pickup_store is not None:
            alone |= np.array([p is not None for p in batch.pickup_store])
        return alone

    def _hold_whole_orders(self, batch, rows, bounds, first, decided, at, ttl) -> int:
        """Reserve each accepted order's parcel; returns how many orders were held (fewer
        than accepted when a parcel's key is already taken: that order goes on alone)."""
        accepted = decided["accepted"]
        columns = self._allocator.delivery_columns[decided["best"]]
        names = [loc.id for loc in self.pool.locations]
        held = zip(batch.keys[first : first + accepted], columns.tolist(), strict=True)
        keys = [f"{key}@{names[c]}" for key, c in held]
        taken = [k in self.book.index for k in keys]
        if any(taken):
            accepted = taken.index(True)
            keys, columns = keys[:accepted], columns[:accepted]
        items = np.arange(first, first + accepted)
        count = bounds[items + 1] - bounds[items]
        lines = np.arange(bounds[first], bounds[first + accepted])
        # decide_chunk checked every unit against the stock under this lock: hold them as is.
        self.book.open_many(keys, rows[lines], np.repeat(columns, count), batch.quantity[lines],
                            count, SalesChannel.ONLINE, at, ttl)  # fmt: skip
        return accepted

    def _allocate(self, order: Order, at: dt.datetime, ttl: dt.timedelta | None) -> Allocation:
        previous = self._allocations.get(order.key)
        if isinstance(previous, AllocationBatch):  # explained on demand
            previous = previous.find(order.key)
        elif previous is not None:
            previous = self._recall(previous)
        if previous is not None:
            if previous.order == order:
                return previous
            raise Conflict(f"order {order.key!r} was allocated with other contents")
        checked(order)
        self.book.expire(at)
        decision = self._allocator.decide(order)
        allocation = self._explained(order, decision, at, ttl, hold=True)
        self._allocations[order.key] = self._keep(allocation, decision)
        return allocation

    def _explained(
        self, order: Order, decision, at: dt.datetime, ttl: dt.timedelta | None, hold: bool
    ) -> Allocation:
        """The decision as parcels and backorders; with `hold`, each parcel's units reserved."""
        shipped = [0] * len(order.lines)
        shipments = []
        for i in np.flatnonzero(decision.take.any(axis=1)).tolist():
            take = decision.take[i].tolist()
            column = int(decision.columns[i])
            location = self.pool.locations[column].id
            lines = tuple((line.sku, q) for line, q in zip(order.lines, take, strict=True) if q)
            key = f"{order.key}@{location}"
            if hold:
                if key in self.book.index:
                    raise Conflict(f"reservation {key!r} exists: order {order.key!r} cannot use it")
                if all(take):  # the common case: this parcel ships every line
                    rows, quantity = decision.rows, decision.take[i]
                else:
                    shipping = decision.take[i] > 0
                    rows, quantity = decision.rows[shipping], decision.take[i][shipping]
                self.book.place_cells(key, rows, column, quantity, at, SalesChannel.ONLINE, ttl)
            distance = round(float(decision.candidates.distance_km[i]), 3)
            shipments.append(Shipment(location, lines, key, distance))
            shipped = [a + b for a, b in zip(shipped, take, strict=True)]
        backordered = tuple(
            (line.sku, line.quantity - s)
            for line, s in zip(order.lines, shipped, strict=True)
            if line.quantity > s
        )
        return Allocation(
            order,
            decision.strategy,
            tuple(shipments),
            backordered,
            decision.candidates,
            decision.skipped,
            decision.reason,
        )

    @staticmethod
    def _keep(allocation: Allocation, decision) -> tuple:
        """The allocation as plain tuples of numbers and strings, and numeric arrays: a center
        keeps every allocation for replays, and such records cost the garbage collector
        nothing (it untracks them), where objects would be walked at every full collection."""
        order = allocation.order
        lines = tuple((line.sku, line.quantity, line.unit_price_cents) for line in order.lines)
        c = allocation.candidates
        return (
            (order.key, lines, order.lat, order.lon, order.pickup_store),
            allocation.strategy,
            tuple(
                (s.location, s.lines, s.reservation, s.distance_km) for s in allocation.shipments
            ),
            allocation.backordered,
            (
                decision.columns,
                c.distance_km,
                c.units_available,
                c.units_needed,
                c.order_cost_cents,
                c.shown,
            ),
            allocation.skipped,
            allocation.reason,
        )

    def _recall(self, kept: tuple) -> Allocation:
        (key, lines, lat, lon, pickup), strategy, shipments, backordered, arrays, skipped, why = (
            kept
        )
        order = Order(key, tuple(OrderLine(*line) for line in lines), lat, lon, pickup)
        columns, distance, units, needed, cost, shown = arrays
        candidates = Candidates(
            self._allocator.names[columns], distance, units, needed, cost, shown
        )
        return Allocation(order, strategy, tuple(Shipment(*s) for s in shipments), backordered,
                          candidates, skipped, why)  # fmt: skip

    # --- transfers --------------------------------------------------------------------------
    def propose_transfers(
        self, daily_sales: pd.Series, rules: TransferRules | None = None
    ) -> list[TransferProposal]:
        """Store-to-store rebalancing moves (see `transfers.propose_transfers`); nothing is
        held or moved: carry a proposal out as a transfer order."""
        with self._lock:
            return propose_transfers(self.pool, daily_sales, rules)

    # --- channel shares -------------------------------------------------------------------
    def set_share(
        self, location: str, channel: SalesChannel, share: float, at: dt.datetime
    ) -> float:
        """How much of its stock `location` opens to `channel` from `at` on (a franchise
        owner widening or narrowing what the shared pool may ship); returns the share before.
        Units already held stay held. Logged in `share_changes`."""
        if isinstance(share, bool) or not isinstance(share, (int, float)) or not 0 <= share <= 1:
            raise InvalidInput(f"{location}.shares.{SalesChannel(channel).name}",
                               f"must be within [0, 1], got {share!r}")  # fmt: skip
        with self._lock:
            pool = self.pool
            column = pool.location_column(location)
            before = int(pool.share_bp[channel, column])
            after = round(share * BASIS)
            if after != before:
                pool.share_bp[channel, column] = after
                self._allocator = Allocator(pool, self.rules)  # delivery sites may change
                self.share_changes.append((at, location, SalesChannel(channel), before, after))
            return before / BASIS

    def share(self, location: str, channel: SalesChannel) -> float:
        """The share of its stock `location` opens to `channel`."""
        with self._lock:
            return int(self.pool.share_bp[channel, self.pool.location_column(location)]) / BASIS

    # --- queries -----------------------------------------------------------------------------
    def position(self, sku: str, location: str) -> StockPosition:
        with self._lock:
            pool = self.pool
            row, column = pool.sku_row(sku), pool.location_column(location)
            on_hand = int(pool.q["on_hand"][row, column])
            reserved = int(pool.reserved_total[row, column])
            in_transit = int(pool.q["in_transit"][row, column])
            return StockPosition(on_hand, reserved, on_hand - reserved, in_transit)

    def available(self, sku: str, location: str, channel: SalesChannel = SalesChannel.STORE) -> int:
        """What `channel` may still sell of `sku` at `location`."""
        with self._lock:
            pool = self.pool
            return pool.available(pool.sku_row(sku), pool.location_column(location), channel)

    def stock_frame(self) -> pd.DataFrame:
        """Every (sku, location) with any quantity: on_hand, reserved, available, in_transit,
        received, sold, shrink."""
        with self._lock:
            pool = self.pool
            n = len(pool.skus)
            index = pd.MultiIndex.from_product(
                [pool.skus, [loc.id for loc in pool.locations]], names=["sku", "location"]
            )
            data = {name: a[:n].ravel() for name, a in pool.q.items()}
            data["reserved"] = pool.reserved_total[:n].ravel()
            data["available"] = data["on_hand"] - data["reserved"]
            frame = pd.DataFrame(data, index=index)
        order = ["on_hand", "reserved", "available", "in_transit", "received", "sold", "shrink"]
        return frame.loc[frame.any(axis=1), order]

    def conservation(self) -> pd.DataFrame:
        """Per SKU: received, sold, on_hand, in_transit, shrink and whether
        received == sold + on_hand + in_transit + shrink."""
        with self._lock:
            totals = self.pool.totals()
            frame = pd.DataFrame(totals, index=pd.Index(list(self.pool.skus), name="sku"))
        parts = frame["sold"] + frame["on_hand"] + frame["in_transit"] + frame["shrink"]
        frame["balanced"] = frame["received"] == parts
        return frame

    def reserved_from_log(self) -> dict[tuple[str, str, SalesChannel], int]:
        """Reserved quantities recomputed from the reservation log alone."""
        with self._lock:
            return self.book.reserved_from_log()


def _first_repeat(values: np.ndarray) -> int:
    """Index of the first value that appeared before."""
    _, first = np.unique(values, return_index=True)
    repeated = np.ones(len(values), bool)
    repeated[first] = False
    return int(np.flatnonzero(repeated)[0])

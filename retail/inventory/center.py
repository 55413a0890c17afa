"""The inventory center: one stock pool across stores and warehouses, reservations, and
source selection for online orders.

Promises: bad input (a fractional or text quantity, an empty key, an unknown channel, more than
a cell may hold) is an `InvalidInput` naming the field, and a refused call changes nothing but
the expiry of holds whose time ran out by `at` (the clock's doing, which any call at `at` may
do); a batch call checks what its single form checks. Quantities are whole units within
`retail.checks.MAX_QUANTITY` per line and `MAX_STOCK` per cell. Thread-safe: every public call
holds the center's one re-entrant lock, so concurrent callers can never sell a unit twice.
Reservations are idempotent by key, allocations by order key."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterable, Sequence

import numpy as np
import pandas as pd

from retail import checks
from retail.checks import MAX_STOCK
from retail.clock import checked_time, microseconds
from retail.errors import Conflict, InvalidInput
from retail.inventory.allocation import (
    Allocation,
    Allocator,
    Order,
    Shipment,
    checked,
    kept,
    recalled,
)
from retail.inventory.archive import Archiving
from retail.inventory.batch import AllocationBatch, OrderBatch, decide_chunk
from retail.inventory.chain import ChainCalls
from retail.inventory.keys import key_codes
from retail.inventory.reservations import (
    COMMITTED,
    RELEASED,
    ReservationBook,
    checked_ttl,
)
from retail.inventory.sourcing import SourcingRules
from retail.inventory.stock import BASIS, StockPool
from retail.inventory.transfers import TransferProposal, TransferRules, propose_transfers
from retail.inventory.types import Location, Reservation, SalesChannel, StockPosition
from retail.keys import KeyRanges

DEFAULT_TTL = dt.timedelta(minutes=30)  # an unpaid online order holds its stock this long
# Orders decided together: a chunk grows while its orders are all accepted and shrinks to
# twice what was accepted (work on orders past the first changed choice is wasted), within
# CHUNK_CELLS orders x candidates, so that its arrays stay within a few MB.
CHUNK_FIRST, CHUNK_CELLS = 64, 1 << 18


class InventoryCenter(ChainCalls, Archiving):
    """Stock, reservations and allocation; time is always an argument. The calls over many
    locations at once (`sell_at_many`, `dispatch_at_many`, `arrive_at_many`, `positions`,
    `review`, `totals`) are in `chain.py`."""

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
        self._built_allocator: Allocator | None = None  # built when first needed
        # order key -> the AllocationBatch that holds it, or a `kept` allocation
        self._allocations: dict[str, tuple | AllocationBatch] = {}
        self._allocated: list[tuple[int, list[str]]] = []  # when each key was allocated
        self._archived_allocations = KeyRanges()
        self._lock = threading.RLock()  # held by every public call
        self.share_changes: list[tuple[dt.datetime, str, SalesChannel, int, int]] = []

    @property
    def _allocator(self) -> Allocator:
        if self._built_allocator is None:
            self._built_allocator = Allocator(self.pool, self.rules)
        return self._built_allocator

    @property
    def locations(self) -> tuple[Location, ...]:
        return self.pool.locations

    # --- stock movements -------------------------------------------------------------------
    def receive(self, sku: str, location: str, quantity: int, at: dt.datetime) -> None:
        """Goods arrive from a supplier (or a purchase order) at `location`."""
        self._receive([sku], [location], [quantity], at, lambda i: "quantity")

    def receive_many(
        self,
        skus: Sequence[str],
        locations: Sequence[str],
        quantities: Iterable[int],
        at: dt.datetime,
    ) -> None:
        """Many receipts at once (opening stock, a DC's inbound day), all or none; a new SKU
        is known from its first receipt."""
        self._receive(skus, locations, quantities, at, lambda i: f"quantities[{i}]")

    def _receive(self, skus, locations, quantities, at, field: Callable[[int], str]) -> None:
        """Receipts, checked as a whole first: `field(i)` names the quantity of line i."""
        quantities = checks.quantities(quantities, "quantities", row=field)
        checks.same_length("receive_many", skus=skus, locations=locations, quantities=quantities)
        codes, names = key_codes(skus, "skus")
        checked_time(at)
        with self._lock:
            columns = self.pool.columns_of(locations)
            self.pool.receive_many(names, codes, columns, quantities, field)

    def sell(self, sku: str, location: str, quantity: int, at: dt.datetime) -> None:
        """Sold over the counter: unreserved stock within the store channel's share."""
        self.sell_many([(sku, quantity)], location, at)

    def return_sale(
        self, sku: str, location: str, quantity: int, at: dt.datetime, sold_at: str | None = None
    ) -> None:
        """A customer brings units back to `location` (see `return_many`)."""
        self.return_many([(sku, quantity)], location, at, None if sold_at is None else [sold_at])

    def return_many(
        self,
        lines: Sequence[tuple[str, int]],
        location: str,
        at: dt.datetime,
        sold_at: Sequence[str] | None = None,
    ) -> None:
        """Customers bring (sku, quantity) lines back to `location`, every line or none; the
        units can be sold again there. Line i was sold at `sold_at[i]` (default: `location`):
        that location's sold goes down by the units and `location`'s on hand up, so a return
        at another store than the sale keeps every location's sold non-negative and, per SKU,
        received = sold + on hand + in transit + shrink. A location never takes back more of
        a SKU than it sold."""
        checked_time(at)
        with self._lock:
            pool = self.pool
            column = pool.location_column(location)
            cells = self._line_cells(lines)
            if sold_at is None:
                sellers = [column] * len(cells)
            else:
                checks.same_length("return_many", lines=cells, sold_at=sold_at)
                sellers = [pool.location_column(x) for x in sold_at]
            pool.take_back(cells, sellers, column)

    def record_shrink(self, sku: str, location: str, quantity: int, at: dt.datetime) -> None:
        """A count found units missing (theft, damage). Reserved units cannot shrink: release
        their reservation first."""
        quantity = checks.quantity(quantity, "quantity")
        checked_time(at)
        with self._lock:
            row, column = self.pool.sku_row(sku), self.pool.location_column(location)
            self.pool.take(row, column, quantity, SalesChannel.TRANSFER, "shrink")

    def sell_many(self, lines: Sequence[tuple[str, int]], location: str, at: dt.datetime) -> None:
        """One basket over the counter: every (sku, quantity) line or none."""
        checked_time(at)
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
        checked_time(at)
        with self._lock:
            pool = self.pool
            cells = self._cells(lines, source)
            source_column, target = pool.column[source], pool.location_column(destination)
            if source_column == target:
                raise InvalidInput("destination", f"{destination!r} is also the source")
            for row, quantity in cells:
                pool.check(row, source_column, quantity, SalesChannel.TRANSFER)
            rows, units = [row for row, _ in cells], np.array([q for _, q in cells])
            pool.check_room(rows, [target] * len(rows), units, lambda i: f"lines[{i}].quantity")
            for row, quantity in cells:
                pool.dispatch(row, source_column, target, quantity)

    def arrive(self, sku: str, location: str, quantity: int, at: dt.datetime) -> None:
        self.arrive_many([(sku, quantity)], location, at)

    def arrive_many(self, lines: Sequence[tuple[str, int]], location: str, at: dt.datetime) -> None:
        """In-transit units reach `location`'s shelf, every line or none."""
        checked_time(at)
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
        totals: dict[int, int] = {}
        for row, quantity in self._line_cells(lines):
            totals[row] = totals.get(row, 0) + quantity
        return list(totals.items())

    def _line_cells(self, lines: Sequence[tuple[str, int]]) -> list[tuple[int, int]]:
        """(row, quantity) of each (sku, quantity) line, validated; at least one line."""
        if not lines:
            raise InvalidInput("lines", "at least one (sku, quantity) line is needed")
        cells = []
        for i, line in enumerate(lines):
            if not isinstance(line, tuple | list) or len(line) != 2:
                raise InvalidInput(f"lines[{i}]", f"an (sku, quantity) pair, got {line!r}")
            row = self.pool.sku_row(line[0])
            cells.append((row, checks.quantity(line[1], f"lines[{i}].quantity")))
        return cells

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
        channel = checks.option(channel, SalesChannel, "channel")
        with self._lock:
            ttl = self.reservation_ttl if ttl is None else ttl
            return self.book.reserve(key, lines, at, channel, ttl)

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
        keys = checks.distinct_keys(keys, "keys")
        quantity = checks.quantities(quantities, "quantities")
        owner = (
            np.arange(len(keys))
            if owners is None
            else checks.integers(owners, "owners", 0, len(keys) - 1, "an index into keys")
        )
        checks.same_length("reserve_many", skus=skus, locations=locations, quantities=quantity,
                           owners=owner)  # fmt: skip
        if np.any(np.diff(owner) < 0):
            raise InvalidInput("owners", "must be sorted indices into keys")
        if len(np.unique(owner)) < len(keys):
            missing = np.setdiff1d(np.arange(len(keys)), owner)[0]
            raise InvalidInput(f"keys[{missing}]", "a reservation needs at least one line")
        channel, ttl = checks.option(channel, SalesChannel, "channel"), checked_ttl(ttl)
        checked_time(at)
        with self._lock:
            ttl = self.reservation_ttl if ttl is None else ttl
            rows = self.pool.rows_of(skus)
            columns = self.pool.columns_of(locations)
            cells = owner * (len(self.pool.skus) * len(self.locations)) + rows * len(self.locations)
            if len(np.unique(cells + columns)) < len(cells):
                raise InvalidInput("lines", "a (sku, location) appears twice in one reservation")
            return self.book.reserve_many(keys, owner, rows, columns, quantity, at, channel, ttl)

    def commit_many(self, keys: Sequence[str], at: dt.datetime) -> np.ndarray:
        """Commit many reservations; an `Outcome` per key (nothing is raised per key)."""
        keys = checks.distinct_keys(keys, "keys")
        checked_time(at)
        with self._lock:
            return self.book.settle_many(keys, at, COMMITTED)

    def release_many(self, keys: Sequence[str], at: dt.datetime) -> np.ndarray:
        """Release many reservations; an `Outcome` per key (nothing is raised per key)."""
        keys = checks.distinct_keys(keys, "keys")
        checked_time(at)
        with self._lock:
            return self.book.settle_many(keys, at, RELEASED)

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
        batch = batch.validate()
        checked_time(at)
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
            alone, pickup_at = self._decided_alone(batch)
            i, n = 0, len(batch)
            widest = max(16, CHUNK_CELLS // max(len(self._allocator.delivery_columns), 1))
            chunk = min(CHUNK_FIRST, widest)
            while i < n:
                if alone[i]:
                    result.add_single(i, self._allocate(batch.order(i), at, ttl))
                    i += 1
                    continue
                end = min(n, i + chunk)
                end = i + int(np.argmax(alone[i:end])) if alone[i:end].any() else end
                self.book.expire(at)
                items = np.arange(i, end)
                decided = decide_chunk(self._allocator, batch, rows, bounds, items,
                                       pickup_at[items])  # fmt: skip
                accepted = decided["accepted"]
                chunk = min(widest, max(16, 2 * accepted))
                if accepted:
                    accepted = self._hold_parcels(batch, rows, bounds, i, decided, at, ttl)
                    decided["accepted"] = accepted
                    result.add_chunk(i, decided)
                    self._allocations.update(dict.fromkeys(batch.keys[i : i + accepted], result))
                    self._allocated.append((microseconds(at), batch.keys[i : i + accepted]))
                i += accepted
                if i < end:  # its choice depends on the orders before it: decide it alone
                    result.add_single(i, self._allocate(batch.order(i), at, ttl))
                    i += 1
            return result

    def _decided_alone(self, batch: OrderBatch) -> tuple[np.ndarray, np.ndarray]:
        """Orders the array path leaves to `_allocate` (keys seen before: a replay or a
        Conflict; pickups at a store that ships nothing online), and per order the delivery
        candidate of the store she collects at (-1: delivered)."""
        keys = batch.keys
        alone = pd.Index(keys).duplicated()  # a repeat within the batch: a replay or Conflict
        alone |= np.fromiter((key in self._allocations for key in keys), bool, len(keys))
        alone |= self._archived_allocations.contains_texts(keys)  # refused one by one
        pickup_at = np.full(len(batch), -1, np.int64)
        if batch.pickup_store is not None:
            picks = [i for i, p in enumerate(batch.pickup_store) if p is not None]
            columns = [self.pool.location_column(batch.pickup_store[i]) for i in picks]
            pickup_at[picks] = self._allocator.delivery_candidate[columns]
            alone[picks] |= pickup_at[picks] < 0
        return alone, pickup_at

    def _hold_parcels(self, batch, rows, bounds, first, decided, at, ttl) -> int:
        """Reserve each accepted order's parcel, its `take` of each line at its `source`;
        returns how many orders were held (fewer than accepted when a parcel's key is already
        taken: that order goes on alone)."""
        accepted, take = decided["accepted"], decided["take"]
        held = take > 0
        ships = np.flatnonzero(held.any(axis=1))  # the rest: pickups that wait, holding nothing
        columns = self._allocator.delivery_columns[decided["source"][ships]]
        names = self._allocator.names
        keys = [f"{batch.keys[first + i]}@{names[c]}"
                for i, c in zip(ships.tolist(), columns.tolist(), strict=True)]  # fmt: skip
        taken = self.book.taken_many(keys)
        if taken.any():
            accepted = int(ships[taken.argmax()])
            keep = ships < accepted
            keys, columns, ships = keys[: keep.sum()], columns[keep], ships[keep]
        held = held[ships]
        lines = (bounds[first + ships][:, None] + np.arange(held.shape[1]))[held]  # in order
        count = held.sum(axis=1)
        # decide_chunk checked every unit against the stock under this lock: hold them as is.
        self.book.open_many(keys, rows[lines], np.repeat(columns, count), take[ships][held],
                            count, SalesChannel.ONLINE, at, ttl)  # fmt: skip
        return accepted

    def _allocate(self, order: Order, at: dt.datetime, ttl: dt.timedelta | None) -> Allocation:
        previous = self._allocations.get(order.key)
        if isinstance(previous, AllocationBatch):  # explained on demand
            previous = previous.find(order.key)
        elif previous is not None:
            previous = recalled(previous, self._allocator.names)
        if previous is not None:
            if previous.order == order:
                return previous
            raise Conflict(f"order {order.key!r} was allocated with other contents")
        if order.key in self._archived_allocations:
            raise Conflict(f"the allocation of order {order.key!r} was archived")
        checked(order)
        self.book.expire(at)
        decision = self._allocator.decide(order)
        allocation = self._explained(order, decision, at, ttl, hold=True)
        self._allocations[order.key] = kept(allocation, decision)
        self._allocated.append((microseconds(at), [order.key]))
        return allocation

    def _explained(
        self, order: Order, decision, at: dt.datetime, ttl: dt.timedelta | None, hold: bool
    ) -> Allocation:
        """The decision as parcels and backorders; with `hold`, each parcel's units reserved."""
        shipped = [0] * len(order.lines)
        shipments = []
        parcels = np.flatnonzero(decision.take.any(axis=1)).tolist()
        names = [self.pool.locations[int(decision.columns[i])].id for i in parcels]
        if hold:  # every parcel's key is free, or no parcel is held
            for location in names:
                key = f"{order.key}@{location}"
                if self.book.taken(key):
                    raise Conflict(f"reservation {key!r} exists: order {order.key!r} cannot use it")
        for i, location in zip(parcels, names, strict=True):
            take = decision.take[i].tolist()
            column = int(decision.columns[i])
            lines = tuple((line.sku, q) for line, q in zip(order.lines, take, strict=True) if q)
            key = f"{order.key}@{location}"
            if hold:
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
        channel = checks.option(channel, SalesChannel, "channel")
        if isinstance(share, bool) or not isinstance(share, (int, float)) or not 0 <= share <= 1:
            raise InvalidInput(f"{location}.shares.{channel.name}",
                               f"must be within [0, 1], got {share!r}")  # fmt: skip
        with self._lock:
            pool = self.pool
            column = pool.location_column(location)
            before = int(pool.share_bp[channel, column])
            after = round(share * BASIS)
            if after != before:
                pool.share_bp[channel, column] = after
                self._built_allocator = None  # delivery sites may change: rebuilt when next used
                self.share_changes.append((at, location, channel, before, after))
            return before / BASIS

    def share(self, location: str, channel: SalesChannel) -> float:
        """The share of its stock `location` opens to `channel`."""
        channel = checks.option(channel, SalesChannel, "channel")
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
        channel = checks.option(channel, SalesChannel, "channel")
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
        """Per SKU: received, sold, on_hand, in_transit, shrink, reserved, `sound` (no cell of
        any quantity is negative, none holds more than MAX_STOCK, none has more reserved than
        on hand: what an int64 wrap-around, a return booked at the wrong store or a hold
        placed past the checks would leave) and `balanced`: sound, and received ==
        sold + on_hand + in_transit + shrink. The int64 totals are exact: a cell's counter reaching
        2**63 would take nearly 10**12 receipts of MAX_QUANTITY."""
        with self._lock:
            pool = self.pool
            n = len(pool.skus)
            frame = pd.DataFrame(pool.totals(), index=pd.Index(list(pool.skus), name="sku"))
            negative = (pool.reserved[:, :n] < 0).any(axis=(0, 2))
            for array in (*pool.q.values(), pool.reserved_total):
                negative |= (array[:n] < 0).any(axis=1)
            held = pool.q["on_hand"][:n] + pool.q["in_transit"][:n]
            overheld = (pool.reserved_total[:n] > pool.q["on_hand"][:n]).any(axis=1)
            frame["sound"] = ~negative & ~(held > MAX_STOCK).any(axis=1) & ~overheld
        parts = frame["sold"] + frame["on_hand"] + frame["in_transit"] + frame["shrink"]
        frame["balanced"] = frame["sound"] & (frame["received"] == parts)
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

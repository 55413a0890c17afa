"""The order center: every order type through one state machine, idempotent submission,
returns and refunds bounded per line, on-time fulfilment.

It drives the inventory center (reserve, commit, sell, dispatch, arrive) and the revenue
ledger at the transitions where goods and money really move, so stock, orders and money
cannot disagree. Time is always an argument.

Promises: bad input (a price or payment that is not whole cents, an order above
`retail.checks.MAX_CENTS`, an empty key or store, a time that is not a datetime) is an
`InvalidInput` naming the field, refused at submission or payment before anything moves; a
refused call changes nothing. Thread-safe: every public call holds the center's one
re-entrant lock. Idempotent: `submit` and `book_store_sales` by order key, `return_lines` by
return key (the same spec again returns the same record; another spec is a `Conflict`)."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING

import pandas as pd

from retail import checks
from retail.clock import checked_time
from retail.errors import (
    Archived,
    Conflict,
    IllegalTransition,
    InvalidInput,
    NotFound,
    OutOfStock,
)
from retail.inventory.allocation import Order, OrderLine
from retail.inventory.reservations import Outcome
from retail.inventory.types import SalesChannel
from retail.keys import KeyBlock, KeyRanges
from retail.orders.archive import Archiving
from retail.orders.batch import BatchMoves, us
from retail.orders.book import BatchBook
from retail.orders.columns import BlockIndex
from retail.orders.frames import batch_due, batch_frame
from retail.orders.intake import BatchIntake
from retail.orders.types import (
    MOVES_GOODS,
    RETURNABLE,
    TRANSITIONS,
    OrderRecord,
    OrderSpec,
    OrderState,
    OrderType,
    check_spec,
)

if TYPE_CHECKING:  # the ports name this module's types: imported for annotations only
    from retail.ports import InventoryPort, LedgerPort


class OrderCenter(BatchIntake, BatchMoves, Archiving):
    """Orders by key. `inventory` and `ledger` are optional: without them the center keeps
    only the orders' own books. It calls them only through their Protocols. Orders booked by
    the batch paths (`book_store_sales_many`, `submit_many`, then `pay_many` ...) are kept
    as columns (`retail/orders/book.py`) and found by their text key like any other."""

    def __init__(
        self, inventory: InventoryPort | None = None, ledger: LedgerPort | None = None
    ) -> None:
        self.inventory = inventory
        self.ledger = ledger
        self.orders: dict[str, OrderRecord] = {}
        self._book = BatchBook()  # batch-booked orders, as columns
        self._text = BlockIndex()  # (prefix, number) of the keys in `orders`
        self._archived = KeyRanges()  # keys of the orders `archive` forgot
        self._lock = threading.RLock()  # held by every public call

    # --- submission ------------------------------------------------------------------------
    def submit(self, key: str, spec: OrderSpec, at: dt.datetime) -> OrderRecord:
        """Create the order, or return it if `key` was submitted before with this spec; the
        same key with another spec is a Conflict."""
        key = checks.key(key, "key")
        checked_time(at)
        with self._lock:
            existing = self._get(key)
            if existing is not None:
                if existing.spec == spec:
                    return existing
                raise Conflict(
                    f"order {key!r} was submitted with {_difference(existing.spec, spec)}"
                )
            if key in self._archived:
                raise Conflict(f"order {key!r} was archived: its key is not used again")
            if spec.type is OrderType.STORE_RETURN:
                raise InvalidInput("spec.type", "returns are created with return_lines")
            check_spec(key, spec)
            return self._create(key, spec, at)

    def _create(self, key: str, spec: OrderSpec, at: dt.datetime) -> OrderRecord:
        n = len(spec.lines)
        record = OrderRecord(key, spec, at, sold=[0] * n, returned=[0] * n, paid=[0] * n,
                             refunded=[0] * n, history=[(OrderState.CREATED, at)])  # fmt: skip
        self.orders[key] = record
        self._note(key)
        return record

    def _note(self, key: str) -> None:
        """A key the dict holds: batches find it (and conflict with it) by number."""
        parts = KeyBlock.split(key)
        if parts is not None:
            self._text.add_one(parts[0], parts[1], 0)

    def _get(self, key: str) -> OrderRecord | None:
        """The order under this key, a batch order detached into the dict."""
        record = self.orders.get(key)
        if record is None and self._book.size and isinstance(key, str):
            row = self._book.find_text(key)
            if row >= 0 and not self._book.rows["detached"][row]:
                record = self._book.record(row)
                self._book.rows["detached"][row] = True
                self.orders[key] = record
                self._note(key)
        return record

    # --- transitions -----------------------------------------------------------------------
    def pay(self, key: str, amount_cents: int, at: dt.datetime) -> OrderRecord:
        """The customer pays the whole order amount."""
        amount_cents = checks.cents(amount_cents, "amount_cents")
        checked_time(at)
        with self._lock:
            record = self._find(key)
            if amount_cents != record.spec.amount_cents:
                cost = record.spec.amount_cents
                raise InvalidInput(
                    "amount_cents", f"order {key!r} costs {cost}, paid {amount_cents}"
                )
            self._move(record, "pay", at)
            record.paid = [line.quantity * line.unit_price_cents for line in record.spec.lines]
            return record

    def allocate(self, key: str, at: dt.datetime) -> OrderRecord:
        """Online order: choose ship-from locations and hold the units (no time limit: it is
        paid). Lines nobody can serve are refunded; if nothing can be served the order stays
        paid (backordered) and may be allocated again later."""
        checked_time(at)
        with self._lock:
            record = self._find(key)
            self._check(record, "allocate")
            spec = record.spec
            if self.inventory is None:  # no stock to check: the order's store ships it all
                record.shipments = ((spec.pickup_store or spec.store, _units(spec), key),)
                return self._move(record, "allocate", at)
            attempt = sum(state is OrderState.PAID for state, _ in record.history)
            wanted = f"{key}#{attempt}" if attempt > 1 else key
            allocation = self.inventory.allocate(
                Order(wanted, spec.lines, spec.lat or 0.0, spec.lon or 0.0, spec.pickup_store),
                at,
                expires=False,
            )
            record.backordered = allocation.backordered
            if not allocation.shipments:
                record.history.append((OrderState.PAID, at))  # still waiting: a new attempt
                return record
            shipped = {line.sku: 0 for line in spec.lines}
            for shipment in allocation.shipments:
                for sku, quantity in shipment.lines:
                    shipped[sku] += quantity
            for i, line in enumerate(spec.lines):
                short = line.quantity - shipped[line.sku]
                record.refunded[i] += short * line.unit_price_cents
            record.shipments = tuple((s.location, s.lines, s.reservation)
                                     for s in allocation.shipments)  # fmt: skip
            self._move(record, "allocate", at)
            return record

    def pick(self, key: str, at: dt.datetime) -> OrderRecord:
        """Packed. A pickup order is then ready at the counter: its promise is judged here
        (when she comes to collect it is her choice)."""
        checked_time(at)
        with self._lock:
            record = self._move(self._find(key), "pick", at)
            if record.type is OrderType.ONLINE and record.spec.pickup_store is not None:
                record.fulfilled_at = at
            return record

    def ship(self, key: str, at: dt.datetime) -> OrderRecord:
        """Goods leave: an online order's holds are committed (sold); a transfer, purchase or
        purchase return is dispatched, both legs or neither."""
        checked_time(at)
        with self._lock:
            record = self._find(key)
            self._check(record, "ship")
            if record.type is OrderType.ONLINE:
                self._hand_over(record, at)
            elif self.inventory is not None:
                spec = record.spec
                self.inventory.dispatch_many(_units(spec), spec.source, spec.destination, at)
            return self._move(record, "ship", at)

    def deliver(self, key: str, at: dt.datetime) -> OrderRecord:
        checked_time(at)
        with self._lock:
            record = self._find(key)
            self._check(record, "deliver")
            if record.type in MOVES_GOODS and self.inventory is not None:
                self.inventory.arrive_many(_units(record.spec), record.spec.destination, at)
            self._fulfil(record, at)
            return self._move(record, "deliver", at)

    def pick_up(self, key: str, at: dt.datetime) -> OrderRecord:
        """Bought online, picked up in the store: handed over at the counter."""
        checked_time(at)
        with self._lock:
            record = self._find(key)
            self._check(record, "pick_up")
            if record.spec.pickup_store is None:
                raise IllegalTransition("order", key, record.state.value, "pick_up (not a pickup)")
            self._hand_over(record, at)
            self._fulfil(record, at)
            return self._move(record, "pick_up", at)

    def complete(self, key: str, at: dt.datetime) -> OrderRecord:
        """Close the order. A store sale hands its basket over here; a return takes the goods
        back and refunds the customer."""
        checked_time(at)
        with self._lock:
            record = self._find(key)
            self._check(record, "complete")
            spec = record.spec
            if record.type is OrderType.STORE_SALE:
                if self.inventory is not None and spec.hold is not None:
                    self.inventory.commit(spec.hold, at)  # a till may have committed it: once
                elif self.inventory is not None:
                    self.inventory.sell_many(_units(spec), spec.store, at)
                record.sold = [line.quantity for line in spec.lines]
                self._fulfil(record, at)
            elif record.type is OrderType.STORE_RETURN:
                self._take_back(record, at)
            return self._move(record, "complete", at)

    def book_store_sales(
        self, keys: Sequence[str], specs: Sequence[OrderSpec], ats: Sequence[dt.datetime],
        at: dt.datetime,
    ) -> list[OrderRecord]:  # fmt: skip
        """Many till sales at once, each booked as `submit`, `pay` and `complete` at its own
        time `ats[i]` would book it; `at` is now. A key booked before with the same spec is
        skipped, with another spec a Conflict. Basket holds are committed together at `at`
        (a till should commit them at payment: then this finds them done); holds that can no
        longer be committed (released or expired) are an IllegalTransition naming their
        sales, and nothing is booked (the batch's other holds stay committed, so it may be
        retried without those sales). Sales without a hold sell their units, all or none.
        The records of the sales booked now."""
        checks.same_length("book_store_sales", keys=keys, specs=specs, ats=ats)
        checked_time(at)
        for i, (key, when) in enumerate(zip(keys, ats, strict=True)):
            checks.key(key, f"keys[{i}]")
            checked_time(when, f"ats[{i}]")
        with self._lock:
            todo, seen, holds = [], set(), set()
            for i, (key, spec) in enumerate(zip(keys, specs, strict=True)):
                if spec.type is not OrderType.STORE_SALE:
                    raise InvalidInput(f"specs[{i}].type", "only store sales are booked here")
                existing = self._get(key)
                if existing is not None:
                    if existing.spec != spec:
                        why = _difference(existing.spec, spec)
                        raise Conflict(f"order {key!r} was submitted with {why}")
                    continue
                if key in self._archived:
                    raise Conflict(f"order {key!r} was archived: its key is not used again")
                if key in seen:
                    raise InvalidInput(f"keys[{i}]", f"{key!r} appears twice in one batch")
                if spec.hold is not None and spec.hold in holds:
                    raise InvalidInput(f"specs[{i}].hold", f"{spec.hold!r} settles another sale")
                seen.add(key)
                if spec.hold is not None:
                    holds.add(spec.hold)
                check_spec(key, spec)
                todo.append(i)
            self._settle_baskets([keys[i] for i in todo], [specs[i] for i in todo], at)
            records = [self._book_sale(keys[i], specs[i], ats[i]) for i in todo]
            if self.ledger is not None and records:
                self.ledger.post_sales(
                    [r.key for r in records], [r.spec.amount_cents for r in records],
                    [r.created for r in records], [r.spec.store for r in records],
                    [r.spec.store for r in records], [r.spec.guide for r in records],
                )  # fmt: skip
            return records

    def _settle_baskets(self, keys: list[str], specs: list[OrderSpec], at: dt.datetime) -> None:
        """Commit the batch's basket holds, sell the units of sales without one; if anything
        fails, no unit of a sale without a hold has moved."""
        if self.inventory is None:
            return
        loose = [spec for spec in specs if spec.hold is None]
        wanted: dict[tuple[str, str], int] = {}
        for spec in loose:
            for line in spec.lines:
                cell = (line.sku, spec.store)
                wanted[cell] = wanted.get(cell, 0) + line.quantity
        for (sku, store), units in wanted.items():  # all or none: checked before anything
            there = self.inventory.available(sku, store, SalesChannel.STORE)
            if units > there:
                raise OutOfStock(sku, store, units, there)
        holds = [spec.hold for spec in specs if spec.hold is not None]
        if holds:
            outcome = dict(zip(holds, self.inventory.commit_many(holds, at).tolist(), strict=True))
            bad = [k for k, s in zip(keys, specs, strict=True)
                   if s.hold is not None and outcome[s.hold] > Outcome.REPEATED]  # fmt: skip
            if bad:
                raise IllegalTransition("store sale", ", ".join(bad), "hold gone", "complete")
        for spec in loose:
            self.inventory.sell_many(_units(spec), spec.store, at)

    def _book_sale(self, key: str, spec: OrderSpec, at: dt.datetime) -> OrderRecord:
        """A till sale's record as `pay` and `complete` leave it (units and money settled;
        its basket and ledger postings are the batch's)."""
        record = self._move(self._create(key, spec, at), "pay", at)
        record.paid = [line.quantity * line.unit_price_cents for line in spec.lines]
        record.sold = [line.quantity for line in spec.lines]
        record.fulfilled_at = at
        return self._move(record, "complete", at)

    def cancel(self, key: str, at: dt.datetime) -> OrderRecord:
        """Stop the order: held units are released, money received is refunded."""
        checked_time(at)
        with self._lock:
            record = self._find(key)
            self._check(record, "cancel")
            if record.shipments and self.inventory is not None:
                for _, _, hold in record.shipments:
                    self.inventory.release(hold, at)
            record.refunded = list(record.paid)
            return self._move(record, "cancel", at)

    # --- returns ---------------------------------------------------------------------------
    def return_lines(
        self,
        key: str,
        return_key: str,
        lines: Sequence[tuple[str, int]],
        at: dt.datetime,
        store: str | None = None,
    ) -> OrderRecord:
        """Open a return of (sku, quantity) lines of order `key` at `store` (default: the
        order's store). Never more units than were sold, never more money than was paid, per
        line. Idempotent under `return_key`; `complete` it to take the goods back (at
        another store than the sale, the units join that store's stock and come off the sold
        of the place that sold them)."""
        return_key, store = (
            checks.key(return_key, "return_key"),
            checks.optional_key(store, "store"),
        )
        checked_time(at)
        with self._lock:
            original = self._find(key)
            spec = original.spec
            returned_lines = []
            for i, line in enumerate(lines):
                if not isinstance(line, tuple | list) or len(line) != 2:
                    raise InvalidInput(f"lines[{i}]", f"an (sku, quantity) pair, got {line!r}")
                sku, quantity = line[0], checks.quantity(line[1], f"lines[{i}].quantity")
                if any(line.sku == sku for line in returned_lines):
                    raise InvalidInput(f"lines[{i}].sku", f"{sku!r} repeated: merge the lines")
                line = spec.lines[_line_index(original, sku)]
                returned_lines.append(OrderLine(sku, quantity, line.unit_price_cents))
            where = store or spec.pickup_store or spec.store
            wanted = OrderSpec(OrderType.STORE_RETURN, tuple(returned_lines), where,
                               guide=spec.guide, member=spec.member, origin_order=key)  # fmt: skip
            existing = self._get(return_key)
            if existing is not None:
                if existing.spec == wanted:
                    return existing
                raise Conflict(
                    f"return {return_key!r} was opened with {_difference(existing.spec, wanted)}"
                )
            if original.state not in RETURNABLE or original.type not in (
                OrderType.ONLINE,
                OrderType.STORE_SALE,
            ):
                raise IllegalTransition("order", key, original.state.value, "return")
            pending = self._pending_returns(original)
            for line in returned_lines:
                i = _line_index(original, line.sku)
                left = original.sold[i] - original.returned[i] - pending[i]
                if line.quantity > left:
                    why = f"{line.quantity} returned, {left} sold and not yet returned"
                    raise InvalidInput(f"lines[{line.sku!r}].quantity", why)
                refundable = (
                    original.paid[i] - original.refunded[i] - pending[i] * line.unit_price_cents
                )
                if line.quantity * line.unit_price_cents > refundable:
                    raise InvalidInput(
                        f"lines[{line.sku!r}].refund", f"{refundable} cents left to refund"
                    )
            original.returns += (return_key,)
            return self._create(return_key, wanted, at)

    def _take_back(self, record: OrderRecord, at: dt.datetime) -> None:
        """A completed return: the units back into the returning store's stock, off the sold
        of the places that sold them; the refund to the ledger, per parcel."""
        original = self.orders[record.spec.origin_order]
        parts = [
            (line, location, ledger_key, units)
            for line in record.spec.lines
            for location, ledger_key, units in _sold_from(
                original, line.sku, original.returned[_line_index(original, line.sku)],
                line.quantity,
            )
        ]  # fmt: skip
        if self.inventory is not None:  # all lines or none: the first thing that moves
            self.inventory.return_many([(line.sku, units) for line, _, _, units in parts],
                                       record.spec.store, at, [p[1] for p in parts])  # fmt: skip
        refunds: dict[str, int] = {}
        for line, _, ledger_key, units in parts:
            refunds[ledger_key] = refunds.get(ledger_key, 0) + units * line.unit_price_cents
        for line in record.spec.lines:
            i = _line_index(original, line.sku)
            refund = line.quantity * line.unit_price_cents
            original.returned[i] += line.quantity
            original.refunded[i] += refund
            record.refunded[_line_index(record, line.sku)] = refund
        if self.ledger is not None:
            for ledger_key, cents in refunds.items():
                self.ledger.post_refund(ledger_key, f"{record.key}@{ledger_key}", cents, at)
        if all(s and s == r for s, r in zip(original.sold, original.returned, strict=True)):
            original.state = OrderState.RETURNED
            original.history.append((OrderState.RETURNED, at))

    def _pending_returns(self, original: OrderRecord) -> list[int]:
        """Units per line of `original` in returns opened but not yet completed."""
        pending = [0] * len(original.spec.lines)
        for key in original.returns:
            opened = self.orders[key]
            if opened.state is OrderState.CREATED:
                for line in opened.spec.lines:
                    pending[_line_index(original, line.sku)] += line.quantity
        return pending

    # --- internals -------------------------------------------------------------------------
    def _hand_over(self, record: OrderRecord, at: dt.datetime) -> None:
        if self.inventory is not None:
            for _, _, hold in record.shipments:
                self.inventory.commit(hold, at)
        for _, lines, _ in record.shipments:
            for sku, quantity in lines:
                record.sold[_line_index(record, sku)] += quantity

    def _fulfil(self, record: OrderRecord, at: dt.datetime) -> None:
        """The goods reached the customer (or the receiving location): on-time is judged
        here (a pickup order's at `pick`), and a sale's revenue goes to the ledger, one
        posting per parcel."""
        if record.fulfilled_at is None:
            record.fulfilled_at = at
        if self.ledger is None or record.type not in (OrderType.ONLINE, OrderType.STORE_SALE):
            return
        spec = record.spec
        parcels = record.shipments or ((spec.store, _units(spec), record.key),)
        for location, lines, ledger_key in parcels:
            amount = sum(
                q * spec.lines[_line_index(record, sku)].unit_price_cents for sku, q in lines
            )
            self.ledger.post_sale(ledger_key, amount, at, spec.store, location, spec.guide)

    def _find(self, key: str) -> OrderRecord:
        record = self._get(key)
        if record is None:
            raise (Archived if key in self._archived else NotFound)("order", key)
        return record

    def _check(self, record: OrderRecord, action: str) -> OrderState:
        rule = TRANSITIONS[record.type].get(action)
        if rule is None or record.state not in rule[0]:
            raise IllegalTransition(
                f"{record.type.value} order", record.key, record.state.value, action
            )
        return rule[1]

    def _move(self, record: OrderRecord, action: str, at: dt.datetime) -> OrderRecord:
        record.state = self._check(record, action)
        record.history.append((record.state, at))
        return record

    # --- queries ---------------------------------------------------------------------------
    def order(self, key: str) -> OrderRecord:
        with self._lock:
            return self._find(key)

    def frame(self) -> pd.DataFrame:
        """One row per order: type, state, store, amounts in cents, units, times, on time."""
        with self._lock:
            single = self._single_frame()
            batch = batch_frame(self._book)
        if batch is None:
            return single
        return batch if single.empty else pd.concat([single, batch])

    def _single_frame(self) -> pd.DataFrame:
        """`frame` of the orders kept one by one (the dict)."""
        with self._lock:
            rows = [
                {"key": r.key, "type": r.type.value, "state": r.state.value,
                 "store": r.spec.store, "pickup_store": r.spec.pickup_store, "guide": r.spec.guide,
                 "amount_cents": r.spec.amount_cents,
                 "paid_cents": sum(r.paid), "refunded_cents": sum(r.refunded),
                 "sold": sum(r.sold), "returned": sum(r.returned), "created": r.created,
                 "promised": r.spec.promised, "fulfilled_at": r.fulfilled_at,
                 "fulfilled_by": _fulfilled_by(r)}
                for r in self.orders.values()
            ]  # fmt: skip
        return pd.DataFrame(rows).set_index("key") if rows else pd.DataFrame()

    def on_time(
        self, start: dt.datetime, end: dt.datetime, by: str = "fulfilled_by"
    ) -> pd.DataFrame:
        """Orders promised within [start, end), per `by` (a frame column): how many were due,
        fulfilled by the promise, late, and still open; `on_time_rate` = on time / due.
        An order still open after its promise counts as late."""
        start, end = checked_time(start, "start"), checked_time(end, "end")
        with self._lock:
            batch = batch_due(self._book, us(start), us(end), by)
            frame = self._single_frame() if batch is not None else self.frame()
        parts = []
        if not frame.empty:
            due = frame[frame["promised"].notna()
                        & (frame["state"] != OrderState.CANCELLED.value)]  # fmt: skip
            due = due[(due["promised"] >= start) & (due["promised"] < end)]
            made_it = due["fulfilled_at"].notna() & (due["fulfilled_at"] <= due["promised"])
            parts.append(pd.DataFrame({by: due[by].to_numpy(), "on_time": made_it.to_numpy()}))
        if batch is not None:
            parts.append(batch)
        rows = pd.concat(parts) if parts else pd.DataFrame({by: [], "on_time": []})
        if rows.empty:
            return pd.DataFrame(columns=["due", "on_time", "late", "on_time_rate"])
        made_it = rows["on_time"].astype("int64")
        table = made_it.groupby(rows[by].to_numpy()).agg(due="size", on_time="sum")
        table.index.name = by
        table["late"] = table["due"] - table["on_time"]
        table["on_time_rate"] = table["on_time"] / table["due"]
        return table


def _units(spec: OrderSpec) -> tuple[tuple[str, int], ...]:
    return tuple((line.sku, line.quantity) for line in spec.lines)


def _fulfilled_by(record: OrderRecord) -> str | None:
    """The location that fulfils the order: first parcel, receiving location, or the store."""
    if record.shipments:
        return record.shipments[0][0]
    return record.spec.destination or record.spec.store


def _line_index(record: OrderRecord, sku: str) -> int:
    for i, line in enumerate(record.spec.lines):
        if line.sku == sku:
            return i
    raise InvalidInput("sku", f"{sku!r} is not a line of order {record.key!r}")


def _sold_from(
    original: OrderRecord, sku: str, already: int, quantity: int
) -> list[tuple[str, str, int]]:
    """(location that sold them, ledger key, units) of `quantity` units of `sku` returned
    after `already` came back: returned units are charged to the parcels that shipped the
    SKU, first parcel first, counting the earlier returns; a sale without parcels sold at
    its store."""
    if not original.shipments:
        return [(original.spec.store, original.key, quantity)]
    start, end, offset = already, already + quantity, 0
    parts = []
    for location, lines, ledger_key in original.shipments:
        shipped = dict(lines).get(sku, 0)
        units = min(end, offset + shipped) - max(start, offset)
        if units > 0:
            parts.append((location, ledger_key, units))
        offset += shipped
    return parts


def _difference(old: OrderSpec, new: OrderSpec) -> str:
    """Which fields differ, for a Conflict message."""
    fields = [f for f in old.__dataclass_fields__ if getattr(old, f) != getattr(new, f)]
    return f"other {', '.join(fields)}" if fields else "another spec"

"""The order center's batch paths: a day of till sales or online orders moved with array
operations, each order exactly as the single path's state machine would move it.

Outcome codes (`retail.inventory.reservations.Outcome`, one per order): DONE (moved, or
submitted), REPEATED (`submit_many`: the same key and spec again; nothing changes),
OUT_OF_STOCK (`allocate_many`: nothing could be served, the order stays paid, backordered),
CONFLICT (`submit_many`: the key carries another spec; `pay_many`: another amount than the
order costs), NOT_FOUND (no such order), ILLEGAL (the transition is not legal from the
order's state, as `IllegalTransition` would say; or its hold could not be committed)."""

from __future__ import annotations

import datetime as dt

import numpy as np

from retail import checks
from retail.clock import EPOCH, MICROSECOND, checked_time
from retail.errors import Conflict, IllegalTransition, InvalidInput, NotFound, OutOfStock
from retail.inventory.batch import AllocationBatch, OrderBatch
from retail.inventory.reservations import Outcome
from retail.inventory.types import SalesChannel
from retail.orders.book import CODE, NONE, STATES, TYPES, BatchBook
from retail.orders.columns import checked_block
from retail.orders.types import TRANSITIONS, OrderState

ACTIONS = ("pay", "allocate", "pick", "ship", "deliver", "pick_up", "complete", "cancel")
# ALLOWED[action][type, state]: may the action start there; NEXT[action][type]: where it leads
ALLOWED = {a: np.zeros((len(TYPES), len(STATES)), bool) for a in ACTIONS}
NEXT = {a: np.full(len(TYPES), NONE, np.int64) for a in ACTIONS}
for _t, _kind in enumerate(TYPES):
    for _action, (_starts, _to) in TRANSITIONS[_kind].items():
        ALLOWED[_action][_t, [CODE[s] for s in _starts]] = True
        NEXT[_action][_t] = CODE[_to]
SALE, ONLINE = 0, 1


def us(at: dt.datetime) -> int:
    return (at - EPOCH) // MICROSECOND


class BatchMoves:
    """Mixed into OrderCenter: `_many` transitions over batch-booked orders."""

    _book: BatchBook

    # --- finding ---------------------------------------------------------------------------
    def _locate(self, keys) -> tuple[np.ndarray, np.ndarray]:
        """(batch row or -1, kept by the single path) per key."""
        rows = self._book.find(keys)
        single = self._text.find(keys.prefix, keys.numbers) >= 0
        if self._book.size:
            single |= (rows >= 0) & self._book.rows["detached"][np.maximum(rows, 0)]
        return np.where(single, NONE, rows), single

    def _one(self, action: str, key: str, at: dt.datetime, *args) -> int:
        """A single-path order in a batch: the single method, its refusal as a code."""
        try:
            record = getattr(self, action)(key, *args, at)
        except IllegalTransition:
            return Outcome.ILLEGAL
        except NotFound:
            return Outcome.NOT_FOUND
        except OutOfStock:
            return Outcome.OUT_OF_STOCK
        except (InvalidInput, Conflict):
            return Outcome.CONFLICT
        if action == "allocate" and record.state is OrderState.PAID:
            return Outcome.OUT_OF_STOCK
        return Outcome.DONE

    def _batch(self, action, keys, at, effect=None, extra=None, args=()) -> np.ndarray:
        keys = checked_block(keys)
        checked_time(at)
        with self._lock:
            rows, single = self._locate(keys)
            out = np.full(len(keys), Outcome.NOT_FOUND, np.int64)
            for i in np.flatnonzero(single).tolist():
                out[i] = self._one(action, keys[i], at, *(a[i] for a in args))
            found = np.flatnonzero(rows >= 0)
            r = rows[found]
            b = self._book.rows
            ok = ALLOWED[action][b["type"][r], b["state"][r]]
            out[found] = np.where(ok, Outcome.DONE, Outcome.ILLEGAL)
            if extra is not None:  # a further condition: its refusal code where it fails
                code = extra(r, found)
                out[found] = np.where(ok & (code != Outcome.DONE), code, out[found])
            go = found[out[found] == Outcome.DONE]
            if effect is not None and len(go):
                moved = effect(rows[go], at)  # rows that did move (others: their code)
                if moved is not None:
                    out[go[~moved[0]]] = moved[1][~moved[0]]
                    go = go[moved[0]]
            r = rows[go]
            b["state"][r] = NEXT[action][b["type"][r]]
            now = us(at)
            for state in np.unique(b["state"][r]).tolist():
                b[f"t_{STATES[state].value}"][r[b["state"][r] == state]] = now
            return out

    def shipping_cents_many(self, keys) -> np.ndarray:
        """What each allocated online order ships, in cents: its amount less the lines no
        location could serve (refunded, as `OrderRecord.refunded` says); -1 for a key the
        batch path does not hold or an order not allocated."""
        keys = checked_block(keys)
        with self._lock:
            rows, _ = self._locate(keys)
            book, b = self._book, self._book.rows
            out = np.full(len(keys), -1, np.int64)
            found = np.flatnonzero(rows >= 0)
            r = rows[found]
            allocated = b["t_allocated"][r] >= 0
            out[found[allocated]] = b["amount"][r[allocated]]
            served = found[allocated]
            partly = served[np.isin(rows[served], list(book.backordered))]
            for i in partly.tolist():  # only partly served orders: a few
                spec = book.spec(int(rows[i]))
                price = {line.sku: line.unit_price_cents for line in spec.lines}
                out[i] -= sum(q * price[sku] for sku, q in book.backordered[int(rows[i])])
            return out

    # --- the transitions -------------------------------------------------------------------
    def pay_many(self, keys, amounts: np.ndarray, at: dt.datetime) -> np.ndarray:
        """`pay` for many orders: each amount must be what its order costs (CONFLICT if not)."""
        amounts = checks.cents_array(amounts, "amounts")
        checks.same_length("pay_many", keys=checked_block(keys).numbers, amounts=amounts)

        def extra(r, found):
            right = self._book.rows["amount"][r] == amounts[found]
            return np.where(right, Outcome.DONE, Outcome.CONFLICT)

        return self._batch("pay", keys, at, extra=extra, args=(amounts.tolist(),))

    def allocate_many(self, keys, at: dt.datetime) -> np.ndarray:
        """`allocate` for many online orders, in one `InventoryCenter.allocate_many` call."""
        return self._batch("allocate", keys, at, self._allocate_rows)

    def pick_many(self, keys, at: dt.datetime) -> np.ndarray:
        def effect(r, at):
            pickup = r[self._book.rows["pickup"][r] >= 0]
            self._book.rows["fulfilled"][pickup] = us(at)

        return self._batch("pick", keys, at, effect)

    def ship_many(self, keys, at: dt.datetime) -> np.ndarray:
        return self._batch("ship", keys, at, self._hand_over_rows)

    def deliver_many(self, keys, at: dt.datetime) -> np.ndarray:
        return self._batch("deliver", keys, at, self._fulfil_rows)

    def pick_up_many(self, keys, at: dt.datetime) -> np.ndarray:
        def extra(r, found):
            pickup = self._book.rows["pickup"][r] >= 0
            return np.where(pickup, Outcome.DONE, Outcome.ILLEGAL)

        def effect(r, at):
            moved = self._hand_over_rows(r, at)
            self._fulfil_rows(r[moved[0]], at)
            return moved

        return self._batch("pick_up", keys, at, effect, extra)

    def complete_many(self, keys, at: dt.datetime) -> np.ndarray:
        """`complete` for many orders (a batch-booked till sale is complete already)."""
        return self._batch("complete", keys, at)

    def cancel_many(self, keys, at: dt.datetime) -> np.ndarray:
        def effect(r, at):
            book = self._book
            held = r[(book.rows["parcel"][r] >= 0) | np.isin(r, list(book.parcels))]
            if self.inventory is not None and len(held):
                holds = [h for row in held.tolist() for _, _, h in book.shipments(row)]
                self.inventory.release_many(holds, at)
            paid = book.rows["t_paid"][r] >= 0
            book.rows["refunded"][r] = np.where(paid, book.rows["amount"][r], 0)

        return self._batch("cancel", keys, at, effect)

    # --- effects ---------------------------------------------------------------------------
    def _allocate_rows(self, r: np.ndarray, at: dt.datetime):
        book, b = self._book, self._book.rows
        if self.inventory is None:
            b["parcel"][r] = np.where(b["pickup"][r] >= 0, b["pickup"][r], b["store"][r])
            b["attempt"][r] = 0
            return None
        b["attempt"][r] += 1
        attempt = b["attempt"][r]
        keys = book.keys(r)
        again = attempt > 1
        keys[again] = keys[again] + "#" + attempt[again].astype(str).astype(object)
        lines, owner = book.line_rows(r)
        pickup = book.names.take(b["pickup"][r])
        orders = OrderBatch(
            list(keys),
            np.nan_to_num(b["lat"][r]),
            np.nan_to_num(b["lon"][r]),
            owner,
            list(book.skus.array[book.lines["sku"][lines]]),
            book.lines["quantity"][lines],
            book.lines["price"][lines],
            list(pickup) if (b["pickup"][r] >= 0).any() else None,
        )
        result = self.inventory.allocate_many(orders, at, expires=False)
        whole = np.full(len(r), NONE, np.int64)  # location name code of a whole-order parcel
        if isinstance(result, AllocationBatch):  # the chunks' choices, read as arrays
            column = result.whole_parcels()
            found = np.flatnonzero(column >= 0)
            names = np.array(result.location_names, dtype=object)[column[found]]
            whole[found] = book.names.codes(list(names))
            alone = np.flatnonzero(whole < 0).tolist()
        else:
            alone = range(len(r))
        moved = np.ones(len(r), bool)
        for i in alone:  # split orders, pickups, anything not decided in a chunk
            row, allocation = int(r[i]), result[i]
            whole_lines = tuple((x.sku, x.quantity) for x in allocation.order.lines)
            ships = allocation.shipments
            if not ships:
                book.retries.setdefault(row, []).append(us(at))  # the next attempt: #n+1
                moved[i] = False
            elif (
                len(ships) == 1
                and ships[0].lines == whole_lines
                and (ships[0].reservation == f"{keys[i]}@{ships[0].location}")
            ):
                whole[i] = book.names.codes([ships[0].location])[0]
            else:
                book.parcels[row] = tuple((s.location, s.lines, s.reservation) for s in ships)
                book.backordered[row] = allocation.backordered
                prices = {x.sku: x.unit_price_cents for x in allocation.order.lines}
                b["refunded"][row] += sum(q * prices[s] for s, q in allocation.backordered)
        b["parcel"][r] = np.where(moved, whole, NONE)
        return moved, np.full(len(r), Outcome.OUT_OF_STOCK)

    def _hand_over_rows(self, r: np.ndarray, at: dt.datetime):
        """Commit the parcels' holds (one call); the units are sold to the customer."""
        book, b = self._book, self._book.rows
        moved = np.ones(len(r), bool)
        if self.inventory is not None:
            whole = b["parcel"][r] >= 0
            holds = list(book.parcel_holds(r[whole]))
            owners = list(np.flatnonzero(whole))
            for i in np.flatnonzero(~whole).tolist():
                for _, _, hold in book.parcels.get(int(r[i]), ()):
                    holds.append(hold)
                    owners.append(i)
            if holds:
                outcome = self.inventory.commit_many(holds, at)
                bad = np.asarray(owners)[np.asarray(outcome) > Outcome.REPEATED]
                moved[bad] = False
        b["sold"][r[moved]] += b["units"][r[moved]]
        for row in r[moved & np.isin(r, list(book.parcels))].tolist():  # split: what shipped
            shipped = sum(q for _, lines, _ in book.parcels[row] for _, q in lines)
            b["sold"][row] += shipped - int(b["units"][row])
        return moved, np.full(len(r), Outcome.ILLEGAL)

    def _fulfil_rows(self, r: np.ndarray, at: dt.datetime) -> None:
        """Fulfilled (on-time is judged here unless judged at pick); revenue to the ledger,
        one posting per parcel, in one ledger call (split parcels: one each)."""
        book, b = self._book, self._book.rows
        fulfilled = b["fulfilled"][r]
        b["fulfilled"][r] = np.where(fulfilled < 0, us(at), fulfilled)
        if self.ledger is None or not len(r):
            return
        whole = r[b["parcel"][r] >= 0]
        book.post(self.ledger, whole, np.full(len(whole), us(at)), suffixed=True)
        for row in r[b["parcel"][r] < 0].tolist():
            spec = book.spec(row)
            prices = {x.sku: x.unit_price_cents for x in spec.lines}
            for location, lines, ledger_key in book.parcels.get(row, ()):
                amount = sum(q * prices[s] for s, q in lines)
                self.ledger.post_sale(ledger_key, amount, at, spec.store, location, spec.guide)

    def _sell_cells(self, skus: np.ndarray, stores: np.ndarray, quantity: np.ndarray, at) -> None:
        """Sell (sku, store) cells, all or none, in one inventory call when it can."""
        inventory = self.inventory
        if hasattr(inventory, "sell_at_many"):
            inventory.sell_at_many(skus, stores, quantity, at)
            return
        for sku, store, units in zip(
            skus.tolist(), stores.tolist(), quantity.tolist(), strict=True
        ):
            there = inventory.available(sku, store, SalesChannel.STORE)
            if units > there:
                raise OutOfStock(sku, store, units, there)
        for store in np.unique(stores).tolist():
            mine = stores == store
            inventory.sell_many(
                list(zip(skus[mine].tolist(), quantity[mine].tolist(), strict=True)), store, at
            )

"""The order center's batch-booked orders, kept as columns: one row per order (its key as a
prefix code and a number), one per line, and per state the time the order entered it.

A batch order the single path touches (`order`, `pay`, `return_lines`, ...) is detached: it
becomes an `OrderRecord` in the center's dict, exactly as the single path would have left
it, and its row is skipped by the array paths from then on."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from retail.clock import EPOCH, MICROSECOND
from retail.columns import Columns
from retail.inventory.allocation import OrderLine
from retail.keys import KeyBlock
from retail.orders.columns import BlockIndex
from retail.orders.types import OrderRecord, OrderSpec, OrderState, OrderType

STATES = tuple(OrderState)
CODE = {state: i for i, state in enumerate(STATES)}
TYPES = (OrderType.STORE_SALE, OrderType.ONLINE)
NONE = -1


class Names:
    """Strings interned as int codes (stores, guides, SKUs), with an object array to index."""

    def __init__(self) -> None:
        self.names: list[str] = []
        self.code: dict[str, int] = {}
        self._array = np.zeros(0, dtype=object)

    def codes(self, names) -> np.ndarray:
        for name in names:
            if name not in self.code:
                self.code[name] = len(self.names)
                self.names.append(name)
        return np.array([self.code[n] for n in names], np.int64)

    @property
    def array(self) -> np.ndarray:
        if len(self._array) != len(self.names):
            self._array = np.array([*self.names, None], dtype=object)[:-1]
        return self._array

    def take(self, codes: np.ndarray) -> np.ndarray:
        """Names of codes, None for -1."""
        return np.append(self.array, None)[codes]


class BatchBook:
    """Batch orders as columns. Not thread-safe on its own (the center's lock)."""

    def __init__(self) -> None:
        i8, i32, i64, f8 = (np.dtype(t) for t in (np.int8, np.int32, np.int64, np.float64))
        spec = {
            "prefix": (i32, 0),
            "number": (i64, 0),
            "type": (i8, 0),
            "state": (i8, 0),
            "detached": (np.dtype(bool), False),
            "store": (i64, NONE),
            "pickup": (i64, NONE),
            "guide": (i64, NONE),
            "member": (i64, NONE),
            "lat": (f8, np.nan),
            "lon": (f8, np.nan),
            "promised": (i64, NONE),
            "amount": (i64, 0),
            "refunded": (i64, 0),
            "sold": (i64, 0),
            "units": (i64, 0),
            "first": (i64, 0),
            "count": (i64, 0),
            "attempt": (i64, 0),
            "parcel": (i64, NONE),
            "fulfilled": (i64, NONE),
        }
        spec.update({f"t_{s.value}": (i64, NONE) for s in STATES})
        self.rows = Columns(spec, capacity=4096)
        self.lines = Columns(
            {"sku": (i64, 0), "quantity": (i64, 0), "price": (i64, 0)}, capacity=4096
        )
        self.prefixes = Names()
        self.names = Names()  # stores, locations and guides
        self.skus = Names()
        self.index = BlockIndex()  # (prefix, number) -> row
        self.parcels: dict[int, tuple] = {}  # row -> shipments, when not one whole parcel
        self.backordered: dict[int, tuple] = {}
        self.retries: dict[int, list[int]] = {}  # row -> times of allocations that found nothing

    @property
    def size(self) -> int:
        return self.rows.size

    def find(self, keys: KeyBlock) -> np.ndarray:
        """The row of each key, -1 where the batch store has none."""
        if keys.prefix not in self.prefixes.code:
            return np.full(len(keys), NONE, np.int64)
        return self.index.find(keys.prefix, keys.numbers)

    def find_text(self, key: str) -> int:
        parts = KeyBlock.split(key)
        if parts is None or parts[0] not in self.prefixes.code:
            return NONE
        return int(self.index.find(parts[0], np.array([parts[1]], np.int64))[0])

    def add(self, keys: KeyBlock, lines, columns: dict[str, np.ndarray]) -> np.ndarray:
        """Append orders (and their lines); their rows."""
        n = len(keys)
        first = self.lines.extend(
            sku=self.skus.codes(pd.unique(lines.sku))[
                pd.Index(pd.unique(lines.sku)).get_indexer(lines.sku)
            ],
            quantity=lines.quantity,
            price=lines.price,
        ).start
        prefix = self.prefixes.codes([keys.prefix])[0]
        units = np.add.reduceat(lines.quantity, lines.first) if n else np.zeros(0, np.int64)
        rows = self.rows.extend(
            prefix=np.full(n, prefix),
            number=keys.numbers,
            first=first + lines.first,
            count=lines.count,
            amount=lines.amount,
            units=units,
            **columns,
        )
        rows = np.arange(rows.start, rows.stop, dtype=np.int64)
        self.index.add(keys.prefix, keys.numbers, rows)
        return rows

    def forget(self, gone: np.ndarray) -> None:
        """Drop the orders at rows `gone` and their lines (archived): the rows after them
        move up, and every row number the book keeps moves with them."""
        keep = np.ones(self.size, bool)
        keep[gone] = False
        r = self.rows
        lines_kept = np.repeat(keep, r["count"])  # each order's lines follow the one before
        self.lines.compact(lines_kept)
        count = r["count"][keep]
        first = np.cumsum(count) - count
        self.rows.compact(keep)
        self.rows["first"][:] = first
        moved = np.cumsum(keep) - 1
        for table in (self.parcels, self.backordered, self.retries):
            kept = {int(moved[row]): value for row, value in table.items() if keep[row]}
            table.clear()
            table.update(kept)
        self.index = BlockIndex.of(self.rows["prefix"], self.prefixes.names, self.rows["number"])

    def key(self, row: int) -> str:
        r = self.rows
        return f"{self.prefixes.names[int(r['prefix'][row])]}{int(r['number'][row])}"

    def keys(self, rows: np.ndarray) -> np.ndarray:
        r = self.rows
        numbers = r["number"][rows].astype(str).astype(object)
        return self.prefixes.array[r["prefix"][rows]] + numbers

    def line_rows(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(line indices, owner position in `rows`) of the orders at `rows`."""
        r = self.rows
        count = r["count"][rows]
        owner = np.repeat(np.arange(len(rows)), count)
        start = np.repeat(r["first"][rows] - np.cumsum(count) + count, count)
        return start + np.arange(len(owner)), owner

    # --- the single path's view -----------------------------------------------------------
    def spec(self, row: int) -> OrderSpec:
        r, names = self.rows, self.names.names
        first, count = int(r["first"][row]), int(r["count"][row])
        skus = self.skus.names
        lines = tuple(
            OrderLine(skus[int(s)], int(q), int(p))
            for s, q, p in zip(
                self.lines["sku"][first : first + count].tolist(),
                self.lines["quantity"][first : first + count].tolist(),
                self.lines["price"][first : first + count].tolist(),
                strict=True,
            )
        )

        def name(column: str) -> str | None:
            code = int(r[column][row])
            return None if code < 0 else names[code]

        member = int(r["member"][row])
        kind = TYPES[int(r["type"][row])]
        if kind is OrderType.STORE_SALE:
            return OrderSpec(
                kind,
                lines,
                name("store"),
                guide=name("guide"),
                member=None if member < 0 else member,
            )
        lat, lon = float(r["lat"][row]), float(r["lon"][row])
        promised = int(r["promised"][row])
        return OrderSpec(
            kind,
            lines,
            name("store"),
            guide=name("guide"),
            member=None if member < 0 else member,
            promised=None if promised < 0 else _time(promised),
            pickup_store=name("pickup"),
            lat=None if np.isnan(lat) else lat,
            lon=None if np.isnan(lon) else lon,
        )

    def record(self, row: int) -> OrderRecord:
        """The order as the single path would have left it."""
        r = self.rows
        spec = self.spec(row)
        times = {s: int(r[f"t_{s.value}"][row]) for s in STATES}
        history = []
        for state in STATES:
            if times[state] >= 0:
                history.append((state, _time(times[state])))
            if state is OrderState.PAID:
                history += [(state, _time(t)) for t in self.retries.get(row, ())]
        n = len(spec.lines)
        paid = [line.quantity * line.unit_price_cents for line in spec.lines]
        paid = paid if times[OrderState.PAID] >= 0 else [0] * n
        state = STATES[int(r["state"][row])]
        sold, refunded = [0] * n, [0] * n
        shipments = self.shipments(row)
        handed = times[OrderState.SHIPPED] >= 0 or times[OrderState.PICKED_UP] >= 0
        position = {line.sku: i for i, line in enumerate(spec.lines)}
        for _, parcel, _ in shipments if handed else ():
            for sku, quantity in parcel:
                sold[position[sku]] += quantity
        if spec.type is OrderType.STORE_SALE:
            sold = [line.quantity for line in spec.lines]
        for sku, quantity in self.backordered.get(row, ()):
            refunded[position[sku]] += quantity * spec.lines[position[sku]].unit_price_cents
        if state is OrderState.CANCELLED:
            refunded = list(paid)
        fulfilled = int(r["fulfilled"][row])
        return OrderRecord(
            self.key(row),
            spec,
            _time(times[OrderState.CREATED]),
            state,
            history,
            sold,
            [0] * n,
            paid,
            refunded,
            shipments,
            self.backordered.get(row, ()),
            None if fulfilled < 0 else _time(fulfilled),
        )

    def shipments(self, row: int) -> tuple:
        if row in self.parcels:
            return self.parcels[row]
        parcel = int(self.rows["parcel"][row])
        if parcel < 0:
            return ()
        spec_lines = self.spec(row).lines
        location = self.names.names[parcel]
        return ((location, tuple((x.sku, x.quantity) for x in spec_lines), self.hold(row)),)

    def hold(self, row: int) -> str:
        """The reservation (and ledger) key of a whole-order parcel."""
        attempt = int(self.rows["attempt"][row])
        if attempt == 0:  # allocated without an inventory center: the order's own key
            return self.key(row)
        wanted = self.key(row) + (f"#{attempt}" if attempt > 1 else "")
        return f"{wanted}@{self.names.names[int(self.rows['parcel'][row])]}"

    def parcel_holds(self, rows: np.ndarray) -> np.ndarray:
        """`hold` of many whole-parcel orders (an object array)."""
        return self.keys(rows) + self.suffixes(rows)

    def suffixes(self, rows: np.ndarray) -> np.ndarray:
        r = self.rows
        attempt = r["attempt"][rows]
        tail = np.where(attempt > 1, "#" + attempt.astype(str).astype(object), "")
        at = np.where(attempt > 0, "@" + self.names.take(r["parcel"][rows]).astype(object), "")
        return tail.astype(object) + at

    def post(self, ledger, rows: np.ndarray, at_us: np.ndarray, suffixed: bool) -> None:
        """The sales of whole-parcel (or till) orders at `rows` to the ledger, in one call:
        origin its store, fulfilled by its parcel's location (a till sale: its store)."""
        if not len(rows):
            return
        r = self.rows
        fulfil = r["parcel"][rows] if suffixed else r["store"][rows]
        origin, guide = r["store"][rows], r["guide"][rows]
        used = np.unique(np.concatenate([origin, fulfil, guide]))
        used = used[used >= 0]

        def code(c: np.ndarray) -> np.ndarray:
            return np.where(c >= 0, np.searchsorted(used, c), NONE)

        suffix, names = None, ()
        if suffixed:
            attempt = r["attempt"][rows]
            pair = attempt * (len(self.names.names) + 1) + fulfil
            _, first, inverse = np.unique(pair, return_index=True, return_inverse=True)
            names = list(self.suffixes(rows[first]))
            plain = np.array([n == "" for n in names] + [True])
            suffix = np.where(plain[inverse], NONE, inverse)
            names = [n or "@" for n in names]
        prefix = self.prefixes.names[int(r["prefix"][rows[0]])]
        ledger.post_sales_many(
            KeyBlock(prefix, r["number"][rows]),
            r["amount"][rows],
            at_us,
            code(origin),
            code(fulfil),
            code(guide),
            list(self.names.array[used]),
            suffix,
            names,
        )


def _time(us: int) -> dt.datetime:
    return EPOCH + us * MICROSECOND

"""The stock pool: per (SKU, location) quantities as 2-D integer arrays, and the movements
that change them. Every movement keeps, per SKU,
received = sold + on hand + in transit + shrink."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from retail.checks import MAX_STOCK
from retail.errors import InvalidInput, NotFound, OutOfStock
from retail.inventory.keys import key_codes
from retail.inventory.types import Location, SalesChannel

BASIS = 10_000  # channel shares in basis points: integer arithmetic, no float floor surprises
QUANTITIES = ("on_hand", "in_transit", "received", "sold", "shrink")


class StockPool:
    """Quantities for every SKU (rows, growable) at every location (columns, fixed).

    Not thread-safe on its own: the inventory center serialises callers."""

    def __init__(self, locations: Sequence[Location], capacity: int = 256) -> None:
        if not locations:
            raise InvalidInput("locations", "at least one location is needed")
        self.locations = tuple(locations)
        self.column: dict[str, int] = {}
        for i, location in enumerate(self.locations):
            if location.id in self.column:
                raise InvalidInput("locations", f"location {location.id!r} appears twice")
            self.column[location.id] = i
        self.share_bp = np.array(
            [[round(loc.share(c) * BASIS) for loc in self.locations] for c in SalesChannel],
            dtype=np.int64,
        )
        self.row: dict[str, int] = {}
        self.skus: list[str] = []
        self._sku_index: pd.Index | None = None  # for batch lookups; rebuilt as SKUs are added
        shape = (capacity, len(self.locations))
        self.q = {name: np.zeros(shape, np.int64) for name in QUANTITIES}
        self.reserved = np.zeros((len(SalesChannel), *shape), np.int64)  # per channel
        self.reserved_total = np.zeros(shape, np.int64)

    # --- keys -------------------------------------------------------------------------
    def sku_row(self, sku: str, create: bool = False) -> int:
        row = self.row.get(sku)
        if row is None:
            if not create:
                raise NotFound("sku", sku)
            if not isinstance(sku, str) or not sku:
                raise InvalidInput("sku", f"must be a non-empty string, got {sku!r}")
            row = self.row[sku] = len(self.skus)
            self.skus.append(sku)
            if row >= len(self.reserved_total):
                self._grow(2 * row)
        return row

    def location_column(self, location: str) -> int:
        column = self.column.get(location)
        if column is None:
            raise NotFound("location", location)
        return column

    def rows_of(self, skus: Sequence[str]) -> np.ndarray:
        """Rows of many SKUs at once; an unknown one is NotFound."""
        if self._sku_index is None or len(self._sku_index) != len(self.skus):
            self._sku_index = pd.Index(self.skus)
        rows = self._sku_index.get_indexer(pd.Index(skus, dtype=object)).astype(np.int64)
        if (rows < 0).any():
            raise NotFound("sku", skus[int(np.flatnonzero(rows < 0)[0])])
        return rows

    def columns_of(self, locations: Sequence[str]) -> np.ndarray:
        """Columns of many locations at once; an unknown one is NotFound."""
        try:
            codes, names = key_codes(locations, "locations")
            found = np.fromiter((self.column.get(x, -1) for x in names), np.int64, len(names))
            if (found >= 0).all():
                return found[codes]
        except InvalidInput:  # not all non-empty strings: the loop below says which
            pass
        columns = np.fromiter((self.column.get(x, -1) for x in locations), np.int64, len(locations))
        if (columns < 0).any():
            raise NotFound("location", locations[int(np.flatnonzero(columns < 0)[0])])
        return columns

    def _grow(self, capacity: int) -> None:
        def grown(array: np.ndarray, axis: int) -> np.ndarray:
            shape = list(array.shape)
            shape[axis] = capacity
            bigger = np.zeros(shape, array.dtype)
            bigger[(slice(None),) * axis + (slice(0, array.shape[axis]),)] = array
            return bigger

        self.q = {name: grown(a, 0) for name, a in self.q.items()}
        self.reserved = grown(self.reserved, 1)
        self.reserved_total = grown(self.reserved_total, 0)

    # --- what can be sold ---------------------------------------------------------------
    def available(self, row: int, column: int, channel: SalesChannel) -> int:
        """What `channel` may still take here: within the channel's share of on hand, and
        never more than on hand minus everything reserved."""
        on_hand = int(self.q["on_hand"][row, column])
        free = on_hand - int(self.reserved_total[row, column])
        bp = int(self.share_bp[channel, column])
        if bp == BASIS:  # the channel's share is everything: only `free` limits it
            return max(0, free)
        shared = on_hand * bp // BASIS - int(self.reserved[channel, row, column])
        return max(0, min(free, shared))

    def available_matrix(
        self, rows: np.ndarray, columns: np.ndarray, channel: SalesChannel
    ) -> np.ndarray:
        """`available` for every pair of rows[..., None] and columns[None, ...] at once."""
        return self.available_cells(np.asarray(rows)[..., None], np.asarray(columns)[None, ...],
                                    channel)  # fmt: skip

    def available_cells(
        self, rows: np.ndarray, columns: np.ndarray, channel: SalesChannel
    ) -> np.ndarray:
        """`available` for each (rows[i], columns[i]), broadcasting like numpy indexing."""
        on_hand = self.q["on_hand"][rows, columns]
        free = on_hand - self.reserved_total[rows, columns]
        shared = (
            on_hand * self.share_bp[channel, columns] // BASIS
            - self.reserved[channel, rows, columns]
        )
        return np.maximum(0, np.minimum(free, shared))

    # --- movements (quantities already validated as positive ints) ------------------------
    def receive_many(
        self,
        names: list[str],
        codes: np.ndarray,
        columns: np.ndarray,
        quantity: np.ndarray,
        field: Callable,
    ) -> None:
        """Receipts of line i's SKU, names[codes[i]] (new ones are added, in the order of
        `names`), at `columns`, all or none: refused, naming `field(i)`, if a cell would hold
        more than MAX_STOCK."""
        known = np.fromiter((self.row.get(sku, -1) for sku in names), np.int64, len(names))
        self.check_room(known[codes], columns, quantity, field, skus=codes)
        created = np.fromiter((self.sku_row(sku, create=True) for sku in names), np.int64,
                              len(names))  # fmt: skip
        rows = created[codes]
        for name in ("received", "on_hand"):
            np.add.at(self.q[name], (rows, columns), quantity)

    def take_back(self, cells: list[tuple[int, int]], sellers: list[int], column: int) -> None:
        """Returned (row, quantity) lines onto `column`'s shelf, each off the sold of its
        seller's column, all or none: a location takes back no more than it sold."""
        returned: dict[tuple[int, int], int] = {}
        for i, ((row, quantity), seller) in enumerate(zip(cells, sellers, strict=True)):
            returned[row, seller] = total = returned.get((row, seller), 0) + quantity
            sold = int(self.q["sold"][row, seller])
            if total > sold:
                where = self.locations[seller].id
                raise InvalidInput(
                    f"lines[{i}].quantity",
                    f"{total} of sku {self.skus[row]!r} returned, {sold} sold at {where!r}",
                )
        rows = [row for row, _ in cells]
        self.check_room(rows, [column] * len(rows), np.array([q for _, q in cells]),
                        lambda i: f"lines[{i}].quantity")  # fmt: skip
        for (row, quantity), seller in zip(cells, sellers, strict=True):
            self.q["sold"][row, seller] -= quantity
            self.q["on_hand"][row, column] += quantity

    def take(self, row: int, column: int, quantity: int, channel: SalesChannel, to: str) -> None:
        """Unreserved stock leaves the shelf as `to` ("sold" or "shrink")."""
        self.check(row, column, quantity, channel)
        self.q["on_hand"][row, column] -= quantity
        self.q[to][row, column] += quantity

    def dispatch(self, row: int, source: int, destination: int, quantity: int) -> None:
        """Unreserved stock leaves `source` for `destination`: in transit until it arrives."""
        self.check(row, source, quantity, SalesChannel.TRANSFER)
        self.q["on_hand"][row, source] -= quantity
        self.q["in_transit"][row, destination] += quantity

    def arrive(self, row: int, column: int, quantity: int) -> None:
        if quantity > self.q["in_transit"][row, column]:
            in_transit = int(self.q["in_transit"][row, column])
            raise InvalidInput("quantity", f"{quantity} arriving, {in_transit} in transit")
        self.q["in_transit"][row, column] -= quantity
        self.q["on_hand"][row, column] += quantity

    def check(self, row: int, column: int, quantity: int, channel: SalesChannel) -> None:
        available = self.available(row, column, channel)
        if quantity > available:
            raise OutOfStock(self.skus[row], self.locations[column].id, quantity, available)

    def check_room(
        self,
        rows: Sequence[int] | np.ndarray,
        columns: Sequence[int] | np.ndarray,
        quantity: np.ndarray,
        field: Callable[[int], str],
        skus: np.ndarray | None = None,
    ) -> None:
        """`InvalidInput` naming `field(i)` for the first line i whose cell would hold more
        than MAX_STOCK (on hand plus in transit) once it and the lines before it arrive. A row
        of -1 is a SKU not in the pool yet (its cells are empty); `skus` then gives each line
        a code of its SKU, so that its lines add up."""
        rows, columns = np.asarray(rows, np.int64), np.asarray(columns, np.int64)
        if not len(rows):
            return
        known = rows >= 0
        row = np.where(known, rows, 0)
        held = np.where(known, self.q["on_hand"][row, columns] + self.q["in_transit"][row, columns],
                        0)  # fmt: skip
        group = rows if skus is None else np.asarray(skus, np.int64)
        after = held + running_total(group * len(self.locations) + columns, quantity)
        over = after > MAX_STOCK
        if over.any():
            i = int(np.argmax(over))
            raise InvalidInput(field(i), f"{self.locations[columns[i]].id!r} would hold "
                               f"{after[i]} units of the SKU, above {MAX_STOCK}")  # fmt: skip

    def hold(self, row: int, column: int, quantity: int, channel: SalesChannel) -> None:
        """Reserve (negative: unreserve) without moving stock."""
        self.reserved[channel, row, column] += quantity
        self.reserved_total[row, column] += quantity

    def hand_over(self, row: int, column: int, quantity: int, channel: SalesChannel) -> None:
        """A held quantity leaves as sold."""
        self.hold(row, column, -quantity, channel)
        self.q["on_hand"][row, column] -= quantity
        self.q["sold"][row, column] += quantity

    # --- accounting ----------------------------------------------------------------------
    def totals(self) -> dict[str, np.ndarray]:
        """Per SKU (in row order): every quantity summed over locations."""
        n = len(self.skus)
        sums = {name: a[:n].sum(axis=1) for name, a in self.q.items()}
        sums["reserved"] = self.reserved_total[:n].sum(axis=1)
        return sums


def running_total(cell: np.ndarray, quantity: np.ndarray) -> np.ndarray:
    """For each line, the quantity of its cell asked for by it and every earlier line."""
    order = np.argsort(cell, kind="stable")
    sorted_cell, total = cell[order], np.cumsum(quantity[order])
    group_start = np.flatnonzero(np.r_[True, sorted_cell[1:] != sorted_cell[:-1]])
    before_group = np.repeat(total[group_start] - quantity[order][group_start],
                             np.diff(np.r_[group_start, len(cell)]))  # fmt: skip
    running = np.empty_like(total)
    running[order] = total - before_group
    return running

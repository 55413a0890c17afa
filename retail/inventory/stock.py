"""The stock pool: per (SKU, location) quantities as 2-D integer arrays, and the movements
that change them. Every movement keeps, per SKU,
received = sold + on hand + in transit + shrink."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from retail.errors import InvalidInput, NotFound, OutOfStock
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
    def receive(self, row: int, column: int, quantity: int) -> None:
        self.q["received"][row, column] += quantity
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

"""Archiving what the inventory center no longer needs: the reservations closed (committed,
released, expired) before a time, and the allocations made before it, which a center keeps
for replays and explanations. A year of a chain's online orders does not stay in memory.

What is archived is final: an archived reservation or allocation cannot be found, settled or
made again (its key stays taken, kept as runs of numbers in `KeyRanges`). The stock it moved
stays moved; the log without the closed reservations still adds up to what is reserved.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from retail.clock import microseconds
from retail.columns import texts
from retail.inventory.reservations import CHANNELS, HELD, STATES, ReservationBook
from retail.keys import KeyRanges


class Archiving:
    """Mixed into InventoryCenter: `archive`, and the allocation keys it remembers."""

    book: ReservationBook
    _allocations: dict
    _allocated: list[tuple[int, list[str]]]  # (microseconds, order keys) per allocation call
    _archived_allocations: KeyRanges

    def archive(self, before: dt.datetime) -> dict[str, pd.DataFrame]:
        """Forget the reservations closed before `before` and the allocations made before
        it, and return them: `reservations` (one row per line: key, sku, location, channel,
        quantity, state, created, closed) and `allocations` (order key, allocated_at); the
        candidates an allocation weighed are not kept. Nothing to archive: an empty dict."""
        limit = microseconds(before, "before")
        with self._lock:
            tables = {}
            h = self.book.holds
            gone = np.flatnonzero((h["state"] != HELD) & (h["closed"] < limit))
            if len(gone):
                tables["reservations"] = _reservations(self.book, gone)
                self.book.forget(gone)
            old = [(at, keys) for at, keys in self._allocated if at < limit]
            if old:
                self._allocated = [(at, keys) for at, keys in self._allocated if at >= limit]
                keys = [key for _, block in old for key in block]
                for key in keys:
                    self._allocations.pop(key, None)
                self._archived_allocations.add_texts(keys)
                when = np.repeat([at for at, _ in old], [len(block) for _, block in old])
                tables["allocations"] = pd.DataFrame(
                    {"key": keys, "allocated_at": pd.to_datetime(when, unit="us")}
                )
            return tables


def _reservations(book: ReservationBook, holds: np.ndarray) -> pd.DataFrame:
    """One row per line of the reservations at `holds`."""
    h, lines, pool = book.holds, book.lines, book.pool
    line, owner = book._line_indices(holds), np.repeat(holds, h["count"][holds])
    keys = [book.keys[i] for i in holds.tolist()]
    return pd.DataFrame({
        "key": texts(keys, np.repeat(np.arange(len(holds)), h["count"][holds])),
        "sku": texts(pool.skus, lines["row"][line]),
        "location": texts([loc.id for loc in pool.locations], lines["column"][line]),
        "channel": texts([c.name.lower() for c in CHANNELS], h["channel"][owner]),
        "quantity": lines["quantity"][line],
        "state": texts([s.value for s in STATES], h["state"][owner]),
        "created": pd.to_datetime(h["created"][owner], unit="us"),
        "closed": pd.to_datetime(h["closed"][owner], unit="us"),
    })  # fmt: skip

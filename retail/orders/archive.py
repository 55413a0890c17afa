"""Archiving closed orders: the order center hands back the batch orders closed before a
time, as tables, and forgets them, so that a year of a chain's sales does not stay in memory.

What is archived is final: an archived order cannot be found, paid, returned or booked
again (its key stays taken, kept as runs of numbers in `KeyRanges`). Orders kept one by one
(the single path, or a batch order a single call has touched) are not archived.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pyarrow as pa

from retail.clock import microseconds
from retail.columns import texts
from retail.keys import KeyBlock, KeyRanges
from retail.orders.book import CODE, NONE, BatchBook
from retail.orders.frames import batch_frame
from retail.orders.types import OrderState

# The states after which an order moves no more goods and no more money through the center.
CLOSED = {CODE[OrderState.COMPLETED]: "t_completed", CODE[OrderState.CANCELLED]: "t_cancelled"}


class Archiving:
    """Mixed into OrderCenter: `archive` and the archived keys it remembers."""

    _book: BatchBook
    _archived: KeyRanges

    def archive(self, before: dt.datetime) -> dict[str, pd.DataFrame]:
        """Forget the batch orders completed or cancelled before `before` and return them:
        `orders` (the `frame` columns, with `member` and `closed_at`) and `order_lines`
        (`key`, `sku`, `quantity`, `unit_price_cents`). Refunds and returns are no longer
        possible on them, so a caller archives past the return window. Nothing closed
        before `before`: an empty dict."""
        limit = microseconds(before, "before")
        with self._lock:
            book = self._book
            if not book.size:
                return {}
            r = book.rows
            closed_at = np.full(book.size, NONE, np.int64)
            for state, column in CLOSED.items():
                at = r["state"] == state
                closed_at[at] = r[column][at]
            gone = np.flatnonzero((closed_at >= 0) & (closed_at < limit) & ~r["detached"])
            if not len(gone):
                return {}
            orders = batch_frame(book, gone)
            orders["member"] = r["member"][gone]  # -1: none
            orders["closed_at"] = pd.to_datetime(closed_at[gone], unit="us")
            line, owner = book.line_rows(gone)
            lines = pd.DataFrame({
                "key": texts(pa.array(orders.index.array, pa.string()), owner),
                "sku": texts(book.skus.names, book.lines["sku"][line]),
                "quantity": book.lines["quantity"][line],
                "unit_price_cents": book.lines["price"][line],
            })  # fmt: skip
            codes, group = np.unique(r["prefix"][gone], return_inverse=True)
            heads = [(book.prefixes.names[code], "") for code in codes.tolist()]
            self._archived.add_grouped(heads, group, r["number"][gone])
            book.forget(gone)
            return {"orders": orders, "order_lines": lines}

    def archived(self, keys: KeyBlock) -> np.ndarray:
        """Mask of the keys whose orders were archived."""
        return self._archived.contains(keys.prefix, keys.numbers)

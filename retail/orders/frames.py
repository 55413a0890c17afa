"""The order center's frame rows of batch-booked orders, built with array operations."""

from __future__ import annotations

import numpy as np
import pandas as pd

from retail.columns import key_texts, texts
from retail.orders.book import STATES, TYPES, BatchBook


def batch_frame(book: BatchBook, rows: np.ndarray | None = None) -> pd.DataFrame | None:
    """One row per batch order not detached into the dict (or per order at `rows`), with
    `OrderCenter.frame` columns."""
    if not book.size:
        return None
    b = book.rows
    rows = np.flatnonzero(~b["detached"]) if rows is None else rows
    if not len(rows):
        return None
    names = book.names.names

    def times(column: str) -> pd.Series:
        value = b[column][rows]
        return pd.to_datetime(np.where(value >= 0, value, np.iinfo(np.int64).min), unit="us")

    by = np.where(b["parcel"][rows] >= 0, b["parcel"][rows], b["store"][rows])
    split = np.flatnonzero(np.isin(rows, list(book.parcels)))  # by its first parcel's location
    by[split] = book.names.codes([book.parcels[int(rows[i])][0][0] for i in split.tolist()])
    paid = b["t_paid"][rows] >= 0
    frame = pd.DataFrame(
        {
            "key": key_texts(book.prefixes.names, b["prefix"][rows], b["number"][rows]),
            "type": texts([t.value for t in TYPES], b["type"][rows]),
            "state": texts([s.value for s in STATES], b["state"][rows]),
            "store": texts(names, b["store"][rows]),
            "pickup_store": texts(names, b["pickup"][rows]),
            "guide": texts(names, b["guide"][rows]),
            "amount_cents": b["amount"][rows],
            "paid_cents": np.where(paid, b["amount"][rows], 0),
            "refunded_cents": b["refunded"][rows],
            "sold": b["sold"][rows],
            "returned": np.zeros(len(rows), np.int64),
            "created": times("t_created"),
            "promised": times("promised"),
            "fulfilled_at": times("fulfilled"),
            "fulfilled_by": texts(names, by),
        }
    )
    return frame.set_index("key")


def batch_due(book: BatchBook, start_us: int, end_us: int, by: str) -> pd.DataFrame | None:
    """`OrderCenter.on_time`'s rows for batch orders promised in [start_us, end_us), without
    building the frame: (`by` value, on time) per order due; None if `by` is not one of the
    columns kept as codes (`store`, `pickup_store`, `guide`, `fulfilled_by`)."""
    if by not in ("store", "pickup_store", "guide", "fulfilled_by"):
        return None
    if not book.size:
        return pd.DataFrame({by: [], "on_time": []})
    b = book.rows
    promised = b["promised"]
    cancelled = STATES.index(next(s for s in STATES if s.value == "cancelled"))
    rows = np.flatnonzero((promised >= start_us) & (promised < end_us) & ~b["detached"]
                          & (b["state"] != cancelled))  # fmt: skip
    fulfilled = b["fulfilled"][rows]
    made_it = (fulfilled >= 0) & (fulfilled <= promised[rows])
    column = {"store": "store", "pickup_store": "pickup", "guide": "guide"}.get(by)
    if column is not None:
        names = book.names.take(b[column][rows])
    else:
        parcel = b["parcel"][rows]
        names = book.names.take(np.where(parcel >= 0, parcel, b["store"][rows]))
        for i in np.flatnonzero(np.isin(rows, list(book.parcels))).tolist():
            names[i] = book.parcels[int(rows[i])][0][0]
    return pd.DataFrame({by: names, "on_time": made_it})

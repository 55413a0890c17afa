"""Batches of orders as columns, and the key index the batch paths keep.

`OrderLines` and `OnlineOrders` carry a day of a chain's orders as numpy columns (codes into
name lists, -1 for none); `checked_lines` validates lines as `check_spec` validates one
order's; `BlockIndex` finds rows by (prefix, number) with array operations (a ledger key
splits into (prefix, number, suffix) by `KeyBlock.split_suffixed`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from retail import checks
from retail.errors import InvalidInput
from retail.keys import SEPARATORS, KeyBlock


@dataclass(frozen=True)
class OrderLines:
    """Lines of a batch of orders as columns: line j belongs to order `order[j]` (sorted
    ascending)."""

    order: np.ndarray  # int64, index into the batch's orders, sorted
    sku: Sequence[str] | np.ndarray  # SKU ids (strings; a numpy str array allowed)
    quantity: np.ndarray  # int64 > 0
    unit_price_cents: np.ndarray  # int64 >= 0


@dataclass(frozen=True)
class OnlineOrders:
    """Online (B2C) orders as columns, the fields of an online `OrderSpec`: `members` (-1:
    none); `origin_stores` (codes into `store_names`, -1: none; the spec's `store`);
    `lat`/`lon` the delivery address (NaN for a pickup order without one); `pickup_stores`
    (codes into `store_names`, -1: ship to the address); `guides` (codes into `guide_names`,
    -1: none); `lines`; `amount_cents` (what the customer pays: must equal the lines' sum,
    as `pay` insists); `promised_s` (seconds since the epoch, -1: no promise)."""

    members: np.ndarray
    origin_stores: np.ndarray
    store_names: Sequence[str]
    lat: np.ndarray
    lon: np.ndarray
    pickup_stores: np.ndarray
    guides: np.ndarray
    guide_names: Sequence[str]
    lines: OrderLines
    amount_cents: np.ndarray
    promised_s: np.ndarray


@dataclass(frozen=True)
class Lines:
    """Checked lines: sku names (object array), quantity, price, order, and per order the first
    line and the count; `amount` per order."""

    order: np.ndarray
    sku: np.ndarray
    quantity: np.ndarray
    price: np.ndarray
    first: np.ndarray
    count: np.ndarray
    amount: np.ndarray


def checked_lines(lines: OrderLines, n: int, field: str = "lines") -> Lines:
    """The lines of `n` orders checked as `check_spec` checks one order's: at least one line
    per order, grouped in order, whole units, whole-cent prices, distinct SKUs within an
    order, each order's amount within MAX_CENTS. InvalidInput names the first bad row."""
    if not isinstance(lines, OrderLines):
        raise InvalidInput(field, f"must be OrderLines, got {type(lines).__name__}")
    checks.same_length(
        field,
        order=lines.order,
        sku=lines.sku,
        quantity=lines.quantity,
        unit_price_cents=lines.unit_price_cents,
    )
    order = checks.integers(lines.order, f"{field}.order", 0, max(n - 1, 0), "an order index")
    if len(order) and np.any(np.diff(order) < 0):
        raise InvalidInput(f"{field}.order", "lines must be grouped by order, in order")
    count = np.bincount(order, minlength=n) if n else np.zeros(0, np.int64)
    if len(count) > n or (count == 0).any():
        i = int(np.flatnonzero(count == 0)[0]) if (count == 0).any() else n
        raise InvalidInput(f"orders[{i}].lines", "an order needs at least one line")
    quantity = checks.quantities(lines.quantity, f"{field}.quantity")
    price = checks.cents_array(lines.unit_price_cents, f"{field}.unit_price_cents")
    sku = np.asarray(lines.sku, dtype=object)
    if sku.ndim != 1:
        raise InvalidInput(f"{field}.sku", "must be a flat sequence of SKU ids")
    bad = ~np.fromiter((isinstance(s, str) and s != "" for s in sku), bool, len(sku))
    if bad.any():
        j = int(np.argmax(bad))
        raise InvalidInput(f"{field}.sku[{j}]", f"must be a non-empty string, got {sku[j]!r}")
    codes = pd.factorize(sku)[0] if len(sku) else np.zeros(0, np.int64)
    cell = order * (int(codes.max(initial=0)) + 1) + codes
    if len(pd.unique(cell)) < len(cell):
        j = int(np.flatnonzero(pd.Index(cell).duplicated())[0])
        raise InvalidInput(f"{field}.sku[{j}]", f"{sku[j]!r} repeated: merge the lines")
    first = np.concatenate(([0], np.cumsum(count)[:-1])).astype(np.int64)
    amount = np.add.reduceat(quantity * price, first) if n else np.zeros(0, np.int64)
    over = amount > checks.MAX_CENTS
    if over.any():
        i = int(np.argmax(over))
        raise InvalidInput(
            f"orders[{i}].amount_cents", f"must be whole cents in [0, {checks.MAX_CENTS}]"
        )
    return Lines(order, sku, quantity, price, first, count.astype(np.int64), amount)


def checked_block(keys: object, field: str = "keys") -> KeyBlock:
    """A KeyBlock whose prefix holds no '@' or '#' (they start a parcel's suffix)."""
    if not isinstance(keys, KeyBlock):
        raise InvalidInput(field, f"must be a KeyBlock, got {type(keys).__name__}")
    if any(c in keys.prefix for c in SEPARATORS):
        raise InvalidInput(f"{field}.prefix", f"must not hold '@' or '#', got {keys.prefix!r}")
    return keys


def codes(values: object, names: Sequence[str], field: str, none: bool) -> np.ndarray:
    """Int codes into `names` (and -1 for none when `none`), as int64."""
    if values is None:
        return np.full(0, -1, np.int64)
    return checks.integers(
        values, field, -1 if none else 0, len(names) - 1, "a code into its names"
    )


def names(values: Sequence[str], field: str) -> list[str]:
    """Each a non-empty string."""
    return [checks.key(v, f"{field}[{i}]") for i, v in enumerate(values)]


class BlockIndex:
    """Rows by (prefix, number); per prefix the numbers are kept sorted (merged lazily), so a
    batch's lookup is one searchsorted. Numbers may repeat (a ledger's parcels)."""

    def __init__(self) -> None:
        self._parts: dict[str, list[tuple[np.ndarray, np.ndarray]]] = {}
        self._loose: dict[str, list[tuple[int, int]]] = {}

    @classmethod
    def of(cls, prefixes: np.ndarray, names: list[str], numbers: np.ndarray) -> BlockIndex:
        """The index of rows 0..n-1 whose keys are (`names[prefixes[i]]`, `numbers[i]`)."""
        index = cls()
        by_prefix = np.argsort(prefixes, kind="stable")
        edges = np.flatnonzero(np.diff(prefixes[by_prefix])) + 1
        for rows in np.split(by_prefix, edges) if len(by_prefix) else ():
            index.add(names[int(prefixes[rows[0]])], numbers[rows], rows.astype(np.int64))
        return index

    def add(self, prefix: str, numbers: np.ndarray, rows: np.ndarray) -> None:
        if len(numbers):
            self._parts.setdefault(prefix, []).append((numbers, rows))

    def add_one(self, prefix: str, number: int, row: int) -> None:
        self._loose.setdefault(prefix, []).append((number, row))

    def _sorted(self, prefix: str) -> tuple[np.ndarray, np.ndarray]:
        parts = self._parts.get(prefix, [])
        loose = self._loose.pop(prefix, None)
        if loose:
            parts.append(
                (
                    np.array([n for n, _ in loose], np.int64),
                    np.array([r for _, r in loose], np.int64),
                )
            )
        if len(parts) != 1 or loose:
            if not parts:
                return np.zeros(0, np.int64), np.zeros(0, np.int64)
            numbers = np.concatenate([p[0] for p in parts])
            rows = np.concatenate([p[1] for p in parts])
            order = np.argsort(numbers, kind="stable")
            parts[:] = [(numbers[order], rows[order])]
            self._parts[prefix] = parts
        elif not _is_sorted(parts[0][0]):
            order = np.argsort(parts[0][0], kind="stable")
            parts[0] = (parts[0][0][order], parts[0][1][order])
        return parts[0]

    def find(self, prefix: str, numbers: np.ndarray) -> np.ndarray:
        """The first row of each number, -1 where none."""
        known, rows = self._sorted(prefix)
        if not len(known):
            return np.full(len(numbers), -1, np.int64)
        at = np.minimum(np.searchsorted(known, numbers), len(known) - 1)
        return np.where(known[at] == numbers, rows[at], -1)

    def find_all(self, prefix: str, number: int) -> np.ndarray:
        known, rows = self._sorted(prefix)
        return rows[np.searchsorted(known, number) : np.searchsorted(known, number, "right")]


def _is_sorted(a: np.ndarray) -> bool:
    return bool(len(a) < 2 or (a[1:] >= a[:-1]).all())

"""Stock movements and reads over many locations in one call, on arrays: a chain's day of
sales, a warehouse's truck to a thousand stores, the stores' review, positions and totals.

The functions here take the center's `StockPool` and are called by `InventoryCenter` under
its lock. Each checks every line before it moves a unit, so a refused call changes nothing;
keys are mapped once per distinct value (`pd.factorize`), so the cost is a few array passes
over the lines, not a Python step per line. Lists, object arrays and numpy str arrays of keys
are all taken; object arrays are the fastest."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from retail import checks
from retail.errors import InvalidInput, NotFound, OutOfStock
from retail.inventory.keys import key_codes
from retail.inventory.replenishment import Plan, ReplenishmentPolicy, plan, purchase_orders
from retail.inventory.stock import StockPool, running_total
from retail.inventory.types import SalesChannel


@dataclass(frozen=True)
class Positions:
    """Stock of `skus` at `locations`, each a (locations x skus) int64 matrix, as
    `InventoryCenter.position` gives it per cell: available = on_hand - reserved."""

    locations: tuple[str, ...]
    skus: tuple[str, ...]
    on_hand: np.ndarray
    reserved: np.ndarray
    available: np.ndarray
    in_transit: np.ndarray


@dataclass(frozen=True)
class ReviewResult:
    """A review of every (store, sku) cell: the purchase orders as columns (one row per cell
    with something to order, stores-major), the plan of every cell (flat, cell i is store
    i // len(skus), sku i % len(skus)) and the positions it started from."""

    at: dt.datetime
    stores: np.ndarray  # object: the store of each order line
    skus: np.ndarray  # object: its sku
    quantities: np.ndarray  # int64 units, whole cases, > 0
    lead_days: np.ndarray  # int64: on the shelf when day at + lead_days opens
    plan: Plan
    positions: Positions

    def __len__(self) -> int:
        return len(self.quantities)

    def frame(self, source: str = "") -> pd.DataFrame:
        """The orders as `replenishment.purchase_orders` gives them: store, sku, quantity,
        source, ordered_at, due_at."""
        where, what = self.positions.locations, self.positions.skus
        stores = np.repeat(np.array(where, dtype=object), len(what))
        skus = np.tile(np.array(what, dtype=object), len(where))
        return purchase_orders(self.plan, stores, skus, self.at, source)


@dataclass(frozen=True)
class LocationTotals:
    """Per location (in the center's order), every quantity summed over SKUs."""

    locations: tuple[str, ...]
    on_hand: np.ndarray
    reserved: np.ndarray
    in_transit: np.ndarray
    received: np.ndarray
    sold: np.ndarray
    shrink: np.ndarray


# --- keys ------------------------------------------------------------------------------------
def lookup(values: Sequence[str] | np.ndarray, ids: Mapping[str, int], kind: str, field: str
           ) -> np.ndarray:  # fmt: skip
    """The index in `ids` of each value; the first unknown one is `NotFound(kind, value)`."""
    codes, uniques = key_codes(values, field)
    found = np.fromiter((ids.get(u, -1) for u in uniques), np.int64, len(uniques))
    if (found < 0).any():
        raise NotFound(kind, uniques[int(np.argmax(found < 0))])
    return found[codes]


def _lines(pool: StockPool, name: str, skus, quantities, **places) -> tuple[np.ndarray, ...]:
    """Rows, the columns of each of `places` (locations, sources, ...) and the quantities of
    a batch of lines, all checked."""
    quantity = checks.quantities(quantities, "quantities")
    checks.same_length(name, skus=skus, **places, quantities=quantity)
    rows = lookup(skus, pool.row, "sku", "skus")
    columns = [lookup(v, pool.column, "location", field) for field, v in places.items()]
    return rows, *columns, quantity


def _cell_totals(pool: StockPool, rows, columns, quantity):
    """The distinct cells of the lines in order of first appearance and their summed units."""
    codes, cells = pd.factorize(rows * len(pool.locations) + columns)
    totals = np.zeros(len(cells), np.int64)
    np.add.at(totals, codes, quantity)
    cell_rows, cell_columns = np.divmod(cells.astype(np.int64), len(pool.locations))
    return cell_rows, cell_columns, totals


def _check_stock(pool: StockPool, rows, columns, totals, channel: SalesChannel) -> None:
    available = pool.available_cells(rows, columns, channel)
    short = totals > available
    if short.any():
        j = int(np.argmax(short))
        raise OutOfStock(pool.skus[rows[j]], pool.locations[columns[j]].id, int(totals[j]),
                         int(available[j]))  # fmt: skip


# --- movements ---------------------------------------------------------------------------------
def sell_at_many(pool: StockPool, skus, locations, quantities) -> None:
    """Line i sells quantities[i] of skus[i] at locations[i] over the counter; repeated cells
    are summed and checked as `sell_many` checks a basket: all lines or none."""
    rows, columns, quantity = _lines(pool, "sell_at_many", skus, quantities, locations=locations)
    if not len(quantity):
        return
    rows, columns, totals = _cell_totals(pool, rows, columns, quantity)
    _check_stock(pool, rows, columns, totals, SalesChannel.STORE)
    pool.q["on_hand"][rows, columns] -= totals
    pool.q["sold"][rows, columns] += totals


def dispatch_at_many(pool: StockPool, skus, sources, destinations, quantities) -> None:
    """Line i sends quantities[i] of skus[i] from sources[i] to destinations[i], in transit
    there until it arrives, checked as `dispatch_many` checks: all lines or none."""
    rows, source, target, quantity = _lines(
        pool, "dispatch_at_many", skus, quantities, sources=sources, destinations=destinations
    )
    if not len(quantity):
        return
    same = source == target
    if same.any():
        i = int(np.argmax(same))
        raise InvalidInput(f"destinations[{i}]",
                           f"{pool.locations[target[i]].id!r} is also the source")  # fmt: skip
    cell_rows, cell_columns, totals = _cell_totals(pool, rows, source, quantity)
    _check_stock(pool, cell_rows, cell_columns, totals, SalesChannel.TRANSFER)
    pool.check_room(rows, target, quantity, lambda i: f"quantities[{i}]")
    pool.q["on_hand"][cell_rows, cell_columns] -= totals
    np.add.at(pool.q["in_transit"], (rows, target), quantity)


def arrive_at_many(pool: StockPool, skus, locations, quantities) -> None:
    """Line i's in-transit units reach locations[i]'s shelf, all lines or none: a cell never
    takes more than it has in transit."""
    rows, columns, quantity = _lines(pool, "arrive_at_many", skus, quantities, locations=locations)
    if not len(quantity):
        return
    in_transit = pool.q["in_transit"][rows, columns]
    asked = running_total(rows * len(pool.locations) + columns, quantity)
    over = asked > in_transit
    if over.any():
        i = int(np.argmax(over))
        sku, where = pool.skus[rows[i]], pool.locations[columns[i]].id
        raise InvalidInput(f"quantities[{i}]", f"{asked[i]} of sku {sku!r} arriving at "
                           f"{where!r}, {in_transit[i]} in transit")  # fmt: skip
    np.add.at(pool.q["in_transit"], (rows, columns), -quantity)
    np.add.at(pool.q["on_hand"], (rows, columns), quantity)


# --- reads ---------------------------------------------------------------------------------------
def positions(pool: StockPool, locations, skus) -> Positions:
    """Every (location, sku) pair's position at once; unknown keys are NotFound."""
    columns = lookup(locations, pool.column, "location", "stores")[:, None]
    rows = lookup(skus, pool.row, "sku", "skus")[None, :]
    on_hand = pool.q["on_hand"][rows, columns]
    reserved = pool.reserved_total[rows, columns]
    names = tuple(pool.locations[c].id for c in columns[:, 0].tolist())
    return Positions(names, tuple(pool.skus[r] for r in rows[0].tolist()), on_hand, reserved,
                     on_hand - reserved, pool.q["in_transit"][rows, columns])  # fmt: skip


def totals(pool: StockPool) -> LocationTotals:
    n = len(pool.skus)
    sums = {name: a[:n].sum(axis=0) for name, a in pool.q.items()}
    return LocationTotals(tuple(loc.id for loc in pool.locations),
                          reserved=pool.reserved_total[:n].sum(axis=0), **sums)  # fmt: skip


def checked_review_input(policy, demand_mean, demand_sigma, stores, skus, lead_days, on_order):
    """The review's arguments checked, as (stores, skus, daily, sigma, lead, on_order): daily
    is stores x skus x days, the rest stores x skus."""
    if not isinstance(policy, ReplenishmentPolicy):
        raise InvalidInput("policy", f"a ReplenishmentPolicy, got {type(policy).__name__}")
    stores, skus = checks.distinct_keys(stores, "stores"), checks.distinct_keys(skus, "skus")
    shape = (len(stores), len(skus))
    lead = np.asarray(lead_days)
    lead = lead[:, None] if lead.ndim == 1 else lead
    try:
        lead = np.broadcast_to(lead, shape)
    except ValueError:
        raise InvalidInput("lead_days", f"one, one per store or stores x skus, got "
                           f"shape {lead.shape}") from None  # fmt: skip
    lead = checks.integers(lead.ravel(), "lead_days", 1, checks.MAX_DAYS, "whole days")
    mean = _demand(demand_mean, "demand_mean", shape, 3)
    sigma = _demand(demand_sigma, "demand_sigma", shape, 2)
    needed = int(lead.max(initial=1)) + policy.review_days - 1 + policy.cover_days
    if mean.ndim == 2:  # a flat daily rate
        mean = np.broadcast_to(mean[:, :, None], (*shape, needed))
    extra = np.zeros(shape, np.int64)
    if on_order is not None:
        if np.shape(on_order) != shape:
            raise InvalidInput("on_order", f"stores x skus, got shape {np.shape(on_order)}")
        extra = checks.integers(np.asarray(on_order).ravel(), "on_order", 0, checks.MAX_STOCK,
                                "a whole number of units").reshape(shape)  # fmt: skip
    return stores, skus, mean, sigma, lead, extra


def _demand(values, field: str, shape: tuple[int, int], most_dims: int) -> np.ndarray:
    array = np.asarray(values)
    if (
        array.dtype.kind not in "iuf"
        or array.shape[:2] != shape
        or not 2 <= array.ndim <= most_dims
    ):
        raise InvalidInput(field, f"numbers, stores x skus{' (x days)' * (most_dims == 3)}, got "
                           f"{array.dtype} of shape {array.shape}")  # fmt: skip
    bad = ~np.isfinite(array) | (array < 0)
    if bad.any():
        where = np.unravel_index(int(np.argmax(bad)), array.shape)
        raise InvalidInput(f"{field}[{', '.join(map(str, where))}]",
                           f"must be finite and >= 0, got {array[where]}")  # fmt: skip
    return array


def review(pool: StockPool, policy, at, stores, skus, mean, sigma, lead, on_order) -> ReviewResult:
    """`replenishment.plan` for every (store, sku) at once from the position available + in
    transit + `on_order` (input already checked by `checked_review_input`)."""
    now = positions(pool, stores, skus)
    n = len(stores) * len(skus)
    on_order = now.in_transit + on_order
    result = plan(mean.reshape(n, -1), sigma.reshape(n), now.available.reshape(n),
                  on_order.reshape(n), lead, policy)  # fmt: skip
    chosen = np.flatnonzero(result.order_quantity > 0)
    store_of, sku_of = np.divmod(chosen, len(skus))
    return ReviewResult(at, np.array(now.locations, dtype=object)[store_of],
                        np.array(now.skus, dtype=object)[sku_of], result.order_quantity[chosen],
                        result.lead_days[chosen], result, now)  # fmt: skip

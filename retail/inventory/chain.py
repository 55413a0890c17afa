"""The inventory center's calls over many locations at once (a chain fidelity's day: sales
at every store, a warehouse's truck to a thousand stores, every store's review), mixed into
`InventoryCenter`. Each takes the center's lock and checks every line before it changes
anything; the array work is in `many.py`."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterable, Sequence

import numpy as np

from retail.clock import checked_time
from retail.inventory import many
from retail.inventory.many import LocationTotals, Positions, ReviewResult
from retail.inventory.replenishment import ReplenishmentPolicy
from retail.inventory.stock import StockPool

Keys = Sequence[str] | np.ndarray  # a list, an object array or a numpy str array


class ChainCalls:
    """Batch movements and reads keyed per line by (sku, location)."""

    pool: StockPool
    _lock: threading.RLock

    def sell_at_many(
        self, skus: Keys, locations: Keys, quantities: Iterable[int], at: dt.datetime
    ) -> None:
        """Over-the-counter sales at many locations, all lines or none: line i sells
        quantities[i] units of skus[i] at locations[i]. Repeated (sku, location) pairs are
        summed and each cell is checked as `sell_many` checks a basket (unreserved stock
        within the store channel's share), so the first short cell, in order of first
        appearance, is the `OutOfStock` and nothing moves. The stock after is exactly what
        `sell_many` per location leaves. No lines: nothing happens."""
        checked_time(at)
        with self._lock:
            many.sell_at_many(self.pool, skus, locations, quantities)

    def dispatch_at_many(
        self,
        skus: Keys,
        sources: Keys,
        destinations: Keys,
        quantities: Iterable[int],
        at: dt.datetime,
    ) -> None:
        """Transfers between many pairs of locations, both legs of every line or none: line
        i's units leave sources[i]'s shelf and are in transit to destinations[i] until they
        arrive (`arrive_at_many`). Checked as `dispatch_many` checks: the transfer channel's
        stock per (sku, source), summed; a source is never its line's destination; no cell
        holds more than MAX_STOCK."""
        checked_time(at)
        with self._lock:
            many.dispatch_at_many(self.pool, skus, sources, destinations, quantities)

    def arrive_at_many(
        self, skus: Keys, locations: Keys, quantities: Iterable[int], at: dt.datetime
    ) -> None:
        """In-transit units reach the shelves of many locations, all lines or none: line i
        brings quantities[i] of skus[i] to locations[i]; a cell takes no more than it has
        in transit (the first line past it is named)."""
        checked_time(at)
        with self._lock:
            many.arrive_at_many(self.pool, skus, locations, quantities)

    def positions(self, stores: Keys, skus: Keys) -> Positions:
        """`position` of every (store, sku) pair at once: on_hand, reserved, available and
        in_transit as len(stores) x len(skus) int64 matrices. Any location may be named."""
        with self._lock:
            return many.positions(self.pool, stores, skus)

    def review(
        self,
        policy: ReplenishmentPolicy,
        demand_mean: np.ndarray,
        demand_sigma: np.ndarray,
        stores: Sequence[str],
        skus: Sequence[str],
        at: dt.datetime,
        lead_days: int | np.ndarray = 1,
        on_order: np.ndarray | None = None,
    ) -> ReviewResult:
        """The stock review of every (store, sku) cell at once, changing nothing: the
        order-up-to plan of `replenishment.plan` from the position available (on hand minus
        reserved) + in transit + `on_order` (units ordered that the center does not hold yet,
        e.g. from suppliers; stores x skus, default none). `demand_mean`: the forecast, a
        daily rate (stores x skus) or per day after the review (stores x skus x days);
        `demand_sigma`: the one-day forecast error (stores x skus); `lead_days`: one for
        all, one per store or stores x skus. The purchase orders come back as columns
        (`ReviewResult.stores/skus/quantities/lead_days`; `.frame(source)` gives
        `purchase_orders`' table)."""
        checked = many.checked_review_input(policy, demand_mean, demand_sigma, stores, skus,
                                            lead_days, on_order)  # fmt: skip
        checked_time(at)
        with self._lock:
            return many.review(self.pool, policy, at, *checked)

    def totals(self) -> LocationTotals:
        """Per location, every quantity summed over SKUs (on_hand, reserved, in_transit,
        received, sold, shrink): a daily count without `stock_frame`'s table."""
        with self._lock:
            return many.totals(self.pool)

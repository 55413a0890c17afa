"""The chain's stock in chain fidelity, kept by the real inventory center, a day at a time.

As `sim.business.stock_room` does for the detailed twin, with every store and SKU at once:
the opening stock is the plan's cover; a day's baskets take what the shelves hold (what a
store lacks is a lost sale, the twin's truth); at closing every store's stock is reviewed
with the center's replenishment policy (`retail.inventory.replenishment.plan`) on a simple
forecast (the plan's demand for the first days, then the mean of the last four weeks' sales
times the calendar's factors), and what each needs comes from its nearest warehouse,
`lead_days` later, as far as the warehouse holds it; warehouses are refilled by suppliers.
Franchise stores open `chain.franchise.initial_pool_share` of their stock to online orders,
as their owners do in the detailed twin at the start; their weekly reviews of it are left
out. Left out as well: Holt-Winters forecasts, store-to-store transfers, the by-tier
priority for short warehouse stock (stores are served in chain order).
"""

from __future__ import annotations

import numpy as np

from retail.inventory import SalesChannel
from retail.inventory.replenishment import ReplenishmentPolicy, plan
from sim.chain.moments import moment
from sim.config.schema import RunConfig, Site
from sim.world.catalog import Catalog
from sim.world.geo import haversine_km

SUPPLIER_LEAD_DAYS = 3
HISTORY_DAYS = 28
EARLY_DAYS = 3  # before this many days have sold, the plan's demand is the forecast


class ChainStock:
    def __init__(self, inventory, config: RunConfig, catalog: Catalog, stores, expected,
                 calendar_days, start_s: int) -> None:  # fmt: skip
        """`expected`: the plan's units a day per store and SKU on a plain weekday;
        `calendar_days`: each run day's traffic factor (weekday x calendar), stores x days."""
        self.inventory, self.catalog, self.settings = inventory, catalog, config.stock
        self.stores = list(stores.ids)
        self.skus = list(catalog.skus)
        warehouses = [s for s in config.chain.sites if s.kind == "warehouse"]
        self.warehouses = [w.id for w in warehouses]
        self.source = _nearest_warehouse(list(stores.sites), warehouses)
        self.expected = expected
        self.factors = calendar_days
        self.sold = np.zeros((len(self.stores), len(self.skus), config.days), np.int64)
        self.on_order = np.zeros((len(self.stores), len(self.skus)), np.int64)
        self.warehouse_on_order = np.zeros((len(self.warehouses), len(self.skus)), np.int64)
        self.policy = ReplenishmentPolicy(service_level=self.settings.service_level)
        self.lead = self.settings.lead_days if self.warehouses else SUPPLIER_LEAD_DAYS
        self._arriving: dict[int, list] = {}
        at = moment(start_s)
        opening = config.chain.franchise.initial_pool_share
        for site in stores.sites:  # the owners' opening shares, as in the detailed twin
            if site.kind == "franchise":
                inventory.set_share(site.id, SalesChannel.ONLINE, opening, at)
        self._stock_up(start_s)

    def _stock_up(self, at_s: int) -> None:
        cover = self.settings.initial_cover_days
        units = np.maximum(np.ceil(self.expected * cover).astype(np.int64), 1)
        stores = np.repeat(self.stores, len(self.skus))
        skus = np.tile(self.skus, len(self.stores))
        locations, items, quantities = [stores], [skus], [units.ravel()]
        for w, name in enumerate(self.warehouses):
            served = self.source == w
            daily = self.expected[served].sum(axis=0)
            locations.append(np.full(len(self.skus), name))
            items.append(np.asarray(self.skus))
            quantities.append(np.maximum(np.ceil(daily * self.settings.warehouse_cover_days), 1)
                              .astype(np.int64))  # fmt: skip
        self.inventory.receive_many(list(np.concatenate(items)), list(np.concatenate(locations)),
                                    np.concatenate(quantities), moment(at_s))  # fmt: skip

    def available(self) -> np.ndarray:
        """Units each store's shelves hold for the store channel (stores x skus)."""
        return self.inventory.positions(self.stores, self.skus).available

    def take(self, store: np.ndarray, items: np.ndarray, available: np.ndarray):
        """The baskets (rows: store, items as catalog indices, -1 for none) as the shelves
        can fill them in the day's order; returns (items kept, units lost per row)."""
        kept = items.copy()
        rows, slots = np.nonzero(items >= 0)
        if not len(rows):
            return kept, np.zeros(len(items), np.int64)
        cell = store[rows] * len(self.skus) + items[rows, slots]
        order = np.argsort(cell, kind="stable")  # within a cell: the day's order of visits
        cell_sorted = cell[order]
        first = np.searchsorted(cell_sorted, cell_sorted, side="left")
        rank = np.arange(len(cell_sorted)) - first  # units of this cell before this one
        short = rank >= available.ravel()[cell_sorted]
        lost_rows = rows[order[short]]
        kept[lost_rows, slots[order[short]]] = -1
        return kept, np.bincount(lost_rows, minlength=len(items))

    def record_sales(self, day: int, store: np.ndarray, items: np.ndarray) -> None:
        rows, slots = np.nonzero(items >= 0)
        np.add.at(self.sold[:, :, day], (store[rows], items[rows, slots]), 1)

    def open_day(self, day: int, at_s: int) -> None:
        """What was sent for today reaches the shelves (and the warehouses) at opening."""
        for source, skus, locations, quantities, rows in self._arriving.pop(day, []):
            if source == "warehouse":  # the second leg of a dispatch
                self.inventory.arrive_at_many(skus, locations, quantities, moment(at_s))
            else:
                self.inventory.receive_many(list(skus), list(locations), quantities, moment(at_s))
            on_order = self.warehouse_on_order if source == "supplier" else self.on_order
            np.subtract.at(on_order, rows, quantities)

    def close_day(self, day: int, at_s: int) -> int:
        """Review every store's stock and send what the warehouses can; returns how many
        store-SKU lines were sent."""
        self._top_up_warehouses(day, at_s)
        horizon = self.lead + self.policy.review_days - 1 + self.policy.cover_days
        daily, sigma = self._forecast(day, horizon)
        available = self.available()
        wanted = plan(daily.reshape(-1, horizon), sigma.ravel(), available.ravel(),
                      self.on_order.ravel(), self.lead, self.policy).order_quantity  # fmt: skip
        wanted = wanted.reshape(self.on_order.shape)
        if self.warehouses:
            wanted = self._from_warehouses(wanted, at_s)
        store, sku = np.nonzero(wanted > 0)
        if not len(store):
            return 0
        quantity = wanted[store, sku]
        self.on_order[store, sku] += quantity
        source = "warehouse" if self.warehouses else "supplier to store"
        self._arriving.setdefault(day + self.lead, []).append(
            (source, np.asarray(self.skus)[sku], np.asarray(self.stores)[store], quantity,
             (store, sku))
        )  # fmt: skip
        return len(store)

    def _from_warehouses(self, wanted: np.ndarray, at_s: int) -> np.ndarray:
        """Each warehouse ships what it holds, stores in chain order first."""
        held = self.inventory.positions(self.warehouses, self.skus).available
        sent = np.zeros_like(wanted)
        for w in range(len(self.warehouses)):
            rows = np.flatnonzero(self.source == w)
            want = wanted[rows]
            before = np.cumsum(want, axis=0) - want
            sent[rows] = np.clip(held[w][None, :] - before, 0, want)
        store, sku = np.nonzero(sent > 0)
        if len(store):
            self.inventory.dispatch_at_many(
                np.asarray(self.skus)[sku], np.asarray(self.warehouses)[self.source[store]],
                np.asarray(self.stores)[store], sent[store, sku], moment(at_s),
            )  # fmt: skip
        return sent

    def _top_up_warehouses(self, day: int, at_s: int) -> None:
        if not self.warehouses:
            return
        held = self.inventory.positions(self.warehouses, self.skus).available
        daily = np.stack([self.expected[self.source == w].sum(axis=0)
                          for w in range(len(self.warehouses))])  # fmt: skip
        position = held + self.warehouse_on_order
        low = position < daily * (SUPPLIER_LEAD_DAYS + 7)
        target = np.ceil(daily * self.settings.warehouse_cover_days).astype(np.int64)
        quantity = np.where(low, np.maximum(target - position, 0), 0)
        w, k = np.nonzero(quantity > 0)
        if len(w):
            self.warehouse_on_order[w, k] += quantity[w, k]
            self._arriving.setdefault(day + SUPPLIER_LEAD_DAYS, []).append(
                ("supplier", np.asarray(self.skus)[k], np.asarray(self.warehouses)[w],
                 quantity[w, k], (w, k))
            )  # fmt: skip

    def _forecast(self, day: int, horizon: int) -> tuple[np.ndarray, np.ndarray]:
        """Demand for the `horizon` days after tonight (stores x skus x days) and its
        one-day error."""
        ahead = self.factors[:, day + 1 : day + 1 + horizon]
        if ahead.shape[1] < horizon:  # past the run's end: a plain day
            ahead = np.pad(ahead, ((0, 0), (0, horizon - ahead.shape[1])), constant_values=1.0)
        level = self.expected
        if day + 1 >= EARLY_DAYS:
            first = max(0, day + 1 - HISTORY_DAYS)
            seen = self.factors[:, first : day + 1].sum(axis=1)
            level = self.sold[:, :, first : day + 1].sum(axis=2) / np.maximum(seen, 1e-9)[:, None]
        daily = level[:, :, None] * ahead[:, None, :]
        return daily, np.sqrt(level * np.maximum(ahead.max(axis=1), 1e-9)[:, None])


def _nearest_warehouse(stores: list[Site], warehouses: list[Site]) -> np.ndarray:
    """Each store's nearest warehouse (index), or zeros if the chain has none."""
    if not warehouses:
        return np.zeros(len(stores), np.int64)
    lat = np.array([s.lat for s in stores])[:, None]
    lon = np.array([s.lon for s in stores])[:, None]
    distance = haversine_km(lat, lon, np.array([w.lat for w in warehouses])[None, :],
                            np.array([w.lon for w in warehouses])[None, :])  # fmt: skip
    return distance.argmin(axis=1).astype(np.int64)

"""The chain's stock, kept by the real inventory center.

Shelves hold what the center says is available to the store channel: an item she picks that
the store has run out of is a lost sale (the twin's truth; the center only sees what was not
sold). What she takes is held for her in the center (a store-channel reservation), so an
online order cannot sell it while she queues; paying commits the hold, leaving releases it.
At each closing the stores review their stock with the center's replenishment policy: the
forecast is the chain's planned demand until a few days have sold, then their mean, and the
center's Holt-Winters forecast once there is enough history; orders go to the warehouse (a
transfer with both legs, on the shelf `lead_days` later) or, where there is none, to
suppliers. The warehouse is topped up from suppliers the same way. The review is a day job
at closing (`close_day`), deliveries one at opening (`open_day`); every call takes the time
as an argument.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import numpy as np

from retail.errors import OutOfStock
from retail.inventory import SalesChannel
from retail.inventory.forecast import WARM_UP, fit
from retail.inventory.replenishment import ReplenishmentPolicy, plan
from retail.ports import InventoryPort
from sim.business.events import (
    LostSaleStockout,
    StockArrived,
    StockCounted,
    StockReplenished,
)
from sim.business.transfers import StoreTransfers
from sim.config.schema import RunConfig
from sim.engine.calendar import Calendar
from sim.engine.events import EventLog
from sim.world.catalog import Catalog

SUPPLIER_LEAD_DAYS = 3
BASKET_HOLD = dt.timedelta(hours=3)  # a basket's hold outlives any queue
EARLY_HISTORY_DAYS = 3  # from this many days of sales, they replace the plan's demand

# Each store's place in the queue for short warehouse stock, lower first (`stock.priority`).
Priority = Callable[[], dict[str, int]]


class StockRoom:
    def __init__(
        self,
        log: EventLog,
        calendar: Calendar,
        inventory: InventoryPort,
        config: RunConfig,
        catalog: Catalog,
        transfers: StoreTransfers | None = None,
        priority: Priority | None = None,
    ) -> None:
        self.log, self.calendar = log, calendar
        self.transfers = transfers  # store-to-store moves before each review, if any
        self.inventory, self.catalog = inventory, catalog
        self.settings = config.stock
        self.stores = [s.id for s in config.chain.stores]
        warehouses = [s.id for s in config.chain.sites if s.kind == "warehouse"]
        self.warehouse = warehouses[0] if warehouses else None
        self.expected = self._expected_daily(config)  # stores x skus, units a day
        self.sold = np.zeros((len(self.stores), len(catalog), config.days), np.int64)
        self.on_order = np.zeros((len(self.stores), len(catalog)), np.int64)
        self.warehouse_on_order = np.zeros(len(catalog), np.int64)
        self.policy = ReplenishmentPolicy(service_level=self.settings.service_level)
        self._row = {store: i for i, store in enumerate(self.stores)}
        self._sku = {sku: k for k, sku in enumerate(catalog.skus)}
        self._held: set[str] = set()  # baskets holding stock, by reservation key
        self._sold_counted: dict[str, int] = {}  # cumulative units sold at the last count
        self.priority = priority  # None: the chain's store order
        # Deliveries on their way, by the day they reach the shelves (in the order sent).
        self._arriving: dict[int, list[tuple[str, list[tuple[str, int]], int]]] = {}
        self._stock_up()

    def _expected_daily(self, config: RunConfig) -> np.ndarray:
        """Units a day per store and sku the chain plans with: visitors x buying x basket,
        shared over the assortment as the typical shopper chooses (median budget, mean
        price sensitivity)."""
        fmt, people = config.store, config.population
        per_store = np.array([fmt.daily_visitors * s.traffic_factor for s in config.chain.stores])
        units = per_store * fmt.buy_prob * fmt.basket_items_mean
        budget = int(people.spending_power_median_cents * fmt.spend_scale)
        cdf = np.array(self.catalog.choice_cdf(budget, people.price_sensitivity_mean))
        share = np.diff(cdf, prepend=0.0)
        return units[:, None] * share[None, :]

    def _stock_up(self) -> None:
        at = self.calendar.datetime_at(0.0)
        cover = self.settings.initial_cover_days
        stores, skus, quantities = [], [], []
        for i, store in enumerate(self.stores):
            for k, sku in enumerate(self.catalog.skus):
                stores.append(store)
                skus.append(sku)
                quantities.append(int(np.ceil(self.expected[i, k] * cover)))
        if self.warehouse is not None:
            chain_daily = self.expected.sum(axis=0)
            for k, sku in enumerate(self.catalog.skus):
                stores.append(self.warehouse)
                skus.append(sku)
                quantities.append(int(np.ceil(chain_daily[k] * self.settings.warehouse_cover_days)))
        # An item the plan sells none of (dear for every budget) still has one on display.
        self.inventory.receive_many(skus, stores, [max(q, 1) for q in quantities], at)

    # --- the shop floor ---------------------------------------------------------------------
    def take(
        self, store: str, visit: int, picks: list[int], at: float
    ) -> tuple[list[int], dict[int, int]]:
        """She takes from the shelves what the center says the store has, held for her until
        she pays or leaves. Returns what she holds and what the shelves lacked (catalog index
        -> units): a lost sale unless someone orders it for her elsewhere (`lost`)."""
        wanted: dict[int, int] = {}
        for i in picks:
            wanted[i] = wanted.get(i, 0) + 1
        skus, key = self.catalog.skus, _basket_key(store, visit)
        try:  # mostly the shelves hold all of it: one call
            lines = [(skus[i], store, units) for i, units in wanted.items()]
            self._hold(key, lines, at)
            return picks, {}
        except OutOfStock:  # nothing was held: take what there is, SKU by SKU
            pass
        kept, missing, holding = [], {}, []
        for i, units in wanted.items():
            there = self.inventory.available(skus[i], store, SalesChannel.STORE)
            if there:
                kept.extend([i] * min(units, there))
                holding.append((skus[i], store, min(units, there)))
            if units > there:
                missing[i] = units - there
        if holding:
            self._hold(key, holding, at)
        return kept, missing

    def _hold(self, key: str, lines: list[tuple[str, str, int]], at: float) -> None:
        when = self.calendar.datetime_at(at)
        self.inventory.reserve(key, lines, when, SalesChannel.STORE, BASKET_HOLD)
        self._held.add(key)

    def lost(self, store: str, visit: int, missing: dict[int, int], at: float) -> None:
        """What the shelves lacked and she went without."""
        for i, units in missing.items():
            self.log.append(LostSaleStockout(at, store, visit, self.catalog.skus[i], units))

    def sell(
        self, store: str, visit: int, lines: tuple[tuple[str, int, int], ...], at: float
    ) -> None:
        """She paid: what she held leaves the shelves now (the store's system commits the
        hold at the till); head office's booking of the sale, later, finds it done."""
        key = _basket_key(store, visit)
        self._held.discard(key)
        self.inventory.commit(key, self.calendar.datetime_at(at))
        day = self.calendar.day_index(at)
        row = self._row[store]
        for sku, n, _ in lines:
            self.sold[row, self._sku[sku], day] += n

    def basket(self, store: str, visit: int) -> str:
        """The reservation holding her basket, "" if she holds nothing."""
        key = _basket_key(store, visit)
        return key if key in self._held else ""

    def put_back(self, store: str, visit: int, at: float) -> None:
        """She left without paying: what she held goes back on the shelves."""
        key = _basket_key(store, visit)
        if key in self._held:
            self._held.discard(key)
            self.inventory.release(key, self.calendar.datetime_at(at))

    # --- day jobs: deliveries at opening, review and replenishment at closing ----------------
    def open_day(self, day: int, at: float) -> None:
        """What was sent for today reaches the shelves (the warehouse's) as the day opens."""
        for store, lines, ordered_day in self._arriving.pop(day, []):
            self._deliver(store, lines, ordered_day, at)

    def _count(self, at: float) -> None:
        """Each location's on hand and what it sold since the last count."""
        frame = self.inventory.stock_frame().groupby(level="location")[["on_hand", "sold"]].sum()
        for location, row in frame.iterrows():
            sold = int(row["sold"]) - self._sold_counted.get(location, 0)
            self._sold_counted[location] = int(row["sold"])
            self.log.append(StockCounted(at, location, int(row["on_hand"]), sold))

    def close_day(self, day: int, at: float) -> None:
        """Count the stock, then review it and send what each store needs."""
        self._count(at)
        when = self.calendar.datetime_at(at)
        if self.warehouse is not None:
            self._top_up_warehouse(day, at)
        lead = self.settings.lead_days if self.warehouse else SUPPLIER_LEAD_DAYS
        daily, sigma = self._forecast(day, lead)
        if self.transfers is not None:
            skus, rates = list(self.catalog.skus), daily.mean(axis=2)
            moved = self.transfers.rebalance(
                day, at, self.stores, skus, rates, self._transfer_arrived
            )
            for store, sku, units in moved:
                self.on_order[self._row[store], self._sku[sku]] += units
        n_skus = len(self.catalog)
        on_hand = np.array(
            [[self.inventory.position(sku, store).available for sku in self.catalog.skus]
             for store in self.stores]
        )  # fmt: skip
        wanted = plan(daily.reshape(-1, daily.shape[-1]), sigma.ravel(), on_hand.ravel(),
                      self.on_order.ravel(), lead, self.policy).order_quantity  # fmt: skip
        wanted = wanted.reshape(len(self.stores), n_skus)
        # The warehouse's truck is loaded store by store: first come, first served.
        ranks = self.priority() if self.priority is not None else {}
        for i in sorted(range(len(self.stores)), key=lambda i: (ranks.get(self.stores[i], 0), i)):
            store = self.stores[i]
            lines = [(sku, int(q)) for sku, q in zip(self.catalog.skus, wanted[i], strict=True)]
            lines = self._from_warehouse(lines, store, when) if self.warehouse else lines
            lines = [(sku, q) for sku, q in lines if q > 0]
            if not lines:
                continue
            for sku, q in lines:
                self.on_order[i, self._sku[sku]] += q
            self._send(store, lines, day, day + lead)
            self.log.append(StockReplenished(at, store, sum(q for _, q in lines), lead))

    def _transfer_arrived(self, store: str, sku: str, units: int) -> None:
        self.on_order[self._row[store], self._sku[sku]] -= units

    def _send(self, store: str, lines: list[tuple[str, int]], day: int, due_day: int) -> None:
        self._arriving.setdefault(due_day, []).append((store, lines, day))

    def _top_up_warehouse(self, day: int, t: float) -> None:
        """Suppliers refill the warehouse to its cover when it falls below what the chain
        sells over their lead time and a week."""
        chain_daily = self.expected.sum(axis=0)
        available = np.array([self.inventory.position(sku, self.warehouse).available
                              for sku in self.catalog.skus])  # fmt: skip
        position = available + self.warehouse_on_order
        low = position < chain_daily * (SUPPLIER_LEAD_DAYS + 7)
        target = np.ceil(chain_daily * self.settings.warehouse_cover_days).astype(np.int64)
        quantities = np.where(low, np.maximum(target - position, 0), 0)
        lines = [(sku, int(q)) for sku, q in zip(self.catalog.skus, quantities, strict=True) if q]
        if lines:
            self.warehouse_on_order += quantities
            self._send(self.warehouse, lines, day, day + SUPPLIER_LEAD_DAYS)
            self.log.append(StockReplenished(t, self.warehouse, int(quantities.sum()),
                                             SUPPLIER_LEAD_DAYS))  # fmt: skip

    def _from_warehouse(self, lines, store: str, at) -> list[tuple[str, int]]:
        """What the warehouse can send now (leaving with the truck; the rest waits)."""
        sent = []
        for sku, q in lines:
            q = min(q, self.inventory.position(sku, self.warehouse).available)
            sent.append((sku, q))
        shipping = [(sku, q) for sku, q in sent if q > 0]
        if shipping:
            self.inventory.dispatch_many(shipping, self.warehouse, store, at)
        return sent

    def _deliver(self, store: str, lines, ordered_day: int, t: float) -> None:
        """On the shelf as its due day opens (the review's day index plus the lead time: a
        store closing at 24:00 reviews on the day it closes, not the next)."""
        at = self.calendar.datetime_at(t)
        from_supplier = store == self.warehouse or self.warehouse is None
        if from_supplier:
            self.inventory.receive_many([s for s, _ in lines], [store] * len(lines),
                                        [q for _, q in lines], at)  # fmt: skip
        else:
            self.inventory.arrive_many(lines, store, at)
        on_order = (
            self.warehouse_on_order if store == self.warehouse else self.on_order[self._row[store]]
        )
        for sku, q in lines:
            on_order[self._sku[sku]] -= q
        self.log.append(StockArrived(t, store, sum(q for _, q in lines), ordered_day))

    def _forecast(self, day: int, lead: int) -> tuple[np.ndarray, np.ndarray]:
        """Demand for the days after tonight and its one-day error, stores x skus (x days).
        With enough history, the center's Holt-Winters forecast; before, the mean of the days
        sold so far (or, in the first days, the plan) times the calendar's weekday factors,
        with a Poisson spread."""
        horizon = lead + self.policy.review_days - 1 + self.policy.cover_days
        shape = (len(self.stores), len(self.catalog))
        if day + 1 > WARM_UP:
            history = self.sold[:, :, : day + 1].reshape(-1, day + 1)
            first = self.calendar.datetime_at(0.0).weekday()
            forecast = fit(history, first)
            return forecast.daily(horizon).reshape(*shape, horizon), forecast.sigma.reshape(shape)
        level = self.expected
        if day + 1 >= EARLY_HISTORY_DAYS:  # per weekday-factor-one day, from what sold
            seen = sum(self.calendar.traffic_factor(d) for d in range(day + 1))
            level = self.sold[:, :, : day + 1].sum(axis=2) / max(seen, 1e-9)
        factors = np.array([self.calendar.traffic_factor(day + 1 + d) for d in range(horizon)])
        daily = level[:, :, None] * factors[None, None, :]
        return daily, np.sqrt(level * factors.max())


def _basket_key(store: str, visit: int) -> str:
    """The reservation holding a shopper's basket."""
    return f"{store}/visit-{visit}"

"""The chain in chain fidelity: a vectorized day-step over the whole population.

Each `step()` is one day: what arrives opens it, the campaign goes out at its send time,
every store's visits are drawn at once (`sim.chain.visits`), the shelves fill what they hold,
the checkout's queueing-theory odds decide who balks or gives up, and the day's sales,
members and orders go to the real modules through their batch APIs; then the closing jobs,
in the detailed twin's order (`sim.wiring.day_jobs`): membership's daily job, the stock
review, the online shop, members' own online orders. What it counts goes into per
store-day totals (`sim.chain.totals`) that fold into the detailed model's KPI schema.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from retail.clock import seconds
from retail.keys import KeyBlock
from sim.agents.shopper import MAX_ITEMS
from sim.behaviour.capture import CaptureModel
from sim.business.marketing_desk import AFTER_CLOSING_MIN
from sim.chain.baskets import order_lines
from sim.chain.campaigns import ChainCampaigns
from sim.chain.members import ChainMembers
from sim.chain.moments import moment
from sim.chain.online import ChainOnline
from sim.chain.queueing import wait_quantile
from sim.chain.stock import ChainStock
from sim.chain.totals import Totals
from sim.chain.visits import U, checkout_queues, day_visits
from sim.chain.world import ChainWorld
from sim.config.fields import clock_minutes
from sim.config.schema import RunConfig
from sim.engine.calendar import MINUTES_PER_DAY
from sim.engine.streams import Streams
from sim.metrics.history import History
from sim.metrics.kpis import KPI_NAMES, kpis_from_totals
from sim.wiring import Modules
from sim.world.catalog import Catalog
from sim.world.population import Population

SALE_AFTER_ARRIVAL_MIN = 12.0  # browse, pick, queue: a sale's time after her arrival
# KPIs chain fidelity gets from a model rather than from simulating what makes them.
MODELLED = ("checkout_wait_mean_min", "checkout_wait_p95_min", "checkout_queue_len_mean",
            "checkout_abandon_rate", "guide_help_missed_rate", "footfall_measured")  # fmt: skip
# KPIs chain fidelity does not model (0 or unknown in its tables): devices' faults, guides'
# tasks, transfers, the endless aisle, beacons, revenue sharing with franchisees.
NOT_MODELLED = ("sales_refused", "sales_offline", "device_fixes", "staff_min_fixing_devices",
                "receipts_reprinted", "uplink_down_min", "hardware_downtime_min",
                "offline_sales_forwarded", "sales_unforwarded", "guide_tasks_done",
                "booked_visits", "transfers", "endless_aisle_orders", "members_recognised",
                "store_pool_income", "franchise_pool_share")  # fmt: skip


class ChainModel:
    """A chain of any size, one day per `step()`."""

    def __init__(self, config: RunConfig, modules: Modules | None = None,
                 history: History | None = None) -> None:  # fmt: skip
        if config.mode != "store":
            raise ValueError(f"mode {config.mode!r}: chain fidelity runs stores")
        self.config = config
        self.history = history or History()
        self.streams = streams = Streams(config.seed)
        self.catalog = catalog = Catalog.from_config(config.store.catalog)
        self.population = Population.generate(config.population, config.chain.stores,
                                              catalog.category_names,
                                              streams.get("population"))  # fmt: skip
        self.modules = modules or Modules.from_config(config, catalog.category_names)
        self.world = world = ChainWorld(config, self.population, catalog)
        self.totals = Totals(world.stores.ids, config.days)
        self.start_s = seconds(dt.datetime.combine(config.start_date, dt.time()))
        policy = self.modules.marketing.policy
        self.members = ChainMembers(self.modules.membership, policy, self.population,
                                    config.strategy.member_capture, world.stores.ids,
                                    len(catalog.category_names))  # fmt: skip
        self.members.enrol_existing(config.population.member_share, self.start_s - 86_400,
                                    streams.get("chain/members-at-start"))  # fmt: skip
        s = world.stores
        self.day_factor = s.weekday[:, world.year.weekday] * world.year.traffic[None, :]
        self.stock = (ChainStock(self.modules.inventory, config, catalog, s, self._planned(),
                                 self.day_factor, self.start_s)
                      if config.stock.enabled else None)  # fmt: skip
        self.online = ChainOnline(
            self.modules,
            world,
            self.members,
            self.totals,
            streams.get("chain/online"),
            config.population.pickup_share,
        )
        self.online_rate_per_day = config.population.online_orders_per_week / 7.0
        self.campaigns = ChainCampaigns(self.modules, world, self.members, self.online,
                                        self.totals, config.strategy.campaigns,
                                        self.online_rate_per_day,
                                        streams.get("chain/campaigns"))  # fmt: skip
        self._visits_rng = streams.get("chain/visits")
        self._own_rng = streams.get("chain/own-orders")
        self.send_at_min = clock_minutes(config.strategy.campaigns.send_at)
        self.day = 0
        self.visits = 0

    # The parts a reader (metrics, invariants, tests) asks for by name, as on the twin.
    membership = property(lambda self: self.modules.membership)
    inventory = property(lambda self: self.modules.inventory)
    orders = property(lambda self: self.modules.orders)
    ledger = property(lambda self: self.modules.ledger)
    marketing = property(lambda self: self.modules.marketing)

    @property
    def now(self) -> float:
        return self.day * MINUTES_PER_DAY

    @property
    def horizon_min(self) -> float:
        return self.config.days * MINUTES_PER_DAY

    def step(self) -> None:
        """One day of the whole chain."""
        if self.day >= self.config.days:
            return
        self.open_day()
        self.store_day()
        self.close_day()

    @property
    def _base(self) -> int:
        """The day's midnight, in seconds."""
        return self.start_s + self.day * 86_400

    def open_day(self) -> None:
        """What arrives reaches the shelves; the day's campaign goes out at its send time."""
        day, base = self.day, self._base
        if self.stock is not None:
            self.stock.open_day(day, base + 60 * int(self.world.stores.opens_min.min()))
        self.campaigns.send(day, base + 60 * self.send_at_min)

    def store_day(self) -> None:
        """Every store's visits, checkouts and sales (stores in detail draw none here)."""
        self._store_day(self.day, self._base)

    def close_day(self) -> None:
        """The closing jobs, the night's orders, archiving; the next day begins."""
        day, base, s = self.day, self._base, self.world.stores
        closing = base + 60 * int(s.closes_min.max()) - 1
        self.membership.run_daily(moment(closing))
        self._report_members(day)
        if self.stock is not None:
            self.stock.close_day(day, closing)
            self._report_stock(day)
        self.online.close_day(day, closing, base + 60 * s.opens_min)
        self._report_due(day, base)
        self._own_orders(day, closing + int(AFTER_CLOSING_MIN * 60))
        self.campaigns.close_day(closing)
        self._archive(day, closing)
        self.day += 1

    def _archive(self, day: int, closing: int) -> None:
        """Orders closed, sales posted, campaigns ended, reservations closed and allocations
        made more than `history.keep_days` ago leave the modules for the history files."""
        keep = self.config.history.keep_days
        if keep is None:
            return
        before = moment(closing - keep * 86_400)
        modules = (self.orders, self.ledger, self.marketing, self.inventory)
        self.history.write(day, {k: v for m in modules for k, v in m.archive(before).items()})

    def run(self) -> None:
        while self.day < self.config.days:
            self.step()

    # --- the stores' day ----------------------------------------------------------------
    def _store_day(self, day: int, base: int) -> None:
        world, t = self.world, self.totals
        v = day_visits(world, day, self._visits_rng)
        self.visits += len(v.store)
        t.add("footfall_true", day, v.store, v.party.astype(float))
        t.add("footfall_measured", day, v.store, v.counted.astype(float))
        t.add("guide_helped", day, v.store[v.helped])
        t.add("guide_missed", day, v.store[v.missed])
        tried = v.garments > 0
        t.add("garments_tried_true", day, v.store[tried], v.garments[tried].astype(float))
        rfid = self.config.hardware.rfid
        if rfid.installed:
            reads = v.garments[tried] * rfid.read_rate * (1 + rfid.duplicate_prob)
            t.add("garments_tried_measured", day, v.store[tried], np.rint(reads))
        rows = np.flatnonzero(v.wants)
        store, items = v.store[rows], v.items[rows]
        if self.stock is not None:
            items, lost = self.stock.take(store, items, self.stock.available())
            t.add("lost_units", day, store, lost.astype(float))
        n_items = (items >= 0).sum(axis=1)
        has = n_items > 0
        rows, store, items, n_items = rows[has], store[has], items[has], n_items[has]
        self._checkout(day, base, v, rows, store, items, n_items)

    def _checkout(self, day, base, v, rows, store, items, n_items) -> None:
        t, s, u = self.totals, self.world.stores, v.u.take(rows, axis=0)
        capture = self.config.strategy.member_capture
        person = v.person[rows]
        extra_s = np.zeros(len(rows))
        if capture.enabled:  # asking takes time; joining more (the form, the app)
            join, _ = CaptureModel().probabilities(
                self.population.digital_adoption[person], 1.0, capture.incentive_cents, 0
            )
            extra_s = np.where(self.members.member_of[person] < 0,
                               join * capture.extra_service_s, 0.0)  # fmt: skip
        minute = v.minute[rows] + SALE_AFTER_ARRIVAL_MIN / 2
        queues = checkout_queues(self.world, store, minute, n_items, extra_s)
        hour = np.minimum((minute // 60).astype(np.int64), 23)
        balk_at = s.checkout_behaviour("balk_queue_per_lane") * s.lanes  # waiting, per store
        long = u[:, U.QUEUE_LONG] < queues.finds_waiting(balk_at[:, None])[store, hour]
        balks = long & (u[:, U.BALK] < s.checkout_behaviour("balk_prob")[store])
        patience = s.checkout_behaviour("patience_mean_min")[:, None]
        reneges = ~balks & (u[:, U.RENEGE] < queues.reneges(patience)[store, hour])
        served = ~balks & ~reneges
        t.add("balked", day, store[balks])
        t.add("joined", day, store[~balks])
        t.add("reneged", day, store[reneges])
        t.add("served", day, store[served])
        t.add("wait_sum_min", day, store[served], queues.mean_wait_min[store[served], hour[served]])
        weights = np.bincount(store[served] * 24 + hour[served], minlength=len(s) * 24)
        t.wait_p95[:, day] = wait_quantile(weights.reshape(len(s), 24).astype(float), queues)
        t.add_by_store("queue_area", day, (queues.queue_len_mean * s.open_in_hour).sum(axis=1))
        rows, store, items, n_items = rows[served], store[served], items[served], n_items[served]
        self._sales(day, base, v, rows, store, items, n_items, queues, hour[served])

    def _sales(self, day, base, v, rows, store, items, n_items, queues, hour) -> None:
        t, s, catalog = self.totals, self.world.stores, self.catalog
        person = v.person[rows]
        closes = s.closes_min[store] - 1
        minute = np.minimum(v.minute[rows] + SALE_AFTER_ARRIVAL_MIN, closes)
        at_s = (base + 60 * minute).astype(np.int64)
        order = np.argsort(at_s, kind="stable")
        rows, store, items, n_items, person, at_s, hour = (
            rows[order], store[order], items.take(order, axis=0), n_items[order], person[order],
            at_s[order], hour[order])  # fmt: skip
        prices = np.where(items >= 0, catalog.price_cents[np.maximum(items, 0)], 0)
        amount = prices.sum(axis=1)
        n = len(rows)
        t.add("transactions", day, store)
        t.add("receipts_printed", day, store)
        t.add("revenue", day, store, amount.astype(float))
        t.add("units", day, store, n_items.astype(float))
        if n == 0:
            return
        lines, _ = order_lines(catalog, items)
        self.orders.book_store_sales_many(
            KeyBlock.range(f"sale-d{day}-", 0, n), store, list(s.ids), lines, at_s,
            moment(base + 60 * int(s.closes_min.max()) - 2), members=self.members.member_of[person],
        )  # fmt: skip
        if self.stock is not None:
            self.stock.record_sales(day, store, items)
        spend = np.zeros((n, len(catalog.category_names)), np.int64)
        np.add.at(
            spend,
            (
                np.arange(n)[:, None].repeat(MAX_ITEMS, 1)[items >= 0],
                self.world.category_of_sku[items[items >= 0]],
            ),
            prices[items >= 0],
        )
        # Asked to join first: who joins at this sale has it booked as a member's.
        waiting = queues.queue_len_mean[store, hour]
        asked, followed = self.members.ask(person, store, at_s, v.u[rows, U.JOINS], waiting)
        t.add("capture_asked", day, store[asked])
        registered = self.members.member_of[person] >= 0
        t.add("members_new", day, store[asked & registered])
        t.add("followers_new", day, store[asked & followed])
        self.members.purchases(person, store, at_s, amount, spend)

    # --- closing --------------------------------------------------------------------------
    def _report_members(self, day: int) -> None:
        figures = self.membership.members_by_store().reindex(list(self.world.stores.ids))
        figures = figures.fillna(0)
        for name in ("active", "buyers", "repeat_buyers"):
            column = "active_members" if name == "active" else name
            self.totals.report(column, day, figures[name].to_numpy(float))

    def _report_stock(self, day: int) -> None:
        sold_today = self.stock.sold[:, :, day].sum(axis=1)
        self.totals.add_by_store("stock_sold", day, sold_today.astype(float))
        on_hand = self.inventory.positions(list(self.world.stores.ids), list(self.catalog.skus))
        self.totals.report("on_hand_mean", day, on_hand.on_hand.sum(axis=1).astype(float))

    def _report_due(self, day: int, base: int) -> None:
        """Yesterday's promises, by store: all have fallen due by tonight."""
        if day == 0:
            return
        start = moment(base - 86_400)
        table = self.orders.on_time(start, start + dt.timedelta(days=1), by="store")
        rows = pd.Index(self.world.stores.ids).get_indexer(table.index.astype(str))
        mine = rows >= 0
        self.totals.add("orders_due", day, rows[mine], table["due"].to_numpy(float)[mine])
        self.totals.add("orders_on_time", day, rows[mine], table["on_time"].to_numpy(float)[mine])

    def _own_orders(self, day: int, at_s: int) -> None:
        """Members order online on their own, after the closing jobs."""
        members = self.members.members
        if not len(members):
            return
        persons = self.members.person_of[members]
        chance = (self.online_rate_per_day * self.world.year.online[day]
                  * self.population.digital_adoption[persons])  # fmt: skip
        buying = self._own_rng.random(len(members)) < chance
        self.online.place(day, at_s, members[buying])

    # --- results --------------------------------------------------------------------------
    def open_minutes(self) -> np.ndarray:
        """Minutes each store is open each day (stores x days; 0 on a closure)."""
        s, year = self.world.stores, self.world.year
        per_day = (s.closes_min - s.opens_min).astype(float)
        return per_day[:, None] * (~year.closed)[None, :]

    def daily_kpis(self, totals: Totals | None = None) -> pd.DataFrame:
        """One row per store and day: `store`, `date`, `day` and every KPI (of `totals`, by
        default the chain's own)."""
        totals = (totals or self.totals).frame()
        open_min = pd.Series(self.open_minutes().ravel(), index=totals.index)
        frame = kpis_from_totals(totals, totals["queue_area"], open_min.where(open_min > 0))
        frame = frame.fillna(
            {name: 0.0 for name in ("checkout_queue_len_mean", "checkout_arrival_rate_per_min")}
        )
        frame = frame.reset_index()
        frame.insert(1, "date", [self.world.year.dates[d] for d in frame["day"]])
        return frame[["store", "date", "day", *KPI_NAMES]]

    def summary(self, totals: Totals | None = None) -> dict[str, float]:
        """The run's KPIs over every store and day (of `totals`, by default the chain's)."""
        totals = (totals or self.totals).run_totals()
        if self.campaigns.measured:
            totals["campaigns_measured"] = len(self.campaigns.measured)
            totals["uplift_measured_sum"] = sum(m for _, m, _ in self.campaigns.measured)
            totals["uplift_true_sum"] = sum(u for _, _, u in self.campaigns.measured)
        area = totals["queue_area"]
        frame = kpis_from_totals(totals, area, float(self.open_minutes().sum()))
        return {name: frame[name].iloc[0].item() for name in KPI_NAMES}

    def _planned(self) -> np.ndarray:
        """Units a day per store and SKU the chain plans with (as the detailed stock room):
        visitors x buying x basket, over the assortment as the typical shopper chooses."""
        s, people = self.world.stores, self.config.population
        units = s.daily_visitors * s.behaviour("buy_prob") * s.behaviour("basket_items_mean")
        shares = []
        for scale in s.spend_scale:
            budget = int(people.spending_power_median_cents * scale)
            cdf = np.array(self.catalog.choice_cdf(budget, people.price_sensitivity_mean))
            shares.append(np.diff(cdf, prepend=0.0))
        return units[:, None] * np.array(shares)

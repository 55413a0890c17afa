"""Members' online orders through the real order center, sourced by the inventory center.

An order is submitted and paid at once (a coupon's discount is the campaign's cost, booked by
marketing; the order is paid in full), then allocated: the inventory center picks the
ship-from locations (warehouse or stores, by the chain's sourcing rules) and holds the units.
Listeners hear of the allocation with the value that ships (lines nobody can serve are
refunded; a cancelled order never counts). Picking takes the rest of the working day, the
parcel travels a day or two, and the order center judges delivery against the promise and
posts the revenue to the ledger. An order nothing can serve waits and is retried at the next
closing, and cancelled after a few tries.

A member may choose to pick her order up at her home store (buy online, pick up in store):
only that store's stock serves it, and once it is picked she comes to the store within a
couple of days, collects it at the counter and may shop while she is there.

The shop takes the time as an argument and puts what happens later (picking, delivery) on
an agenda; its closing job (`close_day`) reports the day's promises and retries backorders.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Protocol

import numpy as np

from retail.inventory import OrderLine
from retail.orders.types import OrderSpec, OrderState, OrderType
from retail.ports import OrderPort
from sim.business.events import OnlineOrderCollected, OnlineOrdersDue, OnlineOrderShipped
from sim.engine.agenda import Agenda
from sim.engine.calendar import MINUTES_PER_DAY, Calendar
from sim.engine.events import EventLog
from sim.world.catalog import Catalog
from sim.world.population import Population

PROMISE = dt.timedelta(hours=48)
PICK_HOURS = (2.0, 8.0)  # from payment to the parcel leaving
TRANSIT_HOURS = (18.0, 54.0)  # on the road
RETRIES = 3
PICKUP_WITHIN_DAYS = 3  # she comes on the day it is ready or one of the next two
HANDOVER_MEAN_MIN = 2.0  # a guide finds the parcel and hands it over (assumption)

# (order key, value that ships in cents, units per sku that ship, minute): the order counts.
Allocated = Callable[[str, int, dict[str, int], float], None]
# (order key, minute): it was cancelled for want of stock.
Cancelled = Callable[[str, float], None]


class PickupCounter(Protocol):
    """A store's counter where online orders are collected."""

    def collect_order(self, person: int, at_min: float, key: str, handover_min: float) -> None:
        """She comes at `at_min` to collect order `key`; the handover takes `handover_min`."""
        ...


class OnlineShop:
    def __init__(
        self,
        log: EventLog,
        calendar: Calendar,
        orders: OrderPort,
        catalog: Catalog,
        population: Population,
        rng: np.random.Generator,
        agenda: Agenda,
        pickup_share: float = 0.0,
    ) -> None:
        self.log, self.calendar, self.agenda = log, calendar, agenda
        self.orders, self.catalog, self.population = orders, catalog, population
        self.rng = rng
        self.pickup_share = pickup_share
        self.counters: Mapping[str, PickupCounter] = {}  # stores where orders are picked up
        self._collector: dict[str, int] = {}  # pickup order -> who collects it
        self.count = 0
        self.waiting: dict[str, int] = {}  # backordered order -> tries so far
        # Per order, who is told when it is allocated, with the value and units that will
        # ship (what was not allocated is refunded): that is when the sale counts. And who is
        # told if it is cancelled for want of stock.
        self._then: dict[str, Allocated] = {}
        self._lost: dict[str, Cancelled] = {}

    def connect(self, counters: Mapping[str, PickupCounter]) -> None:
        """The stores' pickup counters, by store: wired once the stores are built (they take
        the shop for their endless aisle, so one of the two must come second)."""
        self.counters = counters

    def basket(self, person: int) -> tuple[tuple[OrderLine, ...], int]:
        """What she orders: one to three items chosen as in a store, by her budget."""
        budget = int(self.population.spending_power_cents[person])
        cdf = self.catalog.choice_cdf(budget, float(self.population.price_sensitivity[person]))
        count = 1 + int(self.rng.integers(0, 3))
        picks = [self.catalog.pick(cdf, self.rng.random()) for _ in range(count)]
        lines = tuple(OrderLine(sku, n, price) for sku, n, price in self.catalog.sale_lines(picks))
        return lines, sum(line.quantity * line.unit_price_cents for line in lines)

    def place(
        self, member: int | None, person: int, store: str, lines, at: float,
        then: Allocated, guide: str | None = None, may_pick_up: bool = False,
        lost: Cancelled | None = None,
    ) -> str:  # fmt: skip
        """Submit and pay at minute `at`; allocation and fulfilment follow in the twin's time,
        and `then` (order key, value that ships, units per sku that ship, minute) is called
        once the order is allocated; `lost` (order key, minute) if it is cancelled for want
        of stock instead.
        `guide`: the guide credited (an order placed for her in a store). `may_pick_up`: she
        may choose to collect it at `store` rather than have it shipped."""
        key = f"web-{self.count:07d}"
        self.count += 1
        self._then[key] = then
        if lost is not None:
            self._lost[key] = lost
        chooses_pickup = self.rng.random() < self.pickup_share  # drawn always: CRN
        pickup = may_pick_up and chooses_pickup and store in self.counters
        if pickup:
            self._collector[key] = person
        when = self.calendar.datetime_at(at)
        spec = OrderSpec(
            OrderType.ONLINE, lines, store, guide=guide, member=member, promised=when + PROMISE,
            lat=float(self.population.home_lat[person]),
            lon=float(self.population.home_lon[person]),
            pickup_store=store if pickup else None,
        )  # fmt: skip
        self.orders.submit(key, spec, when)
        self.orders.pay(key, spec.amount_cents, when)
        self._allocate(key, at)
        return key

    def _allocate(self, key: str, at: float) -> None:
        record = self.orders.allocate(key, self.calendar.datetime_at(at))
        if record.state is OrderState.ALLOCATED:
            self.waiting.pop(key, None)
            picked_at = at + 60 * self.rng.uniform(*PICK_HOURS)
            self.agenda.call_at(picked_at, lambda t: self._picked(key, t))
            shipped: dict[str, int] = {}
            for _, lines, _ in record.shipments:
                for sku, quantity in lines:
                    shipped[sku] = shipped.get(sku, 0) + quantity
            value = record.spec.amount_cents - sum(record.refunded)
            self._lost.pop(key, None)
            self._then.pop(key)(key, value, shipped, at)
        else:
            self.waiting[key] = self.waiting.get(key, 0) + 1

    def _picked(self, key: str, t: float) -> None:
        """The parcel is packed: it waits for her at the counter, or leaves with the carrier."""
        at = self.calendar.datetime_at(t)
        record = self.orders.pick(key, at)
        if record.spec.pickup_store is not None:
            self._await_collection(key, record.spec.pickup_store, t)
            return
        record = self.orders.ship(key, at)
        for location, lines, _ in record.shipments:
            units = sum(q for _, q in lines)
            self.log.append(OnlineOrderShipped(t, record.spec.store, location, units))
        delivered_at = t + 60 * self.rng.uniform(*TRANSIT_HOURS)
        self.agenda.call_at(delivered_at, lambda t: self._delivered(key, t))

    def _delivered(self, key: str, t: float) -> None:
        at = self.calendar.datetime_at(t)
        self.orders.deliver(key, at)
        self.orders.complete(key, at)

    def _await_collection(self, key: str, store: str, t: float) -> None:
        """The parcel waits at the counter; she comes on one of the next days it is open."""
        day = self.calendar.day_index(t) + int(self.rng.integers(PICKUP_WITHIN_DAYS))
        opens, closes = self.calendar.opening(day)
        opens = max(opens, t)
        if opens >= closes - 30:  # ready too late to come today: tomorrow instead
            opens, closes = self.calendar.opening(day + 1)
        at_min = float(self.rng.uniform(opens, closes - 30))
        handover = float(self.rng.exponential(HANDOVER_MEAN_MIN))
        self.counters[store].collect_order(self._collector.pop(key), at_min, key, handover)

    def collected(self, key: str, store: str, visit: int, by: str, t: float) -> None:
        """She has her parcel at minute `t`: the order center hands it over (holds committed,
        revenue posted; its promise was judged when it was ready) and closes it."""
        at = self.calendar.datetime_at(t)
        record = self.orders.pick_up(key, at)
        self.orders.complete(key, at)
        units = sum(q for _, lines, _ in record.shipments for _, q in lines)
        self.log.append(OnlineOrderCollected(t, store, visit, units, by))

    def _report_due(self, day: int, t: float) -> None:
        """Yesterday's promises: every one of them has fallen due by tonight's closing."""
        if day == 0:
            return
        start = self.calendar.datetime_at((day - 1) * MINUTES_PER_DAY)
        table = self.orders.on_time(start, start + dt.timedelta(days=1), by="store")
        for store, row in table.iterrows():
            self.log.append(OnlineOrdersDue(t, str(store), int(row["due"]),
                                            int(row["on_time"])))  # fmt: skip

    def close_day(self, day: int, at: float) -> None:
        """At closing: yesterday's promises reported; backordered orders are tried again, and
        cancelled after `RETRIES`."""
        self._report_due(day, at)
        for key, tries in list(self.waiting.items()):
            if tries >= RETRIES:
                self.orders.cancel(key, self.calendar.datetime_at(at))
                del self.waiting[key]
                del self._then[key]
                self._collector.pop(key, None)
                if key in self._lost:
                    self._lost.pop(key)(key, at)
            else:
                self._allocate(key, at)

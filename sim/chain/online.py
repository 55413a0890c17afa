"""Members' online orders in chain fidelity: a day's orders through the order center at once.

As `sim.business.online_shop` and the marketing desk's own orders: a member orders on her
own at a rate scaled by her digital adoption (and the calendar's online factor on festival
days), or because a push made her; one to three items chosen by her budget; submitted and
paid, then allocated by the inventory center (ship from the warehouse or stores, or held for
pickup at her home store). An order counts once allocated: membership books the purchase,
marketing credits it, a push's coupon is redeemed if the basket reaches its threshold.
Picked two to eight hours later, delivered 18 to 54 hours after that (or collected at the
store within three days), completed then. What nothing can serve waits for the next
closings, and is cancelled after three tries.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from retail.keys import KeyBlock
from retail.marketing import Interaction
from retail.orders.columns import OnlineOrders
from sim.business.online_shop import PICK_HOURS, PICKUP_WITHIN_DAYS, PROMISE, RETRIES, TRANSIT_HOURS
from sim.chain.baskets import choose_items, order_lines
from sim.chain.moments import moment

PROMISE_S = int(PROMISE.total_seconds())


@dataclass(frozen=True)
class _InFlight:
    keys: KeyBlock
    picked: np.ndarray  # seconds: when the parcel is packed
    delivered: np.ndarray  # seconds: when the carrier hands it over (shipped orders)
    collect_day: np.ndarray  # run day she comes to collect it (pickup orders)
    pickup: np.ndarray  # bool
    store: np.ndarray  # the order's home store index
    picked_yet: np.ndarray  # bool


ALLOCATED = 0  # the outcome code of an allocation that holds every line (see OrderCenter)


class ChainOnline:
    def __init__(self, modules, world, members, totals, rng: np.random.Generator,
                 pickup_share: float) -> None:  # fmt: skip
        self.orders, self.membership = modules.orders, modules.membership
        self.marketing = modules.marketing
        self.world, self.members, self.totals = world, members, totals
        self.rng, self.pickup_share = rng, pickup_share
        self.store_names = list(world.stores.ids)
        self.count = 0
        self.first_day = int(world.year.dates[0].toordinal() - 719_163)  # days since the epoch
        # Orders allocated and not yet done: when each is picked, delivered or collected.
        self._events: list[_InFlight] = []
        self._waiting: list[tuple[KeyBlock, np.ndarray, np.ndarray, np.ndarray, int]] = []

    def place(self, day: int, at_s: int, member: np.ndarray, coupon: np.ndarray | None = None,
              threshold_cents: int = 0) -> None:  # fmt: skip
        """Orders by `member` (record ids: members or followers) at `at_s`, with a push's
        coupon each (or -1)."""
        n = len(member)
        if n == 0:
            return
        people = self.world.population
        person = self.members.person_of[member]
        home = self.members.home[member]
        u = self.rng.random((n, 8))
        counts = 1 + np.minimum((u[:, 0] * 3).astype(np.int64), 2)
        items = choose_items(self.world, people.spending_power_cents[person].astype(float),
                             people.price_sensitivity[person], counts, u[:, 1:4])  # fmt: skip
        pickup = (u[:, 4] < self.pickup_share) & (home >= 0)
        lines, amount = order_lines(self.world.catalog, items)
        keys = KeyBlock.range(f"web-d{day}-", self.count, n)
        self.count += n
        spec = OnlineOrders(
            members=member, origin_stores=home, store_names=self.store_names,
            lat=people.home_lat[person], lon=people.home_lon[person],
            pickup_stores=np.where(pickup, home, -1), guides=np.full(n, -1),
            guide_names=(), lines=lines, amount_cents=amount,
            promised_s=np.full(n, at_s + PROMISE_S, np.int64),
        )  # fmt: skip
        at = moment(at_s)
        self.orders.submit_many(keys, spec, at)
        self.orders.pay_many(keys, amount, at)
        coupon = np.full(n, -1, np.int64) if coupon is None else coupon
        self._allocate(day, at_s, keys, member, home, coupon, threshold_cents, pickup, tries=0)

    def _allocate(self, day, at_s, keys, member, home, coupon, threshold, pickup, tries) -> None:
        outcome = self.orders.allocate_many(keys, moment(at_s))
        done = outcome == ALLOCATED
        if (~done).any():
            rows = np.flatnonzero(~done)
            self._waiting.append((keys.take(rows), member[rows], home[rows], coupon[rows],
                                  threshold, pickup[rows], tries + 1))  # fmt: skip
        if not done.any():
            return
        rows = np.flatnonzero(done)
        keys, member, home, coupon = keys.take(rows), member[rows], home[rows], coupon[rows]
        value = self.orders.shipping_cents_many(keys)  # what ships: unserved lines refunded
        discount = np.zeros(len(rows), np.int64)
        with_coupon = (coupon >= 0) & (value >= threshold)
        if with_coupon.any():
            i = np.flatnonzero(with_coupon)
            redeemed = self.marketing.redeem_many(coupon[i], keys.take(i), value[i], moment(at_s),
                                                  member[i])  # fmt: skip
            discount[i] = redeemed.discount_cents
        paid = value - discount
        online = np.full(len(rows), self.members.online_code, np.int32)
        self.membership.record_purchases(member, np.full(len(rows), at_s).astype("datetime64[s]"),
                                         online, paid)  # fmt: skip
        self.marketing.policy.interact_many(np.unique(member), Interaction.PAYMENT, moment(at_s))
        self.marketing.record_orders(member, paid, moment(at_s))
        where = np.where(home >= 0, home, 0)
        t, d = self.totals, day
        t.add("online_orders", d, where)
        t.add("online_revenue", d, where, paid)
        t.add("coupons_redeemed", d, where, (discount > 0).astype(float))
        # Picked, then shipped and delivered, or collected: when each happens.
        u = self.rng.random((len(rows), 3))
        pick_s = 3600 * (PICK_HOURS[0] + u[:, 0] * (PICK_HOURS[1] - PICK_HOURS[0]))
        transit_s = 3600 * (TRANSIT_HOURS[0] + u[:, 1] * (TRANSIT_HOURS[1] - TRANSIT_HOURS[0]))
        picked = (at_s + pick_s).astype(np.int64)
        collect_day = picked // 86_400 - self.first_day + (u[:, 2] * PICKUP_WITHIN_DAYS).astype(int)
        self._events.append(_InFlight(keys, picked, (picked + transit_s).astype(np.int64),
                                      collect_day, pickup[rows], where,
                                      np.zeros(len(rows), bool)))  # fmt: skip

    def close_day(self, day: int, at_s: int, opens_s: np.ndarray) -> None:
        """At closing: orders waiting for stock tried again (cancelled after RETRIES), and
        every order's picking, delivery or collection that fell due by now (`opens_s`: when
        each store opened today, when a collector comes at the earliest)."""
        waiting, self._waiting = self._waiting, []
        for keys, member, home, coupon, threshold, pickup, tries in waiting:
            if tries >= RETRIES:
                self.orders.cancel_many(keys, moment(at_s))
            else:
                self._allocate(day, at_s, keys, member, home, coupon, threshold, pickup, tries)
        flights, self._events = self._events, []
        for f in flights:
            pick = ~f.picked_yet & (f.picked <= at_s)
            self._by_hour(self.orders.pick_many, f.keys, f.picked, pick)
            self._by_hour(self.orders.ship_many, f.keys, f.picked, pick & ~f.pickup)
            picked_yet = f.picked_yet | pick
            deliver = picked_yet & ~f.pickup & (f.delivered <= at_s)
            self._by_hour(self.orders.deliver_many, f.keys, f.delivered, deliver)
            self._by_hour(self.orders.complete_many, f.keys, f.delivered, deliver)
            collect = picked_yet & f.pickup & (f.collect_day <= day)
            when = np.maximum(f.picked, opens_s[f.store])
            self._by_hour(self.orders.pick_up_many, f.keys, when, collect)
            self._by_hour(self.orders.complete_many, f.keys, when, collect)
            self.totals.add("online_pickups", day, f.store[collect])
            rest = np.flatnonzero(~(deliver | collect))
            if len(rest):
                self._events.append(_InFlight(f.keys.take(rest), f.picked[rest],
                                              f.delivered[rest], f.collect_day[rest],
                                              f.pickup[rest], f.store[rest],
                                              picked_yet[rest]))  # fmt: skip

    @staticmethod
    def _by_hour(call, keys: KeyBlock, at_s: np.ndarray, mask: np.ndarray) -> None:
        """`call(keys, at)` for the masked orders, one call per hour they fall in (at the
        latest moment of the hour's orders)."""
        rows = np.flatnonzero(mask)
        if not len(rows):
            return
        hours = at_s[rows] // 3600
        for hour in np.unique(hours):
            mine = rows[hours == hour]
            call(keys.take(mine), moment(int(at_s[mine].max())))

"""A random walk through the inventory center: after every step, every unit is accounted
for, nothing is negative, and the reservation log agrees with the stock."""

import contextlib
import datetime as dt

import numpy as np
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from retail.errors import IllegalTransition, InvalidInput, OutOfStock
from retail.inventory import (
    HoldState,
    InventoryCenter,
    Location,
    LocationKind,
    Order,
    OrderLine,
    SalesChannel,
    SourcingRules,
)

SKUS = ["tee", "cap", "bag"]
LOCATIONS = [
    Location("DC", LocationKind.WAREHOUSE, 31.0, 121.0, priority=1),
    Location("S1", LocationKind.DIRECT_STORE, 31.2, 121.4),
    Location("F1", LocationKind.FRANCHISE_STORE, 31.3, 121.5, shares={SalesChannel.ONLINE: 0.5}),
]
NAMES = [loc.id for loc in LOCATIONS]
T0 = dt.datetime(2026, 5, 1, 9)

skus = st.sampled_from(SKUS)
places = st.sampled_from(NAMES)
units = st.integers(1, 6)


class InventoryWalk(RuleBasedStateMachine):
    @initialize(strategy=st.sampled_from(["priority", "distance", "fewest_splits", "lowest_cost"]))
    def open_center(self, strategy):
        self.center = InventoryCenter(
            LOCATIONS, SourcingRules(strategy=strategy), reservation_ttl=dt.timedelta(minutes=20)
        )
        self.now = T0
        self.keys: list[str] = []
        self.orders = 0
        self.center.receive_many(SKUS, ["DC"] * 3, [5, 5, 5], self.now)
        self.received = {s: 5 for s in SKUS}
        self.sold_before = {s: 0 for s in SKUS}

    @rule(minutes=st.integers(1, 15))
    def time_passes(self, minutes):
        self.now += dt.timedelta(minutes=minutes)
        self.center.expire(self.now)

    @rule(sku=skus, where=places, n=units)
    def receive(self, sku, where, n):
        self.center.receive(sku, where, n, self.now)
        self.received[sku] += n

    @rule(sku=skus, where=places, n=units)
    def sell(self, sku, where, n):
        available = self.center.available(sku, where, SalesChannel.STORE)
        try:
            self.center.sell(sku, where, n, self.now)
            assert n <= available
        except OutOfStock:
            assert n > available

    @rule(sku=skus, where=places, n=units, channel=st.sampled_from(list(SalesChannel)))
    def reserve(self, sku, where, n, channel):
        self.orders += 1
        key = f"r{self.orders}"
        available = self.center.available(sku, where, channel)
        try:
            self.center.reserve(key, [(sku, where, n)], self.now, channel)
            self.keys.append(key)
            assert n <= available
        except OutOfStock:
            assert n > available

    @precondition(lambda self: self.keys)
    @rule(data=st.data(), action=st.sampled_from(["commit", "release"]))
    def settle(self, data, action):
        key = data.draw(st.sampled_from(self.keys))
        self.center.expire(self.now)
        before = self.center.reservation(key).state
        target = HoldState.COMMITTED if action == "commit" else HoldState.RELEASED
        # Settling twice is one settlement; releasing what already expired changes nothing.
        idempotent = {target} | ({HoldState.EXPIRED} if action == "release" else set())
        try:
            after = getattr(self.center, action)(key, self.now).state
        except IllegalTransition:
            assert before not in idempotent | {HoldState.HELD}
        else:
            assert after is (target if before is HoldState.HELD else before)
            assert before in idempotent | {HoldState.HELD}

    @rule(sku=skus, source=places, destination=places, n=units)
    def transfer(self, sku, source, destination, n):
        try:
            self.center.dispatch(sku, source, destination, n, self.now)
        except OutOfStock:
            return
        except InvalidInput:
            assert source == destination
            return
        self.center.arrive(sku, destination, n, self.now + dt.timedelta(hours=4))

    @rule(sku=skus, where=places, n=units)
    def shrink(self, sku, where, n):
        with contextlib.suppress(OutOfStock):
            self.center.record_shrink(sku, where, n, self.now)

    @rule(lines=st.lists(st.tuples(skus, units), min_size=1, max_size=3, unique_by=lambda x: x[0]))
    def online_order(self, lines):
        self.orders += 1
        key = f"o{self.orders}"
        order = Order(key, tuple(OrderLine(s, q, 9_900) for s, q in lines), 31.25, 121.45)
        allocation = self.center.allocate(order, self.now)
        shipped = {}
        for shipment in allocation.shipments:
            self.keys.append(shipment.reservation)
            for sku, q in shipment.lines:
                shipped[sku] = shipped.get(sku, 0) + q
        for sku, q in allocation.backordered:
            shipped[sku] = shipped.get(sku, 0) + q
        assert shipped == dict(lines)

    @invariant()
    def every_unit_is_accounted_for(self):
        frame = self.center.conservation()
        assert frame["balanced"].all()
        assert frame["received"].to_dict() == self.received

    @invariant()
    def nothing_is_negative_and_the_log_agrees(self):
        stock = self.center.stock_frame()
        assert (stock[["on_hand", "reserved", "available", "in_transit"]] >= 0).all().all()
        pool = self.center.pool
        n = len(pool.skus)
        from_log = np.zeros_like(pool.reserved[:, :n])
        for (sku, where, channel), q in self.center.reserved_from_log().items():
            from_log[channel, pool.row[sku], pool.column[where]] = q
        assert (from_log == pool.reserved[:, :n]).all()


TestInventoryWalk = InventoryWalk.TestCase
TestInventoryWalk.settings = settings(max_examples=40, stateful_step_count=30, deadline=None)

"""A random walk through orders of every type driving one inventory center and one revenue
ledger: after every step stock, orders and money agree (units sold by orders are the units the
pool sold, held units are those of allocated orders, units in transit those of shipped
transfers, the ledger balances and holds what customers kept), no line returns more than it
sold or refunds more than it was paid, and illegal transitions are refused."""

import datetime as dt

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from retail.errors import IllegalTransition, InvalidInput, OutOfStock
from retail.inventory import InventoryCenter, Location, LocationKind, OrderLine, SourcingRules
from retail.orders.center import OrderCenter
from retail.orders.revenue import RevenueLedger
from retail.orders.types import TRANSITIONS, OrderSpec, OrderState, OrderType

SKUS = ["tee", "cap", "bag"]
LOCATIONS = [
    Location("DC", LocationKind.WAREHOUSE, 31.0, 121.0, priority=1),
    Location("S1", LocationKind.DIRECT_STORE, 31.2, 121.4),
    Location("S2", LocationKind.DIRECT_STORE, 31.3, 121.5),
]
STORES = ["S1", "S2"]
T0 = dt.datetime(2026, 5, 1, 9)
ACTIONS = ["pay", "allocate", "pick", "ship", "deliver", "pick_up", "complete", "cancel"]

lines = st.lists(st.tuples(st.sampled_from(SKUS), st.integers(1, 3)), min_size=1, max_size=3,
                 unique_by=lambda x: x[0])  # fmt: skip


class OrdersWalk(RuleBasedStateMachine):
    @initialize(strategy=st.sampled_from(["priority", "distance", "fewest_splits", "lowest_cost"]))
    def open_centers(self, strategy):
        self.inventory = InventoryCenter(LOCATIONS, SourcingRules(strategy=strategy))
        self.ledger = RevenueLedger()
        self.orders = OrderCenter(self.inventory, self.ledger)
        self.now = T0
        self.count = 0
        for where in ("DC", "S1"):
            self.inventory.receive_many(SKUS, [where] * 3, [4, 4, 4], self.now)

    def key(self) -> str:
        self.count += 1
        return f"k{self.count}"

    @rule(minutes=st.integers(1, 600))
    def time_passes(self, minutes):
        self.now += dt.timedelta(minutes=minutes)

    @rule(sku=st.sampled_from(SKUS), where=st.sampled_from(["DC", *STORES]), n=st.integers(1, 4))
    def goods_arrive(self, sku, where, n):
        self.inventory.receive(sku, where, n, self.now)

    @rule(kind=st.sampled_from(["store_sale", "online", "pickup", "transfer"]), drawn=lines,
          store=st.sampled_from(STORES), promise_h=st.integers(1, 48))  # fmt: skip
    def submit(self, kind, drawn, store, promise_h):
        order_lines = tuple(OrderLine(s, q, 1_000 * q + 99) for s, q in drawn)
        promised = self.now + dt.timedelta(hours=promise_h)
        spec = {
            "store_sale": OrderSpec(OrderType.STORE_SALE, order_lines, store),
            "online": OrderSpec(OrderType.ONLINE, order_lines, store, guide="g1",
                                promised=promised, lat=31.25, lon=121.45),
            "pickup": OrderSpec(OrderType.ONLINE, order_lines, store, promised=promised,
                                pickup_store=store),
            "transfer": OrderSpec(OrderType.TRANSFER, order_lines, store, source="DC",
                                  destination=store, promised=promised),
        }[kind]  # fmt: skip
        key = self.key()
        assert self.orders.submit(key, spec, self.now).state is OrderState.CREATED
        assert self.orders.submit(key, spec, self.now).key == key  # idempotent

    @precondition(lambda self: self.orders.orders)
    @rule(data=st.data(), steps=st.integers(1, 6))
    def act(self, data, steps):
        """A few steps of one order: mostly a step forward, now and then any action (a cancel,
        or one the order may not take)."""
        key = data.draw(st.sampled_from(sorted(self.orders.orders)))
        for _ in range(steps):
            self.step(key, data.draw(st.integers(0, 4)) == 0, data)

    def step(self, key, anything, data):
        record = self.orders.order(key)
        before = record.state
        forward = [a for a, (start, _) in TRANSITIONS[record.type].items()
                   if before in start and a != "cancel"]  # fmt: skip
        action = data.draw(st.sampled_from(ACTIONS if anything or not forward else forward))
        legal = TRANSITIONS[record.type].get(action)
        try:
            if action == "pay":
                self.orders.pay(key, record.spec.amount_cents, self.now)
            else:
                getattr(self.orders, action)(key, self.now)
        except IllegalTransition:
            assert legal is None or before not in legal[0] or action == "pick_up"
            assert record.state is before
            return
        except OutOfStock:
            assert action in ("ship", "complete")  # a transfer's source or a till ran short
            assert record.state is before
            return
        assert legal is not None and before in legal[0]
        assert record.state in (legal[1], OrderState.PAID)  # PAID: allocation found nothing
        self.now += dt.timedelta(minutes=7)

    @precondition(lambda self: self.orders.orders)
    @rule(data=st.data(), share=st.integers(1, 3), finish=st.booleans())
    def customer_returns(self, data, share, finish):
        key = data.draw(st.sampled_from(sorted(self.orders.orders)))
        record = self.orders.order(key)
        wanted = [(line.sku, share) for line in record.spec.lines[:2]]
        try:
            opened = self.orders.return_lines(key, self.key(), wanted, self.now)
        except (IllegalTransition, InvalidInput):
            return  # not returnable now, or more than is left to return: refused, as it must be
        action = self.orders.complete if finish else self.orders.cancel
        action(opened.key, self.now)

    @invariant()
    def stock_balances_and_the_log_agrees(self):
        assert self.inventory.conservation()["balanced"].all()
        frame = self.inventory.stock_frame()
        assert (frame[["on_hand", "reserved", "available", "in_transit"]] >= 0).all().all()
        log = self.inventory.reserved_from_log()
        assert sum(log.values()) == int(frame["reserved"].sum())

    @invariant()
    def orders_and_stock_tell_the_same_story(self):
        sold = held = in_transit = 0
        for record in self.orders.orders.values():
            for i in range(len(record.spec.lines)):
                assert 0 <= record.returned[i] <= record.sold[i]
                assert 0 <= record.refunded[i] <= record.paid[i] or record.type is (
                    OrderType.STORE_RETURN
                )
            if record.type in (OrderType.STORE_SALE, OrderType.ONLINE):
                sold += sum(record.sold) - sum(record.returned)
            if record.state in (OrderState.ALLOCATED, OrderState.PICKED):
                held += sum(q for _, parcel, _ in record.shipments for _, q in parcel)
            if record.type is OrderType.TRANSFER and record.state is OrderState.SHIPPED:
                in_transit += sum(line.quantity for line in record.spec.lines)
        totals = self.inventory.conservation()
        assert self.ledger.unbalanced() == []
        kept = sum(
            (sold - back) * line.unit_price_cents
            for r in self.orders.orders.values() if r.fulfilled_at is not None
            and r.type in (OrderType.STORE_SALE, OrderType.ONLINE)
            for line, sold, back in zip(r.spec.lines, r.sold, r.returned, strict=True)
        )  # fmt: skip
        assert int(self.ledger.frame()["cents"].sum()) == kept
        assert int(totals["sold"].sum()) == sold
        assert int(totals["reserved"].sum()) == held
        assert int(totals["in_transit"].sum()) == in_transit


TestOrdersWalk = OrdersWalk.TestCase
TestOrdersWalk.settings = settings(max_examples=40, stateful_step_count=50, deadline=None)

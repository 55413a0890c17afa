"""The order center on its own and driving the inventory center: every order type's path,
refused transitions, idempotent submission, returns and refunds bounded per line, on time."""

import datetime as dt

import pytest

from retail.errors import Conflict, IllegalTransition, InvalidInput, NotFound, OutOfStock
from retail.inventory import (
    InventoryCenter,
    Location,
    LocationKind,
    OrderLine,
    SalesChannel,
    SourcingRules,
)
from retail.orders.center import OrderCenter
from retail.orders.types import OrderSpec, OrderState, OrderType

T = dt.datetime(2026, 5, 4, 10)
HOUR = dt.timedelta(hours=1)
LOCATIONS = [
    Location("DC", LocationKind.WAREHOUSE, 31.10, 121.30, priority=1),
    Location("S1", LocationKind.DIRECT_STORE, 31.23, 121.45),
    Location("S2", LocationKind.DIRECT_STORE, 31.22, 121.54),
]


@pytest.fixture
def inventory() -> InventoryCenter:
    center = InventoryCenter(LOCATIONS, SourcingRules(strategy="distance"))
    center.receive_many(["tee", "cap", "tee", "tee"], ["DC", "DC", "S1", "S2"], [10, 4, 3, 2], T)
    return center


@pytest.fixture
def orders(inventory) -> OrderCenter:
    return OrderCenter(inventory)


def online(*lines, pickup=None, promised=None, store="S1") -> OrderSpec:
    return OrderSpec(OrderType.ONLINE, tuple(OrderLine(s, q, 5_000) for s, q in lines), store,
                     guide="g7", promised=promised, pickup_store=pickup,
                     lat=None if pickup else 31.22, lon=None if pickup else 121.53)  # fmt: skip


def test_an_online_order_ships_from_the_nearest_store_and_its_units_are_sold(orders, inventory):
    orders.submit("o1", online(("tee", 2)), T)
    orders.pay("o1", 10_000, T)
    record = orders.allocate("o1", T)
    assert record.state is OrderState.ALLOCATED
    assert record.shipments[0][0] == "S2"  # 0.1 km from the customer, and it has two tees
    assert inventory.position("tee", "S2").reserved == 2
    orders.pick("o1", T + HOUR)
    orders.ship("o1", T + 2 * HOUR)
    assert inventory.position("tee", "S2") == (0, 0, 0, 0)
    assert record.sold == [2]
    orders.deliver("o1", T + 26 * HOUR)
    orders.complete("o1", T + 30 * HOUR)
    assert [s for s, _ in record.history] == [
        OrderState.CREATED, OrderState.PAID, OrderState.ALLOCATED, OrderState.PICKED,
        OrderState.SHIPPED, OrderState.DELIVERED, OrderState.COMPLETED,
    ]  # fmt: skip
    assert inventory.conservation()["balanced"].all()


def test_illegal_transitions_are_refused_with_the_state_and_action(orders):
    orders.submit("o1", online(("tee", 1)), T)
    with pytest.raises(IllegalTransition, match="cannot ship while created"):
        orders.ship("o1", T)
    with pytest.raises(IllegalTransition, match="cannot allocate while created"):
        orders.allocate("o1", T)
    orders.pay("o1", 5_000, T)
    with pytest.raises(IllegalTransition, match="pick_up"):
        orders.pick_up("o1", T)  # a delivery, not a pickup
    orders.allocate("o1", T)
    orders.pick("o1", T)
    orders.ship("o1", T)
    with pytest.raises(IllegalTransition, match="cannot cancel while shipped"):
        orders.cancel("o1", T)
    with pytest.raises(NotFound):
        orders.pay("nope", 1, T)
    with pytest.raises(InvalidInput, match="costs 5000, paid 4999"):
        orders.submit("o2", online(("tee", 1)), T) and orders.pay("o2", 4_999, T)


def test_submission_is_idempotent_and_a_changed_payload_is_refused(orders):
    first = orders.submit("o1", online(("tee", 1)), T)
    assert orders.submit("o1", online(("tee", 1)), T + HOUR) is first
    with pytest.raises(Conflict, match="other lines"):
        orders.submit("o1", online(("tee", 2)), T)
    with pytest.raises(InvalidInput, match=r"lines\[1\]\.sku"):
        orders.submit("o2", online(("tee", 1), ("tee", 1)), T)
    with pytest.raises(InvalidInput, match="delivery address or a pickup store"):
        orders.submit("o3", OrderSpec(OrderType.ONLINE, (OrderLine("tee", 1, 1),), "S1"), T)
    assert len(orders.orders) == 1


def test_cancel_releases_the_held_units_and_refunds_in_full(orders, inventory):
    orders.submit("o1", online(("tee", 2), ("cap", 1)), T)
    orders.pay("o1", 15_000, T)
    record = orders.allocate("o1", T)
    assert inventory.position("cap", "DC").reserved == 1
    orders.cancel("o1", T + HOUR)
    assert inventory.position("cap", "DC").reserved == 0
    assert inventory.position("tee", "S2").reserved == 0
    assert record.refunded == record.paid == [10_000, 5_000]


def test_units_nobody_has_are_refunded_and_nothing_at_all_leaves_the_order_waiting(orders):
    orders.submit("o1", online(("cap", 6)), T)
    orders.pay("o1", 30_000, T)
    record = orders.allocate("o1", T)
    assert record.state is OrderState.ALLOCATED and record.backordered == (("cap", 2),)
    assert record.refunded == [10_000]
    orders.submit("o2", online(("cap", 1)), T)
    orders.pay("o2", 5_000, T)
    waiting = orders.allocate("o2", T)
    assert waiting.state is OrderState.PAID and waiting.backordered == (("cap", 1),)


def test_buy_online_pick_up_in_store(orders, inventory):
    orders.submit("o1", online(("tee", 3), pickup="S1"), T)
    orders.pay("o1", 15_000, T)
    orders.allocate("o1", T)
    assert inventory.position("tee", "S1").reserved == 3
    orders.pick("o1", T)
    with pytest.raises(IllegalTransition):
        orders.deliver("o1", T)
    record = orders.pick_up("o1", T + 3 * HOUR)
    assert record.state is OrderState.PICKED_UP and record.sold == [3]
    assert inventory.position("tee", "S1").on_hand == 0
    # The promise is to have it ready; when she comes for it is her choice.
    assert record.fulfilled_at == T


def test_a_pickup_order_ready_in_time_is_on_time_however_late_she_comes(orders):
    orders.submit("o1", online(("tee", 1), pickup="S1", promised=T + 2 * HOUR), T)
    orders.pay("o1", 5_000, T)
    orders.allocate("o1", T)
    orders.pick("o1", T + HOUR)
    orders.pick_up("o1", T + 50 * HOUR)
    table = orders.on_time(T, T + 4 * HOUR, by="store")
    assert int(table.loc["S1", "due"]) == int(table.loc["S1", "on_time"]) == 1


def test_a_store_sale_and_its_returns_never_exceed_what_was_sold_or_paid(orders, inventory):
    sale = OrderSpec(OrderType.STORE_SALE, (OrderLine("tee", 2, 5_000),), "S1", guide="g7")
    orders.submit("s1", sale, T)
    orders.pay("s1", 10_000, T)
    orders.complete("s1", T)
    assert inventory.position("tee", "S1").on_hand == 1
    orders.return_lines("s1", "r1", [("tee", 1)], T + HOUR)
    assert orders.return_lines("s1", "r1", [("tee", 1)], T + HOUR).key == "r1"  # idempotent
    with pytest.raises(InvalidInput, match="2 returned, 1 sold and not yet returned"):
        orders.return_lines("s1", "r2", [("tee", 2)], T + HOUR)  # r1 is still open
    with pytest.raises(Conflict):
        orders.return_lines("s1", "r1", [("tee", 2)], T + HOUR)
    orders.complete("r1", T + HOUR)
    orders.return_lines("s1", "r2", [("tee", 1)], T + 2 * HOUR, store="S2")
    orders.complete("r2", T + 2 * HOUR)
    original = orders.order("s1")
    assert original.returned == [2] and original.refunded == [10_000]
    assert original.state is OrderState.RETURNED
    assert inventory.position("tee", "S2").on_hand == 3  # taken back where it was brought
    with pytest.raises(IllegalTransition, match="cannot return while returned"):
        orders.return_lines("s1", "r3", [("tee", 1)], T + 3 * HOUR)


def test_a_cancelled_return_frees_its_units_for_another_return(orders):
    orders.submit("s1", OrderSpec(OrderType.STORE_SALE, (OrderLine("tee", 1, 900),), "S1"), T)
    orders.pay("s1", 900, T)
    orders.complete("s1", T)
    orders.return_lines("s1", "r1", [("tee", 1)], T)
    orders.cancel("r1", T)
    orders.return_lines("s1", "r2", [("tee", 1)], T)
    orders.complete("r2", T)
    assert orders.order("s1").refunded == [900]


def test_a_transfer_moves_both_legs_or_neither(orders, inventory):
    spec = OrderSpec(OrderType.TRANSFER, (OrderLine("tee", 2, 0), OrderLine("cap", 5, 0)), "S1",
                     source="DC", destination="S1")  # fmt: skip
    orders.submit("t1", spec, T)
    orders.pick("t1", T)
    with pytest.raises(OutOfStock, match="cap"):
        orders.ship("t1", T)  # only 4 caps: the tees stay put as well
    assert inventory.position("tee", "DC").on_hand == 10
    assert orders.order("t1").state is OrderState.PICKED
    ok = OrderSpec(OrderType.TRANSFER, (OrderLine("tee", 2, 0),), "S1", source="DC",
                   destination="S1", promised=T + 24 * HOUR)  # fmt: skip
    orders.submit("t2", ok, T)
    orders.pick("t2", T)
    orders.ship("t2", T)
    assert inventory.position("tee", "S1").in_transit == 2
    assert inventory.position("tee", "DC").on_hand == 8
    orders.deliver("t2", T + 20 * HOUR)
    assert inventory.position("tee", "S1") == (5, 0, 5, 0)
    assert orders.order("t2").on_time is True


def test_on_time_rate_per_fulfilling_location_counts_open_orders_as_late(orders):
    for key, delivered in (("a", 20), ("b", 30), ("c", None)):
        orders.submit(key, online(("tee", 1), promised=T + 24 * HOUR), T)
        orders.pay(key, 5_000, T)
        orders.allocate(key, T)
        orders.pick(key, T)
        orders.ship(key, T)
        if delivered:
            orders.deliver(key, T + delivered * HOUR)
    table = orders.on_time(T, T + 48 * HOUR)
    assert table.loc["S2", "due"] == 2 and table.loc["S2", "on_time"] == 1
    assert table.loc["S1", "late"] == 1  # S2 had two tees; the third ships from S1, still open
    assert table["due"].sum() == 3
    assert orders.on_time(T + 48 * HOUR, T + 96 * HOUR).empty


def test_without_an_inventory_the_order_center_keeps_its_own_books():
    orders = OrderCenter()
    orders.submit("o1", online(("tee", 1)), T)
    orders.pay("o1", 5_000, T)
    assert orders.allocate("o1", T).shipments == (("S1", (("tee", 1),), "o1"),)


def test_the_centers_satisfy_their_ports(orders, inventory):
    from retail.ports import InventoryPort, OrderPort

    assert isinstance(inventory, InventoryPort)
    assert isinstance(orders, OrderPort)
    assert not isinstance(object(), InventoryPort)


def test_a_store_sale_settles_the_basket_its_till_held_and_sells_nothing_twice(orders, inventory):
    inventory.reserve("basket-1", [("tee", "S1", 2)], T, SalesChannel.STORE)
    inventory.commit("basket-1", T)  # the till took the basket off the shelf at payment
    sale = OrderSpec(OrderType.STORE_SALE, (OrderLine("tee", 2, 5_000),), "S1", hold="basket-1")
    orders.submit("pos-1", sale, T)
    orders.pay("pos-1", 10_000, T)
    orders.complete("pos-1", T)
    assert inventory.position("tee", "S1").on_hand == 1  # 3 - 2, once
    inventory.reserve("basket-2", [("tee", "S1", 1)], T, SalesChannel.STORE)
    held = OrderSpec(OrderType.STORE_SALE, (OrderLine("tee", 1, 5_000),), "S1", hold="basket-2")
    orders.submit("pos-2", held, T)
    orders.pay("pos-2", 5_000, T)
    orders.complete("pos-2", T)  # the order center commits a hold the till left open
    assert inventory.position("tee", "S1") == (0, 0, 0, 0)
    assert inventory.reservation("basket-2").state.value == "committed"


def test_only_a_store_sale_may_name_a_basket_hold(orders):
    bad = OrderSpec(OrderType.ONLINE, (OrderLine("tee", 1, 5_000),), "S1", lat=31.2, lon=121.5,
                    hold="basket-1")  # fmt: skip
    with pytest.raises(InvalidInput, match="hold"):
        orders.submit("o9", bad, T)


def _sale(hold: str | None, quantity: int = 1, guide: str | None = None) -> OrderSpec:
    return OrderSpec(OrderType.STORE_SALE, (OrderLine("tee", quantity, 5_000),), "S1",
                     guide=guide, hold=hold)  # fmt: skip


def test_a_batch_of_till_sales_is_booked_as_one_by_one_would_book_it(inventory):
    from retail.orders.revenue import RevenueLedger

    singly, batched = OrderCenter(ledger=RevenueLedger()), OrderCenter(ledger=RevenueLedger())
    specs = [_sale(None, 1, "g1"), _sale(None, 2)]
    times = [T, T + HOUR]
    for key, spec, at in zip(["pos-1", "pos-2"], specs, times, strict=True):
        singly.submit(key, spec, at)
        singly.pay(key, spec.amount_cents, at)
        singly.complete(key, at)
    booked = batched.book_store_sales(["pos-1", "pos-2"], specs, times, T + 2 * HOUR)
    assert [r.key for r in booked] == ["pos-1", "pos-2"]
    for key in ("pos-1", "pos-2"):
        one, many = singly.order(key), batched.order(key)
        assert (one.state, one.history, one.sold, one.paid, one.fulfilled_at) == (
            many.state, many.history, many.sold, many.paid, many.fulfilled_at
        )  # fmt: skip
    assert singly.ledger.frame().equals(batched.ledger.frame())  # each at its own time


def test_a_batch_commits_open_basket_holds_once_and_skips_sales_booked_before(orders, inventory):
    basket = dt.timedelta(hours=3)  # outlives the intake's delay
    inventory.reserve("basket-1", [("tee", "S1", 2)], T, SalesChannel.STORE, basket)
    inventory.reserve("basket-2", [("tee", "S1", 1)], T, SalesChannel.STORE, basket)
    inventory.commit("basket-2", T)  # an offline till settled this one itself
    specs = [_sale("basket-1", 2), _sale("basket-2", 1)]
    orders.book_store_sales(["pos-1", "pos-2"], specs, [T, T], T + HOUR)
    assert inventory.position("tee", "S1") == (0, 0, 0, 0)  # 3 on hand, 3 sold, once
    assert inventory.reservation("basket-1").state.value == "committed"
    again = orders.book_store_sales(["pos-2", "pos-1"], specs[::-1], [T, T], T + 2 * HOUR)
    assert again == []  # a replay books nothing
    assert inventory.conservation()["balanced"].all()
    with pytest.raises(Conflict, match="pos-1"):
        orders.book_store_sales(["pos-1"], [_sale("basket-1", 1)], [T], T + 2 * HOUR)


def test_a_batch_refuses_what_it_cannot_book_and_names_it(orders, inventory):
    online_spec = online(("tee", 1))
    with pytest.raises(InvalidInput, match=r"specs\[1\].type"):
        orders.book_store_sales(["pos-1", "o1"], [_sale(None), online_spec], [T, T], T)
    with pytest.raises(InvalidInput, match=r"keys\[1\]"):
        orders.book_store_sales(["pos-1", "pos-1"], [_sale(None), _sale(None)], [T, T], T)
    with pytest.raises(InvalidInput, match="equally long"):
        orders.book_store_sales(["pos-1"], [_sale(None)], [], T)
    inventory.reserve("basket-1", [("tee", "S1", 1)], T, SalesChannel.STORE)
    inventory.release("basket-1", T)  # she left: the hold is gone
    inventory.reserve("basket-2", [("tee", "S1", 1)], T, SalesChannel.STORE)
    with pytest.raises(IllegalTransition, match="pos-1"):
        orders.book_store_sales(["pos-1", "pos-2"], [_sale("basket-1"), _sale("basket-2")],
                                [T, T], T)  # fmt: skip
    with pytest.raises(NotFound):
        orders.order("pos-2")  # nothing was booked
    assert orders.book_store_sales(["pos-2"], [_sale("basket-2")], [T], T)  # retried alone
    assert inventory.conservation()["balanced"].all()


def test_a_hold_that_expired_before_the_intake_stops_the_batch(orders, inventory):
    inventory.reserve("basket-1", [("tee", "S1", 1)], T, SalesChannel.STORE, dt.timedelta(hours=3))
    with pytest.raises(IllegalTransition, match="pos-1"):
        orders.book_store_sales(["pos-1"], [_sale("basket-1")], [T], T + 4 * HOUR)
    with pytest.raises(NotFound):
        orders.order("pos-1")


def test_sales_without_a_hold_sell_all_their_units_or_none(orders, inventory):
    specs = [_sale(None, 2), _sale(None, 2)]  # S1 has 3 tees: the second does not fit
    with pytest.raises(OutOfStock, match="tee"):
        orders.book_store_sales(["pos-1", "pos-2"], specs, [T, T], T)
    assert inventory.position("tee", "S1").on_hand == 3  # nothing left the shelf
    assert orders.book_store_sales(["pos-1"], specs[:1], [T], T)  # retried without it
    assert inventory.position("tee", "S1").on_hand == 1


def test_two_sales_cannot_settle_one_basket(orders, inventory):
    inventory.reserve("basket-1", [("tee", "S1", 1)], T, SalesChannel.STORE)
    with pytest.raises(InvalidInput, match=r"specs\[1\].hold"):
        orders.book_store_sales(["pos-1", "pos-2"], [_sale("basket-1"), _sale("basket-1")],
                                [T, T], T)  # fmt: skip


def test_posting_sales_needs_one_time_per_sale():
    from retail.orders.revenue import RevenueLedger

    with pytest.raises(InvalidInput, match="2 times for 1 sales"):
        RevenueLedger().post_sales(["o1"], [100], [T, T], ["S1"], ["S1"], [None])

"""The batch paths book and move orders exactly as the single path does: the same order
frame, ledger frame and stock; refusals change nothing; text keys find batch orders."""

import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from retail.errors import Conflict, InvalidInput, OutOfStock
from retail.inventory import InventoryCenter, Location, LocationKind, OrderLine
from retail.inventory.reservations import Outcome
from retail.keys import KeyBlock
from retail.orders import OrderCenter, OrderSpec, OrderState, OrderType, RevenueLedger
from retail.orders.columns import OnlineOrders, OrderLines

T = dt.datetime(2026, 3, 2, 9)
EPOCH = dt.datetime(1970, 1, 1)
STORES = ["S1", "S2"]
SKUS = ["tee", "cap", "bag"]
LOCATIONS = [
    Location("DC", LocationKind.WAREHOUSE, 31.0, 121.0, priority=1),
    Location("S1", LocationKind.DIRECT_STORE, 31.2, 121.4),
    Location("S2", LocationKind.DIRECT_STORE, 31.3, 121.5),
]


def world(units: int = 30) -> OrderCenter:
    inventory = InventoryCenter(LOCATIONS)
    for where in ("DC", "S1", "S2"):
        inventory.receive_many(SKUS, [where] * 3, [units] * 3, T)
    return OrderCenter(inventory, RevenueLedger())


def seconds(at: dt.datetime) -> int:
    return (at - EPOCH) // dt.timedelta(seconds=1)


orders_st = st.lists(
    st.tuples(
        st.integers(0, 1),
        st.integers(-1, 1),
        st.lists(
            st.tuples(st.sampled_from(SKUS), st.integers(1, 3), st.integers(0, 9_000)),
            min_size=1,
            max_size=3,
            unique_by=lambda x: x[0],
        ),
    ),
    min_size=1,
    max_size=8,
)


def columns(orders):
    lines = [(i, s, q, p) for i, (_, _, ls) in enumerate(orders) for s, q, p in ls]
    return OrderLines(
        np.array([x[0] for x in lines]),
        [x[1] for x in lines],
        np.array([x[2] for x in lines]),
        np.array([x[3] for x in lines]),
    )


def same(a: OrderCenter, b: OrderCenter) -> None:
    fa, fb = a.frame().sort_index(), b.frame().sort_index()
    assert fa.astype(str).equals(fb.astype(str)), (fa, fb)
    la, lb = a.ledger.frame(), b.ledger.frame()
    key = ["order", "role", "kind"]
    la, lb = la.sort_values(key).reset_index(drop=True), lb.sort_values(key).reset_index(drop=True)
    assert la.astype(str).equals(lb.astype(str)), (la, lb)
    assert a.inventory.stock_frame().equals(b.inventory.stock_frame())
    assert a.ledger.unbalanced() == b.ledger.unbalanced() == []


@settings(max_examples=30, deadline=None)
@given(orders_st)
def test_store_sales_in_one_call_are_booked_as_one_by_one(orders):
    batch, single = world(), world()
    keys = KeyBlock.range("S-", 0, len(orders))
    booked = batch.book_store_sales_many(
        keys,
        np.array([o[0] for o in orders]),
        STORES,
        columns(orders),
        np.full(len(orders), seconds(T)),
        T,
        np.array([o[1] for o in orders]),
        ["g1", "g2"],
    )
    assert booked == len(orders)
    specs = [
        OrderSpec(
            OrderType.STORE_SALE,
            tuple(OrderLine(*x) for x in ls),
            STORES[s],
            guide=None if g < 0 else ["g1", "g2"][g],
        )
        for s, g, ls in orders
    ]
    single.book_store_sales(list(keys), specs, [T] * len(orders), T)
    same(batch, single)


def online_batch(orders, pickup=False):
    n = len(orders)
    pick = np.array([o[0] if pickup else -1 for o in orders])
    amounts = np.array([sum(q * p for _, q, p in ls) for _, _, ls in orders])
    return OnlineOrders(
        members=np.full(n, 7),
        origin_stores=np.array([o[0] for o in orders]),
        store_names=STORES,
        lat=np.where(pick >= 0, np.nan, 31.25),
        lon=np.where(pick >= 0, np.nan, 121.45),
        pickup_stores=pick,
        guides=np.array([o[1] for o in orders]),
        guide_names=["g1", "g2"],
        lines=columns(orders),
        amount_cents=amounts,
        promised_s=np.full(n, seconds(T + dt.timedelta(days=1))),
    ), amounts


@settings(max_examples=30, deadline=None)
@given(orders_st, st.booleans())
def test_online_orders_through_the_batch_paths_as_one_by_one(orders, pickup):
    batch, single = world(), world()
    keys = KeyBlock.range("W-", 0, len(orders))
    spec, amounts = online_batch(orders, pickup)
    steps = ["pick", "pick_up", "complete"] if pickup else ["pick", "ship", "deliver", "complete"]
    assert (batch.submit_many(keys, spec, T) == Outcome.DONE).all()
    batch.pay_many(keys, amounts, T)
    out = batch.allocate_many(keys, T)
    for k, step in enumerate(steps):
        getattr(batch, f"{step}_many")(keys, T + (k + 1) * dt.timedelta(hours=1))
    for i, (s, g, ls) in enumerate(orders):
        spec_i = OrderSpec(
            OrderType.ONLINE,
            tuple(OrderLine(*x) for x in ls),
            STORES[s],
            guide=None if g < 0 else ["g1", "g2"][g],
            member=7,
            promised=T + dt.timedelta(days=1),
            pickup_store=STORES[s] if pickup else None,
            lat=None if pickup else 31.25,
            lon=None if pickup else 121.45,
        )
        single.submit(keys[i], spec_i, T)
        single.pay(keys[i], int(amounts[i]), T)
        record = single.allocate(keys[i], T)
        assert (record.state is OrderState.ALLOCATED) == (out[i] == Outcome.DONE)
        if record.state is OrderState.ALLOCATED:
            for k, step in enumerate(steps):
                getattr(single, step)(keys[i], T + (k + 1) * dt.timedelta(hours=1))
    same(batch, single)
    assert batch.on_time(T, T + dt.timedelta(days=2)).equals(
        single.on_time(T, T + dt.timedelta(days=2))
    )


def test_text_keys_find_batch_orders_and_conflict_with_them():
    center = world()
    keys = KeyBlock.range("W-", 0, 2)
    spec, amounts = online_batch([(0, 0, [("tee", 1, 100)]), (1, -1, [("cap", 2, 50)])])
    center.submit_many(keys, spec, T)
    assert center.order("W-1").spec.lines == (OrderLine("cap", 2, 50),)  # detached
    assert center.pay("W-1", 100, T).state is OrderState.PAID
    assert list(center.pay_many(keys, amounts, T)) == [Outcome.DONE, Outcome.ILLEGAL]
    assert list(center.submit_many(keys, spec, T)) == [Outcome.REPEATED] * 2
    with pytest.raises(Conflict):
        center.submit(
            "W-0",
            OrderSpec(OrderType.ONLINE, (OrderLine("bag", 1, 1),), "S1", lat=31.0, lon=121.0),
            T,
        )
    center.submit(
        "X-5", OrderSpec(OrderType.ONLINE, (OrderLine("bag", 1, 1),), "S1", lat=31.0, lon=121.0), T
    )
    other, _ = online_batch([(0, 0, [("tee", 1, 100)])])
    assert list(center.submit_many(KeyBlock("X-", np.array([5])), other, T)) == [Outcome.CONFLICT]
    assert len(center.frame()) == 3


def test_refunds_of_batch_sales_and_returns_balance():
    center = world()
    keys = KeyBlock.range("S-", 0, 2)
    sales = [(0, 0, [("tee", 2, 1_000)]), (1, -1, [("cap", 1, 500)])]
    center.book_store_sales_many(
        keys,
        np.array([0, 1]),
        STORES,
        columns(sales),
        np.full(2, seconds(T)),
        T,
        np.array([0, -1]),
        ["g1"],
    )
    center.return_lines("S-0", "R-0", [("tee", 1)], T)
    center.complete("R-0", T)
    assert center.ledger.unbalanced() == []
    assert center.ledger.frame().query("kind == 'refund'")["cents"].sum() == -1_000
    assert center.order("S-0").refunded == [1_000]


def test_a_short_cell_books_nothing_and_bad_input_is_refused():
    center = world(units=1)
    keys = KeyBlock.range("S-", 0, 2)
    sales = [(0, 0, [("tee", 1, 100)]), (0, 0, [("tee", 1, 100)])]
    args = (np.array([0, 0]), STORES, columns(sales), np.full(2, seconds(T)), T)
    with pytest.raises(OutOfStock):
        center.book_store_sales_many(keys, *args)
    assert center.frame().empty and center.ledger.frame().empty
    bad = OrderLines(np.array([0, 1]), ["tee", "tee"], np.array([1, 1]), np.array([1.5, 2]))
    with pytest.raises(InvalidInput, match="unit_price_cents"):
        center.book_store_sales_many(keys, args[0], STORES, bad, *args[3:])
    with pytest.raises(InvalidInput, match="stores"):
        center.book_store_sales_many(keys, np.array([0, 5]), *args[1:])
    with pytest.raises(InvalidInput, match="prefix"):
        center.book_store_sales_many(KeyBlock.range("S@", 0, 2), *args)
    assert (
        center.book_store_sales_many(
            KeyBlock.range("S-", 0, 1),
            np.array([0]),
            STORES,
            columns(sales[:1]),
            np.full(1, seconds(T)),
            T,
        )
        == 1
    )
    assert (
        center.book_store_sales_many(
            KeyBlock.range("S-", 0, 1),
            np.array([0]),
            STORES,
            columns(sales[:1]),
            np.full(1, seconds(T)),
            T,
        )
        == 0
    )


def test_illegal_batch_transitions_are_codes():
    center = world()
    keys = KeyBlock.range("W-", 0, 1)
    spec, amounts = online_batch([(0, 0, [("tee", 1, 100)])])
    center.submit_many(keys, spec, T)
    assert list(center.ship_many(keys, T)) == [Outcome.ILLEGAL]
    assert list(center.pay_many(keys, amounts + 1, T)) == [Outcome.CONFLICT]
    assert list(center.pick_many(KeyBlock.range("Z-", 0, 1), T)) == [Outcome.NOT_FOUND]
    center.pay_many(keys, amounts, T)
    center.allocate_many(keys, T)
    assert list(center.cancel_many(keys, T)) == [Outcome.DONE]
    assert (
        center.inventory.stock_frame()["reserved"].sum() == 0
        if "reserved" in (center.inventory.stock_frame().columns)
        else True
    )
    assert center.frame().loc["W-0", "refunded_cents"] == 100

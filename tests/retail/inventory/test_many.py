"""Calls over many locations at once do what the per-location calls do, all lines or none."""

import datetime as dt
import threading
from contextlib import suppress

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from retail.errors import InvalidInput, NotFound, OutOfStock
from retail.inventory import InventoryCenter, Location, LocationKind, SalesChannel
from retail.inventory.keys import key_codes
from retail.inventory.replenishment import ReplenishmentPolicy, plan, purchase_orders

T = dt.datetime(2026, 5, 1, 22)
LOCATIONS = [
    Location("W1", LocationKind.WAREHOUSE, 31.1, 121.3),
    Location("S1", LocationKind.DIRECT_STORE, 31.2, 121.4),
    Location("S2", LocationKind.DIRECT_STORE, 31.3, 121.5),
    Location("F1", LocationKind.FRANCHISE_STORE, 31.3, 121.6),
]
IDS = [x.id for x in LOCATIONS]
STORES = IDS[1:]
SKUS = ["tee", "cap", "bag"]


def stocked(units: list[int]) -> InventoryCenter:
    c = InventoryCenter(LOCATIONS)
    cells = [(s, x) for s in SKUS for x in IDS]
    c.receive_many([s for s, _ in cells], [x for _, x in cells], units, T)
    return c


def state(c: InventoryCenter) -> dict:
    pool = c.pool
    return {name: a.copy() for name, a in pool.q.items()} | {"reserved": pool.reserved.copy()}


def assert_same_state(a: InventoryCenter, b: InventoryCenter) -> None:
    for name, array in state(a).items():
        assert np.array_equal(array, state(b)[name]), name
    pd.testing.assert_frame_equal(a.stock_frame(), b.stock_frame())
    pd.testing.assert_frame_equal(a.conservation(), b.conservation())


lines = st.lists(
    st.tuples(st.sampled_from(SKUS), st.sampled_from(IDS), st.integers(1, 4)), max_size=12
)
units = st.lists(st.integers(1, 8), min_size=12, max_size=12)


@settings(max_examples=80)
@given(units=units, batch=lines)
def test_sell_at_many_equals_sell_many_per_location(units, batch):
    many, one = stocked(units), stocked(units)
    one.reserve("held", [("tee", "S1", 1)], T, SalesChannel.STORE)
    many.reserve("held", [("tee", "S1", 1)], T, SalesChannel.STORE)
    wanted: dict[tuple[str, str], int] = {}
    for sku, where, q in batch:
        wanted[sku, where] = wanted.get((sku, where), 0) + q
    short = [cell for cell, q in wanted.items() if q > one.available(*cell, SalesChannel.STORE)]
    before = state(many)
    skus, where, quantities = [[line[j] for line in batch] for j in range(3)]
    if short:
        with pytest.raises(OutOfStock) as refused:
            many.sell_at_many(skus, where, quantities, T)
        sku, location = short[0]
        assert (refused.value.sku, refused.value.location) == (sku, location)
        assert refused.value.wanted == wanted[short[0]]
        assert all(np.array_equal(a, state(many)[k]) for k, a in before.items())
        return
    many.sell_at_many(np.array(skus, dtype=object), np.array(where, dtype=str), quantities, T)
    for location in dict.fromkeys(where):
        basket = [(s, q) for s, x, q in batch if x == location]
        one.sell_many(basket, location, T)
    assert_same_state(many, one)


transfers = st.lists(
    st.tuples(st.sampled_from(SKUS), st.sampled_from(["W1", "S1", "S2"]),
              st.sampled_from(STORES), st.integers(1, 4)),
    min_size=1, max_size=10,
).filter(lambda rows: all(src != dst for _, src, dst, _ in rows))  # fmt: skip


@settings(max_examples=60)
@given(units=units, batch=transfers)
def test_dispatch_and_arrive_at_many_equal_the_per_pair_calls(units, batch):
    many, one = stocked(units), stocked(units)
    wanted: dict[tuple[str, str], int] = {}
    for sku, src, _, q in batch:
        wanted[sku, src] = wanted.get((sku, src), 0) + q
    short = [cell for cell, q in wanted.items() if q > one.available(*cell, SalesChannel.TRANSFER)]
    skus, src, dst, quantities = (list(column) for column in zip(*batch, strict=True))
    if short:
        before = state(many)
        with pytest.raises(OutOfStock) as refused:
            many.dispatch_at_many(skus, src, dst, quantities, T)
        assert (refused.value.sku, refused.value.location) == short[0]
        assert all(np.array_equal(a, state(many)[k]) for k, a in before.items())
        return
    many.dispatch_at_many(skus, src, dst, quantities, T)
    for pair in dict.fromkeys(zip(src, dst, strict=True)):
        one.dispatch_many([(s, q) for s, a, b, q in batch if (a, b) == pair], *pair, T)
    assert_same_state(many, one)
    many.arrive_at_many(skus, dst, quantities, T)
    for location in dict.fromkeys(dst):
        one.arrive_many([(s, q) for s, _, b, q in batch if b == location], location, T)
    assert_same_state(many, one)
    assert many.conservation()["balanced"].all()


def test_refusals_are_named_and_change_nothing():
    c = stocked([5] * 12)
    c.dispatch("tee", "W1", "S1", 2, T)
    before = state(c)
    refusals = [
        (lambda: c.sell_at_many(["tee", "cap", "bag"], ["S1"] * 3, [1, 2.5, 1], T),
         InvalidInput, "quantities[1]"),
        (lambda: c.sell_at_many(["tee", ""], ["S1", "S2"], [1, 1], T), InvalidInput, "skus[1]"),
        (lambda: c.sell_at_many(["tee", 7], ["S1", "S2"], [1, 1], T), InvalidInput, "skus[1]"),
        (lambda: c.sell_at_many(np.array(["tee", ""]), ["S1", "S2"], [1, 1], T), InvalidInput,
         "skus[1]"),
        (lambda: c.sell_at_many(["tee"], ["S1", "S2"], [1, 1], T), InvalidInput, "sell_at_many"),
        (lambda: c.sell_at_many(["tee", "hat"], ["S1", "S2"], [1, 1], T), NotFound, "hat"),
        (lambda: c.sell_at_many(["tee", "tee"], ["S1", "S9"], [1, 1], T), NotFound, "S9"),
        (lambda: c.sell_at_many(["tee", "cap"], ["S1", "S2"], [1, 1], "today"), InvalidInput,
         None),
        (lambda: c.sell_at_many(["tee", "cap", "tee"], ["S1", "W1", "S1"], [1, 1, 9], T),
         OutOfStock, ("tee", "S1")),  # the first short cell, though W1 sells nothing
        (lambda: c.dispatch_at_many(["tee", "cap"], ["W1", "S2"], ["S1", "S2"], [1, 1], T),
         InvalidInput, "destinations[1]"),
        (lambda: c.dispatch_at_many(["tee"], ["F1"], ["S1"], [1], T), OutOfStock, ("tee", "F1")),
        (lambda: c.dispatch_at_many(["tee"], ["W1"], ["S1"], [10**9], T), InvalidInput,
         "quantities[0]"),
        (lambda: c.arrive_at_many(["tee", "tee"], ["S1", "S1"], [1, 2], T), InvalidInput,
         "quantities[1]"),
        (lambda: c.arrive_at_many(["tee"], ["S2"], [1], T), InvalidInput, "quantities[0]"),
        (lambda: c.positions(["S1", "S7"], SKUS), NotFound, "S7"),
    ]  # fmt: skip
    for call, error, named in refusals:
        with pytest.raises(error) as refused:
            call()
        if error is InvalidInput and named:
            assert refused.value.field == named
        elif error is NotFound:
            assert refused.value.key == named
        elif error is OutOfStock:
            assert (refused.value.sku, refused.value.location) == named
        assert all(np.array_equal(a, state(c)[k]) for k, a in before.items())


def test_no_lines_move_nothing_and_keys_come_in_any_form():
    c, d = stocked([5] * 12), stocked([5] * 12)
    c.sell_at_many([], [], [], T)
    assert_same_state(c, d)
    c.sell_at_many(pd.Categorical(["tee", "cap", "tee"]), np.array(["S1", "S2", "S1"]),
                   np.array([1, 2, 1]), T)  # fmt: skip
    d.sell_many([("tee", 2)], "S1", T)
    d.sell("cap", "S2", 2, T)
    assert_same_state(c, d)


def test_key_codes_of_str_arrays_match_factorize():
    values = np.array(["S1", "S10", "S1", "a", "S10", "é", "S1 "])
    codes, uniques = key_codes(values, "locations")
    expected_codes, expected = pd.factorize(values.astype(object))
    assert codes.tolist() == expected_codes.tolist() and uniques == expected.tolist()
    with pytest.raises(InvalidInput) as refused:
        key_codes([["S1", "S2"], ["S3", "S4"]], "locations")
    assert refused.value.field == "locations[0]"


def test_positions_equal_position_per_cell():
    c = stocked(list(range(1, 13)))
    c.dispatch("cap", "W1", "S2", 3, T)
    c.reserve("r", [("bag", "S1", 2)], T)
    got = c.positions(["S2", "S1", "W1"], ["bag", "cap"])
    assert got.locations == ("S2", "S1", "W1") and got.skus == ("bag", "cap")
    for i, where in enumerate(got.locations):
        for k, sku in enumerate(got.skus):
            cell = c.position(sku, where)
            assert (got.on_hand[i, k], got.reserved[i, k], got.available[i, k],
                    got.in_transit[i, k]) == tuple(cell)  # fmt: skip


def test_totals_equal_stock_frame_sums():
    c = stocked(list(range(1, 13)))
    c.sell_at_many(["tee", "cap"], ["S1", "S2"], [1, 2], T)
    c.dispatch("tee", "W1", "S2", 1, T)
    totals = c.totals()
    frame = c.stock_frame().groupby(level="location").sum().reindex(list(totals.locations))
    for name in ("on_hand", "reserved", "in_transit", "received", "sold", "shrink"):
        assert getattr(totals, name).tolist() == frame[name].tolist(), name


def stock_room_review(c, policy, daily, sigma, lead, on_order):
    """What sim/business/stock_room.py computes today: available per cell, one call each, and
    the units on order it keeps itself."""
    available = np.array([[c.position(sku, s).available for sku in SKUS] for s in STORES])
    return plan(daily.reshape(-1, daily.shape[-1]), sigma.ravel(), available.ravel(),
                on_order.ravel(), lead, policy)  # fmt: skip


@pytest.mark.parametrize("policy", [ReplenishmentPolicy(),
                                    ReplenishmentPolicy(0.9, review_days=2, cover_days=3,
                                                        case_pack=4, min_order=2)])  # fmt: skip
def test_review_equals_the_stock_room_plan(policy):
    rng = np.random.default_rng(4)
    c = stocked(rng.integers(1, 12, 12).tolist())
    c.dispatch_at_many(["tee", "cap"], ["W1", "W1"], ["S1", "S2"], [2, 1], T)  # on its way
    c.reserve("basket", [("bag", "S2", 1)], T, SalesChannel.STORE)
    lead = 2
    days = lead + policy.review_days - 1 + policy.cover_days
    daily = rng.gamma(2.0, 1.5, (len(STORES), len(SKUS), days))
    sigma = rng.gamma(1.0, 1.0, (len(STORES), len(SKUS)))
    in_transit = np.array([[c.position(sku, s).in_transit for sku in SKUS] for s in STORES])
    expected = stock_room_review(c, policy, daily, sigma, lead, in_transit)
    before = state(c)
    got = c.review(policy, daily, sigma, STORES, SKUS, T, lead_days=lead)
    assert all(np.array_equal(a, state(c)[k]) for k, a in before.items())
    assert np.array_equal(got.plan.order_quantity, expected.order_quantity)
    ordered = expected.order_quantity.reshape(len(STORES), len(SKUS))
    i, k = np.nonzero(ordered)
    assert got.stores.tolist() == [STORES[x] for x in i]
    assert got.skus.tolist() == [SKUS[x] for x in k]
    assert got.quantities.tolist() == ordered[i, k].tolist() and len(got) == len(i)
    labels = np.repeat(STORES, len(SKUS)), np.tile(SKUS, len(STORES))
    pd.testing.assert_frame_equal(got.frame("W1"), purchase_orders(expected, *labels, T, "W1"))
    # A flat daily rate, per-store lead times and units on order outside the center.
    rate = daily.mean(axis=2)
    leads = np.array([1, 2, 3])
    extra = rng.integers(0, 3, (len(STORES), len(SKUS)))
    flat = np.repeat(rate[:, :, None], 3 + policy.review_days - 1 + policy.cover_days, axis=2)
    expected = stock_room_review(c, policy, flat, sigma, leads.repeat(len(SKUS)),
                                 in_transit + extra)  # fmt: skip
    got = c.review(policy, rate, sigma, STORES, SKUS, T, lead_days=leads, on_order=extra)
    assert np.array_equal(got.plan.order_quantity, expected.order_quantity)
    assert np.array_equal(got.lead_days, leads.repeat(len(SKUS))[got.plan.order_quantity > 0])


def test_review_refusals_are_named():
    c = stocked([5] * 12)
    policy, mean, sigma = ReplenishmentPolicy(), np.ones((3, 3)), np.ones((3, 3))
    for kwargs, field in [
        ({"demand_mean": np.ones((3, 2))}, "demand_mean"),
        ({"demand_mean": np.array([[1, 1, 1], [1, np.nan, 1], [1, 1, 1]])}, "demand_mean[1, 1]"),
        ({"demand_sigma": -np.ones((3, 3))}, "demand_sigma[0, 0]"),
        ({"stores": ["S1", "S1", "S2"]}, "stores[1]"),
        ({"lead_days": 0}, "lead_days[0]"),
        ({"lead_days": np.array([1, 2])}, "lead_days"),
        ({"on_order": np.ones((3, 3)) * 0.5}, "on_order[0]"),
        ({"policy": "weekly"}, "policy"),
    ]:
        args = {"policy": policy, "demand_mean": mean, "demand_sigma": sigma,
                "stores": STORES, "skus": SKUS, "at": T} | kwargs  # fmt: skip
        with pytest.raises(InvalidInput) as refused:
            c.review(**args)
        assert refused.value.field == field


def test_concurrent_batches_never_sell_a_unit_twice():
    c = stocked([1, 6] + [1] * 10)  # six of tee at S1
    sold = []

    def till(i: int) -> None:
        with suppress(OutOfStock):
            c.sell_at_many(["tee", "tee"], ["S1", "S1"], [1, 1], T)
            sold.append(i)

    threads = [threading.Thread(target=till, args=(i,)) for i in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(sold) == 3 and c.position("tee", "S1").on_hand == 0
    assert c.conservation()["balanced"].all()

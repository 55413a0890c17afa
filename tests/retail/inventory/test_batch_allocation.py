"""allocate_many gives exactly what allocating the orders one after another gives: the same
parcels, backorders, explanations and stock, whatever the strategy and however scarce."""

import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from retail.errors import Conflict, InvalidInput, NotFound
from retail.inventory import (
    InventoryCenter,
    Location,
    LocationKind,
    Order,
    OrderLine,
    SalesChannel,
    SourcingRules,
    Strategy,
)
from retail.inventory.batch import OrderBatch

T = dt.datetime(2026, 5, 1, 10)
SKUS = ["tee", "cap", "bag", "sock"]
LOCATIONS = [
    Location("DC", LocationKind.WAREHOUSE, 31.00, 121.00, priority=1, handling_cents=60),
    Location("S1", LocationKind.DIRECT_STORE, 31.20, 121.40, priority=5),
    Location("S2", LocationKind.DIRECT_STORE, 31.25, 121.50, priority=5, handling_cents=20),
    Location("S3", LocationKind.DIRECT_STORE, 30.90, 121.10, priority=3),
    Location("F1", LocationKind.FRANCHISE_STORE, 31.30, 121.60, shares={SalesChannel.ONLINE: 0.5}),
]


def center(strategy: Strategy, units: list[int], max_km: float | None,
           nearest: int | None = None) -> InventoryCenter:  # fmt: skip
    rules = SourcingRules(strategy=strategy, max_distance_km=max_km, nearest_stores=nearest)
    c = InventoryCenter(LOCATIONS, rules)
    cells = [(s, loc.id) for s in SKUS for loc in LOCATIONS]
    c.receive_many([s for s, _ in cells], [x for _, x in cells], units, T)
    return c


order_lines = st.lists(st.tuples(st.sampled_from(SKUS), st.integers(1, 3)), min_size=1,
                       max_size=3, unique_by=lambda x: x[0])  # fmt: skip
orders = st.lists(
    st.tuples(order_lines, st.floats(30.8, 31.4), st.floats(120.9, 121.7),
              st.sampled_from([None, None, None, "S1"])),
    max_size=40,
)  # fmt: skip


def build(drawn) -> list[Order]:
    return [
        Order(f"o{i}", tuple(OrderLine(s, q, 1_000 + 37 * q) for s, q in lines), lat, lon, pickup)
        for i, (lines, lat, lon, pickup) in enumerate(drawn)
    ]


@settings(max_examples=80)
@given(strategy=st.sampled_from(list(Strategy)), drawn=orders,
       units=st.lists(st.integers(0, 8), min_size=20, max_size=20),
       max_km=st.sampled_from([None, 40.0]), nearest=st.sampled_from([None, 1, 2]))  # fmt: skip
def test_a_batch_allocates_exactly_like_one_order_after_another(strategy, drawn, units, max_km,
                                                               nearest):  # fmt: skip
    units = [u or 1 for u in units]  # receive_many wants positive quantities
    one = center(strategy, units, max_km, nearest)
    many = center(strategy, units, max_km, nearest)
    batch = build(drawn)
    expected = [one.allocate(order, T) for order in batch]
    got = many.allocate_many(batch, T)
    assert list(got) == expected
    assert many.stock_frame().equals(one.stock_frame())
    assert many.reserved_from_log() == one.reserved_from_log()
    assert got.fulfilled.tolist() == [a.fulfilled for a in expected]


@pytest.mark.parametrize("nearest", [None, 2])
def test_a_large_batch_takes_the_array_path_and_agrees_with_one_by_one(nearest):
    rng = np.random.default_rng(5)
    units = rng.integers(150, 300, len(SKUS) * len(LOCATIONS)).tolist()
    one = center(Strategy.LOWEST_COST, units, None, nearest)
    many = center(Strategy.LOWEST_COST, units, None, nearest)
    drawn = []
    for _ in range(300):
        skus = rng.choice(SKUS, int(rng.integers(1, 4)), replace=False)
        lines = [(str(s), int(rng.integers(1, 3))) for s in skus]
        drawn.append(
            (lines, float(rng.uniform(30.8, 31.4)), float(rng.uniform(120.9, 121.7)), None)
        )
    batch = build(drawn)
    expected = [one.allocate(order, T) for order in batch]
    got = many.allocate_many(OrderBatch.from_orders(batch), T)
    assert list(got) == expected
    assert len(got._single) < 30  # most orders were decided on arrays
    assert many.stock_frame().equals(one.stock_frame())


def test_a_replayed_batch_returns_the_same_allocations_and_a_changed_order_conflicts():
    c = center(Strategy.DISTANCE, [5] * 20, None)
    batch = build([([("tee", 1)], 31.2, 121.4, None), ([("cap", 2)], 31.0, 121.0, None)])
    first = list(c.allocate_many(batch, T))
    assert list(c.allocate_many(batch, T)) == first
    assert c.allocate(batch[1], T) == first[1]
    changed = Order("o1", (OrderLine("cap", 3, 1_111),), 31.0, 121.0)
    with pytest.raises(Conflict):
        c.allocate_many([changed], T)


def test_bad_orders_in_a_batch_change_nothing_and_are_named():
    c = center(Strategy.DISTANCE, [5] * 20, None)
    good = Order("a", (OrderLine("tee", 1, 100),), 31.2, 121.4)
    cases = [
        (Order("b", (OrderLine("tee", 0, 100),), 31.2, 121.4), InvalidInput, r"orders\[1\]"),
        (Order("b", (OrderLine("tee", 1, 100),), 95.0, 121.4), InvalidInput, r"orders\[1\]\.lat"),
        (Order("b", (OrderLine("tee", 1, 1), OrderLine("tee", 1, 1)), 31.2, 121.4), InvalidInput,
         "repeated"),
        (Order("b", (OrderLine("hat", 1, 100),), 31.2, 121.4), NotFound, "hat"),
    ]  # fmt: skip
    for bad, error, match in cases:
        with pytest.raises(error, match=match):
            c.allocate_many([good, bad], T)
    assert c.reserved_from_log() == {}


@pytest.mark.parametrize("allow_partial", [True, False])
def test_pickups_at_scarce_stores_are_decided_on_arrays_exactly_as_one_by_one(allow_partial):
    rng = np.random.default_rng(11)
    units = rng.integers(1, 6, len(SKUS) * len(LOCATIONS)).tolist()

    def scarce() -> InventoryCenter:
        c = InventoryCenter(LOCATIONS, SourcingRules(allow_partial=allow_partial))
        cells = [(s, loc.id) for s in SKUS for loc in LOCATIONS]
        c.receive_many([s for s, _ in cells], [x for _, x in cells], units, T)
        return c

    one, many = scarce(), scarce()
    drawn = []
    for _ in range(200):  # runs of pickups at two stores, some deliveries between them
        skus = rng.choice(SKUS, int(rng.integers(1, 4)), replace=False)
        lines = [(str(s), int(rng.integers(1, 3))) for s in skus]
        pickup = [None, "S1", "S1", "F1"][int(rng.integers(4))]
        drawn.append((lines, 31.1, 121.3, pickup))
    batch = build(drawn)
    expected = [one.allocate(order, T) for order in batch]
    got = many.allocate_many(batch, T)
    assert list(got) == expected
    assert got.fulfilled.tolist() == [a.fulfilled for a in expected]
    assert many.stock_frame().equals(one.stock_frame())
    assert many.reserved_from_log() == one.reserved_from_log()
    pickups = [i for i, a in enumerate(expected) if a.strategy == "pickup"]
    covered = [i for i in pickups if expected[i].fulfilled]
    assert set(covered) - set(got._single)  # pickups her store covers were decided on arrays
    if allow_partial:  # and those it covers in part, or not at all
        assert not set(pickups) & set(got._single)
    assert any(a.backordered and a.shipments for a in expected) == allow_partial


def test_a_pickup_whose_parcel_key_is_taken_conflicts_after_the_orders_before_it():
    c = center(Strategy.DISTANCE, [5] * 20, None)
    c.reserve("o1@S1", [("tee", "S1", 1)], T)
    batch = build([([("cap", 1)], 31.2, 121.4, "S1"), ([("tee", 1)], 31.2, 121.4, "S1")])
    with pytest.raises(Conflict):
        c.allocate_many(batch, T)
    assert c.reservation("o0@S1").lines == (("cap", "S1", 1),)

"""Source selection: each strategy's choice, computed by hand."""

import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from retail.errors import Conflict, InvalidInput
from retail.inventory import (
    InventoryCenter,
    Location,
    LocationKind,
    Order,
    OrderLine,
    SalesChannel,
    SourcingRules,
    Strategy,
    great_circle_km,
)
from retail.inventory.geo import Sites
from retail.inventory.sourcing import choose

NAMES = ["A", "B", "C"]
T = dt.datetime(2026, 5, 1, 10)


def decide(strategy, need, available, distance, priority=(1, 2, 0), parcel=(1000, 900, 500),
           unit=((100, 100), (300, 300), (0, 0))):  # fmt: skip
    choice = choose(Strategy(strategy), np.array(need), np.array(available), np.array(distance),
                    np.array(priority), np.array(parcel), np.array(unit), NAMES)  # fmt: skip
    return {NAMES[i]: choice.take[i].tolist() for i in np.flatnonzero(choice.take.sum(axis=1))}


# A and B hold the whole order [2, 1]; C only part of it.
WHOLE = dict(need=[2, 1], available=[[2, 1], [2, 1], [1, 1]], distance=[10.0, 5.0, 1.0])


@pytest.mark.parametrize(
    ("strategy", "expected"),
    [
        ("priority", {"A": [2, 1]}),  # A priority 1 beats B 2 (C, priority 0, cannot cover)
        ("distance", {"B": [2, 1]}),  # B at 5 km is the nearest that covers
        ("fewest_splits", {"B": [2, 1]}),  # one parcel either way: the nearer
        ("lowest_cost", {"A": [2, 1]}),  # A 1000 + 3 * 100 = 1300 < B 900 + 3 * 300 = 1800
    ],
)
def test_a_location_that_covers_the_order_ships_it_alone(strategy, expected):
    assert decide(strategy, **WHOLE) == expected


# Nobody covers [3, 2]: A has [2, 0] at 10 km, B [1, 2] at 5 km, C [3, 0] at 20 km.
SPLIT = dict(need=[3, 2], available=[[2, 0], [1, 2], [3, 0]], distance=[10.0, 5.0, 20.0])


@pytest.mark.parametrize(
    ("strategy", "expected"),
    [
        # ranks C (0), A (1), B (2): line 1 all from C, line 2 from B
        ("priority", {"C": [3, 0], "B": [0, 2]}),
        # ranks B, A, C: line 1 takes B's 1 then A's 2, line 2 B's 2
        ("distance", {"A": [2, 0], "B": [1, 2]}),
        # B and C both give 3 units, B is nearer; then A (2 at 10 km) beats C (2 at 20 km)
        ("fewest_splits", {"A": [2, 0], "B": [1, 2]}),
        # per unit: A (1000 + 200) / 2 = 600, B (900 + 900) / 3 = 600, C 500 / 3 = 167 -> C;
        # then [0, 2] left: only B gives, 2 units for 900 + 600
        ("lowest_cost", {"C": [3, 0], "B": [0, 2]}),
    ],
)
def test_without_a_covering_location_lines_are_split_by_the_strategys_rule(strategy, expected):
    assert decide(strategy, **SPLIT) == expected


def test_units_nobody_has_are_left_out():
    take = decide("distance", need=[5, 1], available=[[1, 0], [1, 0], [0, 0]],
                  distance=[1.0, 2.0, 3.0])  # fmt: skip
    assert take == {"A": [1, 0], "B": [1, 0]}


def test_great_circle_distance_shanghai_beijing():
    # People's Square to Tiananmen: about 1,067 km by the haversine formula.
    assert great_circle_km(31.2304, 121.4737, 39.9042, 116.4074) == pytest.approx(1067, abs=5)
    assert great_circle_km(31.0, 121.0, 31.0, 121.0) == 0


def chain(rules=None) -> InventoryCenter:
    locations = [
        Location("DC-East", LocationKind.WAREHOUSE, 31.10, 121.30, priority=1, handling_cents=80),
        Location("S-Jingan", LocationKind.DIRECT_STORE, 31.23, 121.45, priority=5),
        Location("S-Pudong", LocationKind.DIRECT_STORE, 31.22, 121.54, priority=5),
        Location(
            "F-Minhang",
            LocationKind.FRANCHISE_STORE,
            31.11,
            121.38,
            shares={SalesChannel.ONLINE: 0.5},
        ),
    ]
    center = InventoryCenter(locations, rules)
    center.receive_many(
        ["coat", "coat", "coat", "coat", "scarf", "scarf"],
        ["DC-East", "S-Jingan", "S-Pudong", "F-Minhang", "S-Pudong", "F-Minhang"],
        [1, 2, 4, 4, 2, 3],
        T,
    )
    return center


JINGAN_CUSTOMER = (31.229, 121.448)  # a few hundred metres from S-Jingan


def order(key, *lines, where=JINGAN_CUSTOMER, pickup=None):
    return Order(key, tuple(OrderLine(s, q, 59_900) for s, q in lines), *where, pickup_store=pickup)


def test_the_center_reserves_what_it_chose_and_explains_why():
    center = chain(SourcingRules(strategy="distance"))
    allocation = center.allocate(order("o1", ("coat", 2), ("scarf", 1)), T)
    # Jingan is nearest but has no scarf; Pudong has both.
    assert [s.location for s in allocation.shipments] == ["S-Pudong"]
    assert "S-Pudong ships the whole order" in allocation.reason
    considered = {c.location: c for c in allocation.considered}
    assert (
        considered["S-Jingan"].covers_order is False and considered["S-Jingan"].units_available == 2
    )
    assert considered["F-Minhang"].covers_order  # half of 4 coats and 1 of 3 scarves is shared
    assert center.position("coat", "S-Pudong").reserved == 2
    assert center.allocate(order("o1", ("coat", 2), ("scarf", 1)), T) == allocation
    with pytest.raises(Conflict):
        center.allocate(order("o1", ("coat", 3)), T)


@pytest.mark.parametrize("strategy", ["priority", "distance", "fewest_splits", "lowest_cost"])
def test_a_quote_is_the_allocation_without_the_hold(strategy):
    center = chain(SourcingRules(strategy=strategy))
    wanted = order("q1", ("coat", 3), ("scarf", 4))
    quote = center.quote(wanted, T)
    assert center.stock_frame()["reserved"].sum() == 0  # nothing held
    assert "q1@" + quote.shipments[0].location not in center.book.index
    assert center.allocate(wanted, T) == quote  # what it promised is what it holds
    assert center.stock_frame()["reserved"].sum() == 7 - sum(q for _, q in quote.backordered)


def test_a_franchise_store_exposes_only_its_owners_share_online():
    center = chain()
    assert center.available("coat", "F-Minhang", SalesChannel.ONLINE) == 2
    assert center.available("coat", "F-Minhang", SalesChannel.STORE) == 4
    assert center.available("coat", "DC-East", SalesChannel.STORE) == 0


def test_pickup_in_store_uses_that_store_only_and_backorders_the_rest():
    center = chain()
    allocation = center.allocate(order("p1", ("coat", 3), pickup="S-Jingan"), T)
    assert [(s.location, s.lines) for s in allocation.shipments] == [("S-Jingan", (("coat", 2),))]
    assert allocation.backordered == (("coat", 1),)
    assert allocation.strategy == "pickup"


def test_without_ship_from_store_only_warehouses_ship():
    center = chain(SourcingRules(ship_from_store=False))
    allocation = center.allocate(order("w1", ("coat", 2)), T)
    assert [c.location for c in allocation.considered] == ["DC-East"]
    assert allocation.shipments[0].lines == (("coat", 1),) and allocation.backordered == (
        ("coat", 1),
    )


def test_all_or_nothing_orders_wait_whole():
    center = chain(SourcingRules(allow_partial=False))
    allocation = center.allocate(order("n1", ("scarf", 9)), T)
    assert allocation.shipments == () and allocation.backordered == (("scarf", 9),)
    assert "backordered" in allocation.reason
    assert center.position("scarf", "S-Pudong").reserved == 0


def test_lowest_cost_pays_the_store_share_and_the_parcel():
    # Jingan: parcel 800 + 0.5 * ~0.2 km, share 10 % of 59,900 = 5,990 -> 6,790
    # DC-East: parcel 800 + 0.5 * 20.1 km = 810, handling 80 -> 890: the DC is cheaper.
    center = chain(SourcingRules(strategy="lowest_cost"))
    allocation = center.allocate(order("c1", ("coat", 1)), T)
    assert allocation.shipments[0].location == "DC-East"
    cost = {c.location: c.order_cost_cents for c in allocation.considered}
    assert cost["S-Jingan"] == 800 + 5_990
    assert cost["DC-East"] == 890


def test_an_order_considers_only_the_nearest_stores_and_every_warehouse():
    # Jingan (nearest) has 2 coats, Pudong 4, Minhang's share 2: with one store considered,
    # 3 coats are not covered by Jingan; the warehouse's 1 and Jingan's 2 are split over
    # them, though Pudong alone could have shipped all 3.
    center = chain(SourcingRules(strategy="distance", nearest_stores=1))
    allocation = center.allocate(order("n1", ("coat", 3)), T)
    assert {c.location for c in allocation.considered} == {"S-Jingan", "DC-East"}
    assert sorted(s.location for s in allocation.shipments) == ["DC-East", "S-Jingan"]
    assert center.position("coat", "S-Pudong").reserved == 0
    every = chain(SourcingRules(strategy="distance"))
    assert [s.location for s in every.allocate(order("n1", ("coat", 3)), T).shipments] == [
        "S-Pudong"
    ]


def test_bad_orders_and_rules_name_the_field():
    center = chain()
    with pytest.raises(InvalidInput, match=r"lines\[0\].quantity"):
        center.allocate(order("b1", ("coat", 0)), T)
    with pytest.raises(InvalidInput, match=r"sourcing\.strategy"):
        SourcingRules(strategy="cheapest")
    with pytest.raises(InvalidInput, match=r"sourcing\.nearest_stores"):
        SourcingRules(nearest_stores=0)
    with pytest.raises(InvalidInput, match="lat/lon"):
        center.allocate(order("b2", ("coat", 1), where=(95.0, 0.0)), T)


def test_a_franchise_store_ships_online_only_once_its_owner_opens_its_stock():
    locations = [
        Location("DC", LocationKind.WAREHOUSE, 31.50, 121.00),
        Location("F1", LocationKind.FRANCHISE_STORE, 31.23, 121.47),
    ]
    center = InventoryCenter(locations, SourcingRules(strategy="distance"))
    center.receive_many(["tee", "tee"], ["DC", "F1"], [5, 10], T)
    order = Order("o1", (OrderLine("tee", 2, 5_000),), 31.23, 121.47)
    assert center.quote(order, T).shipments[0].location == "DC"  # F1 shares nothing yet
    assert center.available("tee", "F1", SalesChannel.ONLINE) == 0
    assert center.set_share("F1", SalesChannel.ONLINE, 0.5, T) == 0.0
    assert center.share("F1", SalesChannel.ONLINE) == 0.5
    assert center.available("tee", "F1", SalesChannel.ONLINE) == 5
    assert center.quote(order, T).shipments[0].location == "F1"  # next door, now open
    assert center.share_changes == [(T, "F1", SalesChannel.ONLINE, 0, 5_000)]
    with pytest.raises(InvalidInput, match=r"F1.shares.ONLINE"):
        center.set_share("F1", SalesChannel.ONLINE, 1.5, T)


@settings(max_examples=50)
@given(seed=st.integers(0, 2**32 - 1), k=st.integers(1, 12))
def test_the_nearest_sites_are_those_of_the_smallest_great_circle_distances(seed, k):
    rng = np.random.default_rng(seed)
    sites = Sites(rng.uniform(18, 45, 40), rng.uniform(100, 125, 40))
    lat, lon = rng.uniform(18, 45, 25), rng.uniform(100, 125, 25)
    found = sites.nearest(lat, lon, k)
    distance = sites.km_from(lat[:, None], lon[:, None])
    assert (np.diff(found, axis=1) > 0).all()  # k distinct sites, in index order
    kth = np.sort(distance, axis=1)[:, k - 1 : k]
    assert (np.take_along_axis(distance, found, axis=1) <= kth + 1e-9).all()
    assert np.allclose(sites.km_to(lat[:, None], lon[:, None], found),
                       np.take_along_axis(distance, found, axis=1))  # fmt: skip

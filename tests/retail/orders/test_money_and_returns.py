"""Money stays within the bounds from submission on, so an order refused for its size moves
nothing; a return at another store than the sale keeps every store's sold non-negative and
stock and money conserved."""

import datetime as dt

import pytest

from retail.checks import MAX_CENTS
from retail.errors import InvalidInput
from retail.inventory import InventoryCenter, Location, LocationKind, OrderLine, SourcingRules
from retail.orders import OrderCenter, OrderSpec, OrderType, RevenueLedger

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
    center.receive_many(["tee", "tee", "tee"], ["DC", "S1", "S2"], [10, 3, 2], T)
    return center


def sale(quantity: int, price: int, store: str = "S1") -> OrderSpec:
    return OrderSpec(OrderType.STORE_SALE, (OrderLine("tee", quantity, price),), store)


def test_an_order_beyond_the_bound_is_refused_at_submit(inventory):
    ledger = RevenueLedger()
    orders = OrderCenter(inventory, ledger)
    stock = inventory.stock_frame()
    with pytest.raises(InvalidInput, match="unit_price_cents"):
        orders.submit("huge", sale(1, 10**20), T)
    with pytest.raises(InvalidInput, match="amount_cents"):  # each line fits, the sum does not
        orders.submit("huge", sale(2, MAX_CENTS // 2 + 1), T)
    assert orders.orders == {}
    orders.submit("largest", sale(1, MAX_CENTS), T)
    orders.pay("largest", MAX_CENTS, T)
    orders.complete("largest", T)
    assert ledger.unbalanced() == [] and int(ledger.frame()["cents"].sum()) == MAX_CENTS
    assert (
        inventory.stock_frame().loc[("tee", "S1"), "sold"] == stock.loc[("tee", "S1"), "sold"] + 1
    )


@pytest.mark.parametrize("paid", [100.0, 10**20, True, "100", float("nan")], ids=repr)
def test_pay_takes_integer_cents_only(inventory, paid):
    orders = OrderCenter(inventory)
    orders.submit("o", sale(1, 100), T)
    with pytest.raises(InvalidInput, match="amount_cents"):
        orders.pay("o", paid, T)
    assert orders.order("o").paid == [0]


def test_a_store_sale_returned_at_another_store(inventory):
    ledger = RevenueLedger()
    orders = OrderCenter(inventory, ledger)
    orders.submit("s", sale(2, 5_000), T)
    orders.pay("s", 10_000, T)
    orders.complete("s", T)
    orders.return_lines("s", "r", [("tee", 1)], T + HOUR, store="S2")
    orders.complete("r", T + HOUR)
    frame = inventory.stock_frame()
    assert frame.loc[("tee", "S1"), ["on_hand", "sold"]].tolist() == [1, 1]
    assert frame.loc[("tee", "S2"), ["on_hand", "sold"]].tolist() == [3, 0]
    assert (frame["sold"] >= 0).all() and inventory.conservation()["balanced"].all()
    assert ledger.unbalanced() == [] and int(ledger.frame()["cents"].sum()) == 5_000


def test_an_online_order_shipped_from_three_places_returned_in_two_parts_at_a_store(inventory):
    ledger = RevenueLedger()
    orders = OrderCenter(inventory, ledger)
    spec = OrderSpec(OrderType.ONLINE, (OrderLine("tee", 12, 1_000),), "S1", lat=31.22,
                     lon=121.53)  # fmt: skip
    orders.submit("web", spec, T)
    orders.pay("web", 12_000, T)
    record = orders.allocate("web", T)
    assert [location for location, _, _ in record.shipments] == ["DC", "S1", "S2"]
    for step in (orders.pick, orders.ship, orders.deliver, orders.complete):
        step("web", T + HOUR)
    # 11 of the 12 back at S1, in two returns: the first parcel's 7, then S1's 3 and 1 of S2's.
    for key, units in (("back-1", 6), ("back-2", 5)):
        orders.return_lines("web", key, [("tee", units)], T + 2 * HOUR, store="S1")
        orders.complete(key, T + 2 * HOUR)
    frame = inventory.stock_frame()
    assert frame["sold"].to_dict() == {("tee", "DC"): 0, ("tee", "S1"): 0, ("tee", "S2"): 1}
    assert frame.loc[("tee", "S1"), "on_hand"] == 11
    assert inventory.conservation()["balanced"].all()
    assert ledger.unbalanced() == [] and int(ledger.frame()["cents"].sum()) == 1_000
    assert ledger.frame().groupby("order")["cents"].sum().to_dict() == {
        "web@DC": 0, "web@S1": 0, "web@S2": 1_000,
    }  # fmt: skip

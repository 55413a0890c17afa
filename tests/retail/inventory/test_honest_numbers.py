"""Stock numbers stay honest: what would exceed the bounds is refused before it can wrap around,
conservation notices a negative or impossible cell, batch calls refuse what single calls
refuse, and a return at another store than the sale keeps every store's sold non-negative."""

import datetime as dt

import numpy as np
import pytest

from retail.checks import MAX_QUANTITY, MAX_STOCK
from retail.errors import InvalidInput
from retail.inventory import InventoryCenter, Location, LocationKind

T0 = dt.datetime(2026, 3, 2, 12, 0)
NOT_UNITS = [2.7, 2.0, float("nan"), "3", True, np.float64(1.0), 0, -1, 2**62, MAX_QUANTITY + 1]


def center() -> InventoryCenter:
    return InventoryCenter(
        [
            Location("DC", LocationKind.WAREHOUSE, 31.10, 121.30),
            Location("S1", LocationKind.DIRECT_STORE, 31.23, 121.45),
            Location("S2", LocationKind.DIRECT_STORE, 31.20, 121.40),
        ]
    )


def test_receiving_2_62_twice_never_wraps_around():
    inventory = center()
    inventory.receive("big", "S1", 1, T0)
    for _ in range(2):
        with pytest.raises(InvalidInput, match="quantity"):
            inventory.receive("big", "S1", 2**62, T0)
    assert inventory.position("big", "S1").on_hand == 1
    assert inventory.conservation()["balanced"].all()


def test_a_cell_holds_at_most_max_stock():
    inventory = center()
    for _ in range(MAX_STOCK // MAX_QUANTITY):
        inventory.receive("tee", "DC", MAX_QUANTITY, T0)
    with pytest.raises(InvalidInput, match="quantity"):
        inventory.receive("tee", "DC", 1, T0)
    with pytest.raises(InvalidInput, match=r"quantities\[1\]"):
        inventory.receive_many(["cap", "tee"], ["DC", "DC"], [1, 1], T0)
    inventory.receive("tee", "S1", 5, T0)
    with pytest.raises(InvalidInput, match=r"lines\[0\]"):  # in transit counts toward the cell
        inventory.dispatch_many([("tee", 5)], "S1", "DC", T0)
    assert inventory.position("tee", "DC").on_hand == MAX_STOCK
    assert "cap" not in inventory.conservation().index


def test_conservation_flags_negative_and_impossible_cells():
    inventory = center()
    inventory.receive("tee", "S1", 5, T0)
    assert inventory.conservation()["balanced"].all()
    row, column = inventory.pool.row["tee"], inventory.pool.column["S1"]
    # What an int64 wrap-around leaves: still received == sold + on hand + ..., one cell < 0.
    inventory.pool.q["on_hand"][row, column] -= 2**63 - 1
    inventory.pool.q["received"][row, column] -= 2**63 - 1
    assert not inventory.conservation().loc["tee", "balanced"]
    again = center()
    again.receive("tee", "S1", 5, T0)
    row = again.pool.row["tee"]
    again.pool.q["sold"][row, 1] -= 1  # a store sold -1, another +1: the sum still balances
    again.pool.q["sold"][row, 2] += 1
    assert not again.conservation().loc["tee", "balanced"]
    held = center()
    held.receive("tee", "S1", 5, T0)
    row, column = held.pool.row["tee"], held.pool.column["S1"]
    held.pool.reserved_total[row, column] = 6  # a hold past the checks: more than there is
    assert not held.conservation().loc["tee", "sound"]


@pytest.mark.parametrize("bad", NOT_UNITS, ids=repr)
def test_batch_and_single_movements_refuse_the_same_quantities(bad):
    inventory = center()
    inventory.receive("tee", "S1", 10, T0)
    before = inventory.stock_frame()
    with pytest.raises(InvalidInput, match="quantity"):
        inventory.receive("tee", "S1", bad, T0)
    with pytest.raises(InvalidInput, match=r"quantities\[1\]"):
        inventory.receive_many(["tee", "tee"], ["S1", "S1"], [1, bad], T0)
    with pytest.raises(InvalidInput, match="quantity"):
        inventory.reserve("k", [("tee", "S1", bad)], T0)
    with pytest.raises(InvalidInput, match=r"quantities\[1\]"):
        inventory.reserve_many(["k1", "k2"], ["tee", "tee"], ["S1", "DC"], [1, bad], T0)
    with pytest.raises(InvalidInput, match="quantity"):
        inventory.sell_many([("tee", 1), ("tee", bad)], "S1", T0)
    with pytest.raises(InvalidInput, match="quantity"):
        inventory.return_many([("tee", bad)], "S1", T0)
    assert inventory.stock_frame().equals(before)


def test_a_return_at_another_store_lowers_the_selling_store_sold():
    inventory = center()
    inventory.receive("tee", "S1", 5, T0)
    inventory.sell("tee", "S1", 2, T0)
    with pytest.raises(InvalidInput, match="quantity"):  # S2 sold none
        inventory.return_sale("tee", "S2", 1, T0)
    inventory.return_sale("tee", "S2", 1, T0, sold_at="S1")
    frame = inventory.stock_frame()
    assert frame.loc[("tee", "S1"), ["on_hand", "sold"]].tolist() == [3, 1]
    assert frame.loc[("tee", "S2"), ["on_hand", "sold"]].tolist() == [1, 0]
    assert (frame[["on_hand", "sold", "received"]] >= 0).all().all()
    assert inventory.conservation()["balanced"].all()
    with pytest.raises(InvalidInput, match="quantity"):  # one unit of the sale is left
        inventory.return_sale("tee", "S2", 2, T0, sold_at="S1")


def test_a_return_of_units_sold_at_two_places_is_all_or_none():
    inventory = center()
    inventory.receive_many(["tee", "tee"], ["DC", "S1"], [3, 3], T0)
    inventory.sell("tee", "S1", 1, T0)
    inventory.dispatch("tee", "DC", "S2", 1, T0)
    inventory.reserve("web", [("tee", "DC", 2)], T0)
    inventory.commit("web", T0)
    before = inventory.stock_frame()
    with pytest.raises(InvalidInput, match=r"lines\[1\]"):  # S1 sold 1, not 2
        inventory.return_many([("tee", 2), ("tee", 2)], "S2", T0, sold_at=["DC", "S1"])
    assert inventory.stock_frame().equals(before)
    inventory.return_many([("tee", 2), ("tee", 1)], "S2", T0, sold_at=["DC", "S1"])
    frame = inventory.stock_frame()
    assert frame["sold"].sum() == 0 and frame.loc[("tee", "S2"), "on_hand"] == 3
    assert inventory.conservation()["balanced"].all()

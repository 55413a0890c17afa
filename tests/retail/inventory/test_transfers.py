"""Transfer proposals: from slow sellers to stores running out, nearest giver first, with
hand-computed quantities, lead times and costs; carried out as transfer orders."""

import datetime as dt

import pandas as pd
import pytest

from retail.errors import InvalidInput, NotFound
from retail.inventory import InventoryCenter, Location, LocationKind, OrderLine
from retail.inventory.transfers import TransferRules, propose_transfers
from retail.orders.center import OrderCenter
from retail.orders.types import OrderSpec, OrderType

T = dt.datetime(2026, 6, 1, 8)
LOCATIONS = [
    Location("DC", LocationKind.WAREHOUSE, 31.00, 121.00),
    Location("A", LocationKind.DIRECT_STORE, 31.00, 121.40),  # sells tees fast
    Location("B", LocationKind.DIRECT_STORE, 31.00, 121.45),  # tees pile up, 4.8 km from A
    Location("C", LocationKind.DIRECT_STORE, 31.00, 122.00),  # tees pile up too, far away
    Location("F", LocationKind.FRANCHISE_STORE, 31.00, 121.41),  # shares nothing by default
]
RULES = TransferRules(
    short_days=3, long_days=30, target_days=10, fixed_cents=2_000, cents_per_unit=100,
    cents_per_km=300, km_per_day=300, handling_days=1,
)  # fmt: skip


@pytest.fixture
def center() -> InventoryCenter:
    center = InventoryCenter(LOCATIONS)
    center.receive_many(["tee"] * 5, ["DC", "A", "B", "C", "F"], [500, 4, 60, 90, 90], T)
    return center


RATES = pd.Series(
    {("tee", "A"): 5.0, ("tee", "B"): 1.0, ("tee", "C"): 0.5, ("tee", "F"): 0.1},
    name="units_per_day",
)


def test_the_nearest_slow_store_fills_the_fast_one_up_to_its_target_cover(center):
    (proposal,) = propose_transfers(center.pool, RATES, RULES)
    # A: 4 units at 5/day is 0.8 days; target 10 days = 50 units, so 46 are needed.
    # B: 60 days of cover, may give down to 10 days = 10 units: 50 spare, and it is nearest.
    # F is nearer still, but a franchise store shares nothing with other stores by default.
    assert (proposal.source, proposal.destination, proposal.quantity) == ("B", "A", 46)
    km = proposal.distance_km
    assert km == pytest.approx(4.77, abs=0.01)
    assert proposal.cost_cents == 2_000 + 100 * 46 + round(300 * km)
    assert proposal.lead_days == pytest.approx(1 + km / 300, abs=0.01)
    assert "0.8 days of cover" in proposal.reason and "60.0 days of cover" in proposal.reason


def test_a_need_larger_than_the_nearest_spare_is_topped_up_from_the_next(center):
    rates = RATES.copy()
    rates[("tee", "A")] = 8.0  # 80 units for 10 days: 76 needed; B spares 50, C the rest
    proposals = propose_transfers(center.pool, rates, RULES)
    assert [(p.source, p.quantity) for p in proposals] == [("B", 50), ("C", 26)]


def test_nothing_moves_when_no_store_runs_out_or_a_transfer_costs_too_much(center):
    calm = RATES.copy()
    calm[("tee", "A")] = 1.0  # 4 days of cover: not short
    assert propose_transfers(center.pool, calm, RULES) == []
    dear = TransferRules(max_cents_per_unit=100)  # below the 174 cents each the move costs
    assert propose_transfers(center.pool, RATES, dear) == []


def test_a_proposal_is_carried_out_as_a_transfer_order_with_both_legs(center):
    (p,) = propose_transfers(center.pool, RATES, RULES)
    orders = OrderCenter(center)
    spec = OrderSpec(OrderType.TRANSFER, (OrderLine(p.sku, p.quantity, 0),), p.destination,
                     source=p.source, destination=p.destination,
                     promised=T + dt.timedelta(days=p.lead_days))  # fmt: skip
    orders.submit("t1", spec, T)
    orders.pick("t1", T)
    orders.ship("t1", T)
    assert (
        center.position("tee", "B").on_hand == 14 and center.position("tee", "A").in_transit == 46
    )
    orders.deliver("t1", T + dt.timedelta(days=1))
    assert center.position("tee", "A").on_hand == 50
    assert center.conservation()["balanced"].all()
    assert propose_transfers(center.pool, RATES, RULES) == []  # A is covered now


def test_bad_rules_and_rates_name_the_field(center):
    with pytest.raises(InvalidInput, match=r"transfers\.target_days"):
        TransferRules(short_days=5, target_days=2)
    with pytest.raises(InvalidInput, match=r"transfers\.cents_per_unit"):
        TransferRules(cents_per_unit=-1)
    with pytest.raises(InvalidInput, match="daily_sales"):
        propose_transfers(center.pool, pd.Series({("tee", "A"): -1.0}))
    with pytest.raises(NotFound, match="Z"):
        propose_transfers(center.pool, pd.Series({("tee", "Z"): 1.0}))

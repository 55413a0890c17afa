"""Store stock goes through the real inventory center: sales leave its shelves, stock-outs are
lost sales, reviews at closing replenish from the warehouse, and the stock is conserved."""

from collections import Counter

import pytest

from sim.experiment.run import simulate_overrides, summarise

BASE = ["chain=five_stores", "days=8", "population.size=6000", "seed=3", "strategy=status_quo"]


def run(*overrides: str):
    return simulate_overrides([*BASE, *overrides])


@pytest.fixture(scope="module")
def stocked():
    return run()


def test_till_sales_leave_the_centers_shelves_and_stock_is_conserved(stocked):
    kpis = summarise(stocked)
    frame = stocked.inventory.stock_frame()
    stores = [s.id for s in stocked.config.chain.stores]
    sold = frame.loc[frame.index.get_level_values("location").isin(stores), "sold"].sum()
    units = sum(e.items for e in stocked.log if type(e).__name__ == "SaleCompleted")
    assert sold == units > 0
    assert stocked.inventory.conservation()["balanced"].all()
    assert kpis["fill_rate"] > 0.97


def test_reviews_at_closing_replenish_the_stores_from_the_warehouse(stocked):
    counts = Counter(e.store for e in stocked.log if type(e).__name__ == "StockReplenished")
    assert set(counts) >= {s.id for s in stocked.config.chain.stores}
    frame = stocked.inventory.stock_frame()
    warehouse = frame.xs("W01", level="location")
    shipped = warehouse["received"].sum() - warehouse["on_hand"].sum() - warehouse["sold"].sum()
    assert shipped > 0  # left the warehouse for the stores
    arrived = frame.loc[frame.index.get_level_values("location") != "W01", "received"].sum()
    in_transit = frame["in_transit"].sum()
    opening = sum(
        e.units for e in stocked.log if type(e).__name__ == "StockReplenished" and e.store != "W01"
    )
    assert arrived > 0 and in_transit <= opening  # trucks arrive; only the last still travel


def test_thin_shelves_and_slow_trucks_lose_sales():
    model = run("stock.initial_cover_days=1", "stock.lead_days=3")
    kpis = summarise(model)
    assert kpis["lost_sales_stockout"] > 100
    assert kpis["fill_rate"] < 0.95
    lost = [e for e in model.log if type(e).__name__ == "LostSaleStockout"]
    assert all(e.units > 0 for e in lost)


def test_without_stock_tracking_nothing_runs_out():
    model = run("stock.enabled=false")
    kinds = Counter(type(e).__name__ for e in model.log)
    assert kinds["LostSaleStockout"] == kinds["StockReplenished"] == 0
    assert model.inventory.stock_frame().empty


@pytest.mark.parametrize("store_format", ["apparel", "convenience"])  # convenience: 24:00
def test_an_order_reaches_the_shelves_as_its_due_day_opens(store_format):
    model = run(
        f"store={store_format}", "days=6", "stock.lead_days=2", "stock.initial_cover_days=3"
    )
    arrived = [e for e in model.log if type(e).__name__ == "StockArrived"]
    assert arrived
    for event in arrived:
        lead = 2 if event.store != "W01" else 3  # suppliers take three days
        assert event.t == model.calendar.opening(event.ordered_day + lead)[0]


def test_the_endless_aisle_turns_part_of_the_lost_sales_into_shipped_orders():
    base = ["chain=five_stores", "days=3", "population.size=6000", "seed=3",
            "strategy=status_quo", "stock.initial_cover_days=1", "stock.lead_days=3"]  # fmt: skip
    off = simulate_overrides(base)
    on = simulate_overrides([*base, "strategy.endless_aisle.enabled=true"])
    k_off, k_on = summarise(off), summarise(on)
    assert k_off["endless_aisle_orders"] == 0 and k_off["lost_sales_stockout"] > 100
    assert k_on["endless_aisle_orders"] > 50
    assert k_on["lost_sales_stockout"] < k_off["lost_sales_stockout"]
    assert k_on["fill_rate"] > k_off["fill_rate"]
    # Same shoppers, same shelves: at the tills nothing changes, the rest ships.
    assert k_on["transactions"] == k_off["transactions"]
    frame = on.orders.frame()
    aisle = frame[(frame["type"] == "online") & frame["guide"].notna()]
    assert len(aisle) > 0 and set(aisle["store"]) <= {s.id for s in on.stores}
    assert on.inventory.conservation()["balanced"].all() and on.ledger.unbalanced() == []


def test_a_store_open_until_midnight_closes_every_day_of_the_run_on_that_day():
    model = run("store=convenience", "days=3")
    assert model.calendar.closes_min == 1440
    for kind in ("StockCounted", "MembershipDailyRun", "RevenueShareSettled", "StoreTiered"):
        days = Counter(int(e.t // 1440) for e in model.log if type(e).__name__ == kind)
        assert sorted(days) == [0, 1, 2], kind

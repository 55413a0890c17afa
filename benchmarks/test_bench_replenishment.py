"""Forecasting and replenishment for a chain: 1,000 stores x 1,000 SKUs (a million series),
eight weeks of daily sales each; goal: within 10 s."""

import datetime as dt

import numpy as np
import pytest

from retail.inventory.forecast import fit
from retail.inventory.replenishment import ReplenishmentPolicy, plan, purchase_orders

STORES, SKUS, DAYS = 1_000, 1_000, 56
AT = dt.datetime(2026, 11, 1, 22)


@pytest.fixture(scope="module")
def chain():
    rng = np.random.default_rng(8)
    rate = rng.gamma(1.2, 2.0, STORES * SKUS).astype(np.float32)  # most SKUs sell slowly
    history = rng.poisson(rate[:, None], size=(STORES * SKUS, DAYS)).astype(np.int16)
    on_hand = rng.poisson(rate * 6).astype(np.int64)
    lead = rng.integers(2, 6, STORES).repeat(SKUS)  # each store's delivery rhythm from the DC
    stores = np.repeat(np.array([f"S{i:04d}" for i in range(STORES)], dtype=object), SKUS)
    skus = np.tile(np.array([f"K{i:04d}" for i in range(SKUS)], dtype=object), STORES)
    return history, on_hand, lead, stores, skus


def test_bench_forecast_and_replenish_1000_stores_x_1000_skus(benchmark, throughput, chain):
    history, on_hand, lead, stores, skus = chain
    policy = ReplenishmentPolicy(service_level=0.95, cover_days=3, case_pack=6)

    def replenish():
        forecast = fit(history, first_weekday=0)
        daily = forecast.daily(int(lead.max()) + policy.cover_days)
        result = plan(daily, forecast.sigma, on_hand, np.zeros_like(on_hand), lead, policy)
        return purchase_orders(result, stores, skus, AT, dc="DC-East")

    orders = benchmark.pedantic(replenish, rounds=3, iterations=1)
    assert 0 < len(orders) < STORES * SKUS
    assert (orders["quantity"] % 6 == 0).all()
    throughput(benchmark, "replenishment_series", STORES * SKUS)


def test_bench_review_1000_stores_x_20_skus(benchmark, throughput):
    """`InventoryCenter.review`: every store's order-up-to plan from the center's positions in
    one call (the chain fidelity's nightly review), 1,000 stores x 20 SKUs."""
    from retail.inventory import InventoryCenter, Location, LocationKind

    stores = np.array([f"S{i:04d}" for i in range(1_000)], dtype=object)
    skus = np.array([f"K{k:02d}" for k in range(20)], dtype=object)
    places = [Location("W00", LocationKind.WAREHOUSE, 31.0, 121.0)]
    places += [Location(s, LocationKind.DIRECT_STORE, 31.0, 121.0) for s in stores]
    center = InventoryCenter(places)
    rng = np.random.default_rng(9)
    cells = len(stores) * len(skus)
    center.receive_many(np.tile(skus, len(stores)), np.repeat(stores, len(skus)),
                        rng.integers(1, 20, cells), AT)  # fmt: skip
    mean = rng.gamma(1.2, 2.0, (len(stores), len(skus)))
    policy = ReplenishmentPolicy(service_level=0.95, cover_days=3, case_pack=6)

    def review():
        return center.review(policy, mean, np.sqrt(mean), stores, skus, AT, lead_days=2)

    result = benchmark.pedantic(review, rounds=50, iterations=1)
    assert 0 < len(result) < cells
    assert (result.quantities % 6 == 0).all()
    throughput(benchmark, "review_cells", cells)

"""Inventory center at peak: source selection over 25 locations for orders of 5 lines, one at
a time and through the batch API, and reserve/commit pairs."""

import datetime as dt
import itertools

import numpy as np
import pytest

from retail.inventory import (
    InventoryCenter,
    Location,
    LocationKind,
    Order,
    SourcingRules,
)
from retail.inventory.batch import OrderBatch
from retail.inventory.reservations import Outcome

SKUS = [f"sku{i:04d}" for i in range(2_000)]
LINES = 5
SINGLE = 2_000  # orders per round, one at a time
BATCH = 100_000  # orders per round, one batch call
PAIRS = 100_000
T = dt.datetime(2026, 11, 11, 0, 0)  # Singles' Day at midnight


def locations(rng: np.random.Generator) -> list[Location]:
    """One e-commerce DC and 24 stores around Shanghai."""
    stores = [
        Location(f"S{i:02d}", LocationKind.DIRECT_STORE, 30.8 + 0.6 * rng.random(),
                 121.0 + 0.8 * rng.random(), priority=5, handling_cents=int(rng.integers(0, 80)))
        for i in range(24)
    ]  # fmt: skip
    return [Location("DC", LocationKind.WAREHOUSE, 31.05, 121.2, priority=1, handling_cents=60),
            *stores]  # fmt: skip


def stocked_center(strategy: str = "lowest_cost") -> InventoryCenter:
    rng = np.random.default_rng(11)
    places = locations(rng)
    center = InventoryCenter(places, SourcingRules(strategy=strategy))
    cells = list(itertools.product(SKUS, [p.id for p in places]))
    quantities = rng.integers(50_000, 100_000, len(cells))
    center.receive_many([s for s, _ in cells], [p for _, p in cells], quantities, T)
    return center


def order_batch(count: int, prefix: str, seed: int) -> OrderBatch:
    rng = np.random.default_rng(seed)
    skus = rng.random((count, len(SKUS))).argsort(axis=1)[:, :LINES] if count <= 5_000 else (
        np.stack([rng.choice(len(SKUS), LINES, replace=False) for _ in range(count)]))  # fmt: skip
    return OrderBatch(
        [f"{prefix}{i}" for i in range(count)],
        30.8 + 0.6 * rng.random(count),
        121.0 + 0.8 * rng.random(count),
        np.repeat(np.arange(count), LINES),
        [SKUS[k] for k in skus.ravel()],
        rng.integers(1, 3, count * LINES),
        rng.integers(1_900, 59_900, count * LINES),
    )


@pytest.mark.parametrize("strategy", ["priority", "distance", "fewest_splits", "lowest_cost"])
def test_bench_allocate_one_at_a_time(benchmark, throughput, strategy):
    center = stocked_center(strategy)
    rounds = iter(range(100))

    def setup():
        batch = order_batch(SINGLE, f"r{next(rounds)}-", seed=next(rounds))
        return ([batch.order(i) for i in range(SINGLE)],), {}

    def allocate_each(orders: list[Order]) -> int:
        return sum(center.allocate(order, T).fulfilled for order in orders)

    fulfilled = benchmark.pedantic(
        allocate_each, setup=setup, rounds=5, iterations=1, warmup_rounds=1
    )
    assert fulfilled == SINGLE
    throughput(benchmark, f"allocations_single_{strategy}", SINGLE)


@pytest.mark.parametrize("strategy", ["priority", "distance", "fewest_splits", "lowest_cost"])
def test_bench_quote_one_at_a_time(benchmark, throughput, strategy):
    """Source selection alone, through the public `quote` (what `allocate` decides and
    explains before it reserves)."""
    center = stocked_center(strategy)
    batch = order_batch(SINGLE, "d", seed=5)
    orders = [batch.order(i) for i in range(SINGLE)]

    def quote_each() -> int:
        return sum(not center.quote(order, T).backordered for order in orders)

    assert benchmark.pedantic(quote_each, rounds=5, iterations=1) == SINGLE
    throughput(benchmark, f"quotes_single_{strategy}", SINGLE)


@pytest.mark.parametrize("strategy", ["priority", "distance", "fewest_splits", "lowest_cost"])
def test_bench_allocate_batch(benchmark, throughput, strategy):
    center = stocked_center(strategy)
    rounds = iter(range(100))

    def setup():
        return (order_batch(BATCH, f"b{next(rounds)}-", seed=100 + next(rounds)),), {}

    result = benchmark.pedantic(lambda batch: center.allocate_many(batch, T), setup=setup,
                                rounds=3, iterations=1, warmup_rounds=1)  # fmt: skip
    assert result.fulfilled.all()
    assert center.conservation()["balanced"].all()
    throughput(benchmark, f"allocations_batch_{strategy}", BATCH)


def test_bench_reserve_commit_pairs_batch(benchmark, throughput):
    center = stocked_center()
    rng = np.random.default_rng(3)
    places = [loc.id for loc in center.locations]
    rounds = iter(range(100))

    def setup():
        r = next(rounds)
        keys = [f"p{r}-{i}" for i in range(PAIRS)]
        skus = [SKUS[k] for k in rng.integers(0, len(SKUS), PAIRS)]
        where = [places[k] for k in rng.integers(0, len(places), PAIRS)]
        return (keys, skus, where), {}

    def pairs(keys, skus, where):
        reserved = center.reserve_many(keys, skus, where, np.ones(len(keys), np.int64), T)
        committed = center.commit_many(keys, T)
        return reserved, committed

    reserved, committed = benchmark.pedantic(pairs, setup=setup, rounds=5, iterations=1)
    assert (reserved == Outcome.DONE).all() and (committed == Outcome.DONE).all()
    throughput(benchmark, "reserve_commit_pairs_batch", PAIRS)


def test_bench_reserve_commit_pairs_single(benchmark, throughput):
    center = stocked_center()
    keys = itertools.count()
    count = 5_000

    def pairs():
        for _ in range(count):
            key = f"s{next(keys)}"
            center.reserve(key, [("sku0001", "S01", 1)], T)
            center.commit(key, T)

    benchmark.pedantic(pairs, rounds=5, iterations=1)
    throughput(benchmark, "reserve_commit_pairs_single", count)


def test_one_order_of_the_benchmark_is_explained():
    center = stocked_center()
    allocation = center.allocate(order_batch(1, "x", seed=1).order(0), T)
    assert len(allocation.order.lines) == LINES
    assert len(allocation.considered) == 25
    assert "ships the whole order" in allocation.reason


# --- a chain's day: 1,000 stores x 20 SKUs and 10 warehouses, every call over all stores ----
CHAIN_STORES, CHAIN_SKUS, CHAIN_LINES = 1_000, 20, 40_000


def chain_center() -> tuple[InventoryCenter, np.ndarray, np.ndarray]:
    """A chain stocked for the year; its store ids and SKUs as object arrays."""
    places = [Location(f"W{i:02d}", LocationKind.WAREHOUSE, 31.0, 121.0) for i in range(10)]
    places += [Location(f"S{i:04d}", LocationKind.DIRECT_STORE, 31.0 + i / 1e4, 121.0)
               for i in range(CHAIN_STORES)]  # fmt: skip
    center = InventoryCenter(places)
    skus = np.array([f"K{k:02d}" for k in range(CHAIN_SKUS)], dtype=object)
    ids = np.array([p.id for p in places], dtype=object)
    center.receive_many(np.repeat(skus, len(ids)), np.tile(ids, len(skus)),
                        np.full(len(ids) * len(skus), 5_000_000), T)  # fmt: skip
    return center, ids[10:], skus


def test_bench_sell_at_many_chain_day(benchmark, throughput):
    center, stores, skus = chain_center()
    rounds = iter(range(100))

    def setup():
        r = np.random.default_rng(next(rounds))
        return (skus[r.integers(0, CHAIN_SKUS, CHAIN_LINES)],
                stores[r.integers(0, CHAIN_STORES, CHAIN_LINES)],
                r.integers(1, 4, CHAIN_LINES)), {}  # fmt: skip

    benchmark.pedantic(lambda k, s, q: center.sell_at_many(k, s, q, T), setup=setup, rounds=20,
                       iterations=1, warmup_rounds=1)  # fmt: skip
    assert center.conservation()["balanced"].all()
    throughput(benchmark, "sell_at_many_lines", CHAIN_LINES)


def test_bench_positions_chain(benchmark, throughput):
    center, stores, skus = chain_center()
    got = benchmark.pedantic(lambda: center.positions(stores, skus), rounds=50, iterations=1)
    assert got.available.shape == (CHAIN_STORES, CHAIN_SKUS)
    throughput(benchmark, "positions_cells", CHAIN_STORES * CHAIN_SKUS)


def test_bench_warehouse_truck_and_totals(benchmark, throughput):
    """One dispatch call and one arrival call for a warehouse's 1,000 stores x 20 SKUs, then
    the daily count (`totals`)."""
    center, stores, skus = chain_center()
    lines_skus, lines_stores = np.tile(skus, CHAIN_STORES), np.repeat(stores, CHAIN_SKUS)
    source = np.full(len(lines_skus), "W00", dtype=object)
    quantity = np.full(len(lines_skus), 2)

    def day():
        center.dispatch_at_many(lines_skus, source, lines_stores, quantity, T)
        center.arrive_at_many(lines_skus, lines_stores, quantity, T)
        return center.totals()

    totals = benchmark.pedantic(day, rounds=20, iterations=1)
    assert totals.in_transit.sum() == 0
    throughput(benchmark, "truck_lines", 2 * len(lines_skus))

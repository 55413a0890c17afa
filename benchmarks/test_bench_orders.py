"""Order center and revenue ledger at chain scale: a day of 40,000 till sales at 1,000 stores
booked in one call, and 15,000 online orders through submit, pay, allocate, pick, ship,
deliver and complete as batches. Budget: orders + ledger at most ~10 ms per 10,000 orders."""

import datetime as dt
import itertools

import numpy as np

from retail.inventory import InventoryCenter, Location, LocationKind
from retail.keys import KeyBlock
from retail.orders import OrderCenter, RevenueLedger
from retail.orders.columns import OnlineOrders, OrderLines

STORES = [f"S{i:04d}" for i in range(1_000)]
SKUS = [f"sku{i:03d}" for i in range(200)]
SALES, ONLINE, LINES = 40_000, 15_000, 3
T = dt.datetime(2026, 3, 2, 20)
SECONDS = (T - dt.datetime(1970, 1, 1)) // dt.timedelta(seconds=1)


def center() -> OrderCenter:
    rng = np.random.default_rng(3)
    places = [Location("DC", LocationKind.WAREHOUSE, 31.0, 121.0, priority=1)] + [
        Location(s, LocationKind.DIRECT_STORE, 30.5 + rng.random(), 120.5 + rng.random())
        for s in STORES
    ]
    inventory = InventoryCenter(places)
    cells = list(itertools.product(SKUS, ["DC", *STORES[:50]]))
    inventory.receive_many([s for s, _ in cells], [p for _, p in cells], [10**6] * len(cells), T)
    cells = list(itertools.product(SKUS[:20], STORES))
    inventory.receive_many([s for s, _ in cells], [p for _, p in cells], [10**5] * len(cells), T)
    return OrderCenter(inventory, RevenueLedger())


def lines(n: int, skus: int, seed: int) -> OrderLines:
    rng = np.random.default_rng(seed)
    picks = np.stack([rng.permutation(skus)[:LINES] for _ in range(64)])[rng.integers(0, 64, n)]
    return OrderLines(
        np.repeat(np.arange(n), LINES),
        np.array(SKUS)[picks.ravel()],
        rng.integers(1, 3, n * LINES),
        rng.integers(900, 9_900, n * LINES),
    )


def test_bench_book_store_sales_many(benchmark, throughput):
    c = center()
    rng = np.random.default_rng(5)
    day = iter(range(100))
    stores = rng.integers(0, len(STORES), SALES)
    sold = lines(SALES, 20, 7)

    def setup():
        return (KeyBlock.range(f"S-{next(day)}-", 0, SALES),), {}

    def book(keys):
        return c.book_store_sales_many(
            keys,
            stores,
            STORES,
            sold,
            np.full(SALES, SECONDS),
            T,
            rng.integers(-1, 50, SALES),
            [f"g{i}" for i in range(50)],
        )

    booked = benchmark.pedantic(book, setup=setup, rounds=5, iterations=1, warmup_rounds=1)
    assert booked == SALES
    throughput(benchmark, "store_sales_batch", SALES)


def test_bench_online_orders_lifecycle(benchmark, throughput):
    c = center()
    rng = np.random.default_rng(9)
    day = iter(range(100))
    ordered = lines(ONLINE, 200, 11)
    amounts = np.add.reduceat(
        ordered.quantity * ordered.unit_price_cents, np.arange(0, ONLINE * LINES, LINES)
    )
    spec = OnlineOrders(
        np.arange(ONLINE),
        rng.integers(0, len(STORES), ONLINE),
        STORES,
        30.5 + rng.random(ONLINE),
        120.5 + rng.random(ONLINE),
        np.full(ONLINE, -1),
        rng.integers(-1, 50, ONLINE),
        [f"g{i}" for i in range(50)],
        ordered,
        amounts,
        np.full(ONLINE, SECONDS + 86_400),
    )

    def setup():
        return (KeyBlock.range(f"W-{next(day)}-", 0, ONLINE),), {}

    def lifecycle(keys):
        c.submit_many(keys, spec, T)
        c.pay_many(keys, amounts, T)
        c.allocate_many(keys, T)
        c.pick_many(keys, T)
        c.ship_many(keys, T)
        c.deliver_many(keys, T)
        return int((c.complete_many(keys, T) == 0).sum())

    done = benchmark.pedantic(lifecycle, setup=setup, rounds=3, iterations=1, warmup_rounds=1)
    assert done == ONLINE
    throughput(benchmark, "online_lifecycle_batch", ONLINE)

"""Membership at chain scale: RFM over 2 M members and 20 M purchases, batched identity
lookups and registrations, numeric memory per member."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from retail.membership import Membership, MembershipConfig, rfm_table

MEMBERS = 2_000_000
TRANSACTIONS = 20_000_000
AS_OF = dt.datetime(2026, 6, 30)
BATCH = 200_000


@pytest.fixture(scope="module")
def transactions() -> pd.DataFrame:
    rng = np.random.default_rng(1)
    seconds = np.datetime64(AS_OF, "s").astype(np.int64) - rng.integers(
        0, 2 * 365 * 86400, TRANSACTIONS
    )
    return pd.DataFrame(
        {
            "member_id": rng.integers(0, MEMBERS, TRANSACTIONS),
            "ts": seconds.astype("datetime64[s]"),
            "amount": rng.integers(1_000, 200_000, TRANSACTIONS),
        }
    )


def test_bench_rfm_2m_members_20m_transactions(benchmark, throughput, transactions):
    table = benchmark.pedantic(rfm_table, (transactions, AS_OF), rounds=3, iterations=1)
    assert len(table) > 0.99 * MEMBERS
    throughput(benchmark, "rfm_transactions", TRANSACTIONS)


def numbers(count: int, offset: int = 0) -> list[str]:
    return [f"13{(offset + i) % 10}{offset + i:08d}" for i in range(count)]


def fresh_membership() -> Membership:
    return Membership(MembershipConfig(categories=("tops", "bottoms", "dresses", "outerwear",
                                                    "accessories")), secret="b" * 20)  # fmt: skip


def register_batch(m: Membership, mobiles: list[str]) -> np.ndarray:
    n = len(mobiles)
    return m.register_many(
        mobiles,
        np.full(n, np.datetime64("2026-03-02T12:00", "s")),
        ["S001"] * n,
        [None] * n,
        np.zeros(n, np.int8),
    )


def test_bench_batch_registration(benchmark, throughput):
    batches = iter(range(1000))

    def register() -> np.ndarray:
        return register_batch(fresh_membership(), numbers(BATCH, next(batches) * BATCH))

    ids = benchmark.pedantic(register, rounds=3, iterations=1)
    assert len(np.unique(ids)) == BATCH
    throughput(benchmark, "registrations", BATCH)


@pytest.fixture(scope="module")
def registered() -> tuple[Membership, list[str]]:
    m = fresh_membership()
    mobiles = numbers(BATCH)
    register_batch(m, mobiles)
    openids = [f"o{i}" for i in range(BATCH)]
    for member, openid in enumerate(openids):
        m.state.ids["openid"][openid] = member  # as follow() would, without the clock
    return m, openids


def test_bench_batch_openid_lookup(benchmark, throughput, registered):
    m, openids = registered
    ids = benchmark(m.lookup_many, "openid", openids)
    assert (ids >= 0).all()
    throughput(benchmark, "openid_lookups", BATCH)


def test_bench_batch_mobile_lookup(benchmark, throughput, registered):
    m, _ = registered
    typed = [f"+86 {n[:3]} {n[3:7]} {n[7:]}" for n in numbers(BATCH)]
    ids = benchmark.pedantic(m.lookup_many, ("mobile", typed), rounds=3, iterations=1)
    assert (ids >= 0).all()
    throughput(benchmark, "mobile_lookups", BATCH)


def test_bench_batch_clean_mobile_lookup(benchmark, throughput, registered):
    m, _ = registered
    clean = numbers(BATCH)
    ids = benchmark.pedantic(m.lookup_many, ("mobile", clean), rounds=3, iterations=1)
    assert (ids >= 0).all()
    throughput(benchmark, "clean_mobile_lookups", BATCH)

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


# --- a chain fidelity's year: 2 M members, ~5 M purchases, the nightly step ------------------

CHAIN_MEMBERS = 2_000_000
CHAIN_STORES = 1_000
HISTORY_DAYS = 365
HISTORY_PER_DAY = 14_000  # ~5.1 M purchases over the year
NIGHTLY_PURCHASES = 50_000
CHAIN_START = np.datetime64("2025-07-01T00:00", "s")
DAY_S = 86_400


def day_of_purchases(rng, day: int, count: int) -> tuple[np.ndarray, ...]:
    """One day's till receipts at random seconds of shop hours, in booking (random) order."""
    members = rng.integers(0, CHAIN_MEMBERS, count)
    at = CHAIN_START + np.int64(day * DAY_S + 9 * 3600) + rng.integers(0, 12 * 3600, count)
    stores = rng.integers(0, CHAIN_STORES, count).astype(np.int32)
    amounts = rng.integers(1_000, 100_000, count)
    return members, at.astype("datetime64[s]"), stores, amounts


@pytest.fixture(scope="module")
def chain() -> dict:
    """2 M members who joined a year ago and a year of purchases, booked a day at a time
    (each day's receipts at one second, so the history builds quickly)."""
    from retail.membership import records

    m = fresh_membership()
    for store in range(CHAIN_STORES):
        m.store_code(f"S{store:04d}")
    rows = m.state.new_members(CHAIN_MEMBERS)
    joined = int(CHAIN_START.astype(np.int64)) - DAY_S
    records.attribute(m.state, rows, np.full(CHAIN_MEMBERS, joined),
                      (rows % CHAIN_STORES).astype(np.int32), np.full(CHAIN_MEMBERS, -1, np.int32),
                      np.zeros(CHAIN_MEMBERS, np.int8))  # fmt: skip
    rng = np.random.default_rng(7)
    for day in range(HISTORY_DAYS):
        members = rng.integers(0, CHAIN_MEMBERS, HISTORY_PER_DAY)
        at = np.full(HISTORY_PER_DAY, CHAIN_START + np.int64(day * DAY_S + 12 * 3600))
        stores = rng.integers(0, CHAIN_STORES, HISTORY_PER_DAY).astype(np.int32)
        m.record_purchases(members, at, stores, rng.integers(1_000, 100_000, HISTORY_PER_DAY))
    m.run_daily((CHAIN_START + np.int64(HISTORY_DAYS * DAY_S)).astype(dt.datetime))
    m.snapshot((CHAIN_START + np.int64(HISTORY_DAYS * DAY_S)).astype(dt.datetime))
    return {"membership": m, "day": HISTORY_DAYS, "rng": rng}


def test_bench_nightly_step_2m_members(benchmark, throughput, chain):
    """A day of the chain: book its 50,000 purchases, then the nightly job."""
    m = chain["membership"]

    def nightly() -> dict[str, int]:
        day = chain["day"]
        m.record_purchases(*day_of_purchases(chain["rng"], day, NIGHTLY_PURCHASES))
        chain["day"] = day + 1
        return m.run_daily((CHAIN_START + np.int64((day + 1) * DAY_S)).astype(dt.datetime))

    done = benchmark.pedantic(nightly, rounds=7, iterations=1)
    assert done["stage_changes"] >= 0
    throughput(benchmark, "nightly_purchases", NIGHTLY_PURCHASES)


def test_bench_snapshot_2m_members(benchmark, throughput, chain):
    """The marketing audience at the end of each day (RFM segments of every buyer)."""
    m = chain["membership"]

    def snapshot_next_day():
        chain["day"] += 1
        return m.snapshot((CHAIN_START + np.int64(chain["day"] * DAY_S)).astype(dt.datetime))

    snap = benchmark.pedantic(snapshot_next_day, rounds=5, iterations=1)
    assert len(snap) == CHAIN_MEMBERS and (snap.segment >= 0).mean() > 0.9
    throughput(benchmark, "snapshot_members", CHAIN_MEMBERS)

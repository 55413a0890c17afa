"""RFM kept as purchases are booked equals the full recomputation from the purchase log, over
random streams of purchases (in and out of time order), `as_of` moving back and forth,
windows changing, merges and erasures; and the category batch of `record_purchases`."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from retail.errors import Conflict, InvalidInput, NotFound
from retail.membership import Membership, MembershipConfig, rfm_table
from retail.membership.snapshot import SEGMENT_NAMES

SECRET = "test-secret-of-enough-length"
T0 = dt.datetime(2026, 3, 2, 12, 0)

MEMBERS = 8


def fresh() -> Membership:
    m = Membership(MembershipConfig(categories=("tops", "bottoms", "dresses")), secret=SECRET)
    for i in range(MEMBERS):
        m.register(f"1380000{i:04d}", T0 - dt.timedelta(days=400), "S1")
    return m


def full_table(m: Membership, as_of: dt.datetime, window_days: int) -> pd.DataFrame:
    return rfm_table(m.purchases_frame(), as_of, window_days)


def assert_same(got: pd.DataFrame, want: pd.DataFrame) -> None:
    assert got.index.tolist() == want.index.tolist()
    for column in want.columns:
        assert got[column].tolist() == want[column].tolist(), column


AMOUNTS = st.sampled_from([0, 990, 5000, 5000, 12900])  # repeated amounts: ties
hours = st.integers(-24 * 420, 24 * 60)  # purchase and as_of times around T0, in hours
operations = st.lists(
    st.one_of(
        st.tuples(
            st.just("buy"),
            st.lists(
                st.tuples(st.integers(0, MEMBERS - 1), hours, AMOUNTS),
                min_size=1,
                max_size=6,
            ),
        ),
        st.tuples(st.just("rfm"), hours, st.sampled_from([365, 365, 365, 30])),
        st.tuples(st.just("snapshot"), hours, st.sampled_from([365, 30])),
        st.tuples(st.just("merge"), st.integers(0, MEMBERS - 1), st.integers(0, MEMBERS - 1)),
        st.tuples(st.just("erase"), st.integers(0, MEMBERS - 1)),
    ),
    min_size=1,
    max_size=25,
)


@settings(max_examples=150)
@given(operations)
def test_incremental_rfm_equals_the_full_recomputation(ops):
    m = fresh()
    live = list(range(MEMBERS))
    for op in ops:
        kind = op[0]
        if kind == "buy":
            rows = [(live[i % len(live)], h, a) for i, h, a in op[1] if live]
            if not rows:
                continue
            members, at, amounts = (np.array(x) for x in zip(*rows, strict=True))
            times = np.datetime64(T0, "s") + (at * 3600 + members * 7).astype("m8[s]")
            m.record_purchases(members, times, np.zeros(len(rows), np.int32), amounts)
        elif kind in ("rfm", "snapshot"):
            as_of, window = T0 + dt.timedelta(hours=op[1]), op[2]
            want = full_table(m, as_of, window)
            if kind == "rfm":
                assert_same(m.rfm(as_of, window), want)
            else:
                snap = m.snapshot(as_of, window)
                segments = pd.Series(snap.segment, index=snap.member)
                bought = segments[segments >= 0]
                assert bought.index.tolist() == want.index.tolist()
                names = [SEGMENT_NAMES[c] for c in bought]
                assert names == want["segment"].astype(str).tolist()
        elif kind == "merge" and len(live) > 1:
            keep, drop = live[op[1] % len(live)], live[op[2] % len(live)]
            if keep != drop:
                m.merge(keep, drop, T0)
                live.remove(drop)
        elif kind == "erase" and len(live) > 1:
            gone = live[op[1] % len(live)]
            m.erase(gone, T0, "dpo")
            live.remove(gone)
    for window in (365, 30):  # and at the end, whatever the cursor
        as_of = T0 + dt.timedelta(days=61)
        assert_same(m.rfm(as_of, window), full_table(m, as_of, window))


def test_a_cursor_jumping_past_a_whole_window_and_back():
    m = fresh()
    for day in range(0, 900, 7):
        at = np.array([np.datetime64(T0 - dt.timedelta(days=900 - day), "s")] * 2)
        m.record_purchases(np.array([day % MEMBERS, 3]), at, np.zeros(2, np.int32),
                           np.array([1_000 + day, 500]))  # fmt: skip
    for days in (-800, -790, -300, 0, -850, 5, 5, 400):
        as_of = T0 + dt.timedelta(days=days)
        assert_same(m.rfm(as_of), full_table(m, as_of, 365))


def test_rfm_refuses_a_window_that_is_no_whole_number_of_days(membership):
    with pytest.raises(InvalidInput, match="window_days"):
        membership.rfm(T0, 0)
    with pytest.raises(InvalidInput, match="window_days"):
        membership.rfm(T0, 30.5)


# --- the category batch -----------------------------------------------------------------


def batch(m: Membership, spend, amounts=(10_000, 5_000), members=(0, 1)):
    n = len(amounts)
    return m.record_purchases(np.array(members), np.array([T0] * n, "M8[s]"),
                              np.zeros(n, np.int32), np.array(amounts), spend)  # fmt: skip


def test_category_batch_books_as_single_purchases_do():
    one, many = fresh(), fresh()
    spend = np.array([[4_000, 0, 5_990], [0, 5_000, 0], [1, 2, 3]])
    for member, row, amount in zip((0, 1, 0), spend, (10_000, 5_000, 7), strict=True):
        one.record_purchase(member, T0, "S1", amount, dict(zip(one.categories, row.tolist(),
                                                               strict=True)))  # fmt: skip
    many.store_code("S1")
    batch(many, spend, (10_000, 5_000, 7), (0, 1, 0))
    assert many.categories == ("tops", "bottoms", "dresses")
    assert (many.affinities([0, 1]) == one.affinities([0, 1])).all()
    assert (many.state.category_spend == one.state.category_spend).all()


REFUSED = {
    "wrong shape": ([[1, 2, 3]], InvalidInput, r"category_spend"),
    "a column missing": ([[1, 2], [3, 4]], InvalidInput, r"category_spend"),
    "flat": ([1, 2, 3, 4, 5, 6], InvalidInput, r"category_spend"),
    "float cents": ([[1, 2, 3], [4, 5.5, 6]], InvalidInput, r"category_spend\[1\]"),
    "float matrix": (np.ones((2, 3)), InvalidInput, r"category_spend\[0\]"),
    "bool cells": ([[True, 0, 0], [0, 0, 0]], InvalidInput, r"category_spend\[0\]"),
    "text": ([[1, 2, 3], [4, "5", 6]], InvalidInput, r"category_spend\[1\]"),
    "negative": (np.array([[1, 2, 3], [4, -5, 6]]), InvalidInput, r"category_spend\[1\]"),
    "above MAX_CENTS": ([[0, 0, 10**12], [0, 0, 0]], InvalidInput, r"category_spend\[0\]"),
    "more than the amount": ([[5_000, 5_000, 1], [0, 0, 0]], InvalidInput, r"spend\[0\]"),
}


@pytest.mark.parametrize("name", REFUSED)
def test_category_batch_refusals_change_nothing(name):
    spend, error, field = REFUSED[name]
    m = fresh()
    m.store_code("S1")
    before = (m.state.purchases.size, m.state.category_spend.copy(), m.state.members.arrays())
    with pytest.raises(error, match=field):
        batch(m, spend)
    assert m.state.purchases.size == before[0]
    assert (m.state.category_spend == before[1]).all()
    for column, values in m.state.members.arrays().items():
        assert (values == before[2][column]).all(), column


def test_category_batch_refuses_members_as_the_plain_batch_does():
    m = fresh()
    m.store_code("S1")
    m.erase(0, T0, "dpo")
    m.merge(2, 1, T0)
    spend = np.zeros((2, 3), np.int64)
    with pytest.raises(NotFound):
        batch(m, spend, members=(3, 0))
    with pytest.raises(Conflict):
        batch(m, spend, members=(3, 1))
    assert m.state.purchases.size == 0


def test_a_single_purchase_refuses_categories_above_its_amount(membership):
    member = membership.register("13800000001", T0, "S1")
    with pytest.raises(InvalidInput, match="categories"):
        membership.record_purchase(member, T0, "S1", 1_000, {"tops": 600, "bottoms": 500})
    membership.record_purchase(member, T0, "S1", 1_000, {"tops": 600, "bottoms": 400})

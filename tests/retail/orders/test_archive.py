"""Archiving closed orders: what the center hands back and what it keeps are, together, what
it would hold without archiving; the orders kept go on as before; archived keys stay taken."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from retail.errors import Archived, Conflict, InvalidInput, NotFound
from retail.inventory.reservations import Outcome
from retail.keys import KeyBlock, KeyRanges
from tests.retail.orders.test_batch_orders import STORES, T, columns, online_batch, seconds, world

DAY = dt.timedelta(days=1)
sales_st = st.lists(
    st.lists(
        st.tuples(st.integers(0, 1), st.integers(-1, 1),
                  st.lists(st.tuples(st.sampled_from(["tee", "cap", "bag"]), st.integers(1, 2),
                                     st.integers(0, 900)),
                           min_size=1, max_size=2, unique_by=lambda x: x[0])),
        max_size=4,
    ),
    min_size=1,
    max_size=4,
)  # fmt: skip


def run(center, days, archive_at=None):
    """Each day's till sales, and one online order a day left open: archived at `archive_at`."""
    archived = []
    for day, sales in enumerate(days):
        at = T + day * DAY
        if sales:
            keys = KeyBlock.range(f"sale-d{day}-", 0, len(sales))
            stores, guides = np.array([s for s, _, _ in sales]), np.array([g for _, g, _ in sales])
            center.book_store_sales_many(keys, stores, STORES, columns(sales),
                                         np.full(len(sales), seconds(at)), at, guides,
                                         ["g1", "g2"])  # fmt: skip
        online = KeyBlock.range(f"web-d{day}-", 0, 1)
        spec, amounts = online_batch([(0, 0, [("tee", 1, 100)])])
        center.submit_many(online, spec, at)
        center.pay_many(online, amounts, at)
        if archive_at is not None and day == archive_at:
            archived.append({**center.archive(at), **center.ledger.archive(at)})
    return archived


@settings(max_examples=30, deadline=None)
@given(sales_st, st.integers(0, 3))
def test_what_is_archived_and_what_is_kept_make_the_whole(days, when):
    whole, kept = world(), world()
    run(whole, days)
    tables = [t for t in run(kept, days, archive_at=min(when, len(days) - 1)) if t]
    expected = whole.frame().sort_index()
    empty = expected.iloc[:0].assign(member=0, closed_at=pd.NaT)
    orders = pd.concat([t["orders"] for t in tables]) if tables else empty
    assert (orders["state"] == "completed").all()
    assert (orders["closed_at"] < T + min(when, len(days) - 1) * DAY).all()
    together = pd.concat([kept.frame(), orders.drop(columns=["member", "closed_at"])])
    assert together.sort_index().astype(str).equals(expected.astype(str))
    lines = pd.concat([t["order_lines"] for t in tables]) if tables else None
    if lines is not None:
        assert lines["quantity"].sum() == expected.loc[orders.index, "sold"].sum()
        amounts = (lines["quantity"] * lines["unit_price_cents"]).groupby(lines["key"]).sum()
        assert amounts.reindex(orders.index).equals(orders["amount_cents"])
    # The orders kept go on as they would have: the open online orders are allocated alike.
    for center in (whole, kept):
        for day in range(len(days)):
            center.allocate_many(KeyBlock.range(f"web-d{day}-", 0, 1), T + 5 * DAY)
    assert (
        kept.frame()
        .sort_index()
        .astype(str)
        .equals(whole.frame().drop(orders.index).sort_index().astype(str))
    )
    assert kept.ledger.unbalanced() == []
    # The ledger's postings: those archived and those kept are the whole ledger's.
    postings = [t["postings"] for t in tables if "postings" in t]
    key = ["order", "role", "kind", "at"]
    together = pd.concat([kept.ledger.frame(), *postings]).sort_values(key)
    assert (
        together.reset_index(drop=True)
        .astype(str)
        .equals(whole.ledger.frame().sort_values(key).reset_index(drop=True).astype(str))
    )


def test_an_archived_order_is_final_and_its_key_stays_taken():
    center = world()
    run(center, [[(0, 0, [("tee", 1, 500)]), (1, -1, [("cap", 2, 50)])], []])
    before = center._book.size
    tables = center.archive(T + DAY)
    assert list(tables["orders"].index) == ["sale-d0-0", "sale-d0-1"]
    assert center._book.size == before - 2
    assert center.archive(T + DAY) == {}  # nothing more closed before then
    with pytest.raises(Archived, match="'sale-d0-1' was archived"):
        center.order("sale-d0-1")
    with pytest.raises(Archived):
        center.return_lines("sale-d0-0", "R-1", [("tee", 1)], T + DAY)
    with pytest.raises(NotFound):
        center.order("sale-d0-2")  # never booked: not found, not archived
    sale = columns([(0, 0, [("tee", 1, 500)])])
    with pytest.raises(Conflict, match="archived"):
        center.book_store_sales_many(KeyBlock.range("sale-d0-", 1, 1), np.array([0]), STORES,
                                     sale, np.array([seconds(T)]), T)  # fmt: skip
    spec, _ = online_batch([(0, 0, [("tee", 1, 100)])])
    out = center.submit_many(KeyBlock("sale-d0-", np.array([0])), spec, T)
    assert list(out) == [Outcome.CONFLICT]
    assert center.order("web-d0-0").state.value == "paid"  # open orders are kept
    ledger = center.ledger
    assert set(ledger.archive(T + DAY)["postings"]["order"]) == {"sale-d0-0", "sale-d0-1"}
    assert ledger.frame().empty and ledger.unbalanced() == []
    with pytest.raises(Archived, match="sale 'sale-d0-0' was archived"):
        ledger.post_refund("sale-d0-0", "R-2", 100, T + DAY)
    with pytest.raises(Conflict, match="archived"):
        ledger.post_sale("sale-d0-1", 100, T + DAY, "S1", "S1", None)
    with pytest.raises(InvalidInput, match="start"):
        ledger.statements("store", T, T + DAY)
    assert ledger.statements("store", T + DAY, T + 2 * DAY).empty


def test_archive_refuses_a_time_that_is_not_one():
    with pytest.raises(Exception, match="before"):
        world().archive("yesterday")


@given(st.lists(st.integers(0, 60), max_size=30), st.lists(st.integers(0, 60), max_size=30))
def test_key_ranges_hold_exactly_the_keys_added(first, second):
    ranges = KeyRanges()
    ranges.add("A-", np.array(first, np.int64))
    ranges.add("A-", np.array(second, np.int64))
    added = set(first) | set(second)
    probe = np.arange(-2, 65)
    assert list(ranges.contains("A-", probe)) == [int(n) in added for n in probe]
    assert len(ranges) == len(added)
    assert not ranges.contains("B-", probe).any()
    assert (f"A-{first[0]}" in ranges) if first else ("A-0" in ranges) == (0 in added)


def test_an_archived_sale_takes_its_refunds_along_and_refuses_their_replay():
    center = world()
    run(center, [[(0, 0, [("tee", 1, 500)]), (1, -1, [("cap", 1, 300)])], []])
    ledger = center.ledger
    ledger.post_refund("sale-d0-0", "R-9", 100, T)
    postings = ledger.archive(T + DAY)["postings"]
    assert postings.query("kind == 'refund'")["cents"].sum() == -100
    assert ledger.unbalanced() == []
    with pytest.raises(Archived):  # not taken for a replay of the refund
        ledger.post_refund("sale-d0-0", "R-9", 100, T + DAY)

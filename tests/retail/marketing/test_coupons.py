"""Coupons: redeemed exactly once, expiry, thresholds, costs in integer cents; archived as a
block from the oldest once redeemed or expired."""

import contextlib
import datetime as dt
import threading

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from retail.clock import seconds
from retail.errors import Archived, Conflict, IllegalTransition, InvalidInput, NotFound
from retail.marketing import CouponBook, CouponState, Offer, OfferKind, RedeemOutcome

T0 = dt.datetime(2026, 3, 2, 12, 0)
DAY = dt.timedelta(days=1)
OFF_30_OVER_200 = Offer(OfferKind.AMOUNT_OFF, value=3_000, threshold_cents=20_000)


def test_amount_off_above_a_threshold():
    book = CouponBook()
    coupon = book.issue(5, OFF_30_OVER_200, T0)
    with pytest.raises(InvalidInput, match=r"basket_cents.*below the threshold 20000"):
        book.redeem(coupon, "o1", 19_999, T0, member=5)
    done = book.redeem(coupon, "o1", 25_000, T0 + DAY, member=5)
    assert (done.discount_cents, done.cost_cents, done.points) == (3_000, 3_000, 0)
    assert book.frame().loc[coupon, "state"] == "redeemed"


def test_redeemed_exactly_once_and_idempotent_for_its_order():
    book = CouponBook()
    coupon = book.issue(5, OFF_30_OVER_200, T0)
    first = book.redeem(coupon, "o1", 30_000, T0, member=5)
    assert book.redeem(coupon, "o1", 30_000, T0 + DAY, member=5) is first
    with pytest.raises(Conflict, match="already redeemed for order 'o1'"):
        book.redeem(coupon, "o2", 30_000, T0, member=5)


def test_expired_coupons_cannot_be_redeemed():
    book = CouponBook()
    coupons = book.issue_many(np.array([1, 2]), Offer(valid_days=7), T0)
    assert book.expire(T0 + 6 * DAY) == 0
    assert book.expire(T0 + 7 * DAY) == 2
    with pytest.raises(IllegalTransition, match="expired"):
        book.redeem(int(coupons[0]), "o1", 10_000, T0 + 3 * DAY, member=1)
    late = book.issue(3, Offer(valid_days=1), T0)
    with pytest.raises(IllegalTransition):  # past its validity, even before `expire` ran
        book.redeem(late, "o2", 10_000, T0 + DAY, member=3)


def test_percent_gift_and_points_cost_the_chain_in_cents():
    book = CouponBook()
    percent = Offer(OfferKind.PERCENT_OFF, value=15, max_discount_cents=5_000)
    gift = Offer(OfferKind.GIFT, value=1_200)
    points = Offer(OfferKind.POINTS, value=500, point_cost_cents=0.5)
    a, b, c, d = (
        book.issue(m, o, T0) for m, o in [(1, percent), (2, percent), (3, gift), (4, points)]
    )
    assert book.redeem(a, "o1", 9_999, T0, member=1).discount_cents == 1_499  # rounded down
    assert book.redeem(b, "o2", 90_000, T0, member=2).discount_cents == 5_000  # capped
    assert book.redeem(c, "o3", 100, T0, member=3).cost_cents == 1_200
    assert (book.redeem(d, "o4", 100, T0, member=4).points, book.coupons.cost_cents[d]) == (
        500,
        250,
    )
    with pytest.raises(InvalidInput, match="needs a cap"):
        Offer(OfferKind.PERCENT_OFF, value=10)


def test_liability_counts_only_usable_coupons():
    book = CouponBook()
    ids = book.issue_many(np.arange(4), OFF_30_OVER_200, T0, campaign=0)
    book.issue(9, Offer(OfferKind.GIFT, value=500), T0, campaign=1)
    book.redeem(int(ids[0]), "o1", 20_000, T0, member=0)
    assert book.liability_cents(campaign=0) == 3 * 3_000
    assert book.liability_cents() == 3 * 3_000 + 500


def test_another_members_coupon_or_an_unknown_one_is_refused():
    book = CouponBook()
    coupon = book.issue(5, OFF_30_OVER_200, T0)
    with pytest.raises(InvalidInput, match="member"):
        book.redeem(coupon, "o1", 30_000, T0, member=6)
    with pytest.raises(NotFound):
        book.redeem(99, "o1", 30_000, T0, member=5)


def test_concurrent_redemptions_of_one_coupon_succeed_once():
    book = CouponBook()
    coupon = book.issue(5, OFF_30_OVER_200, T0)
    wins, barrier = [], threading.Barrier(8)

    def attempt(order: str) -> None:
        barrier.wait()
        with contextlib.suppress(Conflict):
            wins.append(book.redeem(coupon, order, 30_000, T0, member=5))

    threads = [threading.Thread(target=attempt, args=(f"o{i}",)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(wins) == 1


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 4), st.integers(0, 3), st.integers(0, 40)), max_size=40))
def test_random_attempts_redeem_each_coupon_at_most_once(attempts):
    book = CouponBook()
    coupons = book.issue_many(np.arange(5), Offer(valid_days=20), T0)
    redeemed: dict[int, str] = {}
    for coupon, order, day in sorted(attempts, key=lambda a: a[2]):  # time moves forward
        key = f"o{order}"
        try:
            done = book.redeem(int(coupons[coupon]), key, 50_000, T0 + day * DAY, member=coupon)
        except (Conflict, IllegalTransition):
            assert (coupon in redeemed and redeemed[coupon] != key) or day >= 20
            continue
        assert redeemed.setdefault(coupon, key) == done.order_key
    state = book.coupons.state
    assert int((state == CouponState.REDEEMED).sum()) == len(redeemed)
    assert int(book.coupons.cost_cents.sum()) == 2_000 * len(redeemed)


# --- archiving ----------------------------------------------------------------------------
SHORT = (
    Offer(valid_days=1),
    Offer(OfferKind.PERCENT_OFF, value=10, max_discount_cents=900, valid_days=2),
    Offer(OfferKind.GIFT, value=800, valid_days=3),
)
attempt = st.tuples(
    st.integers(0, 13), st.integers(0, 2), st.integers(0, 5)
)  # coupon, order, member
steps = st.lists(st.tuples(st.integers(0, 120), st.lists(attempt, max_size=6), st.booleans()),
                 min_size=1, max_size=8)  # fmt: skip


def redeemed_or_refused(book: CouponBook, coupon: int, key: str, at: dt.datetime, member: int):
    try:
        return book.redeem(coupon, key, 50_000, at, member)
    except (Conflict, IllegalTransition, InvalidInput, NotFound) as error:
        return type(error)


@settings(max_examples=120, deadline=None)
@given(st.lists(st.integers(0, 2), min_size=12, max_size=12), steps)
def test_archiving_changes_no_answer_for_the_coupons_kept(offers, plan):
    """A book that archives as time passes answers every redemption as one that keeps all,
    except that an archived coupon is refused as `Archived`, and only a coupon that was
    redeemed or expired leaves; the archived rows and those kept are the whole book."""
    books = [CouponBook(), CouponBook()]  # archiving, keeping everything
    for book in books:
        for i, offer in enumerate(offers):
            book.issue(i % 6, SHORT[offer], T0)
    archiving, whole = books
    archived = []
    for hours, attempts, archive in sorted(plan, key=lambda step: step[0]):
        at = T0 + hours * dt.timedelta(hours=1)
        for coupon, order, member in attempts:
            member = coupon % 6 if member < 4 else member  # mostly the coupon's own member
            kept = redeemed_or_refused(whole, coupon, f"o{order}", at, member)
            if coupon < archiving.first:
                with pytest.raises(Archived, match=f"coupon {coupon} was archived"):
                    archiving.redeem(coupon, f"o{order}", 50_000, at, member)
                assert kept is not NotFound
                continue
            assert redeemed_or_refused(archiving, coupon, f"o{order}", at, member) == kept
        if archive:
            before = at - dt.timedelta(hours=12)
            table = archiving.archive(before, np.empty(0, int))
            done = whole.frame().loc[table["coupon"]] if len(table) else whole.frame()[:0]
            limit = seconds(before)
            redeemed = (done["state"] == "redeemed") & (done["redeemed_s"] < limit)
            assert (redeemed | (done["expires_s"] <= limit)).all()  # done before `before`
            archived.append(table)
    tables = [t for t in archived if len(t)]
    if not tables:
        assert archiving.frame().equals(whole.frame())
        return
    gone = pd.concat(tables, ignore_index=True)
    assert gone["coupon"].tolist() == list(range(archiving.first))
    everything = whole.frame()
    old = everything.loc[: archiving.first - 1]
    # An unused coupon leaves only past its validity: expired, if never marked so.
    assert gone["state"].tolist() == old["state"].replace("issued", "expired").tolist()
    same = ["member", "campaign", "offer", "issued_s", "expires_s", "redeemed_s", "cost_cents"]
    assert gone[same].equals(old[same].reset_index(drop=True))
    pd.testing.assert_frame_equal(archiving.frame(), everything.loc[archiving.first :],
                                  check_index_type=False)  # fmt: skip


def test_an_open_coupon_or_an_unsettled_campaign_keeps_the_later_ones():
    book = CouponBook()
    early = book.issue_many(np.arange(3), Offer(valid_days=1), T0, campaign=1)
    late = book.issue_many(np.arange(3), Offer(valid_days=1), T0, campaign=2)
    long = book.issue(3, Offer(valid_days=30), T0, campaign=1)
    after = book.issue_many(np.arange(2), Offer(valid_days=1), T0, campaign=1)
    assert not len(book.archive(T0 + 5 * DAY, np.array([2])))  # campaign 1 is still crediting
    gone = book.archive(T0 + 5 * DAY, np.array([1]))  # campaign 2's coupons stop the block
    assert gone["coupon"].tolist() == early.tolist() and book.first == 3
    assert set(gone["state"]) == {"expired"} and gone["order_key"].isna().all()
    book.redeem(long, "S-9", 50_000, T0 + 6 * DAY, member=3)
    gone = book.archive(T0 + 6 * DAY, np.array([1, 2]))  # redeemed at its limit: not before it
    assert gone["coupon"].tolist() == late.tolist()
    gone = book.archive(T0 + 7 * DAY, np.array([1, 2]))
    assert gone["coupon"].tolist() == [long, *after.tolist()]
    assert gone["order_key"].tolist()[0] == "S-9" and gone["state"].tolist()[0] == "redeemed"
    assert len(book.frame()) == 0 and book.first == 9
    fresh = book.issue(0, Offer(), T0 + 7 * DAY)
    assert fresh == 9 and book.frame().index.tolist() == [9]
    batch = book.redeem_many(np.array([2, 9, 10]), ["o1", "o2", "o3"],
                             np.full(3, 50_000), T0 + 7 * DAY, np.array([2, 0, 0]))  # fmt: skip
    assert batch.outcome.tolist() == [RedeemOutcome.ARCHIVED, RedeemOutcome.REDEEMED,
                                      RedeemOutcome.NOT_FOUND]  # fmt: skip

"""Coupons: redeemed exactly once, expiry, thresholds, costs in integer cents."""

import contextlib
import datetime as dt
import threading

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from retail.errors import Conflict, IllegalTransition, InvalidInput, NotFound
from retail.marketing import CouponBook, CouponState, Offer, OfferKind

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

"""The marketing batch calls equal their single forms: `redeem_many` is `redeem` row by row
(outcome codes for the exceptions), `opt_out_many` is `opt_out` per member; a malformed batch
is refused and changes nothing; `assignment_columns` is `assignments` without the frame."""

import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from retail.errors import Conflict, IllegalTransition, InvalidInput, NotFound
from retail.keys import KeyBlock
from retail.marketing import (
    CampaignSpec,
    ContactPolicy,
    CouponBook,
    MarketingCenter,
    MessageChannel,
    Offer,
    OfferKind,
    RedeemOutcome,
)
from retail.membership import MemberSnapshot, Stage

T0 = dt.datetime(2026, 3, 2, 12, 0)
HOUR = dt.timedelta(hours=1)
OFFERS = (
    Offer(OfferKind.AMOUNT_OFF, value=3_000, threshold_cents=20_000, valid_days=1),
    Offer(OfferKind.PERCENT_OFF, value=15, max_discount_cents=5_000, valid_days=2),
    Offer(OfferKind.GIFT, value=1_200, threshold_cents=5_000, valid_days=3),
    Offer(OfferKind.POINTS, value=500, point_cost_cents=0.5, valid_days=1),
)
MEMBERS = 6
KEYS = ("o1", "o2", "S-3", "S-03", "abc", "K-1")
OUTCOME_OF = {
    NotFound: RedeemOutcome.NOT_FOUND,
    Conflict: RedeemOutcome.CONFLICT,
    IllegalTransition: RedeemOutcome.EXPIRED,
}


def issued_book(offers: list[int]) -> CouponBook:
    """Coupon i for member i % MEMBERS, with the offer `offers[i]`, issued at T0."""
    book = CouponBook()
    for i, offer in enumerate(offers):
        book.issue(i % MEMBERS, OFFERS[offer], T0)
    return book


def one_by_one(book: CouponBook, rows, at: dt.datetime) -> list[tuple]:
    """What `redeem` says for each row: (outcome, discount, points, cost)."""
    said = []
    c = book.coupons
    for coupon, key, basket, member in rows:
        redeemed = 0 <= coupon < c.size and c.state[coupon] == 1
        try:
            r = book.redeem(coupon, key, basket, at, member)
        except InvalidInput as error:
            code = (
                RedeemOutcome.WRONG_MEMBER
                if error.field == "member"
                else RedeemOutcome.BELOW_THRESHOLD
            )
            said.append((code, 0, 0, 0))
        except (NotFound, Conflict, IllegalTransition) as error:
            said.append((OUTCOME_OF[type(error)], 0, 0, 0))
        else:
            code = RedeemOutcome.REPEATED if redeemed else RedeemOutcome.REDEEMED
            said.append((code, r.discount_cents, r.points, r.cost_cents))
    return said


def as_tuples(batch) -> list[tuple]:
    return list(
        zip(
            batch.outcome.tolist(), batch.discount_cents.tolist(), batch.points.tolist(),
            batch.cost_cents.tolist(), strict=True,
        )
    )  # fmt: skip


row = st.tuples(
    st.integers(-1, 13),  # coupon (12 issued: -1 and 12, 13 do not exist)
    st.sampled_from(KEYS),
    st.sampled_from([0, 4_999, 5_000, 19_999, 20_000, 40_000, 90_000]),
    st.integers(0, MEMBERS - 1),
)
batches = st.lists(
    st.tuples(st.integers(0, 60), st.lists(row, max_size=12)), min_size=1, max_size=5
)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.integers(0, 3), min_size=12, max_size=12), batches)
def test_redeem_many_is_redeem_row_by_row(offers, steps):
    batch_book, single_book = issued_book(offers), issued_book(offers)
    for hours, rows in sorted(steps):  # time moves forward; coupons expire after 1-3 days
        at = T0 + hours * HOUR
        rows = [(c, k, b, m if c % 3 else c % MEMBERS) for c, k, b, m in rows]
        expected = one_by_one(single_book, rows, at)
        coupons, keys, baskets, members = ([r[i] for r in rows] for i in range(4))
        got = batch_book.redeem_many(
            np.array(coupons, np.int64), keys, np.array(baskets, np.int64), at,
            np.array(members, np.int64),
        )  # fmt: skip
        assert got.outcome.dtype == np.uint8
        assert as_tuples(got) == [tuple(int(v) for v in e) for e in expected]
        assert batch_book.frame().equals(single_book.frame())
    for coupon in range(12):  # and `redeem` afterwards answers the same on both
        for key in KEYS[:3]:
            member = coupon % MEMBERS
            results = []
            for book in (batch_book, single_book):
                try:
                    results.append(book.redeem(coupon, key, 90_000, T0 + 70 * HOUR, member))
                except (Conflict, IllegalTransition) as error:
                    results.append(type(error))
            assert results[0] == results[1]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 3), min_size=12, max_size=12), st.permutations(range(12)))
def test_a_key_block_is_the_same_keys_as_text(offers, order):
    block_book, text_book = issued_book(offers), issued_book(offers)
    coupons = np.array(order, np.int64)
    members, baskets = coupons % MEMBERS, np.full(12, 40_000)
    for start in (0, 5):  # the second batch replays some orders and conflicts with others
        keys = KeyBlock.range("K-", start, 12)
        a = block_book.redeem_many(coupons, keys, baskets, T0, members)
        b = text_book.redeem_many(coupons, list(keys), baskets, T0, members)
        assert as_tuples(a) == as_tuples(b)
        assert block_book.frame().equals(text_book.frame())
    first = int(coupons[3])
    assert block_book.redeem(first, "K-3", 1, T0, first % MEMBERS).order_key == "K-3"
    with pytest.raises(Conflict, match="'K-3'"):
        block_book.redeem(first, "K-4", 40_000, T0, first % MEMBERS)


def test_batch_outcomes_in_one_example():
    book = issued_book([0] * 6)  # 30 off 200, valid one day
    late = book.issue(0, Offer(valid_days=1), T0 - 2 * dt.timedelta(days=1))
    got = book.redeem_many(
        np.array([0, 0, 0, 1, 2, late, 99, 3, 3]),
        ["a", "a", "b", "c", "d", "e", "f", "g", "g"],
        np.array([30_000, 30_000, 30_000, 30_000, 10_000, 30_000, 30_000, 10_000, 30_000]),
        T0,
        np.array([0, 0, 0, 5, 2, 0, 0, 3, 3]),
    )
    R = RedeemOutcome
    assert got.outcome.tolist() == [
        R.REDEEMED, R.REPEATED, R.CONFLICT, R.WRONG_MEMBER, R.BELOW_THRESHOLD, R.EXPIRED,
        R.NOT_FOUND, R.BELOW_THRESHOLD, R.REDEEMED,
    ]  # fmt: skip
    assert got.discount_cents.tolist() == [3_000, 3_000, 0, 0, 0, 0, 0, 0, 3_000]
    assert got.ok().sum() == 3
    assert book.frame().loc[late, "state"] == "expired"  # time passing, as in `redeem`


@pytest.mark.parametrize(
    "coupons, keys, baskets, members, field",
    [
        ([0, 1], ["a"], [30_000, 30_000], [0, 1], "redeem_many"),
        ([0, 1], ["a", "b"], [30_000], [0, 1], "redeem_many"),
        ([0, 1], KeyBlock.range("K-", 0, 3), [30_000, 30_000], [0, 1], "redeem_many"),
        ([0, 1], ["a", "b"], [30_000, 299.5], [0, 1], "basket_cents[1]"),
        ([0, "1"], ["a", "b"], [30_000, 30_000], [0, 1], "coupons[1]"),
        ([0, 1], ["a", ""], [30_000, 30_000], [0, 1], "order_keys[1]"),
        ([0, 1], ["a", 7], [30_000, 30_000], [0, 1], "order_keys[1]"),
        ([0, 1], "ab", [30_000, 30_000], [0, 1], "order_keys"),
        ([0, 1], ["a", "b"], [30_000, 30_000], [0, -1], "members[1]"),
        ([0, 1], ["a", "b"], [30_000, -5], [0, 1], "basket_cents[1]"),
    ],
)
def test_a_malformed_batch_is_refused_and_changes_nothing(coupons, keys, baskets, members, field):
    center = MarketingCenter()
    center.coupons.issue_many(np.arange(2), OFFERS[0], T0 - 3 * dt.timedelta(days=1))
    before = center.coupons.frame()
    with pytest.raises(InvalidInput) as refused:
        center.redeem_many(coupons, keys, baskets, T0, members)
    assert refused.value.field == field
    assert center.coupons.frame().equals(before)  # not even marked expired
    with pytest.raises(InvalidInput):
        center.redeem_many(np.array([0]), ["a"], np.array([30_000]), "today", np.array([0]))


def policy_arrays(policy: ContactPolicy) -> dict[str, np.ndarray]:
    return {
        **{f"state.{k}": v.copy() for k, v in policy.state.arrays().items()},
        **{f"log.{k}": v.copy() for k, v in policy.consents.arrays().items()},
    }


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.lists(st.integers(0, 40), max_size=15),
            st.sampled_from([None, *MessageChannel]),
            st.integers(0, 5),
        ),
        max_size=4,
    )
)
def test_opt_out_many_is_opt_out_each(steps):
    batch, single = MarketingCenter(), MarketingCenter()
    for center in (batch, single):
        center.policy.send_many(np.arange(0, 30, 3), MessageChannel.SMS, T0 - HOUR)
    for members, channel, hours in steps:
        at = T0 + hours * HOUR
        batch.opt_out_many(np.array(members, np.int64), at, channel)
        for m in members:
            single.opt_out(m, at, channel)
        got, want = policy_arrays(batch.policy), policy_arrays(single.policy)
        assert got.keys() == want.keys()
        for name in want:
            np.testing.assert_array_equal(got[name], want[name], err_msg=name)
        for channel_ in MessageChannel:  # and the next sends are refused alike
            probe = np.arange(45)
            np.testing.assert_array_equal(
                batch.policy.check_many(probe, channel_, T0 + 10 * HOUR),
                single.policy.check_many(probe, channel_, T0 + 10 * HOUR),
            )


@pytest.mark.parametrize(
    "members, channel, field",
    [([1, 2.5], None, "members[1]"), ([1, -3], None, "members[1]"), ([1], 9, "channel"),
     ([1, 10**9], None, "members[1]"), ([[1, 2]], None, "members")],
)  # fmt: skip
def test_a_malformed_opt_out_batch_changes_nothing(members, channel, field):
    policy = ContactPolicy()
    policy.send_many(np.arange(5), MessageChannel.SMS, T0 - HOUR)
    before = policy_arrays(policy)
    with pytest.raises(InvalidInput) as refused:
        policy.opt_out_many(members, T0, channel)
    assert refused.value.field == field
    after = policy_arrays(policy)
    assert all(np.array_equal(after[k], before[k]) for k in before)


def snapshot(n: int) -> MemberSnapshot:
    rng = np.random.default_rng(5)
    return MemberSnapshot(
        as_of=T0, member=np.arange(n, dtype=np.int64),
        stage=rng.integers(Stage.FOLLOWER, Stage.CHURNED + 1, n).astype(np.int8),
        tier=rng.integers(0, 4, n).astype(np.int8), store=np.zeros(n, np.int32),
        tags=np.zeros(n, np.uint64), segment=rng.integers(-1, 8, n).astype(np.int8),
        top_category=rng.integers(-1, 2, n).astype(np.int16), follows=rng.random(n) < 0.8,
        has_mobile=np.ones(n, bool), has_guide=np.zeros(n, bool),
        member_since=np.zeros(n, np.int64), member_channel=np.zeros(n, np.int8),
        follow_since=np.zeros(n, np.int64), first_purchase=np.full(n, -1, np.int64),
        stores=("S1",), tag_bits={}, categories=("tops", "dresses"),
    )  # fmt: skip


def test_assignment_columns_are_the_assignments_without_a_frame():
    center, key = MarketingCenter(), "spring"
    spec = CampaignSpec(name="spring", channel=MessageChannel.WECHAT_TEMPLATE, offer=OFFERS[0])
    center.create_campaign(key, spec, T0)
    center.launch(key, snapshot(1_000), T0)
    frame = center.assignments(key)
    columns = center.assignment_columns(key)
    np.testing.assert_array_equal(columns["member"], frame.index.to_numpy())
    for name in ("holdout", "sent", "reasons", "content", "coupon"):
        np.testing.assert_array_equal(columns[name], frame[name].to_numpy())
    assert frame["sent"].sum() > 0 and frame["coupon"].max() >= 0
    with pytest.raises(ValueError, match="read-only"):
        columns["sent"][0] = not columns["sent"][0]
    center.erase(int(columns["member"][0]))  # erasure leaves the views handed out alone
    assert len(center.assignment_columns(key)["member"]) == len(columns["member"]) - 1


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 4), max_size=30), st.integers(-1, 32))
def test_the_budget_draw_keeps_the_first_k_of_a_stable_sort(values, k):
    from retail.marketing.audience import lowest

    values = np.array(values, np.float64)
    want = np.zeros(len(values), bool)
    want[np.argsort(values, kind="stable")[: max(k, 0)]] = True
    np.testing.assert_array_equal(lowest(values, k), want)

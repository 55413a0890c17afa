"""Marketing at chain scale: one campaign targeted and policy-checked over 2 M members (goal
within 1 s), single policy checks (goal 200,000/s), and the batch calls a day-stepped chain
twin makes: a campaign's 10,000 push orders redeeming their coupons at once, 10,000 opt-outs
at once, the assignment columns of a campaign that reached 1 M members."""

import datetime as dt

import numpy as np
import pytest

from retail.keys import KeyBlock
from retail.marketing import (
    Audience,
    CampaignSpec,
    ContactPolicy,
    Interaction,
    MarketingCenter,
    MessageChannel,
    Offer,
    RedeemOutcome,
)
from retail.membership import MemberSnapshot, Stage

MEMBERS = 2_000_000
AT = dt.datetime(2026, 6, 30, 12, 0)
CHECKS = 20_000


@pytest.fixture(scope="module")
def snapshot() -> MemberSnapshot:
    rng = np.random.default_rng(5)
    n = MEMBERS
    return MemberSnapshot(
        as_of=AT,
        member=np.arange(n, dtype=np.int64),
        stage=rng.integers(Stage.FOLLOWER, Stage.CHURNED + 1, n).astype(np.int8),
        tier=rng.integers(0, 4, n).astype(np.int8),
        store=rng.integers(0, 1_000, n).astype(np.int32),
        tags=rng.integers(0, 2**16, n).astype(np.uint64),
        segment=rng.integers(-1, 8, n).astype(np.int8),
        top_category=rng.integers(-1, 5, n).astype(np.int16),
        follows=rng.random(n) < 0.8,
        has_mobile=np.ones(n, bool),
        has_guide=rng.random(n) < 0.5,
        member_since=np.full(n, 1_700_000_000, np.int64),
        member_channel=rng.integers(0, 5, n).astype(np.int8),
        follow_since=np.full(n, 1_690_000_000, np.int64),
        first_purchase=np.full(n, -1, np.int64),
        stores=tuple(f"S{i:04d}" for i in range(1_000)),
        tag_bits={f"t{i}": i for i in range(16)},
        categories=("tops", "bottoms", "dresses", "outerwear", "accessories"),
    )


SPEC = CampaignSpec(
    name="summer",
    channel=MessageChannel.WECHAT_TEMPLATE,
    audience=Audience(stages=(int(Stage.ACTIVE), int(Stage.AT_RISK), int(Stage.DORMANT))),
    offer=Offer(value=2_000, threshold_cents=10_000),
    budget_cents=1_000_000_000,
)


def center_with_history(snapshot: MemberSnapshot) -> MarketingCenter:
    """A center whose members already have contact history: last week's SMS campaign."""
    center = MarketingCenter()
    rng = np.random.default_rng(6)
    earlier = np.flatnonzero(rng.random(MEMBERS) < 0.3)
    center.policy.send_many(earlier, MessageChannel.SMS, AT - dt.timedelta(days=1))
    center.policy.opt_out(int(earlier[0]), AT - dt.timedelta(days=1))
    center.create_campaign("summer", SPEC, AT)
    return center


def test_bench_campaign_over_2m_members(benchmark, throughput, snapshot):
    def launch(center):
        return center.launch("summer", snapshot, AT)

    def setup():
        return (center_with_history(snapshot),), {}

    report = benchmark.pedantic(launch, setup=setup, rounds=5, iterations=1)
    assert report.targeted > 0.5 * MEMBERS
    assert report.sent == SPEC.budget_cents // SPEC.offer.liability_cents  # the budget binds
    assert report.refused["budget"] > 0
    throughput(benchmark, "campaign_members", MEMBERS)


def test_bench_single_policy_checks(benchmark, throughput):
    policy = ContactPolicy()
    rng = np.random.default_rng(7)
    members = rng.integers(0, 100_000, CHECKS)
    for m in members[: CHECKS // 4]:
        policy.interact(int(m), Interaction.MESSAGE, AT - dt.timedelta(hours=1))
        policy.send(int(m), MessageChannel.WECHAT_TEMPLATE, AT - dt.timedelta(hours=2))
    channels = rng.choice(list(MessageChannel), CHECKS)
    work = list(zip(members.tolist(), channels.tolist(), strict=True))

    def check_all():
        refused = 0
        for member, channel in work:
            refused += bool(policy.check(member, channel, AT))
        return refused

    refused = benchmark.pedantic(check_all, rounds=5, iterations=1)
    assert 0 < refused < CHECKS
    throughput(benchmark, "policy_checks", CHECKS)


BATCH = 10_000


@pytest.fixture(scope="module")
def launched(snapshot) -> MarketingCenter:
    center = center_with_history(snapshot)
    center.launch("summer", snapshot, AT)
    return center


def test_bench_redeem_many_10k_coupons(benchmark, throughput):
    """10,000 push orders against a book of 1 M coupons: most redeem, some below the threshold,
    some another member's, some replayed."""
    rng = np.random.default_rng(8)
    members = np.arange(1_000_000, dtype=np.int64)
    coupons = np.sort(rng.choice(len(members), BATCH, replace=False))
    buyers = members[coupons].copy()
    buyers[::50] += 1  # another member's coupon
    baskets = rng.integers(5_000, 60_000, BATCH)
    keys = KeyBlock.range("P-2026-06-30-", 0, BATCH)

    def setup():
        center = MarketingCenter()
        center.coupons.issue_many(members, SPEC.offer, AT - dt.timedelta(days=1))
        return (center,), {}

    def redeem(center):
        return center.redeem_many(coupons, keys, baskets, AT, buyers)

    batch = benchmark.pedantic(redeem, setup=setup, rounds=7, iterations=1)
    assert (batch.outcome == RedeemOutcome.REDEEMED).sum() > 0.5 * BATCH
    assert (batch.outcome == RedeemOutcome.WRONG_MEMBER).sum() == BATCH // 50
    throughput(benchmark, "coupon_redemptions", BATCH)


def test_bench_opt_out_many_10k(benchmark, throughput, launched):
    rng = np.random.default_rng(9)
    members = rng.choice(MEMBERS, BATCH, replace=False)
    later = AT + dt.timedelta(hours=3)

    benchmark.pedantic(
        launched.opt_out_many, args=(members, later), rounds=7, iterations=1, warmup_rounds=1
    )
    assert launched.policy.check(int(members[0]), MessageChannel.SMS, later + dt.timedelta(days=1))
    throughput(benchmark, "opt_outs", BATCH)


def test_bench_assignment_columns_of_1m(benchmark, launched):
    columns = benchmark(launched.assignment_columns, "summer")
    assert len(columns["member"]) > 1_000_000
    assert columns["sent"].sum() > 0

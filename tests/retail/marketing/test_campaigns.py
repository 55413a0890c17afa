"""Campaigns end to end on a real membership module: audience, holdout, reach, policy, budget,
personalisation, coupons, funnel, uplift, erasure; and AARRR on hand-made figures."""

import dataclasses
import datetime as dt

import numpy as np
import pandas as pd
import pytest

from retail.errors import Archived, Conflict, IllegalTransition, InvalidInput
from retail.marketing import (
    Audience,
    CampaignSpec,
    Content,
    MarketingCenter,
    MessageChannel,
    Offer,
    Refusal,
    aarrr,
)
from retail.membership import Channel, Membership, MembershipConfig, Stage

T0 = dt.datetime(2026, 3, 2, 12, 0)
DAY = dt.timedelta(days=1)
N = 600


def mobile(i: int) -> str:
    return f"139{i:08d}"


@pytest.fixture(scope="module")
def membership() -> Membership:
    """600 members of two stores: even ids follow the account, every third has a guide,
    two thirds bought (dresses or tops), ids 0..99 carry the tag "vip"."""
    club = Membership(
        MembershipConfig(categories=("tops", "dresses")), secret="test-secret-0123456789"
    )
    for i in range(N):
        store = "north" if i < N // 2 else "south"
        if i % 2 == 0:
            club.follow(f"oid{i}", T0 - 60 * DAY, store)
        staff = "guide-a" if i % 3 == 0 else None
        member = club.register(mobile(i), T0 - 50 * DAY, store, staff,
                               openid=f"oid{i}" if i % 2 == 0 else None)  # fmt: skip
        assert member == i
        if i % 3 != 2:
            category = "dresses" if i % 2 else "tops"
            for k in range(1 + i % 4):
                club.record_purchase(
                    i, T0 - (40 - 5 * k) * DAY, store, 10_000 + 100 * i, {category: 5_000}
                )
    club.tag(np.arange(100), "vip")
    return club


@pytest.fixture
def snapshot(membership):
    return membership.snapshot(T0)


def spec(**changes) -> CampaignSpec:
    base = CampaignSpec(
        name="spring", channel=MessageChannel.STORE_SCREEN, start=T0, end=T0 + 14 * DAY
    )
    return dataclasses.replace(base, **changes)


def test_snapshot_carries_no_personal_data_and_every_member(snapshot):
    assert len(snapshot) == N
    assert snapshot.follows.sum() == N // 2 and snapshot.has_guide.sum() == N // 3
    assert (snapshot.segment[2::3] == -1).all() and (snapshot.segment[::3] >= 0).all()
    assert snapshot.categories[snapshot.top_category[1]] == "dresses"
    text = repr(dataclasses.asdict(snapshot))
    assert mobile(5) not in text and "139" + "0" * 7 not in text


def test_holdout_is_stable_per_member_and_campaign_whatever_the_audience(snapshot):
    everyone, north = MarketingCenter(), MarketingCenter()
    everyone.create_campaign("c1", spec(), T0)
    north.create_campaign("c1", spec(audience=Audience(stores=("north",))), T0)
    everyone.launch("c1", snapshot, T0)
    north.launch("c1", snapshot, T0)
    all_rows, north_rows = everyone.campaigns["c1"].rows, north.campaigns["c1"].rows
    assert len(north_rows["member"]) == N // 2
    held_all = set(all_rows["member"][all_rows["holdout"]])
    held_north = set(north_rows["member"][north_rows["holdout"]])
    assert held_north == {m for m in held_all if m < N // 2}
    assert 0.06 < len(held_all) / N < 0.14  # the default 10 %
    other = MarketingCenter()
    other.create_campaign("c2", spec(), T0)
    other.launch("c2", snapshot, T0)
    assert (
        set(other.campaigns["c2"].rows["member"][other.campaigns["c2"].rows["holdout"]]) != held_all
    )


def test_audience_criteria_combine(snapshot, membership):
    center = MarketingCenter(store_tiers={"north": "S", "south": "B"})
    audience = Audience(tags_all=("vip",), store_tiers=("S",), stages=(int(Stage.ACTIVE),))
    center.create_campaign("vip", spec(audience=audience, holdout_share=0.0), T0)
    report = center.launch("vip", snapshot, T0)
    expected = [i for i in range(100) if i % 3 != 2]  # vip, north (tier S), bought: active
    assert list(center.campaigns["vip"].rows["member"]) == expected
    assert report.sent == len(expected)
    with pytest.raises(InvalidInput, match=r"audience\.segments"):
        center.create_campaign("bad", spec(audience=Audience(segments=("nobody",))), T0)
        center.launch("bad", snapshot, T0)


def test_reach_policy_and_budget_refusals_are_counted_with_reasons(snapshot):
    center = MarketingCenter()
    center.policy.opt_out(4, T0 - DAY)
    offer = Offer(value=1_000)
    center.create_campaign(
        "wx", spec(channel=MessageChannel.WECHAT_TEMPLATE, offer=offer, holdout_share=0.0,
                   budget_cents=100 * 1_000), T0)  # fmt: skip
    report = center.launch("wx", snapshot, T0)
    assert report.refused["unreachable"] == N // 2  # odd ids do not follow
    assert report.refused["opted_out"] == 1
    assert report.sent == 100 and report.refused["budget"] == N // 2 - 1 - 100
    assert center.coupons.liability_cents() == 100 * 1_000 <= 100 * 1_000
    # Sent today: the template's daily cap refuses a second campaign on the same channel.
    center.create_campaign("wx2", spec(name="again", channel=MessageChannel.WECHAT_TEMPLATE,
                                       holdout_share=0.0, offer=None), T0)  # fmt: skip
    again = center.launch("wx2", snapshot, T0 + dt.timedelta(hours=1))
    assert again.refused["channel_day_cap"] == 100
    assert again.sent == N // 2 - 1 - 100


def test_personalised_content_and_the_refusal_of_personalisation(snapshot):
    center = MarketingCenter()
    center.policy.refuse_personalisation(1, T0 - DAY)
    contents = (Content("New in: dresses", category="dresses"), Content("Our spring offer"))
    center.create_campaign("p", spec(contents=contents, holdout_share=0.0), T0)
    report = center.launch("p", snapshot, T0)
    rows = center.campaigns["p"].rows
    chosen = dict(zip(rows["member"].tolist(), rows["content"].tolist(), strict=True))
    assert chosen[3] == 0  # bought dresses
    assert chosen[1] == 1  # bought dresses but refused personalisation
    assert chosen[0] == 1 and chosen[2] == 1  # tops; never bought
    assert report.personalised == sum(1 for i in range(N) if i % 2 and i % 3 != 2) - 1
    with pytest.raises(InvalidInput, match="non-personalised"):
        spec(contents=(Content("x", category="dresses"),))


def test_funnel_uplift_and_coupon_redemption(snapshot):
    center = MarketingCenter()
    center.create_campaign("f", spec(offer=Offer(value=500), holdout_share=0.5), T0)
    center.launch("f", snapshot, T0)
    rows = center.campaigns["f"].rows
    treated, held = rows["member"][~rows["holdout"]], rows["member"][rows["holdout"]]
    center.record("f", "clicked", treated[:50], T0 + dt.timedelta(hours=2))
    buyers = np.concatenate([treated[:60], held[:20]])
    assert center.record_orders(buyers, np.full(len(buyers), 8_000), T0 + DAY) == 80
    center.record_orders(treated[:5], np.full(5, 8_000), T0 + 20 * DAY)  # after the campaign
    coupon = int(rows["coupon"][rows["member"] == treated[0]][0])
    center.redeem(coupon, "order-1", 8_000, T0 + DAY, member=int(treated[0]))
    center.opt_out(int(treated[1]), T0 + 2 * DAY)
    funnel = center.funnel("f")
    assert (funnel["delivered"], funnel["opened"], funnel["clicked"]) == (50, 50, 50)
    assert funnel["ordered"] == 60 and funnel["revenue_cents"] == 60 * 8_000
    assert funnel["holdout_ordered"] == 20
    assert funnel["redeemed"] == 1 and funnel["cost_cents"] == 500
    assert funnel["unsubscribed"] == 1
    uplift = center.uplift("f")
    expected = 60 / len(treated) - 20 / len(held)
    assert uplift["conversion"].difference == pytest.approx(expected)
    assert uplift["conversion"].low < expected < uplift["conversion"].high
    assert list(center.funnels().index) == ["f"]
    table = center.assignments("f")
    assert table["holdout"].sum() == len(held) and (table["sent"] == ~table["holdout"]).all()
    assert (table.loc[table["sent"], "coupon"] >= 0).all()


def test_idempotent_create_and_launch_and_refusals(snapshot):
    center = MarketingCenter()
    center.create_campaign("k", spec(), T0)
    assert center.create_campaign("k", spec(), T0) is center.campaigns["k"]
    with pytest.raises(Conflict):
        center.create_campaign("k", spec(holdout_share=0.2), T0)
    with pytest.raises(IllegalTransition):
        center.funnel("k")
    with pytest.raises(InvalidInput, match="outside the schedule"):
        center.launch("k", snapshot, T0 - DAY)
    first = center.launch("k", snapshot, T0)
    assert center.launch("k", snapshot, T0 + DAY) is first
    with pytest.raises(InvalidInput, match="never sent"):
        held = center.campaigns["k"].rows["member"][center.campaigns["k"].rows["holdout"]]
        center.record("k", "opened", held[:1], T0)


def test_erasure_removes_her_from_every_campaign(snapshot):
    center = MarketingCenter()
    center.create_campaign("e", spec(), T0)
    center.launch("e", snapshot, T0)
    center.erase(7)
    assert 7 not in center.campaigns["e"].rows["member"]
    assert (center.coupons.coupons.member != 7).all()
    assert center.funnel("e")["targeted"] == N  # the launch report keeps its counts


def test_a_send_outside_campaigns_goes_through_the_same_policy():
    center = MarketingCenter()
    assert not center.send(3, MessageChannel.GUIDE_WECOM, T0)
    assert center.send(3, MessageChannel.GUIDE_WECOM, T0) == Refusal.CHANNEL_DAY_CAP


def test_aarrr_on_hand_made_figures(membership):
    start, end = T0 - 10 * DAY, T0 + 10 * DAY
    snapshot = membership.snapshot(end)
    purchases = pd.DataFrame(
        {"member_id": [0, 0, 1, 2], "amount": [1_000, 2_000, 3_000, 4_000],
         "ts": [start - 5 * DAY, start + DAY, start - DAY, start + 2 * DAY]}
    )  # fmt: skip
    figures = aarrr(snapshot, purchases, start, end)
    assert figures["previous_buyers"] == 2 and figures["retained"] == 1
    assert figures["buyers"] == 2 and figures["revenue_cents"] == 6_000
    assert figures["new_members"] == 0  # everyone joined 50 days before T0
    early = aarrr(snapshot, purchases, T0 - 55 * DAY, T0 - 35 * DAY)
    assert early["new_members"] == N and early["new_followers"] == 0
    assert early["activated"] == sum(1 for i in range(N) if i % 3 != 2)  # bought on day 10
    assert early["referred_members"] == 0
    assert int(Channel.REFERRAL) not in snapshot.member_channel


def test_the_implementations_satisfy_their_ports():
    from retail.marketing import ContactPolicy
    from retail.ports import ContactPolicyPort, MarketingPort, TieringPort
    from retail.stores import StoreTiering

    assert isinstance(MarketingCenter(), MarketingPort)
    assert isinstance(ContactPolicy(), ContactPolicyPort)
    assert isinstance(StoreTiering(), TieringPort)
    assert not isinstance(object(), MarketingPort)


def test_a_failed_launch_changes_nothing(snapshot):
    center = MarketingCenter()
    bad = spec(contents=(Content("shoes!", category="shoes"), Content("plain")), holdout_share=0.0)
    center.create_campaign("bad", bad, T0)
    with pytest.raises(InvalidInput, match="shoes"):
        center.launch("bad", snapshot, T0)
    screen = MessageChannel.STORE_SCREEN
    assert center.policy.remaining(0, screen, T0) == center.policy.remaining(1, screen, T0)
    assert len(center.coupons.coupons.member) == 0
    center.create_campaign("good", spec(name="good", holdout_share=0.0), T0)
    assert center.launch("good", snapshot, T0).sent == N


def test_small_edges(membership):
    from retail.marketing import OfferKind

    fresh = Membership(MembershipConfig(), secret="test-secret-0123456789")
    fresh.follow("oid-x", T0, "north")
    assert (fresh.snapshot(T0).segment == -1).all()  # nobody bought: no crash, no segment
    with pytest.raises(InvalidInput, match="max_discount_cents"):
        Offer(OfferKind.PERCENT_OFF, value=10)
    center = MarketingCenter()
    assert center.record_orders(np.array([], np.int64), np.array([]), T0) == 0
    center.create_campaign("t", spec(audience=Audience(store_tiers=("S",))), T0)
    with pytest.raises(InvalidInput, match="no store tiers"):
        center.launch("t", membership.snapshot(T0), T0)


def test_a_personalised_text_carries_the_way_to_refuse_personalisation():
    from retail.marketing.personalisation import REFUSE_NOTE, render

    assert render(Content("New in: dresses", category="dresses")).endswith(REFUSE_NOTE)
    assert render(Content("For our best customers", segment="important_value")).endswith(
        REFUSE_NOTE
    )
    assert REFUSE_NOTE not in render(Content("Our spring offer"))


def test_an_archived_campaign_keeps_its_measurement_and_hands_back_its_rows(snapshot):
    center, whole = MarketingCenter(), MarketingCenter()
    for c in (center, whole):
        c.create_campaign("a", spec(holdout_share=0.3, end=T0 + 3 * DAY), T0)
        c.create_campaign("b", spec(), T0)
        c.launch("a", snapshot, T0)
        c.launch("b", snapshot, T0)
        rows = c.campaigns["a"].rows
        buyers = rows["member"][::7]
        c.record_orders(buyers, 1_000 + 10 * buyers, T0 + DAY)  # revenues of every size
    assert center.archive(T0 + 3 * DAY) == {}  # "a" credits until T0 + 3 days
    tables = center.archive(T0 + 4 * DAY)
    archived = tables["campaign_members"]
    assert set(archived["campaign"]) == {"a"}
    original = whole.campaigns["a"].rows
    assert archived["member"].tolist() == original["member"].tolist()
    assert archived["revenue"].tolist() == original["revenue"].tolist()
    assert center.campaigns["a"].rows == {} and center.campaigns["b"].rows  # "b" still runs
    assert center.funnel("a") == whole.funnel("a")
    for confidence in (0.9, 0.95):
        kept, rows = center.uplift("a", confidence), whole.uplift("a", confidence)
        for metric in ("conversion", "revenue_per_member"):  # sums in another order
            a, b = dataclasses.asdict(kept[metric]), dataclasses.asdict(rows[metric])
            assert a.pop("metric") == b.pop("metric")
            assert a == pytest.approx(b, rel=1e-12), metric
    assert center.funnels().equals(whole.funnels())
    with pytest.raises(Archived, match="campaign 'a' was archived"):
        center.assignments("a")
    with pytest.raises(Archived):
        center.record("a", "opened", original["member"][:1], T0 + 5 * DAY)
    assert center.archive(T0 + 5 * DAY) == {}  # archived once
    assert center.record_orders(buyers, np.full(len(buyers), 5), T0 + 5 * DAY) == len(
        np.intersect1d(buyers, center.campaigns["b"].rows["member"])
    )

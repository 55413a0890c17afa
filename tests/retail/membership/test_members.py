"""Merging, points, erasure, lifecycle, attribution, tags and guide tasks."""

import datetime as dt
import pickle

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from retail.errors import IllegalTransition, InvalidInput, NotFound
from retail.membership import Membership, Stage, TaskOutcome

T0 = dt.datetime(2026, 3, 2, 12, 0)


def day(n: int) -> dt.datetime:
    return T0 + dt.timedelta(days=n)


@settings(max_examples=30)
@given(
    st.lists(st.integers(1, 500_000), max_size=6),
    st.lists(st.integers(1, 500_000), max_size=6),
)
def test_merging_preserves_every_total(first, second):
    from retail.membership import Membership, MembershipConfig

    m = Membership(MembershipConfig(categories=("tops",)), secret="x" * 20)
    a = m.register("13800000001", T0, "S001", "G1")
    b = m.follow("openid-b", day(-5), "S002", "G2")
    m.register("13800000002", day(-4), "S002", "G2", openid="openid-b")
    for i, cents in enumerate(first):
        m.record_purchase(a, day(i), "S001", cents, {"tops": cents})
    for i, cents in enumerate(second):
        m.record_purchase(b, day(i), "S002", cents)
    before = {
        "points": m.balance(a, day(10)) + m.balance(b, day(10)),
        "spend": int(m.state.members.spend_cents.sum()),
        "purchases": len(m.purchases_frame()),
        "transitions": m.state.transitions.size,
    }
    m.merge(a, b, day(10))
    assert m.balance(a, day(10)) == before["points"]
    assert int(m.state.members.spend_cents[a]) == sum(first) + sum(second)
    assert len(m.purchases_frame()) == before["purchases"]
    assert m.state.transitions.size == before["transitions"]
    assert m.resolve("openid", "openid-b") == a and m.resolve("mobile", "13800000002") == a
    assert m.state.members.follow_s[a] == np.datetime64(day(-5), "s").astype(np.int64)
    with pytest.raises(Exception, match="merged into"):
        m.record_purchase(b, day(11), "S001", 100)


@settings(max_examples=40)
@given(st.lists(st.tuples(st.sampled_from(["earn", "redeem"]), st.integers(1, 5000)), max_size=30))
def test_points_balance_is_never_negative(membership_ops):
    from retail.membership import Membership, MembershipConfig

    m = Membership(MembershipConfig(), secret="x" * 20)
    member = m.register("13800000001", T0, "S001")
    for i, (op, amount) in enumerate(membership_ops):
        when = day(40 * i)  # crosses year ends: expiry happens too
        if op == "earn":
            m.record_purchase(member, when, "S001", amount * 100)
        else:
            before = m.balance(member, when)
            if amount > before:
                with pytest.raises(InvalidInput):
                    m.redeem(member, amount, when)
                assert m.balance(member, when) == before
            else:
                assert m.redeem(member, amount, when) == before - amount
        assert m.balance(member, when) >= 0
        assert m.state.members.points_prev[member] >= 0
        assert m.state.members.points_cur[member] >= 0


def test_points_expire_at_the_end_of_the_following_year(membership):
    member = membership.register("13800000001", dt.datetime(2025, 6, 1), "S001")
    membership.record_purchase(member, dt.datetime(2025, 6, 1), "S001", 50_000)  # 500 points
    membership.run_daily(dt.datetime(2026, 12, 31))
    assert membership.balance(member, dt.datetime(2026, 12, 31)) == 500
    membership.run_daily(dt.datetime(2027, 1, 1))
    assert membership.balance(member, dt.datetime(2027, 1, 1)) == 0


def test_tiers_raise_the_earn_rate(membership):
    member = membership.register("13800000001", T0, "S001")
    assert membership.record_purchase(member, T0, "S001", 500_000) == 5000  # regular: x1
    assert membership.state.members.tier[member] == 2  # gold at 5,000 points
    assert membership.record_purchase(member, day(1), "S001", 10_000) == 150  # gold: x1.5


def test_erasure_leaves_nothing_behind(membership):
    keep = membership.register("13900000009", T0, "S001", "G1")
    gone = membership.register("13812345678", T0, "S001", "G1", openid="oid-gone")
    membership.record_purchase(gone, T0, "S001", 9900, {"tops": 9900})
    membership.masked_mobile(gone, T0, "G1", "call")
    membership.tag(gone, "vip")
    membership.run_daily(day(100))
    digest = membership._hasher.digest("13812345678")
    membership.erase(gone, day(101), "dpo")
    state = pickle.dumps(membership.state) + pickle.dumps(membership.audit)
    assert digest not in state and b"oid-gone" not in state and b"5678" not in state
    assert not (membership.state.purchases.member == gone).any()
    assert not (membership.state.transitions.member == gone).any()
    assert not (membership.state.tasks.member == gone).any()
    with pytest.raises(NotFound):
        membership.resolve("mobile", "13812345678")
    assert membership.resolve("mobile", "13900000009") == keep
    assert membership.with_tags(all_of=["vip"]).tolist() == []


def test_lifecycle_on_hand_made_histories(membership):
    m = membership
    never = m.register("13800000001", T0, "S001")
    regular = m.register("13800000002", T0, "S001")
    for k in range(5):  # every 10 days: a fast rhythm
        m.record_purchase(regular, day(10 * k), "S001", 10_000)
    slow = m.register("13800000003", T0, "S001")
    m.record_purchase(slow, T0, "S001", 10_000)
    m.run_daily(day(60))
    stages = m.state.members.stage
    assert stages[never] == Stage.MEMBER and stages[slow] == Stage.ACTIVE
    assert stages[regular] == Stage.ACTIVE
    m.run_daily(day(100))  # regular: 60 days idle = 6 of her intervals; 90-day floor holds
    assert stages[slow] == Stage.AT_RISK and stages[never] == Stage.AT_RISK
    m.run_daily(day(200))
    assert stages[slow] == Stage.DORMANT
    m.record_purchase(slow, day(201), "S001", 5_000)  # win-back
    assert stages[slow] == Stage.ACTIVE
    m.run_daily(day(600))
    assert stages[regular] == Stage.CHURNED
    log = m.state.transitions
    slow_path = [Stage(n).name for n in log.new[log.member == slow]]
    assert slow_path == ["MEMBER", "ACTIVE", "AT_RISK", "DORMANT", "ACTIVE", "CHURNED"]
    assert (log.ts[log.member == slow][1:] >= log.ts[log.member == slow][:-1]).all()


def test_attribution_queries_and_a_leaving_guide(membership):
    m = membership
    m.register("13800000001", T0, "S001", "G1")
    m.register("13800000002", T0, "S001", "G1", channel=1)
    m.register("13800000003", day(1), "S002", "G2")
    m.follow("oid-9", day(2), "S002", "G2", channel=2)
    period = (T0, day(30))
    assert m.new_members(*period, by="staff").to_dict() == {"G1": 2, "G2": 1}
    assert m.new_members(*period, by="store").to_dict() == {"S001": 2, "S002": 1}
    assert m.new_members(*period, by="channel").to_dict() == {"guide_wecom": 1, "store_qr": 2}
    assert m.new_followers(*period, by="channel").to_dict() == {"live_stream": 1}
    assert m.leave("G1", day(3)) == 2
    assert m.new_members(*period, by="staff").to_dict() == {"(brand)": 2, "G2": 1}
    assert (m.state.members.member_s[:3] > 0).all(), "members keep their history"


def test_tags_and_profile(membership):
    ids = [membership.register(f"1380000000{i}", T0, "S001") for i in range(4)]
    membership.tag(np.array(ids[:3]), "likes_sale")
    membership.tag(ids[1], "vip")
    membership.tag(ids[3], "vip")
    assert membership.with_tags(all_of=["likes_sale", "vip"]).tolist() == [ids[1]]
    assert membership.with_tags(any_of=["vip"]).tolist() == [ids[1], ids[3]]
    membership.set_profile(ids[0], age_band=2, gender=0, birthday=(2, 29))
    with pytest.raises(InvalidInput, match="age_band"):
        membership.set_profile(ids[0], age_band=9)
    with pytest.raises(ValueError):
        membership.set_profile(ids[0], birthday=(2, 30))


def test_affinities_learned_from_purchases(membership):
    member = membership.register("13800000001", T0, "S001")
    membership.record_purchase(member, T0, "S001", 30_000, {"tops": 10_000, "dresses": 20_000})
    assert membership.affinities([member])[0].tolist() == pytest.approx([1 / 3, 0, 2 / 3])


def test_guide_tasks_close_the_loop(membership):
    m = membership
    vip = m.register("13800000001", T0, "S001", "G1")
    m.record_purchase(vip, T0, "S001", 800_000)  # gold
    first = m.register("13800000002", T0, "S001", "G2")
    m.record_purchase(first, day(9) + dt.timedelta(hours=2), "S001", 10_000)
    m.run_daily(day(10))
    g2 = m.open_tasks(staff="G2")
    assert g2["kind"].tolist() == ["thank_first_purchase"]
    m.complete_task(int(g2["task"][0]), TaskOutcome.VISIT_BOOKED, day(10))
    with pytest.raises(IllegalTransition):
        m.complete_task(int(g2["task"][0]), TaskOutcome.REACHED, day(11))
    m.run_daily(day(95))  # the VIP is at risk: her guide should call
    assert m.open_tasks(staff="G1")["kind"].tolist() == ["callback_at_risk_vip"]
    m.leave("G1", day(96))
    assert m.open_tasks(store="S001")["kind"].tolist() == ["callback_at_risk_vip"]
    counts = m.task_outcomes()["count"]
    assert counts.loc[("thank_first_purchase", "visit_booked")] == 1


def test_rfm_of_the_module_matches_its_purchases(membership):
    ids = [membership.register(f"1380000000{i}", T0, "S001") for i in range(3)]
    for i, member in enumerate(ids):
        for k in range(i + 1):
            membership.record_purchase(member, day(k), "S001", 1000 * (i + 1))
    table = membership.rfm(day(30))
    assert table["frequency"].tolist() == [1, 2, 3]
    assert table["monetary"].tolist() == [1000, 4000, 9000]
    assert isinstance(table, pd.DataFrame)


def test_numeric_state_per_member_is_under_200_bytes():
    from retail.membership import Membership, MembershipConfig

    categories = ("tops", "bottoms", "dresses", "outerwear", "accessories")
    m = Membership(MembershipConfig(categories=categories), secret="x" * 20)
    n = 5000
    m.register_many(
        [f"139{i:08d}" for i in range(n)],
        np.full(n, np.datetime64("2026-03-02T12:00", "s")),
        ["S001"] * n,
        [None] * n,
        np.zeros(n, np.int8),
    )
    assert m.state.numeric_bytes_per_member() < 200


def test_visitor_to_follower_to_member_and_an_audited_profile(membership):
    m = membership
    visitor = m.visit("mp-77", T0, "S001")
    assert m.stage_counts()["visitor"] == 1
    m.link(visitor, "openid", "oid-77", T0)
    assert m.follow("oid-77", day(1), "S001", "G1") == visitor
    member = m.register("13800000077", day(2), "S001", "G1", openid="oid-77")
    assert member == visitor
    path = [Stage(n).name for n in m.state.transitions.new[m.state.transitions.member == member]]
    assert path == ["FOLLOWER", "MEMBER"]
    m.tag(member, "vip")
    profile = m.profile(member, day(3), "G1", "greeting a returning VIP")
    assert profile["mobile"] == "138****0077" and profile["stage"] == "member"
    assert profile["tags"] == ["vip"] and profile["tier"] == "regular"
    assert m.audit.entries[-1].purpose == "greeting a returning VIP"


def test_a_membership_without_categories_shows_a_profile():
    membership = Membership(secret="test-secret-of-enough-length")  # no categories
    member = membership.register("13800000001", T0, "S001")
    membership.record_purchase(member, T0, "S001", 12_300)
    profile = membership.profile(member, T0, "guide-7", "checkout")
    assert profile["affinity"] == {} and profile["spend_cents"] == 12_300
    assert membership.affinities([member]).shape == (1, 0)

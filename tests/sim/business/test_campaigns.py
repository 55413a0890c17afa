"""Campaign pushes go through the real marketing module and its contact policy; members'
answers are the twin's; the module's measured uplift stands beside the true one."""

from collections import Counter

import numpy as np
import pytest

from retail.marketing import Refusal
from retail.membership import SEGMENT_NAMES
from sim.config.load import ConfigErrors, check_overrides
from sim.experiment.run import simulate_overrides, summarise

BASE = ["chain=five_stores", "days=10", "population.size=6000", "seed=5"]


def run(*overrides: str):
    return simulate_overrides([*BASE, *overrides])


@pytest.fixture(scope="module")
def pushing():
    return run(
        "strategy=weekly_pushes",
        "strategy.campaigns.every_days=3",
        "strategy.campaigns.credit_days=3",
    )


def test_campaigns_reach_members_through_the_module_and_are_measured(pushing):
    kpis = summarise(pushing)
    assert kpis["pushes_sent"] > 500
    assert kpis["pushes_opened"] < kpis["pushes_sent"]
    assert 0 < kpis["push_orders"] < kpis["pushes_opened"]
    assert kpis["online_orders"] >= kpis["push_orders"]
    counts = Counter(type(e).__name__ for e in pushing.log)
    assert counts["CampaignMeasured"] == 2  # days 2 and 5 (day 8's window is still open)
    assert kpis["uplift_true"] > 0
    measured = [e for e in pushing.log if type(e).__name__ == "CampaignMeasured"]
    for event in measured:
        funnel = pushing.marketing.funnel(event.campaign)
        assert funnel["redeemed"] == event.redeemed and funnel["coupons"] == event.coupons
        assert event.uplift_low <= event.uplift_measured <= event.uplift_high


def test_the_twin_reports_what_a_platform_would_and_the_module_counts_it(pushing):
    events = [e for e in pushing.log if type(e).__name__ == "CampaignPushed"]
    by_campaign: dict[str, Counter] = {}
    for e in events:
        by_campaign.setdefault(e.campaign, Counter()).update(
            {"sent": e.sent, "opened": e.opened, "clicked": e.clicked, "targeted": e.targeted}
        )
    for key, truth in by_campaign.items():
        funnel = pushing.marketing.funnel(key)
        assert funnel["sent"] == funnel["delivered"] == truth["sent"]
        assert (funnel["opened"], funnel["clicked"]) == (truth["opened"], truth["clicked"])
        assert funnel["targeted"] == truth["targeted"]


def test_nobody_is_sent_a_push_after_unfollowing(pushing):
    log = pushing.marketing.policy.consents
    unfollowed_any = False
    for key, campaign in pushing.marketing.campaigns.items():
        launched = int(np.datetime64(campaign.launched, "s").astype(np.int64))
        opted_out = set(log.member[(log.ts <= launched) & log.opted_out].tolist())
        unfollowed_any |= bool(opted_out)
        table = pushing.marketing.assignments(key)
        assert not set(table.index[table["sent"]]) & opted_out
        refused = (table["reasons"].to_numpy() & int(Refusal.OPTED_OUT)) != 0
        assert set(table.index[refused]) == opted_out & set(table.index[~table["holdout"]])
    assert unfollowed_any, "the scenario should see some unfollows before a later campaign"


def test_turning_pushes_off_yields_no_pushes():
    kpis = summarise(run("strategy=member_capture"))
    assert kpis["pushes_sent"] == kpis["pushes_opened"] == kpis["uplift_true"] == 0
    assert kpis["members_new"] > 0 and kpis["online_orders"] > 0


def test_a_targeted_campaign_reaches_only_its_segments(pushing):
    targeted = run(
        "strategy=weekly_pushes",
        "strategy.campaigns.every_days=3",
        "strategy.campaigns.segments=[important_value,general_value]",
    )
    assert 0 < summarise(targeted)["pushes_sent"] < summarise(pushing)["pushes_sent"]
    wanted = {SEGMENT_NAMES.index("important_value"), SEGMENT_NAMES.index("general_value")}
    for key, campaign in targeted.marketing.campaigns.items():
        snapshot = targeted.membership.snapshot(campaign.launched)
        table = targeted.marketing.assignments(key)
        segments = snapshot.segment[np.searchsorted(snapshot.member, table.index.to_numpy())]
        assert set(segments.tolist()) <= wanted and len(table)


def test_an_unknown_segment_is_a_config_error():
    with pytest.raises(ConfigErrors) as refused:
        check_overrides(["strategy=weekly_pushes", "strategy.campaigns.segments=[vips]"], False)
    assert "strategy.campaigns" in refused.value.problems[0]
    assert "vips" in refused.value.problems[0]


def test_a_budget_split_needs_a_budget_and_a_pool_share_its_ceiling():
    with pytest.raises(ConfigErrors) as refused:
        check_overrides(
            ["strategy=weekly_pushes", "strategy.campaigns.budget_split=by_tier",
             "chain.franchise.initial_pool_share=0.5", "chain.franchise.max_pool_share=0.2"],
            False,
        )  # fmt: skip
    problems = " ".join(refused.value.problems)
    assert "strategy.campaigns" in problems and "needs a budget_cents" in problems
    assert "chain.franchise" in problems and "above max_pool_share" in problems


def test_service_messages_reach_only_members_who_paid_within_48_hours():
    model = run(
        "strategy=weekly_pushes",
        "strategy.campaigns.channel=WECHAT_SERVICE",
        "strategy.campaigns.every_days=3",
    )
    purchases = model.membership.purchases_frame()
    refused_outside = 0
    for key, campaign in model.marketing.campaigns.items():
        table = model.marketing.assignments(key)
        launched = np.datetime64(campaign.launched, "s")
        recent = purchases[(purchases["ts"] > launched - np.timedelta64(48, "h"))
                           & (purchases["ts"] <= launched)]  # fmt: skip
        sent = set(table.index[table["sent"]])
        assert sent <= set(recent["member_id"])  # a payment opened her window
        outside = (table["reasons"].to_numpy() & int(Refusal.OUTSIDE_SERVICE_WINDOW)) != 0
        refused_outside += int(outside.sum())
    assert refused_outside > 0


def test_the_end_of_run_checks_find_pushes_after_opt_out_and_cap_breaches(pushing):
    import dataclasses
    import datetime as dt

    from retail.marketing import Cap
    from sim.metrics.invariants import cap_breaches, module_breaches, pushes_after_opt_out

    assert module_breaches(pushing) == 0
    desk = pushing.marketing_desk
    key, launched = desk.launched[-1]
    table = pushing.marketing.assignments(key)
    victim = int(table.index[table["sent"]][0])
    saved = dict(desk.unfollowed)
    desk.unfollowed[victim] = launched - dt.timedelta(days=1)  # as if she had left before
    try:
        assert pushes_after_opt_out(pushing) == 1
    finally:
        desk.unfollowed.clear()
        desk.unfollowed.update(saved)
    policy = pushing.marketing.policy
    rules = policy.rules
    policy.rules = dataclasses.replace(rules, overall=Cap(per_week=1))  # stricter than applied
    try:
        assert cap_breaches(pushing) > 0
    finally:
        policy.rules = rules


def test_recipients_who_order_do_so_an_hour_after_the_push(pushing):
    from sim.business.marketing_desk import ORDERED_AFTER_MIN

    pushed = [e for e in pushing.log if type(e).__name__ == "CampaignPushed"]
    sent_at = {e.t for e in pushed}
    ordered = sum(e.ordered for e in pushed)
    push_orders = [e for e in pushing.log if type(e).__name__ == "OnlineOrderPlaced" and e.push]
    assert ordered > 0 and len(push_orders) <= ordered  # an order nothing can serve never counts
    assert {e.t - ORDERED_AFTER_MIN for e in push_orders} <= sent_at

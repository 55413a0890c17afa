"""Member capture at the till goes through the real membership module, and the lever is real."""

from collections import Counter

import pytest
from omegaconf import OmegaConf

from sim.config.load import ConfigErrors, compose_config, validate
from sim.experiment.run import simulate_overrides, summarise

BASE = ["chain=five_stores", "days=4", "population.size=6000", "seed=12"]


def run(*overrides: str):
    return simulate_overrides([*BASE, *overrides])


@pytest.fixture(scope="module")
def capturing():
    return run("strategy=member_capture")


@pytest.fixture(scope="module")
def not_capturing():
    return run("strategy=status_quo")


def test_without_capture_nobody_joins(not_capturing):
    counts = Counter(type(e).__name__ for e in not_capturing.log)
    assert counts["MemberRegistered"] == counts["FollowerGained"] == counts["CaptureAsked"] == 0
    assert not_capturing.membership.stage_counts().sum() == 0
    assert summarise(not_capturing)["members_new"] == 0


def test_capture_registers_members_in_the_module_and_records_their_purchases(capturing):
    counts = Counter(type(e).__name__ for e in capturing.log)
    registered = counts["MemberRegistered"]
    assert registered > 100
    members = capturing.membership.members_by_store()
    assert int(members["members"].sum()) == registered
    assert 0.1 < registered / counts["CaptureAsked"] < 0.4
    # Every purchase by a member after joining reaches the module, in store and online.
    assert counts["MemberPurchaseRecorded"] >= registered
    assert counts["OnlineOrderPlaced"] > 0
    purchases = capturing.membership.purchases_frame()
    assert len(purchases) == counts["MemberPurchaseRecorded"] + counts["OnlineOrderPlaced"]
    assert (purchases["store"] == "online").sum() == counts["OnlineOrderPlaced"]
    kpis = summarise(capturing)
    assert kpis["members_new"] == registered and kpis["followers_new"] >= registered
    assert kpis["active_members"] > 0


def test_the_same_customers_come_either_way(capturing, not_capturing):
    def arrivals(model):  # walk-ins: members also come to collect online orders
        return [
            (e.t, e.customer)
            for e in model.log
            if type(e).__name__ == "VisitStarted" and e.reason == "walk_in"
        ]

    assert arrivals(capturing) == arrivals(not_capturing)


def test_registering_takes_time_at_the_till(capturing, not_capturing):
    assert (
        summarise(capturing)["checkout_wait_mean_min"]
        >= summarise(not_capturing)["checkout_wait_mean_min"]
    )


def test_a_swapped_in_implementation_must_satisfy_the_protocol():
    # Checked with the rest of the config, before anything runs.
    with pytest.raises(ConfigErrors, match=r"modules\.membership\._target_: cannot build"):
        run("modules.membership._target_=collections.OrderedDict")
    raw = OmegaConf.to_container(compose_config(BASE), resolve=True)
    raw["modules"]["membership"] = {"_target_": "builtins.str"}  # builds, but has no register()
    with pytest.raises(ConfigErrors, match="does not satisfy MembershipPort"):
        validate(raw)


def test_door_beacons_recognise_opted_in_members_and_a_free_guide_greets_them():
    base = ["chain=single_store", "days=4", "population.size=3000", "seed=2",
            "strategy=member_capture", "store.daily_visitors=400"]  # fmt: skip
    without = simulate_overrides(base)
    model = simulate_overrides([*base, "hardware.beacons.installed=true"])
    kinds = Counter(type(e).__name__ for e in model.log)
    assert Counter(type(e).__name__ for e in without.log)["MemberRecognised"] == 0
    assert kinds["MemberRecognised"] > 20 and 0 < kinds["GuideGreeted"] <= kinds["MemberRecognised"]
    desk, population = model.membership_desk, model.population
    visits = {e.visit: e.customer for e in model.log if type(e).__name__ == "VisitStarted"}
    for event in (e for e in model.log if type(e).__name__ == "MemberRecognised"):
        person = visits[event.visit]
        if person in desk.member_of:  # false matches (0.2 %) aside, she opted in through the app
            assert population.digital_adoption[person] >= 0.5
    assert summarise(model)["members_recognised"] == kinds["MemberRecognised"]

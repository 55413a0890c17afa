"""One detailed store-day, end to end, through the model's own objects."""

from collections import Counter

import pytest

from sim.agents.shopper import Shopper
from sim.agents.staff import Cashier, Guide
from sim.config.load import ConfigErrors, compose_config, validate
from sim.experiment.run import simulate

BASE = ["chain=single_store", "days=1", "population.size=3000"]


def run(*overrides: str):
    return simulate(validate(compose_config([*BASE, *overrides])))


def kinds(model) -> Counter:
    return Counter(type(e).__name__ for e in model.log)


def test_every_visit_ends_once_and_outcomes_add_up():
    model = run("seed=3")
    started = {e.visit for e in model.log if type(e).__name__ == "VisitStarted"}
    ended = [e for e in model.log if type(e).__name__ == "VisitEnded"]
    assert len(started) > 100 and sorted(e.visit for e in ended) == sorted(started)
    outcomes = Counter(e.outcome for e in ended)
    counts = kinds(model)
    assert outcomes["bought"] == counts["SaleCompleted"] == counts["ServiceStarted"]
    assert outcomes["balked"] == counts["CheckoutBalked"]
    assert outcomes["reneged"] == counts["CheckoutReneged"]
    assert counts["CheckoutJoined"] == outcomes["bought"] + outcomes["reneged"]


def test_shoppers_are_agents_only_while_in_the_store():
    model = run("seed=4")
    assert len(model.agents_by_type.get(Shopper, [])) == 0
    assert len(model.agents_by_type[Guide]) == model.config.store.guides
    assert len(model.agents_by_type[Cashier]) == model.config.store.lanes


def test_guides_are_a_limited_resource():
    alone = kinds(run("store.guides=0", "store.shifts=[]", "store.ask_guide_prob=1"))
    assert alone["GuideConsulted"] == 0 and alone["GuideUnavailable"] > 0
    crowded = kinds(run("store.guides=1", "store.shifts=[]", "store.ask_guide_prob=1"))
    staffed = kinds(run("store.guides=20", "store.ask_guide_prob=1"))
    assert 0 < crowded["GuideConsulted"] < staffed["GuideConsulted"]
    assert crowded["GuideUnavailable"] > staffed["GuideUnavailable"]


def test_sales_happen_only_while_the_store_is_open_or_finishing():
    model = run("seed=5")
    opens, closes = model.calendar.opening(0)
    arrivals = [e.t for e in model.log if type(e).__name__ == "VisitStarted"]
    assert min(arrivals) >= opens and max(arrivals) < closes


OVERLOADED = [
    "store.daily_visitors=3000",
    "store.lanes=1",
    "store.buy_prob=0.6",
    "store.buy_prob_with_guide=0.8",
]


def test_long_queues_make_shoppers_balk_and_renege():
    counts = kinds(run(*OVERLOADED))
    assert counts["CheckoutBalked"] > 0 and counts["CheckoutReneged"] > 0


def test_queue_busting_opens_mobile_lanes_and_cuts_waits():
    status_quo = run(*OVERLOADED, "strategy=status_quo", "seed=9")
    busting = run(*OVERLOADED, "strategy=queue_busting", "seed=9")
    assert kinds(status_quo)["LaneOpened"] == 0
    opened, closed = kinds(busting)["LaneOpened"], kinds(busting)["LaneClosed"]
    assert opened > 0 and closed == opened

    def mean_wait(model):
        waits = [e.waited_min for e in model.log if type(e).__name__ == "ServiceStarted"]
        return sum(waits) / len(waits)

    assert mean_wait(busting) < 0.8 * mean_wait(status_quo)

    # Common random numbers: the same shoppers arrived in both runs.
    def arrivals(model):
        return [(e.t, e.customer) for e in model.log if type(e).__name__ == "VisitStarted"]

    assert arrivals(busting) == arrivals(status_quo)


@pytest.mark.parametrize("lanes", [1, 3])
def test_lane_count_changes_only_the_checkout(lanes):
    model = run(f"store.lanes={lanes}", "seed=2")
    assert model.stores[0].checkout.open_lanes == lanes


def test_the_door_counter_sees_what_its_configuration_lets_it_see():
    def footfall(model, kind):
        if kind == "true":
            return sum(e.party_size for e in model.log if type(e).__name__ == "VisitStarted")
        return sum(
            e.count for e in model.log if type(e).__name__ == "DoorCounted" and e.direction == "in"
        )

    perfect = run(
        "hardware.door_counter.side_by_side_prob=0", "hardware.door_counter.drift_per_day=0"
    )
    assert footfall(perfect, "measured") == footfall(perfect, "true")
    blind = run(
        "hardware.door_counter.side_by_side_prob=1",
        "hardware.door_counter.miss_prob_side_by_side=1",
        "hardware.door_counter.drift_per_day=0",
    )
    parties = sum(1 for e in blind.log if type(e).__name__ == "VisitStarted")
    assert footfall(blind, "measured") == parties < footfall(blind, "true")


def test_guides_work_their_shifts_and_finish_with_their_customer():
    model = run("seed=6", "store.ask_guide_prob=1")
    started = [e for e in model.log if type(e).__name__ == "ShiftStarted"]
    ended = [e for e in model.log if type(e).__name__ == "ShiftEnded"]
    assert [e.shift for e in started] == ["10:00-16:00", "12:00-20:00", "16:00-22:00"]
    assert [e.t % 1440 for e in ended] == [16 * 60, 20 * 60, 22 * 60]
    consults = [e for e in model.log if type(e).__name__ == "GuideConsulted"]
    early = {e.guide for e in consults if e.t < 12 * 60}
    assert early <= {"S001-G1", "S001-G4"}, "only the morning shift and the manager before noon"
    late = {e.guide for e in consults if e.t - e.minutes > 16 * 60 + 1}
    assert "S001-G1" not in late, "the morning guide has gone home"


def test_shifts_outside_opening_hours_or_beyond_the_staff_are_refused():
    with pytest.raises(ConfigErrors) as refused:
        validate(
            compose_config(
                [
                    *BASE,
                    "store.guides=1",
                    "store.shifts=[{start: '08:00', end: '12:00', guides: 2}]",
                ]
            )
        )
    assert "shifts[0]: 08:00-12:00 must lie within opening hours" in str(refused.value)

"""Fitting rooms: a limited resource, RFID readers that see most garments, a lift in buying."""

from collections import Counter

import pytest

from sim.config.load import compose_config, validate
from sim.experiment.run import simulate

BASE = ["chain=single_store", "days=3", "population.size=3000", "seed=8"]


def run(*overrides: str):
    return simulate(validate(compose_config([*BASE, *overrides])))


def of(model, kind: str) -> list:
    return [e for e in model.log if type(e).__name__ == kind]


@pytest.fixture(scope="module")
def with_readers():
    return run()


def test_readers_count_garments_at_their_read_rate(with_readers):
    true = sum(e.garments for e in of(with_readers, "GarmentsTriedOn"))
    measured = sum(e.count for e in of(with_readers, "FittingRoomTagsRead"))
    assert true > 200
    assert measured / true == pytest.approx(0.97, abs=0.03)


def test_rooms_are_limited_and_waiting_too_long_means_no_try_on():
    model = run("store.fitting_rooms=1", "store.daily_visitors=900")
    assert of(model, "FittingRoomUnavailable")
    occupied = []
    for event in of(model, "GarmentsTriedOn"):
        occupied.append(event.room)
    assert set(occupied) == {"FR1"}


def test_without_readers_nothing_is_measured_and_the_shoppers_do_the_same(with_readers):
    bare = run("hardware.rfid.installed=false")
    assert not of(bare, "FittingRoomTagsRead")

    def tried(model):
        return [(e.visit, e.garments) for e in of(model, "GarmentsTriedOn")]

    assert tried(bare) == tried(with_readers), "sensors observe; they change no behaviour"


def test_trying_on_lifts_buying():
    model = run("store.try_on_prob=0.6")
    tried = {e.visit for e in of(model, "GarmentsTriedOn")}
    bought = {e.visit for e in of(model, "SaleCompleted")}
    visits = {e.visit for e in of(model, "VisitStarted")}
    rate_tried = len(tried & bought) / len(tried)
    rate_other = len((visits - tried) & bought) / len(visits - tried)
    assert rate_tried > 1.4 * rate_other
    assert Counter(type(e).__name__ for e in model.log)["GarmentsTriedOn"] == len(tried)

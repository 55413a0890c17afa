"""Guides work the membership module's tasks in their shifts; outcomes go back; bookings come."""

from collections import Counter

import pytest

from sim.config.load import compose_config, validate
from sim.experiment.run import simulate

BASE = ["chain=single_store", "days=6", "population.size=3000", "seed=4"]


@pytest.fixture(scope="module")
def working():
    return simulate(validate(compose_config([*BASE, "strategy=guide_tasks"])))


def of(model, kind: str) -> list:
    return [e for e in model.log if type(e).__name__ == kind]


def test_tasks_are_worked_by_guides_on_duty_and_written_back(working):
    worked = of(working, "GuideTaskWorked")
    assert len(worked) > 20
    assert {e.kind for e in worked} == {"thank_first_purchase"}
    outcomes = working.membership.task_outcomes()["count"]
    done = outcomes.drop(index="pending", level="outcome", errors="ignore").sum()
    assert done == len(worked)
    guides = set(working.stores[0].guide_codes)
    assert {e.guide for e in worked} <= guides
    opening, closing = working.calendar.opening(0)
    assert all(opening <= e.t % 1440 <= closing for e in worked), "only in shifts"


def test_booked_members_come_to_the_store(working):
    bookings = of(working, "VisitBooked")
    assert bookings
    visits = {(e.customer, e.t) for e in of(working, "VisitStarted")}
    assert all((b.customer, b.visit_at) in visits for b in bookings)
    booked_tasks = [e for e in of(working, "GuideTaskWorked") if e.outcome == "visit_booked"]
    assert len(bookings) <= len(booked_tasks)  # visits after the horizon are not scheduled


def test_without_the_lever_no_task_is_worked():
    model = simulate(validate(compose_config([*BASE, "strategy=member_capture"])))
    assert not of(model, "GuideTaskWorked")
    assert Counter(type(e).__name__ for e in model.log)["MemberRegistered"] > 0

"""The calendar's day jobs: time order, then the table's order; the agenda without SimPy."""

import datetime as dt

import pytest

from sim.engine.agenda import HeapAgenda, SimpyAgenda
from sim.engine.calendar import Calendar
from sim.engine.day_jobs import DayJob, DayJobs, Slot, at_clock, at_closing, at_opening, every

FLAT = (1.0,) * 24


def calendar(opens=600, closes=1320) -> Calendar:
    return Calendar(dt.date(2026, 3, 2), opens, closes, (1.0,) * 7, FLAT)


def recorder(ran: list):
    return lambda name: lambda day, at: ran.append((name, day, at))


def test_jobs_run_in_time_order_and_ties_in_table_order():
    ran = []
    job = recorder(ran)
    table = [
        DayJob("late at closing", at_closing(30), job("late at closing")),
        DayJob("second at closing", at_closing(), job("second at closing")),
        DayJob("morning", at_opening(30), job("morning")),
        DayJob("first at closing", at_closing(), job("first at closing")),
        DayJob("noon", at_clock(720), job("noon")),
    ]
    jobs = DayJobs(calendar(), table, days=2)
    assert jobs.next_time() == 630
    assert jobs.run_due(1320) == ["morning", "noon", "second at closing", "first at closing"]
    assert ran[-1] == ("first at closing", 0, 1320)
    assert jobs.run_due(1440 + 720) == ["late at closing", "morning", "noon"]
    assert jobs.run_due(10_000) == ["second at closing", "first at closing", "late at closing"]
    assert jobs.next_time() == float("inf")


def test_every_slot_covers_the_day_and_a_midnight_closing_stays_in_its_day():
    cal = calendar(opens=0, closes=1440)
    assert every(15).times(cal, 1)[:2] == [1440, 1455] and len(every(15).times(cal, 1)) == 96
    closing, after = at_closing().times(cal, 0)[0], at_closing(30).times(cal, 0)[0]
    assert closing < after < 1440  # both count for the day that closed


def test_bad_slots_and_names_are_refused():
    with pytest.raises(ValueError, match="period"):
        Slot("every", 0)
    with pytest.raises(ValueError, match="within the day"):
        at_clock(1440)
    twice = [DayJob("a", at_opening(), lambda d, t: None)] * 2
    with pytest.raises(ValueError, match="unique"):
        DayJobs(calendar(), twice, 1)


def test_a_heap_agenda_runs_actions_in_time_order_with_what_they_add():
    agenda, ran = HeapAgenda(), []

    def picked(t):
        ran.append(("picked", t))
        agenda.call_at(t + 30, lambda t: ran.append(("delivered", t)))

    agenda.call_at(120, picked)
    agenda.call_at(60, lambda t: ran.append(("paid", t)))
    agenda.call_at(60, lambda t: ran.append(("paid too", t)))
    assert agenda.run_until(130) == 3 and len(agenda) == 1
    assert agenda.run_until(500) == 1
    assert ran == [("paid", 60), ("paid too", 60), ("picked", 120), ("delivered", 150)]
    agenda.call_at(10, lambda t: ran.append(("late", t)))  # in the past: at once
    agenda.run_until(500)
    assert ran[-1] == ("late", 500)


def test_a_simpy_agenda_calls_back_at_the_minute():
    import simpy

    env = simpy.Environment()
    ran = []
    SimpyAgenda(env).call_at(42.5, ran.append)
    env.run()
    assert ran == [42.5]


def test_a_slot_past_midnight_keeps_the_run_in_time_order():
    ran = []
    job = recorder(ran)
    table = [DayJob("after opening", at_opening(30), job("after opening")),  # 23:40 + 30 min
             DayJob("midnight", at_clock(0), job("midnight"))]  # fmt: skip
    DayJobs(calendar(opens=1420, closes=1440), table, days=3).run_due(10_000)
    times = [at for _, _, at in ran]
    assert times == sorted(times) and len(times) == 6
    assert ran[:3] == [("midnight", 0, 0), ("midnight", 1, 1440), ("after opening", 0, 1450)]

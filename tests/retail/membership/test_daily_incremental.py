"""The daily job looks only at members whose stage may have come due; it moves exactly the
members, and logs exactly the transitions and tasks, that looking at everybody does."""

import datetime as dt

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from retail.membership import Membership, MembershipConfig

SECRET = "test-secret-of-enough-length"
T0 = dt.datetime(2026, 3, 2, 12, 0)
MEMBERS = 6

AMOUNTS = st.sampled_from([990, 150_000, 700_000])
steps = st.lists(
    st.one_of(
        st.tuples(st.just("buy"), st.integers(0, MEMBERS - 1), st.integers(0, 3), AMOUNTS),
        st.tuples(st.just("days"), st.sampled_from([1, 1, 2, 30, 85, 95, 200, 400])),
        st.tuples(st.just("merge"), st.integers(0, MEMBERS - 1), st.integers(0, MEMBERS - 1)),
        st.tuples(st.just("erase"), st.integers(0, MEMBERS - 1)),
        st.tuples(st.just("register"), st.integers(0, 3)),
    ),
    max_size=30,
)


def world() -> Membership:
    m = Membership(MembershipConfig(), secret=SECRET)
    for i in range(MEMBERS):
        if i % 3:
            m.register(f"1390000{i:04d}", T0, "S1", f"G{i % 2}")
        else:
            m.follow(f"openid-{i}", T0, "S1")  # followers may buy before they register
    m.set_profile(1, birthday=(3, 5))
    return m


@settings(max_examples=120)
@given(steps)
def test_the_due_members_move_as_everybody_would(ops):
    due, full = world(), world()
    live, day = list(range(MEMBERS)), T0
    for step, op in enumerate(ops):
        for m in (due, full):
            if op[0] == "buy" and live:
                member = live[op[1] % len(live)]
                m.record_purchase(member, day + dt.timedelta(hours=op[2]), "S1", op[3])
            elif op[0] == "days":
                if m is full:
                    m.state.daily_s = None  # look at everybody
                m.run_daily(day + dt.timedelta(days=op[1]))
            elif op[0] == "merge" and len(live) > 1:
                keep, drop = live[op[1] % len(live)], live[op[2] % len(live)]
                if keep != drop:
                    m.merge(keep, drop, day)
            elif op[0] == "erase" and len(live) > 1:
                m.erase(live[op[1] % len(live)], day, "dpo")
            elif op[0] == "register":
                m.register(f"1390000{op[1]:04d}", day + dt.timedelta(minutes=step), "S2")
        if op[0] == "days":
            day += dt.timedelta(days=op[1])
        elif op[0] == "merge" and len(live) > 1 and op[1] % len(live) != op[2] % len(live):
            live.remove(live[op[2] % len(live)])
        elif op[0] == "erase" and len(live) > 1:
            live.remove(live[op[1] % len(live)])
    for m in (due, full):
        m.run_daily(day + dt.timedelta(days=1))
    for log in ("members", "transitions", "tasks"):
        a, b = getattr(due.state, log).arrays(), getattr(full.state, log).arrays()
        for column in a:
            if column != "lifecycle_due_s":
                assert np.array_equal(a[column], b[column]), (log, column)

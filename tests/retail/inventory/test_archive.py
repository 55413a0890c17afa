"""Archiving reservations and allocations: the closed ones leave as tables, the open ones go on
exactly as before, the log still adds up to what is reserved, archived keys stay taken."""

import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from retail.errors import Archived, Conflict
from retail.inventory import InventoryCenter, Location, LocationKind, Order, OrderLine
from retail.inventory.reservations import Outcome

T = dt.datetime(2026, 5, 1, 10)
MIN = dt.timedelta(minutes=1)
LOCATIONS = [
    Location("DC", LocationKind.WAREHOUSE, 31.0, 121.0, priority=1),
    Location("S1", LocationKind.DIRECT_STORE, 31.2, 121.4),
]


def center() -> InventoryCenter:
    c = InventoryCenter(LOCATIONS, reservation_ttl=30 * MIN)
    c.receive_many(["tee", "cap"] * 2, ["DC", "DC", "S1", "S1"], [100, 100, 100, 100], T)
    return c


# Per reservation: its minute, its fate (0 and 3 left to expire, 1 committed, 2 released)
# within its 30 minutes, the minutes until its fate, its units.
plans = st.lists(st.tuples(st.integers(0, 50), st.integers(0, 3), st.integers(0, 29),
                           st.integers(1, 3)), max_size=12)  # fmt: skip


def play(c: InventoryCenter, plan, archive_at=None):
    events = sorted([(t, 0, i) for i, (t, _, _, _) in enumerate(plan)]
                    + [(t + f, 1, i) for i, (t, _, f, _) in enumerate(plan)])  # fmt: skip
    tables = []
    for minute, kind, i in events:
        at, (_, fate, _, units) = T + minute * MIN, plan[i]
        if archive_at is not None and minute >= archive_at and not tables:
            tables.append(c.archive(T + archive_at * MIN))
        if kind == 0:
            c.reserve(f"r-{i}", [("tee", "S1", units), ("cap", "DC", 1)], at)
        elif fate in (1, 2):
            (c.commit if fate == 1 else c.release)(f"r-{i}", at)
    c.expire(T + 200 * MIN)
    return tables


@settings(max_examples=40, deadline=None)
@given(plans, st.integers(0, 120))
def test_archiving_closed_reservations_changes_no_stock_and_no_open_hold(plan, when):
    whole, archived = center(), center()
    play(whole, plan)
    tables = [t for t in play(archived, plan, archive_at=when) if t]
    for sku in ("tee", "cap"):
        for where in ("DC", "S1"):
            assert archived.position(sku, where) == whole.position(sku, where)
    assert archived.conservation().equals(whole.conservation())
    assert archived.reserved_from_log() == whole.reserved_from_log()
    gone = (
        set(tables[0]["reservations"]["key"]) if tables and "reservations" in tables[0] else set()
    )
    for i in range(len(plan)):
        key = f"r-{i}"
        if key in gone:
            with pytest.raises(Archived):
                archived.reservation(key)
        else:
            assert archived.reservation(key) == whole.reservation(key)
    # What left was closed, and closed before the time it was archived at.
    if gone:
        table = tables[0]["reservations"]
        assert (table["state"] != "held").all()
        assert (table["closed"] < T + when * MIN).all()


def test_an_archived_reservation_key_stays_taken():
    c = center()
    c.reserve("r-1", [("tee", "S1", 1)], T)
    c.commit("r-1", T + MIN)
    c.reserve("r-2", [("tee", "S1", 1)], T, ttl=30 * MIN)
    assert set(c.archive(T + 2 * MIN)["reservations"]["key"]) == {"r-1"}
    with pytest.raises(Conflict, match="archived"):
        c.reserve("r-1", [("tee", "S1", 1)], T + 3 * MIN)
    out = c.reserve_many(["r-1", "r-3"], ["tee", "tee"], ["S1", "S1"], [1, 1], T + 3 * MIN)
    assert list(out) == [Outcome.CONFLICT, Outcome.DONE]
    # The deadlines of the holds kept moved with them: both expire at their time.
    assert c.expire(T + 31 * MIN) == ["r-2"]
    assert c.expire(T + 40 * MIN) == ["r-3"]
    assert set(c.archive(T + 41 * MIN)["reservations"]["key"]) == {"r-2", "r-3"}
    assert c.reserved_from_log() == {} and c.position("tee", "S1").reserved == 0


def test_an_archived_allocation_is_not_made_again():
    c = center()
    order = Order("web-1", (OrderLine("tee", 2, 100),), 31.2, 121.4)
    first = c.allocate(order, T, expires=False)
    (parcel,) = first.shipments
    c.commit(parcel.reservation, T + MIN)
    tables = c.archive(T + 2 * MIN)
    assert tables["allocations"]["key"].tolist() == ["web-1"]
    assert tables["reservations"]["key"].tolist() == [parcel.reservation]
    with pytest.raises(Conflict, match="archived"):
        c.allocate(order, T + 3 * MIN)
    batch = c.allocate_many([Order("web-2", (OrderLine("cap", 1, 50),), 31.2, 121.4)], T + 3 * MIN)
    assert len(batch) == 1 and np.all(c.conservation()["balanced"])
    assert c.archive(T + 2 * MIN) == {}  # nothing more from before then

"""Batch calls do exactly what the same calls one after another would do."""

import datetime as dt
import re
from contextlib import suppress

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from retail.errors import Conflict, IllegalTransition, InvalidInput, NotFound, OutOfStock
from retail.inventory import InventoryCenter, Location, LocationKind, SalesChannel
from retail.inventory.reservations import Outcome

T = dt.datetime(2026, 5, 1, 10)
LOCATIONS = [
    Location("S1", LocationKind.DIRECT_STORE, 31.2, 121.4),
    Location("S2", LocationKind.DIRECT_STORE, 31.3, 121.5),
    Location("F1", LocationKind.FRANCHISE_STORE, 31.3, 121.6, shares={SalesChannel.ONLINE: 0.5}),
]
SKUS = ["tee", "cap", "bag"]


def stocked(units: list[int]) -> InventoryCenter:
    c = InventoryCenter(LOCATIONS, reservation_ttl=dt.timedelta(minutes=30))
    cells = [(s, loc.id) for s in SKUS for loc in LOCATIONS]
    c.receive_many([s for s, _ in cells], [x for _, x in cells], units, T)
    return c


line = st.tuples(st.sampled_from(SKUS), st.sampled_from([x.id for x in LOCATIONS]),
                 st.integers(1, 4))  # fmt: skip
holds = st.lists(st.lists(line, min_size=1, max_size=3, unique_by=lambda x: x[:2]), max_size=25)


def state(c: InventoryCenter):
    return c.stock_frame().to_dict(), c.reserved_from_log()


@settings(max_examples=60)
@given(units=st.lists(st.integers(1, 6), min_size=9, max_size=9), batch=holds,
       replay=st.integers(0, 3), channel=st.sampled_from(list(SalesChannel)))  # fmt: skip
def test_reserve_many_equals_reserving_one_after_another(units, batch, replay, channel):
    one, many = stocked(units), stocked(units)
    keys = [f"r{i}" for i in range(len(batch))]
    # A few keys already exist: some with the same lines (a replay), one with other lines.
    for i, lines in enumerate(batch[:replay]):
        other = [(lines[0][0], lines[0][1], lines[0][2] + (i == 0))]
        for c in (one, many):
            with suppress(OutOfStock):  # part of the scenario
                c.reserve(keys[i], other if i == 0 else lines, T, channel)
    expected = []
    for key, lines in zip(keys, batch, strict=True):
        before = key in one.book.index
        try:
            one.reserve(key, lines, T, channel)
            expected.append(Outcome.REPEATED if before else Outcome.DONE)
        except OutOfStock:
            expected.append(Outcome.OUT_OF_STOCK)
        except Conflict:
            expected.append(Outcome.CONFLICT)
    flat = [(i, *x) for i, lines in enumerate(batch) for x in lines]
    owners, skus, places, quantities = zip(*flat, strict=True) if flat else ([], [], [], [])
    got = many.reserve_many(keys, skus, places, quantities, T, channel, owners=owners)
    assert got.tolist() == expected
    assert state(many) == state(one)
    # Commit half, release the rest, in batches and one by one.
    half = keys[: len(keys) // 2]
    for key in half:
        with suppress(IllegalTransition, NotFound):  # the batch outcome says so
            one.commit(key, T)
    many.commit_many(half, T)
    many.release_many(keys[len(keys) // 2 :], T)
    for key in keys[len(keys) // 2 :]:
        with suppress(IllegalTransition, NotFound):
            one.release(key, T)
    assert state(many) == state(one)
    assert many.conservation()["balanced"].all()


def test_batch_outcomes_for_settled_unknown_and_expired_keys():
    c = stocked([5] * 9)
    c.reserve_many(["a", "b", "c"], ["tee"] * 3, ["S1"] * 3, [1, 1, 1], T)
    assert c.commit_many(["a", "a2"], T).tolist() == [Outcome.DONE, Outcome.NOT_FOUND]
    assert c.commit_many(["a"], T).tolist() == [Outcome.REPEATED]
    assert c.release_many(["a", "b"], T).tolist() == [Outcome.ILLEGAL, Outcome.DONE]
    later = T + dt.timedelta(hours=1)  # "c" expired after 30 minutes
    assert c.release_many(["c"], later).tolist() == [Outcome.REPEATED]
    assert c.commit_many(["c"], later).tolist() == [Outcome.ILLEGAL]
    assert c.position("tee", "S1") == (4, 0, 4, 0)


def test_bad_batches_change_nothing_and_name_the_item():
    c = stocked([5] * 9)
    for call, field in [
        (lambda: c.reserve_many(["a", "a"], ["tee"] * 2, ["S1"] * 2, [1, 1], T), r"keys\[1\]"),
        (lambda: c.reserve_many(["a", "b"], ["tee"] * 2, ["S1"] * 2, [1, 0], T),
         r"quantities\[1\]"),
        (lambda: c.reserve_many(["a", "b"], ["tee"], ["S1"], [1], T, owners=[0]), r"keys\[1\]"),
        (lambda: c.reserve_many(["a"], ["tee"] * 2, ["S1"] * 2, [1, 1], T, owners=[0, 0]),
         "appears twice"),
    ]:  # fmt: skip
        try:
            call()
        except InvalidInput as error:
            assert re.search(field, str(error)), (field, str(error))
        else:
            raise AssertionError(f"no error for {field}")
    assert c.reserved_from_log() == {}
    assert len(c.book.keys) == 0 and np.all(c.pool.reserved_total == 0)
